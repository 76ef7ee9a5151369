"""Shared pytest fixtures.

Playwright is imported only inside the browser fixtures, so that the pure-Python tests
collect and run on a machine without it (``pytest -m "not slow"`` needs no browser).
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.helpers import ROOT
from tests.helpers.cli import Ran
from tests.helpers.roster_edit import SMALL
from tests.helpers.sites import mkdocs_build, project, render_data_pages

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

# Messages are Chinese by default; the suite reads them in English, their msgids, in this process and
# every process it starts (tests of the Chinese words ask for them: tests/core/test_i18n.py).
os.environ["LANGUAGE"] = "en"


@pytest.fixture
def chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages in Chinese, the default the suite turns off: for tests of what staff read."""
    monkeypatch.setenv("LANGUAGE", "zh")


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    """One Playwright driver for the whole run."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    """Debian's headless Chromium, launched once per run."""
    from tests.helpers.browser import launch

    browser = launch(playwright_instance)
    yield browser
    browser.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A new page in a fresh phone-sized context (390×844 at 3×, touch, zh-CN)."""
    from tests.helpers.browser import phone_context

    context = phone_context(browser)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def small_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built by `mkdocs build` from the small hand-made roster, once per run."""
    folder = project(tmp_path_factory.mktemp("small-site"), SMALL)
    r = mkdocs_build(folder)
    assert r.returncode == 0, r.stderr
    return folder / "site"


@pytest.fixture
def small_pages(tmp_path: Path) -> Path:
    """The small roster's data pages rendered in this process, as the build renders them (no MkDocs).
    Rendered for each test (0.1 s): mutation testing then knows every test that reads them."""
    return render_data_pages(SMALL, tmp_path / "small-pages")


def pytest_configure(config: pytest.Config) -> None:
    """Under mutation testing, do in the test's process the work the pipeline forks off (validation in
    ``read_roster``, the search index and the page workers of ``build_site``). mutmut learns which
    tests reach a function by recording calls in the test's process: calls in a forked child go
    unrecorded, so no test would be run against those functions' mutants. Outside mutation testing
    nothing changes (tests/build/test_build.py checks the forking itself)."""
    import os

    # the builds and commands the tests start in subprocesses import this checkout's package, not
    # whichever checkout is installed in editable mode (a worktree's tests test the worktree)
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    # the state key of the builds the tests run (generator/core/store.py) is the run's own, never the
    # developer's (~/.local/state) nor CI's secret
    import tempfile

    os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="roster-tests-state-")
    os.environ.pop("ROSTER_STATE_KEY", None)
    if os.environ.get("MUTANT_UNDER_TEST"):
        import generator.build.fork

        generator.build.fork.can_fork = lambda: False  # the fallback the build takes where forking is unsafe


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the run's state key (pytest_configure)."""
    import os
    import shutil

    folder = os.environ.get("XDG_STATE_HOME", "")
    if os.path.basename(folder).startswith("roster-tests-state-"):
        shutil.rmtree(folder, ignore_errors=True)


def shared_scope(item: pytest.Item) -> str | None:
    """The module whose module-scoped fixtures ``item`` uses (a site built, a browser's measurements), if any.

    Under ``-n 2`` tests go to whichever worker is free: the tests of one module-scoped fixture could be
    split between both, and each worker would make the fixture, seconds of work, again. They are sent
    to one worker together (``--dist loadgroup``, pyproject.toml). Session fixtures (``small_site``,
    ``browser``) are still made once per worker: grouping all their tests would leave the full suite's
    browser tests to one worker."""
    info = getattr(item, "_fixtureinfo", None)
    definitions = info.name2fixturedefs.values() if info else ()
    if any(d.scope == "module" for defs in definitions for d in defs):
        return item.nodeid.split("::")[0]
    return None


SLOW_MODULE = re.compile(r"^pytestmark = pytest\.mark\.slow\b", re.M)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """In the quick loop (``-m "not slow"``) a module whose every test is slow (``pytestmark =
    pytest.mark.slow``, the browser and hostile-input suites) is not imported at all: each worker
    would import it, and rewrite its assertions, only to deselect every test in it."""
    if config.option.markexpr != "not slow" or collection_path.suffix != ".py" or not collection_path.name.startswith("test_"):
        return None
    return True if SLOW_MODULE.search(collection_path.read_text(encoding="utf-8")) else None


def uses(item: pytest.Item, fixture: str) -> bool:
    """Whether ``item`` needs ``fixture``, by name or as the value of an indirect parameter."""
    params = getattr(getattr(item, "callspec", None), "params", {})
    return fixture in getattr(item, "fixturenames", ()) or fixture in params.values()


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups (xdist/remote.py)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Send the tests of a module-scoped fixture to one worker (:func:`shared_scope`).

    Under mutation testing (bench/mutation.py sets MUTANT_UNDER_TEST to a mutant's name for each
    run), leave out the tests that read a site `mkdocs build` made in another process: that process
    imports the unmutated package, so they cannot catch a mutant, and each would build a site again
    for every mutant. The same checks run on pages rendered in the test's process (``small_pages``)."""
    for item in items:
        if scope := shared_scope(item):
            item.add_marker(pytest.mark.xdist_group(scope))
    if "." not in os.environ.get("MUTANT_UNDER_TEST", ""):
        return
    left_out = [item for item in items if uses(item, "small_site")]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if item not in left_out]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Ran]:
    """``cli(*args, cwd=…)`` runs ``python -m generator *args`` in this process: ``main`` as the entry
    point calls it, its log lines on stderr as ``logging.basicConfig`` puts them there in a process of
    its own, without the cost of starting Python again; tests/test_cli.py runs the real one."""
    from generator.cli import main

    def run(*args: str, cwd: Path | None = None) -> Ran:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        capsys.readouterr()
        handler = logging.StreamHandler(sys.stderr)  # the captured stream of this moment
        handler.setFormatter(logging.Formatter("%(message)s"))
        root = logging.getLogger()
        level = root.level
        root.addHandler(handler)
        root.setLevel(logging.INFO)
        try:
            try:
                code = main(list(args))
            except SystemExit as exit:  # argparse's usage errors
                code = exit.code if isinstance(exit.code, int) else 1
        finally:
            root.removeHandler(handler)
            root.setLevel(level)
        out = capsys.readouterr()
        return Ran(code, out.out, out.err)

    return run
