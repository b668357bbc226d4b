#!/usr/bin/env bash
# Throwaway PostgreSQL 15 cluster for tests and local runs, bound to 127.0.0.1 only.
#
#   scripts/postgres.sh start   start the cluster (idempotent) and print `export PILOTDECK_TEST_POSTGRES=...`
#   scripts/postgres.sh url     print the Npgsql admin connection string of the running cluster
#   scripts/postgres.sh stop    stop the cluster and delete its data directory
#
# Typical use:   eval "$(scripts/postgres.sh start)" && dotnet test tests/Pilotdeck.Data.Tests
#
# Uses Debian's binaries (/usr/lib/postgresql/15/bin) and installs the `postgresql` package when
# they are missing. PostgreSQL refuses to run as root, so the cluster runs as the `postgres` OS user
# with its data under /tmp. Authentication is `trust` on loopback: the cluster holds test data only.
# Override the location with PILOTDECK_PG_DIR.
set -euo pipefail

PG_BIN=/usr/lib/postgresql/15/bin
PG_DIR=${PILOTDECK_PG_DIR:-/tmp/pilotdeck-postgres}
DATA_DIR=$PG_DIR/data
PORT_FILE=$PG_DIR/port
PG_USER=postgres

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# When the caller already is the cluster owner (e.g. a non-root CI user running as postgres),
# no user switch is needed.
as_pg() {
  if [ "$(id -un)" = "$PG_USER" ]; then "$@"
  elif [ "$(id -u)" -eq 0 ]; then runuser -u "$PG_USER" -- "$@"
  else sudo -u "$PG_USER" "$@"
  fi
}

ensure_installed() {
  if [ ! -x "$PG_BIN/pg_ctl" ]; then
    echo "postgres.sh: installing postgresql (Debian package)" >&2
    as_root apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >&2
  fi
  # The Debian package starts its own cluster on 5432; ours is separate and does not need it.
  id "$PG_USER" >/dev/null 2>&1 || { echo "postgres.sh: OS user '$PG_USER' missing after install" >&2; exit 1; }
}

free_port() {
  python3 - <<'EOF' 2>/dev/null && return
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
EOF
  # No python: probe upwards from a base port with bash's /dev/tcp.
  local p
  for p in $(seq 54320 54420); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  echo "postgres.sh: no free port found" >&2; exit 1
}

url() {
  [ -f "$PORT_FILE" ] || { echo "postgres.sh: cluster not started (run: $0 start)" >&2; exit 1; }
  echo "Host=127.0.0.1;Port=$(cat "$PORT_FILE");Username=$PG_USER;Database=postgres;Pooling=true"
}

running() { [ -f "$PORT_FILE" ] && as_pg "$PG_BIN/pg_ctl" -D "$DATA_DIR" status >/dev/null 2>&1; }

start() {
  ensure_installed
  if running; then
    echo "export PILOTDECK_TEST_POSTGRES='$(url)'"
    return
  fi
  as_root mkdir -p "$PG_DIR"
  as_root chown "$PG_USER" "$PG_DIR"
  if [ ! -f "$DATA_DIR/PG_VERSION" ]; then
    as_pg "$PG_BIN/initdb" -D "$DATA_DIR" -U "$PG_USER" --auth=trust --encoding=UTF8 --no-locale >/dev/null
  fi
  local port
  port=$(free_port)
  # fsync off and a small shared_buffers: the data is disposable and CI has 2 cores.
  as_pg "$PG_BIN/pg_ctl" -D "$DATA_DIR" -l "$PG_DIR/server.log" -w -t 60 start \
    -o "-h 127.0.0.1 -p $port -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null
  echo "$port" | as_pg tee "$PORT_FILE" >/dev/null
  echo "export PILOTDECK_TEST_POSTGRES='$(url)'"
}

stop() {
  if [ -f "$DATA_DIR/PG_VERSION" ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$DATA_DIR" -m fast -w stop >/dev/null 2>&1 || true
  fi
  as_root rm -rf "$PG_DIR"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) url ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
