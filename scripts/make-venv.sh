#!/usr/bin/env bash
# make-venv.sh NAME DIR REQUIREMENTS MIN_MINOR IMPORTS: creates (or reuses) the Python virtual
# environment DIR with REQUIREMENTS installed through uv, needing Python ≥ 3.MIN_MINOR, and checks
# that `import IMPORTS` works. Shared by setup-python.sh (notebooks) and setup-peers.sh (peer tests);
# idempotent: only installs what is missing or differs. Messages start with NAME.
set -euo pipefail
cd "$(dirname "$0")/.."
NAME="$1"; DIR="$2"; REQUIREMENTS="$3"; MIN_MINOR="$4"; IMPORTS="$5"

fail() { echo "$NAME: $*" >&2; exit 1; }

PYTHON="${PYTHON:-python3}"
command -v "$PYTHON" >/dev/null 2>&1 || fail "$PYTHON not found; install Python ≥ 3.$MIN_MINOR (with venv), e.g. apt-get install -y python3 python3-venv"
"$PYTHON" -c "import sys; sys.exit(0 if sys.version_info >= (3, $MIN_MINOR) else 1)" \
    || fail "$("$PYTHON" --version 2>&1) is too old; $REQUIREMENTS needs Python ≥ 3.$MIN_MINOR"

LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT
if [ ! -x "$DIR/bin/python" ]; then
    "$PYTHON" -m venv "$DIR" >"$LOG" 2>&1 \
        || { cat "$LOG" >&2; rm -rf "$DIR"; fail "could not create $DIR (on Debian: apt-get install -y python3-venv)"; }
fi
if [ ! -x "$DIR/bin/uv" ]; then
    "$DIR/bin/python" -m pip install --quiet --disable-pip-version-check uv >"$LOG" 2>&1 \
        || { cat "$LOG" >&2; fail "could not install uv into $DIR with pip (is PyPI reachable?)"; }
fi
VIRTUAL_ENV="$PWD/$DIR" "$DIR/bin/uv" pip install --quiet -r "$REQUIREMENTS" >"$LOG" 2>&1 \
    || { cat "$LOG" >&2; fail "could not install $REQUIREMENTS into $DIR (is PyPI reachable?)"; }
"$DIR/bin/python" -c "import $IMPORTS" >"$LOG" 2>&1 \
    || { cat "$LOG" >&2; fail "$DIR is missing a package after installing; delete $DIR and rerun"; }
echo "$NAME: $DIR ready ($("$DIR/bin/python" --version 2>&1))"
