#!/usr/bin/env bash
# Installs the headless browser that Tests/SuanliTests/ReportTests.swift opens `suanli report` pages in
# (Debian's `chromium`), the driver Selenium steers it with in the explorer's browser test
# (Tests/SuanliTests/ExplorerBrowserTests.swift: Debian's `chromium-driver`) and the chart library
# `suanli serve` serves to its page (Debian's `libjs-chart.js`), with apt-get, when they are missing.
# Idempotent: does nothing when all are there.
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

CHART_JS=/usr/share/javascript/chart.js/chart.min.js
missing=()
browser="$(find_browser)" || missing+=(chromium)
# chromedriver must match the browser's version: installing it brings chromium to the same version.
command -v chromedriver >/dev/null 2>&1 || { missing+=(chromium-driver); [[ " ${missing[*]} " == *" chromium "* ]] || missing+=(chromium); }
[ -f "$CHART_JS" ] || missing+=(libjs-chart.js)

if [ ${#missing[@]} -eq 0 ]; then
    say "browser ready: $browser ($("$browser" --version 2>/dev/null || echo 'version unknown')); chromedriver and Chart.js ready"
    exit 0
fi

if [ "$(uname -s)" != "Linux" ] || ! command -v apt-get >/dev/null 2>&1; then
    say "missing: ${missing[*]}, and no apt-get here: install Chromium and its chromedriver (or set SUANLI_CHROMIUM and"
    say "SUANLI_CHROMEDRIVER), and Chart.js 3 (suanli serve --chart-js FILE); until then the browser tests are skipped (and fail in CI)"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    say "missing: ${missing[*]}, and this is not root, so nothing is installed now:"
    say "the browser tests will be skipped (they fail in CI). To install them: sudo $0"
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
APT=(apt-get -o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)

# apt-cache only knows packages from lists fetched by `apt-get update`; a fresh image has none.
if ! apt-cache show chromium-driver >/dev/null 2>&1; then
    say "apt-get update (the package lists do not know chromium-driver yet)"
    "${APT[@]}" update -qq
fi

say "installing ${missing[*]} with apt-get (headless use only: --no-install-recommends)"
start=$(date +%s)
LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT
if ! "${APT[@]}" install -y -qq --no-install-recommends "${missing[@]}" >"$LOG" 2>&1; then
    # The lists may be stale (a package version that is gone from the mirror): refresh once and retry.
    say "install failed; refreshing the package lists and retrying"
    "${APT[@]}" update -qq
    "${APT[@]}" install -y -qq --no-install-recommends "${missing[@]}" >"$LOG" 2>&1 \
        || { cat "$LOG" >&2; say "could not install ${missing[*]} with apt-get"; exit 1; }
fi

browser="$(find_browser)" || { say "chromium was installed but is not on PATH"; exit 1; }
command -v chromedriver >/dev/null 2>&1 || { say "chromium-driver was installed but chromedriver is not on PATH"; exit 1; }
[ -f "$CHART_JS" ] || { say "libjs-chart.js was installed but $CHART_JS is missing"; exit 1; }
say "browser ready: $browser ($("$browser" --version 2>/dev/null || echo 'version unknown')), installed in $(( $(date +%s) - start )) s"
