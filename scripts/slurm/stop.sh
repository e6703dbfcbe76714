#!/usr/bin/env bash
# scripts/slurm/stop.sh BASE — stops the cluster scripts/slurm/start.sh BASE started: cancels its
# jobs, then stops slurmd, slurmctld and munged, in that order, each by the PID in its pid file
# under BASE/run, and waits for each to exit (SIGKILL after SLURM_STOP_TIMEOUT seconds, default 15).
# Jobs go first: a slurmd stopped under running jobs leaves their processes behind. Safe to run
# when nothing (or only part of the cluster) is running; BASE and its logs are kept.
set -uo pipefail

[ $# -eq 1 ] || { echo "usage: scripts/slurm/stop.sh BASE" >&2; exit 1; }
[ -d "$1" ] || exit 0
BASE="$(cd "$1" && pwd)"
PATH="$PATH:/usr/sbin:/sbin"
TIMEOUT="${SLURM_STOP_TIMEOUT:-15}"

# The PID in a pid file, if that process still runs.
live_pid() {
    local pid
    pid="$(head -n 1 "$BASE/run/$1.pid" 2>/dev/null | tr -dc '0-9')"
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# Waits until `pid` has exited; false on timeout.
wait_gone() {
    local pid=$1 deadline=$((SECONDS + TIMEOUT))
    while kill -0 "$pid" 2>/dev/null; do
        [ $SECONDS -ge $deadline ] && return 1
        sleep 0.1
    done
}

if [ -f "$BASE/slurm.conf" ] && [ -n "$(live_pid slurmctld)" ] && command -v squeue >/dev/null 2>&1; then
    export SLURM_CONF="$BASE/slurm.conf"
    jobs="$(squeue -h -o %A 2>/dev/null | sort -u | tr '\n' ' ')"
    if [ -n "${jobs// /}" ]; then
        # shellcheck disable=SC2086
        scancel $jobs 2>/dev/null
        deadline=$((SECONDS + TIMEOUT))
        while [ -n "$(squeue -h -o %A 2>/dev/null)" ] && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    fi
fi

status=0
for daemon in slurmd slurmctld munged; do
    pid="$(live_pid "$daemon")" || continue
    kill -TERM "$pid" 2>/dev/null
    if ! wait_gone "$pid"; then
        echo "slurm/stop: $daemon (pid $pid) did not exit within $TIMEOUT s; killing it" >&2
        kill -KILL "$pid" 2>/dev/null
        wait_gone "$pid" || { echo "slurm/stop: $daemon (pid $pid) survived SIGKILL" >&2; status=1; }
    fi
    rm -f "$BASE/run/$daemon.pid"
done
exit $status
