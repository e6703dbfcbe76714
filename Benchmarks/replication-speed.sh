#!/usr/bin/env bash
# Time per replication of a scenario, for one binary or two compared: runs each binary
# alternately ROUNDS times (default 5) on the same scenario, replications and seed, on one
# thread, and prints the median wall time per replication of each (and their ratio).
#
#   Benchmarks/replication-speed.sh BINARY [BINARY2] [-- run arguments…]
#   Benchmarks/replication-speed.sh /tmp/suanli-before .build/release/suanli
#   ROUNDS=9 Benchmarks/replication-speed.sh .build/release/suanli -- Scenarios/global-neocloud-2023.yaml --replications 50
#
# Default run arguments: Scenarios/baseline.yaml --replications 200 --seed 1. Output goes to a
# scratch folder that is removed afterwards; each run starts after `sync`, so the kernel's
# writeback of the run before does not take a core from it. A benchmark, not a test: nothing is
# asserted.
set -euo pipefail
cd "$(dirname "$0")/.."
bins=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do bins+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
[ ${#bins[@]} -ge 1 ] || { echo "usage: $0 BINARY [BINARY2] [-- run arguments…]" >&2; exit 64; }
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(Scenarios/baseline.yaml --replications 200 --seed 1)
reps=200
for ((i = 0; i < ${#args[@]}; i++)); do [ "${args[$i]}" = "--replications" ] && reps="${args[$((i + 1))]}"; done
rounds="${ROUNDS:-5}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
declare -A times
for ((r = 0; r < rounds; r++)); do
    for b in "${!bins[@]}"; do
        rm -rf "$scratch/out-$b"
        sync   # the last run's output written back first, not during this run
        start=$(date +%s.%N)
        "${bins[$b]}" run "${args[@]}" --threads 1 --quiet --out "$scratch/out-$b" >/dev/null
        end=$(date +%s.%N)
        times[$b]+="$(awk "BEGIN { print ($end - $start) * 1000 / $reps }") "
        echo "round $((r + 1))/$rounds: ${bins[$b]}" >&2
    done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
m0=""
for b in "${!bins[@]}"; do
    m=$(echo "${times[$b]}" | median)
    printf '%-40s median %.3f ms per replication over %d alternated runs (%s)\n' "${bins[$b]}" "$m" "$rounds" "${args[*]}"
    [ -z "$m0" ] && m0=$m || printf "ratio second/first: %.3f\n" "$(awk "BEGIN { print $m / $m0 }")"
done
