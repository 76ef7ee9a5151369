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

from .load import ID_WORDS, Document, Documents, Node, file_noun, noun, read_programme, scalar_text
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
    return _(" (did you mean '{candidate}'?)").format(candidate=best[2])


def describe(value: object) -> str:
    """How a found value reads in a message: 'a list', "text 'abc'", 'nothing'."""
    if value is None:
        return _("nothing")
    if isinstance(value, bool):
        return _("the yes/no value {value}").format(value=str(value).lower())
    if isinstance(value, (int, float)):
        return _("the number {value}").format(value=value)
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("a mapping (key: value lines)")
    text = str(value)
    return quoted(f"{text[:60]}…" if len(text) > 60 else text)  # a value of any length: a message's worth


def quoted(text: str) -> str:
    """Text quoted as the reader's language quotes it: 'abc', “abc”."""
    return _("'{text}'").format(text=text)


def shown(f: Field, text: str) -> str:
    """A found value as a message quotes it (cut short if long); a private value is never quoted."""
    if f.private:
        return _("a value (private, not shown)")
    return quoted(f"{text[:60]}…" if len(text) > 60 else text)


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
            self.report(doc, node, "error", path or record, _("expected a mapping of {record} fields, found {found}").format(record=noun(record), found=describe(node.value)), "wrong-type")
            return
        spec = fields(record)
        for key in node.value:
            if key not in spec:
                hint = did_you_mean(key, spec) or _(" (known fields: {fields})").format(fields=", ".join(spec))
                message = _("expected a known {record} field, found unknown field '{key}'{hint}; fix the spelling or remove it")
                self.report(doc, node, "error", join(path, key), message.format(record=noun(record), key=key, hint=hint),
                            "unknown-field", at_key=key)
        for name, f in spec.items():
            child = node.get(name)
            where = join(path, name)
            if child is None:
                if f.required:
                    message = _("expected a field '{name}' ({kind}) in this {record}, found none; add it")
                    self.report(doc, node, "error", where, message.format(name=name, kind=kind_words(f), record=noun(record)),
                                "missing-field")
                continue
            if child.value is None or child.value == "":
                if f.required:  # an optional one left empty is absent (a village without an advisor: a gap)
                    message = _("expected {kind}, found an empty value; fill it in")
                    self.report(doc, child, "error", where, message.format(kind=kind_words(f)), "empty-value")
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
                    message = _("expected a list ({kind}), found {found}; start each item with '- '")
                    self.report(doc, node, "error", path, message.format(kind=kind_words(f), found=describe(v)), "wrong-type")
                    return
                listed: set[str] = set()
                for i, item in enumerate(v):
                    item_path = f"{path}[{i}]"
                    if isinstance(kind, Records):
                        self.record(doc, item, kind.name, item_path)
                    elif (text := scalar_text(item)) is None:
                        self.not_text(doc, item, item_path, _(ID_WORDS[kind.target]))
                    elif not text or self.plain_text(doc, item, f, Ref(kind.target), text, item_path):  # bounded, printable
                        if text in listed:
                            message = _("expected each {record} once in this list, found '{value}' again; remove the repeat")
                            self.report(doc, item, "error", item_path, message.format(record=noun(kind.target), value=text[:60]),
                                        "repeated-reference")
                        listed.add(text)
                        self.refs[kind.target].append(Seen(text, doc, item, item_path, owner, record, f.name))
            case Flag():
                if not kind.accepts(v):
                    self.report(doc, node, "error", path, _("expected true or false, found {found}").format(found=describe(v)),
                                "wrong-type")
            case Count():
                if not kind.whole(v):
                    self.report(doc, node, "error", path, _("expected {expected}, found {found}").format(
                        expected=kind_words(f), found=describe(v)), "wrong-type")
                elif not kind.accepts(v):
                    self.report(doc, node, "error", path, _("expected {what}, found {found}; give a number in that "
                                "range").format(what=kind_words(f), found=describe(v)), "out-of-range")
            case _:
                assert_never(kind)

    def plain_text(self, doc: Document, node: Node, f: Field, kind: TextKind, text: str, path: str) -> bool:
        """Bounded, printable, not blank: what every text value must be before its format is checked."""
        limit = MAX_ID if isinstance(kind, (Id, Ref)) else MAX_TEXT
        if len(text) > limit:
            message = _("expected at most {limit} characters, found {length}; shorten it")
            self.report(doc, node, "error", path, message.format(limit=limit, length=len(text)), "too-large")
            return False
        if not text:
            self.report(doc, node, "error", path, _("expected {kind}, found only spaces; fill it in").format(kind=kind_words(f)),
                        "empty-value")
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
                    message = _("expected a {digits}-digit {record} code (统计用区划代码), found {found} ({length} characters); "
                                "copy the code from the statistics bureau's list")
                    self.report(doc, node, "error", path, message.format(digits=digits, record=noun(what), found=shown(f, text),
                                                                         length=len(text)), "bad-code")
            case Phone():
                if not (MOBILE.fullmatch(text) or LANDLINE.fullmatch(text) or SERVICE.fullmatch(text)):
                    message = _("expected a mobile number (11 digits, 1[3-9]…), a landline with area code (0XXX-XXXXXXX) or a "
                                "short service number, found {found}; write digits with one '-' after the area code")
                    self.report(doc, node, "error", path, message.format(found=shown(f, text)), "bad-phone")
            case Id():
                if not ID_TEXT.fullmatch(text):
                    message = _("expected an id of letters, digits, '-' or '_' (it becomes part of a web address), found {found}")
                    self.report(doc, node, "error", path, message.format(found=shown(f, text)), "bad-id")
            case Choice(options):
                if not kind.accepts(text):
                    message = _("expected one of {options}, found {found}{hint}")
                    self.report(doc, node, "error", path, message.format(options=", ".join(options), found=shown(f, text),
                                                                         hint=did_you_mean(text, options)), "bad-choice")
            case Url():
                if not (url := URL.fullmatch(text)):
                    message = _("expected an absolute web address such as https://example.org/, found {found}")
                    self.report(doc, node, "error", path, message.format(found=shown(f, text)), "bad-url")
                elif url["port"] is not None and not 1 <= int(url["port"]) <= 65535:
                    self.report(doc, node, "error", path, _("expected a port from 1 to 65535 in the web address, found "
                                "{port}; leave the port out for the usual one").format(port=url["port"]), "bad-url")
            case IdCard():
                if not id_card_ok(text):
                    message = _("expected an 18-character resident ID number with a valid check digit, found {found} of "
                                "{length} characters; check it against the card")
                    self.report(doc, node, "error", path, message.format(found=shown(f, text), length=len(text)), "bad-id-card")
            case _:
                assert_never(kind)

    def not_text(self, doc: Document, node: Node, path: str, expected: str, private: bool = False) -> None:
        """Report a list, mapping or yes/no where a scalar was expected."""
        found = _("a yes/no value") if private and isinstance(node.value, bool) else describe(node.value)
        self.report(doc, node, "error", path, _("expected {expected}, found {found}").format(expected=expected, found=found),
                    "wrong-type")

    # -- cross-checks ------------------------------------------------------------

    def duplicates(self) -> None:
        """Each key once per record type; later uses point back at the first."""
        for record, seen in self.ids.items():
            first: dict[str, Seen] = {}
            for s in seen:
                if s.value in first:
                    f = first[s.value]
                    message = _("expected a unique {record} id, found '{value}' again (first used at {where}); "
                                "give each {record} its own id")
                    where = f"{f.doc.path}:{f.node.line}:{f.node.column}"
                    self.report(s.doc, s.node, "error", s.path, message.format(record=noun(record), value=s.value, where=where),
                                "duplicate-id")
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
                    message = _("expected an existing {record} id, found '{value}', which no {record} has{hint}; "
                                "use an existing id or add the {record}")
                    self.report(r.doc, r.node, "error", r.path, message.format(record=noun(target), value=r.value,
                                                                                 hint=did_you_mean(r.value, known)),
                                f"unknown-{target}")

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
                message = _("expected a village code starting with its township's code {township}, found '{value}'; "
                            "move the village to its own township's file or correct the code")
                self.report(s.doc, s.node, "error", s.path, message.format(township=tcode, value=s.value),
                            "village-outside-township")
        for r in self.refs.get("county", []):
            if (r.record, r.field) != ("township", "county"):
                continue  # organizations name a county too
            ccode = county_codes.get(r.value)
            tcode = r.owner.text("code")
            if ccode and tcode and len(tcode) == 9 and not tcode.startswith(ccode):
                message = _("expected a township of county {county}, whose codes start with {prefix}, found township code "
                            "{code}; pick the township's own county or a development zone")
                self.report(r.doc, r.node, "error", r.path, message.format(county=r.value, prefix=ccode, code=tcode),
                            "township-outside-county")
            self.township_in_city(r, counties.get(r.value), cities)
            folder = PurePath(r.doc.path).parent.name
            if r.value and folder and folder != REGIONS_DIR and folder_unit(folder, counties) != r.value:
                message = _("expected the file in a folder of unit '{county}', found it in the folder '{folder}'; "
                            "move it there so staff find it")
                self.report(r.doc, r.node, "warning", r.path, message.format(county=r.value, folder=folder), "misplaced-township")

    def counties_in_cities(self, cities: dict[str, str | None]) -> None:
        """With cities.yaml, every unit names its city, and a unit's code starts with its city's."""
        if not cities:
            return  # one city's roster: no city level (a stray reference is unknown-city)
        for s in self.ids.get("county", []):
            ref = s.owner.get("city")
            if ref is None:
                message = _("expected a field 'city' for unit '{county}', since cities.yaml lists the programme's cities, "
                            "found none; name the city's id")
                self.report(s.doc, s.node, "error", s.path.rsplit(".", 1)[0] + ".city", message.format(county=s.value),
                            "missing-field")
                continue
            city, code = s.owner.text("city"), s.owner.text("code")
            ccode = cities.get(city or "")
            if ccode and code and len(code) == 6 and not code.startswith(ccode):
                message = _("expected a unit of city {city}, whose codes start with {prefix}, found unit code {code}; "
                            "pick the unit's own city")
                self.report(s.doc, ref, "error", s.path.rsplit(".", 1)[0] + ".city", message.format(city=city, prefix=ccode, code=code),
                            "county-outside-city")

    def township_in_city(self, r: Seen, county: Node | None, cities: dict[str, str | None]) -> None:
        """A township of a development zone (a unit without a code) still has its city's code."""
        if county is None or county.text("code"):
            return  # a unit with a code: county-outside-city and township-outside-county say it
        city = county.text("city")
        ccode = cities.get(city or "")
        tcode = r.owner.text("code")
        if ccode and tcode and len(tcode) == 9 and not tcode.startswith(ccode):
            message = _("expected a township of city {city}, whose codes start with {prefix}, found township code {code} in "
                        "unit {county}; pick a unit of the township's own city")
            self.report(r.doc, r.node, "error", r.path, message.format(city=city, prefix=ccode, code=tcode, county=r.value),
                        "township-outside-city")

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
                message = _("expected an advisor for village {code} {name}, found none: a gap in 全覆盖; name an advisor id for it")
                self.report(s.doc, at or s.owner, programme.coverage_gap, s.path.rsplit(".", 1)[0] + ".advisor",
                            message.format(code=s.value, name=name or ""), "uncovered-village")
        in_team = {r.value for r in advisor_refs if (r.record, r.field) == ("township", "team")}
        limit = programme.max_villages_per_advisor
        for s in self.ids.get("advisor", []):
            n = served.get(s.value, 0)
            if n > limit:
                message = _("expected at most {limit} villages per advisor (max_villages_per_advisor), found '{advisor}' serving "
                            "{n} villages; share some with another advisor")
                self.report(s.doc, s.node, "warning", s.path, message.format(limit=limit, advisor=s.value, n=n), "advisor-overloaded")
            # an unreadable township file may hold this advisor's villages or team
            if n == 0 and s.value not in in_team and DEFINED_IN["village"] not in not_read:
                message = _("expected every advisor to serve a village or a township team, found '{advisor}' doing neither; "
                            "assign them or remove the record")
                self.report(s.doc, s.node, "warning", s.path, message.format(advisor=s.value), "advisor-idle")

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
                    message = _("expected a retired {record} code to be gone from the roster, found {code} both here and as a "
                                "live {record}; remove this record or the {record}")
                    self.report(s.doc, s.node, "error", s.path, message.format(record=noun(what), code=code), "retired-still-live")
                    continue
                kind = s.owner.text("kind") or ""
                if kind not in RETIREMENT_SUCCESSORS:
                    continue  # bad-choice says so
                low, high = RETIREMENT_SUCCESSORS[kind]
                n = len(successors[code])
                at = s.owner.get("successors") or s.owner
                path = s.path.rsplit(".", 1)[0] + ".successors"
                if not low <= n <= high:
                    wanted = (_("no successors") if high == 0 else
                              _("one successor {record} code") if low == high == 1 else
                              _("at least {low} successor {record} codes")).format(record=noun(what), low=low)
                    message = _("expected {wanted} for kind '{kind}', found {n}; list in successors the {record} code(s) that "
                                "took {code}'s place, or pick the kind that fits")
                    self.report(s.doc, at, "error", path, message.format(wanted=wanted, kind=kind, n=n, record=noun(what), code=code),
                                "bad-successors")
                    continue
                if (back := loops.get(code)) is not None:
                    message = _("expected successors that lead to a live {record}, found a loop back to {code}; "
                                "name the {record} that exists now")
                    self.report(s.doc, at, "error", path, message.format(record=noun(what), code=back), "bad-successors")
                elif lengths.get(code, 0) > MAX_CHAIN and code not in named:  # once, where the chain starts
                    self.report(s.doc, at, "error", path, _("expected successors that reach a live {what} within "
                                "{most} retirements, found a chain of {n}; name the {what} that exists now").format(
                                    what=noun(what), most=MAX_CHAIN, n=lengths[code]), "bad-successors")


def folder_unit(folder: str, units: Iterable[str]) -> str:
    """The unit a folder of township files is named after (``<unit id>-<unit name>``, or the id alone):
    the longest known id it starts with, since an id may hold '-' itself (``kai-fa-qu-开发区``)."""
    named = [u for u in units if folder == u or folder.startswith(u + "-")]
    return max(named, key=len) if named else folder.split("-")[0]


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


def kind_words(f: Field) -> str:
    """What a field expects, as a message says it: 'a phone number', 'a list of advisor ids'."""
    match f.kind:
        case Text():
            return _("text")
        case Id():
            return _("an id")
        case Phone():
            return _("a phone number")
        case Url():
            return _("a web address")
        case Flag():
            return _("true or false")
        case Count(low, high):
            return _("a whole number from {low} to {high}").format(low=low, high=high)
        case IdCard():
            return _("an ID-card number")
        case Choice(options):
            return _("one of {options}").format(options=", ".join(options))
        case Code(digits):
            return _("a {digits}-digit code").format(digits=digits)
        case Ref(target):
            return _(ID_WORDS[target])
        case Refs(target):
            return _("a list of {record} ids").format(record=noun(target))
        case Records(name):
            return _("a list of {record} records").format(record=noun(name))
        case Record(name):
            vowel = name[:1] in "aeiou"  # English's article; Chinese has none
            return (_("an {record} record") if vowel else _("a {record} record")).format(record=noun(name))


def validate_roster(docs: Documents) -> list[Problem]:
    """Every problem in the parsed roster, sorted by file and position."""
    checker = Checker(problems=list(docs.problems))
    unreadable = {p.file for p in docs.problems}  # already reported: no second message
    for doc in docs.items:
        if doc.root is None:
            if doc.path not in unreadable:
                message = _("expected {record} data, found an empty file").format(record=file_noun(doc.record))
                checker.problems.append(Problem(doc.path, 1, 1, "error", "", message, "empty-value"))
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
