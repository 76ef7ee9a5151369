"""The search index: one compact JSON file (``search.json``) that the header search loads.

Owns what the browser needs to find a village, township, county-level unit, advisor or
content page by characters, pinyin, initials or phone digits, and nothing else: no private
field, no precomputed pinyin per entry. Names are stored once; a syllable → characters map
(``py``) covers only the characters that occur in indexed names and titles, so that
``assets/javascripts/search.js`` derives full pinyin and initials itself (every reading of a
polyphonic character counts). Output is deterministic: fixed order, sorted keys, no timestamps.

Layout (indexes are positions in the lists; ``v`` is the format version, FORMAT_VERSION:
search.js shows no results for an index of a version other than its own, so change the
layout only with a new version, in both files)::

    {"v": 1,
     "url": {"village": "v/{}/", "township": "t/{}/", "county": "c/{}/", "advisor": "a/{}/"},
     "kinds": ["县（市、区）", "功能区"],   # county kinds, by county[2]
     "roles": ["律师", ...],                 # advisor roles, by advisor[3]
     "ends": ["社区居民委员会", ..., "村"],  # name endings a query may omit (王庄 finds 王庄村)
     "strip": ["社区居民委员会", ...],       # official suffixes a query may carry (王庄村民委员会)
     "tails": ["", "委会", ...],             # official name = short name + tail
     "counties":  [[id, name, kind], ...],
     "townships": [[code, name, county], ...],
     "villages":  [[code after the township's, short name, tail, township, advisor|null], ...],
     "advisors":  [[id, name, phone, role, township|null], ...],
     "pages":     [[url, title, text, [keyword, ...]], ...],  # keywords only when a page has some
     "tel":       ["12348", "0635-12348"],  # the programme's hotline and local hotline: find the home page
     "ts": "東东莊庄…",                     # traditional → simplified, pairs, for the characters indexed
     "py": {"wang": "王汪", ...},            # each character's most common reading
     "py2": {"yu": "王", ...},               # its other readings
     "retired": [[short name, official name, line, page's code, own code], ...]}  # only when the roster has any

A village whose official name does not start with its short name carries the official name
as a sixth element. ``retired`` lists retired villages (retired.yaml), so that an old name still
finds today's place: ``line`` says what happened (已于2021年并入…), and the page to open is the one live
successor's, or the retired code's own page when it has several or none.

A page's keywords come from its front matter (``keywords: [离婚, 欠薪]`` in
``content/``, written by the theme as ``<meta name="keywords">``): everyday words for the
trouble that the page's service helps with, which staff extend without code.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from pypinyin import Style, pinyin

from .model import COUNTY_KIND_NAMES as COUNTY_KINDS
from .model import RETIREMENT_KIND_NAMES, ROLE_NAMES, VILLAGE_SUFFIXES, Roster
from .traditional import PAIRS as TRADITIONAL_PAIRS
from .urls import BY_KIND

#: The layout's version; search.js has its own copy and reads no other (tests/test_search.py).
FORMAT_VERSION = 2

#: Endings a searcher may leave out: 王庄 is as exact as 王庄村, 堂邑 as 堂邑镇.
NAME_ENDINGS: tuple[str, ...] = tuple(
    sorted(set(VILLAGE_SUFFIXES) | {"社区", "村", "街道", "镇", "乡"}, key=lambda s: (-len(s), s))
)

_LATIN = re.compile(r"[a-z]+")
_SPACE = re.compile(r"\s+")
_KEYWORD_SEPARATORS = re.compile(r"[,，、;；]")


@dataclass(frozen=True)
class ContentPage:
    """A hand-written page to search: its URL path from the site root, title and plain text."""

    url: str
    title: str
    text: str
    keywords: tuple[str, ...] = ()


def readings(chars: Iterable[str]) -> dict[str, list[str]]:
    """Toneless pinyin readings of each CJK character, the most common first.

    Polyphonic characters get every reading pypinyin knows; ``ü`` is written ``v`` (as phone
    keyboards type it) and, as a further reading, ``u`` (吕 → lv, lu). Characters pypinyin
    does not know get no reading and match only as themselves.
    """
    out: dict[str, list[str]] = {}
    for ch in sorted(set(chars)):
        if ch.isascii():
            continue
        found: list[str] = []
        for r in pinyin(ch, style=Style.NORMAL, heteronym=True)[0]:
            for variant in (r, r.replace("v", "u")):
                if _LATIN.fullmatch(variant) and variant not in found:
                    found.append(variant)
        if found:
            out[ch] = found
    return out


def syllable_maps(chars: Iterable[str]) -> tuple[dict[str, str], dict[str, str]]:
    """The readings inverted, syllable → characters (smaller than character → syllables):
    one map for each character's most common reading, one for its other readings, which
    the browser ranks a little lower (王 is wang, and only rarely yu)."""
    first: dict[str, list[str]] = {}
    other: dict[str, list[str]] = {}
    for ch, rs in readings(chars).items():
        for i, r in enumerate(rs):
            (other if i else first).setdefault(r, []).append(ch)
    return ({r: "".join(c) for r, c in sorted(first.items())}, {r: "".join(c) for r, c in sorted(other.items())})


def traditional_map(chars: Iterable[str]) -> str:
    """The traditional characters whose simplified form is one of ``chars``, as pairs
    (traditional, simplified) in code-point order: 東东莊庄…. A traditional character that is
    itself one of ``chars`` is left out (乾 is also a name's own character, not only 干)."""
    wanted = set(chars)
    pairs = [(TRADITIONAL_PAIRS[i], TRADITIONAL_PAIRS[i + 1]) for i in range(0, len(TRADITIONAL_PAIRS), 2)]
    return "".join(t + s for t, s in sorted(pairs) if s in wanted and t not in wanted)


def _index_of(values: list[str], value: str) -> int:
    if value not in values:
        values.append(value)
    return values.index(value)


def search_data(roster: Roster, pages: Iterable[ContentPage]) -> dict[str, Any]:
    """The index as plain data (see the module docstring for its layout)."""
    county_pos = {c.id: i for i, c in enumerate(roster.counties)}
    township_pos = {t.code: i for i, t in enumerate(roster.townships)}
    advisor_pos = {a.id: i for i, a in enumerate(roster.advisors)}
    kinds = list(COUNTY_KINDS.values())
    roles = list(ROLE_NAMES.values())
    tails: list[str] = [""]

    counties = [[c.id, c.name, _index_of(kinds, COUNTY_KINDS.get(c.kind, c.kind))] for c in roster.counties]
    townships = [[t.code, t.name, county_pos.get(t.county)] for t in roster.townships]
    villages: list[list[Any]] = []
    for t in roster.townships:
        for v in t.villages:
            if not v.code.startswith(t.code):
                raise ValueError(f"village {v.code} is outside township {t.code}")
            short = v.short_name
            entry: list[Any] = [v.code[len(t.code):], short, 0, township_pos[t.code], advisor_pos.get(v.advisor or "")]
            if v.name.startswith(short):
                entry[2] = _index_of(tails, v.name[len(short):])
            else:
                entry.append(v.name)
            villages.append(entry)

    def served(advisor_id: str) -> int | None:
        first = roster.villages_of.get(advisor_id) or []
        if first:
            return township_pos[first[0].township]
        teams = roster.teams_of.get(advisor_id) or []
        return township_pos[teams[0].code] if teams else None

    advisors = [
        [a.id, a.name, a.phone, _index_of(roles, ROLE_NAMES.get(a.role, a.role)), served(a.id)]
        for a in roster.advisors
    ]
    page_list = list(pages)

    names = [c.name for c in roster.counties] + [t.name for t in roster.townships] + [a.name for a in roster.advisors]
    names += [v.name + v.short_name for v in roster.villages] + [p.title for p in page_list]
    retired = retired_entries(roster)
    names += [r[0] + r[1] for r in retired]
    py, py2 = syllable_maps("".join(names))
    keywords = "".join(k for p in page_list for k in p.keywords)
    programme = roster.programme
    return ({"retired": retired} if retired else {}) | {
        "v": FORMAT_VERSION,
        "url": {kind: make("{}") for kind, make in BY_KIND.items()},
        "kinds": kinds,
        "roles": roles,
        "ends": list(NAME_ENDINGS),
        "strip": sorted(VILLAGE_SUFFIXES, key=lambda s: (-len(s), s)),
        "tails": tails,
        "counties": counties,
        "townships": townships,
        "villages": villages,
        "advisors": advisors,
        "pages": [[p.url, p.title, p.text, list(p.keywords)] if p.keywords else [p.url, p.title, p.text]
                  for p in page_list],
        "tel": [n for n in (programme.hotline, programme.local_hotline) if n],
        "ts": traditional_map("".join(names) + keywords),
        "py": py,
        "py2": py2,
    }


def retired_entries(roster: Roster) -> list[list[str]]:
    """Retired villages as the search shows them: a name that leads to the place that replaced it."""
    out = []
    for r in roster.retired_villages:
        now = roster.successors_now(r.code)
        old_township = roster.township.get(r.parent) or roster.retired_township.get(r.parent)
        verb = RETIREMENT_KIND_NAMES.get(r.kind, r.kind)
        places = "、".join(roster.village[c].short_name for c in now)
        line = f"{old_township.name if old_township else ''} · {r.year}年{verb}{places}".lstrip(" ·")
        out.append([r.short_name, r.name, line, now[0] if len(now) == 1 else r.code, r.code])
    return out


def search_index(roster: Roster, pages: Iterable[ContentPage]) -> bytes:
    """``search.json``: compact, UTF-8, deterministic bytes."""
    data = search_data(roster, pages)
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


# -- content pages, read back from the HTML that MkDocs wrote ---------------------------


class _ArticleText(HTMLParser):
    """Collects the text of the first ``<article>`` and of its first ``<h1>``."""

    SKIP = frozenset({"script", "style", "template", "svg"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # nesting inside <article>
        self.done = False
        self.skipping = 0
        self.in_h1 = False
        self.title: list[str] = []
        self.text: list[str] = []
        self.keywords: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta" and not self.depth and not self.done:
            found = dict(attrs)
            if found.get("name") == "keywords" and found.get("content"):
                self.keywords += [k.strip() for k in _KEYWORD_SEPARATORS.split(found["content"] or "") if k.strip()]
        if self.done:
            return
        if tag == "article":
            self.depth += 1
        elif self.depth and tag in self.SKIP:
            self.skipping += 1
        elif self.depth and tag == "h1" and not self.title:
            self.in_h1 = True
        if self.depth and tag in {"p", "li", "br", "h1", "h2", "h3", "h4", "td", "th", "dt", "dd", "div", "section"}:
            self.text.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if self.done:
            return
        if tag == "article" and self.depth:
            self.depth -= 1
            self.done = not self.depth
        elif self.depth and tag in self.SKIP and self.skipping:
            self.skipping -= 1
        elif tag == "h1":
            self.in_h1 = False

    def handle_data(self, data: str) -> None:
        if not self.depth or self.skipping or self.done:
            return
        if self.in_h1:
            self.title.append(data)
        else:
            self.text.append(data)


def page_text(document: str) -> tuple[str, str]:
    """The ``(title, plain text)`` of a built page's ``<article>``, whitespace collapsed."""
    page = read_page(document, "")
    return page.title, page.text


def read_page(document: str, url: str) -> ContentPage:
    """A built page's title and text (its ``<article>``, whitespace collapsed) and the keywords
    of its ``<meta name="keywords">``, in their order, each once."""
    parser = _ArticleText()
    parser.feed(document)
    parser.close()
    title = _SPACE.sub(" ", html.unescape("".join(parser.title))).strip()
    text = _SPACE.sub(" ", "".join(parser.text)).strip()
    return ContentPage(url, title, text, tuple(dict.fromkeys(parser.keywords)))


def read_content_pages(site_dir: Path) -> list[ContentPage]:
    """The pages MkDocs built in ``site_dir`` (those with its generator tag), in URL order.

    Called before the data pages are written; the generator tag tells MkDocs' pages apart
    from ours in any case.
    """
    found: list[ContentPage] = []
    for path in sorted(site_dir.rglob("index.html")):
        with path.open("rb") as f:  # the tag is in <head>: data pages are skipped unread
            if b'<meta name="generator" content="mkdocs-' not in f.read(8192):
                continue
        document = path.read_text(encoding="utf-8")
        url = path.parent.relative_to(site_dir).as_posix()
        url = "" if url == "." else url + "/"
        page = read_page(document, url)
        if page.title:
            found.append(page)
    return sorted(found, key=lambda p: (p.url.count("/"), p.url))
