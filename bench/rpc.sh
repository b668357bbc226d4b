#!/usr/bin/env bash
# gRPC runtime benchmark (not a test): h2load drives one unary method through Pilotdeck's runtime
# and, in the same run and the same Kestrel host, a bare endpoint that answers the same bytes with
# no gRPC layer (the ceiling). Prints req/s, p50/p99, the ratio runtime/ceiling, our client's
# unary calls/s and server-streaming messages/s. Results and how to read them: docs/performance.md.
#
# Usage:
#   bench/rpc.sh                  full run (about 2-4 minutes on 2 cores)
#   bench/rpc.sh --quick          smoke run: small counts, one round
#   bench/rpc.sh --alloc-profile  also sample allocations by type (server and client)
#   bench/rpc.sh --serve          only host the endpoints, to drive them by hand
#   bench/rpc.sh --markdown=FILE  also write the result tables to FILE
# Tuning (defaults in bench/Pilotdeck.Bench.Rpc/BenchOptions.cs):
#   --requests=100000 --warmup=200000 --connections=16 --streams=32 --threads=1 --rounds=3
#   --callers=64 --calls=100000 --stream-messages=200000 --stream-payload=32 --h2load=PATH
# Needs h2load (Debian: apt-get install -y nghttp2-client); exits 2 without it, 1 if any check fails.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v h2load >/dev/null 2>&1 && [[ ! -x /usr/bin/h2load ]]; then
  echo "h2load not found. Install it with: sudo apt-get install -y nghttp2-client" >&2
  exit 2
fi

dotnet build bench/Pilotdeck.Bench.Rpc/Pilotdeck.Bench.Rpc.csproj -c Release -nologo -v quiet
exec dotnet bench/Pilotdeck.Bench.Rpc/bin/Release/net10.0/Pilotdeck.Bench.Rpc.dll "$@"
