#!/bin/sh
# Pin every runtime and test dependency, with hashes, from pyproject.toml's ranges:
#
#   sh scripts/lock.sh              # then review `git diff requirements/` and commit it
#
# requirements/test.txt: the runtime, the `test` extra and the build backend (setuptools), for the
# test suite and CI; requirements/site.txt: the same versions, runtime only, for building the site.
# Run it after changing a dependency in pyproject.toml, or on purpose to take new releases (it
# resolves afresh: every pin may move). It needs uv at the version below (the lock's format and
# resolution are uv's): `python3 -m pip install uv==0.13.8`, or in the virtualenv
# `.venv/bin/pip install uv==0.13.8`.
set -eu
cd "$(dirname "$0")/.."

UV_VERSION=0.13.8
if command -v uv >/dev/null 2>&1; then uv=uv; elif [ -x .venv/bin/uv ]; then uv=.venv/bin/uv; else uv=; fi
if [ -z "$uv" ] || [ "$($uv --version | cut -d' ' -f2)" != "$UV_VERSION" ]; then
    echo "lock: needs uv $UV_VERSION: python3 -m pip install uv==$UV_VERSION" >&2
    exit 1
fi

# The build backend is pinned too: installs run without build isolation, so nothing unpinned
# is fetched to build the project.
build_requires=$(python3 -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"]))')

# One version of each package for every Python 3.11 from Debian 12's (3.11.2) on, on Linux: a
# universal lock would give 3.11.5 and later other releases of some (pymdown-extensions), and the
# site's bytes must not depend on the patch level of the Python that builds it.
compile() {
    "$uv" pip compile --quiet --generate-hashes --python-version 3.11.2 --python-platform x86_64-manylinux_2_36 \
        --custom-compile-command "sh scripts/lock.sh" "$@"
}
printf '%s\n' "$build_requires" | compile pyproject.toml --extra test - -o requirements/test.txt
printf '%s\n' "$build_requires" | compile pyproject.toml - -c requirements/test.txt -o requirements/site.txt
