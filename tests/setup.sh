#!/bin/sh
# Install everything the test suite needs on a fresh Debian 12 machine (run as root), then
# `.venv/bin/python -m pytest` runs it:
#
#   sh tests/setup.sh        # from anywhere; safe to run again (skips what is already there)
#
# - Debian: chromium (driven by Playwright through /usr/bin/chromium: never `playwright install`),
#   poppler-utils (pdftoppm, pdftotext, pdfunite), zbar-tools (zbarimg), fonts-noto-cjk (Chinese
#   glyphs); nodejs and npm where no npm is on the PATH.
# - Python: the virtualenv .venv with the pinned runtime and test dependencies and the project
#   (scripts/install.sh test: requirements/test.txt, hashes checked).
# - Node: the pinned Lighthouse and axe-core in tests/node/ (npm ci from its lock file).
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

log() {
    printf 'setup: %s\n' "$*"
}

# --- Debian packages ------------------------------------------------------------------------
APT_PACKAGES="chromium poppler-utils zbar-tools fonts-noto-cjk"
command -v npm >/dev/null 2>&1 || APT_PACKAGES="$APT_PACKAGES nodejs npm"
missing=""
for pkg in $APT_PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    if [ "$status" != "install ok installed" ]; then
        missing="$missing $pkg"
    fi
done
if [ -n "$missing" ]; then
    log "apt-get install$missing"
    apt-get update -qq
    # shellcheck disable=SC2086 # one word a package
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
else
    log "apt packages already installed"
fi

# --- Python ---------------------------------------------------------------------------------
sh scripts/install.sh test

# --- Node (Lighthouse, axe-core) ------------------------------------------------------------
NODE_DIR="$ROOT/tests/node"
if [ -f "$NODE_DIR/node_modules/.package-lock.json" ] \
    && [ "$NODE_DIR/node_modules/.package-lock.json" -nt "$NODE_DIR/package-lock.json" ]; then
    log "tests/node/node_modules up to date"
else
    log "npm ci in tests/node"
    (cd "$NODE_DIR" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

log "done"
