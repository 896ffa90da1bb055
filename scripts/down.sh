#!/usr/bin/env bash
# Stop what scripts/up.sh started, by the pid files in its state dir: the worker first, then the file service,
# the receiver and the server. Each is a process-group leader: SIGINT to the group, then SIGTERM and SIGKILL after a timeout
# each (a worker may ignore SIGTERM). The Prefect database, logs and the ledger stay; `rm -rf .canbao` forgets the server's state.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STATE=${CANBAO_STATE_DIR:-$ROOT/.canbao}
TIMEOUT=${CANBAO_STOP_TIMEOUT:-15}

log() { echo "down: $*" >&2; }

ours() {  # the pid still runs one of our commands (not a recycled pid)
    tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qE "prefect|canbao"
}

stop() {
    local name=$1 file="$STATE/pids/$1.pid" pid
    [ -f "$file" ] || return 0
    pid=$(cat "$file")
    if kill -0 "$pid" 2>/dev/null && ours "$pid"; then
        for sig in INT TERM KILL; do
            kill "-$sig" -- "-$pid" 2>/dev/null || kill "-$sig" "$pid" 2>/dev/null
            for _ in $(seq 1 $((TIMEOUT * 4))); do
                kill -0 "$pid" 2>/dev/null || break 2
                sleep 0.25
            done
            log "$name ($pid) still running ${TIMEOUT}s after SIG$sig"
        done
        log "stopped $name ($pid)"
    fi
    rm -f "$file"
}

for name in worker files receiver server; do
    stop "$name"
done
rm -f "$STATE/summary.txt"
