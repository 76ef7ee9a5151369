"""Yes/no cells of the workbook (generator/workbook/read.py): what staff type in Excel reads as they meant it.

Staff type 是 or 否 in a yes/no column as often as TRUE or FALSE (the 项目 sheet's 示例数据 says
true/false, and Excel offers its own TRUE); each reads as the yes or no it says."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from generator.build.pipeline import read_roster
from generator.workbook.read import import_workbook
from generator.workbook.sheets import PROGRAMME_SHEET, export_workbook
from tests.helpers.roster_edit import copy_roster


def imported_sample_flag(tmp_path: Path, typed: object) -> object:
    """The small roster exported, its 示例数据 cell typed over with ``typed``, imported: the value
    programme.yaml then holds for ``sample`` (None when the import refused the workbook)."""
    data = copy_roster(tmp_path)
    book = tmp_path / "roster.xlsx"
    export_workbook(data, book)
    wb = load_workbook(book)
    ws = wb[PROGRAMME_SHEET]
    (row,) = [r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "sample"]
    ws.cell(row, 2).value = typed
    wb.save(book)
    out = tmp_path / "imported"
    result = import_workbook(book, out)
    if not result.ok:
        return None
    return yaml.safe_load((out / "programme.yaml").read_text(encoding="utf-8")).get("sample")


@pytest.mark.parametrize(("typed", "meant"), [
    ("是", True), (" 是 ", True), ("否", False), ("TRUE", True), ("false", False), (True, True), (False, False),
])
def test_a_yes_no_cell_reads_as_what_it_says(typed: object, meant: bool, tmp_path: Path) -> None:
    assert imported_sample_flag(tmp_path, typed) is meant


def test_a_sample_cell_typed_shi_marks_the_site_as_sample_data(tmp_path: Path) -> None:
    """The whole way: 是 in 示例数据 makes a roster whose site carries the sample-data banner."""
    assert imported_sample_flag(tmp_path, "否") is False
    assert read_roster(tmp_path / "imported").roster.programme.sample is False
    assert imported_sample_flag(tmp_path / "again", "是") is True
    checked = read_roster(tmp_path / "again" / "imported")
    assert checked.ok and checked.roster.programme.sample is True
