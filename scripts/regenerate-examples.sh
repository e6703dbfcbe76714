#!/usr/bin/env bash
# Rewrites every committed example under Results/examples/ with its exact command (the table in
# Results/examples/README.md; Tests/SuanliTests/ExamplesTests.swift checks that both list the same
# commands), then the data dictionary Results/README.md. Run it after a change to the model or the
# output that is meant to change the numbers, then update the CSV lines quoted in the data
# dictionary's worked example (Sources/Experiments/Output/DataDictionary.swift) and run it again.
#
#   scripts/regenerate-examples.sh                 # builds .build/release/suanli first
#   SUANLI=path/to/suanli scripts/regenerate-examples.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${SUANLI:-}" ]; then
    swift build -c release --product suanli
    SUANLI=.build/release/suanli
fi

# `run suanli ARGS…` runs one example's command as written in the README, with the built binary.
run() {
    shift
    echo "+ suanli $*" >&2
    "$SUANLI" "$@"
}

run suanli run Scenarios/baseline.yaml --replications 2 --seed 4 --set horizon_months=27 --out Results/examples/baseline --quiet >/dev/null
run suanli compare Scenarios/baseline.yaml Scenarios/export-ban-h20.yaml --replications 2 --seed 1 --set horizon_months=27 --out Results/examples/compare-export-ban-h20 --quiet >/dev/null
run suanli sweep Scenarios/sweeps/smoke.yaml --out Results/examples/sweep-smoke --quiet

"$SUANLI" run --print-data-dictionary > Results/README.md
du -sh Results/examples/*/ >&2
echo "now check the worked example's quoted lines: swift test -c release --filter Examples" >&2
