"""The MkDocs plugin: the only module that imports mkdocs. Kept thin on purpose.

``mkdocs build`` → on_config reads and validates the roster (a bad roster stops the
build before anything is written) and stages the output beside ``site/``; hand-written
pages in ``content/`` go through MkDocs with the roster's figures; on_post_build
renders the data pages with :mod:`generator.build` and swaps the staged folder in.
"""

from __future__ import annotations

import atexit
import logging
import signal
import sys
import threading
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from . import build
from .history import History, read_history
from .model import Roster
from .output import Publication
from .problems import format_text

log = logging.getLogger("mkdocs.plugins.roster")


class RosterConfig(base.Config):  # type: ignore[no-untyped-call]  # mkdocs' __init_subclass__
    data_dir = c.Type(str, default="data")


class RosterPlugin(BasePlugin[RosterConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        self.command = "build"
        self.roster: Roster | None = None
        self.history: History | None = None
        self.figures: dict[str, object] = {}
        self.publication: Publication | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        data_dir = Path(config.config_file_path).parent / self.config.data_dir
        checked = build.read_roster(data_dir)
        if not checked.ok:
            raise PluginError("the roster has errors; the site was not built:\n" + format_text(checked.problems))
        for p in checked.problems:
            log.warning(p.format())
        self.roster = checked.roster
        self.history = read_history(data_dir)  # 最近更新 and village dates, from git (none outside a repository)
        self.figures = build.figures(checked.roster)
        programme = checked.roster.programme
        config.site_url = config.site_url or programme.base_url
        # Material's templates read these: the roster is their one source
        config.extra["hotline"] = programme.hotline
        config.extra["local_hotline"] = programme.local_hotline
        config.extra["sample"] = programme.sample
        if self.command == "build":  # serve builds into its own temporary folder
            # exclusive: a second build into the same folder waits for this one to swap
            self.publication = Publication.begin(Path(config.site_dir))
            atexit.register(self.publication.abandon)  # killed by SIGTERM: no staging left behind
            _exit_on_sigterm()
            config.site_dir = str(self.publication.staging)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        for path, text in build.markdown_pages(_overrides(config)):
            files.append(File.generated(config, path, content=text))
        return files

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        context = {**self.figures, "site_name": config.site_name}
        # the front matter's description is a template too: pages name the city from the roster
        for key in ("title", "description"):
            if isinstance(value := page.meta.get(key), str) and "{" in value:
                page.meta[key] = build.fill_text(value, context)
        return build.fill_markdown(markdown, context)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        assert self.roster is not None
        out = Path(config.site_dir)
        count = build.write_data_pages(self.roster, out, _overrides(config), config.site_name, history=self.history)
        log.info(f"roster: wrote {count} data pages")
        if self.publication is not None:
            self.publication.publish()
            config.site_dir = str(self.publication.target)
            self.publication = None

    def on_build_error(self, *, error: Exception) -> None:
        if self.publication is not None:
            self.publication.abandon()
            self.publication = None


def _exit_on_sigterm() -> None:
    """Turn SIGTERM (CI cancelling a job, ``kill``) into a normal exit, so cleanup runs."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def _overrides(config: MkDocsConfig) -> Path:
    """The theme's custom_dir (absolute: MkDocs resolves it against mkdocs.yml)."""
    return Path(config.theme.custom_dir or Path(config.config_file_path).parent / "overrides")
