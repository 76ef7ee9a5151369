"""Workbooks as people make them: exported, then edited the way staff edit sheets, then imported.

Each case is one workbook. Read correctly means: the roster that comes back is the one that went
out (nothing written over the small roster, whose files are the same content) or has exactly the
change that was meant; otherwise exactly one problem at the cell (or sheet) that holds it.
"""

from __future__ import annotations

import datetime
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from generator.workbook.read import Imported, import_workbook
from tests.helpers.cli import Ran
from tests.helpers.roster_edit import SAMPLE, copy_roster
from tests.helpers.workbooks import rewrite, run_import, sheet_part, small_book, tree

Edit = Callable[[Workbook], None]


def edited(tmp: Path, edit: Edit) -> tuple[Path, Path]:
    data, book = small_book(tmp)
    wb = load_workbook(book)
    edit(wb)
    wb.save(book)
    return data, book


def where(result: Imported) -> list[tuple[str, str]]:
    """(sheet!cell, code) of each problem, in order."""
    return [(p.file.split(":", 1)[1], p.code) for p in result.problems]


def unchanged(result: Imported) -> bool:
    return result.ok and result.written == [] and result.removed == [] and result.problems == []


def title_rows(ws: Worksheet, *titles: str) -> None:
    """Title rows above the header, each merged across the sheet's columns, as government sheets have."""
    ws.insert_rows(1, len(titles))
    last = chr(ord("A") + ws.max_column - 1)
    for i, title in enumerate(titles, 1):
        ws.cell(i, 1).value = title
        ws.merge_cells(f"A{i}:{last}{i}")


def row_of(ws: Worksheet, column: int, value: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, column).value == value)


# -- read correctly: the same roster comes back ---------------------------------------------------------


def title_above_every_sheet(wb: Workbook) -> None:
    for ws in wb.worksheets[1:]:
        title_rows(ws, "聊城市村居法律顾问名册")


def two_titles_a_date_and_a_blank_row(wb: Workbook) -> None:
    ws = wb["村居"]
    title_rows(ws, "聊城市村居法律顾问名册", "（村居部分）")
    ws.insert_rows(3, 2)
    ws["A3"] = "制表日期：2024年1月"


def merged_township_codes(wb: Workbook) -> None:
    """The township code merged down its villages, as lists are laid out for print."""
    ws = wb["村居"]
    start = 2
    for r in range(3, ws.max_row + 2):
        if ws.cell(r, 1).value != ws.cell(start, 1).value:
            if r - 1 > start:
                for rr in range(start + 1, r):
                    ws.cell(rr, 1).value = None
                ws.merge_cells(f"A{start}:A{r - 1}")
            start = r


def two_row_header(wb: Workbook) -> None:
    """A group header over the workstation's columns; the others merged down both header rows."""
    ws = wb["乡镇"]
    ws.insert_rows(1)
    for column in ("A", "B", "C", "G"):
        ws[f"{column}1"] = ws[f"{column}2"].value
        ws[f"{column}2"] = None
        ws.merge_cells(f"{column}1:{column}2")
    ws["D1"] = "工作站"
    ws.merge_cells("D1:F1")


def columns_moved_and_headers_respaced(wb: Workbook) -> None:
    ws = wb["顾问"]
    ws.move_range("E1:E6", cols=5)  # 电话 to the far right, column E left empty
    ws["J1"] = " 电 话 "
    ws["F1"] = "身份证号(不公开)"  # half-width brackets


def full_width_digits_in_phones_and_codes(wb: Workbook) -> None:
    wb["顾问"]["E3"] = "１３９０５３５０００２"
    wb["顾问"]["E4"] = "０６３５－８４１０００１"
    wb["村居"]["B2"] = "３７１５０２００１００１"
    wb["乡镇"]["G2"] = "Ａ０００３，Ａ０００１，Ａ０００２"


def teams_listed_as_chinese_lists_are_written(wb: Workbook) -> None:
    """The header asks for commas; a list typed in Chinese has 、 or ； between its items."""
    wb["乡镇"]["G2"] = "A0003、A0001、A0002"
    wb["乡镇"]["G3"] = "A0004；A0002"


def padded_names(wb: Workbook) -> None:
    """Two-character names padded to line up with three-character ones; full-width spaces in hours."""
    wb["顾问"]["B4"] = "张　伟"
    wb["顾问"]["B5"] = "刘 洋"
    wb["顾问"]["B2"] = "　王建国　"
    wb["乡镇"]["F2"] = "周一至周五　9:00—17:00"


def hidden_sheets_rows_and_columns(wb: Workbook) -> None:
    wb["撤销村居"].sheet_state = "hidden"
    wb["撤销乡镇"].sheet_state = "veryHidden"
    for r in (3, 4, 5):  # a filter hides rows; they are data all the same
        wb["村居"].row_dimensions[r].hidden = True
    wb["顾问"].column_dimensions["F"].hidden = True


def header_again_and_blank_rows(wb: Workbook) -> None:
    """Two lists pasted one under the other: the second with its header, a blank row between."""
    ws = wb["村居"]
    ws.insert_rows(6, 2)
    for c in range(1, 6):
        ws.cell(7, c).value = ws.cell(1, c).value


def sheet_titles_with_spaces(wb: Workbook) -> None:
    wb["顾问"].title = "顾问 "
    wb["村居"].title = " 村居"


SAME: dict[str, Edit] = {
    "a title row above every sheet, merged across it": title_above_every_sheet,
    "two title rows, a date line and a blank row": two_titles_a_date_and_a_blank_row,
    "township codes merged down their villages": merged_township_codes,
    "a two-row header with merged cells": two_row_header,
    "columns moved, headers spaced and half-width": columns_moved_and_headers_respaced,
    "full-width digits in phones, codes and lists": full_width_digits_in_phones_and_codes,
    "names padded with spaces, full-width spaces": padded_names,
    "teams listed with Chinese commas and semicolons": teams_listed_as_chinese_lists_are_written,
    "hidden sheets, rows and columns": hidden_sheets_rows_and_columns,
    "the header again under the rows, blank rows": header_again_and_blank_rows,
    "sheet names with stray spaces": sheet_titles_with_spaces,
}


@pytest.mark.parametrize("case", sorted(SAME))
def test_the_same_roster_comes_back(tmp_path: Path, case: str) -> None:
    data, book = edited(tmp_path, SAME[case])
    before = tree(data)
    result = import_workbook(book, data)
    assert unchanged(result), [p.format() for p in result.problems] + result.written
    assert tree(data) == before


def test_a_merge_over_the_whole_sheet_costs_nothing(tmp_path: Path) -> None:
    """A careless drag merges a range down to row 1,048,576 (Excel stores only the range): it is
    spread over the rows the sheet has, not over a million."""
    data, book = small_book(tmp_path)
    out = tmp_path / "merged.xlsx"
    part = sheet_part(book, "村居")
    with zipfile.ZipFile(book) as z:
        xml = z.read(part).decode()
    note = '<c r="K2" t="inlineStr"><is><t>备注：2024年核对</t></is></c>'  # a note right of the list, no header
    xml = re.sub(r'(<row r="2"[^>]*>.*?)</row>', lambda m: m.group(1) + note + "</row>", xml, count=1)
    xml = xml.replace("</sheetData>", '</sheetData><mergeCells count="1"><mergeCell ref="K2:XFD1048576"/></mergeCells>')
    rewrite(book, out, {part: xml.encode()})
    before = tree(data)
    assert unchanged(import_workbook(out, data)) and tree(data) == before


# -- read correctly: the change that was meant ------------------------------------------------------------


def test_a_time_typed_in_the_hours_cell_is_the_time_as_typed(tmp_path: Path) -> None:
    def edit(wb: Workbook) -> None:
        wb["乡镇"]["F3"] = datetime.time(9, 0)  # Excel turns "9:00" into a time
        wb["乡镇"]["F3"].number_format = "h:mm"
        wb["县级单位"]["H2"] = datetime.time(8, 30)
        wb["县级单位"]["H2"].number_format = 'h"时"mm"分"'
    data, book = edited(tmp_path, edit)
    result = import_workbook(book, data)
    assert result.ok and result.problems == [], [p.format() for p in result.problems]
    town = yaml.safe_load(next(data.rglob("371502102*.yaml")).read_text(encoding="utf-8"))
    assert town["township"]["workstation"]["hours"] == "9:00"
    counties = yaml.safe_load((data / "counties.yaml").read_text(encoding="utf-8"))
    assert counties["counties"][0]["centre"]["hours"] == "8:30"


def test_numbers_typed_in_text_columns_are_the_text_excel_shows(tmp_path: Path) -> None:
    def edit(wb: Workbook) -> None:
        wb["村居"]["E4"] = 101  # a studio numbered 101
        wb["机构"]["F3"] = 12.5
    data, book = edited(tmp_path, edit)
    result = import_workbook(book, data)
    assert result.ok and result.problems == [], [p.format() for p in result.problems]
    town = yaml.safe_load(next(data.rglob("371502001*.yaml")).read_text(encoding="utf-8"))
    assert town["villages"][2]["studio"] == "101"
    orgs = yaml.safe_load((data / "organizations.yaml").read_text(encoding="utf-8"))
    assert orgs["organizations"][1]["address"] == "12.5"


def test_an_unknown_sheet_is_a_warning_and_left_out(tmp_path: Path) -> None:
    def edit(wb: Workbook) -> None:
        ws = wb.create_sheet("统计")
        ws.append(["乡镇", "村居数"])
        ws.append(["古楼街道", 3])
    data, book = edited(tmp_path, edit)
    result = import_workbook(book, data)
    assert result.ok and where(result) == [("统计", "bad-sheet")] and result.problems[0].level == "warning"
    assert "leaves out" in result.problems[0].message and result.written == []


# -- one problem at the cell ------------------------------------------------------------------------------


def retired_row(wb: Workbook, year: object, number_format: str = "General") -> None:
    ws = wb["撤销村居"]
    ws.append(["371502102099", "后董村委会", "371502102", None, "merged", "371502102001"])
    ws["D2"] = year
    ws["D2"].number_format = number_format


ONE_PROBLEM: dict[str, tuple[Edit, str, str, str]] = {
    "a date typed in 年份": (lambda wb: retired_row(wb, datetime.datetime(2021, 5, 1), "yyyy/m/d"),
                           "撤销村居!D2", "date-cell", "found the date 2021-05-01"),
    "a year typed in a date-formatted cell": (lambda wb: retired_row(wb, 2021, "yyyy/m/d"),
                                             "撤销村居!D2", "date-cell", "found the date 1905-07-13"),
    "a date typed where a phone belongs": (lambda wb: _set(wb, "顾问", "E3", datetime.datetime(2024, 3, 5)),
                                          "顾问!E3", "date-cell", "found the date 2024-03-05"),
    "a time typed where a phone belongs": (lambda wb: _set(wb, "顾问", "E3", datetime.time(13, 5)),
                                          "顾问!E3", "date-cell", "found the time 13:05"),
    "a phone typed as a number": (lambda wb: _set(wb, "顾问", "E3", 13905350002),
                                  "顾问!E3", "number-cell", "found the number 13905350002"),
    "a code typed as a number, as 3.7E+11": (lambda wb: _set(wb, "村居", "B3", 371502001002.0),
                                            "村居!B3", "number-cell", "found the number 371502001002"),
    "a township code typed as a number": (lambda wb: _set(wb, "村居", "A3", 371502001),
                                          "村居!A3", "number-cell", "found the number 371502001"),
    "a formula that failed": (lambda wb: _set(wb, "顾问", "B3", "#REF!"),
                              "顾问!B3", "wrong-type", "found the formula error #REF!"),
    "a formula saved without its result": (lambda wb: _set(wb, "村居", "C3", '=LEFT(C2,2)&"村"'),
                                           "村居!C3", "wrong-type", "a formula saved without its result"),
    "a line break typed in a name (Alt+Enter)": (lambda wb: _set(wb, "村居", "C3", "湖南社区\n居委会"),
                                                "村居!C3", "bad-text", "U+000A"),
    "a slash in a township's name": (lambda wb: _set(wb, "乡镇", "B3", "堂邑镇/梁水镇"),
                                     "乡镇!B3", "path-in-name", "remove the slash"),
    "an unknown township code for a village": (lambda wb: _set(wb, "村居", "A3", "371502999"),
                                               "村居!A3", "unknown-township", "found '371502999'"),
}


def _set(wb: Workbook, sheet: str, cell: str, value: object) -> None:
    wb[sheet][cell] = value
    wb[sheet][cell].number_format = "General" if not isinstance(value, (datetime.datetime, datetime.time)) else (
        "yyyy/m/d" if isinstance(value, datetime.datetime) else "h:mm")


@pytest.mark.parametrize("case", sorted(ONE_PROBLEM))
def test_one_problem_at_the_cell(tmp_path: Path, case: str) -> None:
    edit, cell, code, fragment = ONE_PROBLEM[case]
    data, book = edited(tmp_path, edit)
    before = tree(data)
    result = import_workbook(book, data)
    assert where(result) == [(cell, code)], [p.format() for p in result.problems]
    assert fragment in result.problems[0].message, result.problems[0].message
    assert not result.ok and tree(data) == before


def test_a_date_in_a_chinese_built_in_format_is_a_date(tmp_path: Path) -> None:
    """Chinese Excel keeps yyyy"年"m"月"d"日" as built-in format 31, which the file does not spell out."""
    data, book = edited(tmp_path, lambda wb: retired_row(wb, datetime.datetime(2021, 5, 1), 'yyyy"年"m"月"d"日"'))
    with zipfile.ZipFile(book) as z:
        styles = z.read("xl/styles.xml").decode()
    (custom,) = re.findall(r'<numFmt numFmtId="(\d+)" formatCode="yyyy&quot;年', styles)
    styles = re.sub(rf'<numFmt numFmtId="{custom}"[^>]*/>', "", styles).replace(f'numFmtId="{custom}"', 'numFmtId="31"')
    out = tmp_path / "cn.xlsx"
    rewrite(book, out, {"xl/styles.xml": styles.encode()})
    result = import_workbook(out, data)
    assert where(result) == [("撤销村居!D2", "date-cell")], [p.format() for p in result.problems]


# -- a missing or renamed sheet or column: first and alone ---------------------------------------------


def test_a_renamed_sheet_is_one_problem_not_thousands(tmp_path: Path) -> None:
    data, book = edited(tmp_path, lambda wb: setattr(wb["顾问"], "title", "顾问名单"))
    result = import_workbook(book, data)
    assert where(result) == [("顾问名单", "bad-sheet")], [p.format() for p in result.problems]
    assert "rename it 顾问" in result.problems[0].message


def test_a_missing_sheet_comes_first_and_alone(tmp_path: Path) -> None:
    def edit(wb: Workbook) -> None:
        del wb["机构"]  # every advisor names an organization of this sheet
        wb["村居"]["B3"] = "37150200100"  # a fault of a row: not reported until the sheet is back
    data, book = edited(tmp_path, edit)
    result = import_workbook(book, data)
    assert where(result) == [("机构", "bad-sheet")], [p.format() for p in result.problems]
    assert "expected a sheet named 机构" in result.problems[0].message


def test_two_sheets_of_one_name_are_one_problem(tmp_path: Path) -> None:
    def edit(wb: Workbook) -> None:
        copy = wb.copy_worksheet(wb["顾问"])
        copy.title = "顾问 "  # which of the two is the roster?
    data, book = edited(tmp_path, edit)
    result = import_workbook(book, data)
    assert where(result) == [("顾问 ", "bad-sheet")], [p.format() for p in result.problems]
    assert "'顾问'、'顾问 '" in result.problems[0].message


def test_no_header_row_is_one_problem(tmp_path: Path) -> None:
    def edit(wb: Workbook) -> None:
        ws = wb["顾问"]
        ws.delete_rows(1)
        title_rows(ws, "顾问名单")
    data, book = edited(tmp_path, edit)
    result = import_workbook(book, data)
    assert where(result) == [("顾问", "bad-sheet")], [p.format() for p in result.problems]
    assert "header row" in result.problems[0].message


def test_a_column_twice_is_one_problem(tmp_path: Path) -> None:
    def edit(wb: Workbook) -> None:
        wb["顾问"]["J1"] = "电话"
        wb["顾问"]["J2"] = "13900000000"
    data, book = edited(tmp_path, edit)
    result = import_workbook(book, data)
    assert where(result) == [("顾问!J1", "bad-sheet")], [p.format() for p in result.problems]


# -- the CLI: one line where a workbook cannot be read -------------------------------------------------


def test_an_old_xls_file_is_one_line(tmp_path: Path, cli: Callable[..., Ran]) -> None:
    data, _ = small_book(tmp_path)
    (tmp_path / "old.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)  # what Excel 97 and passwords write
    r = cli("import", str(tmp_path / "old.xlsx"), "--data", str(data))
    assert r.returncode == 1 and r.stdout == "" and r.stderr.count("\n") == 1, r.stderr
    assert ".xls" in r.stderr and "password" in r.stderr and r.stderr.rstrip().endswith("[bad-workbook]")


# -- the full sample, as the bureau would edit it ------------------------------------------------------


@pytest.mark.slow  # the full sample roster
def test_the_sample_with_titles_and_merged_townships_comes_back_byte_for_byte(sample_workbook: Path, tmp_path: Path) -> None:
    wb = load_workbook(sample_workbook)
    title_above_every_sheet(wb)
    ws = wb["村居"]
    start = 3  # below the title and the header
    for r in range(4, ws.max_row + 2):
        if ws.cell(r, 1).value != ws.cell(start, 1).value:
            for rr in range(start + 1, r):
                ws.cell(rr, 1).value = None
            if r - 1 > start:
                ws.merge_cells(f"A{start}:A{r - 1}")
            start = r
    book = tmp_path / "名册.xlsx"
    wb.save(book)
    data = copy_roster(tmp_path, SAMPLE)
    result = import_workbook(book, data)
    assert unchanged(result), [p.format() for p in result.problems[:5]]
    assert tree(data) == tree(SAMPLE)


@pytest.mark.slow  # the full sample roster
def test_the_sample_with_a_renamed_sheet_is_one_line_of_problems(sample_workbook: Path, tmp_path: Path) -> None:
    wb = load_workbook(sample_workbook)
    wb["顾问"].title = "Sheet1"
    book = tmp_path / "名册.xlsx"
    wb.save(book)
    data = copy_roster(tmp_path, SAMPLE)
    r = run_import(book, data)
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    assert len(lines) == 2 and lines[0].endswith(":Sheet1: error: expected a sheet named 顾问, found none; sheet 'Sheet1' "
                                                 "has its columns: rename it 顾问 [bad-sheet]"), r.stdout
    assert lines[1] == "1 error, 0 warnings"


@pytest.mark.slow  # the full sample roster
def test_the_sample_with_full_width_and_times_typed_reads_as_meant(sample_workbook: Path, tmp_path: Path) -> None:
    wb = load_workbook(sample_workbook)
    ws = wb["顾问"]
    for r in range(2, 300):  # typed with a Chinese input method in full-width mode
        ws.cell(r, 5).value = ws.cell(r, 5).value.translate({ord(d): 0xFF10 + int(d) for d in "0123456789"} | {ord("-"): 0xFF0D})
        ws.cell(r, 2).value = "　".join(ws.cell(r, 2).value) if len(ws.cell(r, 2).value) == 2 else ws.cell(r, 2).value
    book = tmp_path / "名册.xlsx"
    wb.save(book)
    data = copy_roster(tmp_path, SAMPLE)
    result = import_workbook(book, data)
    assert unchanged(result), [p.format() for p in result.problems[:5]]
