"""The static API for one village (v/<code>/index.json): the same facts as its page, and for a retired
code what its redirect page says."""

from __future__ import annotations

import html as htmllib
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from generator.build.pipeline import read_roster
from generator.site.api import api_schema
from tests.changes.test_merge import SMALL_RETIRED
from tests.helpers.roster_edit import SMALL, edit
from tests.helpers.sites import render_data_pages
from tests.site.test_opendata import tool


def section(page: str, heading_id: str) -> str:
    m = re.search(rf'<section[^>]*aria-labelledby="{heading_id}">(.*?)</section>', page, re.S)
    assert m, heading_id
    return m.group(1)


def text(fragment: str) -> str:
    return htmllib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))).strip()


def people(fragment: str) -> list[dict[str, Any]]:
    """Each person a page lists (a team, the places a retired code leads to): name, link, role line, phone."""
    out = []
    for li in re.findall(r'<li class="dir-person">(.*?)</li>', fragment, re.S):
        name = re.search(r'<a class="dir-name" href="([^"]+)">([^<]+)</a>', li)
        tel = re.search(r'<a class="dir-tel" href="(tel:[0-9]+)">', li)
        role = re.search(r'<span class="dir-role">([^<]*)</span>', li)
        assert name
        out.append({"href": name.group(1), "name": htmllib.unescape(name.group(2)),
                    "role": htmllib.unescape(role.group(1)) if role else None, "tel": tel.group(1) if tel else None})
    return out


def page_facts(page: str) -> dict[str, Any]:
    """What a village page shows a reader, read off its HTML."""
    sub = text(re.search(r'<p class="dir-sub[^"]*">(.*?)</p>', page, re.S).group(1))
    advisor = section(page, "h-advisor")
    name = re.search(r'<p class="dir-big"><a href="([^"]+)">([^<]+)</a></p>', advisor)
    places = dict(re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", section(page, "h-where"), re.S))
    crumbs = re.findall(r'<a href="([^"]+)">([^<]+)</a>', re.search(r'<nav class="dir-crumbs".*?</nav>', page, re.S).group(0))
    hotlines = re.findall(r'<a class="dir-call[^"]*" href="(tel:[0-9]+)">拨打 <span class="dir-num">([^<]+)</span></a>', section(page, "h-hotline"))
    return {
        "short_name": text(re.search(r"<h1>(.*?)</h1>", page).group(1)),
        "sub": sub,
        "advisor": {"href": name.group(1), "name": name.group(2),
                    "line": text(re.search(r"</p>\s*<p>(.*?)</p>", advisor, re.S).group(1)),
                    "tel": re.search(r'<a class="dir-call" href="(tel:[0-9]+)">', advisor).group(1)} if name else None,
        "gap": "本村暂未配备法律顾问" in advisor,
        "team": people(section(page, "h-team")),
        "places": {htmllib.unescape(k): [text(part) for part in v.split("<br>")] for k, v in places.items()},
        "crumbs": [(href, htmllib.unescape(label)) for href, label in crumbs],
        "hotlines": hotlines,
        "print": re.search(r'href="([^"]*print/[^"]+)"', page).group(1),
    }


def relative(url: str, base: str) -> str:
    """An absolute URL of the API as the page links it (from a village page, two folders down)."""
    assert url.startswith(base)
    return "../../" + url.removeprefix(base)


def phone_of(tel: str) -> str:
    return tel.removeprefix("tel:")


def test_every_villages_json_says_what_its_page_shows(small_pages: Path) -> None:
    roster = read_roster(SMALL).roster
    base = roster.programme.base_url
    for village in roster.villages:
        folder = small_pages / "v" / village.code
        page = page_facts((folder / "index.html").read_text(encoding="utf-8"))
        data = json.loads((folder / "index.json").read_text(encoding="utf-8"))
        assert data["status"] == "active" and data["code"] == village.code
        assert page["short_name"] == data["short_name"]
        assert page["sub"].startswith(f"{data['name']} · 代码 {data['code']}")
        assert (data["updated"] is None) == ("更新" not in page["sub"])
        a = data["advisor"]
        if a is None:
            assert page["advisor"] is None and page["gap"]
        else:
            assert page["advisor"] == {"href": relative(a["url"], base), "name": a["name"], "tel": a["tel"],
                                       "line": f"{a['role_name']} · {a['organization']}" if a["organization"] else a["role_name"]}
        assert page["team"] == [{"href": relative(m["url"], base), "name": m["name"], "tel": m["tel"],
                                 "role": f"{m['role_name']} · {m['organization']}" if m["organization"] else m["role_name"]}
                                for m in data["team"]]
        ws, centre = data["workstation"], data["centre"]
        expected = {ws["name"]: [ws["address"], ws["hours"], f"☎ {ws['phone']}"],
                    centre["name"]: [centre["address"], centre["hours"], f"☎ {centre['phone']}"]}
        if data["studio"]:
            expected["村居司法行政工作室"] = [data["studio"]]
        assert page["places"] == expected
        assert phone_of(ws["tel"]) in ws["phone"].replace("-", "")
        assert page["crumbs"] == [(relative(data["township"]["url"], base), data["township"]["name"]),
                                  (relative(data["county"]["url"], base), data["county"]["name"])]
        assert page["hotlines"] == [(h["tel"], h["number"]) for h in data["hotlines"]]
        assert page["print"] == relative(data["links"]["print"], base)
        assert (folder / "contact.vcf").exists() and data["links"]["vcard"] == data["url"] + "contact.vcf"


def test_a_gap_village_says_so(tmp_path: Path) -> None:
    roster = tmp_path / "data"
    shutil.copytree(SMALL, roster)
    edit(roster, "programme.yaml", "max_villages_per_advisor: 3", "max_villages_per_advisor: 3\ncoverage_gap: warning")
    edit(roster, "371502001-古楼街道.yaml", "name: 王庄村委会\n    advisor: A0002\n", "name: 王庄村委会\n")
    site = render_data_pages(roster, tmp_path / "site")
    data = json.loads((site / "v/371502001003/index.json").read_text(encoding="utf-8"))
    assert data["advisor"] is None and [m["name"] for m in data["team"]] == ["张伟", "王建国", "李秀英"]
    assert page_facts((site / "v/371502001003/index.html").read_text(encoding="utf-8"))["gap"]


def test_an_old_cards_code_answers_with_its_successors(tmp_path: Path) -> None:
    """What a mini-program that scans an old card gets: the redirect page's facts as JSON."""
    roster = tmp_path / "data"
    shutil.copytree(SMALL, roster)
    (roster / "retired.yaml").write_text(SMALL_RETIRED, encoding="utf-8")
    site = render_data_pages(roster, tmp_path / "site")
    base = "https://fw.lc.example/"
    chain = json.loads((site / "v/371502102009/index.json").read_text(encoding="utf-8"))
    assert chain["status"] == "retired" and chain["retired"]["kind"] == "merged" and chain["retired"]["year"] == 2020
    assert chain["retired"]["township"] == {"code": "371502102", "name": "堂邑镇"}
    assert [s["code"] for s in chain["successors"]] == ["371502102008"]  # the record's own words
    assert chain["redirect"] == base + "v/371502102001/"  # the end of the chain, as the page's refresh
    assert chain["now"][0]["advisor"]["name"] == "刘洋" and chain["now"][0]["api"] == base + "v/371502102001/index.json"
    page = (site / "v/371502102009/index.html").read_text(encoding="utf-8")
    refresh = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', page).group(1)
    assert refresh == relative(chain["redirect"], base) + "?from=371502102009"  # the successor marks the old card's village
    assert [p["href"] for p in people(section(page, "h-now"))] == [relative(p["url"], base) for p in chain["now"]]
    split = json.loads((site / "v/371502102007/index.json").read_text(encoding="utf-8"))
    assert split["redirect"] is None and [p["code"] for p in split["now"]] == ["371502102002", "371502102003"]
    abolished = json.loads((site / "v/371502199006/index.json").read_text(encoding="utf-8"))
    assert abolished["now"] == [] and abolished["redirect"] is None and abolished["hotlines"][0]["number"] == "12348"
    assert not (site / "t/371502199/index.json").exists()  # cards print villages' URLs only


@pytest.mark.slow  # an outside validator over every file
def test_every_api_file_validates_against_its_schema(tmp_path: Path) -> None:
    roster = tmp_path / "data"
    shutil.copytree(SMALL, roster)
    (roster / "retired.yaml").write_text(SMALL_RETIRED, encoding="utf-8")
    site = render_data_pages(roster, tmp_path / "site")
    schema = tmp_path / "village-api.json"
    schema.write_text(json.dumps(api_schema()), encoding="utf-8")
    files = sorted(site.glob("v/*/index.json"))
    assert len(files) == 9 + 4
    run = subprocess.run([tool("check-jsonschema"), "--schemafile", str(schema), *map(str, files)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout
    data = json.loads(files[0].read_text(encoding="utf-8"))
    data["advisor"] = {"name": "x"}
    files[0].write_text(json.dumps(data), encoding="utf-8")
    run = subprocess.run([tool("check-jsonschema"), "--schemafile", str(schema), str(files[0])], capture_output=True, text=True)
    assert run.returncode == 1
