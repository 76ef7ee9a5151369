"""最近更新 and the village pages' dates, from the roster's git history."""

from __future__ import annotations

import subprocess
from pathlib import Path

from generator.build.pipeline import read_roster
from generator.changes.history import read_history
from generator.site.pages import Assets, Site, environment
from tests.changes.test_changes import TOWN, git
from tests.helpers import ROOT
from tests.helpers.roster_edit import copy_roster, edit


def commit(repo: Path, message: str, date: str) -> None:
    git(repo, "add", "-A")
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "PATH": "/usr/bin:/bin"}
    subprocess.run(["git", "-C", str(repo), "commit", "-qm", message], check=True, env=env)


def site_for(data: Path) -> Site:
    return Site(read_roster(data).roster, environment(ROOT / "overrides" / "data"), Assets(), "test", read_history(data))


def test_changes_page_and_village_dates(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    data = copy_roster(repo)
    commit(repo, "first roster", "2024-01-05T10:00:00+08:00")
    edit(data, "advisors.yaml", "'15805350004'", "'15805359999'")  # A0004 serves 前董村 and 王庄村 of 堂邑镇
    commit(repo, "刘洋换了手机号", "2024-03-01T10:00:00+08:00")
    (repo / "README").write_text("not the roster", encoding="utf-8")
    commit(repo, "outside the roster", "2024-04-01T10:00:00+08:00")
    edit(data, "371502001-古楼街道.yaml", "studio: 古城社区党群服务中心", "studio: 古城社区综合服务中心")
    commit(repo, "古城社区工作室改名", "2024-05-01T10:00:00+08:00")

    history = read_history(data)
    assert [(e.date, e.subject) for e in history.entries] == [
        ("2024-05-01", "古城社区工作室改名"), ("2024-03-01", "刘洋换了手机号"), ("2024-01-05", "first roster")]
    assert history.village_dates["371502001001"] == "2024-05-01"  # its studio
    assert history.village_dates["371502102001"] == "2024-03-01"  # its advisor's phone
    # 堂邑镇's team has A0004 too: every village of 堂邑镇 shows the team, so all moved
    assert history.village_dates["371502102003"] == "2024-03-01"
    assert history.village_dates["371502001002"] == "2024-01-05"  # unchanged since the first roster

    site = site_for(data)
    _, page = site.changes_page()
    assert page.index("2024-05-01 · 古城社区工作室改名") < page.index("2024-03-01 · 刘洋换了手机号")
    assert "刘洋（A0004）：电话 15805350004 → 15805359999" in page and "outside the roster" not in page
    _, village = site.village_page(site.roster.village["371502001001"])
    assert "2024-05-01 更新" in village
    assert site_for(data).changes_page() == site.changes_page()  # same repository, same bytes


def test_without_git_there_is_a_note_and_no_dates(tmp_path: Path) -> None:
    data = copy_roster(tmp_path)
    site = site_for(data)
    assert site.history.entries == () and site.history.village_dates == {}
    _, page = site.changes_page()
    assert "名册不在 git 仓库中" in page
    _, village = site.village_page(site.roster.village["371502001001"])
    assert " 更新</a>" not in village and "更新</a>" in village  # the footer link only
    assert TOWN  # the shared helpers come from test_changes
