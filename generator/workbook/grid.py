"""A sheet's cells, read from its XML within bounds: the cells that hold something, by row and
column, and the merged ranges.

Values are what Excel holds: text, whole or decimal numbers, True/False, a ``datetime``, ``time``
or ``timedelta`` for a number shown as a date or time, an :class:`ExcelError` for a failed
formula (``#REF!``), :data:`UNCALCULATED` for a formula saved without its result. Rows past
:data:`MAX_ROWS`, more than :data:`MAX_CELLS` cells or merged ranges, a cell past column XFD or
longer than Excel allows are refused where they are (:class:`xlsx.WorkbookError`); the parser
keeps nothing of a cell once it is read, so memory is that of the cells that hold something.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils.cell import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.utils.datetime import from_excel, from_ISO8601

from generator.core.i18n import _

from .xlsx import MAX_CELL_TEXT, MAX_ELEMENTS_IN_CELL, Book, Expat, SheetEntry, names, unescape

MAX_ROWS = 100_000  # a row number past this is refused (a province's villages: 77,299 rows)
MAX_CELLS = 1_000_000  # per sheet, empty ones included
_REF = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")


@dataclass(frozen=True)
class ExcelError:
    """A cell holding a formula's error value, such as ``#REF!`` or ``#N/A``."""

    text: str


UNCALCULATED = ExcelError("")  # a formula saved without its result (never opened in Excel or WPS)


@dataclass
class Grid:
    """A sheet's cells that hold something (row → column → value) and its merged ranges
    ((first row, first column, last row, last column), 1-based)."""

    rows: dict[int, dict[int, Any]] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)


def read_grid(book: Book, sheet: SheetEntry, last_row: int = MAX_ROWS) -> Grid:
    """The cells of ``sheet`` up to row ``last_row`` (a sheet is read no further than it must be)."""
    reader = _SheetReader(book, sheet, last_row)
    if sheet.cells:
        with contextlib.suppress(_Enough):
            reader.parse()
    return reader.grid


class _Enough(Exception):
    """The rows a caller asked for are read."""


class _SheetReader(Expat):
    """One pass over a sheet's XML, keeping only the cells that hold something, within the bounds."""

    names = names("row", "c", "v", "f", "is", "t", "rPh", "mergeCell")

    def __init__(self, book: Book, sheet: SheetEntry, last_row: int) -> None:
        super().__init__(book, sheet.part)
        self.sheet, self.grid, self.last_row = sheet, Grid(), last_row
        self.row = self.column = self.cells = self.elements = self.size = 0
        self.kind = self.style = ""
        self.raw: list[str] = []
        self.formula = self.capture = self.inline = self.phonetic = False
        self.columns: dict[str, int] = {}  # column letters → number, as they are met

    def at(self, column: int, row: int) -> str:
        return f"{self.sheet.title}!{get_column_letter(min(max(column, 1), 16384))}{row}"

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        name = self.names.get(tag, "")
        if self.kind:  # inside a cell
            self.elements += 1
            if self.elements > MAX_ELEMENTS_IN_CELL:
                raise self.book.damaged(self.at(self.column, self.row), _("a cell holds more than {n:,} XML elements")
                                        .format(n=MAX_ELEMENTS_IN_CELL))
            if name == "v":
                self.capture = True
            elif name == "t":
                self.capture = self.inline and not self.phonetic
            elif name == "f":
                self.formula = True
            elif name == "is":
                self.inline = True
            elif name == "rPh":
                self.phonetic = True
        elif name == "c":
            self.start_cell(attrs)
        elif name == "row":
            self.start_row(attrs)
        elif name == "mergeCell":
            self.merge(attrs.get("ref", ""))

    def end(self, tag: str) -> None:
        name = self.names.get(tag, "")
        if name == "c":
            self.end_cell()
        elif name in ("v", "t"):
            self.capture = False
        elif name == "rPh":
            self.phonetic = False

    def text(self, data: str) -> None:
        if self.capture:
            self.size += len(data)
            if self.size > MAX_CELL_TEXT:
                raise self.book.refuse(self.at(self.column, self.row), _(
                    "expected at most {limit:,} characters in a cell (Excel's own limit), found more").format(
                        limit=MAX_CELL_TEXT), "too-large")
            self.raw.append(data)

    def start_row(self, attrs: dict[str, str]) -> None:
        number = attrs.get("r")
        try:
            self.row = int(number) if number is not None else self.row + 1
        except ValueError:
            raise self.book.damaged(self.sheet.title, _("a row numbered '{r}'").format(r=str(number)[:20])) from None
        self.column = 0
        self.check_row(1)

    def check_row(self, column: int) -> None:
        if self.row > self.last_row and self.last_row < MAX_ROWS:
            raise _Enough
        if self.row > MAX_ROWS:
            raise self.book.refuse(self.at(column, self.row), _(
                "expected at most {limit:,} rows in a sheet (a province has 77,299 villages), found row {row:,}; "
                "delete the rows below the roster (select them, 删除) and save again").format(limit=MAX_ROWS, row=self.row),
                "too-large")
        if self.row < 1:
            raise self.book.damaged(self.sheet.title, _("a row numbered {r}").format(r=self.row))

    def start_cell(self, attrs: dict[str, str]) -> None:
        ref = attrs.get("r")
        if ref:
            match = _REF.fullmatch(ref)
            if match is None:
                raise self.book.damaged(self.sheet.title, _("a cell named '{ref}'").format(ref=ref[:20]))
            letters, digits = match.groups()
            column = self.columns.get(letters)
            if column is None:
                column = self.columns[letters] = column_index_from_string(letters.upper())
            self.column, row = column, int(digits)
            if row != self.row:
                self.row = row
                self.check_row(self.column)
        else:
            self.column += 1
        self.cells += 1
        if self.cells > MAX_CELLS:
            raise self.book.refuse(self.at(self.column, self.row), _(
                "expected at most {limit:,} cells in a sheet, found more; delete the rows and columns outside the "
                "roster and save again").format(limit=MAX_CELLS), "too-large")
        if self.column > 16384:
            raise self.book.damaged(self.sheet.title, _("a cell past column XFD, the last Excel has"))
        self.kind, self.style = attrs.get("t", "n"), attrs.get("s", "0")
        self.raw, self.size, self.elements = [], 0, 0
        self.formula = self.capture = self.inline = self.phonetic = False

    def end_cell(self) -> None:
        value = self.value()
        self.kind = ""
        if value is not None:
            self.grid.rows.setdefault(self.row, {})[self.column] = value

    def value(self) -> Any:
        kind, book = self.kind, self.book
        if kind == "inlineStr":
            return unescape("".join(self.raw)) if self.inline else None
        if not self.raw:
            return UNCALCULATED if self.formula else None
        raw = "".join(self.raw)
        try:
            match kind:
                case "s":
                    index = int(raw)
                    if not 0 <= index < len(book.strings):
                        raise IndexError(index)
                    return book.strings[index]
                case "str":
                    return unescape(raw)
                case "b":
                    return raw.strip() in ("1", "true")
                case "e":
                    return ExcelError(raw.strip()[:20])
                case "d":
                    return from_ISO8601(raw.strip())  # type: ignore[no-untyped-call]
                case _:
                    number: float | int = float(raw) if any(ch in raw for ch in ".eE") else int(raw)
                    style = int(self.style or 0)
                    if style in book.duration_styles:
                        return from_excel(number, book.epoch, timedelta=True)
                    if style in book.date_styles:
                        return from_excel(number, book.epoch)
                    return number
        except (ValueError, IndexError, OverflowError, TypeError):
            raise book.damaged(self.at(self.column, self.row), _("a cell of type '{t}' holding '{v}'").format(
                t=kind[:10], v=raw[:20])) from None

    def merge(self, ref: str) -> None:
        try:
            first_col, first_row, last_col, last_row = range_boundaries(ref)
        except (ValueError, TypeError):
            return  # a malformed range merges nothing
        if None in (first_col, first_row, last_col, last_row):
            return
        self.grid.merges.append((int(first_row or 0), int(first_col or 0), int(last_row or 0), int(last_col or 0)))
        if len(self.grid.merges) > MAX_CELLS:
            raise self.book.refuse(self.sheet.title, _("expected at most {limit:,} merged ranges in a sheet, found "
                                                       "more").format(limit=MAX_CELLS), "too-large")
