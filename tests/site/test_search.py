"""The search index (generator/site/search.py): structure, size, determinism, privacy.

Fast, pure Python: the browser side is tested in test_search_browser.py.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
import os
import re
import subprocess
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from generator.build.pipeline import read_roster
from generator.core.model import Roster
from generator.site.search import (
    FORMAT_VERSION,
    SPLIT,
    ContentPage,
    digit_keys,
    letters,
    name_keys,
    read_content_pages,
    read_page,
    readings,
    retired_entries,
    search_core,
    search_files,
    traditional_map,
)
from tests.helpers import ROOT
from tests.helpers.roster_edit import SAMPLE, SMALL

SEARCH_JS = ROOT / "overrides" / "assets" / "javascripts" / "search.js"

GUIDE = ContentPage("guides/legal-aid/", "求法援 (法律援助)", "法律援助，是国家为经济困难的群众……免费提供法律咨询。",
                    ("欠薪", "工伤"))

#: The issue's budget for the search data before the first result, at province scale: the core
#: and the near pieces of a query's shards (bench/search.py --province measures it in Chromium).
BUDGET_GZIP = 150_000


@lru_cache(maxsize=2)
def roster(folder: Path) -> Roster:
    checked = read_roster(folder)
    assert checked.ok
    return checked.roster


@lru_cache(maxsize=1)
def sample_files() -> tuple[tuple[str, bytes], ...]:
    return tuple(search_files(roster(SAMPLE), [GUIDE]))


def files(folder: Path) -> tuple[tuple[str, bytes], ...]:
    """The index of ``folder``'s roster, made again at each call for the small roster (8 ms): mutation
    testing forks each mutant's run from a process that has run the tests once, and a cached index
    would hide the mutant. The full sample's (slow tests only) is made once."""
    if folder == SAMPLE:
        return sample_files()
    return tuple(search_files(roster(folder), [GUIDE]))


def index(folder: Path) -> dict[str, Any]:
    return search_core(list(files(folder)))


def shard_paths(data: dict[str, Any]) -> dict[str, list[str]]:
    """Each shard key's files, as the core names them."""
    out: dict[str, list[str]] = {}
    for key, digest in data["shards"].items():
        out[key] = ([f"search/{key}.{digest}.json"] if isinstance(digest, str)
                    else [f"search/{key}-{region}.{d}.json" for region, d in digest.items()])
    return out


def shard(found: dict[str, bytes], data: dict[str, Any], key: str) -> dict[str, list[Any]]:
    """A key's records, its pieces put together."""
    out: dict[str, list[Any]] = {"villages": [], "advisors": []}
    for path in shard_paths(data).get(key, []):
        for kind, rows in json.loads(found[path]).items():
            out[kind] += rows
    return out


def decode_villages(data: dict[str, Any], rows: list[list[Any]]) -> list[tuple[str, str, str, str]]:
    """(code, short name, official name, advisor's name) as the browser reads them."""
    out = []
    for row in rows:
        suffix, short, tail, township, advisor = row[:5]
        official = row[5] if len(row) > 5 else short + data["tails"][tail]
        out.append((data["townships"][township][0] + suffix, short, official, advisor))
    return out


def every_village(folder: Path) -> list[tuple[str, str, str, str]]:
    """Every village of every shard, once each, in code order."""
    data, found = index(folder), dict(files(folder))
    seen = {}
    for key in data["shards"]:
        for v in decode_villages(data, shard(found, data, key)["villages"]):
            seen[v[0]] = v
    return [seen[c] for c in sorted(seen)]


def expected_villages(r: Roster) -> list[tuple[str, str, str, str]]:
    return sorted((v.code, v.short_name, v.name, r.advisor[v.advisor].name if v.advisor else "") for v in r.villages)


def test_small_index_layout() -> None:
    data = index(SMALL)
    r = roster(SMALL)
    assert set(data) == {"v", "url", "kinds", "roles", "ends", "strip", "tails", "cities", "counties", "townships",
                         "pages", "text", "tel", "ts", "py", "py2", "region", "shards", "near"}
    assert data["url"] == {"village": "v/{}/", "township": "t/{}/", "county": "c/{}/", "advisor": "a/{}/", "city": "city/{}/"}
    assert [c[:2] for c in data["counties"]] == [[c.id, c.name] for c in r.counties]
    assert [t[:2] for t in data["townships"]] == [[t.code, t.name] for t in r.townships]
    assert data["townships"][0][2] == 0  # 古楼街道 → 东昌府区
    assert [data["kinds"][c[2]] for c in data["counties"]] == ["县（市、区）" if c.kind == "county" else "功能区" for c in r.counties]
    assert data["cities"] == [] and data["region"] == "county"  # one city's roster: big shards split by unit
    assert every_village(SMALL) == expected_villages(r)
    found = dict(files(SMALL))
    first = next(a for a in shard(found, data, "w")["advisors"] if a[1] == "A0001")  # 王建国
    assert first[:4] == [0, "A0001", "王建国", "13905350001"] and data["roles"][first[4]] == "律师"
    assert data["pages"] == [["guides/legal-aid/", "求法援 (法律援助)", ["欠薪", "工伤"]]]
    assert json.loads(found[data["text"]]) == {"text": [GUIDE.text]}
    assert data["tel"] == ["12348", "0635-12348"]  # the roster's, for the hotline's entry
    # every file the core names is written, and nothing else
    near = {f"search/near-{region}.{d}.json" for region, d in data["near"].items()}
    assert {p for paths in shard_paths(data).values() for p in paths} | near | {data["text"], "search.json"} == set(found)
    assert set(data["near"]) == {c.id for c in r.counties if r.townships_of.get(c.id)}


def test_the_browser_reads_this_format_version() -> None:
    """search.js refuses an index of another version: bump both together."""
    data = index(SMALL)
    assert data["v"] == FORMAT_VERSION
    found = re.findall(r"^\s*const FORMAT_VERSION = (\d+);", SEARCH_JS.read_text(encoding="utf-8"), re.MULTILINE)
    assert found == [str(FORMAT_VERSION)]


def test_villages_store_short_names_and_short_codes() -> None:
    data = index(SMALL)
    row = next(v for v in shard(dict(files(SMALL)), data, "qd")["villages"] if v[1] == "前董村")
    assert row[0] == "001" and row[1] + data["tails"][row[2]] == "前董村村民委员会"
    assert "村民委员会" in data["strip"] and "社区居委会" in data["strip"]
    assert data["ends"][0] == "社区居民委员会" and data["ends"][-1] in {"村", "乡", "镇"}  # longest first


@pytest.mark.slow  # over a second; the full run keeps the quick loop under 30 s
def test_a_shard_lists_every_name_its_key_is_in_anywhere() -> None:
    """A query character may match inside a name: 王庄 (wz) finds 大王庄村 as well as 王庄村, and 庄
    (z) finds every village with 庄 in its short name; the official tail (村民委员会) is no key."""
    r = roster(SAMPLE)
    data, found = index(SAMPLE), dict(files(SAMPLE))
    wz = {v[0] for v in decode_villages(data, shard(found, data, "wz")["villages"])}
    with_wangzhuang = {v.code for v in r.villages if "王庄" in v.short_name}
    assert with_wangzhuang <= wz and any(not v.short_name.startswith("王庄") for v in r.villages if v.code in with_wangzhuang)
    z = {v[0] for v in decode_villages(data, shard(found, data, "z")["villages"])}
    assert {v.code for v in r.villages if "庄" in v.short_name} <= z
    assert "h" in name_keys("委会", readings("委会")) and "wh" not in name_keys("王庄", readings("王庄"))
    assert len(z) < len(r.villages)  # 委 and 会 of every official name would put them all under w and h


def test_phone_digits_and_codes_have_shards() -> None:
    """Any three digits in a row of a phone find its advisor (d…); six digits of a code, its county's villages (n…)."""
    data, found = index(SMALL), dict(files(SMALL))
    for digits in ("139", "535", "001"):  # 13905350001: its start, middle and end
        advisors = shard(found, data, "d" + digits)["advisors"]
        assert "A0001" in [a[1] for a in advisors] and all(digits in a[3] for a in advisors)
    codes = [v[0] for v in decode_villages(data, shard(found, data, "n371502")["villages"])]
    assert codes == sorted(v.code for v in roster(SMALL).villages if v.code.startswith("371502"))


def test_big_shards_are_split_by_region_and_named_by_their_bytes() -> None:
    r = roster(SMALL)
    whole = dict(search_files(r, [GUIDE], split=10**9))
    parts = dict(search_files(r, [GUIDE], split=2))
    data_whole, data_parts = search_core(list(whole.items())), search_core(list(parts.items()))
    assert all(isinstance(d, str) for d in data_whole["shards"].values())
    assert set(data_parts["shards"]["z"]) <= {c.id for c in r.counties}  # one city's roster: by county
    assert len(data_parts["shards"]["z"]) > 1
    for key in ("z", "c", "d139"):
        a, b = shard(whole, data_whole, key), shard(parts, data_parts, key)
        assert a["villages"] + a["advisors"]
        assert sorted(map(json.dumps, a["villages"] + a["advisors"])) == sorted(map(json.dumps, b["villages"] + b["advisors"]))
    for path, body in parts.items():  # a file's name changes with its bytes
        if path.startswith("search/"):
            assert path.rsplit(".", 2)[1] == hashlib.sha256(body).hexdigest()[:10]


def test_readings_cover_rare_and_polyphonic_characters() -> None:
    data = index(SMALL)
    chars: dict[str, list[str]] = {}
    for py in (data["py"], data["py2"]):
        for syllable, cs in sorted(py.items()):
            for ch in cs:
                chars.setdefault(ch, []).append(syllable)
    assert chars["堌"] == ["gu"] and chars["窎"] == ["diao"]
    assert "yu" in chars["余"] and chars["玉"] == ["yu"]  # near-homophones: both are yuzhuang
    assert data["py"]["yu"].count("余") == 1 and "玉" in data["py"]["yu"]
    assert chars["庄"][0] == "zhuang" and len(chars["庄"]) > 1  # polyphonic: the common reading first
    # Only characters of indexed names and titles, and every one of them.
    r = roster(SMALL)
    names = "".join(c[1] for c in data["counties"]) + "".join(t[1] for t in data["townships"])
    names += "".join(a.name for a in r.advisors) + "".join(v[2] for v in every_village(SMALL)) + GUIDE.title
    assert set(chars) == {ch for ch in names if not ch.isascii()} - {"（", "）"}
    assert "困" not in chars  # from the guide's text, which is searched by characters only


def test_readings_write_u_umlaut_as_v_and_u() -> None:
    assert readings("吕") == {"吕": ["lv", "lu"]}
    assert readings("a1（") == {}


def test_no_private_field_reaches_the_index() -> None:
    raw = b"".join(body for _, body in files(SMALL)).decode("utf-8")
    assert "SENTINEL" not in raw
    assert "371502198001010018" not in raw  # the ID-card number of A0001
    assert "studio" not in raw and "党群服务中心" not in raw  # studios are on the pages, not searched


def test_index_is_deterministic() -> None:
    r = roster(SMALL)
    first = search_files(r, [GUIDE])
    assert search_files(r, [GUIDE]) == first
    for _, body in first:
        assert body == json.dumps(json.loads(body), ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    # and in a process with another hash seed, where sets iterate in another order
    code = ("import hashlib, sys; from generator.build.pipeline import read_roster; from generator.site.search import ContentPage, search_files; "
            f"g = ContentPage(*{dataclasses.astuple(GUIDE)!r}); "
            f"sys.stdout.write(repr([(p, hashlib.sha256(b).hexdigest()) for p, b in search_files(read_roster({str(SMALL)!r}).roster, [g])]))")
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                           env={**os.environ, "PYTHONHASHSEED": "1"}).stdout
    assert other == repr([(p, hashlib.sha256(b).hexdigest()) for p, b in first])


def test_page_text_takes_the_article() -> None:
    html = """<html><head><title>x</title><script>var no = 1;</script></head><body>
    <nav>菜单</nav><article class="md-content__inner md-typeset"><h1 id="t">求法援 <span>(法律援助)</span></h1>
    <p>法律援助，是<strong>免费</strong>的。</p><script>skip()</script><ul><li>一</li><li>二&amp;三</li></ul>
    <svg><title>icon</title>图标<svg><desc>内</desc></svg>外</svg></article><footer>页脚</footer></body></html>"""
    page = read_page(html, "guides/legal-aid/")
    assert (page.title, page.text) == ("求法援 (法律援助)", "法律援助，是免费的。 一 二&三")


def test_a_page_is_its_first_article_nested_ones_included() -> None:
    """Text before the article's heading is no part of the title; the first <article> (with any
    article inside it) is the page: what follows it, another article too, is not searched."""
    html = "<article><p>导语</p><h1>标题</h1><article><p>内</p></article><p>后</p></article><article>另一篇</article>"
    page = read_page(html, "")
    assert (page.title, page.text) == ("标题", "导语 内 后")


@pytest.mark.parametrize("tag", ["p", "li", "br", "h1", "h2", "h3", "h4", "td", "th", "dt", "dd", "div", "section"])
def test_words_in_separate_blocks_never_run_together(tag: str) -> None:
    """离婚 ending one block and 欠薪 starting the next must not read as one text 离婚欠薪."""
    html = f"<article><h1>标题</h1>离婚<{tag}>欠薪</{tag}></article>"
    assert read_page(html, "").text == "离婚 欠薪"


def test_keywords_are_the_heads_keywords_meta_only() -> None:
    """Every <meta name="keywords"> of the head counts; a description is no keyword, nor a keywords
    tag inside the article or after it (an embedded snippet's)."""
    html = """<html><head><meta name="description" content="求法援"><meta name="keywords" content="离婚">
    <meta name="keywords" content="欠薪"><meta name="keywords"></head><body><article><h1>t</h1>
    <meta name="keywords" content="内"><div name="keywords" content="块">x</div></article>
    <meta name="keywords" content="后"></body></html>"""
    assert read_page(html, "").keywords == ("离婚", "欠薪")


def test_the_content_pages_are_the_ones_mkdocs_wrote_in_url_order(tmp_path: Path) -> None:
    """Data pages (no MkDocs generator tag) are skipped wherever they sort; a page without a title
    is not searched; URLs are relative to the site root, the home page's empty; shallow first."""
    def page(path: str, body: str, mkdocs: bool = True) -> None:
        tag = '<meta name="generator" content="mkdocs-1.6.1, mkdocs-material-9.5">' if mkdocs else ""
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(f"<html><head>{tag}</head><body><article>{body}</article></body></html>",
                                     encoding="utf-8")

    page("a/A0001/index.html", "<h1>王建国</h1>", mkdocs=False)
    page("guides/lawyer/index.html", "<h1>找律师</h1><p>离婚</p>")
    page("guides/index.html", "<h1>八项服务</h1>")
    page("index.html", "<h1>首页</h1>")
    page("empty/index.html", "<p>没有标题</p>")
    page("about/team/index.html", "<h1>团队</h1>")
    assert [(p.url, p.title, p.text) for p in read_content_pages(tmp_path)] == [
        ("", "首页", ""), ("guides/", "八项服务", ""), ("about/team/", "团队", ""), ("guides/lawyer/", "找律师", "离婚")]


@pytest.mark.slow
def test_full_sample_index_is_whole_and_its_pieces_small() -> None:
    """On the full sample roster (6,363 villages, 1,874 advisors) the shards together hold every
    village; the core and the largest piece of a shard fit the budget with room to spare."""
    data, found = index(SAMPLE), dict(files(SAMPLE))
    r = roster(SAMPLE)
    assert (len(data["counties"]), len(data["townships"])) == (11, 136)
    assert every_village(SAMPLE) == expected_villages(r)
    core = len(gzip.compress(found["search.json"], 9))
    largest = max(len(gzip.compress(body, 9)) for path, body in found.items() if path != "search.json")
    assert core <= 40_000 and core + 2 * largest <= BUDGET_GZIP, (core, largest)
    pieces = [d for d in data["shards"].values() if isinstance(d, dict)]
    assert pieces and len(r.villages) > SPLIT
    assert sum(1 for v in every_village(SAMPLE) if v[1] == "王庄村") >= 20


def test_traditional_characters_of_indexed_names_map_to_simplified() -> None:
    data = index(SMALL)
    pairs = dict(zip(data["ts"][0::2], data["ts"][1::2]))
    assert pairs["東"] == "东" and pairs["莊"] == "庄" and pairs["區"] == "区"
    assert pairs["傷"] == "伤"  # from a keyword (工伤)
    indexed = set("".join(c[1] for c in data["counties"] + data["townships"]) + GUIDE.title + "欠薪工伤"
                  + "".join(a.name for a in roster(SMALL).advisors) + "".join(v[1] + v[2] for v in every_village(SMALL)))
    assert set(pairs.values()) <= indexed  # only what a query could need
    assert not set(pairs) & indexed  # a character of a name is never rewritten
    assert traditional_map("干乾") == "幹干榦干"  # 乾 stays 乾 where a name has it
    assert traditional_map("干") == "乾干幹干榦干"
    assert traditional_map("庄东") == "東东莊庄"


def test_the_traditional_table_is_opencc_s() -> None:
    """generator/site/traditional.py is what scripts/make_traditional.py makes from OpenCC (test extra)."""
    pytest.importorskip("opencc")
    import subprocess
    import sys

    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_traditional.py"), "--check"], capture_output=True)
    assert run.returncode == 0, "generator/site/traditional.py is stale: run scripts/make_traditional.py"


def test_keywords_come_from_the_meta_tag() -> None:
    html = """<html><head><meta name="keywords" content="离婚, 欠薪，工伤,离婚"></head><body>
    <article><h1>求法援</h1><p>正文</p></article></body></html>"""
    assert read_page(html, "guides/legal-aid/") == ContentPage("guides/legal-aid/", "求法援", "正文", ("离婚", "欠薪", "工伤"))
    assert read_page("<article><h1>x</h1></article>", "").keywords == ()


def test_every_guide_has_keywords_and_the_site_carries_them(small_site: Path) -> None:
    data = json.loads((small_site / "search.json").read_bytes())
    pages = {p[0]: p for p in data["pages"]}
    assert (small_site / data["text"]).is_file()
    for guide in sorted((ROOT / "content" / "guides").glob("*.md")):
        if guide.stem == "index":
            continue
        front = guide.read_text(encoding="utf-8").split("---")[1]
        words = re.search(r"^keywords: \[(.*)\]$", front, re.M)
        assert words, f"{guide.name} has no keywords"
        assert pages[f"guides/{guide.stem}/"][2] == [w.strip() for w in words.group(1).split(",")]
    assert "离婚" in pages["guides/lawyer/"][2] and "欠薪" in pages["guides/legal-aid/"][2]


def test_a_city_site_indexes_the_province_and_links_other_cities_to_their_sites(tmp_path: Path) -> None:
    """One city's site (Roster.only_city) finds every village of the province; a city with its own
    base_url is opened there; one without is at the programme's address (its own site, or this one)."""
    import dataclasses

    from tests.helpers.two_cities import two_city_roster

    province = read_roster(two_city_roster(tmp_path)).roster
    cities = tuple(dataclasses.replace(c, base_url="https://bz.example.org/") if c.id == "3716" else c for c in province.cities)
    province = dataclasses.replace(province, cities=cities)
    site = province.only_city("3715")
    data = search_core(search_files(province, [], site))
    assert data["region"] == "city" and set(data["near"]) == {"3715", "3716"}  # each city's places, apart
    assert data["cities"] == [["3715", "聊城市", ""], ["3716", "滨州市", "https://bz.example.org/"]]
    assert [c[3] for c in data["counties"]][-1] == 1 and {c[3] for c in data["counties"][:-1]} == {0}
    assert data["townships"][-1][:2] == ["371602001", "市中街道"]
    whole = search_core(search_files(province, []))  # the whole province's site has every page
    assert [c[2] for c in whole["cities"]] == ["", ""]
    other = search_core(search_files(province, [], province.only_city("3716")))  # 聊城 has no site of its own
    assert other["cities"][0] == ["3715", "聊城市", province.programme.base_url]


def test_a_province_core_reads_its_cities_names(tmp_path: Path) -> None:
    """A province's cities are places to find (search.js makes an entry of each, opening its page at
    ``url["city"]``, on its own site if it has one): the maps read every character of their names,
    also one that no unit, township or village has (州 of 滨州市)."""
    from generator.core.urls import city_url
    from tests.helpers.two_cities import two_city_roster

    province = read_roster(two_city_roster(tmp_path)).roster
    data = search_core(search_files(province, []))
    assert data["url"]["city"].format("3716") == city_url("3716")
    readable = "".join(data["py"].values()) + "".join(data["py2"].values())
    assert [ch for c in province.cities for ch in c.name if ch not in readable] == []
    others = [c.name for c in province.counties] + [t.name for t in province.townships]
    others += [v.name for v in province.villages] + [a.name for a in province.advisors]
    assert "州" not in "".join(others)


def test_a_character_without_a_reading_is_keyed_as_search_js_keys_it() -> None:
    """search.js takes '_' for a character it has no reading of (a digit, a letter, a bracket)."""
    by_char = readings("王庄")
    assert letters("Ａ", by_char) == ["_"] and letters("王", by_char) == ["w", "y"]
    assert {"e", "_", "z", "e_", "_z"} <= name_keys("二Ａ庄", readings("二Ａ庄"))
    assert ": ['_'];" in SEARCH_JS.read_text(encoding="utf-8")


def test_shard_records_keep_roster_order_and_each_region_has_all_its_places() -> None:
    """A shard merged from several regions lists villages in roster order (township, then code); a
    key with exactly SPLIT records stays whole; each region's near file has every village and
    advisor of it, as the shards have them."""
    r = roster(SMALL)
    found = dict(search_files(r, [GUIDE]))
    data = search_core(list(found.items()))
    codes = [v[0] for v in decode_villages(data, shard(found, data, "z")["villages"])]
    roster_order = [v.code for v in r.villages]
    assert len({c[:9] for c in codes}) > 1 and codes == [c for c in roster_order if c in codes]
    size = sum(len(rows) for rows in shard(found, data, "z").values())
    exact = search_core(search_files(r, [GUIDE], split=size))
    assert isinstance(exact["shards"]["z"], str) and isinstance(search_core(search_files(r, [GUIDE], split=size - 1))["shards"]["z"], dict)
    villages, advisors = [], []
    for region, digest in data["near"].items():
        near = json.loads(found[f"search/near-{region}.{digest}.json"])
        assert set(near) == {"villages", "advisors"}
        got = decode_villages(data, near["villages"])
        assert {v[0] for v in got} == {v.code for c in r.counties if c.id == region for t in r.townships_of.get(c.id, [])
                                       for v in t.villages}
        villages += got
        advisors += [a[1] for a in near["advisors"]]
    assert sorted(villages) == expected_villages(r) and sorted(advisors) == sorted(a.id for a in r.advisors)


def test_a_retired_village_is_found_by_its_old_name_and_leads_to_what_replaced_it(tmp_path: Path) -> None:
    """A merged village's old name opens the village it went into; a split or abolished one opens its own
    code's page; the line says where it was and what happened; its name's characters are searchable."""
    from tests.helpers.roster_edit import copy_roster

    root = copy_roster(tmp_path)
    (root / "retired.yaml").write_text(
        "villages:\n"
        "  - {code: '371502102009', name: 鑫王庄村委会, township: '371502102', year: 2021, kind: merged, successors: ['371502102001']}\n"
        "  - {code: '371502102008', name: 东王庄村委会, township: '371502102', year: 2020, kind: split,"
        " successors: ['371502102001', '371502102002']}\n"
        "  - {code: '371502199007', name: 西王庄村委会, township: '371502199', year: 2019, kind: abolished, successors: []}\n",
        encoding="utf-8")
    r = read_roster(root).roster
    one, two = r.village["371502102001"].short_name, r.village["371502102002"].short_name
    assert retired_entries(r) == [
        ["东王庄村", "东王庄村委会", f"堂邑镇 · 2020年拆分为{one}、{two}", "371502102008", "371502102008"],
        ["鑫王庄村", "鑫王庄村委会", f"堂邑镇 · 2021年并入{one}", "371502102001", "371502102009"],
        ["西王庄村", "西王庄村委会", "2019年撤销", "371502199007", "371502199007"],  # its township is unknown
    ]
    data = search_core(search_files(r, [GUIDE]))
    assert data["retired"] == retired_entries(r) and "鑫" in data["py"]["xin"]
    assert "retired" not in index(SMALL)  # only a roster with retirements has the list


def test_name_and_phone_keys() -> None:
    """A name's keys: each character's first letters (every reading) and each two neighbours'; a
    phone's: every three digits in a row, whatever separates them."""
    by_char = readings("王庄村")
    assert by_char == {"王": ["wang", "yu"], "庄": ["zhuang", "peng"], "村": ["cun"]}  # every reading, common first
    assert name_keys("王庄村", by_char) == {"w", "y", "z", "p", "c", "wz", "wp", "yz", "yp", "zc", "pc"}
    assert digit_keys("0635-8123") == {"d063", "d635", "d358", "d581", "d812", "d123"}
    assert digit_keys("12") == set()


def test_an_advisor_serving_nowhere_is_found_in_no_region_and_pages_carry_keywords_only_when_they_have_some(
        tmp_path: Path) -> None:
    """An advisor with no village and no team (a roster half entered) has no township and the region
    '_'; a team member who serves no village is found in the team's township; a page without keywords
    is [url, title]; official suffixes are stripped longest first."""
    from tests.helpers.roster_edit import copy_roster

    root = copy_roster(tmp_path)
    with (root / "advisors.yaml").open("a", encoding="utf-8") as f:
        f.write("  - id: A0009\n    name: 孙丽\n    role: lawyer\n    organization: LF001\n    phone: '13905359999'\n")
    r = read_roster(root).roster
    found = dict(search_files(r, [GUIDE, ContentPage("guides/", "八项服务", "")]))
    data = search_core(list(found.items()))
    nowhere = json.loads(found[f"search/near-_.{data['near']['_']}.json"])
    assert [a[1:3] + a[5:] for a in nowhere["advisors"]] == [["A0009", "孙丽", None]]
    zhang = next(a for a in shard(found, data, "d841")["advisors"] if a[1] == "A0003")  # 张伟: 古楼街道's team only
    assert data["townships"][zhang[5]][0] == "371502001"
    assert data["pages"] == [["guides/legal-aid/", "求法援 (法律援助)", ["欠薪", "工伤"]], ["guides/", "八项服务"]]
    assert data["strip"] == sorted(data["strip"], key=lambda s: (-len(s), s))
