#!/usr/bin/env bash
# Feedback benchmark (not a test): the real Pilotdeck host in-process on a loopback port, on SQLite
# and on PostgreSQL. (1) The summary of one cohort seeded with 100,000 pieces of feedback, one
# caller at a time, over gRPC GetFeedbackSummary and GET /api/feedback/pilot/summary: p50 and p90
# against the goal (p50 <= 200 ms) and against the anonymous system call's latency. (2) h2load
# drives SubmitFeedback with an API-client token over gRPC and over the runbook's JSON route
# POST /api/feedback/pilot, and the anonymous SystemService/GetServerInfo as the baseline, in the
# same run: req/s, p50/p99, server CPU and allocations per request, and each ratio to the baseline.
# Every run is checked (every request completed OK in the server, one stored feedback per submit).
# Results: docs/performance.md.
#
# Usage:
#   bench/feedback.sh                        both providers (about 5 minutes on 2 quiet cores)
#   bench/feedback.sh --providers=sqlite     one provider (sqlite, postgres, or both comma-separated)
#   bench/feedback.sh --feedback=100000 --summary-calls=25 --requests=3000 --warmup=1000
#                     --rounds=3 --connections=4 --streams=8 --markdown=FILE
#                     --host-arg=--Some:Host:Setting=value (repeatable; e.g. EF's command log to profile)
# PostgreSQL: the cluster in PILOTDECK_TEST_POSTGRES, or one started with scripts/postgres.sh.
# Needs h2load (Debian: apt-get install -y nghttp2-client); exits 2 without it, 1 if a check fails.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${PILOTDECK_TEST_POSTGRES:-}" ]]; then
  eval "$(scripts/postgres.sh start)"
fi
dotnet build bench/Pilotdeck.Bench.Feedback/Pilotdeck.Bench.Feedback.csproj -c Release -nologo -v quiet
exec dotnet bench/Pilotdeck.Bench.Feedback/bin/Release/net10.0/Pilotdeck.Bench.Feedback.dll "$@"
