"""The live preview under ``mkdocs serve``: data pages kept between rebuilds, and the problem page.

``mkdocs serve`` rebuilds the whole site into one temporary folder on every save and cleans
that folder first. Rendering all 8,000 data pages again would take longer than staff wait, so
a :class:`Preview` (kept by the plugin for the whole serve session) remembers what each render
task read from the roster and which files it wrote, and on a rebuild re-renders only the tasks
whose inputs changed. Between rebuilds the pages live in the site folder; just before MkDocs
cleans it they are moved aside into a cache folder beside it (:func:`cache_dir`), and moved back
once the new build is done. Both folders are on one file system, so a move is a rename and costs
nothing whatever the size of the site; deleting and writing 8,000 folders costs seconds.

When the roster has errors the preview does not render it: the plugin replaces MkDocs' pages by
one page that lists the problems (:func:`problem_page`), which is also the home and 404 page, and
the data pages stay in the cache, so every data URL answers with that page too. The last good
pages wait there untouched until the roster is fixed.

Everything here also runs without MkDocs; the plugin only calls it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generator.core.i18n import _, language, ngettext
from generator.core.model import Roster, Township
from generator.core.problems import Problem, errors, format_text, summary
from generator.core.urls import SEARCH_SHARDS
from generator.site.pages import data_tasks, environment
from generator.site.search import ContentPage, Places, place_index, place_inputs, search_files
from generator.site.stats import report

from .output import clear
from .render import RenderInputs, Task, render_tasks

PROBLEMS_TEMPLATE = "problems.html"


def cache_dir(site_dir: Path) -> Path:
    """Where the data pages wait while MkDocs cleans and rebuilds ``site_dir``: beside it, not in
    it, so that nothing scanning the site (search index, sitemap) finds them twice."""
    return site_dir.with_name(f".{site_dir.name}.preview")


def preview_tasks(roster: Roster) -> list[Task]:
    """The site cut finer than :func:`pages.page_tasks`: one task per advisor, so that a change
    re-renders the advisors it touches rather than a batch of 400. The open data's tasks are not among
    them: :meth:`Preview.render` makes them at every rebuild, straight into the site folder."""
    tasks: list[Task] = [("counties", "")]
    tasks += [("township", t.code) for t in roster.townships]
    tasks += [("advisors", a.id) for a in roster.advisors]
    return tasks


def task_inputs(roster: Roster, task: Task, townships: dict[str, Township] | None = None) -> tuple[object, ...]:
    """Everything a task's pages read from the roster (besides the programme, which every page
    reads and :class:`Preview` compares once). Model objects are frozen dataclasses, so two
    rebuilds' inputs compare with ``==``. ``townships`` replaces ``roster.township`` (see
    :meth:`Preview.render`).

    Keep this in step with :meth:`pages.Site.pages_for` and the templates: whatever a page shows
    must be in its task's inputs, or the preview keeps a stale page and ``mkdocs build`` keeps a
    stale published file (reuse.py). Inputs are generous on purpose — whole townships rather than the fields a page
    shows — because re-rendering a few pages too many is cheap and a stale page is a lie.
    """
    kind, key = task
    townships = roster.township if townships is None else townships
    if kind == "counties":
        # county pages list townships with coverage figures, which count the advisors that exist
        # (and the city pages, in a province, list their units with the same figures)
        return (roster.cities, roster.counties, tuple(townships[t.code] for t in roster.townships), roster.advisors)
    if kind == "township":
        township = townships[key]
        ids = sorted(set(township.team) | {v.advisor for v in township.villages if v.advisor})
        people = tuple((i, roster.advisor.get(i)) for i in ids)  # None: a dangling id (a gap) counts too
        orgs = tuple(sorted({(a.organization, roster.organization.get(a.organization)) for _id, a in people if a},
                            key=lambda pair: pair[0]))
        # the page's figures: its advisors' load counts their villages in every township
        loads = tuple(tuple(v.code for v in roster.villages_of.get(i, [])) for i in ids)
        figures = report(roster).area("township", key) if key in roster.township else None
        # in a province the pages and cards show the unit's city: its name and local hotline
        # a village page names the retired villages merged into it (pages.Site.merged_into)
        return (township, roster.county_of(township), roster.city_of(township.county), people, orgs, loads, figures,
                roster.retired_villages)
    if kind == "advisors":
        advisor = roster.advisor[key]
        places = [townships[v.township] for v in roster.villages_of.get(key, [])]
        places += [townships[t.code] for t in roster.teams_of.get(key, [])]
        org = roster.organization.get(advisor.organization)
        return (advisor, org, roster.city_of(org.county) if org else None, tuple(places),
                tuple(roster.county_of(t) for t in places), tuple(roster.city_of(t.county) for t in places))
    raise ValueError(f"unknown task kind {kind!r}")


def _templates(folder: Path) -> tuple[tuple[str, bytes], ...]:
    """The data-page templates' text: a change to any of them re-renders every page."""
    return tuple((p.name, p.read_bytes()) for p in sorted(folder.glob("*.html")))


@dataclass
class _Record:
    """What a task read when it was last rendered, and the files it wrote (relative to the site)."""

    inputs: tuple[object, ...]
    paths: list[str]


class Preview:
    """The data pages of the last good build, with what each render task read and wrote."""

    def __init__(self) -> None:
        self.records: dict[Task, _Record] = {}
        self.shared: tuple[object, ...] | None = None  # what every page reads: programme, site name, assets, templates
        self.townships: dict[str, Township] = {}  # of the last render, by code
        self.placed: list[str] = []  # top-level folders moved from the cache into the site folder
        self.rendered = 0  # tasks rendered by the last rebuild, for the log
        self.hashes: dict[str, str] = {}  # every data page's SHA-256, by path (for the service worker's digest)
        # the search index's villages and advisors, made again only when what they are made from changed
        self.places: tuple[tuple[object, ...], Places] | None = None

    def set_aside(self, site_dir: Path) -> None:
        """Move the data pages out of ``site_dir`` before MkDocs cleans it (on_pre_build)."""
        cache = cache_dir(site_dir)
        cache.mkdir(parents=True, exist_ok=True)
        # the search index's shards too (written after the pages were placed): a shard's name holds
        # its digest, so the next rebuild writes only the shards that changed
        for name in dict.fromkeys([*self.placed, SEARCH_SHARDS]):
            if (site_dir / name).exists() and not (cache / name).exists():
                os.replace(site_dir / name, cache / name)
        self.placed = []

    def close(self, site_dir: Path) -> None:
        """Remove the cache (at the end of the serve session; MkDocs removes the site folder)."""
        clear(cache_dir(site_dir))
        self.records.clear()
        self.hashes.clear()
        self.townships = {}
        self.shared = None
        self.places = None

    def known(self) -> dict[str, str]:
        """The data pages' digests (for the service worker's version: :func:`offline.site_digest` then
        reads none of them again)."""
        return self.hashes

    def search(self, searched: Roster, pages: list[ContentPage], site: Roster) -> list[tuple[str, bytes]]:
        """A :data:`pipeline.Search`: the search files, with the villages' and advisors' shards of the
        last rebuild while what they are made from is the same (most saves change no name, phone or
        place); the core and the pages' text are made each time (the statistics page changes with every
        save: it shows the roster's version)."""
        inputs = place_inputs(searched)
        if self.places is None or self.places[0] != inputs:
            self.places = (inputs, place_index(searched))
        return search_files(searched, pages, site, places=self.places[1])

    def render(self, inputs: RenderInputs, out: Path, meanwhile: Callable[[], object] | None = None) -> int:
        """A :data:`render.Renderer`: bring the cache up to date with ``inputs.roster``, re-rendering only
        the tasks whose inputs changed, then move the pages into ``out``. Returns the number of data pages."""
        roster = inputs.roster
        cache = cache_dir(out)
        cache.mkdir(parents=True, exist_ok=True)
        shared = (roster.programme, inputs.site_name, inputs.assets, _templates(inputs.templates), inputs.history)
        if shared != self.shared:
            self._forget(cache)
            self.shared = shared
        # Townships hold their villages: a thousand tasks comparing them field by field took half a
        # second. Compared once here, an unchanged township is replaced by last time's object, and
        # comparing an object with itself is instant (Python checks identity before ==).
        last = self.townships
        self.townships = {t.code: last[t.code] if last.get(t.code) == t else t for t in roster.townships}
        wanted = {task: task_inputs(roster, task, self.townships) for task in preview_tasks(roster)}
        # Remove the files of every changed or vanished task before writing any: a village that moved
        # to another township is written by its new township's task and must not be deleted after.
        for task in [t for t, r in self.records.items() if wanted.get(t) != r.inputs]:
            paths = self.records.pop(task).paths
            _remove(cache, paths)
            for path in paths:
                self.hashes.pop(path, None)
        todo = [t for t in wanted if t not in self.records]
        try:
            written = render_tasks(inputs, todo, cache, meanwhile=meanwhile, hashes=self.hashes)
        except BaseException:
            self._forget(cache)  # some tasks wrote part of their pages: trust nothing, render all next time
            raise
        for task, paths in zip(todo, written):
            self.records[task] = _Record(wanted[task], paths)
        self.rendered = len(todo)
        self._place(cache, out)
        # the open data names the roster's version, so it is made again at every rebuild (half a second
        # on the sample), into the site folder: its folder data/ holds MkDocs' page of it too
        made = render_tasks(inputs, data_tasks(roster), out)
        return sum(len(r.paths) for r in self.records.values()) + sum(map(len, made))

    def _place(self, cache: Path, out: Path) -> None:
        for entry in sorted(cache.iterdir()):
            target = out / entry.name
            if target.exists():  # a rename cannot merge folders as `mkdocs build` would
                raise FileExistsError(f"{target} exists before the data pages are placed: the folders of the "
                                      "data-page URLs (generator/core/urls.py) are the roster's, not content/'s")
            os.replace(entry, target)
            self.placed.append(entry.name)

    def _forget(self, cache: Path) -> None:
        clear(cache)
        cache.mkdir(parents=True)
        self.records.clear()
        self.hashes.clear()
        self.townships = {}
        self.shared = None
        self.places = None


def _remove(root: Path, paths: list[str]) -> None:
    """Delete files and the folders they leave empty, so a removed village's URL is a 404."""
    for rel in paths:
        path = root / rel
        path.unlink(missing_ok=True)
        parent = path.parent
        while parent != root:
            try:
                parent.rmdir()
            except OSError:  # not empty: other pages live there
                break
            parent = parent.parent


def problem_page(problems: list[Problem], templates: Path, site_name: str) -> str:
    """One standalone page listing every problem as the validator prints it, with a Chinese
    title and explanation around them. Roster text is escaped by Jinja2's autoescape; the page
    links nothing, so it reads the same at any URL depth.

    ``mark`` names this list of problems. At data URLs the page is the 404 answer, to which
    mkdocs serve adds no live-reload script, so the page asks for its URL again every second and
    reloads once the answer no longer carries the same mark (fixed, or other problems).
    """
    text = format_text(problems)
    n = len(errors(problems))
    words = {
        "lang": language(),
        "title": ngettext("The roster has {n} error", "The roster has {n} errors", n).format(n=n),
        "heading": ngettext("The roster has {n} error; the preview is paused", "The roster has {n} errors; the preview is paused",
                            n).format(n=n),
        "resume": _("Once the files are fixed and saved, the preview comes back by itself: no need to reload the page or to "
                    "restart mkdocs serve. The last good preview is kept; until the roster is fixed, every page of the site "
                    "shows this one."),
        "reading": _("Each problem says in turn: file:line:column, the level (error / warning), the field, what was expected, "
                     "what was found and how to fix it; in brackets, the problem's code (the README's table of codes explains "
                     "it). Warnings do not pause the preview."),
        "list": _("Problems"),
    }
    return environment(templates).get_template(PROBLEMS_TEMPLATE).render(
        problems=problems, words=words, summary=summary(problems), site_name=site_name,
        mark=hashlib.sha256(text.encode("utf-8")).hexdigest()[:16],
    )
