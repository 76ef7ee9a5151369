"""The built site, page by page, from the small hand-made roster."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from roster_edit import SMALL, edit
from sites import mkdocs_build, project, tree_digest

GUIDES = ("lawyer", "legal-worker", "appraisal", "learn", "notary", "legal-aid", "mediation", "exam")


@pytest.fixture
def built(small_site: Path) -> Path:
    return small_site


def page(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def jsonld(html: str) -> dict:
    m = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert m, "no JSON-LD"
    return json.loads(m.group(1))


def test_urls_are_the_ones_the_readme_promises() -> None:
    """URLs are printed on cards and live for years: urls.py makes exactly the README's table."""
    from generator import urls

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
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


def test_village_page(built: Path) -> None:
    html = page(built, "v/371502001003")
    crumbs = re.search(r'<nav class="dir-crumbs".*?</nav>', html, re.S).group(0)
    assert re.findall(r">([^<>]+)</(?:a|span)>", crumbs) == ["王庄村", "古楼街道", "东昌府区"]
    assert 'href="../../t/371502001/"' in crumbs and 'href="../../c/371502/"' in crumbs
    text = text_of(html)
    assert "李秀英" in text and "法律服务工作者 · 古楼法律服务所" in text
    assert '<a class="dir-call" href="tel:13905350002">' in html
    assert 'href="tel:12348"' in html and 'href="tel:063512348"' in html and "0635-12348" in text
    for member in ("张伟", "王建国", "李秀英"):  # the township team
        assert member in text
    assert "古楼街道便民服务中心二楼" in text and "东昌府区公共法律服务中心" in text and "东昌府区柳园南路10号" in text
    for slug in GUIDES:
        assert f'href="../../guides/{slug}/"' in html
    assert 'href="../../print/371502001/#v371502001003"' in html
    assert "示例数据" in text


def test_village_jsonld(built: Path) -> None:
    ld = jsonld(page(built, "v/371502102001"))
    assert ld["@context"] == "https://schema.org" and ld["@type"] == "GovernmentService"
    assert ld["areaServed"]["identifier"] == "371502102001"
    assert ld["areaServed"]["containedInPlace"]["name"] == "堂邑镇"
    assert ld["provider"]["name"] == "刘洋" and ld["provider"]["telephone"] == "15805350004"
    phones = {cp["telephone"] for cp in ld["serviceOperator"]["contactPoint"]}
    assert phones == {"12348", "0635-12348"}
    assert ld["url"] == "https://fw.lc.example/v/371502102001/"


def test_advisor_page(built: Path) -> None:
    html = page(built, "a/A0005")
    text = text_of(html)
    assert "赵敏" in text and "司法所工作人员" in text and "蒋官屯街道司法所" in text
    assert 'href="tel:18605350005"' in html
    for code in ("371502010001", "371502010002", "371502010003"):
        assert f'href="../../v/{code}/"' in html
    assert "余庄村" in text and "玉庄村" in text and "窎桥社区" in text
    assert 'href="../../t/371502010/"' in html
    ld = jsonld(html)
    assert ld["@type"] == "GovernmentService" and len(ld["areaServed"]) == 3


def test_township_page(built: Path) -> None:
    html = page(built, "t/371502102")
    text = text_of(html)
    assert "堂邑镇" in text and "堂邑镇政府院内" in text and 'href="tel:06358420001"' in html
    assert "前董村 刘洋" in text and "堌堆村 李秀英" in text  # each village with its advisor
    assert 'href="../../print/371502102/"' in html
    assert 'href="tel:15805350004"' in html  # team phones


def test_county_pages(built: Path) -> None:
    text = text_of(page(built, "c/kaifaqu"))
    assert "开发区公共法律服务中心" in text and "开发区黄山南路6号" in text and "蒋官屯街道" in text
    assert "3个村居" in text
    assert "古楼街道" in text_of(page(built, "c/371502"))


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
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".js", ".txt", ".svg"):
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
    assert xml.count("<loc>") == 9 + 3 + 2 + 5 + 9 + 1 + 1  # + guides, home, stats
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
    # and so does the QR cache
    assert sorted(p.name for p in folder.iterdir()) == [".cache", ".site.lock", "content", "data", "mkdocs.yml", "overrides", "site"]


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
