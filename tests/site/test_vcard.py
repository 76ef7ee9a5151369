"""Contact cards (generator/site/vcard.py): vCard 3.0 that phone books import, parsed back with vobject."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest
import vobject

from generator.build.pipeline import read_roster
from generator.core.model import Programme, Roster, Township, Village, Workstation
from generator.site.vcard import advisor_card, card, escape, fold, phone_type, village_card
from tests.helpers.roster_edit import SMALL

PROGRAMME = Programme(name="一乡镇一团队、一村居一顾问", city="聊城市", province="山东省", hotline="12348",
                      local_hotline="0635-12348", base_url="https://fw.lc.example/")


@lru_cache(maxsize=1)
def small() -> Roster:
    return read_roster(SMALL).roster


def parse(data: bytes) -> vobject.base.Component:
    text = data.decode("utf-8")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")  # CRLF only
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))  # folded
    return vobject.readOne(text)


def test_escape_and_fold() -> None:
    assert escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    line = "NOTE:" + "村" * 60
    folded = fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line  # unfolding gives the line back, no character split
    assert phone_type("13905350001") == "CELL" and phone_type("0635-8210001") == "WORK" and phone_type("12348") == "WORK"


def test_a_hostile_name_round_trips() -> None:
    hostile = "王;建,国\\ 欧阳:娜娜 <b>&"
    org = "A;B,C 律所\\"
    v = parse(card(name=hostile, phones=["13905350001"], url="https://fw.lc.example/a/x/", org=org, title="律师",
                   note="第一行\n第二行;,"))
    assert v.fn.value == hostile
    assert v.n.value.family == hostile
    assert v.org.value == [org]
    assert v.note.value == "第一行\n第二行;,"


def test_advisor_card_has_every_field() -> None:
    r = small()
    a = r.advisor["A0005"]  # serves three villages of 蒋官屯街道
    served = [(v, r.township[v.township]) for v in r.villages_of["A0005"]]
    v = parse(advisor_card(PROGRAMME, a, r.organization.get(a.organization), served, "https://fw.lc.example/a/A0005/"))
    assert v.version.value == "3.0"
    # the name says whose advisor: a phone book shows N or FN, and the villages are in TITLE
    assert v.fn.value == "赵敏（余庄村等3个村居法律顾问）" and v.n.value.family == v.fn.value
    assert v.org.value == ["蒋官屯街道司法所"]
    assert v.title.value == "余庄村（蒋官屯街道）、玉庄村（蒋官屯街道）、窎桥社区（蒋官屯街道）村居法律顾问 · 司法所工作人员"
    assert [(t.value, t.params["TYPE"]) for t in v.contents["tel"]] == [("18605350005", ["CELL"])]
    assert v.url.value == "https://fw.lc.example/a/A0005/"
    assert "余庄村（蒋官屯街道）" in v.note.value and "玉庄村" in v.note.value and "12348" in v.note.value


def test_the_saved_name_counts_the_villages_served() -> None:
    """A phone book lists the name only: one village is named, two or more are counted (等2个), and a
    team member who serves no village is said to be one."""
    r = small()
    names = {a.id: parse(advisor_card(PROGRAMME, a, r.organization.get(a.organization),
                                      [(v, r.township[v.township]) for v in r.villages_of.get(a.id, [])],
                                      f"https://fw.lc.example/a/{a.id}/")).fn.value for a in r.advisors}
    assert names == {"A0001": "王建国（古城社区等2个村居法律顾问）", "A0002": "李秀英（王庄村等2个村居法律顾问）",
                     "A0003": "张伟（乡镇法律服务团队）", "A0004": "刘洋（前董村等2个村居法律顾问）",
                     "A0005": "赵敏（余庄村等3个村居法律顾问）"}


def test_a_long_name_and_title_fold_and_round_trip() -> None:
    """A title of many villages and townships passes 75 octets many times: folded, and read back whole."""
    r = small()
    a = r.advisor["A0005"]
    served = [(v, r.township[v.township]) for v in r.villages_of["A0005"]] * 4
    data = advisor_card(PROGRAMME, a, r.organization.get(a.organization), served, "https://fw.lc.example/a/A0005/")
    v = parse(data)
    assert v.title.value.count("（蒋官屯街道）") == 12 and v.title.value.endswith("村居法律顾问 · 司法所工作人员")
    assert data.count(b"\r\n ") >= 5


def test_a_village_without_an_advisor_saves_its_workstation() -> None:
    ws = Workstation(address="镇政府", phone="0635-8420001", hours="周一至周五")
    village = Village(code="371502102001", name="前董村委会", township="371502102", advisor=None)
    township = Township(code="371502102", name="堂邑镇", county="371502", workstation=ws, team=(), villages=(village,))
    v = parse(village_card(PROGRAMME, village, township, None, None, "https://fw.lc.example/v/371502102001/"))
    assert v.fn.value == "堂邑镇法律服务工作站（前董村）"
    assert v.title.value == "前董村（堂邑镇）暂无村居法律顾问"
    assert [(t.value, t.params["TYPE"]) for t in v.contents["tel"]] == [("0635-8420001", ["WORK"])]
    assert "前董村" in v.note.value and "暂无" in v.note.value


@pytest.mark.parametrize("built", ["small_site", "small_pages"])  # the build's, and rendered in this process
def test_every_card_of_the_site(built: str, request: pytest.FixtureRequest) -> None:
    small_site = Path(request.getfixturevalue(built))
    r = small()
    for village in r.villages:
        path = small_site / "v" / village.code / "contact.vcf"
        v = parse(path.read_bytes())
        advisor = r.advisor[village.advisor] if village.advisor else None
        assert v.url.value == f"https://fw.lc.example/v/{village.code}/"
        assert village.short_name in v.note.value and "12348" in v.note.value
        if advisor:
            org = r.organization.get(advisor.organization)
            assert v.fn.value == f"{advisor.name}（{village.short_name}法律顾问）"
            assert v.title.value == f"{village.short_name}（{r.township[village.township].name}）村居法律顾问 · {advisor.role_name}"
            assert v.org.value == [org.name] if org else "org" not in v.contents
            assert [t.value for t in v.contents["tel"]] == [advisor.phone]
        html = (small_site / "v" / village.code / "index.html").read_text(encoding="utf-8")
        assert re.search(r'<a class="dir-save" href="contact.vcf" download="[^"]+\.vcf"', html.replace("../../v/" + village.code + "/", ""))
    for advisor in r.advisors:
        v = parse((small_site / "a" / advisor.id / "contact.vcf").read_bytes())
        assert v.fn.value.startswith(advisor.name + "（") and [t.value for t in v.contents["tel"]] == [advisor.phone]
        assert v.url.value == f"https://fw.lc.example/a/{advisor.id}/"
        assert 'class="dir-save"' in (small_site / "a" / advisor.id / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_card_downloads_in_chromium(small_site: Path, phone: object) -> None:
    from playwright.sync_api import Page

    from tests.helpers.browser import serve

    assert isinstance(phone, Page)
    with serve(small_site) as base:
        phone.goto(f"{base}/a/A0005/")
        with phone.expect_download() as info:
            phone.get_by_role("link", name="把电话存进手机通讯录").click()
        download = info.value
        assert download.suggested_filename == "赵敏.vcf"
        v = parse(Path(download.path()).read_bytes())
        assert v.fn.value == "赵敏（余庄村等3个村居法律顾问）"


@pytest.mark.parametrize(("octets", "lines"), [
    (74, [74]), (75, [75]), (76, [75, 2]),  # a continuation's leading space is one of its octets
    (149, [75, 75]), (150, [75, 75, 2]), (151, [75, 75, 3]),
])
def test_a_line_folds_at_exactly_75_octets(octets: int, lines: list[int]) -> None:
    """RFC 2426 2.6: a content line of 75 octets is one line; one octet more is a continuation
    (CRLF, a space, the rest), and every continuation holds at most 74 octets after its space."""
    line = "NOTE:" + "x" * (octets - 5)
    folded = fold(line)
    assert [len(part.encode("utf-8")) for part in folded.split("\r\n")] == lines
    assert folded.replace("\r\n ", "") == line


def test_a_chinese_line_of_exactly_75_octets_is_one_line_and_a_card_keeps_it_whole() -> None:
    value = "聊" * 22 + "abcde"  # ORG: is 4 octets, 22 characters of 3 octets and 5 letters: 75 in all
    line = f"ORG:{value}"
    assert len(line.encode("utf-8")) == 75 and fold(line) == line
    parts = fold(line + "村").split("\r\n")  # 78 octets: the character is not split, the first line is 75
    assert [len(p.encode("utf-8")) for p in parts] == [75, 4] and parts[1] == " 村"
    data = card(name="王芳", phones=["13905350001"], url="https://fw.lc.example/a/x/", org=value, note="n")
    assert f"\r\nORG:{value}\r\n" in data.decode("utf-8")
    assert parse(data).org.value == [value]
