#!/usr/bin/env bash
# Runs the web server, a Celery worker and Celery beat together (what `make run` starts after
# migrating and seeding). When any of them exits, or on Ctrl-C / SIGTERM, all of them are stopped.
#
# Environment: PORT (8000), WEB=runserver|gunicorn (runserver), VAR_DIR (var), LOG_LEVEL (WARNING) of the
# Celery worker and beat, as the settings' for Django's own logs: at INFO their line per task, several a minute,
# buries the web server's. DATABASE_URL, REDIS_URL and everything else the settings read pass through unchanged.
set -uo pipefail

cd "$(dirname "$0")/.."

PORT="${PORT:-8000}"
WEB="${WEB:-runserver}"
VENV_BIN="${VENV_BIN:-.venv/bin}"
STOP_TIMEOUT="${STOP_TIMEOUT:-15}"
LOG_LEVEL="${LOG_LEVEL:-WARNING}"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.local}"
export PYTHONUNBUFFERED=1

# The file-based broker (used when REDIS_URL is unset) needs its folders.
var_dir="${VAR_DIR:-var}"
mkdir -p "$var_dir/celery/queue" "$var_dir/celery/control"

# Job control: every child gets its own process group, so that whatever it forked (the Celery
# pool processes, gunicorn workers) can be cleaned up with it.
set -m

pids=()
names=()

start() {
    local name="$1"
    shift
    "$@" &
    pids+=("$!")
    names+=("$name")
    echo "run.sh: started $name (pid $!): $*"
}

alive() {
    local pid
    for pid in "${pids[@]}"; do
        kill -0 "$pid" 2>/dev/null && return 0
    done
    return 1
}

stopping=0
stop_all() {
    [ "$stopping" = 1 ] && return
    stopping=1
    trap '' INT TERM
    local pid i
    # SIGTERM to each main process: runserver stops, gunicorn and the Celery worker shut down
    # their own workers gracefully (the worker finishes the tasks it is running).
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null
    done
    for ((i = 0; i < STOP_TIMEOUT * 5; i++)); do
        alive || break
        sleep 0.2
    done
    # Whatever is left in their process groups (a stuck main process, orphaned pool workers).
    for pid in "${pids[@]}"; do
        kill -KILL -- "-$pid" 2>/dev/null || true
    done
    wait 2>/dev/null
    echo "run.sh: stopped"
}

trap 'echo; echo "run.sh: interrupted, stopping web, worker and beat"; stop_all; exit 130' INT
trap 'echo "run.sh: terminated, stopping web, worker and beat"; stop_all; exit 143' TERM

case "$WEB" in
runserver)
    start web "$VENV_BIN/python" manage.py runserver "0.0.0.0:$PORT" --noreload
    ;;
gunicorn)
    start web "$VENV_BIN/gunicorn" config.wsgi:application \
        --bind "0.0.0.0:$PORT" --workers "${WEB_WORKERS:-2}" --threads "${WEB_THREADS:-4}" \
        --access-logfile - --graceful-timeout 10
    ;;
*)
    echo "run.sh: WEB must be runserver or gunicorn, not '$WEB'" >&2
    exit 2
    ;;
esac
start worker "$VENV_BIN/celery" -A config worker --loglevel="$LOG_LEVEL" \
    --without-mingle --without-gossip --concurrency=2
start beat "$VENV_BIN/celery" -A config beat --loglevel="$LOG_LEVEL"

# The first child to exit ends the session; a signal interrupts this wait and runs the trap.
wait -n
rc=$?
for i in "${!pids[@]}"; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
        echo "run.sh: ${names[$i]} exited (status $rc); stopping the others" >&2
        break
    fi
done
stop_all
[ "$rc" -eq 0 ] && rc=1   # a server that stops on its own is a failure of the session
exit "$rc"
