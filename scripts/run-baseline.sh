#!/usr/bin/env bash
# The main job: set up, build in release, and forecast the baseline scenario.
# Extra arguments go to `suanli run` (e.g. --replications 20 --quiet).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product suanli
.build/release/suanli run Scenarios/baseline.yaml "$@"
