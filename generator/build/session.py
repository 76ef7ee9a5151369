"""A build's life cycle, as ``mkdocs build`` and ``mkdocs serve`` drive it, without MkDocs.

The plugin (plugin.py) only translates MkDocs' events into these calls, so that another front end
(Material's successor runs no MkDocs plugins) can run the same life cycle:

1. :meth:`Session.configure` reads and validates the roster (a build stops at errors; the preview
   shows them instead), makes what a valid roster needs next (its history and the Markdown context)
   while the validator works, and, for a build, locks and stages the output folder and starts
   working out what the published site can keep (reuse.py);
2. :meth:`Session.set_aside` (serve only) moves the last good data pages out of MkDocs' way;
3. :meth:`Session.extra_pages`, :meth:`Session.fill_page`, :meth:`Session.restore` and
   :meth:`Session.page_output` make the hand-written pages;
4. :meth:`Session.finish` renders the data pages and publishes the staged site;
   :meth:`Session.fail` abandons it, leaving the published site as it was.
"""

from __future__ import annotations

import atexit
import errno
import logging
import os
import signal
import sys
import threading
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.changes.history import History, read_history
from generator.core.i18n import _
from generator.core.model import Roster
from generator.core.problems import Problem, format_text

from . import context as markdown
from .output import OutputBusy, Publication, write_files
from .pipeline import Checked, start_reading, write_data_pages
from .preview import Preview, problem_page
from .reuse import Reuse
from .version import RosterVersion

log = logging.getLogger(__name__)


class RosterHasErrors(Exception):
    """A build of a roster with errors: nothing is written. The message lists every problem."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("the roster has errors; the site was not built:\n" + format_text(problems))
        self.problems = problems


class UnknownCity(Exception):
    """The ``city`` option names no city of the roster."""


@dataclass(frozen=True)
class Folders:
    """Where a build reads and keeps things: the roster, what earlier builds left, the theme's folder."""

    data: Path
    cache: Path
    overrides: Path


@dataclass(frozen=True)
class Settings:
    """What the site's configuration takes from the roster once it is read."""

    site_url: str  # the roster's base URL, unless the configuration sets one
    extra: dict[str, object]  # values the theme's templates read
    site_dir: Path  # where MkDocs writes: a build's staging folder, else the folder it was given


class Session:
    """One ``mkdocs build``, or a whole ``mkdocs serve`` session (which rebuilds on every save).

    ``command`` is ``"build"`` or ``"serve"``; ``city`` builds one city of a province's roster."""

    def __init__(self, command: str, folders: Folders, city: str = "") -> None:
        self.command, self.folders, self.city = command, folders, city
        self.roster: Roster | None = None  # the site's roster: one city's with ``city``
        self.searched: Roster | None = None  # the whole roster, when the site is one city's: search finds it all
        self.history: History | None = None
        self.context: dict[str, object] = {}
        self.publication: Publication | None = None
        self.reuse: Reuse | None = None  # build only: what the published site keeps
        self.verbatim = markdown.Verbatim()  # the page being made: HTML its Markdown carries through
        # serve only: the pages kept between rebuilds (`serve --clean` says "build": it then builds
        # everything each time and stops at roster errors), and the problems of a roster with errors,
        # which the preview shows instead of the site
        self.preview = Preview() if command == "serve" else None
        self.problems: list[Problem] = []
        self.problem_html = ""
        self.site_dir: Path | None = None  # serve's temporary folder, for the preview's cache beside it

    def configure(self, site_dir: Path, site_url: str | None, site_name: str) -> Settings:
        """Read and validate the roster; raise :class:`RosterHasErrors` for a build of a roster with
        errors (nothing is written), :class:`UnknownCity` for a ``city`` the roster lacks."""
        roster, problems = start_reading(self.folders.data, self.folders.cache)
        # what a valid roster needs next is made while the validator looks for problems; the roster
        # may have errors, so anything going wrong here is raised only if it has none
        try:
            ready: tuple[Roster, History, dict[str, object]] | Exception = self._prepare(roster)
        except Exception as exc:
            ready = exc
        checked = Checked(roster, problems())
        self.problems = []
        if not checked.ok:
            if self.preview is None:
                raise RosterHasErrors(checked.problems)
            # staff watch the browser, not this terminal: the pages will show the problems
            log.error("the roster has errors; every page shows them until they are fixed:\n" + format_text(checked.problems))
            self.problems = checked.problems
            self.problem_html = problem_page(checked.problems, self.folders.overrides / "data", site_name)
        else:
            for p in checked.problems:
                log.warning(p.format())
            if isinstance(ready, Exception):
                raise ready
            self.roster, self.history, self.context = ready
            self.searched = checked.roster if self.roster is not checked.roster else None
        # the last good roster's figures; a first build with errors has only the leniently built roster
        programme = (self.roster or checked.roster).programme
        extra: dict[str, object] = {
            # Material's templates read these: the roster is their one source
            "hotline": programme.hotline,
            "local_hotline": programme.local_hotline,
            "sample": programme.sample,
            # one city's site ranks its own city's places first in search, from any page
            "search_city": self.city if self.searched is not None else "",
        }
        if self.command == "build":  # serve builds into its own temporary folder
            site_dir = self._stage(site_dir)
        return Settings(site_url or programme.base_url, extra, site_dir)

    def _prepare(self, roster: Roster) -> tuple[Roster, History, dict[str, object]]:
        """The site's roster (one city's, with ``city``), its history and its Markdown context."""
        site = _one_city(roster, self.city)
        # 最近更新 and village dates, from git (none outside a repository)
        history = read_history(self.folders.data)
        return site, history, markdown.markdown_context(site, self.folders.data, self.folders.overrides)

    def _stage(self, site_dir: Path) -> Path:
        """Lock the published folder and stage the new site beside it; start the reuse plan."""
        # exclusive: a second build into the same folder waits for this one to swap
        self.publication = Publication.begin(site_dir)
        atexit.register(self.publication.abandon)  # killed by SIGTERM: no staging left behind
        _exit_on_sigterm()
        # a build keeps the files of unchanged render tasks in the published site (reuse.py); what
        # changed is worked out meanwhile MkDocs renders the hand-written pages
        assert self.roster is not None  # a build stops at a roster with errors (configure)
        self.reuse = Reuse(self.publication.target)
        self.reuse.prepare(self.roster, self.history)
        return self.publication.staging

    def set_aside(self, site_dir: Path) -> None:
        """Before MkDocs cleans the site folder (serve): move the last data pages aside."""
        if self.preview is not None:
            self.site_dir = site_dir
            self.preview.set_aside(site_dir)

    def extra_pages(self) -> list[tuple[str, str]]:
        """Pages that go through MkDocs but are made from the roster: ``(path, Markdown)``."""
        return markdown.markdown_pages(self.folders.overrides)

    def fill_page(self, text: str, meta: MutableMapping[str, Any], site_name: str) -> str:
        """A hand-written page's Markdown filled from the roster; its front matter's title and
        description (templates too: pages name the city from the roster) are filled in ``meta``."""
        if self.problems:  # the page is replaced (page_output); a first bad build has no figures to fill in
            return text
        context = {**self.context, "site_name": site_name}
        # the statistics' parts are finished HTML: Markdown carries them through untouched
        self.verbatim = markdown.Verbatim()
        if "parts" in context:
            context["parts"] = self.verbatim.wrap(context["parts"])
        for key in ("title", "description"):
            if isinstance(value := meta.get(key), str) and "{" in value:
                meta[key] = markdown.fill_text(value, context)
        return markdown.fill_markdown(text, context)

    def restore(self, html: str) -> str:
        """The page's HTML with the parts its Markdown carried through put back."""
        return self.verbatim.restore(html)

    def page_output(self, html: str) -> str:
        """What a finished page becomes: itself, or the problem page while the roster has errors."""
        return self.problem_html if self.problems else html

    def finish(self, out: Path, site_name: str) -> Path:
        """Render the data pages into ``out`` and publish the staged site; return the site's folder."""
        if self.problems:
            # MkDocs' pages already show the problems (page_output); the data pages stay set aside,
            # so their URLs get the 404 page: the problem page too
            write_files(out, [("index.html", self.problem_html), ("404.html", self.problem_html)])
            log.info("roster: every page shows the roster's problems; the last good pages are kept")
            return out
        assert self.roster is not None
        reuse = self.reuse
        renderer = self.preview.render if self.preview else reuse.render if reuse else None
        count = write_data_pages(self.roster, out, self.folders.overrides, site_name, renderer=renderer,
                                 history=self.history,
                                 fingerprints=reuse.known if reuse else None, searched=self.searched,
                                 version=_version(self.context))
        if self.preview is not None:
            log.info(f"roster: {count} data pages, {self.preview.rendered} tasks re-rendered")
        elif reuse is not None:
            log.info(f"roster: {count} data pages ({reuse.rendered} tasks rendered, {reuse.reused} unchanged and kept)")
        else:
            log.info(f"roster: wrote {count} data pages")
        if self.publication is None:
            return out
        assert reuse is not None  # made with the publication (_stage)
        # only what changed is written into the site
        reuse.commit(self.publication.publish(reuse.kept, reuse.previous))
        target = self.publication.target
        self.publication, self.reuse = None, None
        return target

    def fail(self) -> None:
        """The build failed: leave the published site as it was, and no child process behind."""
        if self.reuse is not None:
            self.reuse.abandon()
        if self.publication is not None:
            self.publication.abandon()
        self.publication, self.reuse = None, None

    def close(self) -> None:
        """The end of a serve session: remove the preview's cache."""
        if self.preview is not None and self.site_dir is not None:
            self.preview.close(self.site_dir)


def user_fault(error: BaseException) -> str | None:
    """One line for a failed build's error that the user can act on (the output folder cannot take the
    site, another build holds it); None for anything else, which is a bug of ours."""
    if isinstance(error, OutputBusy):
        return str(error)
    if not isinstance(error, OSError) or error.errno is None or (fix := _fix(error.errno)) is None:
        return None
    reason = error.strerror or os.strerror(error.errno)
    return _("cannot write {path}: {reason}; {fix}").format(
        path=error.filename2 or error.filename, reason=reason[:1].lower() + reason[1:], fix=fix)


def _fix(code: int) -> str | None:
    """What to do about a file system's refusal, by its errno; None where it is not the user's to fix."""
    if code in (errno.ENOSPC, errno.EDQUOT):
        return _("free some space (a build writes the new site beside the old one) and build again")
    if code == errno.EROFS:
        return _("build into a folder that can be written (mkdocs build -d FOLDER)")
    if code in (errno.EACCES, errno.EPERM):
        return _("check the folder's owner and permissions, or build into another (mkdocs build -d FOLDER)")
    return None


def _exit_on_sigterm() -> None:
    """Turn SIGTERM (CI cancelling a job, ``kill``) into a normal exit, so cleanup runs."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def _version(context: dict[str, object]) -> RosterVersion | None:
    """The roster's version, as the Markdown context holds it (markdown_context)."""
    version = context.get("version")
    return version if isinstance(version, RosterVersion) else None


def _one_city(roster: Roster, city: str) -> Roster:
    """The whole roster, or the site of one of its cities (the ``city`` option)."""
    if not city:
        return roster
    if city not in roster.city:
        known = ", ".join(c.id for c in roster.cities) or "none: the roster has no cities.yaml"
        raise UnknownCity(f"expected the city option to name a city id of cities.yaml, found '{city}'; the cities: {known}")
    return roster.only_city(city)
