"""The shape of a workbook that people made: which of its sheets are the template's, where each
sheet's header row is, and which column holds which field.

A sheet is found by its name (spaces and full-width forms aside), or, renamed, by its columns;
its header row is the one of its first rows that holds the most of the template's headers, under
any title rows, and a merged cell counts on every cell it spans (Excel shows it there), headers
and data alike. What cannot be found is reported through ``report`` (where, header, message,
code, level) and the sheet left out; a sheet the template does not have is a warning.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from generator.core.i18n import _
from generator.core.problems import Problem

from .grid import MAX_CELLS, Grid, read_grid
from .sheets import OPTIONAL_SHEETS, PROGRAMME_SHEET, SHEETS, Column, Sheet
from .xlsx import Book, SheetEntry, WorkbookError

#: Reports a problem: (where, header, message, code, level).
Report = Callable[..., None]

#: How far down a header row is looked for (title rows, a date line, a blank row above it).
HEADER_ROWS = 10
#: Columns a merged range is spread over (a sheet of the template has nine).
MERGE_COLUMNS = 64
#: The programme sheet: a field and its value a row (and a note, which import leaves).
PROGRAMME_COLUMNS = (Column("key", "字段", "programme"), Column("value", "值", "programme"),
                     Column("note", "说明", "programme", province=True))
#: Sheets the template has that import does not read.
INSTRUCTIONS_SHEET = "说明"


def norm(text: object) -> str:
    """A title or header as compared: full-width forms folded, spaces and line breaks dropped."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))) if text is not None else ""


@dataclass
class Table:
    """A template sheet as found in the workbook: its rows, where its header is and its columns."""

    sheet: Sheet
    entry: SheetEntry
    grid: Grid
    header_row: int
    columns: dict[str, int]  # field path → column number (1-based)
    first_data_row: int


def header_row(grid: Grid, columns: tuple[Column, ...]) -> int:
    """The row among the first ones that holds the most of ``columns``' headers (0: none)."""
    wanted = {norm(c.header) for c in columns}
    best, best_row = 0, 0
    for number in sorted(grid.rows)[:HEADER_ROWS]:
        n = len(wanted & {norm(v) for v in grid.rows[number].values()})
        if n > best:
            best, best_row = n, number
    return best_row

def _table(report: Report, sheet: Sheet, entry: SheetEntry, grid: Grid) -> Table | None:
    """The sheet's header and columns, or None after reporting why they cannot be found."""
    columns = sheet.columns
    row = header_row(grid, columns)
    title = entry.title
    required = [c for c in columns if not c.province]
    if not row:
        names = "、".join(c.header for c in required[:4])
        report(title, "", _("expected a header row ({names}…) within the first {n} rows of sheet {sheet}, "
                                  "found none; restore the header row from the template (export a workbook to get "
                                  "one)").format(names=names, n=HEADER_ROWS, sheet=title), "bad-sheet")
        return None
    header = {c: norm(v) for c, v in grid.rows[row].items() if norm(v)}
    at: dict[str, int] = {}
    ok = True
    for column in columns:
        found = sorted(c for c, v in header.items() if v == norm(column.header))
        if len(found) > 1:
            cells = "、".join(f"{get_column_letter(c)}{row}" for c in found)
            report(f"{title}!{get_column_letter(found[1])}{row}", column.header, _(
                "expected one column headed '{header}', found {n} ({cells}); delete or rename the extra one").format(
                    header=column.header, n=len(found), cells=cells), "bad-sheet")
            ok = False
        if found:
            at[column.path] = found[0]
    known = {norm(c.header) for c in columns}
    unknown = {c: v for c, v in grid.rows[row].items() if norm(v) and norm(v) not in known}
    missing = [c for c in required if c.path not in at]
    for column in missing:
        if len(missing) == 1 and len(unknown) == 1:
            (c, v), = unknown.items()
            report(f"{title}!{get_column_letter(c)}{row}", column.header, _(
                "expected a column headed '{header}' in sheet {sheet}, found '{found}' in its place; rename the "
                "header back to '{header}'").format(header=column.header, sheet=title, found=str(v)[:40]), "bad-sheet")
            unknown = {}
        else:
            report(f"{title}!{row}", column.header, _(
                "expected a column headed '{header}' in sheet {sheet}, found none; restore the header from the "
                "template (export a workbook to get one)").format(header=column.header, sheet=title), "bad-sheet")
        ok = False
    for c, v in unknown.items():
        report(f"{title}!{get_column_letter(c)}{row}", str(v)[:40], _(
            "expected one of the template's headers, found '{found}'; rename the column or move what it holds "
            "into the template's columns (import would leave it out)").format(found=str(v)[:40]), "bad-sheet")
        ok = False
    if not ok:
        return None
    below = [r2 for (r1, _c1, r2, _c2) in grid.merges if r1 <= row <= r2]  # a header merged downwards
    return Table(sheet, entry, grid, row, at, max([row, *below]) + 1)


def _spread(grid: Grid, sheet: str, shown: str) -> None:
    """A merged range's value on every cell it spans (clipped to the sheet's rows and the first
    :data:`MERGE_COLUMNS` columns), as Excel shows it."""
    if not grid.merges or not grid.rows:
        return
    last_row = max(grid.rows)
    budget = MAX_CELLS
    for r1, c1, r2, c2 in grid.merges:
        value = grid.rows.get(r1, {}).get(c1)
        if value is None:
            continue
        rows = range(r1, min(r2, last_row) + 1)
        columns = range(c1, min(c2, MERGE_COLUMNS) + 1)
        budget -= len(rows) * len(columns)
        if budget < 0:
            problem = Problem(f"{shown}:{sheet}", 0, 0, "error", "", _(
                "expected merged cells covering at most {limit:,} cells in a sheet, found more; unmerge them "
                "(取消合并单元格) and save again").format(limit=MAX_CELLS), "too-large")
            raise WorkbookError(problem)
        for r in rows:
            line = grid.rows.setdefault(r, {})
            for c in columns:
                line[c] = value


@dataclass
class Found:
    """The sheets of a workbook, matched to the template's."""

    tables: dict[str, Table] = field(default_factory=dict)  # template title → table
    programme: Table | None = None
    shape_ok: bool = True


def programme_sheet() -> Sheet:
    """The programme sheet: a field and its value a row (and a note, which import leaves)."""
    return Sheet(PROGRAMME_SHEET, "programme.yaml", "", PROGRAMME_COLUMNS)


def find_sheets(book: Book, report: Report) -> Found:
    """Match the workbook's sheets to the template's; report what is missing, renamed or unknown."""
    found = Found()
    by_title: dict[str, list[SheetEntry]] = {}
    for e in book.sheets:
        by_title.setdefault(norm(e.title), []).append(e)
    template = [programme_sheet(), *SHEETS]
    unknown = [e for e in book.sheets if norm(e.title) not in {norm(s.title) for s in template}
               and norm(e.title) != norm(INSTRUCTIONS_SHEET)]
    missing: list[Sheet] = []
    for sheet in template:
        entries = by_title.get(norm(sheet.title), [])
        if not entries:
            missing.append(sheet)
            continue
        if len(entries) > 1:  # 顾问 and 顾问 with a space: which is the roster?
            report(entries[1].title, "", _("expected one sheet named {sheet}, found {n} ({names}); delete the extra "
                                           "ones or give them other names").format(
                                               sheet=sheet.title, n=len(entries), names="、".join(f"'{e.title}'" for e in entries)),
                   "bad-sheet")
            found.shape_ok = False
            continue
        entry = entries[0]
        grid = read_grid(book, entry)
        _spread(grid, entry.title, book.shown)
        table = _table(report, sheet, entry, grid)
        if table is None:
            found.shape_ok = False
        elif sheet.title == PROGRAMME_SHEET:
            found.programme = table
        else:
            found.tables[sheet.title] = table
    renamed: set[str] = set()
    for sheet in missing:
        guess = _renamed(book, sheet, [e for e in unknown if e.title not in renamed])
        if guess is not None:
            renamed.add(guess.title)
            report(guess.title, "", _(
                "expected a sheet named {sheet}, found none; sheet '{found}' has its columns: rename it {sheet}").format(
                    sheet=sheet.title, found=guess.title), "bad-sheet")
            found.shape_ok = False
        elif sheet.title not in OPTIONAL_SHEETS:
            names = "、".join(e.title for e in book.sheets)
            report(sheet.title, "", _(
                "expected a sheet named {sheet}, found none (the workbook's sheets: {names}); restore it from the "
                "template, or rename the sheet that holds its rows to {sheet}").format(sheet=sheet.title, names=names),
                "bad-sheet")
            found.shape_ok = False
    for entry in unknown:
        if entry.title not in renamed:
            report(entry.title, "", _(
                "expected only the template's sheets, found '{sheet}', which import leaves out; move its rows into "
                "the template's sheets, or delete it if it holds nothing of the roster").format(sheet=entry.title),
                "bad-sheet", "warning")
    return found


def _renamed(book: Book, sheet: Sheet, candidates: list[SheetEntry]) -> SheetEntry | None:
    """The unknown sheet whose header row holds most of ``sheet``'s headers (half at least)."""
    wanted = {norm(c.header) for c in sheet.columns}
    best, best_n = None, 0
    for entry in candidates:
        grid = read_grid(book, entry, HEADER_ROWS)
        row = header_row(grid, sheet.columns)
        n = len(wanted & {norm(v) for v in grid.rows[row].values()}) if row else 0
        if n > best_n:
            best, best_n = entry, n
    return best if 2 * best_n >= len([c for c in sheet.columns if not c.province]) else None
