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
from .shape import Table, find_sheets, norm
from .sheets import HEADER_KEY, OPTIONAL_SHEET_FILES, SHEETS, load_file
from .xlsx import Book, WorkbookError
from .yamlwrite import dump, leading_comment

__all__ = ["Imported", "Plan", "WorkbookError", "import_workbook", "plan_import", "read_workbook"]


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

    def rows(self, table: Table) -> Iterator[tuple[int, dict[str, Any], dict[str, str]]]:
        """(row number, values by field path, cell by field path) of each row that holds something."""
        title = table.entry.title
        headers = table.columns
        by_path = {c.path: c for c in table.sheet.columns}
        for number in sorted(table.grid.rows):
            if number < table.first_data_row:
                continue
            line = table.grid.rows[number]
            if all(norm(line.get(c)) == norm(by_path[p].header) for p, c in headers.items() if line.get(c) is not None):
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


def read_workbook(workbook: Path) -> tuple[dict[str, dict[str, Any]], str, _Reader]:
    """The roster files a workbook holds, as documents by relative path, with the file comment;
    no documents when its shape is wrong (the reader's problems say how)."""
    reader = _Reader(display_path(workbook))
    with Book(workbook, reader.name) as book:
        found = find_sheets(book, reader.problem)
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


def _programme(table: Table, reader: _Reader, files: dict[str, dict[str, Any]]) -> str:
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
        key = norm(line.get(key_at))
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
