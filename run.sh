#!/usr/bin/env bash
# Runs Pilotdeck locally: the gRPC host on http://127.0.0.1:5080 (h2c). Extra arguments go to the host,
# e.g. ./run.sh --Pilotdeck:GrpcUrl=http://127.0.0.1:6000
set -euo pipefail
cd "$(dirname "$0")"
exec dotnet run --project src/Pilotdeck.Server -c Release -- "$@"
