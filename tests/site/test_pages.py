"""Data pages rendered in this process (generator/site/pages.py): what each page says, for rosters the
small one does not cover — a province with a city or unit not entered yet, retired townships in a
chain, a site name. Fast: no MkDocs; tests/build/test_site.py checks the built site."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

import jinja2
import pytest

from generator.build.pipeline import read_roster
from generator.core import urls
from generator.core.model import Roster
from generator.site.pages import Assets, Site, data_page_urls, environment, find_assets, menu_items, page_tasks
from tests.changes.test_merge import SMALL_RETIRED
from tests.helpers import ROOT
from tests.helpers.roster_edit import SMALL, copy_roster, edit
from tests.helpers.two_cities import two_city_roster

TEMPLATES = ROOT / "overrides" / "data"


def site(roster: Roster, name: str = "村居法律顾问") -> Site:
    return Site(roster, environment(TEMPLATES), Assets(), name)


def every_page(roster: Roster) -> dict[str, str | bytes]:
    s = site(roster)
    return {path: content for task in page_tasks(roster) for path, content in s.pages_for(task)}


def area_pages(roster: Roster) -> dict[str, str]:
    """The pages of the ``counties`` task: 最近更新, each city, the portal, each county-level unit."""
    return {path: str(content) for path, content in site(roster).pages_for(("counties", ""))}


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Roster:
    """Two cities with units and townships, a third city with no unit yet, and a unit with no township yet."""
    root = two_city_roster(tmp_path_factory.mktemp("province"))
    with (root / "cities.yaml").open("a", encoding="utf-8") as f:
        f.write("  - id: '3714'\n    name: 德州市\n    code: '3714'\n    local_hotline: '0534-12348'\n")
    with (root / "counties.yaml").open("a", encoding="utf-8") as f:
        f.write("  - id: '371603'\n    code: '371603'\n    name: 新区\n    kind: county\n    city: '3716'\n"
                "    centre:\n      name: 新区公共法律服务中心\n      address: 新区一路1号\n      phone: '0543-3210002'\n"
                "      hours: 周一至周五 9:00—17:00\n")
    checked = read_roster(root)
    assert checked.problems == []
    return checked.roster


def test_a_city_or_unit_not_entered_yet_has_its_page_saying_so(province: Roster) -> None:
    pages = area_pages(province)
    assert "县级单位（0个）" in pages["city/3714/index.html"]
    assert "县级单位（2个）" in pages["city/3716/index.html"]  # 滨城区 and 新区
    assert "新区公共法律服务中心" in pages["c/371603/index.html"]


def test_a_units_and_townships_pages_call_their_citys_hotline(province: Roster) -> None:
    s = site(province)
    _, county = s.county_page(province.county["371602"], {a.id: a for a in s.report.area("county", "371602").children})
    _, township = s.township_page(province.township["371602001"])
    for html in (county, township):
        assert 'href="tel:054312348"' in html and "0531-12348" not in html and "0635-12348" not in html


def test_area_pages_state_the_programmes_limit_of_villages_per_advisor(province: Roster) -> None:
    limit = province.programme.max_villages_per_advisor
    pages = area_pages(province)
    _, pages["t/371502001/index.html"] = site(province).township_page(province.township["371502001"])
    for url in ("city/3715/", "c/371502/", "t/371502001/"):
        assert f"超过上限（{limit} 个）" in pages[url + "index.html"], url


def test_the_search_box_knows_where_the_reader_is(province: Roster) -> None:
    """A unit's, township's or village's page tells its header's search its unit and city (box.js ranks and
    fetches those places first: of 28 王庄, the reader's own); a page of no unit tells it the city only."""
    s = site(province)
    village = province.village["371602001001"]
    rows = {a.id: a for a in s.report.area("county", "371602").children}
    pages = {"village": s.village_page(village)[1], "township": s.township_page(province.township["371602001"])[1],
             "county": s.county_page(province.county["371602"], rows)[1], "city": s.city_page(province.city["3716"])[1]}

    def box(html: str) -> dict[str, str]:
        form = re.search(r'<form class="dir-search" role="search"([^>]*)>', html)
        assert form, "no search box in the header"
        return dict(re.findall(r'data-(county|city)="([^"]*)"', form.group(1)))

    assert {kind: box(html) for kind, html in pages.items()} == {
        "village": {"county": "371602", "city": "3716"}, "township": {"county": "371602", "city": "3716"},
        "county": {"county": "371602", "city": "3716"}, "city": {"city": "3716"}}


def test_every_tel_link_dials_digits_alone(province: Roster) -> None:
    """A hotline may be written 0531-12348 (a province's, or a city's): the header's ☎, the finder's buttons and
    every number dial its digits alone (RFC 3966 allows separators; not every phone's dialler does)."""
    roster = replace(province, programme=replace(province.programme, hotline="0531-12348"))
    s = site(roster)
    html = s.village_page(roster.village["371602001001"])[1] + s.city_page(roster.city["3716"])[1]
    dialled = re.findall(r'href="tel:([^"]*)"', html)
    assert "053112348" in dialled and [d for d in dialled if not d.isdigit()] == []


def test_a_province_of_one_city_has_no_portal(province: Roster) -> None:
    """The portal lists a province's cities to choose from: with one city there is nothing to choose."""
    one = replace(province.only_city("3716"), province=())
    assert urls.CITIES not in data_page_urls(one) and urls.CITIES + "index.html" not in area_pages(one)
    assert urls.CITIES in data_page_urls(province) and urls.CITIES + "index.html" in area_pages(province)


def test_pages_name_the_site_they_belong_to(tmp_path: Path) -> None:
    roster = read_roster(SMALL).roster
    _, html = site(roster, "某市村居法律顾问").village_page(roster.village["371502001003"])
    assert '<meta property="og:site_name" content="某市村居法律顾问">' in html


def test_an_advisor_page_names_their_organization_and_teams() -> None:
    roster = read_roster(SMALL).roster
    _, html = site(roster).advisor_page(roster.advisor["A0005"])
    assert "<p>蒋官屯街道司法所" in html  # on the page, not only in its JSON-LD
    teams = re.search(r'<section class="dir-extra" aria-labelledby="h-teams">.*?</section>', html, re.S)
    assert teams and 'href="../../t/371502010/"' in teams.group(0)


def test_an_advisors_contact_card_carries_organization_and_villages() -> None:
    roster = read_roster(SMALL).roster
    path, card = site(roster).advisor_contact(roster.advisor["A0005"])
    text = card.decode("utf-8").replace("\r\n ", "")  # unfolded
    assert path == "a/A0005/contact.vcf"
    assert "ORG:蒋官屯街道司法所" in text and "余庄村（蒋官屯街道）、玉庄村（蒋官屯街道）、窎桥社区（蒋官屯街道）" in text


#: test_merge's retired codes, and a township retired into one that was retired itself later (老集镇)
RETIRED_CHAIN = SMALL_RETIRED + """  - code: '371502198'
    name: 新集镇
    county: '371502'
    year: 2015
    kind: merged
    successors: ['371502199']
"""


def test_a_retired_township_names_its_successor_live_or_retired(tmp_path: Path) -> None:
    roster_dir = tmp_path / "data"
    shutil.copytree(SMALL, roster_dir)
    (roster_dir / "retired.yaml").write_text(RETIRED_CHAIN, encoding="utf-8")
    checked = read_roster(roster_dir)
    assert checked.problems == []
    pages = every_page(checked.roster)
    older, old = str(pages["t/371502198/index.html"]), str(pages["t/371502199/index.html"])
    assert '本乡镇已于2015年并入<a href="../../t/371502199/">老集镇</a>。' in older  # retired itself: its own name
    assert '本乡镇已于2019年并入<a href="../../t/371502102/">堂邑镇</a>。' in old


def test_a_typo_in_a_template_fails_rather_than_printing_nothing(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("{{ village.nmae }}", encoding="utf-8")
    with pytest.raises(jinja2.UndefinedError):
        environment(tmp_path).get_template("page.html").render(village={"name": "王庄村"})


def test_template_tags_leave_no_blank_lines() -> None:
    """Pages are read on slow data: a template tag on a line of its own leaves no line in the page (the
    few blank lines a page has, four at most, come from the templates' text; without trimming, thirty)."""
    roster = read_roster(SMALL).roster
    for path, html in every_page(roster).items():
        if path.endswith(".html"):
            blank = [line for line in str(html).splitlines() if not line.strip()]
            assert len(blank) <= 4, (path, len(blank))


def test_what_every_page_shares_is_drawn_once_per_arguments(tmp_path: Path) -> None:
    """The header and menu (chrome's same-for-all macros) and what shared() draws are made once per
    arguments (or key) in a worker, and again for other ones: the same object comes back."""
    env = environment(ROOT / "overrides" / "data")
    chrome, shared = env.globals["chrome"], env.globals["shared"]
    header = chrome.header("../../", "站", "12348", "../../search.json", "", "")
    assert chrome.header("../../", "站", "12348", "../../search.json", "", "") is header
    assert chrome.header("../", "站", "12348", "../search.json", "", "") is not header
    services = shared("../../", "services_list", "../../")
    assert shared("../../", "services_list", "../../") is services and 'href="../../guides/' in services
    other = shared("../", "services_list", "../")
    assert other is not services and 'href="../guides/' in other


def test_a_menu_marks_the_page_it_is_on_and_no_other() -> None:
    entries = [("首页", ""), ("服务指南", urls.GUIDES), ("覆盖统计", urls.STATS)]
    assert menu_items(entries, "../", urls.GUIDES) == [("首页", "../", False), ("服务指南", "../" + urls.GUIDES, True),
                                                       ("覆盖统计", "../" + urls.STATS, False)]
    assert not any(current for _, _, current in menu_items(entries, "../../", "v/371502102201/"))


def test_data_pages_link_the_themes_hashed_stylesheets_then_ours(tmp_path: Path) -> None:
    css = tmp_path / "assets" / "stylesheets"
    css.mkdir(parents=True)
    for name in ("main.1a2b.min.css", "palette.3c4d.min.css", "other.css"):
        (css / name).write_text("", encoding="utf-8")
    assets = find_assets(tmp_path)
    assert assets.stylesheets[:2] == ("assets/stylesheets/main.1a2b.min.css", "assets/stylesheets/palette.3c4d.min.css")
    assert len(assets.stylesheets) == 5 and assets.scripts == ("assets/javascripts/search.js",)
    for ours in assets.stylesheets[2:] + assets.scripts:  # MkDocs copies them from overrides/
        assert (ROOT / "overrides" / ours).is_file(), ours


def test_templates_read_every_url_from_urls_py() -> None:
    """urls.py is the one source of the site's URLs: every name it offers templates is read by one,
    and gives what urls.py makes."""
    read = set()
    for path in [*(ROOT / "overrides").rglob("*.html"), *(ROOT / "overrides").rglob("*.md"), *(ROOT / "content").rglob("*.md")]:
        read |= set(re.findall(r"\b([a-z_]+_url)\b", path.read_text(encoding="utf-8")))
    offered = urls.template_globals()
    assert set(offered) <= read, set(offered) - read
    for name, value in offered.items():
        made = value("X") if callable(value) else value
        assert made in {urls.village_url("X"), urls.township_url("X"), urls.county_url("X"), urls.advisor_url("X"),
                        urls.city_url("X"), urls.print_url("X"), urls.guide_url("X"), urls.village_vcard_url("X"),
                        urls.advisor_vcard_url("X"), urls.GUIDES, urls.STATS, urls.CHANGES, urls.CITIES,
                        urls.SEARCH_INDEX, urls.STATS_CSV, urls.STATS_JSON, urls.CHANGES_FEED, urls.OPEN_DATA}, name
    assert (offered["stats_csv_url"], offered["stats_json_url"]) == (urls.STATS_CSV, urls.STATS_JSON)


def test_a_village_without_an_advisor_and_one_merged_into_it_show_none_whatever_the_advisors_ids(tmp_path: Path) -> None:
    """A gap tolerated as a warning: the village's page, its row on the township page, the page of a
    village merged into it and its contact card name no advisor — not even one whose id is an unusual word."""
    root = copy_roster(tmp_path)
    edit(root, "programme.yaml", "max_villages_per_advisor: 3", "max_villages_per_advisor: 3\ncoverage_gap: warning")
    edit(root, "371502001-古楼街道.yaml", "name: 王庄村委会\n    advisor: A0002\n", "name: 王庄村委会\n    advisor:\n")
    with (root / "advisors.yaml").open("a", encoding="utf-8") as f:
        f.write("  - id: XXXX\n    name: 冒名\n    role: lawyer\n    organization: LF001\n    phone: '13905359999'\n")
    (root / "retired.yaml").write_text("villages:\n  - code: '371502001009'\n    name: 旧村委会\n    township: '371502001'\n"
                                      "    year: 2020\n    kind: merged\n    successors: ['371502001003']\n", encoding="utf-8")
    checked = read_roster(root)
    assert checked.ok, checked.problems
    s = site(checked.roster)
    village = checked.roster.village["371502001003"]
    _, html = s.village_page(village)
    assert "本村暂未配备法律顾问" in html and "冒名" not in html and "provider" not in html
    _, township = s.township_page(checked.roster.township["371502001"])
    assert "冒名" not in township
    _, retired = s.retired_page(checked.roster.retired_village["371502001009"], True)  # merged into it
    assert "王庄村" in retired and "冒名" not in retired
    _, card = s.village_contact(village)
    assert "冒名" not in card.decode("utf-8") and "13905359999" not in card.decode("utf-8")
