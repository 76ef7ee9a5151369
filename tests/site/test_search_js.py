"""The browser's search modules (overrides/assets/javascripts/search/) under Node: their unit tests
(tests/node/search/*.test.mjs, ``node --test``), the TypeScript checker over their ``// @ts-check``
(tests/node/tsconfig.json), and the index format they read, which must be the generator's.

Fast enough for the quick loop; skipped only where there is no Node at all.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from generator.site.search import FORMAT_VERSION
from tests.helpers import ROOT

NODE = shutil.which("node")
NODE_DIR = ROOT / "tests" / "node"
MODULES = ROOT / "overrides" / "assets" / "javascripts"
TSC = NODE_DIR / "node_modules" / "typescript" / "bin" / "tsc"

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed (sh tests/setup.sh installs it)")


def node(*args: str) -> subprocess.CompletedProcess[str]:
    assert NODE is not None
    return subprocess.run([NODE, *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_the_search_modules_pass_their_unit_tests() -> None:
    run = node("--test", "--test-reporter=dot", *sorted(str(p) for p in (NODE_DIR / "search").glob("*.test.mjs")))
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]


def test_the_search_modules_type_check() -> None:
    assert TSC.is_file(), f"{TSC} is missing: run sh tests/setup.sh (npm ci in tests/node)"
    run = node(str(TSC), "-p", str(NODE_DIR))
    assert run.returncode == 0, run.stdout + run.stderr


def test_every_module_asks_to_be_checked() -> None:
    modules = sorted(MODULES.rglob("*.js"))
    assert len(modules) >= 8
    unchecked = [p.relative_to(ROOT).as_posix() for p in modules if not p.read_text(encoding="utf-8").startswith("// @ts-check\n")]
    assert unchecked == []


def test_the_browser_reads_the_generators_format_version() -> None:
    """search.json's layout version is one constant on each side; a cached script refuses another."""
    run = node("--input-type=module", "-e",
               f"import {{ FORMAT_VERSION }} from '{(MODULES / 'search' / 'format.js').as_uri()}'; console.log(FORMAT_VERSION)")
    assert run.returncode == 0, run.stderr
    assert int(run.stdout) == FORMAT_VERSION
    written = re.findall(r"FORMAT_VERSION = (\d+)", "".join(p.read_text(encoding="utf-8") for p in MODULES.rglob("*.js")))
    assert written == [str(FORMAT_VERSION)]  # stated once
