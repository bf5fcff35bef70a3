#!/usr/bin/env bash
# Starts a throw-away PostgreSQL cluster for the tests: Debian's server (installed when missing), initdb in a
# temporary folder, owned and run by the `postgres` user, listening on a loopback port only.
#
#   eval "$(bash .ci/postgres.sh start)"   # exports BACKGROUNDTASKS_POSTGRES (a connection string) and PGDATA_DIR
#   bash .ci/postgres.sh stop "$PGDATA_DIR"
#   bash .ci/postgres.sh pause "$PGDATA_DIR"    # stops the server (fast shutdown), keeping its data
#   bash .ci/postgres.sh resume "$PGDATA_DIR"   # starts it again on the same data, port and settings
#
# Port: $BACKGROUNDTASKS_PG_PORT, or 55432.
set -euo pipefail
# The postgres user may not enter the caller's folder: run its commands from a neutral one.
cd /

find_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

run_as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi
}

case "${1:-start}" in
  start)
    bin=$(find_bin)
    if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
      echo "Installing Debian's postgresql package..." >&2
      (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql) >&2
      bin=$(find_bin)
    fi
    port=${BACKGROUNDTASKS_PG_PORT:-55432}
    data=$(mktemp -d /tmp/bt-pg.XXXXXX)
    chown postgres:postgres "$data"
    run_as_postgres "$bin/initdb" -D "$data/db" -U postgres -A trust -E UTF8 --no-sync >&2
    # Throw-away settings: loopback only, the socket in the cluster's folder, no fsync (the tests kill hosts, not the server).
    echo "-c listen_addresses=127.0.0.1 -p $port -k $data -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" > "$data/options"
    run_as_postgres "$bin/pg_ctl" -D "$data/db" -l "$data/server.log" -w -t 60 -o "$(cat "$data/options")" start >&2
    echo "export BACKGROUNDTASKS_POSTGRES='Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres'"
    echo "export PGDATA_DIR='$data'"
    ;;
  stop)
    data=${2:?usage: postgres.sh stop DATA_DIR}
    bin=$(find_bin)
    runuser -u postgres -- "$bin/pg_ctl" -D "$data/db" -m immediate stop >&2 || true
    rm -rf "$data"
    ;;
  pause)
    data=${2:?usage: postgres.sh pause DATA_DIR}
    run_as_postgres "$(find_bin)/pg_ctl" -D "$data/db" -m fast -w -t 60 stop >&2
    ;;
  resume)
    data=${2:?usage: postgres.sh resume DATA_DIR}
    run_as_postgres "$(find_bin)/pg_ctl" -D "$data/db" -l "$data/server.log" -w -t 60 -o "$(cat "$data/options")" start >&2
    ;;
  *)
    echo "usage: postgres.sh start | stop DATA_DIR | pause DATA_DIR | resume DATA_DIR" >&2
    exit 2
    ;;
esac
