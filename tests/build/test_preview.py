"""The live preview's rebuilds, in-process: mkdocs serve's build loop without its server.

After every save a rebuild must leave the site folder exactly as a plain `mkdocs build` of the
same files would (no stale page of a removed village, no missed change), although it re-renders
only what changed. A roster with errors replaces every page by the problem page, keeps the last
good pages aside, and a fix brings the site back. The browser side (live reload) is in
test_preview_browser.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig

from generator.build.preview import cache_dir, problem_page
from generator.build.session import Session as BuildSession
from generator.core.problems import Problem
from generator.plugin import RosterPlugin
from tests.helpers import ROOT
from tests.helpers.roster_edit import SMALL, edit
from tests.helpers.sites import mkdocs_build, project, tree_digest

SERVE_URL = "http://127.0.0.1:8000/"


class Session:
    """What `mkdocs serve` does between saves: a fresh config each rebuild, one plugin object, one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.site = folder.parent / "served"  # serve's temporary folder
        config = self.config()
        config.plugins.on_startup(command="serve", dirty=False)
        plugin = config.plugins["roster"]
        assert isinstance(plugin, RosterPlugin)
        self.plugin = plugin
        self.rebuild(config)

    @property
    def state(self) -> BuildSession:
        """The plugin's build session: the preview and its problem page."""
        assert self.plugin.session is not None
        return self.plugin.session

    def config(self) -> MkDocsConfig:
        # site_url stays the roster's (serve would set its own address) so pages compare byte for byte
        return load_config(str(self.folder / "mkdocs.yml"), site_dir=str(self.site))

    def rebuild(self, config: MkDocsConfig | None = None) -> None:
        build(config or self.config(), serve_url=SERVE_URL)

    def close(self) -> None:
        self.config().plugins.on_shutdown()


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    s = Session(project(tmp_path / "p", SMALL))
    yield s
    s.close()
    assert not cache_dir(s.site).exists()


def plain(folder: Path) -> dict[str, str]:
    """The digest of `mkdocs build` of the same project, in a subprocess as CI runs it."""
    r = mkdocs_build(folder)
    assert r.returncode == 0, r.stderr
    return tree_digest(folder / "site")


@pytest.mark.slow  # seven rebuilds, each compared with a plain build
def test_every_rebuild_equals_a_plain_build(session: Session) -> None:
    data = session.folder / "data"
    assert tree_digest(session.site) == plain(session.folder)
    # an advisor's name (village, township and advisor pages, search), a village removed (its page must
    # go) and one added, in two townships
    edit(data, "advisors.yaml", "name: 李秀英", "name: 李秀兰")
    edit(data, "371502102-堂邑镇.yaml", "  - code: '371502102003'\n    name: 堌堆村委会\n    advisor: A0002\n", "")
    edit(data, "371502001-古楼街道.yaml", "villages:\n", "villages:\n  - code: '371502001009'\n    name: 新村村委会\n"
         "    advisor: A0003\n")
    session.rebuild()
    assert session.state.preview is not None and 0 < session.state.preview.rendered < 10
    assert not (session.site / "v" / "371502102003").exists()
    assert "李秀兰" in (session.site / "v" / "371502102001" / "index.html").read_text(encoding="utf-8")
    assert tree_digest(session.site) == plain(session.folder)
    # an organization's name reaches the pages of its advisors' villages and teams; a hand-written page
    # reaches the search index
    edit(data, "organizations.yaml", "name: 古楼法律服务所", "name: 古楼第一法律服务所")
    edit(session.folder / "content", "index.md", "免费法律咨询，有律师接听。", "免费法律咨询，律师接听。")
    session.rebuild()
    assert tree_digest(session.site) == plain(session.folder)
    # what every page shows (the programme, a data-page template) re-renders everything
    edit(data, "programme.yaml", "local_hotline: '0635-12348'", "local_hotline: '0635-12349'")
    edit(session.folder / "overrides" / "data", "village.html", "{% block content %}", "{% block content %}<!-- v -->")
    session.rebuild()
    assert session.state.preview is not None and session.state.preview.rendered == len(session.state.preview.records)
    assert tree_digest(session.site) == plain(session.folder)


def test_a_save_that_changes_no_searchable_text_keeps_the_search_files(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """A workstation's hours are on its township's pages but in no village's or advisor's search
    entry: the rebuild makes no shards of places (those of the last index stay, the same inodes), and
    reads none of the data pages to digest the site for the service worker; a name that changes makes
    the places' shards again. (The pages' text, with the statistics' roster version, changes anyway.)"""
    from generator.build import preview as preview_module
    from generator.core.urls import SEARCH_SHARDS

    made: list[int] = []
    real = preview_module.place_index
    monkeypatch.setattr(preview_module, "place_index", lambda *args: made.append(1) or real(*args))
    read: list[str] = []
    real_read = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(str(self)) or real_read(self))

    def places() -> dict[str, int]:
        return {p.name: p.stat().st_ino for p in (session.site / SEARCH_SHARDS).iterdir() if not p.name.startswith("pages.")}

    shards = places()
    edit(session.folder / "data", "371502102-堂邑镇.yaml", "hours: 周一至周五 9:00—17:00", "hours: 周一至周五 8:30—17:00")
    session.rebuild()
    assert made == [] and places() == shards
    assert not [p for p in read if f"{session.site}/v/" in p or f"{session.site}/t/" in p]
    assert "8:30" in (session.site / "t" / "371502102" / "index.html").read_text(encoding="utf-8")
    edit(session.folder / "data", "advisors.yaml", "name: 李秀英", "name: 李秀兰")
    session.rebuild()
    assert made == [1] and set(places()) != set(shards)
    assert "李秀兰" in "".join(p.read_text(encoding="utf-8") for p in (session.site / SEARCH_SHARDS).iterdir())


@pytest.mark.slow  # real builds of a roster: the full run covers it
def test_a_roster_with_errors_shows_them_on_every_page_until_fixed(session: Session, chinese: None) -> None:
    good = tree_digest(session.site)
    village = (session.site / "v" / "371502102001" / "index.html").read_bytes()
    data = session.folder / "data"
    # roster text in a message must be escaped: a value with markup in it
    line = edit(data, "371502102-堂邑镇.yaml", "advisor: A0004", "advisor: <b>A0040</b>")
    edit(data, "advisors.yaml", "phone: '13905350002'", "phone: '1390535000'")
    session.rebuild()
    html = session.state.problem_html
    assert re.search(r"<h1>名册有 \d+ 个错误，预览暂停</h1>", html) and "自动恢复" in html
    assert f"371502102-堂邑镇.yaml:{line}:" in html and "advisors.yaml:" in html and "[bad-phone]" in html
    assert "&lt;b&gt;A0040&lt;/b&gt;" in html and "<b>A0040" not in html
    # every page MkDocs built, the home page and the 404 page (which serve answers at every data URL) show it
    pages = sorted(session.site.rglob("*.html"))
    assert len(pages) >= 12 and all(p.read_text(encoding="utf-8") == html for p in pages)
    assert not any((session.site / d).exists() for d in ("v", "t", "c", "a", "print"))
    # the last good pages wait beside the site, untouched
    assert (cache_dir(session.site) / "v" / "371502102001" / "index.html").read_bytes() == village
    # a save that fixes one error of two: still paused, one error listed
    edit(data, "advisors.yaml", "phone: '1390535000'", "phone: '13905350002'")
    session.rebuild()
    assert "名册有 1 个错误" in session.state.problem_html and "advisors.yaml:" not in session.state.problem_html
    edit(data, "371502102-堂邑镇.yaml", "advisor: <b>A0040</b>", "advisor: A0004")
    session.rebuild()
    assert tree_digest(session.site) == good


@pytest.mark.slow  # real builds of a roster: the full run covers it
def test_a_first_build_with_errors_shows_them_and_recovers(tmp_path: Path, chinese: None) -> None:
    folder = project(tmp_path / "p", SMALL)
    edit(folder / "data", "programme.yaml", "hotline: '12348'", "hotline: [")
    s = Session(folder)
    try:
        assert "预览暂停" in (s.site / "index.html").read_text(encoding="utf-8")
        assert "programme.yaml:" in (s.site / "404.html").read_text(encoding="utf-8")
        edit(folder / "data", "programme.yaml", "hotline: [", "hotline: '12348'")
        s.rebuild()
        assert tree_digest(s.site) == plain(folder)
    finally:
        s.close()


def test_serve_watches_the_roster_and_the_theme(session: Session) -> None:
    class Server:
        def __init__(self) -> None:
            self.watched: list[Path] = []

        def watch(self, path: str) -> None:
            self.watched.append(Path(path))

    server = Server()
    config = session.config()
    session.plugin.on_serve(server, config=config, builder=lambda: None)  # type: ignore[arg-type]
    assert session.folder / "data" in server.watched and session.folder / "overrides" in server.watched


def test_problem_page_escapes_roster_text() -> None:
    p = Problem("data/x.yaml", 3, 5, "error", "name", "expected text, found '<script>alert(1)</script>'", "wrong-type")
    html = problem_page([p], ROOT / "overrides" / "data", "<i>site</i>")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "&lt;i&gt;site&lt;/i&gt;" in html
    assert "data/x.yaml:3:5: error: name: expected text" in html and "1 error, 0 warnings" in html
