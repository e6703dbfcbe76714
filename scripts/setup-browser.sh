#!/usr/bin/env bash
# Installs the headless browser that Tests/SuanliTests/ReportTests.swift opens `suanli report` pages in:
# Debian's `chromium` package, with apt-get, when no chromium is on PATH. Idempotent: does nothing when one is.
# As root it installs (running `apt-get update` first when the package lists do not know `chromium`);
# otherwise it only says that the browser test will be skipped (and fail in CI, where CI is set).
# SUANLI_CHROMIUM names a browser to use instead of searching PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "setup-browser: $*" >&2; }

find_browser() {
    if [ -n "${SUANLI_CHROMIUM:-}" ]; then
        [ -x "$SUANLI_CHROMIUM" ] && { echo "$SUANLI_CHROMIUM"; return 0; }
        return 1
    fi
    for name in chromium chromium-browser; do
        command -v "$name" 2>/dev/null && return 0
    done
    return 1
}

if [ -n "${SUANLI_CHROMIUM:-}" ] && [ ! -x "$SUANLI_CHROMIUM" ]; then
    say "SUANLI_CHROMIUM is '$SUANLI_CHROMIUM', which is not an executable file: fix it, or unset it to use chromium from PATH"
    exit 1
fi

if browser="$(find_browser)"; then
    say "browser ready: $browser ($("$browser" --version 2>/dev/null || echo 'version unknown'))"
    exit 0
fi

if [ "$(uname -s)" != "Linux" ] || ! command -v apt-get >/dev/null 2>&1; then
    say "no chromium found and no apt-get here: install Chromium (or set SUANLI_CHROMIUM to a Chromium/Chrome binary);"
    say "until then the browser test of 'suanli report' is skipped (and fails in CI)"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    say "chromium is not installed and this is not root, so it is not installed now:"
    say "the browser test of 'suanli report' will be skipped (it fails in CI). To install it: sudo $0"
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
APT=(apt-get -o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)

# apt-cache only knows packages from lists fetched by `apt-get update`; a fresh image has none.
if ! apt-cache show chromium >/dev/null 2>&1; then
    say "apt-get update (the package lists do not know chromium yet)"
    "${APT[@]}" update -qq
fi

say "installing Debian's chromium with apt-get (headless use only: --no-install-recommends)"
start=$(date +%s)
LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT
if ! "${APT[@]}" install -y -qq --no-install-recommends chromium >"$LOG" 2>&1; then
    # The lists may be stale (a package version that is gone from the mirror): refresh once and retry.
    say "install failed; refreshing the package lists and retrying"
    "${APT[@]}" update -qq
    "${APT[@]}" install -y -qq --no-install-recommends chromium >"$LOG" 2>&1 \
        || { cat "$LOG" >&2; say "could not install chromium with apt-get"; exit 1; }
fi

browser="$(find_browser)" || { say "chromium was installed but is not on PATH"; exit 1; }
say "browser ready: $browser ($("$browser" --version 2>/dev/null || echo 'version unknown')), installed in $(( $(date +%s) - start )) s"
