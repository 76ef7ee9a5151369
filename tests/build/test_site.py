"""The built site, page by page, from the small hand-made roster."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.helpers import ROOT, TESTS
from tests.helpers.roster_edit import SMALL, edit
from tests.helpers.sites import mkdocs_build, project, tree_digest

GUIDES = ("lawyer", "legal-worker", "appraisal", "learn", "notary", "legal-aid", "mediation", "exam")


@pytest.fixture
def built(small_site: Path) -> Path:
    return small_site


@pytest.fixture(params=["small_site", "small_pages"])
def data_pages(request: pytest.FixtureRequest) -> Path:
    """The data pages of the small roster: of the real build, and rendered in the test's own process
    (which mutation testing sees; a build runs in another process)."""
    return Path(request.getfixturevalue(request.param))


def page(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def jsonld(html: str) -> dict:
    m = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert m, "no JSON-LD"
    return json.loads(m.group(1))


def test_urls_are_the_ones_the_docs_promise() -> None:
    """URLs are printed on cards and live for years: urls.py makes exactly the table of docs/site.md."""
    from generator.core import urls

    readme = (ROOT / "docs" / "site.md").read_text(encoding="utf-8")
    promised = {
        "village": urls.village_url("<12-digit code>"), "township": urls.township_url("<9-digit code>"),
        "city (a province's roster only)": urls.city_url("<id>"), "county-level unit": urls.county_url("<id>"),
        "advisor": urls.advisor_url("<id>"), "print sheets": urls.print_url("<township code>"),
        "contact cards (vCard 3.0: save the advisor to the phone book)":
            f"{urls.village_vcard_url('<code>')}`, `/{urls.advisor_vcard_url('<id>')}",
        "guides, statistics": f"{urls.guide_url('<service>')}`, `/{urls.STATS}",
    }
    for page_kind, url in promised.items():
        assert f"| {page_kind} | `/{url}` |" in readme, page_kind


def test_village_page(data_pages: Path) -> None:
    html = page(data_pages, "v/371502001003")
    crumbs = re.search(r'<nav class="dir-crumbs".*?</nav>', html, re.S).group(0)
    assert re.findall(r">([^<>]+)</(?:a|span)>", crumbs) == ["王庄村", "古楼街道", "东昌府区"]
    assert 'href="../../t/371502001/"' in crumbs and 'href="../../c/371502/"' in crumbs
    text = text_of(html)
    assert "李秀英" in text and "<p>法律服务工作者 · 古楼法律服务所</p>" in html  # the advisor's, not the team list's
    assert '<a class="dir-call" href="tel:13905350002">' in html
    assert 'href="tel:12348"' in html and 'href="tel:063512348"' in html and "0635-12348" in text
    for member in ("张伟", "王建国", "李秀英"):  # the township team
        assert member in text
    assert "古楼街道便民服务中心二楼" in text and "东昌府区公共法律服务中心" in text and "东昌府区柳园南路10号" in text
    for slug in GUIDES:
        assert f'href="../../guides/{slug}/"' in html
    assert 'href="../../print/371502001/#v371502001003"' in html
    assert "示例数据" in text


def test_village_jsonld(data_pages: Path) -> None:
    ld = jsonld(page(data_pages, "v/371502102001"))
    assert ld["@context"] == "https://schema.org" and ld["@type"] == "GovernmentService"
    assert ld["areaServed"]["identifier"] == "371502102001"
    assert ld["areaServed"]["containedInPlace"]["name"] == "堂邑镇"
    assert ld["provider"]["name"] == "刘洋" and ld["provider"]["telephone"] == "15805350004"
    phones = {cp["telephone"] for cp in ld["serviceOperator"]["contactPoint"]}
    assert phones == {"12348", "0635-12348"}
    assert ld["url"] == "https://fw.lc.example/v/371502102001/"


def test_advisor_page(data_pages: Path) -> None:
    html = page(data_pages, "a/A0005")
    text = text_of(html)
    assert "赵敏" in text and "司法所工作人员" in text and "蒋官屯街道司法所" in text
    assert 'href="tel:18605350005"' in html
    for code in ("371502010001", "371502010002", "371502010003"):
        assert f'href="../../v/{code}/"' in html
    assert "余庄村" in text and "玉庄村" in text and "窎桥社区" in text
    assert 'href="../../t/371502010/"' in html
    ld = jsonld(html)
    assert ld["@type"] == "GovernmentService" and len(ld["areaServed"]) == 3


def test_township_page(data_pages: Path) -> None:
    html = page(data_pages, "t/371502102")
    text = text_of(html)
    assert "堂邑镇" in text and "堂邑镇政府院内" in text and 'href="tel:06358420001"' in html
    assert "前董村 刘洋" in text and "堌堆村 李秀英" in text  # each village with its advisor
    assert 'href="../../print/371502102/"' in html
    assert 'href="tel:15805350004"' in html  # team phones


def test_county_pages(data_pages: Path) -> None:
    text = text_of(page(data_pages, "c/kaifaqu"))
    assert "开发区公共法律服务中心" in text and "开发区黄山南路6号" in text and "蒋官屯街道" in text
    assert "3个村居" in text
    assert "古楼街道" in text_of(page(data_pages, "c/371502"))


def test_home_stats_and_guides(built: Path) -> None:
    home = text_of(page(built, ""))
    assert "12348" in home and "0635-12348" in home
    assert "9 个村居" in home and "100%" in home
    for label in ("找律师", "找法工", "寻鉴定", "学法律", "办公证", "求法援", "要调解", "考司考"):
        assert label in home
    assert 'href="c/kaifaqu/"' in page(built, "")
    stats = page(built, "stats")
    # the coverage chart has a labelled bar for each county-level unit
    assert {"东昌府区", "聊城经济技术开发区"} <= set(re.findall(r'stats-bars__label">([^<]+)<', stats))
    assert re.search(r">蒋官屯街道</a></th>\s*<td>3</td>\s*<td>3</td>\s*<td>0</td>", stats)
    for slug in GUIDES:
        guide = text_of(page(built, f"guides/{slug}"))
        assert "12348" in guide and "TODO" not in guide and len(guide) > 600


def test_private_fields_never_reach_the_site(built: Path) -> None:
    for path in built.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".js", ".txt", ".svg", ".csv", ".vcf"):
            data = path.read_text(encoding="utf-8", errors="replace")
            assert "SENTINEL" not in data and "371502198001010018" not in data, path


def test_nothing_is_loaded_from_another_host(built: Path) -> None:
    loads = re.compile(r'<(?:script|img|iframe|source|audio|video)[^>]+src="(https?:)?//|<link(?![^>]*rel="canonical")[^>]+href="(https?:)?//')
    for path in built.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert not loads.search(html), path
    for css in built.rglob("*.css"):
        assert not re.search(r"@import|url\((['\"]?)(https?:)?//", css.read_text(encoding="utf-8")), css


def test_sitemap_lists_every_page_without_dates(built: Path) -> None:
    xml = (built / "sitemap.xml").read_text(encoding="utf-8")
    assert "<lastmod>" not in xml
    for url in ("v/371502010003/", "t/371502102/", "c/kaifaqu/", "a/A0003/", "guides/exam/", "stats/"):
        assert f"<loc>https://fw.lc.example/{url}</loc>" in xml
    assert xml.count("<loc>") == 9 + 3 + 2 + 5 + 9 + 1 + 1 + 1  # + guides, home, stats, the open data's page
    assert "/print/" not in xml  # sheets are for staff, not search engines


@pytest.mark.slow  # three real builds
def test_builds_are_byte_identical_and_failures_atomic(tmp_path: Path) -> None:
    folder = project(tmp_path / "p", SMALL)
    assert mkdocs_build(folder).returncode == 0
    first = tree_digest(folder / "site")
    assert mkdocs_build(folder).returncode == 0
    assert tree_digest(folder / "site") == first
    edit(folder / "data", "371502102-堂邑镇.yaml", "advisor: A0004", "advisor: A0040")
    r = mkdocs_build(folder)
    assert r.returncode != 0
    assert "371502102-堂邑镇.yaml:13:14: error: villages[0].advisor" in r.stderr and "[unknown-advisor]" in r.stderr
    assert "Traceback" not in r.stderr
    assert tree_digest(folder / "site") == first
    # no staging or old folder left; the lock file stays (removing it would race a waiting build),
    # and so do the parse cache and the record of the published site
    assert sorted(p.name for p in folder.iterdir()) == [".cache", ".site.lock", ".site.manifest", "content", "data",
                                                        "mkdocs.yml", "overrides", "site"]


@pytest.mark.slow  # real builds of a roster: the full run covers it
def test_real_roster_has_no_sample_banner(tmp_path: Path) -> None:
    folder = project(tmp_path / "p", SMALL)
    edit(folder / "data", "programme.yaml", "sample: true", "sample: false")
    assert mkdocs_build(folder).returncode == 0
    for url in ("", "v/371502001001", "guides/lawyer"):
        assert "示例数据" not in page(folder / "site", url)
    assert 'href="tel:12348"' in page(folder / "site", "guides/lawyer")  # the header's hotline


@pytest.mark.slow  # real builds of a roster: the full run covers it
def test_a_gap_tolerated_as_a_warning_still_builds_honest_pages(tmp_path: Path) -> None:
    folder = project(tmp_path / "p", SMALL)
    edit(folder / "data", "programme.yaml", "max_villages_per_advisor: 3", "max_villages_per_advisor: 3\ncoverage_gap: warning")
    edit(folder / "data", "371502001-古楼街道.yaml", "name: 王庄村委会\n    advisor: A0002\n", "name: 王庄村委会\n    advisor:\n")
    r = mkdocs_build(folder)
    assert r.returncode == 0, r.stderr  # a warning (mkdocs -q hides warnings)
    html = page(folder / "site", "v/371502001003")
    assert "本村暂未配备法律顾问" in text_of(html) and 'href="tel:12348"' in html
    ld = jsonld(html)
    assert "provider" not in ld and "null" not in json.dumps(ld)
    assert "全覆盖" in page(folder / "site", "stats") and "88.89%" in page(folder / "site", "stats")


def test_data_pages_link_the_stylesheets_the_build_wrote(built: Path) -> None:
    from generator.site.pages import find_assets

    assets = find_assets(built)
    names = [Path(p).name for p in assets.stylesheets]
    assert names[0].startswith("main.") and names[1].startswith("palette.")  # Material's, hashed
    assert names[2:] == ["directory.css", "search.css", "phone.css"]  # then ours, which override them
    assert assets.scripts == ("assets/javascripts/search.js",)
    for path in (*assets.stylesheets, *assets.scripts):
        assert (built / path).is_file(), path


def test_the_sitemap_is_xml_listing_every_data_page_once(tmp_path: Path) -> None:
    from xml.etree import ElementTree

    from generator.build.pipeline import read_roster
    from generator.site.pages import data_page_urls, sitemap
    from tests.helpers.two_cities import two_city_roster

    roster = read_roster(two_city_roster(tmp_path)).roster
    xml = sitemap("https://x.example/", [*data_page_urls(roster), "stats/", "stats/"])
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<urlset ') and xml.endswith("\n</urlset>\n")
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    tree = ElementTree.fromstring(xml.encode("utf-8"))
    assert tree.tag == f"{ns}urlset"
    locs = [e.text or "" for e in tree.iter(f"{ns}loc")]
    assert len(locs) == len(set(locs))
    expected = ["cities/", "city/3715/", "city/3716/", "c/371502/", "c/kaifaqu/", "c/371602/", "stats/"]
    expected += [f"t/{t.code}/" for t in roster.townships] + [f"v/{v.code}/" for v in roster.villages]
    expected += [f"a/{a.id}/" for a in roster.advisors]
    assert sorted(locs) == sorted("https://x.example/" + u for u in expected)
    one = roster.only_city("3716")  # one city's site of a province: the portal still lists the cities
    assert data_page_urls(one)[:2] == ["cities/", "city/3716/"]
    assert "cities/" not in data_page_urls(read_roster(SMALL).roster)  # a city's roster has no portal


def test_render_tasks_cover_every_advisor_once_in_pieces_of_400() -> None:
    from dataclasses import replace

    from generator.build.pipeline import read_roster
    from generator.site.pages import page_tasks

    small = read_roster(SMALL).roster
    many = replace(small, advisors=tuple(replace(small.advisors[0], id=f"A{i:04d}") for i in range(801)))
    pieces = [key.split(",") for kind, key in page_tasks(many) if kind == "advisors"]
    assert [len(p) for p in pieces] == [400, 400, 1]
    assert [id_ for p in pieces for id_ in p] == [a.id for a in many.advisors]


def test_every_page_of_a_roster_is_rendered_once(tmp_path: Path) -> None:
    """The render tasks write each data page, contact card and retired code's page, and nothing twice."""
    from generator.build.pipeline import read_roster
    from generator.site.pages import Assets, Site, data_page_urls, environment, page_tasks
    from tests.helpers.two_cities import two_city_roster

    root = two_city_roster(tmp_path)
    (root / "retired.yaml").write_text(
        "townships:\n  - code: '371602099'\n    name: 老城街道\n    county: '371602'\n    year: 2019\n"
        "    kind: merged\n    successors: ['371602001']\n", encoding="utf-8")
    roster = read_roster(root).roster
    site = Site(roster, environment(ROOT / "overrides" / "data"), Assets(), "test")
    written: list[str] = []
    for task in page_tasks(roster):
        for path, _ in site.pages_for(task):
            written.append(path)
    assert len(written) == len(set(written))
    pages = {p.removesuffix("index.html") for p in written if p.endswith("index.html")}
    assert set(data_page_urls(roster)) <= pages
    assert {"changes/", "t/371602099/"} <= pages
    vcards = {p for p in written if p.endswith("contact.vcf")}
    assert len(vcards) == len(roster.villages) + len(roster.advisors)


GOLDEN_JSONLD = TESTS / "golden" / "jsonld.json"


def test_jsonld_of_each_page_kind_is_the_golden_one(small_pages: Path) -> None:
    """Search engines and WeChat read it: two village pages' and an advisor page's JSON-LD,
    whole. After an intended change: ``UPDATE_GOLDEN=1 python3 -m pytest tests/build/test_site.py`` and review the diff."""
    import os

    found = {url: jsonld(page(small_pages, url)) for url in ("v/371502102001", "v/371502001003", "a/A0005")}
    text = json.dumps(found, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN_JSONLD.write_text(text, encoding="utf-8")
    assert text == GOLDEN_JSONLD.read_text(encoding="utf-8")
