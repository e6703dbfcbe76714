#!/usr/bin/env bash
# Creates the Python environment the notebooks (and Tests/SuanliTests/NotebookTests.swift) use:
# .venv/ at the package root with Notebooks/requirements.txt installed (through uv, which is fast).
# Idempotent: reuses an existing .venv and only installs what is missing or differs.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "setup-python: $*" >&2; exit 1; }

PYTHON="${PYTHON:-python3}"
command -v "$PYTHON" >/dev/null 2>&1 || fail "$PYTHON not found; install Python ≥ 3.10 (with venv), e.g. apt-get install -y python3 python3-venv"
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' \
    || fail "$("$PYTHON" --version 2>&1) is too old; the notebooks need Python ≥ 3.10"

LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv >"$LOG" 2>&1 \
        || { cat "$LOG" >&2; rm -rf .venv; fail "could not create .venv (on Debian: apt-get install -y python3-venv)"; }
fi
if [ ! -x .venv/bin/uv ]; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check uv >"$LOG" 2>&1 \
        || { cat "$LOG" >&2; fail "could not install uv into .venv with pip (is PyPI reachable?)"; }
fi
VIRTUAL_ENV="$PWD/.venv" .venv/bin/uv pip install --quiet -r Notebooks/requirements.txt >"$LOG" 2>&1 \
    || { cat "$LOG" >&2; fail "could not install Notebooks/requirements.txt into .venv (is PyPI reachable?)"; }
.venv/bin/python -c 'import pandas, matplotlib, nbformat, nbclient, nbconvert, ipykernel, papermill' >"$LOG" 2>&1 \
    || { cat "$LOG" >&2; fail ".venv is missing a notebook package after installing; delete .venv and rerun"; }
echo "setup-python: .venv ready ($(.venv/bin/python --version 2>&1))"
