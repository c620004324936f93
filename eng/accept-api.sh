#!/usr/bin/env bash
# Accepts the current public surface of every package: rewrites each packable project's PublicAPI.Unshipped.txt with
# every public member that PublicAPI.Shipped.txt does not already list (PublicApiAnalyzers' own code fix, RS0016, run
# by `dotnet format`). Review the diff before committing it: every line is a promise to users.
set -euo pipefail
cd "$(dirname "$0")/.."
for project in $(git ls-files '*.csproj' | xargs grep -l '<IsPackable>true</IsPackable>'); do
  dir=$(dirname "$project")
  printf '#nullable enable\n' > "$dir/PublicAPI.Unshipped.txt"
  [ -f "$dir/PublicAPI.Shipped.txt" ] || printf '#nullable enable\n' > "$dir/PublicAPI.Shipped.txt"
  dotnet format analyzers "$project" --diagnostics RS0016 --severity warn --include-generated >/dev/null 2>&1 || true
  # Sorted as the analyzer's own fixer keeps them, so a diff shows only what changed.
  { head -n 1 "$dir/PublicAPI.Unshipped.txt"; tail -n +2 "$dir/PublicAPI.Unshipped.txt" | LC_ALL=C sort -u; } > "$dir/PublicAPI.Unshipped.tmp"
  mv "$dir/PublicAPI.Unshipped.tmp" "$dir/PublicAPI.Unshipped.txt"
  echo "$dir/PublicAPI.Unshipped.txt: $(($(wc -l < "$dir/PublicAPI.Unshipped.txt") - 1)) entries"
done
