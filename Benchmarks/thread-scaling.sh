#!/usr/bin/env bash
# Two threads against one: runs a scenario with `--threads 1` and `--threads 2` alternately ROUNDS
# times (default 5) and prints each run's `runtime.wall_seconds` (from its manifest), the median of
# each, and the ratio of the medians (one thread's time over two's).
#
#   Benchmarks/thread-scaling.sh BINARY [-- run arguments…]
#   ROUNDS=7 Benchmarks/thread-scaling.sh .build/release/suanli
#   ROUNDS=1 Benchmarks/thread-scaling.sh .build/release/suanli -- Scenarios/china-market-2024.yaml --replications 1000 --seed 1
#
# Default run arguments: Scenarios/baseline.yaml --replications 1000 --seed 1. A thousand baseline
# replications write about 400 MB; each run starts after `sync`, so the kernel's writeback of the
# run before does not take a core from it (the figure is for an otherwise idle machine). Output
# goes to a scratch folder that is removed afterwards. A benchmark, not a test: nothing is asserted.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: $0 BINARY [-- run arguments…]" >&2; exit 64; }
bin="$1"; shift
[ "${1:-}" = "--" ] && shift
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(Scenarios/baseline.yaml --replications 1000 --seed 1)
rounds="${ROUNDS:-5}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
declare -A times
for ((r = 0; r < rounds; r++)); do
    for t in 1 2; do
        rm -rf "$scratch/out"
        sync
        "$bin" run "${args[@]}" --threads "$t" --quiet --out "$scratch/out" >/dev/null
        w=$(grep -o '"wall_seconds": *[0-9.e+-]*' "$scratch/out/manifest.json" | grep -o '[0-9.e+-]*$')
        times[$t]+="$w "
        echo "round $((r + 1))/$rounds: --threads $t ${w} s" >&2
    done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
m1=$(echo "${times[1]}" | median); m2=$(echo "${times[2]}" | median)
echo "one thread:  ${times[1]}"
echo "two threads: ${times[2]}"
printf 'median %.3f s on one thread, %.3f s on two: %.3f× (%d alternated rounds; %s)\n' "$m1" "$m2" \
    "$(awk "BEGIN { print $m1 / $m2 }")" "$rounds" "${args[*]}"
