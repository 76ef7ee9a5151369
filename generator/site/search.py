"""The search index: a small core (``search.json``) and shards under ``search/``, fetched by need.

Owns what the browser needs to find a village, township, county-level unit, city (a province's),
advisor or content page by characters, pinyin, initials or phone digits, and nothing else: no private
field, no precomputed pinyin per entry. A syllable → characters map (``py``) covers only the
characters that occur in indexed names and titles, so that ``assets/javascripts/search.js``
derives full pinyin and initials itself (every reading of a polyphonic character counts).
Output is deterministic: fixed order, sorted keys, no timestamps.

A province has 77,299 villages and 24,000 advisors: one file of them all is ~1 MB gzip, too
much for a phone on first use. So the core holds what every query needs (cities, counties,
townships, the maps, the pages' titles, the hotline, retired names) and a directory of shards;
villages and advisors are in shards, each listing every place or person a query's first key
can match, anywhere in the name (a query character may match inside a name: 王庄 finds 大王庄村):

- a name key: the first letter of a reading of one character of the name (``w``: 王, 汪, 吴…),
  or of two consecutive characters (``wz``: 王庄, 吴寨…), every reading of each. A village is
  keyed by its short name (and its official name when that does not start with the short
  one), an advisor by their name. search.js takes the key of each word of the query: its
  first two characters' letters (王庄 → ``wz``, 王zhuang → ``wz``), or for pinyin, the first
  letter and the letter after each way the first syllable may end (wangzhuang → ``wa``, ``wn``,
  ``wg``, ``wz``: the first character may read w…, wa…, wan… or wang); a word that may be one
  syllable or one character (王, wang, w) needs the one-letter key.
- ``d`` and three digits: advisors whose phone holds those digits (any three in a row).
- ``n`` and six digits: villages whose code starts with them (a code query).

A key with more than SPLIT entries is split by region (the city of a province's roster; else
the county-level unit), so that the reader's own region's piece comes first and the first
results need only it (search.js fetches the other pieces after them). Shard files are named by
a digest of their bytes: a changed shard is a new URL, so a phone never pairs a core with
another build's shard (the service worker caches by URL; offline.py).

Layout of ``search.json`` (indexes are positions in the lists; ``v`` is the format version,
FORMAT_VERSION: search.js shows no results for an index of a version other than its own, so
change the layout only with a new version, in both files)::

    {"v": 3,
     "url": {"village": "v/{}/", "township": "t/{}/", "county": "c/{}/", "advisor": "a/{}/", "city": "city/{}/"},
     "kinds": ["县（市、区）", "功能区"],   # county kinds, by county[2]
     "roles": ["律师", ...],                 # advisor roles, by advisor[4]
     "ends": ["社区居民委员会", ..., "村"],  # name endings a query may omit (王庄 finds 王庄村)
     "strip": ["社区居民委员会", ...],       # official suffixes a query may carry (王庄村民委员会)
     "tails": ["", "委会", ...],             # official name = short name + tail
     "cities":    [[id, name, base], ...],   # a province's; base: "" when its pages are on this site, else its site's URL
     "counties":  [[id, name, kind, city|null], ...],
     "townships": [[code, name, county], ...],
     "pages":     [[url, title, [keyword, ...]], ...],  # keywords only when a page has some
     "text":      "search/pages.<digest>.json",  # the pages' text, in the order of "pages"
     "tel":       ["12348", "0635-12348"],  # the programme's hotline and local hotline: find the home page
     "ts": "東东莊庄…",                     # traditional → simplified, pairs, for the characters indexed
     "py": {"wang": "王汪", ...},            # each character's most common reading
     "py2": {"yu": "王", ...},               # its other readings
     "region": "city",                        # what splits a big shard: "city" or "county"
     "shards": {"wz": "<digest>", "w": {"3715": "<digest>", ...}, "d567": ..., "n371502": ...},
     "near": {"3715": "<digest>", ...},      # each region's villages and advisors, all of them
     "retired": [[short name, official name, line, page's code, own code], ...]}  # only when the roster has any

A shard ``{"wz": "<digest>"}`` is the file ``search/wz.<digest>.json``; a split one
``{"w": {"3715": "<digest>"}}`` is ``search/w-3715.<digest>.json`` (region ``_``: an advisor who
serves no township). A shard file::

    {"villages": [[code after the township's, short name, tail, township, advisor's name|""], ...],
     "advisors": [[position, id, name, phone, role, township|null], ...]}

(each list only when not empty; a village whose official name does not start with its short name
carries the official name as a sixth element). The pages' text file is ``{"text": [text, ...]}``.

``near`` names a file per region, ``search/near-<region>.<digest>.json`` in the same layout,
with every village and advisor of the region: search.js fetches the reader's own after the first
results, so that the service worker keeps it and a phone without signal still finds any place
of its own city (or county-level unit) besides what it searched before.

A city's own site (the plugin's ``city``) indexes the whole province: its cities' ``base`` says
where the others' pages are. ``retired`` lists retired villages (retired.yaml), so that an old
name still finds today's place: ``line`` says what happened (已于2021年并入…), and the page to open
is the one live successor's, or the retired code's own page when it has several or none.

A page's keywords come from its front matter (``keywords: [离婚, 欠薪]`` in
``content/``, written by the theme as ``<meta name="keywords">``): everyday words for the
trouble that the page's service helps with, which staff extend without code.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from pypinyin import Style, pinyin

from generator.core.model import COUNTY_KIND_NAMES as COUNTY_KINDS
from generator.core.model import RETIREMENT_KIND_NAMES, ROLE_NAMES, VILLAGE_SUFFIXES, City, Roster
from generator.core.urls import BY_KIND, SEARCH_INDEX, city_url
from generator.core.urls import SEARCH_SHARDS as SHARDS

from .traditional import PAIRS as TRADITIONAL_PAIRS

#: The layout's version; search.js has its own copy and reads no other (tests/site/test_search.py).
FORMAT_VERSION = 3

#: A shard key with more places and people than this is split by region (city, or county-level
#: unit): a phone fetches its own region's piece before the first results. Measured on the
#: province roster (bench/search.py --province): see docs/site.md, "Search".
SPLIT = 2500

#: Hex digits of a shard's digest in its file name.
DIGEST = 10

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


@dataclass(frozen=True)
class _Shards:
    """Shard records by key and region, filled as the roster is read."""

    split: int
    by_key: dict[str, dict[str, dict[str, list[Any]]]]
    by_region: dict[str, dict[str, list[Any]]]

    def add(self, keys: Iterable[str], region: str, kind: str, record: list[Any]) -> None:
        for key in sorted(keys):
            self.by_key.setdefault(key, {}).setdefault(region, {}).setdefault(kind, []).append(record)
        self.by_region.setdefault(region, {}).setdefault(kind, []).append(record)

    def files(self) -> tuple[dict[str, Any], list[tuple[str, bytes]]]:
        """The core's directory of shards and the files, each named by a digest of its bytes."""
        directory: dict[str, Any] = {}
        files: list[tuple[str, bytes]] = []

        def write(name: str, records: dict[str, list[Any]]) -> str:
            data = _json({kind: rows for kind, rows in records.items() if rows})
            digest = hashlib.sha256(data).hexdigest()[:DIGEST]
            files.append((f"{SHARDS}/{name}.{digest}.json", data))
            return digest

        for key in sorted(self.by_key):
            regions = self.by_key[key]
            if sum(len(rows) for records in regions.values() for rows in records.values()) <= self.split:
                merged: dict[str, list[Any]] = {}
                for region in sorted(regions):
                    for kind, rows in regions[region].items():
                        merged.setdefault(kind, []).extend(rows)
                directory[key] = write(key, {k: sorted(v, key=_ORDER[k]) for k, v in merged.items()})
            else:
                directory[key] = {region: write(f"{key}-{region}", regions[region]) for region in sorted(regions)}
        near = {region: write(f"near-{region}", self.by_region[region]) for region in sorted(self.by_region)}
        return {"shards": directory, "near": near}, files


#: Records in one shard keep roster order (a merged key's regions were added apart).
_ORDER: dict[str, Any] = {"villages": lambda v: (v[3], v[0]), "advisors": lambda a: a[0]}


def letters(ch: str, by_char: dict[str, list[str]]) -> list[str]:
    """The first letters of a character's readings (王: w, y); ``_`` for one without a reading."""
    found = by_char.get(ch)
    return sorted({r[0] for r in found}) if found else ["_"]


def name_keys(name: str, by_char: dict[str, list[str]]) -> set[str]:
    """Every shard key a query may take to find ``name``: one letter of any character, and two
    letters of any two consecutive characters (see the module docstring)."""
    chars = list(name)
    keys: set[str] = set()
    for i, ch in enumerate(chars):
        first = letters(ch, by_char)
        keys.update(first)
        if i + 1 < len(chars):
            keys.update(a + b for a in first for b in letters(chars[i + 1], by_char))
    return keys


def digit_keys(phone: str) -> set[str]:
    """``d`` and every three digits in a row of a phone number."""
    digits = re.sub(r"\D", "", phone)
    return {"d" + digits[i:i + 3] for i in range(len(digits) - 2)}


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def search_files(roster: Roster, pages: Iterable[ContentPage], site: Roster | None = None,
                 split: int | None = None) -> list[tuple[str, bytes]]:
    """``search.json`` and the files under ``search/`` (see the module docstring), as
    ``(path from the site root, bytes)``: compact, UTF-8, deterministic.

    ``roster`` is what the search finds (a province's whole roster, also for one city's site);
    ``site`` is the roster the site was built from (:meth:`Roster.only_city`), when it is another:
    the pages of cities not in it link to their own sites.
    """
    site = site or roster
    split = SPLIT if split is None else split
    county_pos = {c.id: i for i, c in enumerate(roster.counties)}
    township_pos = {t.code: i for i, t in enumerate(roster.townships)}
    city_pos = {c.id: i for i, c in enumerate(roster.cities)}
    kinds = list(COUNTY_KINDS.values())
    roles = list(ROLE_NAMES.values())
    tails: list[str] = [""]
    page_list = list(pages)
    retired = retired_entries(roster)

    names = [c.name for c in roster.cities] + [c.name for c in roster.counties] + [t.name for t in roster.townships]
    names += [a.name for a in roster.advisors]
    names += [v.name + v.short_name for v in roster.villages] + [p.title for p in page_list]
    names += [r[0] + r[1] for r in retired]
    by_char = readings("".join(names))
    py, py2 = syllable_maps("".join(names))

    by_city = bool(roster.cities)

    def region(county_id: str | None) -> str:
        county = roster.county.get(county_id or "")
        if county is None:
            return "_"
        return (county.city or "_") if by_city else county.id

    shards = _Shards(split, {}, {})
    for t in roster.townships:
        where = region(t.county)
        for v in t.villages:
            if not v.code.startswith(t.code):
                raise ValueError(f"village {v.code} is outside township {t.code}")
            short = v.short_name
            advisor = roster.advisor.get(v.advisor or "")
            entry: list[Any] = [v.code[len(t.code):], short, 0, township_pos[t.code], advisor.name if advisor else ""]
            keys = name_keys(short, by_char)
            if v.name.startswith(short):
                entry[2] = _index_of(tails, v.name[len(short):])
            else:
                entry.append(v.name)
                keys |= name_keys(v.name, by_char)
            shards.add(keys | {"n" + v.code[:6]}, where, "villages", entry)

    def served(advisor_id: str) -> str | None:
        first = roster.villages_of.get(advisor_id) or []
        if first:
            return first[0].township
        teams = roster.teams_of.get(advisor_id) or []
        return teams[0].code if teams else None

    for n, a in enumerate(roster.advisors):
        township = served(a.id)
        entry = [n, a.id, a.name, a.phone, _index_of(roles, ROLE_NAMES.get(a.role, a.role)),
                 None if township is None else township_pos[township]]
        where = region(roster.township[township].county) if township else "_"
        shards.add(name_keys(a.name, by_char) | digit_keys(a.phone), where, "advisors", entry)

    directory, files = shards.files()
    text = _json({"text": [p.text for p in page_list]})
    text_path = f"{SHARDS}/pages.{hashlib.sha256(text).hexdigest()[:DIGEST]}.json"
    files.append((text_path, text))

    def base(city: City) -> str:
        """Where a city's pages are: this site (""), or the city's own site."""
        if city.id in site.city or not site.cities:
            return ""
        own = site.programme.base_url
        theirs = city.base_url or roster.programme.base_url
        return "" if theirs == own else theirs

    keywords = "".join(k for p in page_list for k in p.keywords)
    programme = site.programme
    core = ({"retired": retired} if retired else {}) | {
        "v": FORMAT_VERSION,
        "url": {kind: make("{}") for kind, make in BY_KIND.items()} | {"city": city_url("{}")},
        "kinds": kinds,
        "roles": roles,
        "ends": list(NAME_ENDINGS),
        "strip": sorted(VILLAGE_SUFFIXES, key=lambda s: (-len(s), s)),
        "tails": tails,
        "cities": [[c.id, c.name, base(c)] for c in roster.cities],
        "counties": [[c.id, c.name, _index_of(kinds, COUNTY_KINDS.get(c.kind, c.kind)), city_pos.get(c.city or "")]
                     for c in roster.counties],
        "townships": [[t.code, t.name, county_pos.get(t.county)] for t in roster.townships],
        "pages": [[p.url, p.title, list(p.keywords)] if p.keywords else [p.url, p.title] for p in page_list],
        "text": text_path,
        "tel": [n for n in (programme.hotline, programme.local_hotline) if n],
        "ts": traditional_map("".join(names) + keywords),
        "py": py,
        "py2": py2,
        "region": "city" if by_city else "county",
    } | directory
    return [(SEARCH_INDEX, _json(core)), *files]


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


def search_core(files: list[tuple[str, bytes]]) -> dict[str, Any]:
    """The core of :func:`search_files`' output, read back."""
    return dict(json.loads(dict(files)[SEARCH_INDEX]))


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
