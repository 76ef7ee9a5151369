"""The 2020–21 mergers: a 2019 roster and a 2023 one made from the two division lists.

The diff's counts are checked against the division lists themselves, and every 2019 village
URL is followed in the built site (its HTML, not the roster) to a live village page: each is
live, or a retirement page that links onward and, with one successor, redirects there.
"""

from __future__ import annotations

import csv
import shutil
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

import pytest

from generator.build.pipeline import read_roster
from generator.changes.diff import diff, vanished
from generator.roster.load import load_documents
from tests.helpers.merged import DIVISIONS, merge_roster, slice_roster
from tests.helpers.roster_edit import SAMPLE, SMALL
from tests.helpers.sites import mkdocs_build, project, render_data_pages


def divisions(year: int, townships: set[str] | None = None) -> dict[str, tuple[str, str]]:
    """village code → (township code, name) in the division list of ``year``."""
    with (DIVISIONS / f"liaocheng-{year}.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return {r["village_code"]: (r["township_code"], r["village_name"]) for r in rows
            if townships is None or r["township_code"] in townships}


class Page(HTMLParser):
    """What a visitor's browser would act on: a meta refresh, the canonical link, the links of the retirement box."""

    def __init__(self) -> None:
        super().__init__()
        self.refresh: str | None = None
        self.canonical: str | None = None
        self.retired = False
        self.links: list[str] = []
        self._in_box = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "refresh":
            self.refresh = (a.get("content") or "").split("url=", 1)[1]
        elif tag == "link" and a.get("rel") == "canonical":
            self.canonical = a.get("href")
        elif tag == "section" and "dir-retired" in (a.get("class") or ""):
            self.retired = True
            self._in_box += 1
        elif tag == "section" and self._in_box:
            self._in_box += 1
        elif tag == "a" and self._in_box and a.get("href"):
            self.links.append(a["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "section" and self._in_box:
            self._in_box -= 1


def read_page(site: Path, url: str) -> Page:
    page = Page()
    page.feed((site / url / "index.html").read_text(encoding="utf-8"))
    return page


def resolve(url: str, href: str) -> str:
    """A relative link on the page at ``url`` (v/CODE/) as a path from the site root."""
    parts: list[str] = []
    for part in PurePosixPath(url, href).parts:
        if part == "..":
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts) + "/"


def live_pages_reached(site: Path, url: str, base_url: str, seen: frozenset[str] = frozenset()) -> set[str]:
    """The live village pages a visitor at ``url`` ends up on; fails on a dead end or a loop."""
    assert url not in seen, f"a loop through {url}"
    assert (site / url / "index.html").is_file(), f"{url} is not a page"
    page = read_page(site, url)
    if not page.retired:
        return {url}
    assert page.links, f"{url}: a retirement page that links nowhere"
    if page.refresh is not None:  # one successor: the redirect and the canonical link name it
        target, _, old = page.refresh.partition("?")  # ?from=<this code>: the successor marks the old card's village
        assert old in ("", f"from={url[2:-1]}"), page.refresh
        target = resolve(url, target)
        assert page.canonical == base_url + target, url
        reached = live_pages_reached(site, target, base_url, seen | {url})
        assert len(reached) == 1
        by_links = set().union(*(live_pages_reached(site, resolve(url, h), base_url, seen | {url}) for h in page.links))
        assert by_links == reached, url  # the words and the redirect agree
        return reached
    found: set[str] = set()
    for href in page.links:
        found |= live_pages_reached(site, resolve(url, href), base_url, seen | {url})
    return found


def check_merge(before: Path, after: Path, site: Path) -> None:
    old, new = read_roster(before), read_roster(after)
    assert old.ok and new.ok, [p.format() for p in new.problems if p.level == "error"][:5]
    assert vanished(old.roster, new.roster, load_documents(after), "2019") == []
    townships19 = {t.code for t in old.roster.townships}
    townships23 = {t.code for t in new.roster.townships}
    v19, v23 = divisions(2019, townships19), divisions(2023, townships23)
    assert set(v19) == set(old.roster.village) and set(v23) == set(new.roster.village)

    counts = diff(old.roster, new.roster).counts()
    gone, came = set(v19) - set(v23), set(v23) - set(v19)
    renamed = {c for c in set(v19) & set(v23) if v19[c][1] != v23[c][1]}
    assert counts["village"].get("added", 0) == len(came)
    assert counts["village"].get("merged", 0) + counts["village"].get("moved", 0) == len(gone)
    assert counts["village"].get("renamed", 0) == len(renamed)
    assert "removed" not in counts["village"]  # every vanished code has its record
    t19 = {v[0] for v in v19.values()}
    recoded = t19 - townships23
    assert counts["township"].get("added", 0) == len(townships23 - t19)
    assert len([t for t in new.roster.retired_townships if t.code in recoded]) == len(recoded)

    base = new.roster.programme.base_url
    for code in sorted(v19):
        reached = live_pages_reached(site, f"v/{code}/", base)
        assert reached and all(u.removeprefix("v/").removesuffix("/") in new.roster.village for u in reached), code
    for code in sorted(recoded):
        assert live_pages_reached(site, f"t/{code}/", base) - {f"t/{c}/" for c in townships23} == set()



@pytest.mark.slow  # real builds of a roster: the full run covers it
def test_one_county_merged_like_2021(tmp_path: Path) -> None:
    before = slice_roster(SAMPLE, tmp_path / "2019", {"371502"})
    after = merge_roster(before, tmp_path / "2023")
    check_merge(before, after, render_data_pages(after, tmp_path / "site"))


@pytest.mark.slow  # builds the whole 2023 site with MkDocs
def test_every_2019_village_url_leads_to_a_2023_page(tmp_path: Path) -> None:
    after = merge_roster(SAMPLE, tmp_path / "2023")
    folder = project(tmp_path / "project", after)
    r = mkdocs_build(folder)
    assert r.returncode == 0, r.stderr
    check_merge(SAMPLE, after, folder / "site")
    counts = diff(read_roster(SAMPLE).roster, read_roster(after).roster).counts()
    assert counts["village"]["added"] + len(set(divisions(2019)) & set(divisions(2023))) == 2408


SMALL_RETIRED = """villages:
  - code: '371502102009'
    name: 小王庄村委会
    township: '371502102'
    year: 2020
    kind: merged
    successors: ['371502102008']
  - code: '371502102008'
    name: 大王庄村委会
    township: '371502102'
    year: 2021
    kind: merged
    successors: ['371502102001']
  - code: '371502102007'
    name: 东庄村委会
    township: '371502102'
    year: 2021
    kind: split
    successors: ['371502102002', '371502102003']
  - code: '371502199006'
    name: 西庄村委会
    township: '371502199'
    year: 2019
    kind: abolished
townships:
  - code: '371502199'
    name: 老集镇
    county: '371502'
    year: 2019
    kind: merged
    successors: ['371502102']
"""


def test_every_retired_code_of_a_small_roster_leads_to_todays_pages(tmp_path: Path) -> None:
    """Printed URLs never die: a chain of mergers redirects to the village at its end, a split links both
    halves and redirects to neither, an abolished village explains itself and a retired township redirects."""
    roster = tmp_path / "data"
    shutil.copytree(SMALL, roster)
    (roster / "retired.yaml").write_text(SMALL_RETIRED, encoding="utf-8")
    assert read_roster(roster).problems == []
    site = render_data_pages(roster, tmp_path / "site")
    base = read_roster(roster).roster.programme.base_url
    for code in ("371502102009", "371502102008"):  # both ends of the chain go straight to today's village
        page = read_page(site, f"v/{code}/")
        assert (page.refresh, page.canonical) == (f"../../v/371502102001/?from={code}", base + "v/371502102001/"), code
        assert live_pages_reached(site, f"v/{code}/", base) == {"v/371502102001/"}
    chain = (site / "v/371502102009/index.html").read_text(encoding="utf-8")
    assert "本村已于2020年并入<a href=\"../../v/371502102008/\">大王庄村</a>" in chain  # the record's own words
    assert "<h1>小王庄村</h1>" in chain and "原属堂邑镇" in chain
    assert ">前董村（堂邑镇）</a> <span class=\"dir-role\">法律顾问 刘洋（律师）" in chain  # who serves it today

    split = read_page(site, "v/371502102007/")
    assert split.refresh is None and split.canonical == base + "v/371502102007/"
    assert live_pages_reached(site, "v/371502102007/", base) == {"v/371502102002/", "v/371502102003/"}

    abolished = read_page(site, "v/371502199006/")
    assert abolished.retired and abolished.refresh is None and abolished.links == []
    text = (site / "v/371502199006/index.html").read_text(encoding="utf-8")
    assert "原属老集镇" in text and "现在为您服务" not in text  # its retired township's name; nobody serves it now

    township = read_page(site, "t/371502199/")
    assert township.refresh == "../../t/371502102/" and township.canonical == base + "t/371502102/"
    assert "原属东昌府区" in (site / "t/371502199/index.html").read_text(encoding="utf-8")
