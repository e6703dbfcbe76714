#!/usr/bin/env bash
# The explorer's figure (issue 19): time from a lever change to updated charts for N paired baseline
# replications, measured in headless Chromium by Tests/SuanliTests/Browser/explorer_browser.py
# (data-update-ms: the page's own clock from the input event to the charts drawn, 0.2 s debounce
# included), alternated with `suanli compare` of the same what-if from the command line (wall time,
# files written). Prints a Markdown table of medians. Needs .venv with selenium and Debian's
# chromium, chromium-driver and libjs-chart.js (scripts/setup-python.sh, scripts/setup-browser.sh).
#
#   Benchmarks/explorer.sh                          # builds the release binary first
#   SUANLI=.build/release/suanli ROUNDS=5 REPLICATIONS=200 Benchmarks/explorer.sh
#
# Environment: SUANLI (binary; default: build into $SCRATCH), SCRATCH (default .build), ROUNDS
# (default 5), REPLICATIONS (default 200), PYTHON (default .venv/bin/python).
set -euo pipefail
cd "$(dirname "$0")/.."
SCRATCH=${SCRATCH:-.build}
ROUNDS=${ROUNDS:-5}
REPLICATIONS=${REPLICATIONS:-200}
PYTHON=${PYTHON:-.venv/bin/python}
if [ -z "${SUANLI:-}" ]; then
    swift build -c release --scratch-path "$SCRATCH" --product suanli >&2
    SUANLI="$SCRATCH/release/suanli"
fi
SUANLI=$(cd "$(dirname "$SUANLI")" && pwd)/$(basename "$SUANLI")
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill -INT "$server" 2>/dev/null; rm -rf "$work"' EXIT

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
now() { date +%s.%N; }

"$SUANLI" serve --port 0 --quiet >"$work/serve.out" 2>"$work/serve.err" &
server=$!
for _ in $(seq 1 300); do grep -q "http://" "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^suanli serve: //p' "$work/serve.out" | head -1)
[ -n "$url" ] || { cat "$work/serve.err" >&2; echo "explorer.sh: the server did not start" >&2; exit 1; }

key='demand.segments[llm-training].growth.rate'
page=() cli=()
for r in $(seq 1 "$ROUNDS"); do
    line=$("$PYTHON" Tests/SuanliTests/Browser/explorer_browser.py --url "$url" --screenshot "$work/shot.png" \
        --scenario baseline --replications "$REPLICATIONS" --lever-key "$key" | tail -1)
    ms=$(printf '%s' "$line" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["update_ms"])')
    id=$(printf '%s' "$line" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["run_id"])')
    page+=("$ms")
    # The same what-if from the command line: the overrides the page's run used.
    override=$("$PYTHON" -c 'import json,sys,urllib.request; print(json.load(urllib.request.urlopen(sys.argv[1]))["overrides"][0])' \
        "${url%%\?*}api/runs/$id")
    t0=$(now)
    "$SUANLI" compare Scenarios/baseline.yaml Scenarios/baseline.yaml --set-variant "$override" \
        --replications "$REPLICATIONS" --seed 1 --out "$work/cli" --quiet >/dev/null
    t1=$(now)
    cli+=("$(echo "($t1 - $t0) * 1000" | bc -l | cut -d. -f1)")
    echo "round $r: page ${page[-1]} ms, compare ${cli[-1]} ms" >&2
done
echo "| what ($REPLICATIONS paired baseline replications, $(nproc) cores) | median of $ROUNDS alternated runs |"
echo "|---|---:|"
echo "| lever change → updated charts in the page | $(printf '%s\n' "${page[@]}" | median) ms |"
echo "| \`suanli compare\` of the same what-if (wall) | $(printf '%s\n' "${cli[@]}" | median) ms |"
