#!/usr/bin/env bash
# NativeAOT check: publishes samples/NativeAot with PublishAot=true, fails on any AOT or trim warning, then runs the
# native binary against the offline emulator started as its own process (`lumenfall emulator`) and checks that it wrote
# every image. Prints the time each step took. .ci/run calls it on every run unless LUMENFALL_AOT=0.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
emulator_pid=""
cleanup() { [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

started=$SECONDS
dotnet build samples/Lumenfall.Cli -c Release -o "$work/cli" >"$work/cli-build.log" 2>&1 || { cat "$work/cli-build.log"; exit 1; }
dotnet "$work/cli/Lumenfall.Cli.dll" emulator >"$work/emulator.txt" 2>"$work/emulator.err" &
emulator_pid=$!

publish_started=$SECONDS
rid=$(dotnet --info | awk -F': *' '/^ *RID:/ { print $2; exit }')
if ! dotnet publish samples/NativeAot -c Release -r "$rid" -o "$work/app" >"$work/publish.log" 2>&1; then
  cat "$work/publish.log"
  echo "aot: the NativeAOT publish failed"
  exit 1
fi
warnings=$(grep -E "warning (IL[0-9]{4}|AOT[0-9]*|SYSLIB[0-9]+)" "$work/publish.log" | sort -u || true)
if [ -n "$warnings" ]; then
  echo "$warnings"
  echo "aot: $(echo "$warnings" | wc -l) AOT/trim warning(s)"
  exit 1
fi
echo "aot: published $(du -h "$work/app/NativeAot" | cut -f1) native binary with 0 AOT/trim warnings in $((SECONDS - publish_started)) s"

for _ in $(seq 1 300); do grep -q '^export ' "$work/emulator.txt" 2>/dev/null && break; sleep 0.2; done
grep -q '^export ' "$work/emulator.txt" || { cat "$work/emulator.err"; echo "aot: the emulator did not start"; exit 1; }
eval "$(grep '^export ' "$work/emulator.txt")"

"$work/app/NativeAot" "$work/images"
for step in generated queued edited; do
  file=$(ls "$work/images/$step".* 2>/dev/null | head -n 1)
  if [ -z "$file" ] || [ ! -s "$file" ]; then
    echo "aot: no $step image was written"
    exit 1
  fi
done
echo "aot: the native app wrote 3 images (generate, fal queue resumed from its token, edit); $((SECONDS - started)) s in all"
