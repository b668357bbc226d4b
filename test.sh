#!/usr/bin/env bash
# The one test command: installs what this machine lacks, starts a throwaway PostgreSQL on
# loopback, builds everything and runs every suite (.NET incl. partner stacks grpc-js, grpcio and
# buf; node contract checks). Ends with one line over all suites: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"

scripts/install-prerequisites.sh || { echo "0 passed, 1 failed"; exit 1; }

pg_env=$(scripts/postgres.sh start) || { echo "could not start PostgreSQL"; echo "0 passed, 1 failed"; exit 1; }
eval "$pg_env"
trap 'scripts/postgres.sh stop >/dev/null 2>&1 || true' EXIT

passed=0
failed=0
skipped=0
results_dir=$(mktemp -d)

echo "== build"
if ! dotnet build Grpc.sln -c Release -nologo -v:q -clp:ErrorsOnly; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

echo "== .NET tests"
dotnet test Grpc.sln -c Release --no-build -nologo 2>&1 | tee "$results_dir/dotnet.log"
dotnet_exit=${PIPESTATUS[0]}
# One "Passed!/Failed!  - Failed: F, Passed: P, Skipped: S, Total: T" line per test assembly.
read -r p f s < <(grep -E '^(Passed|Failed)!' "$results_dir/dotnet.log" |
  sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\2 \1 \3/' |
  awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
# A crashed test host prints no summary line; count it as a failure rather than lose it.
if [ "$dotnet_exit" -ne 0 ] && [ "$f" -eq 0 ]; then failed=$((failed + 1)); fi

echo "== node tests"
node --test tests/contracts/ 2>&1 | tee "$results_dir/node.log"
node_exit=${PIPESTATUS[0]}
np=$(grep -E '^# pass ' "$results_dir/node.log" | awk '{print $3}')
nf=$(grep -E '^# fail ' "$results_dir/node.log" | awk '{print $3}')
passed=$((passed + ${np:-0})); failed=$((failed + ${nf:-0}))
if [ "$node_exit" -ne 0 ] && [ "${nf:-0}" -eq 0 ]; then failed=$((failed + 1)); fi

rm -rf "$results_dir"
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
