"""A build's life cycle (generator/build/session.py): what a build says when it stops, and a build that
fails after it began to stage its site publishes nothing; the site people open stays the whole old one.

The fast tests drive the session as the plugin does (configure, MkDocs' pages, finish, and fail when
anything raised: MkDocs calls ``on_build_error`` for any error after ``on_config``); the slow one runs
`mkdocs build` itself on a broken theme."""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import jinja2
import pytest

from generator.build.output import Publication, journal_path, staging_dir
from generator.build.session import Folders, RosterHasErrors, Session, UnknownCity
from tests.helpers import ROOT
from tests.helpers.roster_edit import SMALL, copy_roster, edit
from tests.helpers.sites import mkdocs_build, project, tree_digest
from tests.helpers.two_cities import two_city_roster

SITE_NAME = "聊城村居法律顾问"


@pytest.fixture(autouse=True)
def sigterm_kept() -> Iterator[None]:
    """A build turns SIGTERM into an exit so that it cleans up (session._exit_on_sigterm): not pytest's."""
    handler = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, handler)


def build(folders: Folders, site: Path) -> None:
    """One `mkdocs build` as the plugin drives it, without MkDocs: MkDocs' own pages are one home page."""
    session = Session("build", folders)
    try:
        settings = session.configure(site, None, SITE_NAME)
        (settings.site_dir / "index.html").write_text("<h1>首页</h1>", encoding="utf-8")  # what MkDocs writes
        session.finish(settings.site_dir)
    except BaseException:
        session.fail()  # the plugin's on_build_error
        raise


def break_template(overrides: Path, name: str) -> None:
    path = overrides / "data" / name
    path.write_text(path.read_text(encoding="utf-8").replace("{% endif %}", "{% endiff %}", 1), encoding="utf-8")


@pytest.mark.parametrize("published", ["by this build", "by something else"])
def test_a_template_error_after_staging_began_publishes_nothing(published: str, tmp_path: Path) -> None:
    """The site folder keeps every byte of the site published before: no page of the half-made new
    one, no file of the old one missing; no staging folder or journal left, and the next build may go."""
    overrides = tmp_path / "overrides"
    shutil.copytree(ROOT / "overrides", overrides)
    folders = Folders(copy_roster(tmp_path), tmp_path / ".cache", overrides)
    site = tmp_path / "site"
    if published == "by this build":  # a rebuild: the build knows the published files (reuse.py)
        build(folders, site)
        assert (site / "v" / "371502102001" / "index.html").is_file()
    else:  # a first build over a site it knows nothing of
        (site / "v" / "1").mkdir(parents=True)
        (site / "index.html").write_text("the published site", encoding="utf-8")
        (site / "v" / "1" / "index.html").write_text("a published page", encoding="utf-8")
    before = tree_digest(site)
    break_template(overrides, "village.html")
    children = _children()
    with pytest.raises(jinja2.TemplateSyntaxError):
        build(folders, site)
    assert _children() == children  # no render worker left to write into a staging folder after it was removed
    assert tree_digest(site) == before
    assert not staging_dir(site).exists() and not journal_path(site).exists()
    Publication.begin(site, wait=0).abandon()  # the lock is free


def _children() -> set[str]:
    """This process's child processes, zombies (ended, not waited for) included."""
    return set(Path(f"/proc/self/task/{os.getpid()}/children").read_text().split())


@pytest.mark.slow  # two real builds
@pytest.mark.parametrize("template", ["main.html", "data/village.html"])
def test_mkdocs_build_with_a_broken_template_leaves_the_published_site_whole(template: str, tmp_path: Path) -> None:
    """The same through MkDocs: a theme template (MkDocs renders it first) or a data page's (the plugin renders
    it last) that does not compile fails the build, and the site folder is the one published before."""
    folder = project(tmp_path, SMALL)
    first = mkdocs_build(folder)
    assert first.returncode == 0, first.stderr
    before = tree_digest(folder / "site")
    path = folder / "overrides" / template
    path.write_text(path.read_text(encoding="utf-8").replace("{% endblock %}", "{% endblokc %}", 1), encoding="utf-8")
    failed = mkdocs_build(folder)
    assert failed.returncode != 0 and "endblokc" in failed.stderr
    assert tree_digest(folder / "site") == before
    assert not staging_dir(folder / "site").exists()


def folders(data: Path) -> Folders:
    return Folders(data, data.parent / ".cache", ROOT / "overrides")


def test_a_build_of_a_roster_with_errors_says_so_in_chinese(tmp_path: Path, chinese: None) -> None:
    data = copy_roster(tmp_path)
    edit(data, "advisors.yaml", "phone: '13905350002'", "phone: '1390535'")
    with pytest.raises(RosterHasErrors) as stopped:
        Session("build", folders(data)).configure(tmp_path / "site", None, "")
    first, *problems = str(stopped.value).splitlines()
    assert first == "名册有错误，网站没有生成。请逐条改正下列问题（文件:行:列、应为什么、实际是什么、怎样改），然后重新构建："
    assert problems[0].endswith("请只写数字，区号后加一个“-” [bad-phone]") and problems[-1] == "1 个错误，0 个警告"
    assert not (tmp_path / "site").exists()


def test_an_unknown_city_names_the_roster_s_cities(tmp_path: Path) -> None:
    data = two_city_roster(tmp_path)
    with pytest.raises(UnknownCity, match=r"found '3799'; the cities: 3715, 3716$"):
        Session("build", folders(data), "3799").configure(tmp_path / "site", None, "")


def test_the_site_is_named_from_the_roster_unless_configured(tmp_path: Path) -> None:
    data = two_city_roster(tmp_path)
    settings = Session("serve", folders(data), "3716").configure(tmp_path / "site", None, "")
    assert (settings.site_name, settings.site_description) == (
        "滨州市村居法律顾问", "滨州市“一乡镇一团队、一村居一顾问”：查找本村法律顾问、乡镇法律服务团队和12348公共法律服务热线。")
    whole = Session("serve", folders(data)).configure(tmp_path / "site", None, "")
    assert whole.site_name == "山东省村居法律顾问"
    named = Session("serve", folders(data)).configure(tmp_path / "site", None, "我们的网站", "说明")
    assert (named.site_name, named.site_description) == ("我们的网站", "说明")
