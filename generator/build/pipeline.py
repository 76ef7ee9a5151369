"""The pipeline both front ends run: read (load and validate), render, write.

:func:`read_roster` gives a roster and its problems; :func:`write_data_pages` renders the data pages
into a site folder MkDocs has built, with the search index, statistics files, sitemap and service
worker. The build's life cycle around them (staging, publication, reuse, preview) is session.py's.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.changes.feed import feed
from generator.changes.history import History
from generator.core.model import Roster
from generator.core.problems import Problem, errors
from generator.core.store import lasting_objects
from generator.core.urls import CHANGES_FEED, OFFLINE, SEARCH_INDEX, SEARCH_SHARDS, STATS_CSV, STATS_JSON
from generator.roster.load import build_roster, load_documents
from generator.roster.validate import validate_roster
from generator.roster.yamlcache import ParseCache
from generator.site.opendata import Edition
from generator.site.pages import Site, data_page_urls, environment, find_assets, page_tasks, sitemap
from generator.site.search import ContentPage, offline_files, read_content_pages, search_files
from generator.site.stats import report, report_csv, report_json

from .fork import in_child
from .offline import service_worker
from .output import gzip_bytes, write_files
from .render import Renderer, RenderInputs, render_tasks
from .version import RosterVersion


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
    Validation runs in a second process (fork.py) meanwhile the model is built (a province's roster takes
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


#: Makes the search index's files: (what the search finds, the site's content pages, the site's roster).
Search = Callable[[Roster, list[ContentPage], Roster], list[tuple[str, bytes]]]


def stats_files(roster: Roster) -> list[tuple[str, str | bytes]]:
    """``/data/stats.csv`` and ``/data/stats.json``: the figures for spreadsheets and machines."""
    rep, base = report(roster), roster.programme.base_url
    return [(STATS_CSV, report_csv(rep, base)), (STATS_JSON, report_json(rep, base))]


def edition(version: RosterVersion | None) -> Edition:
    """The roster's version and date as the open data and the feed name them."""
    return Edition(version.ref, version.date) if version else Edition("", "")


def write_data_pages(roster: Roster, out: Path, overrides: Path, site_name: str, *,
                     renderer: Renderer | None = None, workers: int | None = None,
                     history: History | None = None, fingerprints: Callable[[], Mapping[str, str]] | None = None,
                     searched: Roster | None = None, version: RosterVersion | None = None,
                     search: Search = search_files) -> int:
    """Render every data page into ``out`` (a site MkDocs built), with the search index and sitemap.

    ``fingerprints``, called once the renderer is done, gives files by the SHA-256 of their bytes
    (:func:`offline.site_digest`), so that they are not read again; the renderer may leave those
    files out of ``out`` (the reuse's: they are published already). ``search`` makes the search
    index's files (the preview's keeps the last ones while the roster's searchable parts are the
    same). ``searched``: the roster the search
    covers when it is more than ``roster``: the whole province when ``roster`` is one city's
    (:meth:`Roster.only_city`), so that the search finds every village of the province and opens the
    other cities' on their own sites. ``version``: the roster's (version.py), which the open data and
    the feed of changes name."""
    existing = [str(p.parent.relative_to(out)) + "/" for p in out.rglob("index.html")]  # MkDocs' pages
    pages = read_content_pages(out)
    made: list[list[tuple[str, bytes]]] = []

    def index() -> None:
        # the search index is made in this process meanwhile the workers render the pages (a province's
        # 2,300 shards take seconds); in a forked child, the build's memory counted the roster once more
        made.append(search(searched or roster, pages, roster))

    write_files(out, stats_files(roster))
    # the open data under data/ is made by the renderer's tasks (pages.page_tasks), in parallel; the
    # preview leaves it out (its own tasks)
    inputs = RenderInputs(roster, overrides / "data", find_assets(out), site_name, history, edition(version))
    if renderer is None:
        written = render_tasks(inputs, page_tasks(roster), out, workers=workers, meanwhile=index)
        count = sum(map(len, written))
    else:
        count = renderer(inputs, out, index)
    write_search(out, made[-1])
    # the feed of changes beside 最近更新, once the renderer placed its folder (the preview moves it in)
    roster_edition = edition(version)
    write_files(out, [(CHANGES_FEED, feed(history, roster.programme, roster_edition.version, roster_edition.date))])
    urls = [u.removeprefix("./") if u != "./" else "" for u in existing] + data_page_urls(roster)
    xml = sitemap(roster.programme.base_url, urls).encode("utf-8")
    write_files(out, [("sitemap.xml", xml), ("sitemap.xml.gz", gzip_bytes(xml))])
    write_offline(roster, out, overrides, site_name, fingerprints() if fingerprints else None)
    return count


def write_search(out: Path, files: list[tuple[str, bytes]]) -> None:
    """The search index's core and shards; shards of an earlier build (the preview's folder) are removed,
    and one already there is not written again (a shard's name holds the digest of its bytes)."""
    keep = {path for path, _ in files}
    old = out / SEARCH_SHARDS
    there: set[str] = set()
    if old.is_dir():
        for path in old.iterdir():
            rel = path.relative_to(out).as_posix()
            if rel not in keep:
                path.unlink()
            else:
                there.add(rel)
    write_files(out, [(path, data) for path, data in files if path not in there])


def write_offline(roster: Roster, out: Path, overrides: Path, site_name: str,
                  known: Mapping[str, str] | None = None) -> None:
    """The offline notice page, then the service worker, which digests everything else (offline.py)."""
    assets = find_assets(out)
    site = Site(roster, environment(overrides / "data"), assets, site_name)
    write_files(out, [site.render("offline.html", OFFLINE)])
    index = offline_files(json.loads((out / SEARCH_INDEX).read_bytes()), roster) if (out / SEARCH_INDEX).is_file() else []
    write_files(out, [service_worker(out, [*assets.stylesheets, *assets.scripts, *assets.modules, assets.favicon, *index], known)])
