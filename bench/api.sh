#!/usr/bin/env bash
# Authenticated-read benchmark (not a test): h2load drives the real Pilotdeck host (in-process, on a
# loopback port) with an authenticated, tenant-scoped read -- IdentityService/GetCallerIdentity with
# an API-client token: token validation + one indexed DB read -- and, in the same run and host, the
# anonymous grpc.health.v1.Health/Check as the baseline; on SQLite and on PostgreSQL. Prints req/s,
# p50/p99, server CPU and allocations per request, the ratio authenticated/unauthenticated against
# the goal (>= 0.6), and a breakdown of what the authenticated path costs. Results: docs/performance.md.
#
# Usage:
#   bench/api.sh                     full run, both providers (about 5-8 minutes on 2 cores)
#   bench/api.sh --quick             smoke run: small counts, one round
#   bench/api.sh --providers=sqlite  one provider only (sqlite, postgres, or both comma-separated)
#   bench/api.sh --alloc-profile     also sample allocations by type for each endpoint
#   bench/api.sh --no-breakdown      skip timing the authenticated path's pieces
#   bench/api.sh --markdown=FILE     also write the result tables to FILE
# Tuning (defaults in bench/Pilotdeck.Bench.Api/BenchOptions.cs; h2load's in bench/Pilotdeck.Bench.Common/H2LoadOptions.cs):
#   --requests=50000 --warmup=100000 --connections=16 --streams=32 --threads=1 --rounds=3
#   --breakdown-ops=20000 --h2load=PATH --host-arg=--Some:Host:Setting=value
# PostgreSQL: uses the cluster in PILOTDECK_TEST_POSTGRES if set; otherwise starts a private one
# with scripts/postgres.sh (its own data directory, so a cluster other runs share is never touched)
# and stops it on exit.
# Needs h2load (Debian: apt-get install -y nghttp2-client); exits 2 without it, 1 if any check fails.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v h2load >/dev/null 2>&1 && [[ ! -x /usr/bin/h2load ]]; then
  echo "h2load not found. Install it with: sudo apt-get install -y nghttp2-client" >&2
  exit 2
fi

dotnet build bench/Pilotdeck.Bench.Api/Pilotdeck.Bench.Api.csproj -c Release -nologo -v quiet

needs_postgres=1
for arg in "$@"; do
  case "$arg" in
    --providers=*) [[ "${arg#--providers=}" == *postgres* ]] || needs_postgres=0 ;;
  esac
done

if [[ $needs_postgres == 1 && -z "${PILOTDECK_TEST_POSTGRES:-}" ]]; then
  export PILOTDECK_PG_DIR="${TMPDIR:-/tmp}/pilotdeck-postgres-bench-api-$$"
  trap 'scripts/postgres.sh stop >/dev/null 2>&1 || true' EXIT
  eval "$(scripts/postgres.sh start)"
fi

# Not exec: the EXIT trap must run after the bench to stop the cluster started above.
dotnet bench/Pilotdeck.Bench.Api/bin/Release/net10.0/Pilotdeck.Bench.Api.dll "$@"
