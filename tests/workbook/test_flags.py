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
from tests.helpers.roster_edit import SMALL


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    book = tmp_path_factory.mktemp("flags") / "roster.xlsx"
    export_workbook(SMALL, book)
    return book


@pytest.mark.parametrize(("typed", "meant"), [
    ("是", True), (" 是 ", True), ("否", False), ("TRUE", True), ("false", False), (True, True), (False, False),
])
def test_a_yes_no_cell_reads_as_what_it_says(typed: object, meant: bool, workbook: Path, tmp_path: Path) -> None:
    """The small roster's workbook with its 示例数据 cell typed over, imported: programme.yaml says what was
    meant, and so does the roster read from it (its site carries the sample-data banner or not)."""
    wb = load_workbook(workbook)
    ws = wb[PROGRAMME_SHEET]
    (row,) = [r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "sample"]
    ws.cell(row, 2).value = typed
    book = tmp_path / "typed.xlsx"
    wb.save(book)
    result = import_workbook(book, tmp_path / "data")
    assert result.ok, result.problems
    assert yaml.safe_load((tmp_path / "data" / "programme.yaml").read_text(encoding="utf-8"))["sample"] is meant
    if isinstance(typed, str) and typed.strip() in ("是", "否"):
        checked = read_roster(tmp_path / "data")
        assert checked.ok and checked.roster.programme.sample is meant
