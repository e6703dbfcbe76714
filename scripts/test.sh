#!/usr/bin/env bash
# Every test: set up (GSL; Python for the notebooks; Chromium for the report's browser test;
# Slurm and munge for the cluster test), then the whole suite in release (statistical tests
# run at model speed).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/setup-python.sh
scripts/setup-peers.sh
scripts/setup-browser.sh
scripts/setup-slurm.sh
# `swift test` builds and links the `suanli` binary the end-to-end tests run (SuanliTests depends on
# it): a separate `swift build` first would compile everything twice (tests build with testing on).
swift test -c release "$@"
