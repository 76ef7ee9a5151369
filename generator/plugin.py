"""The MkDocs plugin: the only module that imports mkdocs. Kept thin on purpose.

``mkdocs build`` → on_config reads and validates the roster (a bad roster stops the
build before anything is written) and stages the output beside ``site/``; hand-written
pages in ``content/`` go through MkDocs with the roster's figures; on_post_build
renders the data pages with :mod:`generator.build.pipeline` and swaps the staged folder in.

``mkdocs serve`` → the plugin also watches the roster and the theme folder, and keeps a
:class:`~generator.build.preview.Preview` across rebuilds so that a save re-renders only the data
pages it touches. A roster with errors does not stop the server: every page shows the
problems until the files are fixed (see :mod:`generator.build.preview`).
"""

from __future__ import annotations

import atexit
import logging
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from generator.build import pipeline as build
from generator.build.output import Publication, write_files
from generator.build.preview import Preview, problem_page
from generator.build.reuse import Reuse
from generator.changes.history import History, read_history
from generator.core.errors import UserError
from generator.core.i18n import _
from generator.core.model import Roster
from generator.core.problems import Problem, format_text
from generator.printing.qr import QRCache

log = logging.getLogger("mkdocs.plugins.roster")


class RosterConfig(base.Config):  # type: ignore[no-untyped-call]  # mkdocs' __init_subclass__
    data_dir = c.Type(str, default="data")
    # QR codes encoded in earlier builds, by URL (relative to mkdocs.yml; CI may keep it between runs)
    cache_dir = c.Type(str, default=".cache")
    # a province's roster, one city at a time (a CI job per city: `city: !ENV [ROSTER_CITY, ""]`):
    # the site of that city only; empty builds the whole roster
    # (!ENV reads 3715 as a number: the id is its text)
    city = c.Type((str, int), default="")


class RosterPlugin(BasePlugin[RosterConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        self._start("build")

    def _start(self, command: str) -> None:
        self.command = command
        self.roster: Roster | None = None
        self.province: Roster | None = None  # the whole roster, when the site is one city's: search finds it all
        self.history: History | None = None
        self.figures: dict[str, object] = {}
        self.publication: Publication | None = None
        self.reuse: Reuse | None = None  # build only: what the published site keeps
        self.verbatim = build.Verbatim()  # the page being made: HTML its Markdown carries through
        # serve only: the pages kept between rebuilds (`serve --clean` says "build": it then builds
        # everything each time and stops at roster errors, as before), and the problems of a roster
        # with errors, which the preview shows instead of the site
        self.preview = Preview() if command == "serve" else None
        self.problems: list[Problem] = []
        self.problem_html = ""
        self.site_dir: Path | None = None  # serve's temporary folder, for the preview's cache beside it

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # MkDocs keeps this object for the whole process (so it lives across serve's rebuilds):
        # a new session forgets the last one
        self._start(command)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        roster, problems = build.start_reading(_data_dir(self, config), _cache_dir(self, config))
        # what a valid roster needs next is made while the validator looks for problems; the roster
        # may have errors, so anything going wrong here is raised only if it has none
        try:
            ready: tuple[Roster, History, dict[str, object]] | Exception = self._prepare(roster, config)
        except Exception as exc:
            ready = exc
        checked = build.Checked(roster, problems())
        self.problems = []
        if not checked.ok:
            if self.preview is None:
                raise PluginError(_("the roster has errors; the site was not built. Fix each problem below (file:line:column, "
                                    "what was expected, what was found, how to fix it), then build again:") + "\n"
                                  + format_text(checked.problems))
            # staff watch the browser, not this terminal: the pages will show the problems
            log.error(_("the roster has errors; every page shows them until they are fixed:") + "\n" + format_text(checked.problems))
            self.problems = checked.problems
            self.problem_html = problem_page(checked.problems, _overrides(config) / "data", config.site_name)
        else:
            for p in checked.problems:
                log.warning(p.format())
            if isinstance(ready, Exception):
                raise ready
            self.roster, self.history, self.figures = ready
            self.province = checked.roster if self.roster is not checked.roster else None
        # the last good roster's figures; a first build with errors has only the leniently built roster
        programme = (self.roster or checked.roster).programme
        config.site_url = config.site_url or programme.base_url
        # Material's templates read these: the roster is their one source
        config.extra["hotline"] = programme.hotline
        config.extra["local_hotline"] = programme.local_hotline
        config.extra["sample"] = programme.sample
        # one city's site ranks its own city's places first in search, from any page
        config.extra["search_city"] = str(self.config.city) if self.province is not None else ""
        if self.command == "build":  # serve builds into its own temporary folder
            # exclusive: a second build into the same folder waits for this one to swap
            try:
                self.publication = Publication.begin(Path(config.site_dir))
            except UserError as exc:  # another build holds the folder: one line, as MkDocs says its own errors
                raise PluginError(str(exc)) from None
            atexit.register(self.publication.abandon)  # killed by SIGTERM: no staging left behind
            _exit_on_sigterm()
            config.site_dir = str(self.publication.staging)
            # a build keeps the files of unchanged render tasks in the published site (reuse.py); what
            # changed is worked out meanwhile MkDocs renders the hand-written pages
            assert self.roster is not None  # a build stops at a roster with errors (above)
            self.reuse = Reuse(_cache_dir(self, config), self.publication.target, QRCache(_cache_dir(self, config)))
            self.reuse.prepare(self.roster, self.history)
        return config

    def _prepare(self, roster: Roster, config: MkDocsConfig) -> tuple[Roster, History, dict[str, object]]:
        """The site's roster (one city's, with the ``city`` option), its history and its figures."""
        site = _one_city(roster, str(self.config.city))
        # 最近更新 and village dates, from git (none outside a repository)
        history = read_history(_data_dir(self, config))
        return site, history, build.figures(site, _data_dir(self, config), _overrides(config))

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Callable[..., None]) -> LiveReloadServer:
        # MkDocs watches only content/ and mkdocs.yml; the data pages come from these
        server.watch(str(_data_dir(self, config)))
        server.watch(str(_overrides(config)))
        return server

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        if self.preview is not None:  # before MkDocs cleans the site folder
            self.site_dir = Path(config.site_dir)
            self.preview.set_aside(self.site_dir)

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        for path, text in build.markdown_pages(_overrides(config)):
            files.append(File.generated(config, path, content=text))
        return files

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self.problems:  # the page is replaced (on_post_page); a first bad build has no figures to fill in
            return markdown
        context = {**self.figures, "site_name": config.site_name}
        # the statistics' parts are finished HTML: Markdown carries them through untouched
        self.verbatim = build.Verbatim()
        if "parts" in context:
            context["parts"] = self.verbatim.wrap(context["parts"])
        # the front matter's description is a template too: pages name the city from the roster
        for key in ("title", "description"):
            if isinstance(value := page.meta.get(key), str) and "{" in value:
                page.meta[key] = build.fill_text(value, context)
        return build.fill_markdown(markdown, context)

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        return self.verbatim.restore(html)

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        return self.problem_html if self.problems else output

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        out = Path(config.site_dir)
        if self.problems:
            # MkDocs' pages already show the problems (on_post_page); the data pages stay set aside,
            # so their URLs get the 404 page: the problem page too
            write_files(out, [("index.html", self.problem_html), ("404.html", self.problem_html)])
            log.info(_("roster: every page shows the roster's problems; the last good pages are kept"))
            return
        assert self.roster is not None
        reuse = self.reuse
        qr_cache = reuse.qr_cache if reuse is not None else QRCache(_cache_dir(self, config))
        renderer = self.preview.render if self.preview else reuse.render if reuse else None
        count = build.write_data_pages(self.roster, out, _overrides(config), config.site_name, renderer=renderer,
                                       qr_cache=qr_cache, history=self.history,
                                       fingerprints=reuse.known if reuse else None, province=self.province)
        if self.preview is not None:
            log.info(_("roster: {count} data pages, {rendered} tasks re-rendered").format(count=count, rendered=self.preview.rendered))
        elif reuse is not None:
            log.info(_("roster: {count} data pages ({rendered} tasks rendered, {reused} unchanged and kept)").format(
                count=count, rendered=reuse.rendered, reused=reuse.reused))
        else:
            log.info(_("roster: wrote {count} data pages").format(count=count))
        if self.publication is not None:
            assert reuse is not None  # made with the publication (on_config)
            # only what changed is written into the site
            reuse.commit(self.publication.publish(reuse.kept, reuse.previous))
            config.site_dir = str(self.publication.target)
            self.publication, self.reuse = None, None

    def on_build_error(self, *, error: Exception) -> None:
        if self.reuse is not None:
            self.reuse.abandon()
        if self.publication is not None:
            self.publication.abandon()
            self.publication, self.reuse = None, None


    def on_shutdown(self) -> None:
        if self.preview is not None and self.site_dir is not None:
            self.preview.close(self.site_dir)


def _exit_on_sigterm() -> None:
    """Turn SIGTERM (CI cancelling a job, ``kill``) into a normal exit, so cleanup runs."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))

def _one_city(roster: Roster, city: str) -> Roster:
    """The whole roster, or the site of one of its cities (the plugin's ``city`` option)."""
    if not city:
        return roster
    if city not in roster.city:
        known = ", ".join(c.id for c in roster.cities) or _("none: the roster has no cities.yaml")
        raise PluginError(_("expected the city option (ROSTER_CITY) to name a city id of cities.yaml, found '{city}'; "
                            "the cities: {known}").format(city=city, known=known))
    return roster.only_city(city)


def _data_dir(plugin: RosterPlugin, config: MkDocsConfig) -> Path:
    """The roster folder (``data_dir``), relative to mkdocs.yml."""
    return Path(config.config_file_path).parent / plugin.config.data_dir


def _cache_dir(plugin: RosterPlugin, config: MkDocsConfig) -> Path:
    """What earlier builds left for this one (``cache_dir``, relative to mkdocs.yml)."""
    return Path(config.config_file_path).parent / plugin.config.cache_dir


def _overrides(config: MkDocsConfig) -> Path:
    """The theme's custom_dir (absolute: MkDocs resolves it against mkdocs.yml)."""
    return Path(config.theme.custom_dir or Path(config.config_file_path).parent / "overrides")
