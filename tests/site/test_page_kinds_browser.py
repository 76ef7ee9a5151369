"""What every page kind shows and lets a person do, on a phone 360–414 px wide, in normal mode and
in elderly mode (长辈模式), read from the laid-out page in Chromium: the place, the advisor's name,
call buttons and ☎ numbers that dial (``tel:``), are visible and big enough to hit, numbers on one
line, text dark enough to read, no page wider than the phone; and search from the home page, which
finds a village by its name or pinyin and says where it is, or offers the hotline when it finds nothing.

One browser session serves every check: each page kind is opened once per mode (the second time
after a tap on 长辈模式, which the next pages must remember), measured at each width by one
JavaScript call (tests/helpers/seen.py), and the tests below assert on those measurements. The
pages are the small roster's site as `mkdocs build` makes it (the ``small_site`` fixture), with the
retired page of a village split in two added (:data:`RETIRED`). What each kind shows is said once, in
:data:`KINDS`; markup may change freely as long as people see the same.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from generator.build.output import write_files
from generator.build.pipeline import read_roster
from generator.site.pages import Site, environment, find_assets
from tests.helpers import ROOT
from tests.helpers.browser import phone_context, serve
from tests.helpers.roster_edit import SMALL, copy_roster, merged
from tests.helpers.seen import Link, Seen, calls, seen

WIDTHS = (360, 390, 414)
MODES = ("normal", "elderly")
SITE_NAME = "聊城村居法律顾问"
HOTLINES = ("拨打 12348", "拨打 0635-12348")
SEARCHES = {"前董": "v/371502102001/", "qiandong": "v/371502102001/"}  # typed on the home page → the page it finds
NOTHING = "火星"  # typed on the home page: no place, advisor or guide has it
#: Transitions only delay what a tap on 长辈模式 leads to, which is what is measured: none, so that no check waits.
STILL = "*, *::before, *::after { transition: none !important; animation: none !important; }"

#: A village split in two in 2021, one half merged again the same year: the printed cards lead to its retired
#: page, which says what happened, links both halves (the second's page explains the merger) and the villages
#: that serve its people now.
RETIRED = (merged("371502102009", "['371502102001', '371502102008']", kind="split")
           + merged("371502102008", "['371502102002']").removeprefix("villages:\n").replace("小王庄", "东王庄", 1))


#: what was seen: ``(kind, mode, width) → measurements``; a search from the home page as ``("search <query>", mode, 360)``
Looks = dict[tuple[str, str, int], Seen]


@dataclass(frozen=True)
class Kind:
    """A page kind: where one is, and what it must show in either mode and in normal mode only."""

    path: str
    shows: tuple[str, ...] = ()  # texts visible in both modes
    shows_normally: tuple[str, ...] = ()  # visible in normal mode (elderly mode may leave them out)
    dials: tuple[str, ...] = ()  # call buttons (their label), in both modes
    links: dict[str, str] = field(default_factory=dict)  # visible link text → where it leads, in both modes
    saves: str = ""  # the contact card a visible link saves to the phone's contacts


ADVISOR = "刘洋"  # 前董村's advisor; a mobile number shows in groups of 3, 4 and 4
KINDS = {
    # where the village is and its workstation stay in elderly mode (issue 23): 28 villages are called 王庄
    "village": Kind("v/371502102001/", shows=("前董村", ADVISOR, "堂邑镇", "堂邑镇政府院内", "周一至周五 9:00—17:00"),
                    shows_normally=("前董村村民委员会",),
                    dials=("拨打顾问电话 158 0535 0004", *HOTLINES),
                    links={ADVISOR: "a/A0004/"}, saves="v/371502102001/contact.vcf"),
    # its villages and their advisors stay in elderly mode, which hides the team: 刘洋 is in both
    "township": Kind("t/371502102/", shows=("堂邑镇", "堂邑镇政府院内", "前董村", "刘洋"),
                     dials=("拨打工作站 0635-8420001", *HOTLINES)),
    "county": Kind("c/371502/", shows=("东昌府区", "东昌府区柳园南路10号", "堂邑镇"),
                   dials=("拨打中心电话 0635-8210001", *HOTLINES)),
    "advisor": Kind("a/A0002/", shows=("李秀英", "古楼法律服务所"), shows_normally=("堌堆村",),
                    dials=("拨打电话 139 0535 0002", *HOTLINES),
                    saves="a/A0002/contact.vcf"),
    "retired": Kind("v/371502102009/", shows=("小王庄", "本村已于2021年拆分为"), dials=HOTLINES,
                    links={"前董村（堂邑镇）": "v/371502102001/", "东王庄村": "v/371502102008/", "王庄村（堂邑镇）": "v/371502102002/"}),
    "home": Kind("", dials=HOTLINES, links={"东昌府区": "c/371502/"}),
    "guide": Kind("guides/legal-aid/", shows=("法律援助",)),
    "stats": Kind("stats/", shows=("覆盖",)),
    "changes": Kind("changes/", dials=HOTLINES),
    "open data": Kind("data/", shows=("开放数据",)),
    "print": Kind("print/371502102/", shows=("前董村",)),
    "404": Kind("404.html", shows=("找不到这个页面",), dials=("拨打 12348",)),
    # the worker sends a reader without signal here, saying where they were going: the retry goes back there
    "offline": Kind("offline/?from=%2Fv%2F371502001001%2F", shows=("没有网络",), dials=HOTLINES,
                    links={"有网络了，再试一次": "v/371502001001/"}),
}


@pytest.fixture(scope="module")
def kinds_site(small_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small roster's site, with the retired page of a village split in two."""
    site = tmp_path_factory.mktemp("kinds") / "site"
    shutil.copytree(small_site, site)
    data = copy_roster(tmp_path_factory.mktemp("retired"), SMALL)
    (data / "retired.yaml").write_text(RETIRED, encoding="utf-8")
    checked = read_roster(data)
    assert checked.ok, checked.problems
    pages = Site(checked.roster, environment(ROOT / "overrides" / "data"), find_assets(site), SITE_NAME)
    write_files(site, pages.pages_for(("retired", "")))
    return site


def _needles(kind: Kind) -> list[str]:
    return [*kind.shows, *kind.shows_normally, *kind.links]


def _asked(mode: str, kind: str = "home") -> dict[str, float]:
    """The least tap target (px) and text contrast (WCAG AA; AAA in elderly mode) each mode asks for. A print
    sheet's cards are printed matter, which elderly mode leaves as they print: AA for them."""
    if mode != "elderly":
        return {"least": 44, "ratio": 4.5}
    return {"least": 56, "ratio": 4.5 if kind == "print" else 7}


@pytest.fixture(scope="module")
def looks(kinds_site: Path, browser: Browser) -> Iterator[Looks]:
    """Every kind measured in both modes at every width: ``(kind, mode, width) → what is seen``.

    A person's way through the site: the first page opens in normal mode; on each page 长辈模式 is
    tapped once, and the next page opens in the mode left on (the phone remembers it): every kind is
    seen in both modes, half of them in elderly mode as they open, the other half in normal mode as
    they open after it was turned off."""
    measured: Looks = {}
    context = phone_context(browser, viewport={"width": WIDTHS[0], "height": 740}, service_workers="block")
    context.add_init_script(f"document.addEventListener('DOMContentLoaded', () => {{"
                            f" const s = document.createElement('style'); s.textContent = {STILL!r}; document.head.append(s); }})")
    page = context.new_page()
    mode = "normal"

    def measure(name: str, widths: tuple[int, ...]) -> None:
        for width in widths:
            page.set_viewport_size({"width": width, "height": 740})
            measured[name, mode, width] = seen(page, _needles(KINDS[name]), **_asked(mode, name))
        if name == "home":  # search from the home page: what a few letters bring up
            page.set_viewport_size({"width": WIDTHS[0], "height": 740})
            for query in SEARCHES:
                page.get_by_role("searchbox").fill(query)
                page.locator(f"a[href$='{SEARCHES[query]}']").first.wait_for(state="visible", timeout=5000)
                measured[f"search {query}", mode, WIDTHS[0]] = seen(page, **_asked(mode))
            page.get_by_role("searchbox").fill(NOTHING)  # no dead end: the hotline to call, the guides
            page.locator(".dir-search__help a").first.wait_for(state="visible", timeout=5000)
            measured[f"search {NOTHING}", mode, WIDTHS[0]] = seen(page, ("没有找到",), **_asked(mode))
            page.get_by_role("searchbox").fill("")

    try:
        with serve(kinds_site) as base:
            for name, kind in KINDS.items():
                page.goto(f"{base}/{kind.path}")
                measure(name, WIDTHS)
                page.get_by_role("button", name="长辈模式").click()
                mode = "elderly" if mode == "normal" else "normal"
                measure(name, WIDTHS[::-1])
    finally:
        context.close()
    yield measured


CASES = [(kind, mode) for kind in KINDS for mode in MODES]


def each(looks: Looks, kind: str, mode: str) -> Iterator[tuple[int, Seen]]:
    for width in WIDTHS:
        yield width, looks[kind, mode, width]


#: a number as a page shows it: digits, maybe grouped by spaces or hyphens
NUMBER = r"\d[\d -]*\d"


def dials(number: str) -> str:
    """The ``tel:`` link that dials ``number`` on any phone: its digits alone (RFC 3966 allows separators,
    not every phone's dialler does)."""
    return "tel:" + re.sub(r"\D", "", number)


@pytest.mark.parametrize(("kind", "mode"), CASES)
def test_the_mode_is_the_one_chosen_and_the_button_says_so(kind: str, mode: str, looks: Looks) -> None:
    for width, s in each(looks, kind, mode):
        assert s["senior"] is (mode == "elderly"), width
        assert s["toggle_visible"] and s["pressed"] == ("true" if mode == "elderly" else "false"), width


@pytest.mark.parametrize(("kind", "mode"), CASES)
def test_the_page_shows_its_place_and_people(kind: str, mode: str, looks: Looks) -> None:
    wanted = KINDS[kind].shows + (KINDS[kind].shows_normally if mode == "normal" else ())
    for width, s in each(looks, kind, mode):
        assert s["h1"], f"no visible heading at {width}px"
        hidden = [t for t in wanted if not s["texts"][t]["visible"]]
        assert hidden == [], f"{hidden} not shown at {width}px"
        assert [t for t in wanted if s["texts"][t]["lines"] > 1 and len(t) <= 4] == [], f"a name broken at {width}px"


@pytest.mark.parametrize(("kind", "mode"), CASES)
def test_links_people_need_are_there_and_lead_where_they_say(kind: str, mode: str, looks: Looks) -> None:
    for width, s in each(looks, kind, mode):
        for text, path in KINDS[kind].links.items():
            found = [a for a in s["links"] if a["visible"] and a["text"] == text]
            assert found, f"no visible link {text!r} at {width}px"
            assert all(a["url"].endswith("/" + path) for a in found), (text, [a["url"] for a in found])


@pytest.mark.parametrize(("kind", "mode"), CASES)
def test_every_call_button_dials_its_number(kind: str, mode: str, looks: Looks) -> None:
    """A button that says 拨打 … is a ``tel:`` link to the very number it shows; the kind's buttons are all there."""
    least = 56 if mode == "elderly" else 48
    for width, s in each(looks, kind, mode):
        buttons = [a for a in calls(s) if a["label"].startswith("拨打")]
        shown = [a["label"] for a in buttons if a["visible"]]
        assert [d for d in KINDS[kind].dials if d not in shown] == [], f"call buttons missing at {width}px: {shown}"
        for a in buttons:
            numbers = re.findall(NUMBER, a["label"])
            assert numbers and a["href"] == dials(numbers[-1]), f"{a['label']!r} goes to {a['href']!r}"
            if a["visible"]:
                assert a["height"] >= least, f"{a['label']} is {a['height']}px high at {width}px"
                assert a["lines"] == 1, f"the number of {a['label']} is broken at {width}px"
                assert a["contrast"] >= (7 if mode == "elderly" else 4.5), a


@pytest.mark.parametrize(("kind", "mode"), CASES)
def test_every_phone_link_dials_and_is_easy_to_hit(kind: str, mode: str, looks: Looks) -> None:
    """The header's ☎ hotline on every page, and every visible ``tel:`` link: digits only, big enough."""
    least = 56 if mode == "elderly" else 44
    for width, s in each(looks, kind, mode):
        phones = [a for a in calls(s) if a["visible"]]
        assert any(a["href"] == "tel:12348" and a["label"].startswith("☎") for a in phones), f"no hotline in the header at {width}px"
        for a in phones:
            assert a["href"] in {dials(n) for n in re.findall(NUMBER, a["label"])}, f"{a['label']!r} goes to {a['href']!r}"
            assert a["height"] >= least, f"{a['label']} is {a['height']}px high at {width}px"
            assert a["lines"] <= 1, f"the number of {a['label']} is broken at {width}px"


@pytest.mark.parametrize(("kind", "mode"), CASES)
def test_no_phone_number_is_broken_across_lines(kind: str, mode: str, looks: Looks) -> None:
    for width, s in each(looks, kind, mode):
        assert s["broken_numbers"] == [], width


@pytest.mark.parametrize(("kind", "mode"), CASES)
def test_the_page_fits_the_phone(kind: str, mode: str, looks: Looks) -> None:
    for width, s in each(looks, kind, mode):
        assert (s["width"], s["inner_width"]) == (width, width) and s["scroll_width"] <= width, s["scroll_width"]


@pytest.mark.parametrize(("kind", "mode"), CASES)
def test_every_tap_target_is_big_enough(kind: str, mode: str, looks: Looks) -> None:
    for width, s in each(looks, kind, mode):
        assert s["small_targets"] == [], width
        assert s["search"]["visible"] and s["search"]["height"] >= (56 if mode == "elderly" else 44), width


@pytest.mark.parametrize(("kind", "mode"), CASES)
def test_text_is_large_enough_to_read(kind: str, mode: str, looks: Looks) -> None:
    if kind == "print":
        pytest.skip("the cards on a print sheet are shown at their printed size (tests/printing)")
    for width, s in each(looks, kind, mode):
        assert s["min_font"] >= 16, width
        assert s["body_font"] >= (20 if mode == "elderly" else 16), width


@pytest.mark.parametrize("kind", KINDS)
def test_elderly_mode_makes_nothing_it_shows_smaller(kind: str, looks: Looks) -> None:
    """What a kind shows in both modes (the place, the advisor's name…) is set at least as large in elderly mode."""
    for width in WIDTHS:
        normal, elderly = looks[kind, "normal", width]["texts"], looks[kind, "elderly", width]["texts"]
        smaller = {t: (normal[t]["font"], elderly[t]["font"]) for t in KINDS[kind].shows if elderly[t]["font"] < normal[t]["font"]}
        assert smaller == {}, f"smaller in elderly mode at {width}px (normal, elderly px): {smaller}"


@pytest.mark.parametrize(("kind", "mode"), CASES)
def test_text_is_dark_enough_to_read(kind: str, mode: str, looks: Looks) -> None:
    """Every text shown stands out from what is behind it: WCAG AA (4.5:1) in normal mode, AAA (7:1) in elderly
    mode; large text two thirds of that. A print sheet's cards are printed matter, which elderly mode leaves as
    they print: AA for them."""
    ratio = 7 if mode == "elderly" and kind != "print" else 4.5
    for width, s in each(looks, kind, mode):
        pale = [t for t in s["pale_texts"] if t["contrast"] < (ratio * 2 / 3 if t["large"] else ratio)]
        assert pale == [], f"too pale at {width}px: {pale}"


@pytest.mark.parametrize(("kind", "mode"), [(k, m) for k in KINDS if KINDS[k].saves for m in MODES])
def test_the_number_saves_to_the_phones_contacts(kind: str, mode: str, looks: Looks) -> None:
    for width, s in each(looks, kind, mode):
        saves: list[Link] = [a for a in s["links"] if a["visible"] and a["url"].endswith(KINDS[kind].saves)]
        assert saves and all(a["download"] and a["download"].endswith(".vcf") for a in saves), width
        assert all(a["height"] >= (56 if mode == "elderly" else 44) for a in saves), (width, saves)


@pytest.mark.parametrize(("query", "mode"), [(q, m) for q in SEARCHES for m in MODES])
def test_search_finds_a_village_by_its_name_and_its_pinyin(query: str, mode: str, looks: Looks) -> None:
    """From the home page, a few letters of a village's name or its pinyin bring up its page: a link big
    enough to tap, inside the phone's width, that shows where the village is (28 villages are called 王庄)."""
    s = looks[f"search {query}", mode, WIDTHS[0]]
    found = [a for a in s["links"] if a["visible"] and a["url"].endswith("/" + SEARCHES[query])]
    assert found and "前董村" in found[0]["label"], [a["label"] for a in s["links"] if a["visible"]]
    assert "堂邑镇 · 东昌府区" in found[0]["text"], found[0]["text"]
    assert found[0]["height"] >= (56 if mode == "elderly" else 52), found[0]
    assert s["scroll_width"] <= WIDTHS[0] and s["small_targets"] == []


@pytest.mark.parametrize("mode", MODES)
def test_a_search_that_finds_nothing_offers_the_hotline(mode: str, looks: Looks) -> None:
    """No dead end: a query that finds nothing says so and offers the hotline to call, at the top of the list."""
    s = looks[f"search {NOTHING}", mode, WIDTHS[0]]
    assert s["texts"]["没有找到"]["visible"]
    offered = [a for a in calls(s) if a["visible"] and "公共法律服务热线" in a["label"]]
    assert offered and offered[0]["label"].startswith("拨打 12348") and offered[0]["href"] == "tel:12348", offered
    assert all(a["height"] >= (56 if mode == "elderly" else 52) for a in offered), offered
    assert s["scroll_width"] <= WIDTHS[0] and s["small_targets"] == []
