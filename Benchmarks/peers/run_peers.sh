#!/usr/bin/env bash
# Runs the kernel benchmark in Swift against its C and SimPy peers, and the calendar
# "hold" micro benchmark against its C peer, and prints events per second and ratios.
#
# Swift and C run alternately, ROUNDS times each, on the same parameters, so that a
# change in machine load hits both; the medians are compared. SimPy runs once, on
# SIMPY_ARRIVALS arrivals (its events per second do not depend on the run length).
#
# Usage: Benchmarks/peers/run_peers.sh            (from anywhere)
# Settings (environment): SERVERS=100 LOAD=90 ARRIVALS=2000000 SEED=1 ROUNDS=3
#   SIMPY_ARRIVALS=ARRIVALS/10 HOLD_PENDING="100 10000 1000000" HOLD_OPERATIONS=5000000
#   SCRATCH=.build (SwiftPM scratch path)  SUANLI=path (use this binary, skip the Swift build)
#   SKIP_SIMPY=1  SKIP_HOLD=1
# Needs: cc, pkg-config and libgsl-dev; python3 with venv (SimPy is installed into
# Benchmarks/.venv on first use). Binaries and raw results go to Benchmarks/.build-peers/.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

SERVERS="${SERVERS:-100}"
LOAD="${LOAD:-90}"
ARRIVALS="${ARRIVALS:-2000000}"
SEED="${SEED:-1}"
ROUNDS="${ROUNDS:-3}"
SIMPY_ARRIVALS="${SIMPY_ARRIVALS:-$((ARRIVALS / 10))}"
HOLD_PENDING="${HOLD_PENDING:-100 10000 1000000}"
HOLD_OPERATIONS="${HOLD_OPERATIONS:-5000000}"
SCRATCH="${SCRATCH:-.build}"

out="Benchmarks/.build-peers"
mkdir -p "$out"
results="$out/last-run.jsonl"
: > "$results"

echo "== building the C peers (cc -O2, GSL $(pkg-config --modversion gsl))" >&2
cc -O2 -o "$out/erlang_c" Benchmarks/peers/erlang.c $(pkg-config --cflags --libs gsl) -lm
cc -O2 -o "$out/hold_c" Benchmarks/peers/hold.c

if [[ -z "${SUANLI:-}" ]]; then
    echo "== building suanli (release, scratch path $SCRATCH)" >&2
    swift build -c release --product suanli --scratch-path "$SCRATCH" >&2
    SUANLI="$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)/suanli"
fi

if [[ -z "${SKIP_SIMPY:-}" ]]; then
    python="Benchmarks/.venv/bin/python"
    if ! "$python" -c "import simpy" 2>/dev/null; then
        echo "== installing SimPy into Benchmarks/.venv" >&2
        python3 -m venv Benchmarks/.venv
        "$python" -m pip install --quiet "simpy==4.1.2"
    fi
fi

# Tags each JSON line with the run it came from, for the summary below.
record() { sed "s/^{/{\"run\":\"$1\",/" >> "$results"; }

echo "== kernel: C=$SERVERS A=$LOAD N=$ARRIVALS seed=$SEED, $ROUNDS rounds, Swift and C alternately" >&2
for round in $(seq 1 "$ROUNDS"); do
    "$SUANLI" bench kernel --servers "$SERVERS" --load "$LOAD" --arrivals "$ARRIVALS" --seed "$SEED" | record swift
    "$out/erlang_c" "$SERVERS" "$LOAD" "$ARRIVALS" "$SEED" | record c
    "$SUANLI" bench kernel --servers "$SERVERS" --load "$LOAD" --arrivals "$ARRIVALS" --seed "$SEED" \
        --generator mt19937 | record swift-mt19937
    echo "   round $round done" >&2
done

if [[ -z "${SKIP_SIMPY:-}" ]]; then
    echo "== kernel: SimPy on N=$SIMPY_ARRIVALS" >&2
    "$python" Benchmarks/peers/erlang_simpy.py "$SERVERS" "$LOAD" "$SIMPY_ARRIVALS" "$SEED" | record simpy
fi

if [[ -z "${SKIP_HOLD:-}" ]]; then
    for pending in $HOLD_PENDING; do
        echo "== calendar hold: $pending pending, $HOLD_OPERATIONS operations, $ROUNDS rounds" >&2
        for round in $(seq 1 "$ROUNDS"); do
            "$SUANLI" bench calendar --pending "$pending" --operations "$HOLD_OPERATIONS" --seed "$SEED" \
                | record "hold-swift-$pending"
            "$out/hold_c" "$pending" "$HOLD_OPERATIONS" "$SEED" | record "hold-c-$pending"
        done
    done
fi

python3 - "$results" <<'EOF'
import json, statistics, sys
from collections import defaultdict

runs = defaultdict(list)
for line in open(sys.argv[1]):
    row = json.loads(line)
    runs[row["run"]].append(row)

def median(run, key):
    return statistics.median(r[key] for r in runs[run]) if runs[run] else float("nan")

def show(label, run, key="events_per_second"):
    if runs[run]:
        values = ", ".join(f"{r[key] / 1e6:.2f}" for r in runs[run])
        print(f"  {label:<28} {median(run, key) / 1e6:8.2f} M/s   (runs: {values})")

first = runs["swift"][0]
print(f"kernel: Erlang loss C={first['servers']} A={first['load']} N={first['arrivals']} seed={first['seed']}; "
      f"events={first['events']}; median events per second")
show("Swift, xoshiro256**", "swift")
show("Swift, mt19937", "swift-mt19937")
show("C, mt19937", "c")
if runs["simpy"]:
    show(f"SimPy (N={runs['simpy'][0]['arrivals']})", "simpy")
swift, c = median("swift", "events_per_second"), median("c", "events_per_second")
print(f"  Swift/C = {swift / c:.2f}   Swift(mt19937)/C = {median('swift-mt19937', 'events_per_second') / c:.2f}", end="")
if runs["simpy"]:
    print(f"   Swift/SimPy = {swift / median('simpy', 'events_per_second'):.0f}", end="")
print()
for run in ("swift", "c", "simpy"):
    if runs[run]:
        r = runs[run][0]
        print(f"  {run:<6} blocking {r['blocking']:.5f} ± {r['ci95']:.5f} (95%), Erlang B {r['erlang_b']:.5f}, "
              f"mean busy {r['mean_busy']:.3f}")

holds = sorted({int(k.split("-")[-1]) for k in runs if k.startswith("hold-swift-")})
if holds:
    print("calendar hold (pop one, schedule one): median operations per second")
    for pending in holds:
        s = median(f"hold-swift-{pending}", "operations_per_second")
        c = median(f"hold-c-{pending}", "operations_per_second")
        same = {r["checksum"] for r in runs[f"hold-swift-{pending}"] + runs[f"hold-c-{pending}"]}
        print(f"  {pending:>8} pending: Swift {s / 1e6:6.2f} M/s   C {c / 1e6:6.2f} M/s   Swift/C = {s / c:.2f}"
              f"   (same pop order: {'yes' if len(same) == 1 else 'NO'})")
EOF
