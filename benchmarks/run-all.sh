#!/usr/bin/env bash
# Runs every benchmark mode once, in Release, and keeps each one's output in a folder (default
# benchmarks/results/<UTC date>-<commit>). Arguments after the folder go to BenchmarkDotNet (e.g. --anyCategories url).
# Stops at the first mode that fails (the check first: the clients must agree before anything is timed).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-benchmarks/results/$(date -u +%Y-%m-%d)-$(git rev-parse --short HEAD)}
shift || true
project=benchmarks/Lumenfall.Sdk.Benchmarks
app=$project/bin/Release/net10.0/Lumenfall.Sdk.Benchmarks
mkdir -p "$out"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet build "$project" -c Release -v q -nologo
{
  echo "date (UTC): $(date -u '+%Y-%m-%d %H:%M')"
  echo "commit: $(git rev-parse HEAD)$(git diff --quiet HEAD -- src || echo ' (src has uncommitted changes)')"
  echo "nproc: $(nproc)"
  echo "memory: $(free -h | awk '/^Mem:/ {print $2}')"
  echo "os: $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
  echo "dotnet: SDK $(dotnet --version), runtime $(dotnet --list-runtimes | awk '/NETCore.App/ {v=$2} END {print v}')"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/machine.txt"

"$app" check | tee "$out/check.txt"
"$app" memory | tee "$out/memory.txt"
"$app" concurrency | tee "$out/concurrency.txt"
"$app" paired | tee "$out/paired.txt"
"$app" bench "$@" | tee "$out/bench.txt"
cp BenchmarkDotNet.Artifacts/results/Lumenfall.Sdk.Benchmarks.Modes.ClientBenchmarks-report-github.md "$out/bench-report.md"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/machine.txt"
echo "results in $out"
