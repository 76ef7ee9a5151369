"""ruff and mypy, as configured in pyproject.toml, pass on the project."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.helpers import ROOT


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True)


def test_ruff_is_clean() -> None:
    r = run("ruff", "check", ".")
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.slow
def test_mypy_is_clean() -> None:
    r = run("mypy")
    assert r.returncode == 0, r.stdout + r.stderr
