"""Names that read the same (:func:`core.text.name_key`): one name twice where records must be told
apart by name, and two spellings of one name elsewhere.

Places are keyed by code and people by id, never by name, but people find them by name: a villager
picks a village from its township's list, staff pick a township in a unit. So, per kind of record:

- a village's name is unique in its township, a township's in its unit, a unit's in its city (a
  province has many 市中区 and 高新区), a city's in the province, an organization's in its unit: there
  the same name twice is an error (``duplicate-name``), whether typed the same or only read the same
  (王庄村委会 and 王\u200b庄村委会, ＡＢ村 and ab村);
- elsewhere the same name twice is how things are (28 villages called 王庄 in Liaocheng's townships,
  two advisors called 王伟): nothing is said, unless the two are spelt differently and still read the
  same, which is almost always a slip that search and staff would take for one name
  (``look-alike-name``, a warning).

A name with an invisible character is ``bad-text`` already; it is still compared without it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from generator.core.i18n import _
from generator.core.problems import Problem
from generator.core.text import INVISIBLE, name_key

#: Where each kind of record's name must be unique, as a message names it (advisors: nowhere).
SCOPES = {"village": "township", "township": "county-level unit", "county": "city", "city": "province",
          "organization": "county-level unit"}


@dataclass(frozen=True)
class Named:
    """A record's name where it was found, and the scope it must be unique in (None: nowhere)."""

    text: str
    file: str
    line: int
    column: int
    field: str
    scope: str | None


def name_problems(record: str, names: list[Named]) -> Iterator[Problem]:
    """The duplicates and look-alikes among ``names`` of one kind of record, each at the later name."""
    first_in_scope: dict[tuple[str, str], Named] = {}
    first_spelling: dict[str, Named] = {}
    for n in names:
        key = name_key(n.text)
        if not key:
            continue  # blank: empty-value or bad-text says so
        if n.scope is not None:
            earlier = first_in_scope.setdefault((n.scope, key), n)
            if earlier is not n:
                yield Problem(n.file, n.line, n.column, "error", n.field, _(
                    "expected a {record} name unique in its {scope}, found '{name}', which reads the same as "
                    "'{first}' at {where}; correct one of them, or tell the two apart in their names"
                ).format(record=record, scope=SCOPES[record], name=n.text, first=earlier.text, where=_at(earlier)),
                    "duplicate-name")
                continue
        earlier = first_spelling.setdefault(key, n)
        if earlier.text != n.text and not INVISIBLE.search(earlier.text + n.text):
            yield Problem(n.file, n.line, n.column, "warning", n.field, _(
                "expected one spelling of a name, found '{name}', which reads the same as '{first}' at {where} "
                "but is written differently (full-width or capital letters, spaces); write it the same way in both"
            ).format(name=n.text, first=earlier.text, where=_at(earlier)), "look-alike-name")


def _at(n: Named) -> str:
    return f"{n.file}:{n.line}:{n.column}"
