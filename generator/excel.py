"""The roster as an Excel workbook, for staff who keep their lists in Excel: export and import.

One sheet per kind of record, Chinese column headers, data-validation lists where Excel has
them (roles, kinds, county ids, advisor ids), and every code, id and phone column stored as
text (number format ``@``, string values) so that Excel cannot drop a leading zero or write
a village code as 3.71502E+11. Import builds the roster files in memory, runs the validator
on them and reports each problem at its cell (``ROSTER.xlsx:顾问!E12: error: …``); a
workbook with an error writes nothing, and a clean one rewrites only the files whose
content changed, in the house style of :mod:`yamlwrite`, so a one-cell change is a
one-line change in git.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .load import Document, Documents, display_path, parse_yaml
from .model import COUNTY_KIND_NAMES, ORGANIZATION_KIND_NAMES, RETIREMENT_KIND_NAMES, ROLE_NAMES
from .problems import Problem, errors, sort_problems
from .schema import OPTIONAL_FILES, REGIONS_DIR, ROSTER_FILES, TOWNSHIP_FILE, Count, Field, Flag, Refs, fields
from .validate import validate_roster
from .yamlwrite import dump, leading_comment

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

TEXT = "@"  # Excel's number format for text
MAX_ROWS = 20000  # how far down the validation lists and text formats reach


class WorkbookError(ValueError):
    """The workbook cannot be opened at all (not a workbook, no such file)."""


@dataclass(frozen=True)
class Column:
    path: str  # the field in its record, dotted for nested records (centre.phone)
    header: str
    record: str  # the record type the field belongs to, for its kind
    choices: str = ""  # a validation list: an Excel formula or a quoted list

    @property
    def spec(self) -> Field:
        return fields(self.record)[self.path.rsplit(".", 1)[-1]]


@dataclass(frozen=True)
class Sheet:
    title: str
    file: str  # the roster file its rows go to ("" for township files)
    key: str  # the list they go under in that file
    columns: tuple[Column, ...]


def _words(options: Iterable[str]) -> str:
    return '"' + ",".join(options) + '"'


COUNTY_IDS = "'县级单位'!$A$2:$A$1000"
PROGRAMME_SHEET = "项目"
HEADER_KEY = "文件注释"  # the row of the programme sheet that holds the comment atop every file

SHEETS: tuple[Sheet, ...] = (
    Sheet("县级单位", "counties.yaml", "counties", (
        Column("id", "编号", "county"),
        Column("code", "统计代码", "county"),
        Column("name", "名称", "county"),
        Column("kind", "类别", "county", _words(COUNTY_KIND_NAMES)),
        Column("centre.name", "中心名称", "centre"),
        Column("centre.address", "中心地址", "centre"),
        Column("centre.phone", "中心电话", "centre"),
        Column("centre.hours", "中心办公时间", "centre"),
    )),
    Sheet("机构", "organizations.yaml", "organizations", (
        Column("id", "编号", "organization"),
        Column("name", "名称", "organization"),
        Column("kind", "类别", "organization", _words(ORGANIZATION_KIND_NAMES)),
        Column("county", "所属单位", "organization", COUNTY_IDS),
        Column("township", "所在乡镇代码", "organization"),
        Column("address", "地址", "organization"),
        Column("phone", "电话", "organization"),
    )),
    Sheet("顾问", "advisors.yaml", "advisors", (
        Column("id", "编号", "advisor"),
        Column("name", "姓名", "advisor"),
        Column("role", "身份", "advisor", _words(ROLE_NAMES)),
        Column("organization", "所在机构编号", "advisor", "'机构'!$A$2:$A$5000"),
        Column("phone", "电话", "advisor"),
        Column("id_card", "身份证号（不公开）", "advisor"),
        Column("home_address", "家庭住址（不公开）", "advisor"),
        Column("notes", "备注（不公开）", "advisor"),
        Column("assessment", "考核（不公开）", "advisor"),
    )),
    Sheet("乡镇", "", "township", (
        Column("code", "乡镇代码", "township"),
        Column("name", "名称", "township"),
        Column("county", "所属单位", "township", COUNTY_IDS),
        Column("workstation.address", "工作站地址", "workstation"),
        Column("workstation.phone", "工作站电话", "workstation"),
        Column("workstation.hours", "工作站办公时间", "workstation"),
        Column("team", "团队（顾问编号，逗号分隔）", "township"),
    )),
    Sheet("村居", "", "villages", (
        Column("township", "乡镇代码", "organization"),  # which township file the village goes to (a township ref)
        Column("code", "村居代码", "village"),
        Column("name", "名称", "village"),
        Column("advisor", "顾问编号", "village", f"'顾问'!$A$2:$A${MAX_ROWS}"),
        Column("studio", "工作室", "village"),
    )),
    Sheet("撤销村居", "retired.yaml", "villages", (
        Column("code", "原村居代码", "retired-village"),
        Column("name", "名称", "retired-village"),
        Column("township", "原属乡镇代码", "retired-village"),
        Column("year", "年份", "retired-village"),
        Column("kind", "类别", "retired-village", _words(RETIREMENT_KIND_NAMES)),
        Column("successors", "接替村居代码（逗号分隔）", "retired-village"),
    )),
    Sheet("撤销乡镇", "retired.yaml", "townships", (
        Column("code", "原乡镇代码", "retired-township"),
        Column("name", "名称", "retired-township"),
        Column("county", "所属单位", "retired-township", COUNTY_IDS),
        Column("year", "年份", "retired-township"),
        Column("kind", "类别", "retired-township", _words(RETIREMENT_KIND_NAMES)),
        Column("successors", "接替乡镇代码（逗号分隔）", "retired-township"),
    )),
)
SHEET = {s.title: s for s in SHEETS}

INSTRUCTIONS = (
    "村居法律顾问名册（Excel 版）",
    "",
    "每个工作表是一类记录，第一行是列名，不要改动列名和工作表名。每行一条记录，空行会被跳过。",
    "代码、编号和电话都是“文本”格式：请直接输入，不要改成数字格式，否则 Excel 会去掉开头的 0 或写成 3.71502E+11。",
    "带下拉箭头的列只能选列表里的值：身份（lawyer 律师、legal-worker 法律服务工作者、judicial-officer 司法所工作人员）、类别、所属单位、顾问编号。",
    "团队、接替代码等多个编号用逗号分隔。标“不公开”的列只用于管理，不会出现在网站和服务卡上。",
    "村居已合并、拆分、更名或撤销时，不要直接删除：把它移到“撤销村居”表，写明年份、类别（merged 并入、split 拆分、renamed 更名、moved 划归、abolished 撤销）和接替的村居代码，旧服务卡上的网址才会继续有效。",
    "改好后运行：python -m generator import 名册.xlsx -o data   有错误时会逐条指出“工作表!单元格”，并且不写入任何文件。",
    "",
    "One sheet per kind of record; keep the sheet names and headers. Codes, ids and phones are text.",
    "Import: python -m generator import ROSTER.xlsx -o DATA_DIR (errors name their sheet and cell; nothing is written then).",
)


# --- reading the roster files as plain data --------------------------------------------------


def _load(path: Path) -> Any:
    with path.open("rb") as f:
        return yaml.load(f.read().decode("utf-8-sig"), Loader=_Loader)


def _get(record: dict[str, Any], path: str) -> Any:
    value: Any = record
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def township_files(data_dir: Path) -> list[Path]:
    return sorted(p for p in (data_dir / REGIONS_DIR).rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


# --- export ------------------------------------------------------------------------------------


def _cell_value(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column.spec.kind, Refs):
        return ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    if isinstance(column.spec.kind, (Count, Flag)):
        return value
    return str(value)


def _sheet(wb: Workbook, sheet: Sheet, rows: list[list[Any]]) -> None:
    ws = wb.create_sheet(sheet.title)
    ws.append([c.header for c in sheet.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    for i, column in enumerate(sheet.columns, 1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = max(10, min(40, 2 * len(column.header) + 2))
        if not isinstance(column.spec.kind, (Count, Flag)):
            ws.column_dimensions[letter].number_format = TEXT  # new rows typed later are text too
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = TEXT
        if column.choices:
            dv = DataValidation(type="list", formula1=column.choices, allow_blank=True, showErrorMessage=True,
                                errorTitle=column.header, error="请从下拉列表中选择")
            dv.add(f"{letter}2:{letter}{MAX_ROWS}")
            ws.add_data_validation(dv)
    ws.freeze_panes = "A2"


def export_workbook(data_dir: Path, out: Path) -> None:
    """Write the roster in ``data_dir`` to the workbook ``out`` (every field, private ones too:
    the workbook is the bureau's own list, not a publication)."""
    wb = Workbook()
    intro = wb.active
    assert intro is not None
    intro.title = "说明"
    for line in INSTRUCTIONS:
        intro.append([line])
    intro.column_dimensions["A"].width = 120

    programme_text = (data_dir / "programme.yaml").read_text(encoding="utf-8-sig")
    programme = yaml.load(programme_text, Loader=_Loader) or {}
    ws = wb.create_sheet(PROGRAMME_SHEET)
    ws.append(["字段", "值", "说明"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    notes = {"name": "项目名称", "city": "城市", "province": "省份", "hotline": "热线", "local_hotline": "本地热线",
             "base_url": "网址（印在二维码里，不要随意改动）", "sample": "示例数据（true/false）",
             "max_villages_per_advisor": "每名顾问最多服务村居数", "coverage_gap": "空白村居算 error 还是 warning"}
    for name, spec in fields("programme").items():
        if name in programme:
            value = programme[name]
            ws.append([name, value if isinstance(spec.kind, (Count, Flag)) else str(value), notes.get(name, "")])
            if not isinstance(spec.kind, (Count, Flag)):
                ws.cell(ws.max_row, 2).number_format = TEXT
    ws.append([HEADER_KEY, leading_comment(programme_text), "写在每个名册文件开头的注释（可空）"])
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 60
    ws.column_dimensions["C"].width = 40

    docs: dict[str, Any] = {name: _load(data_dir / name) or {} for name in ROSTER_FILES if name != "programme.yaml"}
    retired_path = data_dir / "retired.yaml"
    docs["retired.yaml"] = (_load(retired_path) or {}) if retired_path.exists() else {}
    towns = [(_load(p) or {}) for p in township_files(data_dir)]
    for sheet in SHEETS:
        rows: list[list[Any]] = []
        if sheet.title == "乡镇":
            records = [t.get("township") or {} for t in towns]
        elif sheet.title == "村居":
            records = [{**v, "township": (t.get("township") or {}).get("code")} for t in towns for v in t.get("villages") or []]
        else:
            records = docs[sheet.file].get(sheet.key) or []
        for record in records:
            rows.append([_cell_value(c, _get(record, c.path)) for c in sheet.columns])
        _sheet(wb, sheet, rows)
    wb.save(out)


# --- import ------------------------------------------------------------------------------------


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
            self.problem(where, column.header,
                         f"expected text in this column (codes, ids and phone numbers are text), found the number {shown}, "
                         "which Excel may already have changed (leading zeros dropped, 3.71502E+11); set the cell's format "
                         "to 文本 (Text) and type the value again", "number-cell")
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
            else:
                self.problem(f"{sheet.title}!1", column.header,
                             f"expected a column headed '{column.header}' in sheet {sheet.title}, found none; "
                             "restore the header from the template (export a workbook to get one)", "bad-sheet")
        for i, h in enumerate(header):
            if h and h not in {c.header for c in sheet.columns}:
                self.problem(f"{sheet.title}!{get_column_letter(i + 1)}1", h,
                             f"expected one of the template's headers, found '{h}'; rename or remove the column",
                             "bad-sheet")
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
        raise WorkbookError(f"{workbook}: no such file") from None
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, InvalidFileException) as exc:  # not a workbook
        raise WorkbookError(f"{workbook}: not an Excel workbook (.xlsx) this tool can read: {exc}") from None
    try:
        missing = [t for t in (PROGRAMME_SHEET, *SHEET) if t not in wb.sheetnames and t not in ("撤销村居", "撤销乡镇")]
        for title in missing:
            reader.problem(title, "", f"expected a sheet named {title}, found none; restore it from the template", "bad-sheet")
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
                    reader.problem(f"{PROGRAMME_SHEET}!A{number}", key, f"expected one of the programme's fields "
                                   f"({', '.join(spec)}), found '{key}'; fix the name or remove the row", "bad-sheet")
                    continue
                value = reader.value(Column(key, key, "programme"), raw, cell)
                if value is not None:
                    programme[key] = value
                reader.cells[("programme.yaml", key)] = cell
                reader.headers[cell] = key
            files["programme.yaml"] = programme
            reader.sheet_of["programme.yaml"] = PROGRAMME_SHEET
        for sheet in SHEETS:
            if sheet.file and sheet.file != "retired.yaml":
                files[sheet.file] = {sheet.key: []}
        retired: dict[str, list[Any]] = {}
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
                    if path in {f for f, _ in townships.values()}:
                        path = path.removesuffix(".yaml") + f"-{number}.yaml"  # a duplicate: the validator names it
                    record = reader.record(path, "township", values, cells, first)
                    townships[str(record.get("code"))] = (path, {"township": record, "villages": []})
                    reader.sheet_of[path] = sheet.title
                elif sheet.title == "村居":
                    code = str(values.pop("township", ""))
                    cells.pop("township", None)
                    if code not in townships:
                        reader.problem(f"{sheet.title}!A{number}", "乡镇代码",
                                       f"expected the code of a township in sheet 乡镇, found '{code}'; "
                                       "add the township there or correct the code", "unknown-township")
                        continue
                    path, doc = townships[code]
                    index = len(doc["villages"])
                    doc["villages"].append(reader.record(path, f"villages[{index}]", values, cells, first))
                else:
                    target = retired.setdefault(sheet.key, []) if sheet.file == "retired.yaml" else files[sheet.file][sheet.key]
                    index = len(target)
                    target.append(reader.record(sheet.file, f"{sheet.key}[{index}]", values, cells, first))
                    reader.sheet_of.setdefault(sheet.file, sheet.title)
                    if sheet.title == "县级单位" and values.get("id"):
                        counties[str(values["id"])] = str(values.get("name") or "")
        if retired:
            files["retired.yaml"] = retired
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
                same = _load(path) == documents[rel]
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
    if (out / "retired.yaml").is_file() and "retired.yaml" not in texts:
        stale.append(out / "retired.yaml")
    for path in stale:
        path.unlink()
        result.removed.append(display_path(path))
    for folder in sorted({p.parent for p in stale}, reverse=True):
        if folder != out and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    return result
