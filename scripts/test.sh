#!/usr/bin/env bash
# Every test: set up (GSL; Python for the notebooks), then the whole suite in release
# (statistical tests run at model speed).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/setup-python.sh
swift build -c release --product suanli
swift test -c release "$@"
