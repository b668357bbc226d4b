#!/usr/bin/env bash
# Receipt proofs at scale (not a test): grows the demo tenant's log on the real host to a million
# receipts, then times GetReceipt (with its inclusion proof) and GetConsistencyProof over gRPC
# against GetCheckpoint on the same authenticated path (and GetServerInfo, anonymous and without the
# database, as the floor), on SQLite and PostgreSQL, after a warm-up that lasts until the JIT is
# quiet and the host's every-minute job has run once; every answer is verified. Prints p50/p99,
# the ratio to the baseline and the goal (p99 <= 2 ms).
# Results: docs/performance.md.
#
# Usage:
#   bench/proofs.sh                          both providers, 1,000,000 receipts, 2,000 requests per call
#   bench/proofs.sh --providers=sqlite       one provider (sqlite, postgres, or both comma-separated)
#   bench/proofs.sh --leaves=N --requests=N --markdown=FILE
#   bench/proofs.sh --alloc-profile          also: allocations by type per call kind (not for the figures)
# PostgreSQL: the cluster in PILOTDECK_TEST_POSTGRES, or one started with scripts/postgres.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${PILOTDECK_TEST_POSTGRES:-}" ]]; then
  eval "$(scripts/postgres.sh start)"
fi
dotnet build bench/Pilotdeck.Bench.Proofs/Pilotdeck.Bench.Proofs.csproj -c Release -nologo -v quiet
exec dotnet bench/Pilotdeck.Bench.Proofs/bin/Release/net10.0/Pilotdeck.Bench.Proofs.dll "$@"
