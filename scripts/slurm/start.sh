#!/usr/bin/env bash
# scripts/slurm/start.sh BASE — starts a private Slurm cluster of one node (this machine) whose
# every file lives in the folder BASE: munge key and socket, slurm.conf, controller state, spool,
# pid files and logs. For the test suite (Tests/SuanliTests/SlurmClusterTests.swift) and for trying
# `suanli sweep --slurm --submit` without a real cluster. Needs root and the programs of
# scripts/setup-slurm.sh. Stop it with scripts/slurm/stop.sh BASE.
#
# Then, for any Slurm command:   export SLURM_CONF=BASE/slurm.conf
#
# The controller starts from an empty state folder every time (no jobs or cluster name survive a
# restart), and the daemons listen on free ports chosen here, so several such clusters (one per
# BASE) can run side by side. Returns once `sinfo` reports the node idle; on a timeout
# (SLURM_START_TIMEOUT seconds, default 60) it prints the daemons' logs, stops them and fails.
set -euo pipefail

die() { echo "slurm/start: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: scripts/slurm/start.sh BASE (a folder for the cluster's files)"
[ "$(id -u)" -eq 0 ] || die "must run as root (slurmd starts jobs as their owners)"
HERE="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$1"
BASE="$(cd "$1" && pwd)"
PATH="$PATH:/usr/sbin:/sbin"
for p in munged slurmctld slurmd sinfo; do
    command -v "$p" >/dev/null 2>&1 || die "$p not found; install Slurm and munge first (scripts/setup-slurm.sh)"
done

# A cluster already running from this folder is stopped first, so start can be repeated.
"$HERE/stop.sh" "$BASE" >/dev/null 2>&1 || true

rm -rf "$BASE/state" "$BASE/spool" "$BASE/run"
mkdir -p "$BASE/munge" "$BASE/state" "$BASE/spool/slurmd" "$BASE/run" "$BASE/log"
# munged checks its folders: the socket's folder must be searchable by everyone (clients connect
# as any user), and the key must be readable by its owner only.
chmod 0755 "$BASE" "$BASE/munge"
if [ ! -s "$BASE/munge/munge.key" ]; then
    dd if=/dev/urandom of="$BASE/munge/munge.key" bs=1024 count=1 status=none
fi
chmod 0400 "$BASE/munge/munge.key"
: >"$BASE/log/munged.log" ; : >"$BASE/log/slurmctld.log" ; : >"$BASE/log/slurmd.log"

# A TCP port nobody answers on (an attempt to connect fails), from a range Slurm does not use by default.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() {
    local p tries=0
    while [ $tries -lt 200 ]; do
        p=$((20000 + RANDOM % 20000))
        if port_free "$p" && [ "$p" != "${1:-}" ]; then echo "$p"; return 0; fi
        tries=$((tries + 1))
    done
    die "found no free TCP port for the Slurm daemons"
}
CTLD_PORT="$(pick_port)"
SLURMD_PORT="$(pick_port "$CTLD_PORT")"

NODE="$(hostname -s)"
CPUS="$(nproc)"
# Declared memory a little under the machine's: slurmd drains a node that has less than declared.
MEM_KIB="$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)"
MEM_MIB=$((MEM_KIB / 1024 * 95 / 100))

cat >"$BASE/slurm.conf" <<EOF
# Written by scripts/slurm/start.sh: a one-node test cluster, every file under $BASE.
ClusterName=suanlitest
SlurmctldHost=localhost
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$BASE/munge/munge.socket.2
StateSaveLocation=$BASE/state
SlurmdSpoolDir=$BASE/spool/slurmd
SlurmctldPidFile=$BASE/run/slurmctld.pid
SlurmdPidFile=$BASE/run/slurmd.pid
SlurmctldLogFile=$BASE/log/slurmctld.log
SlurmdLogFile=$BASE/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerParameters=batch_sched_delay=0
MailProg=/bin/true
ReturnToService=2
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM_MIB State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$BASE/slurm.conf"

logs() {
    local f
    for f in munged slurmctld slurmd; do
        echo "--- $BASE/log/$f.log (last 40 lines) ---"
        tail -n 40 "$BASE/log/$f.log" 2>/dev/null || echo "(none)"
    done
}
# Stops what did start (first, so that nothing is left running even if printing fails), then
# prints the reason and the logs.
fail() {
    "$HERE/stop.sh" "$BASE" >/dev/null 2>&1 || true
    {
        echo "slurm/start: $*"
        logs
    } >&2
    exit 1
}

# Runs a daemon without what this script inherited from its caller and a daemon would keep:
# - descriptors beyond 0-2: a caller that learns of this script's exit through a pipe or socket it
#   handed down (Foundation's Process does) would otherwise wait for the daemons to exit as well;
# - blocked signals: a multithreaded caller (a test runner) may block SIGTERM and pass the mask on,
#   and slurmd and munged would then ignore stop.sh. `env --default-signal` unblocks every signal
#   and restores its default handling (coreutils ≥ 8.31).
UNBLOCK=()
env --default-signal true 2>/dev/null && UNBLOCK=(env --default-signal)
daemon() {
    (
        for fd in $(ls "/proc/$BASHPID/fd"); do
            [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null
        done
        exec "${UNBLOCK[@]}" "$@"
    )
}

daemon munged --force --key-file="$BASE/munge/munge.key" --socket="$BASE/munge/munge.socket.2" \
    --pid-file="$BASE/run/munged.pid" --log-file="$BASE/log/munged.log" --seed-file="$BASE/munge/munged.seed" \
    || fail "munged did not start"
daemon slurmctld -f "$SLURM_CONF" || fail "slurmctld did not start"
daemon slurmd -f "$SLURM_CONF" -N "$NODE" || fail "slurmd did not start"

TIMEOUT="${SLURM_START_TIMEOUT:-60}"
start=$SECONDS
state=""
until [ "$state" = "idle" ]; do
    if [ $((SECONDS - start)) -ge "$TIMEOUT" ]; then
        fail "the node did not become idle within $TIMEOUT s (sinfo says: '${state:-nothing}')"
    fi
    sleep 0.2
    state="$(sinfo -h -o %T 2>/dev/null | head -n 1 || true)"
done
echo "slurm/start: cluster up in $BASE (node $NODE, $CPUS CPUs, ${MEM_MIB} MiB, ports $CTLD_PORT/$SLURMD_PORT);" \
    "export SLURM_CONF=$SLURM_CONF"
