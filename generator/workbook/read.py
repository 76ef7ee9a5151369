"""Import: an Excel workbook (the layout of :mod:`sheets`) back into roster files.

Reading takes two steps, because a workbook is made by people. First its shape: each template
sheet found by its name (one renamed is recognised by its columns), its header row found under
any title rows, each column by its header wherever it stands. A sheet or column that is missing
is reported first and alone: every row after it would repeat it. Then the rows: a merged cell
counts on every row it spans (Excel shows it there), each cell is read by :mod:`cells`, and the
roster files are built in memory and validated as ``validate`` does, each problem reported at
its cell (``ROSTER.xlsx:顾问!E12: error: …``), one problem a cell.

A workbook with an error writes nothing; a clean one is written by :mod:`files`, only the files
whose content changed (comments aside), in the house style of :mod:`yamlwrite`, so a one-cell
change is a one-line change in git. Files only some rosters have (``cities.yaml``,
``retired.yaml``) are written when their sheets have rows and removed when they have none.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from openpyxl.utils import get_column_letter

from generator.core.i18n import _
from generator.core.problems import Problem, errors, sort_problems
from generator.core.schema import OPTIONAL_FILES, ROSTER_FILES, TOWNSHIP_FILE, Field, fields
from generator.roster.load import Document, Documents, display_path, parse_yaml
from generator.roster.validate import validate_roster

from .cells import read_cell
from .files import PATH_SEPARATORS, Written, check_output, township_path, write_roster
from .sheets import HEADER_KEY, OPTIONAL_SHEET_FILES, OPTIONAL_SHEETS, PROGRAMME_SHEET, SHEETS, Column, Sheet, load_file
from .xlsx import MAX_CELLS, Book, Grid, SheetEntry, WorkbookError
from .yamlwrite import dump, leading_comment

__all__ = ["Imported", "Plan", "WorkbookError", "import_workbook", "plan_import", "read_workbook"]

#: How far down a header row is looked for (title rows, a date line, a blank row above it).
HEADER_ROWS = 10
#: Columns a merged range is spread over (a sheet of the template has nine).
MERGE_COLUMNS = 64
#: The programme sheet: a field and its value a row (and a note, which import leaves).
PROGRAMME_COLUMNS = (Column("key", "字段", "programme"), Column("value", "值", "programme"),
                     Column("note", "说明", "programme", province=True))
#: Sheets the template has that import does not read.
INSTRUCTIONS_SHEET = "说明"


@dataclass
class Imported:
    """What an import found and did."""

    problems: list[Problem] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not errors(self.problems)


def _norm(text: object) -> str:
    """A title or header as compared: full-width forms folded, spaces and line breaks dropped."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))) if text is not None else ""


@dataclass
class _Table:
    """A template sheet as found in the workbook: its rows, where its header is and its columns."""

    sheet: Sheet
    entry: SheetEntry
    grid: Grid
    header_row: int
    columns: dict[str, int]  # field path → column number (1-based)
    first_data_row: int


@dataclass
class _Reader:
    """Turns sheet rows into roster documents, remembering which cell each value came from."""

    name: str  # the workbook as messages show it
    problems: list[Problem] = field(default_factory=list)
    cells: dict[tuple[str, str], str] = field(default_factory=dict)  # (file, field path) → 'Sheet!C12'
    sheet_of: dict[str, str] = field(default_factory=dict)  # file → the sheet its records come from
    headers: dict[str, str] = field(default_factory=dict)  # 'Sheet!C12' → its column's header
    flawed: set[str] = field(default_factory=set)  # cells with a problem of their own

    def problem(self, where: str, header: str, message: str, code: str, level: str = "error") -> None:
        self.problems.append(Problem(f"{self.name}:{where}" if where else self.name, 0, 0, level,  # type: ignore[arg-type]
                                     header, message, code))

    def record(self, file: str, path: str, values: dict[str, Any], cells: dict[str, str], first: str) -> dict[str, Any]:
        """Nested mapping of ``values`` (dotted paths), with each value's cell recorded under ``path``."""
        out: dict[str, Any] = {}
        self.cells[(file, path)] = first
        for dotted, value in values.items():
            *parents, last = dotted.split(".")
            target = out
            for p in parents:
                target = target.setdefault(p, {})
            target[last] = value
        for dotted, cell in cells.items():
            self.cells[(file, f"{path}.{dotted}" if path else dotted)] = cell
        return out

    def cell_of(self, problem: Problem) -> str:
        """The cell a problem about a generated file is about (or its sheet)."""
        path = problem.field
        while path:
            if (at := self.cells.get((problem.file, path))) is not None:
                return at
            path = re.sub(r"(\[\d+\]|\.[^.\[]+)$", "", path) if re.search(r"(\[\d+\]|\.[^.\[]+)$", path) else ""
        return self.sheet_of.get(problem.file, "")

    # -- the workbook's shape ------------------------------------------------------------------

    def header_row(self, grid: Grid, columns: tuple[Column, ...]) -> int:
        """The row among the first ones that holds the most of ``columns``' headers (0: none)."""
        wanted = {_norm(c.header) for c in columns}
        best, best_row = 0, 0
        for number in sorted(grid.rows)[:HEADER_ROWS]:
            n = len(wanted & {_norm(v) for v in grid.rows[number].values()})
            if n > best:
                best, best_row = n, number
        return best_row

    def table(self, sheet: Sheet, entry: SheetEntry, grid: Grid, columns: tuple[Column, ...]) -> _Table | None:
        """The sheet's header and columns, or None after reporting why they cannot be found."""
        row = self.header_row(grid, columns)
        title = entry.title
        required = [c for c in columns if not c.province]
        if not row:
            names = "、".join(c.header for c in required[:4])
            self.problem(title, "", _("expected a header row ({names}…) within the first {n} rows of sheet {sheet}, "
                                      "found none; restore the header row from the template (export a workbook to get "
                                      "one)").format(names=names, n=HEADER_ROWS, sheet=title), "bad-sheet")
            return None
        header = {c: _norm(v) for c, v in grid.rows[row].items() if _norm(v)}
        at: dict[str, int] = {}
        ok = True
        for column in columns:
            found = sorted(c for c, v in header.items() if v == _norm(column.header))
            if len(found) > 1:
                cells = "、".join(f"{get_column_letter(c)}{row}" for c in found)
                self.problem(f"{title}!{get_column_letter(found[1])}{row}", column.header, _(
                    "expected one column headed '{header}', found {n} ({cells}); delete or rename the extra one").format(
                        header=column.header, n=len(found), cells=cells), "bad-sheet")
                ok = False
            if found:
                at[column.path] = found[0]
        known = {_norm(c.header) for c in columns}
        unknown = {c: v for c, v in grid.rows[row].items() if _norm(v) and _norm(v) not in known}
        missing = [c for c in required if c.path not in at]
        for column in missing:
            if len(missing) == 1 and len(unknown) == 1:
                (c, v), = unknown.items()
                self.problem(f"{title}!{get_column_letter(c)}{row}", column.header, _(
                    "expected a column headed '{header}' in sheet {sheet}, found '{found}' in its place; rename the "
                    "header back to '{header}'").format(header=column.header, sheet=title, found=str(v)[:40]), "bad-sheet")
                unknown = {}
            else:
                self.problem(f"{title}!{row}", column.header, _(
                    "expected a column headed '{header}' in sheet {sheet}, found none; restore the header from the "
                    "template (export a workbook to get one)").format(header=column.header, sheet=title), "bad-sheet")
            ok = False
        for c, v in unknown.items():
            self.problem(f"{title}!{get_column_letter(c)}{row}", str(v)[:40], _(
                "expected one of the template's headers, found '{found}'; rename the column or move what it holds "
                "into the template's columns (import would leave it out)").format(found=str(v)[:40]), "bad-sheet")
            ok = False
        if not ok:
            return None
        below = [r2 for (r1, _c1, r2, _c2) in grid.merges if r1 <= row <= r2]  # a header merged downwards
        return _Table(sheet, entry, grid, row, at, max([row, *below]) + 1)

    def rows(self, table: _Table) -> Iterator[tuple[int, dict[str, Any], dict[str, str]]]:
        """(row number, values by field path, cell by field path) of each row that holds something."""
        title = table.entry.title
        headers = table.columns
        by_path = {c.path: c for c in table.sheet.columns}
        for number in sorted(table.grid.rows):
            if number < table.first_data_row:
                continue
            line = table.grid.rows[number]
            if all(_norm(line.get(c)) == _norm(by_path[p].header) for p, c in headers.items() if line.get(c) is not None):
                continue  # the header again (a sheet pasted under another)
            values: dict[str, Any] = {}
            cells: dict[str, str] = {}
            for path, c in headers.items():
                column = by_path[path]
                cell = f"{title}!{get_column_letter(c)}{number}"
                value = self.value(column.spec, column.header, line.get(c), cell)
                cells[path] = cell
                self.headers[cell] = column.header
                if value is not None:
                    values[path] = value
            if values or any(cell in self.flawed for cell in cells.values()):
                yield number, values, cells

    def value(self, spec: Field, header: str, raw: Any, cell: str) -> Any:
        value, flaw = read_cell(spec, raw)
        if flaw is not None:
            self.problem(cell, header, flaw.message, flaw.code)
            self.flawed.add(cell)
        return value


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
class _Found:
    """The sheets of a workbook, matched to the template's."""

    tables: dict[str, _Table] = field(default_factory=dict)  # template title → table
    programme: _Table | None = None
    shape_ok: bool = True


def _programme_sheet() -> Sheet:
    return Sheet(PROGRAMME_SHEET, "programme.yaml", "", PROGRAMME_COLUMNS)


def _find_sheets(book: Book, reader: _Reader) -> _Found:
    """Match the workbook's sheets to the template's; report what is missing, renamed or unknown."""
    found = _Found()
    by_title = {_norm(e.title): e for e in book.sheets}
    template = [_programme_sheet(), *SHEETS]
    unknown = [e for e in book.sheets if _norm(e.title) not in {_norm(s.title) for s in template}
               and _norm(e.title) != _norm(INSTRUCTIONS_SHEET)]
    missing: list[tuple[Sheet, Problem | None]] = []
    for sheet in template:
        entry = by_title.get(_norm(sheet.title))
        if entry is None:
            missing.append((sheet, None))
            continue
        grid = book.grid(entry)
        _spread(grid, entry.title, reader.name)
        table = reader.table(sheet, entry, grid, sheet.columns)
        if table is None:
            found.shape_ok = False
        elif sheet.title == PROGRAMME_SHEET:
            found.programme = table
        else:
            found.tables[sheet.title] = table
    renamed: set[str] = set()
    for sheet, _none in missing:
        guess = _renamed(book, reader, sheet, [e for e in unknown if e.title not in renamed])
        if guess is not None:
            renamed.add(guess.title)
            reader.problem(guess.title, "", _(
                "expected a sheet named {sheet}, found none; sheet '{found}' has its columns: rename it {sheet}").format(
                    sheet=sheet.title, found=guess.title), "bad-sheet")
            found.shape_ok = False
        elif sheet.title not in OPTIONAL_SHEETS:
            names = "、".join(e.title for e in book.sheets)
            reader.problem(sheet.title, "", _(
                "expected a sheet named {sheet}, found none (the workbook's sheets: {names}); restore it from the "
                "template, or rename the sheet that holds its rows to {sheet}").format(sheet=sheet.title, names=names),
                "bad-sheet")
            found.shape_ok = False
    for entry in unknown:
        if entry.title not in renamed:
            reader.problem(entry.title, "", _(
                "expected only the template's sheets, found '{sheet}', which import leaves out; move its rows into "
                "the template's sheets, or delete it if it holds nothing of the roster").format(sheet=entry.title),
                "bad-sheet", "warning")
    return found


def _renamed(book: Book, reader: _Reader, sheet: Sheet, candidates: list[SheetEntry]) -> SheetEntry | None:
    """The unknown sheet whose header row holds most of ``sheet``'s headers (half at least)."""
    wanted = {_norm(c.header) for c in sheet.columns}
    best, best_n = None, 0
    for entry in candidates:
        grid = book.grid(entry, HEADER_ROWS)
        row = reader.header_row(grid, sheet.columns)
        n = len(wanted & {_norm(v) for v in grid.rows[row].values()}) if row else 0
        if n > best_n:
            best, best_n = entry, n
    return best if 2 * best_n >= len([c for c in sheet.columns if not c.province]) else None


def read_workbook(workbook: Path) -> tuple[dict[str, dict[str, Any]], str, _Reader]:
    """The roster files a workbook holds, as documents by relative path, with the file comment;
    no documents when its shape is wrong (the reader's problems say how)."""
    reader = _Reader(display_path(workbook))
    with Book(workbook, reader.name) as book:
        found = _find_sheets(book, reader)
    if not found.shape_ok:
        return {}, "", reader
    files: dict[str, dict[str, Any]] = {}
    header = _programme(found.programme, reader, files) if found.programme else ""
    for sheet in SHEETS:
        if sheet.file and sheet.file not in OPTIONAL_SHEET_FILES:
            files[sheet.file] = {sheet.key: []}
    optional: dict[str, dict[str, list[Any]]] = {}  # cities.yaml, retired.yaml: only with rows
    townships: dict[str, tuple[str, dict[str, Any]]] = {}  # code → (file, document)
    counties: dict[str, str] = {}
    for sheet in SHEETS:
        table = found.tables.get(sheet.title)
        if table is None:
            continue
        title = table.entry.title
        for number, values, cells in reader.rows(table):
            first = f"{title}!A{number}"
            if sheet.title in ("乡镇", "县级单位"):
                _name_in_a_path(reader, values, cells)
            if sheet.title == "乡镇":
                path = township_path(str(values.get("county") or ""), counties.get(str(values.get("county") or ""), ""),
                                     str(values.get("code") or ""), str(values.get("name") or ""))
                if path in {f for f, _ in townships.values()}:
                    path = path.removesuffix(".yaml") + f"-{number}.yaml"  # a duplicate: the validator names it
                record = reader.record(path, "township", values, cells, first)
                townships[str(record.get("code"))] = (path, {"township": record, "villages": []})
                reader.sheet_of[path] = title
            elif sheet.title == "村居":
                code = str(values.pop("township", ""))
                at = cells.pop("township", first)
                if code not in townships:
                    if at not in reader.flawed:
                        reader.problem(at, "乡镇代码", _(
                            "expected the code of a township in sheet 乡镇, found '{code}'; add the township there or "
                            "correct the code").format(code=code[:40]), "unknown-township")
                    continue
                path, doc = townships[code]
                index = len(doc["villages"])
                doc["villages"].append(reader.record(path, f"villages[{index}]", values, cells, first))
            else:
                if sheet.file in OPTIONAL_SHEET_FILES:
                    target = optional.setdefault(sheet.file, {}).setdefault(sheet.key, [])
                else:
                    target = files[sheet.file][sheet.key]
                index = len(target)
                target.append(reader.record(sheet.file, f"{sheet.key}[{index}]", values, cells, first))
                reader.sheet_of.setdefault(sheet.file, title)
                if sheet.title == "县级单位" and values.get("id"):
                    counties[str(values["id"])] = str(values.get("name") or "")
    files.update(optional)
    for path, doc in townships.values():
        files[path] = doc
    return files, header, reader


def _name_in_a_path(reader: _Reader, values: dict[str, Any], cells: dict[str, str]) -> None:
    """A unit's or township's name is part of its file's name: a path separator in it is a problem."""
    name = values.get("name")
    if isinstance(name, str) and any(s in name for s in PATH_SEPARATORS):
        reader.problem(cells["name"], reader.headers.get(cells["name"], ""), _(
            "expected a name without '/' or '\\' (the name follows the code in its file's name), found '{name}'; "
            "remove the slash").format(name=name[:60]), "path-in-name")
        reader.flawed.add(cells["name"])


def _programme(table: _Table, reader: _Reader, files: dict[str, dict[str, Any]]) -> str:
    """The programme's settings (a field a row) into ``files``; the file comment."""
    spec = fields("programme")
    programme: dict[str, Any] = {}
    header = ""
    title = table.entry.title
    key_at, value_at = table.columns["key"], table.columns["value"]
    for number in sorted(table.grid.rows):
        if number < table.first_data_row:
            continue
        line = table.grid.rows[number]
        key = _norm(line.get(key_at))
        raw = line.get(value_at)
        cell = f"{title}!{get_column_letter(value_at)}{number}"
        if not key:
            continue
        if key == HEADER_KEY:
            header = str(raw) if raw is not None else ""
            continue
        if key not in spec:
            reader.problem(f"{title}!{get_column_letter(key_at)}{number}", key, _(
                "expected one of the programme's fields ({names}), found '{found}'; fix the name or remove the row")
                .format(names=", ".join(spec), found=key[:40]), "bad-sheet")
            continue
        value = reader.value(spec[key], key, raw, cell)
        if value is not None:
            programme[key] = value
        reader.cells[("programme.yaml", key)] = cell
        reader.headers[cell] = key
    files["programme.yaml"] = programme
    reader.sheet_of["programme.yaml"] = title
    return header


@dataclass
class Plan:
    """What an import would write, checked: the files' texts, their documents, the problems, and
    the parsed documents the roster's model is built from (to show what changes)."""

    out: Path
    problems: list[Problem]
    texts: dict[str, str] = field(default_factory=dict)
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    docs: Documents | None = None

    @property
    def ok(self) -> bool:
        return not errors(self.problems)


def plan_import(workbook: Path, out: Path) -> Plan:
    """Read ``workbook`` as a roster to be written to ``out`` and check it; write nothing.
    Raises :class:`WorkbookError` for a workbook that cannot be read at all, and
    :class:`files.OutputError` for an output folder that cannot take it."""
    documents, header, reader = read_workbook(workbook)
    if not documents:  # its shape is wrong: the shape's problems alone, a missing sheet first
        order = {p: i for i, p in enumerate(reader.problems)}
        return Plan(out, sorted(reader.problems, key=lambda p: (p.level == "warning", "!" in p.file, order[p])))
    paths = check_output(out, documents)
    texts: dict[str, str] = {}
    for rel, document in documents.items():
        old = paths[rel]
        own_header = leading_comment(old.read_text(encoding="utf-8-sig", errors="replace")) if old.is_file() else header
        texts[rel] = dump(document, own_header)
    docs = Documents(out)
    record_of = {**ROSTER_FILES, **OPTIONAL_FILES}
    for rel, text in texts.items():
        root, problems = parse_yaml(text.encode("utf-8"), rel)
        docs.problems += problems
        docs.items.append(Document(rel, record_of.get(rel, TOWNSHIP_FILE), root))
    problems = list(reader.problems)
    for p in validate_roster(docs):
        where = reader.cell_of(p)
        if where in reader.flawed:
            continue  # the cell's own problem says it first: one problem a cell
        shown = f"{reader.name}:{where}" if where else reader.name
        problems.append(Problem(shown, 0, 0, p.level, reader.headers.get(where, p.field), p.message, p.code))
    return Plan(out, sort_problems(problems), texts, documents, docs)


def write_plan(plan: Plan) -> Written:
    """Write a clean plan's files into its folder (only those whose content changed)."""
    def same(rel: str, path: Path) -> bool:
        try:
            return bool(load_file(path) == plan.documents[rel])
        except (yaml.YAMLError, UnicodeDecodeError, OSError):
            return False

    return write_roster(plan.out, plan.texts, same, OPTIONAL_SHEET_FILES)


def import_workbook(workbook: Path, out: Path) -> Imported:
    """Check ``workbook`` as a roster and, when it has no errors, write it to ``out``."""
    plan = plan_import(workbook, out)
    result = Imported(problems=plan.problems)
    if plan.ok:
        done = write_plan(plan)
        result.written, result.removed, result.unchanged = done.written, done.removed, done.unchanged
    return result
