"""The one Problem type: what is wrong with the roster, where, and how to fix it.

Every check in the project reports through :class:`Problem`; this module owns its
text and JSON formats and the catalogue of stable problem codes (``CODES``), which
docs/roster-reference.md lists (scripts/make_docs.py) and the tests cover one by one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

from .text import visible

Level = Literal["error", "warning"]

#: Every problem code, with the one-line explanation the docs show.
CODES: dict[str, str] = {
    "not-utf8": "the file is not UTF-8 (Excel often saves GBK); save it as UTF-8",
    "yaml-syntax": "the file is not valid YAML",
    "duplicate-key": "a key appears twice in one mapping; YAML would silently keep the last",
    "yaml-alias": "a YAML anchor or alias (& or *): refused, so a small file cannot expand without bound",
    "too-deep": "more levels of nesting than a roster file can have (20)",
    "too-large": "a file or value longer than its limit (10 MB a file; docs/roster-reference.md lists the rest)",
    "bad-text": "text with a character no one can see: a control, zero-width, filler, direction or blank character (often from copy and paste)",
    "duplicate-name": "two villages of one township, townships of one unit, units of one city, cities or organizations of one unit whose names read the same (also when they differ only in invisible characters, width or case)",
    "look-alike-name": "two names that read the same but are spelt differently (width, case, invisible characters), where the same name twice is allowed (villages of different townships, advisors)",
    "out-of-range": "a number outside its bounds (max_villages_per_advisor 1–100, a year 1949–2100)",
    "outside-roster": "a roster file or folder that is a link leading out of the roster folder: it is not read, and nothing of it is shown",
    "repeated-reference": "a list that names the same id twice (a team member listed twice)",
    "unreadable-file": "a roster path that cannot be read: a folder where a file should be, no permission, a link loop",
    "missing-file": "a roster file the programme needs does not exist",
    "unknown-field": "a field the schema does not know (often a misspelt key)",
    "missing-field": "a required field is absent",
    "empty-value": "a required field is present but empty",
    "wrong-type": "a value of the wrong kind (text, number, list, mapping, yes/no)",
    "bad-choice": "a value outside its list of allowed words",
    "bad-id": "an id with characters other than letters, digits, '-' and '_' (ids become URLs)",
    "bad-code": "a statistical code of the wrong length or with non-digits",
    "bad-phone": "a phone number that is neither mobile, landline with area code, nor a service number",
    "bad-id-card": "a (private) ID-card number that is malformed or fails its check digit",
    "bad-url": "a URL that is not absolute http(s)",
    "duplicate-id": "two records share one id or code",
    "unknown-advisor": "a reference to an advisor id that no advisor has",
    "unknown-organization": "a reference to an organization id that no organization has",
    "unknown-county": "a reference to a county-level unit that does not exist",
    "unknown-township": "a reference to a township code that no township has",
    "village-outside-township": "a village code that does not start with its township's code",
    "township-outside-county": "a township code that does not start with its county's code",
    "unknown-city": "a reference to a city that cities.yaml does not list",
    "county-outside-city": "a county-level unit whose code does not start with its city's code",
    "township-outside-city": "a township of a development zone whose code does not start with its city's code",
    "misplaced-township": "a township file stored in another unit's folder",
    "uncovered-village": "a village without an advisor: a gap in 全覆盖",
    "advisor-overloaded": "an advisor serving more villages than the programme's limit",
    "advisor-idle": "an advisor with neither a village nor a township team",
    "unknown-village": "a retirement whose successor is a village code that neither the roster nor retired.yaml has",
    "retired-still-live": "a code in retired.yaml that is still a village or township of the roster",
    "bad-successors": "a retirement whose successors do not fit its kind (merged: one, split: two or more, abolished: none), loop, or pass more than 20 retirements",
    "number-cell": "an Excel cell of a text column (code, id, phone) that holds a number: Excel drops leading zeros and writes 3.71502E+11",
    "bad-sheet": "an Excel workbook without one of the template's sheets or column headers, or with one it does not know",
    "vanished-code": "a village or township code an earlier roster published that is now neither live nor retired (validate --since)",
}


@dataclass(frozen=True, order=True)
class Problem:
    """One finding, at a 1-based line and column of a file (line 0: the file as a whole)."""

    file: str
    line: int
    column: int
    level: Level
    field: str
    message: str
    code: str

    def __post_init__(self) -> None:
        if self.code not in CODES:  # a typo here would make an undocumented code
            raise ValueError(f"unknown problem code {self.code!r}")

    def format(self) -> str:
        """``file:line:col: level: field: message [code]``, the house format."""
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        field = f"{self.field}: " if self.field else ""
        line = f"{where}: {self.level}: {field}{self.message} [{self.code}]"
        return visible(line)  # no terminal escapes from values, and nothing a reader cannot see


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems in reading order: by file, then position, then code."""
    return sorted(set(problems), key=lambda p: (p.file, p.line, p.column, p.code, p.message))


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.level == "error"]


def format_text(problems: Iterable[Problem]) -> str:
    """One problem a line, then a count, as the CLI and the MkDocs plugin print them."""
    problems = list(problems)
    lines = [p.format() for p in problems]
    n_err = len(errors(problems))
    n_warn = len(problems) - n_err
    lines.append(f"{n_err} error{'s' * (n_err != 1)}, {n_warn} warning{'s' * (n_warn != 1)}")
    return "\n".join(lines)


def format_json(problems: Iterable[Problem]) -> str:
    """A JSON list of problems, one object each, for machines (CI annotations, editors)."""
    return json.dumps([asdict(p) for p in problems], ensure_ascii=False, indent=2)
