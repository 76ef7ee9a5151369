"""The build's life cycle without MkDocs (generator/build/session.py): what a build says when it stops."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.build.session import Folders, RosterHasErrors, Session, UnknownCity
from tests.helpers import ROOT
from tests.helpers.roster_edit import copy_roster, edit
from tests.helpers.two_cities import two_city_roster


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
