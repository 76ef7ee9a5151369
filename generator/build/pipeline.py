"""The pipeline both front ends run: load → validate → render → write.

The MkDocs plugin calls these steps from its events; everything here also runs
without MkDocs (the plugin stays thin, see DESIGN.md).
"""

from __future__ import annotations

import ctypes
import hashlib
import multiprocessing
import os
import pickle
import re
import signal
import subprocess
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache, partial
from itertools import chain
from pathlib import Path
from typing import Any, TypeVar, cast

import jinja2
from markupsafe import Markup

from generator.changes.feed import feed
from generator.changes.history import History
from generator.core.model import Roster, tel_uri
from generator.core.problems import Problem, errors
from generator.core.store import lasting_objects
from generator.core.urls import CHANGES_FEED, OFFLINE, SEARCH_SHARDS, STATS_CSV, STATS_JSON, template_globals
from generator.printing import cards
from generator.printing.qr import QRCache
from generator.roster.load import build_roster, load_documents
from generator.roster.validate import validate_roster
from generator.roster.yamlcache import ParseCache
from generator.site.escape import html_text, markdown_text
from generator.site.opendata import Edition, open_data_files
from generator.site.pages import SERVICES, Assets, Site, data_page_urls, environment, find_assets, page_tasks, sitemap
from generator.site.search import read_content_pages, search_files
from generator.site.stats import (
    coverage_chart,
    load_chart,
    report,
    report_csv,
    report_json,
    roles_chart,
    villages_chart,
)

from .offline import service_worker
from .output import gzip_bytes, write_files


@dataclass(frozen=True)
class Checked:
    """A roster and what is wrong with it; ``ok`` when nothing is an error."""

    roster: Roster
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not errors(self.problems)


def read_roster(data_dir: Path | str, cache_dir: Path | None = None) -> Checked:
    """Load and validate ``data_dir``. The roster is built leniently even when it has errors.

    With ``cache_dir``, files parsed by an earlier build are read from there (yamlcache.py).
    Validation runs in a second process meanwhile the model is built (a province's roster takes
    seconds for each)."""
    roster, problems = start_reading(data_dir, cache_dir)
    return Checked(roster, problems())


def start_reading(data_dir: Path | str, cache_dir: Path | None = None) -> tuple[Roster, Callable[[], list[Problem]]]:
    """:func:`read_roster`'s roster, and a function that waits for its problems: what a valid roster
    needs next can be done meanwhile they are found."""
    with lasting_objects():
        docs = load_documents(data_dir, ParseCache(cache_dir) if cache_dir is not None else None)
        problems = in_child(validate_roster, docs)
        return build_roster(docs), problems


T = TypeVar("T")


def _can_fork() -> bool:
    # forking a process that runs other threads (mkdocs serve's server) is unsafe, and some systems
    # cannot fork at all
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def in_child(work: Callable[[Any], T], arg: Any) -> Callable[[], T]:
    """Start ``work(arg)`` in a forked process and return a function that waits for its result
    (the child inherits ``arg``: nothing is copied to it). Where forking is unsafe, or the child
    gives no result (killed), the work is done in this process instead. An exception in the
    child is raised by the waiting function."""
    if not _can_fork():
        return partial(work, arg)
    read, write = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: never returns, never runs the parent's exit handlers
        code = 0
        try:
            os.close(read)
            _die_with_parent(parent)
            try:
                data = pickle.dumps((True, work(arg)))
            except Exception as exc:  # handed to the parent, which raises it
                data = pickle.dumps((False, exc))
            with os.fdopen(write, "wb") as out:
                out.write(data)
        except BaseException:  # the parent sees no result and does the work itself
            code = 1
        finally:
            os._exit(code)
    os.close(write)

    def result() -> T:
        with os.fdopen(read, "rb") as pipe:
            data = pipe.read()
        os.waitpid(pid, 0)
        if not data:
            return work(arg)
        ok, value = pickle.loads(data)  # our own child's bytes, through a pipe only we hold
        if not ok:
            raise value
        return cast(T, value)

    return result


@lru_cache(maxsize=2)
def _fill_env(finalize: Callable[[Any], str]) -> jinja2.Environment:
    # every value is escaped for where it lands: roster names are text, never markup
    env = jinja2.Environment(autoescape=False, finalize=finalize, undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True)
    env.filters["tel"] = tel_uri
    env.globals.update(template_globals())
    return env


def figures(roster: Roster, data_dir: Path | str | None = None, overrides: Path | None = None) -> dict[str, object]:
    """What hand-written pages may use: ``{{ programme.hotline }}``, ``{{ total.villages }}``…

    With ``data_dir``, also the roster's :func:`roster_version`; with ``overrides``, the
    statistics' macros (``overrides/data/stats-parts.html``) as ``parts``, rendered by the
    data pages' autoescaping environment, so that roster names never reach the page unescaped
    through the Markdown filling (whose autoescape is off).
    """
    rep = report(roster)
    # a province's whole site charts its cities; one city's site (of a province too) its units
    tops, of = (rep.cities, "各市") if len(rep.cities) > 1 else (rep.counties, "各县级单位")
    context: dict[str, object] = {
        "programme": roster.programme,
        "total": rep.programme,
        "units": [(roster.county[a.id], a, a.children) for a in rep.counties],
        # a province's whole site: the home page lists the cities rather than 150 units (one city's
        # site, even of a province, lists its units)
        "cities": list(roster.cities) if len(roster.cities) > 1 else [],
        "services": SERVICES,
        "advisors": len(roster.advisors),
        "report": rep,
        "charts": {
            "coverage": coverage_chart(tops, of),
            "villages": villages_chart(tops, of),
            "roles": roles_chart(rep.programme),
            "load": load_chart(rep.programme),
        },
        "version": roster_version(data_dir) if data_dir is not None else None,
    }
    if overrides is not None:
        context["parts"] = environment(overrides / "data").get_template("stats-parts.html").module
    return context


@dataclass(frozen=True)
class RosterVersion:
    """Which roster the figures are of, for the printed report: a date and a reference."""

    date: str  # YYYY-MM-DD, UTC
    ref: str  # a git short hash, or "sha256:" and 8 hex digits of the roster's files
    source: str  # where the date came from: "SOURCE_DATE_EPOCH", "git" or "files"


def _git(data_dir: Path, *args: str) -> str | None:
    try:
        r = subprocess.run(["git", "-C", str(data_dir), *args], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return r.stdout.strip() if r.returncode == 0 else None


def roster_version(data_dir: Path | str) -> RosterVersion:
    """The roster's date and version, never the wall clock: the same roster gives the same bytes.

    The date is ``$SOURCE_DATE_EPOCH`` when it is set (the reproducible-builds convention, for a
    CI that wants to pin it); else, when the roster folder is in git and has no uncommitted
    change, the date of the last commit that touched it; else the newest modification time of
    its files. The reference is that commit's short hash, or else a fingerprint of the files
    (paths and bytes), so an edited but uncommitted roster does not claim a commit it is not.
    Dates are UTC days.
    """
    folder = Path(data_dir)
    last = _git(folder, "log", "-1", "--format=%ct %h", "--", ".")
    clean = _git(folder, "status", "--porcelain", "--", ".") == ""
    if last and clean:
        seconds, ref, source = int(last.split()[0]), last.split()[1], "git"
    else:
        files = sorted(p for p in folder.rglob("*") if p.is_file() and ".git" not in p.relative_to(folder).parts)
        digest = hashlib.sha256()
        for p in files:
            digest.update(p.relative_to(folder).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
        seconds = int(max((p.stat().st_mtime for p in files), default=0))
        ref, source = "sha256:" + digest.hexdigest()[:8], "files"
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        seconds, source = int(epoch), "SOURCE_DATE_EPOCH"
    return RosterVersion(datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d"), ref, source)


def stats_files(roster: Roster) -> list[tuple[str, str | bytes]]:
    """``/data/stats.csv`` and ``/data/stats.json``: the figures for spreadsheets and machines."""
    rep, base = report(roster), roster.programme.base_url
    return [(STATS_CSV, report_csv(rep, base)), (STATS_JSON, report_json(rep, base))]


def edition(version: RosterVersion | None) -> tuple[str, str]:
    """The roster's version and date as the open data names them (none when the build has no version)."""
    return (version.ref, version.date) if version else ("", "")


def open_data(roster: Roster, version: RosterVersion | None) -> Iterator[tuple[str, bytes]]:
    """The open data under ``/data/`` (site/opendata.py) of the roster at ``version``."""
    return open_data_files(roster, Edition(*edition(version)))


def fill_markdown(markdown: str, context: dict[str, object]) -> str:
    """Hand-written Markdown is a Jinja template over :func:`figures` (computed once per build);
    every value is escaped for Markdown and HTML at once."""
    return _fill_env(markdown_text).from_string(markdown).render(**context)


class Verbatim:
    """HTML that a page's Markdown carries through untouched: the statistics' parts.

    ``parts`` (stats-parts.html) makes finished, escaped HTML; Python-Markdown would parse it again,
    which took seconds on a province's statistics page (1,862 townships' rows). :meth:`wrap` makes
    each part a comment that Markdown keeps as it is, and :meth:`restore` puts the HTML back into
    the page Markdown made."""

    _MARK = re.compile(r"<!-- verbatim (\d+) -->")

    def __init__(self) -> None:
        self.parts: list[str] = []

    def wrap(self, module: object) -> Any:
        """``module`` (a template's macros) with each macro's HTML set aside."""
        verbatim = self

        class Parts:
            def __getattr__(self, name: str) -> Callable[..., Markup]:
                macro = getattr(module, name)
                return lambda *args, **kwargs: verbatim.put(macro(*args, **kwargs))

        return Parts()

    def put(self, html: object) -> Markup:
        self.parts.append(str(html))
        return Markup(f"<!-- verbatim {len(self.parts) - 1} -->")

    def restore(self, html: str) -> str:
        return self._MARK.sub(lambda m: self.parts[int(m[1])], html)


def fill_text(template: str, context: dict[str, object]) -> str:
    """A front-matter value (title, description), which the theme prints into HTML unescaped."""
    return _fill_env(html_text).from_string(template).render(**context)


def markdown_pages(overrides: Path) -> list[tuple[str, str]]:
    """Pages that go through MkDocs but are made from the roster: the statistics page."""
    stats = (overrides / "data" / "stats.md").read_text(encoding="utf-8")
    return [("stats/index.md", stats)]


_worker: tuple[Site, Path, QRCache, Path | None] | None = None  # per worker process: set once by _start_worker

#: One piece of the site to render: ``(kind, key)``, as :meth:`pages.Site.pages_for` takes it.
Task = tuple[str, str]


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


def _start_worker(roster: Roster, templates: Path, assets: Assets, site_name: str, out: Path, qr_cache: QRCache,
                  history: History | None = None, published: Path | None = None, parent: int | None = None) -> None:
    global _worker
    if parent is not None:
        _die_with_parent(parent)
    _worker = (Site(roster, environment(templates), assets, site_name, history), out, qr_cache, published)


def _print_pages(site: Site, task: Task, qr_cache: QRCache) -> Iterator[tuple[str, str]]:
    """The print sheets that go with a render task: a township's with its pages, the backs with the units'."""
    kind, key = task
    if kind == "counties":
        yield from cards.backs_sheets(site)
    elif kind == "township":
        yield cards.township_sheets(site, site.roster.township[key], qr_cache)


def _render(task: Task) -> tuple[list[str], list[str], dict[str, str]]:
    """Render one task; return the paths of its files, the SHA-256 of each, and the QR codes it
    had to encode."""
    assert _worker is not None
    site, out, qr_cache, published = _worker
    files = [(path, content.encode("utf-8") if isinstance(content, str) else content)
             for path, content in chain(site.pages_for(task), _print_pages(site, task, qr_cache))]
    write_files(out, files, unless_in=published)
    return [path for path, _ in files], [hashlib.sha256(data).hexdigest() for _, data in files], qr_cache.take_added()


def render_tasks(roster: Roster, tasks: list[Task], out: Path, templates: Path, assets: Assets, site_name: str,
                 workers: int | None = None, qr_cache: QRCache | None = None,
                 history: History | None = None, published: Path | None = None,
                 hashes: dict[str, str] | None = None, meanwhile: Callable[[], object] | None = None) -> list[list[str]]:
    """Render ``tasks`` into ``out``; return the paths of each task's files, in task order.

    Pages are independent, so they render in one process per core; the output does not
    depend on the split. QR codes come from ``qr_cache`` (encoded once, ever); the codes
    the workers had to encode are added to its file at the end. With ``published``, a file
    whose bytes that folder already has is not written to ``out`` (output.write_files).
    ``hashes``, when given, receives each file's SHA-256 (hex), by path. ``meanwhile`` is called
    once, in this process, while the workers render (before rendering, where there are none).
    """
    qr_cache = qr_cache or QRCache(None)
    results = _render_all(tasks, (roster, templates, assets, site_name, out, qr_cache, history, published), workers,
                          meanwhile or (lambda: None))
    added: dict[str, str] = {}
    for paths, shas, new in results:
        added.update(new)
        if hashes is not None:
            hashes.update(zip(paths, shas))
    qr_cache.save(added)
    return [paths for paths, _, _ in results]


def _render_all(tasks: list[Task], args: tuple[Roster, Path, Assets, str, Path, QRCache, History | None, Path | None],
                workers: int | None, meanwhile: Callable[[], object]) -> list[tuple[list[str], list[str], dict[str, str]]]:
    # where forking is unsafe, render in-process
    workers = workers or (min(4, os.cpu_count() or 1) if _can_fork() else 1)
    if workers == 1 or len(tasks) < 2:
        meanwhile()
        _start_worker(*args)
        return list(map(_render, tasks))
    # many small tasks (the preview renders advisors one by one) go to workers in chunks
    chunk = max(1, len(tasks) // (workers * 16))
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker,
                             initargs=(*args, os.getpid())) as pool:
        try:
            results = pool.map(_render, tasks, chunksize=chunk)  # submits every task: the workers are forked now
            meanwhile()
            return list(results)
        except BaseException:  # interrupted: do not render the rest before exiting
            pool.shutdown(wait=False, cancel_futures=True)
            raise


#: Renders the data pages of a roster into a site folder and returns how many there are:
#: ``(roster, out, templates, assets, site_name, history, meanwhile) -> count``, calling ``meanwhile`` once, in
#: this process, while other processes work (:func:`render_tasks`: its workers; the reuse: its plan's). The
#: preview passes one that re-renders only what changed since the last rebuild.
Renderer = Callable[[Roster, Path, Path, Assets, str, History | None, Callable[[], object]], int]


def write_data_pages(roster: Roster, out: Path, overrides: Path, site_name: str, workers: int | None = None,
                     renderer: Renderer | None = None, qr_cache: QRCache | None = None,
                     history: History | None = None,
                     fingerprints: Callable[[], Mapping[str, str]] | None = None,
                     province: Roster | None = None, version: RosterVersion | None = None) -> int:
    """Render every data page into ``out`` (a site MkDocs built), with the search index and sitemap.

    ``fingerprints``, called once the renderer is done, gives files by the SHA-256 of their bytes
    (:func:`offline.site_digest`), so that they are not read again; the renderer may leave those
    files out of ``out`` (the reuse's: they are published already). ``province``: the whole roster
    when ``roster`` is one city's (:meth:`Roster.only_city`): the search finds every village of the
    province, and opens the other cities' on their own sites. ``version``: the roster's
    (:func:`roster_version`), which every open-data file names."""
    existing = [str(p.parent.relative_to(out)) + "/" for p in out.rglob("index.html")]  # MkDocs' pages
    pages = read_content_pages(out)
    made: list[list[tuple[str, bytes]]] = []

    def index() -> None:
        # the search index is made in this process meanwhile the workers render the pages (a province's
        # 2,300 shards take seconds); in a forked child, the build's memory counted the roster once more
        made.append(search_files(province or roster, pages, roster))
        write_files(out, open_data(roster, version))
        write_files(out, [(CHANGES_FEED, feed(history, roster.programme, *edition(version)))])

    write_files(out, stats_files(roster))
    templates, assets = overrides / "data", find_assets(out)
    if renderer is None:
        written = render_tasks(roster, page_tasks(roster), out, templates, assets, site_name, workers, qr_cache,
                               history, meanwhile=index)
        count = sum(map(len, written))
    else:
        count = renderer(roster, out, templates, assets, site_name, history, index)
    write_search(out, made[-1])
    urls = [u.removeprefix("./") if u != "./" else "" for u in existing] + data_page_urls(roster)
    xml = sitemap(roster.programme.base_url, urls).encode("utf-8")
    write_files(out, [("sitemap.xml", xml), ("sitemap.xml.gz", gzip_bytes(xml))])
    write_offline(roster, out, overrides, site_name, fingerprints() if fingerprints else None)
    return count


def write_search(out: Path, files: list[tuple[str, bytes]]) -> None:
    """The search index's core and shards; shards of an earlier build (the preview's folder) are removed."""
    keep = {path for path, _ in files}
    old = out / SEARCH_SHARDS
    if old.is_dir():
        for path in old.iterdir():
            if path.relative_to(out).as_posix() not in keep:
                path.unlink()
    write_files(out, files)


def write_offline(roster: Roster, out: Path, overrides: Path, site_name: str,
                  known: Mapping[str, str] | None = None) -> None:
    """The offline notice page, then the service worker, which digests everything else (offline.py)."""
    assets = find_assets(out)
    site = Site(roster, environment(overrides / "data"), assets, site_name)
    write_files(out, [site.render("offline.html", OFFLINE)])
    write_files(out, [service_worker(out, [*assets.stylesheets, *assets.scripts, assets.favicon], known)])
