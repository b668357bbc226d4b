#!/usr/bin/env bash
# gRPC transport benchmark on grpc-dotnet (not a test). In one run, h2load drives:
#   1. transport: a bench-only unary method on grpc-dotnet with no interceptors, against a bare
#      Kestrel endpoint writing the same bytes and trailers (goal: ratio >= 0.85);
#   2. the real Pilotdeck host's anonymous SystemService/GetServerInfo through every layer, with
#      its per-request log line, against the transport figure (goal >= 0.5); once more with request
#      logging off, and the handler timed alone, to price each layer;
#   3. the same method's JSON route (GET /v1/server-info, JSON transcoding) against a bare MapGet
#      in the same host writing the same bytes (goal >= 0.7).
# Prints req/s, p50/p99, server CPU and allocations per request, the ratios with met/not met, and
# server CPU per layer. Exits non-zero only when a check fails, never for a missed goal.
# Results and how to read them: docs/performance.md, "gRPC transport (grpc-dotnet)".
#
# Usage:
#   bench/rpc.sh                  full run (about 8-12 minutes on a busy 2-core VM)
#   bench/rpc.sh --quick          smoke run: small counts, one round
#   bench/rpc.sh --markdown=FILE  also write the result tables to FILE
#   bench/rpc.sh --no-logging-off skip phase B (the host with request logging off)
#   bench/rpc.sh --host-console=FILE  keep the host's console lines in FILE (default /dev/null)
# Tuning (defaults in bench/Pilotdeck.Bench.Rpc/BenchOptions.cs; h2load's in bench/Pilotdeck.Bench.Common/H2LoadOptions.cs):
#   --requests=100000 --warmup=100000 --warmup-passes=6 --connections=16 --streams=32 --threads=1
#   --rounds=5 --handler-ops=50000 --h2load=PATH --host-arg=--Some:Host:Setting=value
# Needs h2load (Debian: apt-get install -y nghttp2-client); exits 2 without it, 1 if any check fails.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v h2load >/dev/null 2>&1 && [[ ! -x /usr/bin/h2load ]]; then
  echo "h2load not found. Install it with: sudo apt-get install -y nghttp2-client" >&2
  exit 2
fi

dotnet build bench/Pilotdeck.Bench.Rpc/Pilotdeck.Bench.Rpc.csproj -c Release -nologo -v quiet
exec dotnet bench/Pilotdeck.Bench.Rpc/bin/Release/net10.0/Pilotdeck.Bench.Rpc.dll "$@"
