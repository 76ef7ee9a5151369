"""The header search in Debian's Chromium at phone size, on the full sample site.

The site is built once for this module; one village page is loaded once and a table of
queries made from the real division names (data/, from the 2019 statistical divisions of
Liaocheng) is typed into its header search, each expecting a page among the first five
results. Timings are measured by bench/search.py, never here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from browser import RequestLog, axe_violations, overflows, phone_context, serve
from generator.build import read_roster
from generator.model import Roster
from generator.search import FORMAT_VERSION, search_data, syllable_maps
from roster_edit import SAMPLE, SMALL
from sites import mkdocs_build, project

pytestmark = pytest.mark.slow

VILLAGE_PAGE = "/v/371502102201/"  # 南街村, 堂邑镇
GUIDE_PAGE = "/guides/legal-aid/"
RESULTS = ".dir-search__list a"


# -- expected pages, looked up by name in the sample roster when a test runs -----------------


@lru_cache(maxsize=1)
def sample() -> Roster:
    return read_roster(SAMPLE).roster


@dataclass(frozen=True)
class Pages:
    """Pages named in the table, resolved to URL paths only when a test runs (not at collection)."""

    kind: str  # village, township, county, advisor or path
    name: str
    township: str | None = None

    def paths(self) -> tuple[str, ...]:
        r = sample()
        if self.kind == "village":
            found = tuple(f"/v/{v.code}/" for v in r.villages if v.short_name == self.name
                          and (self.township is None or r.township[v.township].name == self.township))
        elif self.kind == "township":
            found = tuple(f"/t/{t.code}/" for t in r.townships if t.name == self.name)
        elif self.kind == "county":
            found = tuple(f"/c/{c.id}/" for c in r.counties if c.name == self.name)
        elif self.kind == "advisor":
            found = (f"/a/{self.name}/",) if self.name in r.advisor else ()
        else:
            found = (self.name,)
        assert found and (self.kind in {"village", "path"} or len(found) == 1), f"{self} is not in the sample as expected"
        return found


def villages(short: str, township: str | None = None) -> Pages:
    return Pages("village", short, township)


def township(name: str) -> Pages:
    return Pages("township", name)


def county(name: str) -> Pages:
    return Pages("county", name)


def advisor(id_: str) -> Pages:
    return Pages("advisor", id_)


def path(url: str) -> Pages:
    return Pages("path", url)


#: Digits of advisors' phones typed as queries, with whose phone they are (theirs alone).
PHONE_FRAGMENTS = {"56775": "A0001", "774507": "A0002"}


@dataclass(frozen=True)
class Query:
    """Type ``text``; one of the ``expect`` pages must be among the first five results.

    ``first``: the first result must be one of them; ``every``: all of them must be among the
    first five.
    """

    text: str
    expect: Pages | tuple[Pages, ...]
    first: bool = False
    every: bool = False
    says: str | None = None

    def __str__(self) -> str:
        return self.text

    def paths(self) -> tuple[str, ...]:
        pages = self.expect if isinstance(self.expect, tuple) else (self.expect,)
        return tuple(p for pages_ in pages for p in pages_.paths())


QDC = villages("前董村")  # two villages called 前董村, in two townships of 茌平区
QUERIES: tuple[Query, ...] = (
    # villages by characters, with and without the official suffix
    Query("前董村", QDC, first=True, every=True),
    Query("前董村委会", QDC, first=True, every=True),
    Query("前董村村民委员会", QDC, first=True, every=True),  # another suffix than the official one
    Query("前董", QDC, first=True, every=True),
    Query("古城社区", villages("古城社区"), first=True),
    Query("古城社区居委会", villages("古城社区"), first=True),
    Query("迟庞庄村民委员会", villages("迟庞庄村"), first=True),
    Query("王庄村民委员会", villages("王庄村"), first=True),
    Query("王庄 沙镇", villages("王庄村", "沙镇镇"), first=True),  # 28 villages called 王庄: add the township
    # full pinyin, initials, mixed
    Query("qiandongcun", QDC, first=True, every=True),
    Query("qdc", QDC, every=True),
    Query("wangzhuang", villages("王庄村")),
    Query("wz", villages("王庄村")),
    Query("wangzhuang shazhen", villages("王庄村", "沙镇镇"), first=True),
    Query("wz 沙镇", villages("王庄村", "沙镇镇"), first=True),
    Query("王zhuang 沙镇", villages("王庄村", "沙镇镇"), first=True),
    Query("lvzhuang", villages("吕庄村")),
    # near-homophones: 余庄 and 玉庄 in one township are both yuzhuang
    Query("yuzhuang 大王寨", (villages("余庄村", "大王寨镇"), villages("玉庄村", "大王寨镇")), every=True),
    Query("yuzhuang", (villages("于庄村"), villages("余庄村"), villages("玉庄村"))),
    # rare characters from the real data
    Query("堌", (villages("白堌堆村"), villages("前黄堌屯村")), every=True),
    Query("白堌堆村委会", villages("白堌堆村"), first=True),
    Query("baigudui", villages("白堌堆村"), first=True),
    Query("窎", villages("吴窎村"), first=True),
    Query("wudiao", villages("吴窎村"), first=True),
    # townships and county-level units
    Query("堂邑镇", township("堂邑镇"), first=True),
    Query("堂邑", township("堂邑镇"), first=True),
    Query("tangyizhen", township("堂邑镇"), first=True),
    Query("tyz", township("堂邑镇"), first=True),
    Query("王庄集镇", township("王庄集镇"), first=True),
    Query("东昌府区", county("东昌府区"), first=True),
    Query("dongchangfu", county("东昌府区"), first=True),
    Query("冠县", county("冠县"), first=True),
    Query("茌平", county("茌平区"), first=True),
    Query("chiping", county("茌平区"), first=True),
    Query("临清", county("临清市"), first=True),
    Query("聊城经济技术开发区", county("聊城经济技术开发区"), first=True),
    # advisors by name and by digits of their phone
    Query("吴龙成", advisor("A0001"), first=True),
    Query("wulongcheng", advisor("A0001"), first=True),
    *(Query(digits, advisor(id_), first=True) for digits, id_ in PHONE_FRAGMENTS.items()),
    Query("132 4535 6775", advisor("A0001"), first=True),  # as printed on the pages
    # statistical codes
    Query("371502102201", path("/v/371502102201/"), first=True),
    Query("371502102", township("堂邑镇"), first=True),
    # content pages
    Query("法律援助", path("/guides/legal-aid/"), first=True),
    Query("求法援", path("/guides/legal-aid/"), first=True),
    Query("qiufayuan", path("/guides/legal-aid/"), first=True),
    Query("公证", path("/guides/notary/")),
    Query("覆盖率", path("/stats/")),
)

HOME = path("/")
LAWYER, NOTARY, LEGAL_AID = path("/guides/lawyer/"), path("/guides/notary/"), path("/guides/legal-aid/")
MEDIATION, APPRAISAL = path("/guides/mediation/"), path("/guides/appraisal/")
WANGZHUANG = (villages("王庄村"), villages("汪庄"))  # both read wangzhuang exactly
DONGCHANGFU = county("东昌府区")

#: Issue 12: what a villager's thumb and IME type. ``says``: the status line must contain it
#: (a corrected typo is offered as 你是不是要找…).
FORGIVING: tuple[Query, ...] = (
    # spaces inside pinyin: one name's syllables before separate words
    Query("wang zhuang", WANGZHUANG, first=True),
    Query("qian dong cun", QDC, first=True, every=True),
    Query("tang yi zhen", township("堂邑镇"), first=True),
    Query("tang yi", township("堂邑镇"), first=True),
    Query("dong chang fu", DONGCHANGFU, first=True),
    Query("dong changfu", DONGCHANGFU, first=True),
    Query("chi ping", county("茌平区"), first=True),
    Query("wu long cheng", advisor("A0001"), first=True),
    Query("bai gu dui", villages("白堌堆村"), first=True),
    Query("qiu fa yuan", LEGAL_AID, first=True),
    Query("wang zhuang sha zhen", villages("王庄村", "沙镇镇"), first=True),
    Query("lv zhuang", villages("吕庄村"), first=True),
    # full-width letters, digits and spaces from a Chinese IME, and capitals
    Query("ｗａｎｇｚｈｕａｎｇ", WANGZHUANG, first=True),
    Query("ＷＡＮＧＺＨＵＡＮＧ", WANGZHUANG, first=True),
    Query("WangZhuang", WANGZHUANG, first=True),
    Query("ＱＤＣ", QDC, every=True),
    Query("ＴＡＮＧＹＩ", township("堂邑镇"), first=True),
    Query("Dongchangfu", DONGCHANGFU, first=True),
    Query("ｄｏｎｇ\u3000ｃｈａｎｇ\u3000ｆｕ", DONGCHANGFU, first=True),
    Query("１２３４８", HOME, first=True),
    # ü as v, ü or u
    Query("lüzhuang", villages("吕庄村"), first=True),
    Query("LÜZHUANG", villages("吕庄村"), first=True),
    Query("Lvzhuang", villages("吕庄村"), first=True),
    Query("luzhuang 堂邑", villages("吕庄村", "堂邑镇")),  # lu is 吕 too, after 路庄, 卢庄 (lu first)
    # the hotline's number: the home page's hotline first, the guides that give it after
    Query("12348", HOME, first=True),
    Query("0635-12348", HOME, first=True),
    Query("063512348", HOME, first=True),
    Query("0635 12348", HOME, first=True),
    Query("热线", HOME, first=True),
    # traditional characters
    Query("東昌府", DONGCHANGFU, first=True),
    Query("東昌府區", DONGCHANGFU, first=True),
    Query("堂邑鎮", township("堂邑镇"), first=True),
    Query("聊城經濟技術開發區", county("聊城经济技术开发区"), first=True),
    Query("王莊村", villages("王庄村"), first=True),
    Query("茌平區", county("茌平区"), first=True),
    Query("前董村委會", QDC, first=True, every=True),
    Query("離婚", (LAWYER, MEDIATION), first=True, every=True),
    Query("遺囑", NOTARY, first=True),
    # everyday words for a trouble: the guide of the service that helps (keywords in content/guides)
    Query("离婚", (LAWYER, MEDIATION), first=True, every=True),
    Query("欠薪", LEGAL_AID, first=True),
    Query("工伤", (LEGAL_AID, APPRAISAL), first=True, every=True),
    Query("遗嘱", NOTARY, first=True),
    Query("交通事故", (LEGAL_AID, APPRAISAL), first=True, every=True),
    Query("法律援助怎么申请", LEGAL_AID, first=True),
    Query("讨工钱", LEGAL_AID, first=True),
    Query("拖欠工资", LEGAL_AID, first=True),
    Query("家暴", LEGAL_AID, first=True),
    Query("宅基地", MEDIATION, first=True),
    Query("借钱不还", LAWYER, first=True),
    Query("亲子鉴定", APPRAISAL, first=True),
    Query("法考", path("/guides/exam/"), first=True),
    Query("继承", NOTARY, first=True),
    # one letter wrong, missing, extra or swapped in pinyin, when nothing matches as typed
    Query("wangzhaung", WANGZHUANG, first=True, says="你是不是要找：wangzhuang？"),
    Query("dongcangfu", DONGCHANGFU, first=True, says="你是不是要找：dongchangfu？"),
    Query("qiandongcnu", QDC, first=True, every=True, says="你是不是要找：qiandongcun？"),
    Query("baigudiu", villages("白堌堆村"), first=True, says="你是不是要找：baigudui？"),
    Query("tangyizen", township("堂邑镇"), first=True, says="你是不是要找：tangyizhen？"),
    Query("chipnig", county("茌平区"), first=True, says="你是不是要找：chiping？"),
    Query("wulongcheeng", advisor("A0001"), first=True, says="你是不是要找：wulongcheng？"),
    Query("guanxain", county("冠县"), first=True, says="你是不是要找：guanxian？"),
    Query("wangzhaung shazhen", villages("王庄村", "沙镇镇"), first=True, says="你是不是要找：wangzhuang shazhen？"),
)


# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The full sample site, built once, served on 127.0.0.1."""
    folder = project(tmp_path_factory.mktemp("sample"), SAMPLE)
    run = mkdocs_build(folder)
    assert run.returncode == 0, run.stderr
    with serve(folder / "site") as url:
        yield url


@pytest.fixture(scope="module")
def searching(browser: Browser, site_url: str) -> Iterator[tuple[Page, RequestLog]]:
    """A village page at 390×844 whose search index is loaded, shared by the query table."""
    context = phone_context(browser, service_workers="block")  # requests counted here, not the worker's too
    log = RequestLog(context, block_foreign=site_url)
    page = context.new_page()
    page.goto(site_url + VILLAGE_PAGE)
    ready(page)
    yield page, log
    context.close()


def ready(page: Page) -> None:
    """Tap the box, type one character, and wait until the index is loaded and answered."""
    page.tap("#dir-q")
    page.keyboard.type("王")
    page.wait_for_selector(RESULTS)


def results(page: Page, text: str) -> list[str]:
    """Fill the box (an ``input`` event; matching is synchronous) and return the result paths."""
    page.fill("#dir-q", text)
    hrefs: list[str] = page.eval_on_selector_all(RESULTS, "as => as.map(a => new URL(a.href).pathname)")
    return hrefs


# -- tests -----------------------------------------------------------------------------------


def test_query_table_is_large_enough() -> None:
    assert len(QUERIES) >= 30 and len({q.text for q in QUERIES}) == len(QUERIES)
    assert len(FORGIVING) >= 40 and len({q.text for q in QUERIES + FORGIVING}) == len(QUERIES) + len(FORGIVING)


def test_phone_fragments_belong_to_one_advisor_each() -> None:
    for digits, id_ in PHONE_FRAGMENTS.items():
        assert [a.id for a in sample().advisors if digits in a.phone.replace("-", "")] == [id_]


@pytest.mark.parametrize("query", QUERIES + FORGIVING, ids=str)
def test_query_finds_the_page(searching: tuple[Page, RequestLog], query: Query) -> None:
    page, _ = searching
    expect = query.paths()
    found = results(page, query.text)
    if query.says:  # corrections are tried after the keystroke's own answer, one per task
        page.wait_for_function("() => /你是不是要找/.test(document.querySelector('.dir-search__status').textContent)")
        found = page.eval_on_selector_all(RESULTS, "as => as.map(a => new URL(a.href).pathname)")
    top = found[:5]
    status = page.inner_text(".dir-search__status")
    assert any(u in top for u in expect), f"{query.text!r}: none of {expect} in {top} ({status})"
    if query.says:
        assert query.says in status
    else:
        assert "你是不是要找" not in status, f"{query.text!r} needed no correction: {status}"
    if query.first:
        assert found[0] in expect, f"{query.text!r}: first result {found[0]}, expected one of {expect}"
    if query.every:
        missing = [u for u in expect if u not in top]
        assert not missing, f"{query.text!r}: {missing} not in the first five {top}"


def test_results_tell_identical_names_apart(searching: tuple[Page, RequestLog]) -> None:
    page, _ = searching
    results(page, "前董村")
    lines = page.eval_on_selector_all(RESULTS, "as => as.map(a => a.innerText.replace(/\\s+/g, ' '))")
    assert lines == ["前董村 温陈街道 · 茌平区 · 顾问 白晨松", "前董村 冯官屯镇 · 茌平区 · 顾问 王琪芳"]
    assert page.inner_text(".dir-search__status") == "找到 2 个。"
    results(page, "法律援助")
    assert "法律援助" in page.inner_text(".dir-search__list li:first-child .dir-search__sub")


def test_no_request_leaves_the_site_and_the_index_loads_once(searching: tuple[Page, RequestLog], site_url: str) -> None:
    page, log = searching
    results(page, "wangzhuang")
    assert log.foreign(site_url) == []
    assert [u for u in log.urls if u.endswith("search.json")] == [site_url + "/search.json"]


def test_results_pass_axe_and_fit_a_phone(searching: tuple[Page, RequestLog]) -> None:
    page, _ = searching
    results(page, "wz")
    assert page.is_visible(".dir-search__panel")
    assert axe_violations(page) == []
    assert not overflows(page)
    boxes = page.eval_on_selector_all(RESULTS, "as => as.map(a => a.getBoundingClientRect().height)")
    assert len(boxes) == 10 and min(boxes) >= 44
    sizes = page.eval_on_selector_all(
        "#dir-q, .dir-search__name, .dir-search__sub, .dir-search__status",
        "es => es.map(e => parseFloat(getComputedStyle(e).fontSize))",
    )
    assert min(sizes) >= 16
    assert page.eval_on_selector("#dir-q", "e => e.getBoundingClientRect().height") >= 44
    page.set_viewport_size({"width": 360, "height": 740})
    try:
        assert not overflows(page)
    finally:
        page.set_viewport_size({"width": 390, "height": 844})


def test_search_keeps_working_offline(searching: tuple[Page, RequestLog]) -> None:
    page, _ = searching
    page.context.set_offline(True)
    try:
        assert results(page, "吴窎村") == list(villages("吴窎村").paths())
        assert results(page, "dongchangfu")[0] == county("东昌府区").paths()[0]
    finally:
        page.context.set_offline(False)


def test_guide_page_header_search_opens_a_result(phone: Page, site_url: str) -> None:
    """Material's pages carry the same box; typing key by key and one tap open the page."""
    log = RequestLog(phone.context, block_foreign=site_url)
    phone.goto(site_url + GUIDE_PAGE)
    phone.tap("#dir-q")
    phone.keyboard.type("chiping", delay=20)  # Material's own keys (p, n: previous, next page) must not fire
    phone.wait_for_selector(RESULTS)
    assert phone.url == site_url + GUIDE_PAGE
    assert axe_violations(phone) == []
    assert not overflows(phone)
    phone.tap(RESULTS)
    phone.wait_for_url(site_url + county("茌平区").paths()[0])
    assert "茌平区" in phone.inner_text("h1")
    assert log.foreign(site_url) == []


def test_enter_opens_the_first_result_and_escape_closes(phone: Page, site_url: str) -> None:
    phone.goto(site_url + "/")
    ready(phone)
    phone.fill("#dir-q", "堂邑镇")
    phone.keyboard.press("Escape")  # closes the list (and Chromium empties a search box)
    assert phone.is_hidden(".dir-search__panel")
    phone.fill("#dir-q", "堂邑镇")
    phone.tap("main")  # a tap outside closes it too, and a tap on the box reopens it
    assert phone.is_hidden(".dir-search__panel")
    phone.tap("#dir-q")
    assert phone.is_visible(".dir-search__panel")
    phone.keyboard.press("Enter")
    phone.wait_for_url(re.compile(re.escape(site_url + township("堂邑镇").paths()[0]) + "$"))


# -- indexes the sample does not make: province scale, another format version -----------------


#: Synthetic villages added to the small roster's index: more entries than the first search.js
#: could rank (it packed the position into the last five decimal digits of one number).
LARGE = 120_000

#: A village of a name no other entry has, added after the synthetic ones.
LAST_VILLAGE = ("葛家岭村", "村民委员会")


@lru_cache(maxsize=1)
def small_data() -> dict[str, Any]:
    return search_data(read_roster(SMALL).roster, [])


def large_index() -> tuple[bytes, str]:
    """The small roster's index with LARGE copies of its villages under six-digit codes of
    their own, then LAST_VILLAGE, so that it and every advisor come after entry 100,000.
    Returns the JSON and LAST_VILLAGE's URL path."""
    data = json.loads(json.dumps(small_data()))
    real = data["villages"]
    assert real and all(len(v[0]) == 3 for v in real)  # the copies' codes cannot collide
    copies = [[f"{n:06d}", *real[n % len(real)][1:]] for n in range(LARGE)]
    short, tail = LAST_VILLAGE
    township = 0
    data["villages"] = real + copies + [["999999", short, data["tails"].index(tail), township, None]]
    chars = "".join(data["py"].values()) + "".join(data["py2"].values()) + short
    data["py"], data["py2"] = syllable_maps(chars)
    return json.dumps(data, ensure_ascii=False).encode(), f"/v/{data['townships'][township][0]}999999/"


def with_index(browser: Browser, site_url: str, body: bytes) -> tuple[Page, list[str], list[str]]:
    """A phone page on the sample site whose search.json is ``body``; its console warnings
    and uncaught errors are collected in the two lists returned."""
    context = phone_context(browser, service_workers="block")  # a route does not see the worker's fetches
    page = context.new_page()
    page.route("**/search.json", lambda route: route.fulfill(body=body, content_type="application/json"))
    warnings: list[str] = []
    errors: list[str] = []
    page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(site_url + VILLAGE_PAGE)
    return page, warnings, errors


def test_ranking_holds_past_100000_entries(browser: Browser, site_url: str) -> None:
    """Exact names still rank first, and are the entries they name, when they come after
    entry 100,000 (the first search.js showed another entry in their place)."""
    body, last_village = large_index()
    page, _, errors = with_index(browser, site_url, body)
    try:
        ready(page)
        assert results(page, LAST_VILLAGE[0]) == [last_village]
        assert page.inner_text(".dir-search__status") == "找到 1 个。"
        assert results(page, "gejialing")[0] == last_village
        assert results(page, "葛家岭村民委员会")[0] == last_village
        assert results(page, "王建国")[0] == "/a/A0001/"  # advisors come after all the villages
        assert results(page, "wangjianguo")[0] == "/a/A0001/"
        # Among equally good matches, roster order: the real 前董村 first, then its copies.
        small = read_roster(SMALL).roster
        qdc = [f"/v/{v.code}/" for v in small.villages if v.short_name == "前董村"]
        township_of = {v.code: v.township for v in small.villages}
        copies = [f"/v/{township_of[v.code]}{n:06d}/" for n in range(LARGE)
                  for v in [small.villages[n % len(small.villages)]] if v.short_name == "前董村"]
        assert results(page, "前董村") == (qdc + copies)[:10]
        assert errors == []
    finally:
        page.context.close()


def test_an_index_of_another_version_shows_no_results(browser: Browser, site_url: str) -> None:
    """search.json from a newer generator than the cached script: a warning, no results, no crash."""
    data = dict(small_data(), v=FORMAT_VERSION + 1)
    page, warnings, errors = with_index(browser, site_url, json.dumps(data, ensure_ascii=False).encode())
    try:
        page.tap("#dir-q")
        page.keyboard.type("王")
        page.wait_for_function("() => !/载入/.test(document.querySelector('.dir-search__status').textContent)")
        assert page.inner_text(".dir-search__status") == "搜索数据与本页的版本不符，请刷新页面。"
        assert page.eval_on_selector_all(RESULTS, "as => as.length") == 0
        results(page, "wangzhuang")  # the next keystroke neither crashes nor shows results
        assert page.eval_on_selector_all(RESULTS, "as => as.length") == 0
        assert page.inner_text(".dir-search__status") == "搜索数据与本页的版本不符，请刷新页面。"
        assert any("search.json" in w and str(FORMAT_VERSION + 1) in w for w in warnings), warnings
        assert errors == []
    finally:
        page.context.close()


def test_no_correction_is_offered_when_none_finds_anything(searching: tuple[Page, RequestLog]) -> None:
    page, _ = searching
    assert results(page, "xqxqxq") == []
    page.wait_for_timeout(500)  # time for corrections to be tried (none reads as pinyin and finds)
    assert page.inner_text(".dir-search__status").startswith("没有找到。")
    # a keystroke drops the corrections of the query before it: they never overwrite its answer
    page.fill("#dir-q", "wangzhaun")
    page.fill("#dir-q", "前董村")
    page.wait_for_timeout(1000)
    assert page.inner_text(".dir-search__status") == "找到 2 个。"
    assert results(page, "離婚")[0] == "/guides/lawyer/"  # the next query is searched afresh
    assert page.inner_text(".dir-search__list li:first-child .dir-search__sub") == "能帮您：离婚"
