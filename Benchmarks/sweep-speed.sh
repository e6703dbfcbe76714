#!/usr/bin/env bash
# Runs per second of `suanli sweep` on the shipped sweeps at 1 and 2 threads, and the parallel
# efficiency (speedup / threads). Wall time of the whole command (validation, runs, writing,
# sensitivity.csv, manifest), so it is what a user waits for. Rounds alternate between thread
# counts; medians are printed as a Markdown table.
#
#   Benchmarks/sweep-speed.sh                          # builds the release binary first
#   SUANLI=path/to/suanli ROUNDS=5 Benchmarks/sweep-speed.sh
#
# Environment: SUANLI (binary; default: build into $SCRATCH), SCRATCH (default .build),
# ROUNDS (default 3), THREADS (default "1 2"), SWEEPS (default: the three in Scenarios/sweeps),
# FLAGS (extra sweep flags, e.g. --monthly).
set -euo pipefail
cd "$(dirname "$0")/.."
SCRATCH=${SCRATCH:-.build}
ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-"1 2"}
SWEEPS=${SWEEPS:-"Scenarios/sweeps/smoke.yaml Scenarios/sweeps/chip-shortage-demand.yaml Scenarios/sweeps/sublessor-leverage-terms.yaml"}
FLAGS=${FLAGS:-}
if [ -z "${SUANLI:-}" ]; then
    swift build -c release --scratch-path "$SCRATCH" --product suanli >&2
    SUANLI="$SCRATCH/release/suanli"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)" >&2
printf '| sweep | runs |'; for t in $THREADS; do printf ' %s thread(s), runs/s |' "$t"; done; printf ' speedup | efficiency |\n'
printf '|---|---:|'; for t in $THREADS; do printf -- '---:|'; done; printf -- '---:|---:|\n'
for sweep in $SWEEPS; do
    runs=$("$SUANLI" sweep "$sweep" --list | head -1 | sed -E 's/.*, ([0-9]+) points? × ([0-9]+) replications?.*/\1 \2/' | awk '{print $1*$2}')
    declare -A walls=()
    for r in $(seq "$ROUNDS"); do
        for t in $THREADS; do
            rm -rf "$work/out"
            start=$(date +%s.%N)
            "$SUANLI" sweep "$sweep" --out "$work/out" --threads "$t" --quiet $FLAGS >/dev/null
            end=$(date +%s.%N)
            walls[$t]+="$(echo "$end - $start" | bc -l) "
        done
    done
    printf '| %s | %s |' "$(basename "$sweep" .yaml)" "$runs"
    first=""; last=""
    for t in $THREADS; do
        m=$(echo ${walls[$t]} | tr ' ' '\n' | median)
        rate=$(echo "$runs / $m" | bc -l)
        printf ' %.0f (%.2f s) |' "$rate" "$m"
        [ -z "$first" ] && first=$m
        last=$m; lastt=$t
    done
    speedup=$(echo "$first / $last" | bc -l)
    printf ' %.2f× | %.0f%% |\n' "$speedup" "$(echo "100 * $speedup / $lastt" | bc -l)"
    unset walls
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)" >&2
