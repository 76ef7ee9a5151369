"""A province's roster: cities as a level above the county-level units (cities.yaml).

Built from the small roster as 聊城市 plus a second small city, 滨州市: each city has its page,
its local hotline on its villages' pages and cards, its place in breadcrumbs and JSON-LD, and
its rows in the statistics; village and township URLs stay what they were.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build.context import fill_markdown, markdown_context
from generator.build.pipeline import read_roster
from generator.changes.diff import diff
from generator.core.model import Roster
from generator.printing import cards
from generator.printing.cards import card_content, select_villages
from generator.site.pages import Assets, Site, environment
from generator.site.stats import report, report_csv, report_json
from tests.helpers import ROOT, TESTS
from tests.helpers.raster import page_info, text_in
from tests.helpers.roster_edit import edit
from tests.helpers.sites import mkdocs_build, project
from tests.helpers.two_cities import two_city_roster

OVERRIDES = ROOT / "overrides"


@pytest.fixture(scope="module")
def roster(tmp_path_factory: pytest.TempPathFactory) -> Roster:
    checked = read_roster(two_city_roster(tmp_path_factory.mktemp("two-cities")))
    assert checked.problems == []
    return checked.roster


def site(roster: Roster) -> Site:
    return Site(roster, environment(OVERRIDES / "data"), Assets(), "村居法律顾问")


def crumbs(html: str) -> list[str]:
    nav = re.search(r'<nav class="dir-crumbs".*?</nav>', html, re.S)
    assert nav, "no breadcrumbs"
    return re.findall(r">([^<>]+)</(?:a|span)>", nav.group(0))


def jsonld(html: str) -> dict:
    m = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert m, "no JSON-LD"
    return json.loads(m.group(1))


def test_model_knows_each_units_city(roster: Roster) -> None:
    assert [c.id for c in roster.cities] == ["3715", "3716"]
    assert [c.id for c in roster.counties_of["3715"]] == ["371502", "kaifaqu"]
    assert roster.city_of("kaifaqu").name == "聊城市"  # a zone without a code belongs to its city too
    assert roster.programme_for("371602").local_hotline == "0543-12348"
    assert roster.programme_for("371602").city == "滨州市"
    assert roster.programme.local_hotline == "0531-12348"  # the province's own, unchanged


def test_village_page_names_its_city_and_calls_its_hotline(roster: Roster) -> None:
    path, html = site(roster).village_page(roster.village["371602001001"])
    assert path == "v/371602001001/index.html"  # village URLs do not change
    assert crumbs(html) == ["王庄村", "市中街道", "滨城区", "滨州市"]
    assert 'href="../../city/3716/"' in html
    assert 'href="tel:054312348"' in html and "0543-12348" in html
    assert "0635-12348" not in html and "0531-12348" not in html
    ld = jsonld(html)
    county = ld["areaServed"]["containedInPlace"]["containedInPlace"]
    assert county["name"] == "滨城区" and county["containedInPlace"] == {"@type": "AdministrativeArea", "name": "滨州市", "identifier": "3716"}
    assert ld["serviceOperator"]["name"] == "滨州市司法局"
    # the other city's village of the same name keeps its own city and hotline
    _, other = site(roster).village_page(roster.village["371502001003"])
    assert crumbs(other) == ["王庄村", "古楼街道", "东昌府区", "聊城市"] and "0635-12348" in other and "0543" not in other


def test_township_and_county_pages_lead_to_the_city(roster: Roster) -> None:
    s = site(roster)
    _, township = s.township_page(roster.township["371502010"])
    assert crumbs(township) == ["蒋官屯街道", "聊城经济技术开发区", "聊城市"]
    rows = {a.id: a for a in s.report.area("county", "371602").children}
    _, county = s.county_page(roster.county["371602"], rows)
    assert crumbs(county) == ["滨城区", "滨州市", "首页"]


def test_city_page_lists_its_units_and_hotline(roster: Roster) -> None:
    path, html = site(roster).city_page(roster.city["3715"])
    assert path == "city/3715/index.html"
    assert crumbs(html) == ["聊城市", "首页"]
    assert 'href="tel:063512348"' in html
    assert 'href="../../c/371502/"' in html and 'href="../../c/kaifaqu/"' in html
    assert 'href="../../c/371602/"' not in html  # another city's unit
    assert "0531-12348" not in html and "0543-12348" not in html  # neither the province's number nor another city's


def test_advisor_page_calls_the_hotline_of_the_city_they_work_in(roster: Roster) -> None:
    _, html = site(roster).advisor_page(roster.advisor["A0101"])
    assert 'href="tel:054312348"' in html and "0531-12348" not in html and "0635-12348" not in html
    _, other = site(roster).advisor_page(roster.advisor["A0004"])
    assert 'href="tel:063512348"' in other and "0543-12348" not in other


def test_cards_print_the_citys_hotline(roster: Roster) -> None:
    card = card_content(roster, roster.village["371602001002"])
    assert (card.city, card.local_hotline) == ("滨州市", "0543-12348")
    assert card.url == "https://fw.lc.example/v/371602001002/"
    assert card_content(roster, roster.village["371502010001"]).local_hotline == "0635-12348"


def test_each_city_has_its_sheet_of_backs(roster: Roster) -> None:
    s = site(roster)
    sheets = dict(cards.backs_sheets(s))
    assert list(sheets) == ["print/back/index.html", "print/back/3715/index.html", "print/back/3716/index.html"]
    binzhou = sheets["print/back/3716/index.html"]
    assert binzhou.count("0543-12348</p>") == 10 and binzhou.count("滨州市「一乡镇一团队、一村居一顾问」") == 10
    assert "0635-12348" not in binzhou and "0531-12348" not in binzhou and "<title>滨州市背面" in binzhou
    assert "0635-12348</p>" in sheets["print/back/3715/index.html"]
    province = sheets["print/back/index.html"]  # the province's own, and the way to each city's
    assert "0531-12348</p>" in province and 'href="../../print/back/3716/"' in province
    sheet = cards.township_sheets(s, roster.township["371602001"])[1]  # a township's sheets link its city's backs
    assert 'href="../../print/back/3716/">背面（八项服务）</a>' in sheet
    # one city's site of the province: its backs are its own, and no other city's are listed
    one = dict(cards.backs_sheets(site(roster.only_city("3716"))))
    assert list(one) == ["print/back/index.html", "print/back/3716/index.html"]
    assert "0543-12348</p>" in one["print/back/index.html"] and "print/back/3715" not in one["print/back/index.html"]


def run_cards(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", "cards", *args], cwd=OVERRIDES.parent,
                          capture_output=True, text=True, check=False)


@pytest.mark.slow  # two Chromium runs
def test_printed_backs_carry_each_cards_city(tmp_path: Path) -> None:
    root = two_city_roster(tmp_path)
    one = tmp_path / "binzhou.pdf"
    r = run_cards("--data", str(root), "--city", "3716", "--back", "-o", str(one))
    assert r.returncode == 0 and r.stdout.strip().endswith("2 cards"), r.stderr
    assert page_info(one)[0] == 2
    front, back = (text_in(one, n, 0, 0, 210, 297) for n in (1, 2))
    assert "渤海社区" in front and "王庄" in front and "古楼" not in front
    assert "0543-12348" in back and "滨州市" in back and "0635" not in back and "0531" not in back
    # a reprint list across both cities: the back behind each card is its own city's
    listing = tmp_path / "reprint.txt"
    listing.write_text("371602001001\n371502001001\n", encoding="utf-8")
    mixed = tmp_path / "mixed.pdf"
    assert run_cards("--data", str(root), "--villages", str(listing), "--back", "-o", str(mixed)).returncode == 0
    for slot, (city, hotline) in enumerate((("滨州市", "0543-12348"), ("聊城市", "0635-12348"))):
        x, y = cards.slot_mm(cards.mirrored(slot))
        text = text_in(mixed, 2, x, y, 90, 54)
        assert hotline in text and city in text, (slot, text)


def test_stats_have_city_rows(roster: Roster) -> None:
    rep = report(roster)
    assert rep.levels == ["programme", "city", "county", "township"]
    assert [(a.id, a.villages, a.townships, a.advisors) for a in rep.cities] == [("3715", 9, 3, 5), ("3716", 2, 1, 1)]
    assert [a.parent for a in rep.counties] == ["3715", "3715", "3716"]
    assert rep.programme.villages == 11
    data = json.loads(report_json(rep, "https://x.example/"))
    assert data["levels"] == ["programme", "city", "county", "township"]
    cities = [a for a in data["areas"] if a["level"] == "city"]
    assert [(a["id"], a["name"], a["url"], a["villages"]) for a in cities] == [
        ("3715", "聊城市", "https://x.example/city/3715/", 9), ("3716", "滨州市", "https://x.example/city/3716/", 2)]
    rows = list(csv.DictReader(io.StringIO(report_csv(rep, "https://x.example/").decode("utf-8-sig"))))
    assert [(r["level"], r["id"], r["villages"]) for r in rows if r["level"] in ("city", "county")] == [
        ("city", "3715", "9"), ("county", "371502", "6"), ("county", "kaifaqu", "3"),
        ("city", "3716", "2"), ("county", "371602", "2")]


def stats_markdown(roster: Roster) -> str:
    """The statistics page as MkDocs gets it: stats.md filled with the build's figures."""
    return fill_markdown((OVERRIDES / "data" / "stats.md").read_text(encoding="utf-8"), markdown_context(roster, overrides=OVERRIDES))


def test_stats_page_shows_the_cities_first(roster: Roster) -> None:
    md = stats_markdown(roster)
    assert "全省 **2** 个市、**3** 个县级单位、**4** 个乡镇（街道）、**11** 个村居" in md
    assert 'aria-label="各市村居法律顾问覆盖率"' in md and 'aria-label="各市村居数"' in md
    table = md[md.index('aria-label="各市统计表"'):]
    table = table[:table.index("</table>")]
    assert re.findall(r'<th scope="row"><a href="([^"]+)">([^<]+)</a>', table) == [
        ("../city/3715/", "聊城市"), ("../city/3716/", "滨州市")]
    # then each city's units, then each unit's townships
    order = ['aria-label="各市统计表"', '<h3 id="city-3715">聊城市</h3>', 'aria-label="聊城市各县级单位统计表"',
             '<h3 id="city-3716">滨州市</h3>', '<h3 id="c-371502">', '<h3 id="c-371602">']
    assert [md.index(x) for x in order] == sorted(md.index(x) for x in order)
    assert 'href="../c/371602/">滨城区</a>' in md and "全省合计、每个市、县级单位和乡镇（街道）各一行" in md
    # one city's site of the province: its units, as one city's roster shows them
    one = stats_markdown(roster.only_city("3716"))
    assert "全市 **1** 个县级单位、**1** 个乡镇（街道）、**2** 个村居" in one
    assert 'aria-label="各县级单位统计表"' in one and 'href="../c/371602/">滨城区</a>' in one
    assert "city-3716" not in one and "各市" not in one


def test_one_citys_stats_have_no_city_rows() -> None:
    rep = report(read_roster(TESTS / "rosters" / "small").roster)
    assert rep.levels == ["programme", "county", "township"] and rep.cities == ()
    assert all(a.parent == "" for a in rep.counties)


@pytest.mark.slow
def test_two_city_site_builds_with_city_pages(tmp_path: Path) -> None:
    folder = project(tmp_path / "project", two_city_roster(tmp_path))
    result = mkdocs_build(folder)
    assert result.returncode == 0, result.stderr
    out = folder / "site"
    for city, hotline in (("3715", "0635-12348"), ("3716", "0543-12348")):
        assert hotline in (out / "city" / city / "index.html").read_text(encoding="utf-8")
    sheet = (out / "print" / "371602001" / "index.html").read_text(encoding="utf-8")
    assert "0543-12348" in sheet and "0635-12348" not in sheet
    village = (out / "v" / "371602001001" / "index.html").read_text(encoding="utf-8")
    assert crumbs(village)[-1] == "滨州市" and "0543-12348" in village
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "https://fw.lc.example/city/3716/" in sitemap and "https://fw.lc.example/v/371602001001/" in sitemap
    rows = list(csv.DictReader(io.StringIO((out / "data" / "stats.csv").read_text(encoding="utf-8-sig"))))
    assert [r["id"] for r in rows if r["level"] == "city"] == ["3715", "3716"]
    home = (out / "index.html").read_text(encoding="utf-8")  # the province's home lists its cities
    assert "<title>首页 - 山东省村居法律顾问</title>" in home  # named from the roster, not the sample's mkdocs.yml
    assert 'href="city/3715/"' in home and 'href="city/3716/"' in home and 'href="c/371502/"' not in home
    assert "全省 <strong>2</strong> 个市、<strong>3</strong> 个县级单位" in home
    assert "滨州市" in (out / "cities" / "index.html").read_text(encoding="utf-8")
    stats = (out / "stats" / "index.html").read_text(encoding="utf-8")  # the cities first, each to its page
    assert stats.index('href="../city/3716/"') < stats.index('href="../c/371602/"')
    assert (out / "print" / "back" / "3716" / "index.html").is_file()


# -- one city at a time: the site of one city of a province's roster ------------------------------


def test_one_city_roster_holds_only_that_city(roster: Roster) -> None:
    one = roster.only_city("3716")
    assert [c.id for c in one.counties] == ["371602"] and [t.code for t in one.townships] == ["371602001"]
    assert {v.code for v in one.villages} == {"371602001001", "371602001002"}
    assert [a.id for a in one.advisors] == ["A0101"] and [o.id for o in one.organizations] == ["LF101"]
    assert (one.programme.city, one.programme.local_hotline, one.programme.province) == ("滨州市", "0543-12348", "山东省")
    assert [c.id for c in one.cities] == ["3716"] and [c.id for c in one.all_cities] == ["3715", "3716"]
    assert report(one).programme.villages == 2


RETIRED_IN_BOTH = """villages:
  - code: '371502102009'
    name: 小王庄村委会
    township: '371502102'
    year: 2021
    kind: merged
    successors: ['371502102002']
  - code: '371602099001'
    name: 老街社区居委会
    township: '371602099'
    year: 2019
    kind: merged
    successors: ['371602001002']
townships:
  - code: '371602099'
    name: 老城街道
    county: '371602'
    year: 2019
    kind: merged
    successors: ['371602001']
"""


def test_one_city_roster_takes_whoever_serves_or_works_there_and_only_its_retired_codes(tmp_path: Path) -> None:
    """An advisor on a team of the city but employed in another city, and one employed there who serves
    nobody yet, both belong to the city's site (with their employers); retired codes stay with their city."""
    root = two_city_roster(tmp_path)
    edit(root, "371602001-市中街道.yaml", "team: ['A0101']", "team: ['A0101', 'A0102']")
    with (root / "advisors.yaml").open("a", encoding="utf-8") as f:
        f.write("  - id: A0102\n    name: 周涛\n    role: lawyer\n    organization: LF001\n    phone: '13905430102'\n"
                "  - id: A0103\n    name: 吴静\n    role: lawyer\n    organization: LF101\n    phone: '13905430103'\n")
    (root / "retired.yaml").write_text(RETIRED_IN_BOTH, encoding="utf-8")
    checked = read_roster(root)
    assert [p.code for p in checked.problems] == ["advisor-idle"], [p.format() for p in checked.problems]
    one = checked.roster.only_city("3716")
    assert [a.id for a in one.advisors] == ["A0101", "A0102", "A0103"]
    assert [o.id for o in one.organizations] == ["LF001", "LF101"]  # 聊城's firm employs one of 滨州's team
    assert [r.code for r in one.retired_townships] == ["371602099"]
    assert [r.code for r in one.retired_villages] == ["371602099001"]  # its township is retired too
    other = checked.roster.only_city("3715")
    assert [r.code for r in other.retired_villages] == ["371502102009"] and other.retired_townships == ()
    assert "A0103" not in {a.id for a in other.advisors}


def test_a_city_without_units_yet_has_an_empty_site_not_an_error(tmp_path: Path) -> None:
    root = two_city_roster(tmp_path)
    with (root / "cities.yaml").open("a", encoding="utf-8") as f:
        f.write("  - id: '3717'\n    name: 德州市\n    code: '3714'\n    local_hotline: '0534-12348'\n")
    with (root / "counties.yaml").open("a", encoding="utf-8") as f:  # and a unit whose townships are not entered yet
        f.write("  - id: '371603'\n    code: '371603'\n    name: 新区\n    kind: county\n    city: '3716'\n")
    roster = read_roster(root).roster
    one = roster.only_city("3717")
    assert (one.counties, one.townships, one.advisors, one.programme.city) == ((), (), (), "德州市")
    assert select_villages(roster, city="3717") == [] and select_villages(roster, county="371603") == []
    assert [v.code for v in select_villages(roster, city="3716")] == ["371602001001", "371602001002"]


def test_portal_links_every_city_to_its_own_site(tmp_path: Path) -> None:
    root = two_city_roster(tmp_path)
    edit(root, "cities.yaml", "    local_hotline: '0635-12348'\n",
         "    local_hotline: '0635-12348'\n    base_url: https://lc.example/\n")
    checked = read_roster(root)
    assert checked.problems == []
    one = checked.roster.only_city("3716")
    path, html = site(one).portal_page()
    assert path == "cities/index.html"
    assert 'href="https://lc.example/city/3715/"' in html  # another city's own site
    assert 'href="../city/3716/"' in html  # this site's city
    # a city of another site without an address yet is named, never linked to a page this site lacks
    bare = read_roster(two_city_roster(tmp_path / "bare")).roster.only_city("3716")
    html = site(bare).portal_page()[1]
    assert "聊城市" in html and "../city/3715/" not in html and 'href="../city/3716/"' in html
    # a city with its own site prints that site's address on its cards
    card = card_content(checked.roster, checked.roster.village["371502001003"])
    assert card.url == "https://lc.example/v/371502001003/"


@pytest.mark.slow
def test_one_city_build_has_only_its_villages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = project(tmp_path / "project", two_city_roster(tmp_path))
    monkeypatch.setenv("ROSTER_CITY", "3716")  # mkdocs.yml: city: !ENV [ROSTER_CITY, ""]
    result = mkdocs_build(folder)
    assert result.returncode == 0, result.stderr
    out = folder / "site"
    assert {p.name for p in (out / "v").iterdir()} == {"371602001001", "371602001002"}
    assert {p.name for p in (out / "t").iterdir()} == {"371602001"}
    assert {p.name for p in (out / "print").iterdir()} == {"371602001", "back"}
    assert {p.name for p in (out / "city").iterdir()} == {"3716"}
    # its search finds the whole province (issue 10), its own city's places first
    search = (out / "search.json").read_text(encoding="utf-8")
    assert "市中街道" in search and "古楼街道" in search and "东昌府区" in search
    assert 'data-city="3716"' in (out / "index.html").read_text(encoding="utf-8")
    assert 'data-county="371602" data-city="3716"' in (out / "v" / "371602001001" / "index.html").read_text(encoding="utf-8")
    assert "/v/3715" not in (out / "sitemap.xml").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO((out / "data" / "stats.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0]["level"] == "programme" and rows[0]["villages"] == "2" and rows[0]["name"] == "滨州市"
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "0543-12348" in home and "0531-12348" not in home
    assert "<title>首页 - 滨州市村居法律顾问</title>" in home and "聊城村居法律顾问" not in home
    assert "聊城市" in (out / "cities" / "index.html").read_text(encoding="utf-8")
    monkeypatch.setenv("ROSTER_CITY", "3799")
    result = mkdocs_build(folder)
    assert result.returncode != 0 and "found '3799'; the cities: 3715, 3716" in result.stderr


def test_a_city_hotline_change_is_listed_and_reprints_exactly_its_cards(tmp_path: Path) -> None:
    root = two_city_roster(tmp_path)
    before = read_roster(root).roster
    edit(root, "cities.yaml", "'0543-12348'", "'0543-2612348'")
    after = read_roster(root).roster
    d = diff(before, after)
    assert [(c.section, c.action, c.key) for c in d.changes] == [("city", "changed", "3716")]
    assert d.changes[0].details == (("local_hotline", "0543-12348", "0543-2612348"),)
    assert sorted(code for code, _ in d.reprint) == ["371602001001", "371602001002"]  # 滨州市's cards only
