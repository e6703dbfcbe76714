#!/usr/bin/env bash
# How long a user waits where the tests only check that the wait ends: `suanli validate` on hostile
# input (an alias bomb, 20,000 unknown keys, a 100,000-character value), and a sweep's exit after
# Ctrl-C. These were wall-clock bounds in the tests (alias bomb < 10 s, each fuzz input < 15 s,
# Ctrl-C < 5 s); on a loaded CI machine such bounds fail for no fault of the code, so they are
# measured here instead. Prints a Markdown table of medians.
#
#   Benchmarks/responsiveness.sh                    # builds the release binary first
#   SUANLI=path/to/suanli ROUNDS=5 Benchmarks/responsiveness.sh
#
# Environment: SUANLI (binary; default: build into $SCRATCH), SCRATCH (default .build), ROUNDS (default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
SCRATCH=${SCRATCH:-.build}
ROUNDS=${ROUNDS:-3}
if [ -z "${SUANLI:-}" ]; then
    swift build -c release --scratch-path "$SCRATCH" --product suanli >&2
    SUANLI="$SCRATCH/release/suanli"
fi
SUANLI=$(cd "$(dirname "$SUANLI")" && pwd)/$(basename "$SUANLI")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
now() { date +%s.%N; }

# Hostile inputs, as in Tests/ScenarioModuleTests (MalformedInputTests, FuzzTests).
{
    printf 'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    for i in $(seq 1 9); do
        printf 'a%d: &a%d [' "$i" "$i"
        for j in $(seq 1 9); do printf '*a%d%s' $((i - 1)) "$([ "$j" -lt 9 ] && echo ', ')"; done
        printf ']\n'
    done
    printf '? *a9\n: 1\n'
} > "$work/alias-bomb.yaml"
for i in $(seq 0 19999); do echo "k$i: 1"; done > "$work/many-keys.yaml"
printf 'name: %s\n' "$(head -c 100000 /dev/zero | tr '\0' x)" > "$work/long-value.yaml"

echo "| what | median seconds ($ROUNDS rounds) |"
echo "|---|---|"
for f in alias-bomb many-keys long-value; do
    times=()
    for _ in $(seq "$ROUNDS"); do
        t0=$(now); "$SUANLI" validate "$work/$f.yaml" >/dev/null 2>&1 || true; t1=$(now)
        times+=("$(echo "$t1 - $t0" | bc)")
    done
    echo "| validate $f.yaml | $(printf '%s\n' "${times[@]}" | median) |"
done

# Ctrl-C: a sweep is interrupted once its journal records a chunk; seconds from SIGINT to exit.
cat > "$work/sweep.yaml" <<YAML
base: $PWD/Scenarios/validation/erlang-loss.yaml
design: grid
replications: 8
seed: 5
parameters:
  - path: providers[lessor].fleet[0].units
    values: [80, 100, 120, 140]
  - path: demand.segments[tenants].rate
    values: [480, 600, 720, 840, 960, 1080, 1200, 1320]
YAML
times=()
for r in $(seq "$ROUNDS"); do
    rm -rf "$work/out$r" "$work/.out$r.sweep-partial"
    (cd "$work" && exec "$SUANLI" sweep sweep.yaml --out "out$r" --threads 2 --monthly --quiet 2>/dev/null) &
    pid=$!
    while kill -0 "$pid" 2>/dev/null && [ "$(wc -l < "$work/.out$r.sweep-partial/journal.txt" 2>/dev/null || echo 0)" -lt 2 ]; do
        sleep 0.01
    done
    t0=$(now); kill -INT "$pid" 2>/dev/null || true; wait "$pid" || true; t1=$(now)
    times+=("$(echo "$t1 - $t0" | bc)")
done
echo "| sweep: Ctrl-C to exit | $(printf '%s\n' "${times[@]}" | median) |"
