"""The pipeline both front ends run: load → validate → render → write.

The MkDocs plugin calls these steps from its events; everything here also runs
without MkDocs (the plugin stays thin, see DESIGN.md).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import subprocess
import threading
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import jinja2

from . import cards
from .load import build_roster, load_documents
from .model import Roster, Village, tel_uri
from .output import gzip_bytes, write_files
from .pages import SERVICES, Assets, Site, data_page_urls, environment, find_assets, page_tasks, sitemap
from .problems import Problem, errors
from .search import read_content_pages, search_index
from .stats import coverage_chart, load_chart, report, report_csv, report_json, roles_chart, villages_chart
from .urls import SEARCH_INDEX, STATS_CSV, STATS_JSON, template_globals
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


@lru_cache(maxsize=1)
def _markdown_env() -> jinja2.Environment:
    env = jinja2.Environment(autoescape=False, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
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
    context: dict[str, object] = {
        "programme": roster.programme,
        "total": rep.programme,
        "units": [(roster.county[a.id], a, a.children) for a in rep.counties],
        "services": SERVICES,
        "advisors": len(roster.advisors),
        "report": rep,
        "charts": {
            "coverage": coverage_chart(rep.counties),
            "villages": villages_chart(rep.counties),
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
    files = sorted(p for p in folder.rglob("*") if p.is_file() and ".git" not in p.relative_to(folder).parts)
    last = _git(folder, "log", "-1", "--format=%ct %h", "--", ".")
    clean = _git(folder, "status", "--porcelain", "--", ".") == ""
    if last and clean:
        seconds, ref, source = int(last.split()[0]), last.split()[1], "git"
    else:
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


def fill_markdown(markdown: str, context: dict[str, object]) -> str:
    """Hand-written Markdown is a Jinja template over :func:`figures` (computed once per build)."""
    return _markdown_env().from_string(markdown).render(**context)


def markdown_pages(overrides: Path) -> list[tuple[str, str]]:
    """Pages that go through MkDocs but are made from the roster: the statistics page."""
    stats = (overrides / "data" / "stats.md").read_text(encoding="utf-8")
    return [("stats/index.md", stats)]


_worker: tuple[Site, Path] | None = None  # per worker process: set once by _start_worker


def _start_worker(roster: Roster, templates: Path, assets: Assets, site_name: str, out: Path) -> None:
    global _worker
    _worker = (Site(roster, environment(templates), assets, site_name), out)


def _render(task: tuple[str, str]) -> int:
    assert _worker is not None
    site, out = _worker
    return write_files(out, site.pages_for(task))


def write_data_pages(roster: Roster, out: Path, overrides: Path, site_name: str, workers: int | None = None) -> int:
    """Render every data page into ``out`` (a site MkDocs built), with the sitemap.

    Pages are independent, so they render in one process per core (QR codes
    dominate: about 2 ms each); the output does not depend on the split.
    """
    existing = [str(p.parent.relative_to(out)) + "/" for p in out.rglob("index.html")]  # MkDocs' pages
    write_files(out, [(SEARCH_INDEX, search_index(roster, read_content_pages(out)))])
    write_files(out, stats_files(roster))
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
                                 initargs=args) as pool:
            count = sum(pool.map(_render, tasks))
    urls = [u.removeprefix("./") if u != "./" else "" for u in existing] + data_page_urls(roster)
    xml = sitemap(roster.programme.base_url, urls).encode("utf-8")
    write_files(out, [("sitemap.xml", xml), ("sitemap.xml.gz", gzip_bytes(xml))])
    return count


def print_documents(roster: Roster, villages: list[Village], overrides: Path, by_township: bool = True,
                    backs: bool = False, sheets_per_document: int = 40) -> list[tuple[str, str]]:
    """Standalone print HTML for ``villages``, cut into documents of about 40 sheets.

    With ``by_township``, each township starts on a new sheet (staff hand out cards
    township by township); otherwise cards follow the given order (a reprint list).
    Each document is labelled for progress reports.
    """
    site = Site(roster, environment(overrides / "data"), Assets(), "")
    css = (overrides / "assets" / "stylesheets" / "cards.css").read_text(encoding="utf-8")
    groups: list[list[Village]] = []
    for v in villages:
        if not groups or (by_township and groups[-1][-1].township != v.township):
            groups.append([])
        groups[-1].append(v)
    documents: list[tuple[str, str]] = []
    batch: list[list[Village]] = []

    def flush() -> None:
        if batch:
            first, last = roster.township[batch[0][0].township].name, roster.township[batch[-1][-1].township].name
            label = f"{sum(map(len, batch))} cards, {first}" + (f" – {last}" if by_township and last != first else "")
            html = site.print_html([[cards.card_for(roster, v) for v in g] for g in batch], "便民服务卡", inline_css=css, backs=backs)[1]
            documents.append((label, html))
            batch.clear()

    for group in groups:
        for start in range(0, len(group), sheets_per_document * cards.PER_SHEET):
            part = group[start : start + sheets_per_document * cards.PER_SHEET]
            if sum(-(-len(g) // cards.PER_SHEET) for g in batch) + -(-len(part) // cards.PER_SHEET) > sheets_per_document:
                flush()
            batch.append(part)
    flush()
    return documents
