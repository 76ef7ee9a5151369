"""Validation: every problem in a parsed roster, as a sorted list; never raises.

This module owns the checks and the words of every message about roster content (the
loader words the messages about unreadable files). One pass checks each document against
the schema (fields, kinds, formats) and collects keys and references with their positions
and the (record, field) they came from; then the cross-checks run over what was collected:
duplicate keys, dangling references, codes nested under their parents, coverage (every
village has an advisor) and advisor load against the programme's policy.
"""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import assert_never

from generator.core.i18n import _
from generator.core.model import RETIREMENT_SUCCESSORS, Programme
from generator.core.problems import Level, Problem, sort_problems
from generator.core.schema import (
    DEFINED_IN,
    REGIONS_DIR,
    Choice,
    Code,
    Count,
    Field,
    Flag,
    Id,
    IdCard,
    Phone,
    Record,
    Records,
    Ref,
    Refs,
    Text,
    TextKind,
    Url,
    fields,
)
from generator.core.text import INVISIBLE, invisible_name

from .load import Document, Documents, Node, read_programme, scalar_text
from .names import SCOPES, Named, name_problems

MOBILE = re.compile(r"1[3-9]\d{9}")
LANDLINE = re.compile(r"0\d{2,3}-(\d{7,8}|1\d{4})(-\d{1,5})?")  # 0635-8888888, 0635-12348, ext.
SERVICE = re.compile(r"1\d{2,4}|[48]00-?\d{3}-?\d{4}")  # 12348, 110, 400-xxx-xxxx
ID_TEXT = re.compile(r"[A-Za-z0-9_-]+")
# scheme, host, optional port (1–65535) and a path of URL-safe characters: no quotes, spaces, '<', '>' or '\\'
URL = re.compile(r"https?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::(?P<port>\d{1,5}))?(?:/[A-Za-z0-9._~%!$&()*+,;=:@/-]*)?")
#: The longest value a field may hold: a name, an address or opening hours fit in 200 characters;
#: an id must fit in a file name and a short URL.
MAX_TEXT = 200
MAX_ID = 64
#: The most retirements a path of successors may pass before it reaches a live place.
MAX_CHAIN = 20


def edits(a: str, b: str) -> int:
    """Optimal string alignment distance: typos, including swapped neighbours, cost 1."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """The closest candidate by typing distance (ties: by similarity), if it is close."""
    best = min(
        ((edits(word, c), -difflib.SequenceMatcher(None, word, c).ratio(), c) for c in candidates),
        default=None,
    )
    if best is None or best[0] > max(1, len(word) // 3):
        return ""
    return f" (did you mean '{best[2]}'?)"


def describe(value: object) -> str:
    """How a found value reads in a message: 'a list', "text 'abc'", 'nothing'."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the yes/no value {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping (key: value lines)"
    text = str(value)
    return f"'{text[:60]}…'" if len(text) > 60 else f"'{text}'"  # a value of any length: a message's worth


def shown(f: Field, text: str) -> str:
    """A found value as a message quotes it (cut short if long); a private value is never quoted."""
    if f.private:
        return "a value (private, not shown)"
    return f"'{text[:60]}…'" if len(text) > 60 else f"'{text}'"


def id_card_ok(text: str) -> bool:
    """ISO 7064 MOD 11-2 check digit of the 18-character resident ID number."""
    if not re.fullmatch(r"\d{17}[\dXx]", text):
        return False
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(text[:17], weights))
    return "10X98765432"[total % 11] == text[17].upper()


@dataclass
class Seen:
    """A key or reference met during the schema pass: where it was, and which field of which record held it."""

    value: str
    doc: Document
    node: Node
    path: str
    owner: Node  # the record holding it
    record: str
    field: str


@dataclass
class Checker:
    """Problems found so far, and the keys (by record type) and references (by target) collected for the cross-checks."""

    problems: list[Problem] = field(default_factory=list)
    ids: dict[str, list[Seen]] = field(default_factory=lambda: defaultdict(list))
    refs: dict[str, list[Seen]] = field(default_factory=lambda: defaultdict(list))
    names: dict[str, list[Seen]] = field(default_factory=lambda: defaultdict(list))

    def report(self, doc: Document, node: Node, level: Level, path: str, message: str, code: str,
               at_key: str | None = None) -> None:
        """Add a problem at ``node``, or at its key ``at_key`` (a problem about a key points at the key)."""
        line, col = node.keys[at_key] if at_key is not None and node.keys else (node.line, node.column)
        self.problems.append(Problem(doc.path, line, col, level, path, message, code))

    # -- the schema pass -------------------------------------------------------

    def record(self, doc: Document, node: Node, record: str, path: str) -> None:
        """Check a mapping as a ``record``: unknown, missing and empty fields, then each value."""
        if not isinstance(node.value, dict):
            self.report(doc, node, "error", path or record, f"expected a mapping of {record} fields, found {describe(node.value)}", "wrong-type")
            return
        spec = fields(record)
        for key in node.value:
            if key not in spec:
                hint = did_you_mean(key, spec) or f" (known fields: {', '.join(spec)})"
                self.report(doc, node, "error", join(path, key), f"expected a known {record} field, found unknown field '{key}'{hint}; fix the spelling or remove it", "unknown-field", at_key=key)
        for name, f in spec.items():
            child = node.get(name)
            where = join(path, name)
            if child is None:
                if f.required:
                    self.report(doc, node, "error", where, f"expected a field '{name}' ({kind_words(f)}) in this {record}, found none; add it", "missing-field")
                continue
            if child.value is None or child.value == "":
                if f.required:  # an optional one left empty is absent (a village without an advisor: a gap)
                    self.report(doc, child, "error", where, f"expected {kind_words(f)}, found an empty value; fill it in", "empty-value")
                continue
            self.value(doc, child, f, where, node, record)

    def value(self, doc: Document, node: Node, f: Field, path: str, owner: Node, record: str) -> None:
        """Check a non-empty value of field ``f`` of ``owner`` (a ``record``); collect keys and references."""
        kind, v = f.kind, node.value
        match kind:
            # the common case first: the sample roster has 200,000 scalars to check
            case Text() | Code() | Phone() | Ref() | Id() | Choice() | Url() | IdCard():
                text = scalar_text(node)
                if text is None or (isinstance(v, float) and not math.isfinite(v)):
                    self.not_text(doc, node, path, kind_words(f), f.private)
                    return
                if f.name == "name" and (record in SCOPES or record == "advisor") and len(text) <= MAX_TEXT:
                    self.names[record].append(Seen(text, doc, node, path, owner, record, f.name))  # even if bad-text
                if not self.plain_text(doc, node, f, kind, text, path):
                    return
                self.text(doc, node, f, kind, text, path)
                if isinstance(kind, Ref):
                    self.refs[kind.target].append(Seen(text, doc, node, path, owner, record, f.name))
                if f.key:  # kept even when malformed, so a duplicate is still found
                    self.ids[record].append(Seen(text, doc, node, path, owner, record, f.name))
            case Record(name):
                self.record(doc, node, name, path)
            case Records() | Refs():
                if not isinstance(v, list):
                    self.report(doc, node, "error", path, f"expected a list ({kind_words(f)}), found {describe(v)}; start each item with '- '", "wrong-type")
                    return
                listed: set[str] = set()
                for i, item in enumerate(v):
                    item_path = f"{path}[{i}]"
                    if isinstance(kind, Records):
                        self.record(doc, item, kind.name, item_path)
                    elif (text := scalar_text(item)) is None:
                        self.not_text(doc, item, item_path, f"{article(kind.target)} {kind.target} id")
                    elif not text or self.plain_text(doc, item, f, Ref(kind.target), text, item_path):  # bounded, printable
                        if text in listed:
                            self.report(doc, item, "error", item_path, f"expected each {kind.target} once in this list, found '{text[:60]}' again; remove the repeat", "repeated-reference")
                        listed.add(text)
                        self.refs[kind.target].append(Seen(text, doc, item, item_path, owner, record, f.name))
            case Flag():
                if not kind.accepts(v):
                    self.report(doc, node, "error", path, f"expected true or false, found {describe(v)}", "wrong-type")
            case Count():
                if not kind.whole(v):
                    self.report(doc, node, "error", path, f"expected {kind_words(f)}, found {describe(v)}", "wrong-type")
                elif not kind.accepts(v):
                    self.report(doc, node, "error", path, _("expected {what}, found {found}; give a number in that "
                                "range").format(what=kind_words(f), found=describe(v)), "out-of-range")
            case _:
                assert_never(kind)

    def plain_text(self, doc: Document, node: Node, f: Field, kind: TextKind, text: str, path: str) -> bool:
        """Bounded, printable, not blank: what every text value must be before its format is checked."""
        limit = MAX_ID if isinstance(kind, (Id, Ref)) else MAX_TEXT
        if len(text) > limit:
            self.report(doc, node, "error", path, f"expected at most {limit} characters, found {len(text)}; shorten it", "too-large")
            return False
        if not text:
            self.report(doc, node, "error", path, f"expected {kind_words(f)}, found only spaces; fill it in", "empty-value")
            return False
        if bad := INVISIBLE.search(text):
            self.report(doc, node, "error", path, _("expected printable text, found the invisible character {char} at "
                        "position {at}; retype the value (it often comes with copy and paste)").format(
                            char=invisible_name(bad.group()), at=bad.start() + 1), "bad-text")
            return False
        return True

    def text(self, doc: Document, node: Node, f: Field, kind: TextKind, text: str, path: str) -> None:
        """Check the format of a scalar read as text."""
        match kind:
            case Text() | Ref():
                pass  # any text will do; a reference is checked once every key is known
            case Code(digits, what):
                if not (len(text) == digits and text.isascii() and text.isdigit()):
                    self.report(doc, node, "error", path, f"expected a {digits}-digit {what} code (统计用区划代码), found {shown(f, text)} ({len(text)} characters); copy the code from the statistics bureau's list", "bad-code")
            case Phone():
                if not (MOBILE.fullmatch(text) or LANDLINE.fullmatch(text) or SERVICE.fullmatch(text)):
                    self.report(doc, node, "error", path, f"expected a mobile number (11 digits, 1[3-9]…), a landline with area code (0XXX-XXXXXXX) or a short service number, found {shown(f, text)}; write digits with one '-' after the area code", "bad-phone")
            case Id():
                if not ID_TEXT.fullmatch(text):
                    self.report(doc, node, "error", path, f"expected an id of letters, digits, '-' or '_' (it becomes part of a web address), found {shown(f, text)}", "bad-id")
            case Choice(options):
                if not kind.accepts(text):
                    self.report(doc, node, "error", path, f"expected one of {', '.join(options)}, found {shown(f, text)}{did_you_mean(text, options)}", "bad-choice")
            case Url():
                if not (url := URL.fullmatch(text)):
                    self.report(doc, node, "error", path, f"expected an absolute web address such as https://example.org/, found {shown(f, text)}", "bad-url")
                elif url["port"] is not None and not 1 <= int(url["port"]) <= 65535:
                    self.report(doc, node, "error", path, _("expected a port from 1 to 65535 in the web address, found "
                                "{port}; leave the port out for the usual one").format(port=url["port"]), "bad-url")
            case IdCard():
                if not id_card_ok(text):
                    self.report(doc, node, "error", path, f"expected an 18-character resident ID number with a valid check digit, found {shown(f, text)} of {len(text)} characters; check it against the card", "bad-id-card")
            case _:
                assert_never(kind)

    def not_text(self, doc: Document, node: Node, path: str, expected: str, private: bool = False) -> None:
        """Report a list, mapping or yes/no where a scalar was expected."""
        found = "a yes/no value" if private and isinstance(node.value, bool) else describe(node.value)
        self.report(doc, node, "error", path, f"expected {expected}, found {found}", "wrong-type")

    # -- cross-checks ------------------------------------------------------------

    def duplicates(self) -> None:
        """Each key once per record type; later uses point back at the first."""
        for record, seen in self.ids.items():
            first: dict[str, Seen] = {}
            for s in seen:
                if s.value in first:
                    f = first[s.value]
                    self.report(s.doc, s.node, "error", s.path, f"expected a unique {record} id, found '{s.value}' again (first used at {f.doc.path}:{f.node.line}:{f.node.column}); give each {record} its own id", "duplicate-id")
                else:
                    first[s.value] = s

    def same_names(self) -> None:
        """Names that read the same where records must differ by name, and two spellings of one name (names.py)."""
        townships = {id(s.doc): s.value for s in self.ids.get("township", [])}
        for record, seen in self.names.items():
            named = [Named(s.value, s.doc.path, s.node.line, s.node.column, s.path, name_scope(s, townships))
                     for s in seen]
            self.problems += name_problems(record, named)

    def references(self, not_read: set[str]) -> None:
        """Every reference names an existing key, unless the file defining its target could not be read."""
        for target, refs in self.refs.items():
            if DEFINED_IN[target] in not_read:
                continue  # the unreadable file is the problem; its ids are simply unknown
            known = {s.value for s in self.ids.get(target, [])}
            retired = {s.value for s in self.ids.get(f"retired-{target}", [])}  # a retirement may lead to another
            for r in refs:
                if r.value and r.value not in known and not (r.record.startswith("retired-") and r.value in retired):
                    self.report(r.doc, r.node, "error", r.path, f"expected an existing {target} id, found '{r.value}', which no {target} has{did_you_mean(r.value, known)}; use an existing id or add the {target}", f"unknown-{target}")

    def nesting(self) -> None:
        """Village codes start with their township's; township codes with their county's."""
        county_codes = {s.value: s.owner.text("code") for s in self.ids.get("county", [])}
        counties = {s.value: s.owner for s in self.ids.get("county", [])}
        cities = {s.value: s.owner.text("code") for s in self.ids.get("city", [])}
        self.counties_in_cities(cities)
        townships = {id(s.doc): s.value for s in self.ids.get("township", [])}
        for s in self.ids.get("village", []):
            tcode = townships.get(id(s.doc))
            if tcode and len(s.value) == 12 and not s.value.startswith(tcode):
                self.report(s.doc, s.node, "error", s.path, f"expected a village code starting with its township's code {tcode}, found '{s.value}'; move the village to its own township's file or correct the code", "village-outside-township")
        for r in self.refs.get("county", []):
            if (r.record, r.field) != ("township", "county"):
                continue  # organizations name a county too
            ccode = county_codes.get(r.value)
            tcode = r.owner.text("code")
            if ccode and tcode and len(tcode) == 9 and not tcode.startswith(ccode):
                self.report(r.doc, r.node, "error", r.path, f"expected a township of county {r.value}, whose codes start with {ccode}, found township code {tcode}; pick the township's own county or a development zone", "township-outside-county")
            self.township_in_city(r, counties.get(r.value), cities)
            folder = PurePath(r.doc.path).parent.name
            if r.value and folder and folder != REGIONS_DIR and folder.split("-")[0] != r.value:
                self.report(r.doc, r.node, "warning", r.path, f"expected the file in a folder of unit '{r.value}', found it in the folder '{folder}'; move it there so staff find it", "misplaced-township")

    def counties_in_cities(self, cities: dict[str, str | None]) -> None:
        """With cities.yaml, every unit names its city, and a unit's code starts with its city's."""
        if not cities:
            return  # one city's roster: no city level (a stray reference is unknown-city)
        for s in self.ids.get("county", []):
            ref = s.owner.get("city")
            if ref is None:
                self.report(s.doc, s.node, "error", s.path.rsplit(".", 1)[0] + ".city", f"expected a field 'city' for unit '{s.value}', since cities.yaml lists the programme's cities, found none; name the city's id", "missing-field")
                continue
            city, code = s.owner.text("city"), s.owner.text("code")
            ccode = cities.get(city or "")
            if ccode and code and len(code) == 6 and not code.startswith(ccode):
                self.report(s.doc, ref, "error", s.path.rsplit(".", 1)[0] + ".city", f"expected a unit of city {city}, whose codes start with {ccode}, found unit code {code}; pick the unit's own city", "county-outside-city")

    def township_in_city(self, r: Seen, county: Node | None, cities: dict[str, str | None]) -> None:
        """A township of a development zone (a unit without a code) still has its city's code."""
        if county is None or county.text("code"):
            return  # a unit with a code: county-outside-city and township-outside-county say it
        city = county.text("city")
        ccode = cities.get(city or "")
        tcode = r.owner.text("code")
        if ccode and tcode and len(tcode) == 9 and not tcode.startswith(ccode):
            self.report(r.doc, r.node, "error", r.path, f"expected a township of city {city}, whose codes start with {ccode}, found township code {tcode} in unit {r.value}; pick a unit of the township's own city", "township-outside-city")

    def coverage(self, programme: Programme, not_read: set[str]) -> None:
        """Every village has an advisor; no advisor serves more than the programme allows, or nothing."""
        advisor_refs = self.refs.get("advisor", [])
        village_refs = [r for r in advisor_refs if r.value and (r.record, r.field) == ("village", "advisor")]
        served = Counter(r.value for r in village_refs)
        covered = {id(r.owner) for r in village_refs}
        for s in self.ids.get("village", []):
            if id(s.owner) not in covered:
                name = s.owner.text("name")
                at = s.owner.get("advisor")
                self.report(s.doc, at or s.owner, programme.coverage_gap, s.path.rsplit(".", 1)[0] + ".advisor", f"expected an advisor for village {s.value} {name or ''}, found none: a gap in 全覆盖; name an advisor id for it", "uncovered-village")
        in_team = {r.value for r in advisor_refs if (r.record, r.field) == ("township", "team")}
        limit = programme.max_villages_per_advisor
        for s in self.ids.get("advisor", []):
            n = served.get(s.value, 0)
            if n > limit:
                self.report(s.doc, s.node, "warning", s.path, f"expected at most {limit} villages per advisor (max_villages_per_advisor), found '{s.value}' serving {n} villages; share some with another advisor", "advisor-overloaded")
            # an unreadable township file may hold this advisor's villages or team
            if n == 0 and s.value not in in_team and DEFINED_IN["village"] not in not_read:
                self.report(s.doc, s.node, "warning", s.path, f"expected every advisor to serve a village or a township team, found '{s.value}' doing neither; assign them or remove the record", "advisor-idle")

    def retirements(self) -> None:
        """A retired code is no longer live; its successors fit its kind and lead, in the end, somewhere live."""
        for what in ("village", "township"):
            live = {s.value for s in self.ids.get(what, [])}
            records = {s.value: s for s in self.ids.get(f"retired-{what}", [])}
            successors = {code: [r.value for r in self.refs.get(what, []) if r.owner is s.owner and r.field == "successors"]
                          for code, s in records.items()}
            loops, lengths = follow(successors)
            named = {c for codes in successors.values() for c in codes}
            for code, s in records.items():
                if code in live:
                    self.report(s.doc, s.node, "error", s.path, f"expected a retired {what} code to be gone from the roster, found {code} both here and as a live {what}; remove this record or the {what}", "retired-still-live")
                    continue
                kind = s.owner.text("kind") or ""
                if kind not in RETIREMENT_SUCCESSORS:
                    continue  # bad-choice says so
                low, high = RETIREMENT_SUCCESSORS[kind]
                n = len(successors[code])
                at = s.owner.get("successors") or s.owner
                path = s.path.rsplit(".", 1)[0] + ".successors"
                if not low <= n <= high:
                    wanted = "no successors" if high == 0 else f"one successor {what} code" if low == high == 1 else f"at least {low} successor {what} codes"
                    self.report(s.doc, at, "error", path, f"expected {wanted} for kind '{kind}', found {n}; list in successors the {what} code(s) that took {code}'s place, or pick the kind that fits", "bad-successors")
                    continue
                if (back := loops.get(code)) is not None:
                    self.report(s.doc, at, "error", path, f"expected successors that lead to a live {what}, found a loop back to {back}; name the {what} that exists now", "bad-successors")
                elif lengths.get(code, 0) > MAX_CHAIN and code not in named:  # once, where the chain starts
                    self.report(s.doc, at, "error", path, _("expected successors that reach a live {what} within "
                                "{most} retirements, found a chain of {n}; name the {what} that exists now").format(
                                    what=what, most=MAX_CHAIN, n=lengths[code]), "bad-successors")


def follow(successors: dict[str, list[str]]) -> tuple[dict[str, str], dict[str, int]]:
    """Following each retired code's successors (``successors``: retired code → its successor codes): for
    each code whose paths come back on themselves, the code a path comes back to; for the others, the
    most retirements a path from it passes, itself included. Iterative, each code followed once: a
    chain of any length takes time in proportion to it (a recursion of 1,000 links overflowed)."""
    loops: dict[str, str] = {}
    lengths: dict[str, int] = {}
    for start in successors:
        if start in lengths or start in loops:
            continue
        stack = [(start, iter(successors[start]))]
        on_path = {start}
        while stack:
            code, rest = stack[-1]
            nxt = next(rest, None)
            if nxt is None:  # every successor followed
                stack.pop()
                on_path.discard(code)
                if code in loops:
                    if stack:
                        loops.setdefault(stack[-1][0], loops[code])
                else:
                    lengths[code] = 1 + max((lengths.get(s, 0) for s in successors[code]), default=0)
            elif nxt in on_path:
                loops.setdefault(code, nxt)
            elif nxt in loops:
                loops.setdefault(code, loops[nxt])
            elif nxt in successors and nxt not in lengths:  # a retired code not yet followed
                on_path.add(nxt)
                stack.append((nxt, iter(successors[nxt])))
    return loops, lengths


def name_scope(s: Seen, townships: dict[int, str]) -> str | None:
    """Where the name ``s`` must be unique (names.py): a village's township, a township's or an
    organization's unit, a unit's city; None for an advisor, whose name may be anyone's."""
    match s.record:
        case "village":
            return townships.get(id(s.doc), s.doc.path)
        case "township" | "organization":
            return s.owner.text("county") or ""
        case "county":
            return s.owner.text("city") or ""
        case "city":
            return ""
    return None


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def article(word: str) -> str:
    """'an advisor id', 'a county id'."""
    return "an" if word[:1] in "aeiou" else "a"


def kind_words(f: Field) -> str:
    """What a field expects, as a message says it: 'a phone number', 'a list of advisor ids'."""
    match f.kind:
        case Text():
            return "text"
        case Id():
            return "an id"
        case Phone():
            return "a phone number"
        case Url():
            return "a web address"
        case Flag():
            return "true or false"
        case Count(low, high):
            return f"a whole number from {low} to {high}"
        case IdCard():
            return "an ID-card number"
        case Choice(options):
            return "one of " + ", ".join(options)
        case Code(digits):
            return f"a {digits}-digit code"
        case Ref(target):
            return f"{article(target)} {target} id"
        case Refs(target):
            return f"a list of {target} ids"
        case Records(name):
            return f"a list of {name} records"
        case Record(name):
            return f"{article(name)} {name} record"


def validate_roster(docs: Documents) -> list[Problem]:
    """Every problem in the parsed roster, sorted by file and position."""
    checker = Checker(problems=list(docs.problems))
    unreadable = {p.file for p in docs.problems}  # already reported: no second message
    for doc in docs.items:
        if doc.root is None:
            if doc.path not in unreadable:
                checker.problems.append(Problem(doc.path, 1, 1, "error", "", f"expected {doc.record.replace('-file', '')} data, found an empty file", "empty-value"))
            continue
        checker.record(doc, doc.root, doc.record, "")
    checker.duplicates()
    checker.same_names()
    not_read = {doc.record for doc in docs.items if doc.root is None}  # record types of files without content
    checker.references(not_read)
    checker.nesting()
    checker.retirements()
    checker.coverage(read_programme(docs), not_read)
    return sort_problems(checker.problems)
