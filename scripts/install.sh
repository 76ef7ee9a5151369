#!/bin/sh
# Make the project's virtualenv, .venv, with the pinned dependencies and the project itself:
#
#   sh scripts/install.sh           # what building the site needs (requirements/site.txt)
#   sh scripts/install.sh test      # that and what the tests need (requirements/test.txt)
#
# A virtualenv, not the system Python: Debian 12 refuses `pip install` into its own (PEP 668).
# Every package is installed at the version and with the hash in the lock (sh scripts/lock.sh
# makes it), then the project in editable mode without build isolation, so nothing unpinned is
# fetched. Safe to run again: it installs only what is missing or at another version.
set -eu
cd "$(dirname "$0")/.."

case "${1:-site}" in
    site) lock=requirements/site.txt ;;
    test) lock=requirements/test.txt ;;
    *) echo "usage: sh scripts/install.sh [site|test]" >&2; exit 2 ;;
esac

log() {
    printf 'install: %s\n' "$*"
}

# Debian's python3 makes virtualenvs only with python3-venv installed (it ships ensurepip).
if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        log "apt-get install python3-venv"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    else
        echo "install: python3 cannot make a virtualenv: install python3-venv (sudo apt-get install python3-venv)" >&2
        exit 1
    fi
fi

if [ ! -x .venv/bin/python ]; then
    log "python3 -m venv .venv"
    python3 -m venv .venv
fi
pip() {
    .venv/bin/python -m pip --quiet --disable-pip-version-check "$@"
}
log "pip install $lock"
pip install --require-hashes --no-deps -r "$lock"
log "pip install -e ."
pip install --no-deps --no-build-isolation -e .
log "done: .venv/bin/mkdocs build, .venv/bin/python -m generator --help"
