"""The search index (generator/search.py): structure, size, determinism, privacy.

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

from generator.build import read_roster
from generator.model import Roster
from generator.search import (
    FORMAT_VERSION,
    ContentPage,
    page_text,
    read_page,
    readings,
    search_data,
    search_index,
    traditional_map,
)
from roster_edit import SAMPLE, SMALL

ROOT = Path(__file__).resolve().parent.parent

SEARCH_JS = Path(__file__).resolve().parent.parent / "overrides" / "assets" / "javascripts" / "search.js"

GUIDE = ContentPage("guides/legal-aid/", "求法援 (法律援助)", "法律援助，是国家为经济困难的群众……免费提供法律咨询。",
                    ("欠薪", "工伤"))

#: The issue's budget for the index on the full sample roster.
BUDGET_GZIP = 200_000


@lru_cache(maxsize=2)
def roster(folder: Path) -> Roster:
    checked = read_roster(folder)
    assert checked.ok
    return checked.roster


def index(folder: Path) -> dict[str, Any]:
    return json.loads(search_index(roster(folder), [GUIDE]))


def decode_villages(data: dict[str, Any]) -> list[tuple[str, str, str, str | None]]:
    """(code, short name, official name, advisor id) as the browser reads them."""
    out = []
    for row in data["villages"]:
        suffix, short, tail, township, advisor = row[:5]
        official = row[5] if len(row) > 5 else short + data["tails"][tail]
        out.append((data["townships"][township][0] + suffix, short, official,
                    None if advisor is None else data["advisors"][advisor][0]))
    return out


def test_small_index_layout() -> None:
    data = index(SMALL)
    r = roster(SMALL)
    assert set(data) == {"v", "url", "kinds", "roles", "ends", "strip", "tails", "counties", "townships",
                         "villages", "advisors", "pages", "tel", "ts", "py", "py2"}
    assert data["url"] == {"village": "v/{}/", "township": "t/{}/", "county": "c/{}/", "advisor": "a/{}/"}
    assert [c[:2] for c in data["counties"]] == [[c.id, c.name] for c in r.counties]
    assert [t[:2] for t in data["townships"]] == [[t.code, t.name] for t in r.townships]
    assert data["townships"][0][2] == 0  # 古楼街道 → 东昌府区
    assert [data["kinds"][c[2]] for c in data["counties"]] == ["县（市、区）" if c.kind == "county" else "功能区" for c in r.counties]
    assert decode_villages(data) == [(v.code, v.short_name, v.name, v.advisor) for v in r.villages]
    first = data["advisors"][0]
    assert first[:3] == ["A0001", "王建国", "13905350001"] and data["roles"][first[3]] == "律师"
    assert data["pages"] == [["guides/legal-aid/", "求法援 (法律援助)", GUIDE.text, ["欠薪", "工伤"]]]
    assert data["tel"] == ["12348", "0635-12348"]  # the roster's, for the hotline's entry


def test_the_browser_reads_this_format_version() -> None:
    """search.js refuses an index of another version: bump both together."""
    data = index(SMALL)
    assert data["v"] == FORMAT_VERSION
    found = re.findall(r"^\s*const FORMAT_VERSION = (\d+);", SEARCH_JS.read_text(encoding="utf-8"), re.MULTILINE)
    assert found == [str(FORMAT_VERSION)]


def test_villages_store_short_names_and_short_codes() -> None:
    data = index(SMALL)
    row = next(v for v in data["villages"] if v[1] == "前董村")
    assert row[0] == "001" and row[1] + data["tails"][row[2]] == "前董村村民委员会"
    assert "村民委员会" in data["strip"] and "社区居委会" in data["strip"]
    assert data["ends"][0] == "社区居民委员会" and data["ends"][-1] in {"村", "乡", "镇"}  # longest first


def test_every_advisor_points_to_a_township_they_serve() -> None:
    data = index(SMALL)
    r = roster(SMALL)
    for row, advisor in zip(data["advisors"], r.advisors):
        served = {v.township for v in r.villages_of.get(advisor.id, [])} | {t.code for t in r.teams_of.get(advisor.id, [])}
        assert row[4] is not None and data["townships"][row[4]][0] in served


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
    names = "".join(c[1] for c in data["counties"]) + "".join(t[1] for t in data["townships"])
    names += "".join(a[1] for a in data["advisors"]) + "".join(v[2] for v in decode_villages(data)) + GUIDE.title
    assert set(chars) == {ch for ch in names if not ch.isascii()} - {"（", "）"}
    assert "困" not in chars  # from the guide's text, which is searched by characters only


def test_readings_write_u_umlaut_as_v_and_u() -> None:
    assert readings("吕") == {"吕": ["lv", "lu"]}
    assert readings("a1（") == {}


def test_no_private_field_reaches_the_index() -> None:
    raw = search_index(roster(SMALL), [GUIDE]).decode("utf-8")
    assert "SENTINEL" not in raw
    assert "371502198001010018" not in raw  # the ID-card number of A0001
    assert "studio" not in raw and "党群服务中心" not in raw  # studios are on the pages, not searched


def test_index_is_deterministic() -> None:
    r = roster(SMALL)
    first = search_index(r, [GUIDE])
    assert search_index(r, [GUIDE]) == first
    assert first == json.dumps(json.loads(first), ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    # and in a process with another hash seed, where sets iterate in another order
    code = ("import hashlib, sys; from generator.build import read_roster; from generator.search import ContentPage, search_index; "
            f"g = ContentPage(*{dataclasses.astuple(GUIDE)!r}); "
            f"sys.stdout.write(hashlib.sha256(search_index(read_roster({str(SMALL)!r}).roster, [g])).hexdigest())")
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                           env={**os.environ, "PYTHONHASHSEED": "1"}).stdout
    assert other == hashlib.sha256(first).hexdigest()


def test_page_text_takes_the_article() -> None:
    html = """<html><head><title>x</title><script>var no = 1;</script></head><body>
    <nav>菜单</nav><article class="md-content__inner md-typeset"><h1 id="t">求法援 (法律援助)</h1>
    <p>法律援助，是<strong>免费</strong>的。</p><script>skip()</script><ul><li>一</li><li>二&amp;三</li></ul>
    <svg><title>icon</title></svg></article><footer>页脚</footer></body></html>"""
    assert page_text(html) == ("求法援 (法律援助)", "法律援助，是免费的。 一 二&三")


@pytest.mark.slow
def test_full_sample_index_fits_the_budget() -> None:
    """On the full sample roster (6,363 villages, 1,874 advisors) the index stays under 200 KB gzip,
    and issue 12's forgiveness (traditional characters, hotline, keywords) adds under 10 % to the
    89.6 KB (gzip -9) it was before."""
    raw = search_index(roster(SAMPLE), [GUIDE])
    assert len(gzip.compress(raw, 9)) <= BUDGET_GZIP
    assert len(gzip.compress(raw, 9)) <= 89_636 * 1.10
    data = json.loads(raw)
    r = roster(SAMPLE)
    assert (len(data["counties"]), len(data["townships"]), len(data["villages"]), len(data["advisors"])) == (11, 136, 6363, 1874)
    assert decode_villages(data) == [(v.code, v.short_name, v.name, v.advisor) for v in r.villages]
    assert sum(1 for v in data["villages"] if v[1] == "王庄村") >= 20


def test_traditional_characters_of_indexed_names_map_to_simplified() -> None:
    data = index(SMALL)
    pairs = dict(zip(data["ts"][0::2], data["ts"][1::2]))
    assert pairs["東"] == "东" and pairs["莊"] == "庄" and pairs["區"] == "区"
    assert pairs["傷"] == "伤"  # from a keyword (工伤)
    indexed = set("".join(c[1] for c in data["counties"] + data["townships"] + data["advisors"]) + GUIDE.title + "欠薪工伤"
                  + "".join(v[1] + v[2] for v in decode_villages(data)))
    assert set(pairs.values()) <= indexed  # only what a query could need
    assert not set(pairs) & indexed  # a character of a name is never rewritten
    assert traditional_map("干乾") == "幹干榦干"  # 乾 stays 乾 where a name has it
    assert traditional_map("干") == "乾干幹干榦干"
    assert traditional_map("庄东") == "東东莊庄"


def test_the_traditional_table_is_opencc_s() -> None:
    """generator/traditional.py is what scripts/make_traditional.py makes from OpenCC (test extra)."""
    pytest.importorskip("opencc")
    import subprocess
    import sys

    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_traditional.py"), "--check"], capture_output=True)
    assert run.returncode == 0, "generator/traditional.py is stale: run scripts/make_traditional.py"


def test_keywords_come_from_the_meta_tag() -> None:
    html = """<html><head><meta name="keywords" content="离婚, 欠薪，工伤,离婚"></head><body>
    <article><h1>求法援</h1><p>正文</p></article></body></html>"""
    assert read_page(html, "guides/legal-aid/") == ContentPage("guides/legal-aid/", "求法援", "正文", ("离婚", "欠薪", "工伤"))
    assert read_page("<article><h1>x</h1></article>", "").keywords == ()


def test_every_guide_has_keywords_and_the_site_carries_them(small_site: Path) -> None:
    data = json.loads((small_site / "search.json").read_bytes())
    pages = {p[0]: p for p in data["pages"]}
    for guide in sorted((ROOT / "content" / "guides").glob("*.md")):
        if guide.stem == "index":
            continue
        front = guide.read_text(encoding="utf-8").split("---")[1]
        words = re.search(r"^keywords: \[(.*)\]$", front, re.M)
        assert words, f"{guide.name} has no keywords"
        assert pages[f"guides/{guide.stem}/"][3] == [w.strip() for w in words.group(1).split(",")]
    assert "离婚" in pages["guides/lawyer/"][3] and "欠薪" in pages["guides/legal-aid/"][3]


def test_search_data_is_plain_json_data() -> None:
    data = search_data(roster(SMALL), [])
    assert json.loads(json.dumps(data)) == data and data["pages"] == []
