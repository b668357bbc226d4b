#!/usr/bin/env bash
# Receipt append throughput (not a test): concurrent writers append receipts on the real host while
# its log service integrates them into signed checkpoints, against the same inserts with the log
# idle, on SQLite and PostgreSQL. Prints receipts/s, the ratio and the goals (>= 5,000/s, >= 0.7).
# Results: docs/performance.md.
#
# Usage:
#   bench/receipts.sh                          both providers, 20,000 receipts, 8 writers
#   bench/receipts.sh --providers=sqlite       one provider (sqlite, postgres, or both comma-separated)
#   bench/receipts.sh --receipts=N --writers=N --batch=N --markdown=FILE   (--batch: receipts per transaction, default 1)
# PostgreSQL: the cluster in PILOTDECK_TEST_POSTGRES, or one started with scripts/postgres.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${PILOTDECK_TEST_POSTGRES:-}" ]]; then
  eval "$(scripts/postgres.sh start)"
fi
dotnet build bench/Pilotdeck.Bench.Receipts/Pilotdeck.Bench.Receipts.csproj -c Release -nologo -v quiet
exec dotnet bench/Pilotdeck.Bench.Receipts/bin/Release/net10.0/Pilotdeck.Bench.Receipts.dll "$@"
