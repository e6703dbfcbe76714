#!/usr/bin/env bash
# Peak resident memory of `suanli sweep` as the sweep grows: a tiny base scenario (the Erlang
# loss system over 12 months, so a run is cheap and the sweep's own bookkeeping shows) on grids
# of 100 and 1,000 points × 10 and 100 replications, without and with --monthly. Memory must
# stay flat: rows stream to the files chunk by chunk, scenarios are loaded when their point
# runs and dropped after, the manifest's point entries are spooled to a file and
# sensitivity.csv is computed a record at a time.
#
#   Benchmarks/sweep-memory.sh                  # builds the release binary first
#   SUANLI=path/to/suanli SIZES="100x10 1000x10" MONTHLY="no" Benchmarks/sweep-memory.sh
#
# Environment: SUANLI (binary; default: build into $SCRATCH), SCRATCH (default .build),
# SIZES (POINTSxREPLICATIONS, points a multiple of 10; default "100x10 1000x10 100x100 1000x100"),
# MONTHLY ("no yes" by default), THREADS (default 2). Needs GNU time (/usr/bin/time) or python3.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
SCRATCH=${SCRATCH:-.build}
SIZES=${SIZES:-"100x10 1000x10 100x100 1000x100"}
MONTHLY=${MONTHLY:-"no yes"}
THREADS=${THREADS:-2}
if [ -z "${SUANLI:-}" ]; then
    swift build -c release --scratch-path "$SCRATCH" --product suanli >&2
    SUANLI="$root/$SCRATCH/release/suanli"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/tiny.yaml" <<YAML
extends: $root/Scenarios/validation/erlang-loss.yaml
name: tiny
horizon_months: 12
YAML

# Peak RSS in KiB and wall seconds of a command: "KIB SECONDS".
measure() {
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f "%M %e" -o "$work/time" "$@" >/dev/null 2>&1
        cat "$work/time"
    else
        python3 - "$@" <<'PY'
import resource, subprocess, sys, time
t = time.time()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, round(time.time() - t, 2))
PY
    fi
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)" >&2
echo "| points × replications | runs | --monthly | wall | peak RSS | output |"
echo "|---|---:|---|---:|---:|---:|"
for size in $SIZES; do
    points=${size%x*}; reps=${size#*x}
    rates=$(seq -s ', ' 40 $((40 + points / 10 - 1)))
    cat > "$work/s.yaml" <<YAML
base: $work/tiny.yaml
design: grid
replications: $reps
seed: 1
parameters:
  - path: providers[lessor].fleet[0].units
    values: [8, 9, 10, 11, 12, 13, 14, 15, 16, 17]
  - path: demand.segments[tenants].rate
    values: [$rates]
YAML
    for monthly in $MONTHLY; do
        flag=""; [ "$monthly" = yes ] && flag="--monthly"
        rm -rf "$work/out"
        read -r kib secs < <(measure "$SUANLI" sweep "$work/s.yaml" --out "$work/out" --threads "$THREADS" --quiet $flag)
        out=$(du -sm "$work/out" | cut -f1)
        printf '| %s × %s | %s | %s | %s s | %.1f MiB | %s MB |\n' "$points" "$reps" "$((points * reps))" "$monthly" \
            "$secs" "$(echo "$kib / 1024" | bc -l)" "$out"
    done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)" >&2
