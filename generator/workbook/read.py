"""Import: an Excel workbook (the layout of :mod:`excel`) back into roster files.

Import builds the roster files in memory, runs the validator on them and reports each problem
at its cell (``ROSTER.xlsx:顾问!E12: error: …``); a workbook with an error writes nothing, and a
clean one rewrites only the files whose content changed, in the house style of :mod:`yamlwrite`,
so a one-cell change is a one-line change in git. Files only some rosters have (``cities.yaml``,
``retired.yaml``) are written when their sheets have rows and removed when they have none.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from generator.core.errors import UserError
from generator.core.i18n import _
from generator.core.problems import Problem, errors, sort_problems
from generator.core.schema import OPTIONAL_FILES, REGIONS_DIR, ROSTER_FILES, TOWNSHIP_FILE, Count, Flag, Refs, fields
from generator.roster.load import Document, Documents, display_path, parse_yaml
from generator.roster.validate import validate_roster

from .sheets import (
    HEADER_KEY,
    OPTIONAL_SHEET_FILES,
    OPTIONAL_SHEETS,
    PROGRAMME_SHEET,
    SHEET,
    SHEETS,
    Column,
    Sheet,
    load_file,
    township_files,
)
from .yamlwrite import dump, leading_comment


class WorkbookError(UserError):
    """The workbook cannot be opened at all (not a workbook, no such file)."""


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


_LIST_SPLIT = re.compile(r"[,，、;；\s]+")


@dataclass
class _Reader:
    """Turns sheet rows into roster documents, remembering which cell each value came from."""

    name: str  # the workbook as messages show it
    problems: list[Problem] = field(default_factory=list)
    cells: dict[tuple[str, str], str] = field(default_factory=dict)  # (file, field path) → 'Sheet!C12'
    sheet_of: dict[str, str] = field(default_factory=dict)  # file → the sheet its records come from
    headers: dict[str, str] = field(default_factory=dict)  # 'Sheet!C12' → its column's header

    def problem(self, where: str, header: str, message: str, code: str, level: str = "error") -> None:
        self.problems.append(Problem(f"{self.name}:{where}", 0, 0, level, header, message, code))  # type: ignore[arg-type]

    def value(self, column: Column, raw: Any, where: str) -> Any:
        """A cell as the roster holds it; a number in a text column is a problem of its own."""
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        kind = column.spec.kind
        if isinstance(kind, Flag):
            if isinstance(raw, str) and raw.strip().lower() in ("true", "false", "是", "否"):
                return raw.strip().lower() in ("true", "是")
            return raw
        if isinstance(kind, Count):
            if isinstance(raw, float) and raw.is_integer():
                return int(raw)
            if isinstance(raw, str) and raw.strip().isdigit():
                return int(raw.strip())
            return raw
        if isinstance(raw, bool):
            return raw  # the validator says a yes/no is not text
        if isinstance(raw, (int, float)):
            shown = f"{raw:.15g}"
            message = _("expected text in this column (codes, ids and phone numbers are text), found the number {number}, "
                        "which Excel may already have changed (leading zeros dropped, 3.71502E+11); set the cell's format "
                        "to 文本 (Text) and type the value again")
            self.problem(where, column.header, message.format(number=shown), "number-cell")
            text: Any = str(int(raw)) if isinstance(raw, float) and raw.is_integer() else str(raw)
        else:
            text = str(raw).strip()
        if isinstance(kind, Refs):
            return [x for x in _LIST_SPLIT.split(text) if x]
        return text

    def rows(self, ws: Worksheet, sheet: Sheet) -> Iterator[tuple[int, dict[str, Any], dict[str, str]]]:
        """(row number, values by field path, cell by field path) of each non-empty row, after
        checking the headers."""
        lines = ws.iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(lines, ())]
        where: dict[str, int] = {}
        for column in sheet.columns:
            if column.header in header:
                where[column.path] = header.index(column.header)
            elif not column.province:
                message = _("expected a column headed '{header}' in sheet {sheet}, found none; "
                            "restore the header from the template (export a workbook to get one)")
                self.problem(f"{sheet.title}!1", column.header, message.format(header=column.header, sheet=sheet.title),
                             "bad-sheet")
        for i, h in enumerate(header):
            if h and h not in {c.header for c in sheet.columns}:
                self.problem(f"{sheet.title}!{get_column_letter(i + 1)}1", h,
                             _("expected one of the template's headers, found '{header}'; rename or remove the column").format(
                                 header=h), "bad-sheet")
        for number, line in enumerate(lines, 2):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in line):
                continue
            values: dict[str, Any] = {}
            cells: dict[str, str] = {}
            for column in sheet.columns:
                if column.path not in where:
                    continue
                at = where[column.path]
                cell = f"{sheet.title}!{get_column_letter(at + 1)}{number}"
                cells[column.path] = cell
                self.headers[cell] = column.header
                value = self.value(column, line[at] if at < len(line) else None, cell)
                if value is not None:
                    values[column.path] = value
            yield number, values, cells

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


def _township_path(township: dict[str, Any], counties: dict[str, str]) -> str:
    unit = str(township.get("county") or "")
    return f"{REGIONS_DIR}/{unit}-{counties.get(unit, unit)}/{township.get('code')}-{township.get('name')}.yaml"


def read_workbook(workbook: Path) -> tuple[dict[str, dict[str, Any]], str, _Reader]:
    """The roster files a workbook holds, as documents by relative path, with the file comment."""
    reader = _Reader(display_path(workbook))
    try:
        wb = load_workbook(workbook, read_only=True, data_only=True)
    except FileNotFoundError:
        raise WorkbookError(_("{path}: no such file; check the name and folder").format(path=workbook)) from None
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, InvalidFileException) as exc:  # not a workbook
        raise WorkbookError(_("{path}: not an Excel workbook (.xlsx) this tool can read: {reason}; save it from Excel "
                              "as 'Excel 工作簿 (*.xlsx)'").format(path=workbook, reason=exc)) from None
    try:
        missing = [t for t in (PROGRAMME_SHEET, *SHEET) if t not in wb.sheetnames and t not in OPTIONAL_SHEETS]
        for title in missing:
            reader.problem(title, "", _("expected a sheet named {sheet}, found none; restore it from the template").format(
                sheet=title), "bad-sheet")
        files: dict[str, dict[str, Any]] = {}
        header = ""
        if PROGRAMME_SHEET in wb.sheetnames:
            programme: dict[str, Any] = {}
            spec = fields("programme")
            for number, line in enumerate(wb[PROGRAMME_SHEET].iter_rows(values_only=True), 1):
                key = str(line[0]).strip() if line and line[0] is not None else ""
                raw = line[1] if len(line) > 1 else None
                if number == 1 or not key:
                    continue
                cell = f"{PROGRAMME_SHEET}!B{number}"
                if key == HEADER_KEY:
                    header = str(raw) if raw is not None else ""
                    continue
                if key not in spec:
                    message = _("expected one of the programme's fields ({fields}), found '{key}'; fix the name or remove the row")
                    reader.problem(f"{PROGRAMME_SHEET}!A{number}", key, message.format(fields=", ".join(spec), key=key),
                                   "bad-sheet")
                    continue
                value = reader.value(Column(key, key, "programme"), raw, cell)
                if value is not None:
                    programme[key] = value
                reader.cells[("programme.yaml", key)] = cell
                reader.headers[cell] = key
            files["programme.yaml"] = programme
            reader.sheet_of["programme.yaml"] = PROGRAMME_SHEET
        for sheet in SHEETS:
            if sheet.file and sheet.file not in OPTIONAL_SHEET_FILES:
                files[sheet.file] = {sheet.key: []}
        optional: dict[str, dict[str, list[Any]]] = {}  # cities.yaml, retired.yaml: only with rows
        townships: dict[str, tuple[str, dict[str, Any]]] = {}  # code → (file, document)
        counties: dict[str, str] = {}
        for sheet in SHEETS:
            if sheet.title not in wb.sheetnames:
                continue
            ws = wb[sheet.title]
            for number, values, cells in reader.rows(ws, sheet):
                first = f"{sheet.title}!A{number}"
                if sheet.title == "乡镇":
                    path = _township_path(values, counties)
                    if path in {f for f, _doc in townships.values()}:
                        path = path.removesuffix(".yaml") + f"-{number}.yaml"  # a duplicate: the validator names it
                    record = reader.record(path, "township", values, cells, first)
                    townships[str(record.get("code"))] = (path, {"township": record, "villages": []})
                    reader.sheet_of[path] = sheet.title
                elif sheet.title == "村居":
                    code = str(values.pop("township", ""))
                    cells.pop("township", None)
                    if code not in townships:
                        message = _("expected the code of a township in sheet 乡镇, found '{code}'; "
                                    "add the township there or correct the code")
                        reader.problem(f"{sheet.title}!A{number}", "乡镇代码", message.format(code=code), "unknown-township")
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
                    reader.sheet_of.setdefault(sheet.file, sheet.title)
                    if sheet.title == "县级单位" and values.get("id"):
                        counties[str(values["id"])] = str(values.get("name") or "")
        files.update(optional)
        for path, doc in townships.values():
            files[path] = doc
        return files, header, reader
    finally:
        wb.close()


def import_workbook(workbook: Path, out: Path) -> Imported:
    """Check ``workbook`` as a roster and, when it has no errors, write it to ``out``."""
    documents, header, reader = read_workbook(workbook)
    result = Imported(problems=list(reader.problems))
    texts: dict[str, str] = {}
    for rel, document in documents.items():
        old = out / rel
        own_header = header
        if old.is_file():
            own_header = leading_comment(old.read_text(encoding="utf-8-sig", errors="replace"))
        texts[rel] = dump(document, own_header)
    docs = Documents(out)
    record_of = {**ROSTER_FILES, **OPTIONAL_FILES}
    for rel, text in texts.items():
        root, problems = parse_yaml(text.encode("utf-8"), rel)
        docs.problems += problems
        docs.items.append(Document(rel, record_of.get(rel, TOWNSHIP_FILE), root))
    for p in validate_roster(docs):
        where = reader.cell_of(p)
        shown = f"{reader.name}:{where}" if where else reader.name
        result.problems.append(Problem(shown, 0, 0, p.level, reader.headers.get(where, p.field), p.message, p.code))
    result.problems = sort_problems(result.problems)
    if not result.ok:
        return result
    out.mkdir(parents=True, exist_ok=True)
    for rel, text in sorted(texts.items()):
        path = out / rel
        if path.is_file():
            try:
                same = load_file(path) == documents[rel]
            except (yaml.YAMLError, UnicodeDecodeError):
                same = False
            if same:
                result.unchanged += 1
                continue
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8", newline="\n")
        os.replace(tmp, path)
        result.written.append(display_path(path))
    stale = [p for p in township_files(out) if p.relative_to(out).as_posix() not in texts]
    stale += [out / name for name in OPTIONAL_SHEET_FILES if (out / name).is_file() and name not in texts]
    for path in stale:
        path.unlink()
        result.removed.append(display_path(path))
    for folder in sorted({p.parent for p in stale}, reverse=True):
        if folder != out and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    return result
