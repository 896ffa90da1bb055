#!/usr/bin/env bash
# Bring Canbao up on this machine (the README's `make run`): a Prefect server (SQLite) on 127.0.0.1, the
# process work pool `canbao`, every deployment of prefect.yaml, the notification block, one concurrency
# limit per campaign for ledger writes, the automations,
# a worker, the file service (output files over HTTP, same auth) and the live demo: kaijiang-2020 moved to run
# now (`canbao live`: config, county files and schedules moved by whole weeks, its past weeks taken into the
# ledger week by week, rows still to happen held back and released daily, one deadline watch started);
# then print every deployment and where alerts and files arrive.
# `scripts/down.sh` stops everything this started (pid files under the state dir).
#
# Optional environment:
#   CANBAO_STATE_DIR                 state, logs, pid files and Prefect's home (default .canbao)
#   CANBAO_PREFECT_PORT              the server's port on 127.0.0.1 (default 4200)
#   PREFECT_SERVER_API_AUTH_STRING   "user:password": protect the API; worker and CLI get PREFECT_API_AUTH_STRING
#   CANBAO_CHANNELS                  channels file (default: configs/notify/channels-demo.yaml + a local receiver)
#   CANBAO_DATABASE_URL              the ledger (default: <state dir>/ledger.db with the live demo, else
#                                    sqlite:///<repo>/data/canbao.db)
#   CANBAO_CLOCK                     pin the flows' clock, e.g. 2019-12-02T08:30 to replay a past campaign
#   CANBAO_DEMO=0                    no live demo (deployments stay as prefect.yaml declares them)
#   CANBAO_OUTPUT_DIR                where runs write their files, served by the file service (default out/)
#   CANBAO_FILES_PORT                the file service's port on 127.0.0.1 (default: the server's port + 1, if free)
#   CANBAO_WORKER_LIMIT              flow runs the worker runs at once (default 4; each is a process)
set -Eeuo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BIN="$ROOT/${VENV:-.venv}/bin"
STATE=${CANBAO_STATE_DIR:-$ROOT/.canbao}
PORT=${CANBAO_PREFECT_PORT:-4200}
POOL=canbao
DEMO=kaijiang-2020
mkdir -p "$STATE/logs" "$STATE/pids"
STATE=$(cd "$STATE" && pwd)

log() { echo "up: $*" >&2; }
alive() { [ -f "$STATE/pids/$1.pid" ] && kill -0 "$(cat "$STATE/pids/$1.pid")" 2>/dev/null; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
    local port
    for _ in $(seq 1 50); do
        port=$((20000 + RANDOM % 20000))
        listening "$port" || { echo "$port"; return 0; }
    done
    return 1
}
# Each background process leads its own process group (set -m), so down.sh can stop it with its children.
# A shell that was itself started in the background hands SIGINT down ignored, and Python then never raises
# KeyboardInterrupt: restore the default disposition before exec'ing the command.
start_bg() {
    local name=$1
    shift
    set -m
    "$BIN/python" -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])' \
        "$@" >"$STATE/logs/$name.log" 2>&1 &
    echo $! >"$STATE/pids/$name.pid"
    set +m
}
wait_for() {  # what, seconds, command...
    local what=$1 seconds=$2
    shift 2
    for _ in $(seq 1 $((seconds * 2))); do
        "$@" && return 0
        sleep 0.5
    done
    log "$what did not come up in ${seconds}s; see $STATE/logs/"
    return 1
}
healthy() { "$BIN/python" -c "import sys, urllib.request as u; sys.exit(u.urlopen('$1', timeout=2).status != 200)" \
    2>/dev/null; }
worker_ready() { grep -q "started" "$STATE/logs/worker.log" 2>/dev/null; }

[ -x "$BIN/prefect" ] || { log "no $BIN/prefect: run 'make setup' first"; exit 1; }
if alive server; then
    log "already running (stop with scripts/down.sh)"
    cat "$STATE/summary.txt" 2>/dev/null || true
    exit 0
fi
listening "$PORT" && { log "port $PORT on 127.0.0.1 is taken: set CANBAO_PREFECT_PORT"; exit 1; }
trap 'log "failed; stopping what was started"; "$ROOT/scripts/down.sh" >&2 || true' ERR

export PREFECT_HOME="$STATE/prefect"
export PREFECT_API_URL="http://127.0.0.1:$PORT/api"
export PREFECT_SERVER_ANALYTICS_ENABLED=false
# The live demo keeps its ledger in the state dir (rm -rf the state dir starts it over); without it, data/.
default_ledger="sqlite:///$ROOT/data/canbao.db"
[ "${CANBAO_DEMO:-1}" != "0" ] && default_ledger="sqlite:///$STATE/ledger.db"
export CANBAO_DATABASE_URL=${CANBAO_DATABASE_URL:-$default_ledger}
export CANBAO_OUTPUT_DIR=${CANBAO_OUTPUT_DIR:-$ROOT/out}
mkdir -p "$CANBAO_OUTPUT_DIR"
CANBAO_OUTPUT_DIR=$(cd "$CANBAO_OUTPUT_DIR" && pwd)
if [ -n "${PREFECT_SERVER_API_AUTH_STRING:-}" ]; then
    export PREFECT_API_AUTH_STRING="$PREFECT_SERVER_API_AUTH_STRING"
fi

log "ledger: migrating to the newest revision (flows never migrate; they refuse an old ledger)"
"$BIN/canbao" db upgrade >"$STATE/logs/migrate.log" 2>&1

log "Prefect server on 127.0.0.1:$PORT (SQLite in $PREFECT_HOME)"
# Concurrency leases on disk: a slot held by a killed run is given back after the lease lapses, even across a
# server restart (the default in-memory store forgets the lease and the slot stays taken).
export PREFECT_SERVER_CONCURRENCY_LEASE_STORAGE=prefect.server.concurrency.lease_storage.filesystem
start_bg server "$BIN/prefect" server start --host 127.0.0.1 --port "$PORT"
wait_for "the Prefect server" 90 healthy "$PREFECT_API_URL/health"
export PREFECT_UI_URL="http://127.0.0.1:$PORT/v2"  # links Prefect prints ("View at …") open the V2 UI

if [ -z "${CANBAO_CHANNELS:-}" ]; then
    rport=$(free_port)
    log "demo channels: a local receiver on 127.0.0.1:$rport writes every message to $STATE/outbox.jsonl"
    start_bg receiver "$BIN/python" -m canbao.notify.receiver --port "$rport" --out "$STATE/outbox.jsonl"
    wait_for "the receiver" 20 listening "$rport"
    export CANBAO_CHANNELS="$ROOT/configs/notify/channels-demo.yaml" CANBAO_RECEIVER_URL="http://127.0.0.1:$rport"
fi

log "work pool '$POOL' and deployments"
"$BIN/prefect" work-pool inspect "$POOL" >/dev/null 2>&1 \
    || "$BIN/prefect" work-pool create "$POOL" --type process >"$STATE/logs/pool.log" 2>&1
"$BIN/prefect" --no-prompt deploy --all >"$STATE/logs/deploy.log" 2>&1

log "notification block, ledger concurrency limits (canbao-ledger-<campaign>, one slot) and automations"
"$BIN/python" -m flows.prefect_setup --out "$STATE/automations.yaml" >"$STATE/logs/setup.log" 2>&1
"$BIN/prefect" automation create --from-file "$STATE/automations.yaml" >>"$STATE/logs/setup.log" 2>&1

FPORT=${CANBAO_FILES_PORT:-$((PORT + 1))}
listening "$FPORT" && FPORT=$(free_port)
log "file service on 127.0.0.1:$FPORT serves $CANBAO_OUTPUT_DIR (run pages link their files here)"
start_bg files "$BIN/python" -m canbao.outputs.service --port "$FPORT" --root "$CANBAO_OUTPUT_DIR"
wait_for "the file service" 20 listening "$FPORT"
export CANBAO_FILES_URL="http://127.0.0.1:$FPORT"

if [ "${CANBAO_DEMO:-1}" != "0" ]; then
    log "live demo: $DEMO moved to run now, its county's files and configs in $STATE/live"
    "$BIN/canbao" live --campaign "$DEMO" --dir "$STATE/live" >"$STATE/logs/live.log" 2>&1
    export CANBAO_CONFIG_DIR="$STATE/live/configs"  # the worker's flows read the moved config
fi

log "worker on pool '$POOL'"
start_bg worker "$BIN/prefect" worker start --pool "$POOL" --name canbao-worker --limit "${CANBAO_WORKER_LIMIT:-4}"
wait_for "the worker" 60 worker_ready

{
    echo "export PREFECT_HOME='$PREFECT_HOME' PREFECT_API_URL='$PREFECT_API_URL' PREFECT_UI_URL='$PREFECT_UI_URL'"
    echo "export CANBAO_DATABASE_URL='$CANBAO_DATABASE_URL' CANBAO_CHANNELS='$CANBAO_CHANNELS'"
    echo "export CANBAO_OUTPUT_DIR='$CANBAO_OUTPUT_DIR' CANBAO_FILES_URL='$CANBAO_FILES_URL'"
    [ -n "${CANBAO_CONFIG_DIR:-}" ] && echo "export CANBAO_CONFIG_DIR='$CANBAO_CONFIG_DIR'"
    [ -n "${CANBAO_RECEIVER_URL:-}" ] && echo "export CANBAO_RECEIVER_URL='$CANBAO_RECEIVER_URL'"
    [ -n "${PREFECT_API_AUTH_STRING:-}" ] && echo 'export PREFECT_API_AUTH_STRING="$PREFECT_SERVER_API_AUTH_STRING"'
} >"$STATE/env"
messages="channels of $CANBAO_CHANNELS"
[ -n "${CANBAO_RECEIVER_URL:-}" ] && messages="$STATE/outbox.jsonl (demo channels: a local receiver)"
UI=$PREFECT_UI_URL
live="none (CANBAO_DEMO=0)"
[ -n "${CANBAO_CONFIG_DIR:-}" ] && live="$DEMO moved to run now: $STATE/live/configs/$DEMO.yaml, inbox $STATE/live/$DEMO/inbox (rows still to happen wait in $STATE/live/$DEMO/later, released daily at 00:05)"
{
    cat <<SUMMARY
Canbao is up.
  Prefect UI:    $UI   (runs: $UI/runs, deployments: $UI/deployments)
  Live demo:     $live
  Alerts:        $messages
  Output files:  $CANBAO_OUTPUT_DIR, downloadable at $CANBAO_FILES_URL (linked from each run's Artifacts tab)
  Logs:          $STATE/logs/
  CLI:           source $STATE/env, then e.g. .venv/bin/prefect deployment ls
  Stop:          make stop   (scripts/down.sh)
  Deployments (next run in Beijing time, page in the UI):
SUMMARY
    "$BIN/python" -m flows.bringup_summary "$UI"
} >"$STATE/summary.txt"
trap - ERR
cat "$STATE/summary.txt"
