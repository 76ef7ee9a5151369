"""The programme's figures (generator/site/stats.py): what is counted, how, and their CSV and JSON forms.

Fast tests over the small hand-made roster and edited copies of it; one slow test checks the
seed report's way of counting on the full sample. The browser and print checks are in
test_stats_browser.py.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build.context import fill_markdown, markdown_context
from generator.build.pipeline import read_roster, stats_files
from generator.build.version import roster_version
from generator.cli import main
from generator.site.pages import Assets, Site, environment
from generator.site.stats import (
    Area,
    Chart,
    Report,
    chart,
    coverage_chart,
    load_chart,
    report,
    report_csv,
    report_json,
    roles_chart,
    text_width,
    villages_chart,
)
from tests.helpers.roster_edit import SAMPLE, SMALL, copy_roster, edit

ROOT = SMALL.parents[2]
OVERRIDES = ROOT / "overrides"


def counts(items: tuple) -> dict[str, int]:
    return {c.key: c.n for c in items}


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


# -- what is counted ---------------------------------------------------------------------------


def test_programme_figures_of_the_small_roster() -> None:
    rep = report(read_roster(SMALL).roster)
    p = rep.programme
    assert (p.level, p.townships, p.villages, p.covered, p.gaps, p.advisors) == ("programme", 3, 9, 9, 0, 5)
    assert p.full and p.percent_text == "100%"
    assert counts(p.roles) == {"lawyer": 2, "legal-worker": 1, "judicial-officer": 2}
    assert (p.role("lawyer"), p.role("legal-worker"), p.role("notary")) == (2, 1, 0)  # a table column per role key
    # each advisor once, by the organization they work for; organizations counted once each
    assert counts(p.employers)["law-firm"] == 2 and counts(p.organizations)["law-firm"] == 1
    assert counts(p.organizations)["judicial-office"] == 2 and counts(p.employers)["judicial-office"] == 2
    assert p.sources == (("律师事务所", 1, 2), ("法律服务所", 1, 1), ("司法所", 2, 2))
    # 张伟 (A0003) is on 古楼's team but serves no village; 赵敏 serves 3, 王建国 and 刘洋 2, 李秀英 2
    assert counts(p.load) == {"0": 1, "1": 0, "2": 3, "3": 1, "over": 0}
    assert (p.village_advisors, p.load_total, p.load_max, p.mean_load_text) == (4, 9, 3, "2.2")
    assert p.teams is not None and (p.teams.min, p.teams.median, p.teams.max) == (1, 2, 3)
    assert p.over_limit == () and p.gap_villages == ()


def test_county_and_township_figures() -> None:
    rep = report(read_roster(SMALL).roster)
    assert [c.id for c in rep.counties] == ["371502", "kaifaqu"]
    dongchang = rep.area("county", "371502")
    assert (dongchang.townships, dongchang.villages, dongchang.advisors) == (2, 6, 4)
    assert dongchang.teams is not None and dongchang.teams.text == "2–3（中位 2.5）"
    gulou = rep.area("township", "371502001")
    assert gulou.parent == "371502" and gulou.url == "t/371502001/"
    assert (gulou.villages, gulou.advisors, gulou.village_advisors) == (3, 3, 2)
    assert counts(gulou.roles) == {"lawyer": 1, "legal-worker": 1, "judicial-officer": 1}
    assert gulou.teams is not None and gulou.teams.text == "3"
    # 李秀英 serves one village in 古楼 and one in 堂邑: her load is 2 in both townships
    tangyi = rep.area("township", "371502102")
    assert counts(tangyi.load)["2"] == 2 and tangyi.advisors == 2
    assert [a.id for a in rep.areas()] == ["", "371502", "371502001", "371502102", "kaifaqu", "371502010"]


def test_gaps_are_listed_by_name_and_never_rounded_up(tmp_path: Path) -> None:
    root = copy_roster(tmp_path)
    edit(root, "371502001-古楼街道.yaml", "name: 王庄村委会\n    advisor: A0002\n", "name: 王庄村委会\n    advisor:\n")
    rep = report(read_roster(root).roster)
    p = rep.programme
    assert (p.covered, p.gaps, p.full, p.percent_text) == (8, 1, False, "88.89%")
    assert [(v.id, v.name, v.where, v.url) for v in p.gap_villages] == [
        ("371502001003", "王庄村", "古楼街道", "v/371502001003/")]
    assert rep.area("township", "371502001").gap_villages == p.gap_villages
    assert rep.area("township", "371502102").gap_villages == ()
    # 6362 of 6363 is 99.98 %, and 1 gap in a million still is not 100 %
    assert dataclasses.replace(p, villages=6363, covered=6362).percent_text == "99.98%"
    big = dataclasses.replace(p, villages=1_000_000, covered=999_999)
    assert big.percent_text == "99.99%" and big.percent_value == 99.99


def test_advisors_above_the_limit_are_listed_with_their_pages(tmp_path: Path) -> None:
    root = copy_roster(tmp_path)
    edit(root, "programme.yaml", "max_villages_per_advisor: 3", "max_villages_per_advisor: 2")
    rep = report(read_roster(root).roster)
    assert rep.limit == 2
    for area in (rep.programme, rep.area("county", "kaifaqu"), rep.area("township", "371502010")):
        assert [(a.id, a.name, a.n, a.url) for a in area.over_limit] == [("A0005", "赵敏", 3, "a/A0005/")]
        assert counts(area.load)["over"] == 1
    assert rep.area("county", "371502").over_limit == ()
    bars = load_chart(rep.programme).bars
    assert (bars[-1].label, bars[-1].text, bars[-1].alert) == ("超过 2 个", "1 名，超过上限", True)


def test_advisors_over_the_limit_are_listed_most_loaded_first(tmp_path: Path) -> None:
    """The list staff act on: the most loaded advisor first, equal loads by id, in the report and its JSON."""
    root = copy_roster(tmp_path)
    edit(root, "programme.yaml", "max_villages_per_advisor: 3", "max_villages_per_advisor: 1")
    rep = report(read_roster(root).roster)
    expected = [("A0005", 3), ("A0001", 2), ("A0002", 2), ("A0004", 2)]  # ids alone would put A0005 last
    assert [(a.id, a.n) for a in rep.programme.over_limit] == expected
    assert [(a.id, a.n) for a in rep.area("county", "371502").over_limit] == expected[1:]
    top = json.loads(report_json(rep, "https://x.example/"))["areas"][0]
    assert [(a["id"], a["villages"]) for a in top["over_limit"]] == expected


# -- chart geometry, decided here and not by the browser ---------------------------------------


def test_bars_leave_room_for_their_figure_whatever_their_length() -> None:
    c = chart("x", [("甲", 1123, "1123 名", False), ("乙", 2, "2 名", False), ("丙", 0, "0 名", False)])
    assert [b.fraction for b in c.bars] == [1.0, 0.01, 0.0]  # a small count still draws a sliver
    assert (c.room, c.label_width, c.tone) == (4.7, 1.5, "")  # "1123 名" is 4.1 em, and .6 em more; 甲 1 em and .5
    assert chart("x", []) == Chart("x", (), 0.6, 0.5, "")  # a chart of nothing (a roster without units) is empty
    thirds = chart("x", [("甲", 3, "3", False), ("乙", 1, "1", False), ("丙", 2, "2", False)])
    assert [b.fraction for b in thirds.bars] == [1.0, 0.3333, 0.6667]  # four decimals: 0.03 mm on a 100 mm track
    assert c.room >= max(text_width(b.text) for b in c.bars) + 0.4  # the figure's padding is .4em
    assert text_width("聊城经济技术开发区") == 9 and text_width("100%") == pytest.approx(0.62 * 3 + 0.9)


def test_coverage_bars_use_a_fixed_scale(tmp_path: Path) -> None:
    root = copy_roster(tmp_path)
    edit(root, "371502001-古楼街道.yaml", "name: 王庄村委会\n    advisor: A0002\n", "name: 王庄村委会\n    advisor:\n")
    rep = report(read_roster(root).roster)
    c = coverage_chart(rep.counties)
    assert [(b.label, b.fraction, b.text, b.alert) for b in c.bars] == [
        ("东昌府区", 0.8333, "83.33%（空白 1 个）", True), ("聊城经济技术开发区", 1.0, "100%", False)]


def test_charts_are_named_for_what_they_count_and_show_every_role_with_its_share(tmp_path: Path) -> None:
    """Each chart has an accessible name and its kind's tone (the stylesheet colours coverage and roles);
    a role nobody has here is a bar of 0 with its 0 share; an area without advisors shares 0 %, not an error."""
    rep = report(read_roster(SMALL).roster)
    coverage, villages = coverage_chart(rep.counties), villages_chart(rep.counties)
    assert (coverage.name, coverage.tone) == ("各县级单位村居法律顾问覆盖率", "coverage")
    assert (coverage.room, coverage.label_width) == (3.36, 9.5)  # room for "100%", the width of 聊城经济技术开发区
    assert (villages.name, villages.tone) == ("各县级单位村居数", "villages")
    assert [(b.label, b.fraction, b.text, b.alert) for b in villages.bars] == [
        ("东昌府区", 1.0, "6 个", False), ("聊城经济技术开发区", 0.5, "3 个", False)]
    roles = roles_chart(rep.programme)
    assert (roles.name, roles.tone) == ("聊城市法律顾问按身份", "roles")
    assert [b.text for b in roles.bars] == ["2 名（40.0%）", "1 名（20.0%）", "2 名（40.0%）"]
    load = load_chart(rep.programme)
    assert (load.name, load.tone) == ("聊城市每名顾问联系的村居数", "load")
    assert [(b.label, b.text, b.alert) for b in load.bars] == [
        ("0 个村居", "1 名", False), ("1 个村居", "0 名", False), ("2 个村居", "3 名", False), ("3 个村居", "1 名", False),
        ("超过 3 个", "0 名", False)]  # nobody above the limit: the bar is there, empty, and no alert
    alone = load_chart(rep.area("township", "371502010"))  # 赵敏 serves three: nobody here serves none
    assert [(b.label, b.text) for b in alone.bars] == [
        ("1 个村居", "0 名"), ("2 个村居", "0 名"), ("3 个村居", "1 名"), ("超过 3 个", "0 名")]
    css = (ROOT / "overrides" / "assets" / "stylesheets" / "stats.css").read_text(encoding="utf-8")
    assert ".stats-bars--coverage .stats-bars__fill" in css and ".stats-bars--roles .stats-bars__fill" in css
    jiangguantun = roles_chart(rep.area("township", "371502010"))  # one judicial officer
    assert [(b.label, b.text, b.fraction) for b in jiangguantun.bars] == [
        ("律师", "0 名（0.0%）", 0.0), ("法律服务工作者", "0 名（0.0%）", 0.0), ("司法所工作人员", "1 名（100.0%）", 1.0)]
    assert not any(b.alert for b in roles.bars + jiangguantun.bars)
    nobody = dataclasses.replace(rep.programme, advisors=0, roles=tuple(dataclasses.replace(c, n=0) for c in rep.programme.roles))
    assert [b.text for b in roles_chart(nobody).bars] == ["0 名（0%）"] * 3


# -- the figures for spreadsheets and machines --------------------------------------------------


def test_cli_json_is_the_sites_data_file(small_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", str(SMALL), "--format", "json"]) == 0
    printed = capsys.readouterr().out
    assert printed.encode("utf-8") == (small_site / "data" / "stats.json").read_bytes()
    assert printed == report_json(report(read_roster(SMALL).roster), "https://fw.lc.example/")


def test_json_has_every_areas_figures_under_the_csvs_names() -> None:
    text = report_json(report(read_roster(SMALL).roster), "https://fw.lc.example/")
    # readable as it is: Chinese unescaped, one figure a line
    assert text.startswith('{\n "max_villages_per_advisor": 3,\n "levels": [\n  "programme",') and '"name": "聊城市"' in text
    data = json.loads(text)
    assert data["max_villages_per_advisor"] == 3 and data["levels"] == ["programme", "county", "township"]
    top = data["areas"][0]
    assert (top["level"], top["villages"], top["covered"], top["gaps"], top["coverage_percent"]) == ("programme", 9, 9, 0, 100)
    assert top["roles"] == {"lawyer": 2, "legal-worker": 1, "judicial-officer": 2}
    assert top["organizations_by_kind"]["judicial-office"] == 2
    assert top["villages_per_advisor"]["distribution"] == {"0": 1, "1": 0, "2": 3, "3": 1, "over": 0}
    assert top["team_size"] == {"min": 1, "median": 2, "max": 3}
    assert [a["level"] for a in data["areas"]] == ["programme", "county", "township", "township", "county", "township"]
    assert data["areas"][2]["url"] == "https://fw.lc.example/t/371502001/"


def test_the_sites_csv_is_the_reports(small_site: Path) -> None:
    expected = report_csv(report(read_roster(SMALL).roster), "https://fw.lc.example/")
    assert (small_site / "data" / "stats.csv").read_bytes() == expected


def test_json_names_gaps_and_overloaded_advisors_with_their_pages(tmp_path: Path) -> None:
    root = copy_roster(tmp_path)
    edit(root, "programme.yaml", "max_villages_per_advisor: 3", "max_villages_per_advisor: 2")
    edit(root, "371502001-古楼街道.yaml", "name: 王庄村委会\n    advisor: A0002\n", "name: 王庄村委会\n    advisor:\n")
    rep = report(read_roster(root).roster)
    top = json.loads(report_json(rep, "https://x.example/"))["areas"][0]
    assert top["over_limit"] == [{"id": "A0005", "name": "赵敏", "villages": 3, "url": "https://x.example/a/A0005/"}]
    assert top["gap_villages"] == [
        {"code": "371502001003", "name": "王庄村", "township": "古楼街道", "url": "https://x.example/v/371502001003/"}]
    assert top["villages_per_advisor"] == {"mean": 2.0, "max": 3, "distribution": {"0": 1, "1": 1, "2": 2, "over": 1}}
    assert (top["covered"], top["gaps"], top["village_advisors"], top["advisors"]) == (8, 1, 4, 5)
    gulou = json.loads(report_json(rep, ""))["areas"][2]
    assert (top["id"], top["name"], top["parent"], top["townships"]) == ("", "聊城市", None, 3)
    assert (gulou["id"], gulou["name"], gulou["parent"], gulou["townships"]) == ("371502001", "古楼街道", "371502", 1)
    assert top["advisors_by_organization_kind"]["law-firm"] == 2 and top["team_size"] == {"min": 1, "median": 2, "max": 3}
    thirds = dataclasses.replace(rep.programme, load_total=7, village_advisors=3, children=())
    assert json.loads(report_json(Report(thirds, 2), ""))["areas"][0]["villages_per_advisor"]["mean"] == 2.33


def test_csv_opens_in_a_csv_reader_with_its_columns_and_totals() -> None:
    raw = report_csv(report(read_roster(SMALL).roster), "https://fw.lc.example/")
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    readme = (ROOT / "docs" / "site.md").read_text(encoding="utf-8")
    for column in rows[0]:  # each column by name, or its group as `group.*`
        assert f"`{column}`" in readme or f"`{column.rsplit('.', 1)[0]}.*`" in readme, \
            f"column {column} is not explained in docs/site.md"
    assert [r["level"] for r in rows] == ["programme", "county", "township", "township", "county", "township"]
    total, units = rows[0], [r for r in rows if r["level"] == "county"]
    towns = [r for r in rows if r["level"] == "township"]
    for column in ("townships", "villages", "covered", "gaps"):
        assert int(total[column]) == sum(int(r[column]) for r in units) == sum(int(r[column]) for r in towns)
    assert (total["name"], total["villages"], total["advisors"], total["coverage_percent"]) == ("聊城市", "9", "5", "100.0")
    assert (total["roles.lawyer"], total["roles.legal-worker"], total["roles.judicial-officer"]) == ("2", "1", "2")
    assert total["organizations_by_kind.law-firm"] == "1" and total["advisors_by_organization_kind.law-firm"] == "2"
    assert towns[0]["name"] == "古楼街道" and towns[0]["parent"] == "371502" and towns[0]["team_size.max"] == "3"


def test_csv_names_gaps_and_overloaded_advisors_on_township_rows(tmp_path: Path) -> None:
    root = copy_roster(tmp_path)
    edit(root, "programme.yaml", "max_villages_per_advisor: 3", "max_villages_per_advisor: 2")
    edit(root, "371502001-古楼街道.yaml", "name: 王庄村委会\n    advisor: A0002\n", "name: 王庄村委会\n    advisor:\n")
    roster = read_roster(root).roster
    rows = list(csv.DictReader(io.StringIO(report_csv(report(roster), "").decode("utf-8-sig"))))
    by_id = {(r["level"], r["id"]): r for r in rows}
    assert by_id[("township", "371502001")]["gap_village_names"] == "王庄村（371502001003）"
    assert by_id[("township", "371502010")]["over_limit_names"] == "赵敏（A0005，3 个村居）"
    assert by_id[("programme", "")]["over_limit"] == "1" and by_id[("programme", "")]["gap_village_names"] == ""
    assert by_id[("programme", "")]["coverage_percent"] == "88.89"
    assert "villages_per_advisor.distribution.over" in rows[0]


def test_csv_cells_a_spreadsheet_would_run_are_quoted(tmp_path: Path) -> None:
    """Text starting with =, +, - or @ (docs/site.md), or a tab or carriage return, gets a leading ' ."""
    root = copy_roster(tmp_path)
    edit(root, "371502010-蒋官屯街道.yaml", "name: 蒋官屯街道", "name: '=HYPERLINK(\"http://x\")'")
    edit(root, "371502001-古楼街道.yaml", "name: 古楼街道", "name: '+1'")
    edit(root, "371502102-堂邑镇.yaml", "name: 堂邑镇", "name: '-1'")
    edit(root, "counties.yaml", "name: 聊城经济技术开发区", "name: '@SUM(A1)'")
    rows = list(csv.DictReader(io.StringIO(report_csv(report(read_roster(root).roster), "").decode("utf-8-sig"))))
    names = {r["id"]: r["name"] for r in rows}
    assert (names["371502010"], names["371502001"], names["371502102"], names["kaifaqu"]) == (
        "'=HYPERLINK(\"http://x\")", "'+1", "'-1", "'@SUM(A1)")
    assert names["371502"] == "东昌府区"  # other text as it is
    # the validator refuses tabs and returns in names; the CSV would quote them too
    from generator.site.escape import spreadsheet_cell as _cell

    assert (_cell("\tx"), _cell("\rx"), _cell(-1), _cell("")) == ("'\tx", "'\rx", -1, "")


def test_csv_rows_name_people_and_villages_only_for_townships_and_leave_no_figure_empty(tmp_path: Path) -> None:
    root = copy_roster(tmp_path)
    edit(root, "programme.yaml", "max_villages_per_advisor: 3", "max_villages_per_advisor: 1")
    for code in ("371502010001", "371502010002", "371502010003"):  # 蒋官屯街道: nobody serves a village now
        edit(root, "371502010-蒋官屯街道.yaml", f"- code: '{code}'", f"- code: '{code}'")
    path = next(root.rglob("371502010-蒋官屯街道.yaml"))
    path.write_text(re.sub(r"\n    advisor: A\d+", "\n    advisor:", path.read_text(encoding="utf-8")), encoding="utf-8")
    with (root / "counties.yaml").open("a", encoding="utf-8") as f:  # a unit whose townships are not entered yet
        f.write("  - id: '371503'\n    code: '371503'\n    name: 新区\n    kind: county\n")
    rows = list(csv.DictReader(io.StringIO(report_csv(report(read_roster(root).roster), "").decode("utf-8-sig"))))
    by_id = {(r["level"], r["id"]): r for r in rows}
    assert by_id[("township", "371502010")]["gap_village_names"] == "余庄村（371502010001）、玉庄村（371502010002）、窎桥社区（371502010003）"
    new = by_id[("county", "371503")]
    assert (new["villages"], new["team_size.min"], new["team_size.median"], new["team_size.max"]) == ("0", "", "", "")
    assert by_id[("township", "371502102")]["over_limit_names"] == "李秀英（A0002，2 个村居）、刘洋（A0004，2 个村居）"
    assert all(r["over_limit_names"] == r["gap_village_names"] == "" for r in rows if r["level"] != "township")
    assert all("None" not in r.values() for r in rows)


@pytest.mark.slow
def test_the_sample_counts_like_the_seed_report() -> None:
    """"1,874 advisors from 41 law firms, 69 legal service offices and 135 judicial offices"."""
    p = report(read_roster(SAMPLE).roster).programme
    assert (p.villages, p.covered, p.advisors) == (6363, 6363, 1874)
    assert p.sources == (("律师事务所", 41, 856), ("法律服务所", 69, 641), ("司法所", 135, 377))
    assert counts(p.roles) == {"lawyer": 856, "legal-worker": 641, "judicial-officer": 377}
    assert sum(c.n for c in p.load) == p.advisors and p.load_total == p.covered
    assert len(p.children) == 11 and sum(len(c.children) for c in p.children) == 136


# -- the roster's version: never the wall clock -----------------------------------------------


def git(folder: Path, *args: str, env: dict[str, str] | None = None) -> str:
    return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, check=True,
                          env={**os.environ, **(env or {})}).stdout.strip()


def test_version_of_a_roster_outside_git_is_its_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = copy_roster(tmp_path)
    for i, path in enumerate(sorted(root.rglob("*.yaml"))):
        os.utime(path, (0, 1_700_000_000 + i))  # the newest: 2023-11-14 22:13:20 UTC + i s
    first = roster_version(root)
    assert (first.date, first.source) == ("2023-11-14", "files") and re.fullmatch(r"sha256:[0-9a-f]{8}", first.ref)
    assert roster_version(root) == first  # same files, same version
    edit(root, "advisors.yaml", "name: 刘洋", "name: 刘阳")
    assert roster_version(root).ref != first.ref
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1262304000")  # 2010-01-01: pins the date only
    assert roster_version(root).date == "2010-01-01" and roster_version(root).source == "SOURCE_DATE_EPOCH"


def test_version_of_a_committed_roster_is_its_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = copy_roster(tmp_path)
    when = {"GIT_AUTHOR_DATE": "2024-03-05T10:00:00+00:00", "GIT_COMMITTER_DATE": "2024-03-05T10:00:00+00:00",
            "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
            "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "data")
    git(tmp_path, "commit", "-q", "-m", "roster", env=when)
    short = git(tmp_path, "log", "-1", "--format=%h")
    version = roster_version(root)
    assert (version.date, version.ref, version.source) == ("2024-03-05", short, "git")
    edit(root, "advisors.yaml", "name: 刘洋", "name: 刘阳")  # uncommitted: not that commit any more
    assert roster_version(root).source == "files" and roster_version(root).ref.startswith("sha256:")


def test_stats_page_shows_the_rosters_version(small_site: Path) -> None:
    version = roster_version(small_site.parent / "data")
    html = (small_site / "stats" / "index.html").read_text(encoding="utf-8")
    assert f"数据截至 {version.date} · 名册版本 {version.ref}" in html
    assert "（示例数据）" in html


# -- pages: the same words everywhere, and everything escaped --------------------------------


def figure_terms(html: str) -> list[str]:
    box = re.search(r'<dl class="stats-figures">.*?</dl>', html, re.DOTALL)
    assert box, "no figures box"
    return re.findall(r"<dt>(.*?)</dt>", box.group(0))


def test_county_and_township_pages_show_their_own_figures_in_the_same_words(small_site: Path) -> None:
    pages = {url: (small_site / url / "index.html").read_text(encoding="utf-8")
             for url in ("stats", "c/371502", "t/371502001", "t/371502010")}
    terms = {url: figure_terms(html) for url, html in pages.items()}
    assert all(t == terms["stats"] for t in terms.values()) and "团队人数" in terms["stats"]
    county = text_of(pages["c/371502"])
    assert "6 个村居，已配备顾问 6 个，覆盖率 100%（全覆盖）" in county
    assert "4 名：律师 2 名、法律服务工作者 1 名、司法所工作人员 1 名" in county
    assert "每个乡镇（街道）2–3 人，中位 2.5 人" in county
    assert 'href="../../t/371502001/"' in pages["c/371502"]  # its townships' table links each one
    town = text_of(pages["t/371502010"])
    assert "1 名：律师 0 名、法律服务工作者 0 名、司法所工作人员 1 名" in town
    assert "团队人数 1 人" in town and "平均 3.0 个，最多 3 个；超过上限（3 个）的顾问：无" in town
    assert 'role="region"' in pages["stats"] and 'tabindex="0"' in pages["stats"]


def test_roster_text_is_escaped_on_every_statistics_page(tmp_path: Path) -> None:
    root = copy_roster(tmp_path)
    evil = "<img src=x onerror=alert(1)>镇&*"
    edit(root, "371502010-蒋官屯街道.yaml", "name: 蒋官屯街道", f"name: '{evil}'")
    edit(root, "371502010-蒋官屯街道.yaml", "name: 窎桥社区居委会\n    advisor: A0005", "name: '<b>窎桥</b>'\n    advisor:")
    edit(root, "advisors.yaml", "name: 赵敏", "name: '<i>赵敏</i>'")
    edit(root, "programme.yaml", "max_villages_per_advisor: 3", "max_villages_per_advisor: 1")
    roster = read_roster(root).roster
    context = markdown_context(roster, root, OVERRIDES) | {"site_name": "x"}
    stats_md = fill_markdown((OVERRIDES / "data" / "stats.md").read_text(encoding="utf-8"), context)
    site = Site(roster, environment(OVERRIDES / "data"), Assets(), "x")
    county = site.county_page(roster.county["kaifaqu"], {t.id: t for t in site.report.area("county", "kaifaqu").children})[1]
    township = site.township_page(roster.township["371502010"])[1]
    for html in (stats_md, county, township):
        assert "<img" not in html and "<b>窎桥" not in html and "<i>赵敏" not in html
        assert "&lt;img src=x onerror=alert(1)&gt;镇&amp;*" in html or "&lt;b&gt;窎桥&lt;/b&gt;" in html
    assert "&lt;i&gt;赵敏&lt;/i&gt;" in stats_md and "&lt;b&gt;窎桥&lt;/b&gt;" in stats_md
    assert 'href="../data/stats.csv"' in stats_md and 'href="../data/stats.json"' in stats_md  # the figures as files


def test_data_files_are_deterministic() -> None:
    """The same roster gives the same bytes, also in another process, where sets iterate in another order."""
    roster = read_roster(SMALL).roster
    assert stats_files(roster) == stats_files(roster)
    assert report_json(report(roster), "") == report_json(report(read_roster(SMALL).roster), "")
    code = ("import hashlib, sys; from generator.build.pipeline import read_roster, stats_files; "
            f"sys.stdout.write(repr([hashlib.sha256(c if isinstance(c, bytes) else c.encode()).hexdigest() "
            f"for _, c in stats_files(read_roster({str(SMALL)!r}).roster)]))")
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                           env={**os.environ, "PYTHONHASHSEED": "0" if os.environ.get("PYTHONHASHSEED") != "0" else "1"}).stdout
    assert other == repr([hashlib.sha256(c if isinstance(c, bytes) else c.encode()).hexdigest() for _, c in stats_files(roster)])


def test_area_names_a_later_city_level_would_use() -> None:
    """Levels are data: a city level between programme and units is one more layer of Area."""
    rep = report(read_roster(SMALL).roster)
    fields = {f.name for f in dataclasses.fields(Area)}
    assert {"level", "parent", "children"} <= fields
    assert {a.parent for a in rep.counties} == {""} and all(t.parent == c.id for c in rep.counties for t in c.children)
