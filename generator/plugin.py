"""The MkDocs plugin: the only module that imports mkdocs. It translates MkDocs' events into the
calls of a :class:`~generator.build.session.Session`, which runs the build's life cycle without MkDocs.

``mkdocs build``: the roster is read and validated first (a roster with errors builds nothing), the
hand-written pages in ``content/`` are filled with the roster's figures, and the data pages are
rendered and the staged site published at the end. ``mkdocs serve``: the plugin also watches the
roster and the theme folder; a roster with errors does not stop the server, every page shows the
problems until the files are fixed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import jinja2
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from generator.build.session import Folders, Session, user_fault
from generator.core.errors import UserError
from generator.site.escape import html_text
from generator.site.pages import template_filters


class RosterConfig(base.Config):  # type: ignore[no-untyped-call]  # mkdocs' __init_subclass__
    data_dir = c.Type(str, default="data")
    # what earlier builds left: QR codes, parsed files, the render manifest (relative to mkdocs.yml;
    # CI may keep it between runs)
    cache_dir = c.Type(str, default=".cache")
    # a province's roster, one city at a time (a CI job per city: `city: !ENV [ROSTER_CITY, ""]`):
    # the site of that city only; empty builds the whole roster
    # (!ENV reads 3715 as a number: the id is its text)
    city = c.Type((str, int), default="")


class RosterPlugin(BasePlugin[RosterConfig]):  # type: ignore[no-untyped-call]
    command = "build"  # on_startup says which; called without it (mkdocs' Python API), a build
    session: Session | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # MkDocs keeps this object for the whole process, across serve's rebuilds: a new session
        # forgets the last one
        self.command, self.session = command, None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if self.session is None or self.command != "serve":  # serve's session lives across rebuilds
            self.session = Session(self.command, _folders(self, config), str(self.config.city))
        try:
            settings = self.session.configure(Path(config.site_dir), config.site_url, config.site_name,
                                              config.site_description)
        except UserError as exc:  # a roster with errors, an unknown city, a folder another build holds
            raise PluginError(str(exc)) from exc
        config.site_url = settings.site_url
        # plain text, and the roster's when mkdocs.yml gives none: escaped here, since the theme's
        # templates write config.site_name and site_description into HTML as they are
        config.site_name, config.site_description = html_text(settings.site_name), html_text(settings.site_description)
        config.extra.update(settings.extra)
        config.site_dir = str(settings.site_dir)
        return config

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Callable[..., None]) -> LiveReloadServer:
        # MkDocs watches only content/ and mkdocs.yml; the data pages come from these
        assert self.session is not None
        server.watch(str(self.session.folders.data))
        server.watch(str(self.session.folders.overrides))
        return server

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        assert self.session is not None
        self.session.set_aside(Path(config.site_dir))

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.session is not None
        for path, text in self.session.extra_pages():
            files.append(File.generated(config, path, content=text))
        return files

    def on_env(self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        env.filters.update(template_filters())
        return env

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        assert self.session is not None
        return self.session.fill_page(markdown, page.meta)

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        assert self.session is not None
        return self.session.restore(html)

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        assert self.session is not None
        return self.session.page_output(output)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        assert self.session is not None
        config.site_dir = str(self.session.finish(Path(config.site_dir)))

    def on_build_error(self, *, error: Exception) -> None:
        if self.session is not None:
            self.session.fail()
        if (fault := user_fault(error)) is not None:  # a full disk, a read-only folder: one line, not a traceback
            raise PluginError(fault) from error

    def on_shutdown(self) -> None:
        if self.session is not None:
            self.session.close()
            self.session = None


def _folders(plugin: RosterPlugin, config: MkDocsConfig) -> Folders:
    """The roster and cache folders (relative to mkdocs.yml) and the theme's custom_dir (absolute:
    MkDocs resolves it against mkdocs.yml)."""
    root = Path(config.config_file_path).parent
    overrides = Path(config.theme.custom_dir or root / "overrides")
    return Folders(root / plugin.config.data_dir, root / plugin.config.cache_dir, overrides)
