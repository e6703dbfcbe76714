#!/usr/bin/env bash
# Creates the Python environment of the peer tests (Tests/peers/): .venv-peers/ at the package root
# with Tests/peers/requirements.txt installed (pyabc for `suanli calibrate`, SALib for `design: sobol`
# / `design: morris` sweeps, ema-workbench for PRIM scenario discovery). Its own environment:
# pyabc 0.13 needs ipykernel ≥ 7.2 and Python ≥ 3.11, where the notebooks pin ipykernel 6.29.
# Idempotent: reuses an existing .venv-peers and only installs what is missing or differs.
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/make-venv.sh setup-peers .venv-peers Tests/peers/requirements.txt 11 "pyabc, SALib, ema_workbench, numpy, scipy"
