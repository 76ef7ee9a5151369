"""The roster as an Excel workbook, for staff who keep their lists in Excel: its layout, and export.

One sheet per kind of record, Chinese column headers, data-validation lists where Excel has
them (roles, kinds, county and city ids, advisor ids), and every code, id and phone column stored as
text (number format ``@``, string values) so that Excel cannot drop a leading zero or write
a village code as 3.71502E+11. A province's roster (with ``cities.yaml``) gets a sheet 城市 and
the units' column 所属城市; one city's workbook has neither. Reading a workbook back is
:mod:`excelread`'s, from the layout defined here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from generator.core.model import COUNTY_KIND_NAMES, ORGANIZATION_KIND_NAMES, RETIREMENT_KIND_NAMES, ROLE_NAMES
from generator.core.schema import REGIONS_DIR, ROSTER_FILES, Count, Field, Flag, Refs, fields

from .yamlwrite import leading_comment

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

TEXT = "@"  # Excel's number format for text
MAX_ROWS = 200_000  # how far down the validation lists reach: past a province (77,299 villages, 24,249 advisors)


@dataclass(frozen=True)
class Column:
    path: str  # the field in its record, dotted for nested records (centre.phone)
    header: str
    record: str  # the record type the field belongs to, for its kind
    choices: str = ""  # a validation list: an Excel formula or a quoted list
    province: bool = False  # only in a province's workbook (its roster has cities.yaml); optional on import

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
CITY_IDS = "'城市'!$A$2:$A$1000"
CITIES_SHEET = "城市"
PROGRAMME_SHEET = "项目"
HEADER_KEY = "文件注释"  # the row of the programme sheet that holds the comment atop every file

SHEETS: tuple[Sheet, ...] = (
    # a province's cities, above the units: the sheet and the units' 所属城市 column are in the
    # workbook of a roster with cities.yaml only, so one city's workbook stays as it was
    Sheet(CITIES_SHEET, "cities.yaml", "cities", (
        Column("id", "编号", "city"),
        Column("code", "代码", "city"),
        Column("name", "名称", "city"),
        Column("local_hotline", "本地热线", "city"),
        Column("base_url", "本市网址（本市单独建站时填写，印在二维码里）", "city"),
    )),
    Sheet("县级单位", "counties.yaml", "counties", (
        Column("id", "编号", "county"),
        Column("code", "统计代码", "county"),
        Column("name", "名称", "county"),
        Column("kind", "类别", "county", _words(COUNTY_KIND_NAMES)),
        Column("city", "所属城市", "county", CITY_IDS, province=True),
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
#: Sheets a workbook may leave out: one city's roster has no cities, most rosters retired nothing.
OPTIONAL_SHEETS = frozenset({CITIES_SHEET, "撤销村居", "撤销乡镇"})
#: Roster files that only some rosters have: written when their sheets have rows, else removed.
OPTIONAL_SHEET_FILES = ("cities.yaml", "retired.yaml")


def workbook_sheets(province: bool) -> tuple[Sheet, ...]:
    """The sheets an export writes: a province's all; one city's without the city level."""
    if province:
        return SHEETS
    return tuple(Sheet(s.title, s.file, s.key, tuple(c for c in s.columns if not c.province))
                 for s in SHEETS if s.title != CITIES_SHEET)

PROVINCE_NOTE = ("全省名册：“城市”表每行一个地级市（编号、代码、本地热线；本市单独建站时填本市网址），"
                 "“县级单位”表的“所属城市”填城市编号。")
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


def load_file(path: Path) -> Any:
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
    province = (data_dir / "cities.yaml").is_file()
    for line in INSTRUCTIONS:
        intro.append([line])
        if province and line.startswith("每个工作表"):
            intro.append([PROVINCE_NOTE])
    intro.column_dimensions["A"].width = 120

    programme_text = (data_dir / "programme.yaml").read_text(encoding="utf-8-sig")
    programme = yaml.load(programme_text, Loader=_Loader) or {}
    ws = wb.create_sheet(PROGRAMME_SHEET)
    ws.append(["字段", "值", "说明"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    notes = {"name": "项目名称", "city": "城市", "province": "省份", "hotline": "热线", "local_hotline": "本地热线",
             "base_url": "网址（印在二维码里，不要随意改动）", "sample": "示例数据（true/false）",
             "max_villages_per_advisor": "每名顾问最多服务村居数", "coverage_gap": "空白村居算 error 还是 warning",
             "data_licence": "开放数据（/data/）的许可协议，如 CC-BY-4.0"}
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

    docs: dict[str, Any] = {name: load_file(data_dir / name) or {} for name in ROSTER_FILES if name != "programme.yaml"}
    for name in OPTIONAL_SHEET_FILES:
        docs[name] = (load_file(data_dir / name) or {}) if (data_dir / name).exists() else {}
    towns = [(load_file(p) or {}) for p in township_files(data_dir)]
    for sheet in workbook_sheets(province):
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
