"""Installs that reproduce: the README's two commands, the locks they install from, and CI running them.

A fresh machine is the test: every runtime and test dependency is pinned, with hashes, in
``requirements/`` (made by ``sh scripts/lock.sh``), at a version ``pyproject.toml`` allows.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.helpers import ROOT

SITE, TEST = ROOT / "requirements" / "site.txt", ROOT / "requirements" / "test.txt"
INSTALL_SITE = "sh scripts/install.sh && .venv/bin/mkdocs build"
INSTALL_TEST = "sh tests/setup.sh && .venv/bin/python -m pytest -n 2"
_PIN = re.compile(r"^([A-Za-z0-9._-]+)==(\S+)(?: ;[^\\]*)? \\$")


def pins(lock_text: str) -> dict[str, str]:
    """``name → version`` of a lock, each pin checked to carry at least one hash."""
    found: dict[str, str] = {}
    lines = lock_text.splitlines()
    for i, line in enumerate(lines):
        if m := _PIN.match(line):
            assert lines[i + 1].strip().startswith("--hash=sha256:"), f"{m[1]} has no hash"
            found[canonicalize_name(m[1])] = m[2]
        else:
            assert not line or line.startswith((" ", "#")), f"not a pin with hashes: {line!r}"
    return found


def declared() -> tuple[list[Requirement], list[Requirement]]:
    """The runtime requirements (with the build backend) and the test extra's, from pyproject.toml."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    runtime = [Requirement(r) for r in project["project"]["dependencies"] + project["build-system"]["requires"]]
    return runtime, [Requirement(r) for r in project["project"]["optional-dependencies"]["test"]]


def test_pins_are_read_and_a_pin_without_a_hash_is_refused() -> None:
    assert pins("pyyaml==6.0.4 \\\n    --hash=sha256:ab\n    # via mkdocs\n") == {"pyyaml": "6.0.4"}
    with pytest.raises(AssertionError, match="pyyaml has no hash"):
        pins("pyyaml==6.0.4 \\\n    # via mkdocs\n")
    with pytest.raises(AssertionError, match="not a pin"):
        pins("pyyaml>=6\n")


@pytest.mark.parametrize("lock", [SITE, TEST], ids=lambda p: p.name)
def test_every_declared_dependency_is_pinned_at_a_version_pyproject_allows(lock: Path) -> None:
    runtime, test = declared()
    locked = pins(lock.read_text(encoding="utf-8"))
    for req in runtime + (test if lock == TEST else []):
        name = canonicalize_name(req.name)
        assert name in locked, f"{req} is not in {lock.name}: run sh scripts/lock.sh"
        assert req.specifier.contains(locked[name], prereleases=True), \
            f"{lock.name} pins {name}=={locked[name]}, which pyproject.toml's {req} refuses: run sh scripts/lock.sh"


def test_the_site_lock_is_the_test_lock_less_the_test_tools() -> None:
    """One version of each package whichever command installed it."""
    site, test = pins(SITE.read_text(encoding="utf-8")), pins(TEST.read_text(encoding="utf-8"))
    assert {n: v for n, v in site.items() if test.get(n) != v} == {}


def test_the_locks_say_how_they_are_made() -> None:
    for lock in (SITE, TEST):
        assert "#    sh scripts/lock.sh\n" in lock.read_text(encoding="utf-8"), lock
    script = (ROOT / "scripts" / "lock.sh").read_text(encoding="utf-8")
    assert "--generate-hashes" in script and "requirements/test.txt" in script and "requirements/site.txt" in script


def test_readme_opens_with_the_two_commands_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = [line.strip() for line in readme.splitlines()[:25] if line.startswith("    ")]
    assert commands[:2] == [INSTALL_SITE, INSTALL_TEST]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").rstrip().splitlines()
    assert ci[-1] == INSTALL_TEST  # exactly the README's test command, last
    assert "rm -rf .venv" in ci and "apt-get update -qq" in ci  # in a fresh virtualenv, apt's lists fresh


def test_installs_use_the_locks_with_hashes_and_no_build_isolation() -> None:
    script = (ROOT / "scripts" / "install.sh").read_text(encoding="utf-8")
    assert "--require-hashes --no-deps -r" in script and "--no-deps --no-build-isolation -e ." in script
    assert "sh scripts/install.sh test" in (ROOT / "tests" / "setup.sh").read_text(encoding="utf-8")
    for workflow in (ROOT / ".github" / "workflows").glob("*.yml"):
        text = workflow.read_text(encoding="utf-8")
        assert "pip install" not in text, f"{workflow.name} installs around the lock"
