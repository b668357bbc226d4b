#!/usr/bin/env bash
# Rehearsal end to end (not a test): `pilotdeck rehearse` with 10,000 participants against a real
# host started here in its own process, so the server's and the CLI's figures are each their own:
# wall time of the rehearsal, the CLI's peak resident memory (/usr/bin/time) and the server's
# (VmHWM from /proc once the rehearsal is done). Results: docs/performance.md.
#
# Usage:
#   bench/rehearsal.sh                                  SQLite, 10,000 participants
#   bench/rehearsal.sh --provider=postgres              PostgreSQL (the cluster in PILOTDECK_TEST_POSTGRES,
#                                                       or one started with scripts/postgres.sh)
#   bench/rehearsal.sh --participants=N --seed=S
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
participants=10000
seed=42
provider=sqlite
for arg in "$@"; do
  case $arg in
    --participants=*) participants=${arg#*=} ;;
    --seed=*) seed=${arg#*=} ;;
    --provider=*) provider=${arg#*=} ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done

dotnet build src/Pilotdeck.Server -c Release -nologo -v quiet
dotnet build src/Pilotdeck.Cli -c Release -nologo -v quiet
work=$(mktemp -d /tmp/pilotdeck-bench-rehearsal.XXXXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
grpc_port=$(free_port)
rest_port=$(free_port)
server_args=("--Pilotdeck:Database:DataDirectory=$work/data" "--Pilotdeck:GrpcUrl=http://127.0.0.1:$grpc_port"
  "--Pilotdeck:RestUrl=http://127.0.0.1:$rest_port" "--Pilotdeck:PortalUrl=")
database=""
if [[ $provider == postgres ]]; then
  if [[ -z "${PILOTDECK_TEST_POSTGRES:-}" ]]; then
    eval "$(scripts/postgres.sh start)"
  fi
  database="pd_bench_rehearsal_$$"
  pg_port=$(sed -E 's/.*Port=([0-9]+).*/\1/' <<<"$PILOTDECK_TEST_POSTGRES")
  psql -h 127.0.0.1 -p "$pg_port" -U postgres -qc "CREATE DATABASE $database"
  # A PostgreSQL deployment gets no demo tenant unless asked: the rehearsal signs in as its admin.
  server_args+=("--Pilotdeck:Database:Provider=Postgres"
    "--Pilotdeck:Database:ConnectionString=Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=$database"
    "--Pilotdeck:SeedDemo=true")
fi

(cd src/Pilotdeck.Server/bin/Release/net10.0 && exec dotnet Pilotdeck.Server.dll "${server_args[@]}") >"$work/server.log" 2>&1 &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  if [[ -n $database ]]; then psql -h 127.0.0.1 -p "$pg_port" -U postgres -qc "DROP DATABASE IF EXISTS $database" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

pilotdeck() { XDG_CONFIG_HOME="$work/config" "$repo/src/Pilotdeck.Cli/bin/Release/net10.0/pilotdeck" "$@"; }
for _ in $(seq 1 120); do
  [[ -s "$work/data/demo-credentials.txt" ]] && pilotdeck login --server "http://127.0.0.1:$grpc_port" --email admin@demo.pilotdeck.test \
    --password "$(cut -d' ' -f3 "$work/data/demo-credentials.txt")" >/dev/null 2>&1 && break
  sleep 1
done

echo "rehearsal: $participants participants, seed $seed, $provider; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
XDG_CONFIG_HOME="$work/config" /usr/bin/time -f '%e %M' -o "$work/cli.time" \
  "$repo/src/Pilotdeck.Cli/bin/Release/net10.0/pilotdeck" rehearse --cohort bench-demo --seed "$seed" --participants "$participants" \
  --report-path "$work/report.md" | grep -v '^\(planning\|committing\):'
read -r wall cli_kib <"$work/cli.time"
server_kib=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
echo
echo "| provider | participants | wall time | CLI peak RSS | server peak RSS |"
echo "| --- | ---: | ---: | ---: | ---: |"
printf '| %s | %s | %s s | %d MiB | %d MiB |\n' "$provider" "$participants" "$wall" $((cli_kib / 1024)) $((server_kib / 1024))
echo
sed -n '/^## Cohort metrics/,/^## UAT sessions/p' "$work/report.md" | head -20
