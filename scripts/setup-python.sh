#!/usr/bin/env bash
# Creates the Python environment the notebooks (and Tests/SuanliTests/NotebookTests.swift) and the
# explorer's browser test (Selenium) use:
# .venv/ at the package root with Notebooks/requirements.txt installed (through uv, which is fast).
# Idempotent: reuses an existing .venv and only installs what is missing or differs.
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/make-venv.sh setup-python .venv Notebooks/requirements.txt 10 \
    "pandas, matplotlib, nbformat, nbclient, nbconvert, ipykernel, papermill, selenium"
