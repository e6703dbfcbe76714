#!/usr/bin/env bash
# Installs what Suanli needs to build on a fresh machine: GSL (the randomness) and
# pkg-config (how SwiftPM finds it). Idempotent: does nothing when both are present.
set -euo pipefail

need_gsl() { ! pkg-config --exists gsl 2>/dev/null; }

if need_gsl; then
    if command -v apt-get >/dev/null 2>&1; then
        SUDO=""
        if [ "$(id -u)" -ne 0 ]; then
            if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
                echo "setup: GSL is missing and this is not root; run: apt-get install -y libgsl-dev pkg-config" >&2
                exit 1
            fi
        fi
        echo "setup: installing libgsl-dev and pkg-config with apt-get" >&2
        $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
            --no-install-recommends libgsl-dev pkg-config >/dev/null
    elif command -v brew >/dev/null 2>&1; then
        echo "setup: installing gsl and pkg-config with Homebrew" >&2
        brew install gsl pkg-config
    else
        echo "setup: GSL not found; install GSL ≥ 2.6 and pkg-config with your package manager" >&2
        exit 1
    fi
fi
need_gsl && { echo "setup: pkg-config still cannot find gsl" >&2; exit 1; }
exit 0
