#!/usr/bin/env bash
# Runs Pilotdeck locally: the gRPC API on http://127.0.0.1:5080 (h2c), its HTTP/JSON routes on
# http://127.0.0.1:5082 (HTTP/1.1) and the portal on http://127.0.0.1:5081, over embedded SQLite in
# .data/ beside this script. Extra arguments go to the host and win over these defaults, e.g.
#   ./run.sh --Pilotdeck:GrpcUrl=http://127.0.0.1:6000
set -euo pipefail
cd "$(dirname "$0")"
# `dotnet run` starts the host in the project's folder; keep the data (and the demo sign-in) here.
exec dotnet run --project src/Pilotdeck.Server -c Release -- "--Pilotdeck:Database:DataDirectory=$PWD/.data" "$@"
