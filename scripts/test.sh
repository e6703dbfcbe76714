#!/usr/bin/env bash
# Every test: set up, then the whole suite in release (statistical tests run at model speed).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product suanli
swift test -c release "$@"
