"""The pipeline both front ends run: load → validate → render → write.

The MkDocs plugin calls these steps from its events; everything here also runs
without MkDocs (the plugin stays thin, see DESIGN.md).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Any

import jinja2

from . import cards
from .escape import html_text, markdown_text
from .load import build_roster, load_documents
from .model import Roster, tel_uri
from .offline import service_worker
from .output import gzip_bytes, write_files
from .pages import SERVICES, Assets, Site, data_page_urls, environment, find_assets, page_tasks, sitemap
from .problems import Problem, errors
from .search import read_content_pages, search_index
from .stats import coverage
from .urls import OFFLINE, SEARCH_INDEX, template_globals
from .validate import validate_roster


@dataclass(frozen=True)
class Checked:
    """A roster and what is wrong with it; ``ok`` when nothing is an error."""

    roster: Roster
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not errors(self.problems)


def read_roster(data_dir: Path | str) -> Checked:
    """Load and validate ``data_dir``. The roster is built leniently even when it has errors."""
    docs = load_documents(data_dir)
    return Checked(build_roster(docs), validate_roster(docs))


@lru_cache(maxsize=2)
def _fill_env(finalize: Callable[[Any], str]) -> jinja2.Environment:
    # every value is escaped for where it lands: roster names are text, never markup
    env = jinja2.Environment(autoescape=False, finalize=finalize, undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True)
    env.filters["tel"] = tel_uri
    env.globals.update(template_globals())
    return env


def figures(roster: Roster) -> dict[str, object]:
    """What hand-written pages may use: ``{{ programme.hotline }}``, ``{{ total.villages }}``…"""
    cov = coverage(roster)
    return {
        "programme": roster.programme,
        "total": cov.total,
        "units": [(roster.county[r.id], r, cov.townships[r.id]) for r in cov.counties],
        "services": SERVICES,
        "advisors": len(roster.advisors),
    }


def fill_markdown(markdown: str, context: dict[str, object]) -> str:
    """Hand-written Markdown is a Jinja template over :func:`figures` (computed once per build);
    every value is escaped for Markdown and HTML at once."""
    return _fill_env(markdown_text).from_string(markdown).render(**context)


def fill_text(template: str, context: dict[str, object]) -> str:
    """A front-matter value (title, description), which the theme prints into HTML unescaped."""
    return _fill_env(html_text).from_string(template).render(**context)


def markdown_pages(overrides: Path) -> list[tuple[str, str]]:
    """Pages that go through MkDocs but are made from the roster: the statistics page."""
    stats = (overrides / "data" / "stats.md").read_text(encoding="utf-8")
    return [("stats/index.md", stats)]


_worker: tuple[Site, Path] | None = None  # per worker process: set once by _start_worker


def _die_with_parent(parent: int) -> None:
    """Ask Linux to end this worker when the build's process ends, even by SIGKILL."""
    # the default action, not the parent's handler: a handler that raises would be caught by
    # the pool's worker loop as a task's failure, and the worker would live on
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: workers end when their queue closes
        return
    if os.getppid() != parent:  # the build died before prctl took effect
        os._exit(1)


_PR_SET_PDEATHSIG = 1


def _start_worker(roster: Roster, templates: Path, assets: Assets, site_name: str, out: Path,
                  parent: int | None = None) -> None:
    global _worker
    if parent is not None:
        _die_with_parent(parent)
    _worker = (Site(roster, environment(templates), assets, site_name), out)


def _print_pages(site: Site, task: tuple[str, str]) -> Iterator[tuple[str, str]]:
    """The print sheets that go with a render task: a township's with its pages, the backs with the units'."""
    kind, key = task
    if kind == "counties":
        yield cards.backs_sheet(site)
    elif kind == "township":
        yield cards.township_sheets(site, site.roster.township[key])


def _render(task: tuple[str, str]) -> int:
    assert _worker is not None
    site, out = _worker
    return write_files(out, chain(site.pages_for(task), _print_pages(site, task)))


def write_data_pages(roster: Roster, out: Path, overrides: Path, site_name: str, workers: int | None = None) -> int:
    """Render every data page into ``out`` (a site MkDocs built), with the sitemap.

    Pages are independent, so they render in one process per core (QR codes
    dominate: about 2 ms each); the output does not depend on the split.
    """
    existing = [str(p.parent.relative_to(out)) + "/" for p in out.rglob("index.html")]  # MkDocs' pages
    write_files(out, [(SEARCH_INDEX, search_index(roster, read_content_pages(out)))])
    args = (roster, overrides / "data", find_assets(out), site_name, out)
    # Forking a process that runs other threads (mkdocs serve's server) is unsafe, and some systems
    # cannot fork at all: render in-process there
    can_fork = "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
    workers = workers or (min(4, os.cpu_count() or 1) if can_fork else 1)
    tasks = page_tasks(roster)
    if workers == 1:
        _start_worker(*args)
        count = sum(map(_render, tasks))
    else:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker,
                                 initargs=(*args, os.getpid())) as pool:
            try:
                count = sum(pool.map(_render, tasks))
            except BaseException:  # interrupted: do not render the rest before exiting
                pool.shutdown(wait=False, cancel_futures=True)
                raise
    urls = [u.removeprefix("./") if u != "./" else "" for u in existing] + data_page_urls(roster)
    xml = sitemap(roster.programme.base_url, urls).encode("utf-8")
    write_files(out, [("sitemap.xml", xml), ("sitemap.xml.gz", gzip_bytes(xml))])
    write_offline(roster, out, overrides, site_name)
    return count


def write_offline(roster: Roster, out: Path, overrides: Path, site_name: str) -> None:
    """The offline notice page, then the service worker, which digests everything else (offline.py)."""
    assets = find_assets(out)
    site = Site(roster, environment(overrides / "data"), assets, site_name)
    write_files(out, [site.render("offline.html", OFFLINE)])
    write_files(out, [service_worker(out, [*assets.stylesheets, *assets.scripts, assets.favicon])])
