#!/usr/bin/env bash
# A throwaway PostgreSQL 15 for the test suite.
#
#   url=$(bash .ci/postgres.sh)        # start; prints ONE line: the SQLAlchemy URL
#   bash .ci/postgres.sh stop [DIR]    # stop it and delete DIR (default: the last one started)
#
# Start installs PostgreSQL when its binaries are missing (apt-get), runs initdb in a fresh temp dir as
# the postgres user (PostgreSQL refuses to run as root), listens on 127.0.0.1 at a free port with the
# socket dir inside the temp dir, and creates role canbao/canbao (CREATEDB and SUPERUSER, so tests can make a
# database each and drop it WITH (FORCE) whoever holds it) owning database canbao; autovacuum is off.
# The temp dir is written to $CANBAO_PG_STATE_FILE (default /tmp/canbao-postgres.path) for `stop`. Durability is off (fsync, synchronous_commit,
# full_page_writes) because the data is thrown away; CANBAO_PG_OPTS replaces those server options
# (CANBAO_PG_OPTS= for the durable defaults).
# Everything but the URL goes to stderr.
set -euo pipefail

PG_VERSION=${PG_VERSION:-15}
PGBIN=${PGBIN:-/usr/lib/postgresql/$PG_VERSION/bin}
STATE_FILE=${CANBAO_PG_STATE_FILE:-/tmp/canbao-postgres.path}
PG_OPTS=${CANBAO_PG_OPTS--c fsync=off -c synchronous_commit=off -c full_page_writes=off -c autovacuum=off}

log() { echo "postgres.sh: $*" >&2; }

# Run a command as the postgres user when we are root, as ourselves otherwise.
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && "$@")
    fi
}

install_postgres() {
    [ -x "$PGBIN/initdb" ] && return 0
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
        log "no $PGBIN/initdb and cannot apt-get install it (need root and apt-get)"
        exit 1
    fi
    log "installing postgresql-$PG_VERSION"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq "postgresql-$PG_VERSION" >&2 || apt-get install -y -qq postgresql >&2
    if [ ! -x "$PGBIN/initdb" ]; then
        PGBIN=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
        log "using $PGBIN"
    fi
}

free_port() {
    local port
    for _ in $(seq 1 50); do
        port=$((20000 + RANDOM % 20000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    log "no free port found"
    exit 1
}

start() {
    install_postgres
    if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
        useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    fi
    local dir port
    dir=$(mktemp -d "${TMPDIR:-/tmp}/canbao-pg.XXXXXX")
    mkdir -p "$dir/data" "$dir/sock"
    if [ "$(id -u)" -eq 0 ]; then chown -R postgres: "$dir"; fi
    chmod 700 "$dir/data"
    as_pg "$PGBIN/initdb" -D "$dir/data" -U postgres -E UTF8 --no-locale \
        --auth-local=trust --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    for _ in 1 2 3 4 5; do
        port=$(free_port)
        # shellcheck disable=SC2086  # PG_OPTS is a list of options
        if as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
            -o "-p $port -k $dir/sock -c listen_addresses=127.0.0.1 $PG_OPTS" start >/dev/null; then
            break
        fi
        port=""
    done
    if [ -z "$port" ]; then
        cat "$dir/server.log" >&2
        exit 1
    fi
    echo "$dir" >"$STATE_FILE"
    as_pg "$PGBIN/psql" -q -h "$dir/sock" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
        -c "CREATE ROLE canbao LOGIN CREATEDB SUPERUSER PASSWORD 'canbao'" \
        -c "CREATE DATABASE canbao OWNER canbao" >&2
    log "PostgreSQL $PG_VERSION on 127.0.0.1:$port, dir $dir (stop: bash .ci/postgres.sh stop $dir)"
    echo "postgresql+psycopg://canbao:canbao@127.0.0.1:$port/canbao"
}

stop() {
    local dir=${1:-}
    if [ -z "$dir" ]; then
        [ -f "$STATE_FILE" ] || { log "nothing to stop ($STATE_FILE missing)"; exit 0; }
        dir=$(cat "$STATE_FILE")
    fi
    case "$dir" in
        */canbao-pg.*) ;;
        *) log "refusing to stop/delete $dir: not a dir made by this script"; exit 1 ;;
    esac
    if [ -d "$dir/data" ]; then
        as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
    fi
    rm -rf "$dir"
    if [ -f "$STATE_FILE" ] && [ "$(cat "$STATE_FILE")" = "$dir" ]; then rm -f "$STATE_FILE"; fi
    log "stopped and removed $dir"
}

case "${1:-start}" in
    start) start ;;
    stop) stop "${2:-}" ;;
    *) log "usage: $0 [start|stop [DIR]]"; exit 2 ;;
esac
