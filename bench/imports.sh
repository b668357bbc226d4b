#!/usr/bin/env bash
# Roster import throughput (not a test): a generated roster CSV imported through the real host's
# gRPC API as `pilotdeck cohort import` does it — upload, dry-run, commit, then the same file
# again (every row unchanged) — against a plain Sep parse of the file, on SQLite and PostgreSQL.
# Prints rows/s per phase, the ratio to the parse, peak memory and the goals (dry-run >= 100,000
# rows/s, commit >= 20,000, re-commit >= 50,000; judged on the median of the rounds). Exit 1 when a
# check or a goal fails.
# Results: docs/performance.md.
#
# Usage:
#   bench/imports.sh                          both providers, 100,000 rows
#   bench/imports.sh --providers=sqlite       one provider (sqlite, postgres, or both comma-separated)
#   bench/imports.sh --rows=N --markdown=FILE
#   bench/imports.sh --rounds=N               the whole sequence N times, each into a new cohort; goals judged on each phase's median round (default 3)
#   bench/imports.sh --alloc-profile          also: allocations by type per phase (not for the figures)
#   bench/imports.sh --warm-up-rows=N         rows imported twice, unmeasured, before the measured import (default 20000; 0: none)
#   bench/imports.sh --warm-up-rows=0 --rounds=1   a first import into a new database, cold (ADR 0021, "A first import into an empty database")
# PostgreSQL: the cluster in PILOTDECK_TEST_POSTGRES, or one started with scripts/postgres.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${PILOTDECK_TEST_POSTGRES:-}" ]]; then
  eval "$(scripts/postgres.sh start)"
fi
dotnet build bench/Pilotdeck.Bench.Imports/Pilotdeck.Bench.Imports.csproj -c Release -nologo -v quiet
exec dotnet bench/Pilotdeck.Bench.Imports/bin/Release/net10.0/Pilotdeck.Bench.Imports.dll "$@"
