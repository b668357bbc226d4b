#!/usr/bin/env bash
# Issue 11's receipt benchmarks (not tests), on the real host, SQLite and PostgreSQL. Results:
# docs/performance.md, section "Receipt append throughput (issue 11)".
#   append:        writers append receipts while the host's log service integrates them into signed
#                  checkpoints, against the same inserts with the log idle (goals >= 5,000/s, >= 0.7);
#   create-member: CreateMember over gRPC with its receipt against the same RPC without it, in
#                  alternating rounds (goal >= 0.8). "Without" exists only in this bench: a hosting
#                  startup of the bench assembly drops the receipt rows (WithoutReceipts.cs).
#
# Usage:
#   bench/receipts.sh                          both parts, both providers
#   bench/receipts.sh --providers=sqlite       one provider (sqlite, postgres, or both comma-separated)
#   bench/receipts.sh --parts=append           one part (append, create-member)
#   append:        --receipts=N (20,000) --writers=N (8) --batch=N (receipts per transaction, 1)
#                  --write=each|bulk (each: one SaveChanges per change, as an RPC; bulk: ChangeReceipts.New
#                  and BulkInserts per transaction, as an import's commit)
#                  --warm-up=N (receipts appended unmeasured on each arm's host first; default half of --receipts, at least 200,000: the sequencer tiers up per batch)
#   create-member: --rounds=N (5) --calls=N (400 per round and arm) --callers=N (8)
#   --markdown=FILE                            also write the result tables to FILE
# PostgreSQL: the cluster in PILOTDECK_TEST_POSTGRES, or one started with scripts/postgres.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${PILOTDECK_TEST_POSTGRES:-}" ]]; then
  eval "$(scripts/postgres.sh start)"
fi
dotnet build bench/Pilotdeck.Bench.Receipts/Pilotdeck.Bench.Receipts.csproj -c Release -nologo -v quiet
exec dotnet bench/Pilotdeck.Bench.Receipts/bin/Release/net10.0/Pilotdeck.Bench.Receipts.dll "$@"
