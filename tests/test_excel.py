"""The roster through Excel: export, edit cells as staff would, import."""

from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from generator.cli import main
from generator.excel import SHEETS, export_workbook, import_workbook
from roster_edit import SAMPLE, SMALL, copy_roster


def same_tree(a: Path, b: Path) -> list[str]:
    """Files that differ, or are in one tree only (by bytes)."""
    names = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    names |= {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    return sorted(n for n in names if not ((a / n).is_file() and (b / n).is_file() and filecmp.cmp(a / n, b / n, shallow=False)))


@pytest.fixture(scope="module")
def sample_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("xlsx") / "roster.xlsx"
    export_workbook(SAMPLE, out)
    return out


@pytest.mark.slow  # the full sample roster
def test_export_then_import_is_byte_identical(sample_workbook: Path, tmp_path: Path) -> None:
    result = import_workbook(sample_workbook, tmp_path / "data")
    assert result.ok and result.problems == []
    assert same_tree(SAMPLE, tmp_path / "data") == []
    again = import_workbook(sample_workbook, tmp_path / "data")  # over itself: nothing to do
    assert again.written == again.removed == [] and again.unchanged == 140


@pytest.mark.slow  # the full sample roster
def test_codes_and_phones_are_text_and_lists_are_offered(sample_workbook: Path) -> None:
    wb = load_workbook(sample_workbook)
    ws = wb["村居"]
    assert [c.value for c in ws[1]] == [c.header for c in SHEET_COLUMNS["村居"]]
    assert ws["B2"].value == "371502001001" and ws["B2"].data_type == "s" and ws["B2"].number_format == "@"
    assert wb["顾问"]["E2"].data_type == "s" and wb["顾问"]["E2"].number_format == "@"
    assert ws.max_row == 6363 + 1 and wb["顾问"].max_row == 1874 + 1
    lists = {str(dv.sqref): dv.formula1 for dv in wb["顾问"].data_validations.dataValidation}
    assert lists["C2:C20000"] == '"lawyer,legal-worker,judicial-officer"'
    assert "县级单位" in {str(dv.sqref): dv.formula1 for dv in wb["乡镇"].data_validations.dataValidation}["C2:C20000"]


SHEET_COLUMNS = {s.title: s.columns for s in SHEETS}


def small_workbook(tmp_path: Path) -> tuple[Path, Path]:
    data = copy_roster(tmp_path)
    book = tmp_path / "roster.xlsx"
    export_workbook(data, book)
    return data, book


def test_a_one_cell_change_is_a_one_line_change(tmp_path: Path) -> None:
    _, book = small_workbook(tmp_path)
    data = tmp_path / "house" / "data"
    first = import_workbook(book, data)  # the hand-written small roster, in the house style of the sample
    assert first.ok and len(first.written) == 7
    subprocess.run(["git", "init", "-q"], cwd=data.parent, check=True)
    subprocess.run(["git", "add", "."], cwd=data.parent, check=True)
    wb = load_workbook(book)
    ws = wb["顾问"]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "A0004")
    ws.cell(row, 5).value = "15805359999"
    wb.save(book)
    result = import_workbook(book, data)
    assert result.ok and [Path(p).name for p in result.written] == ["advisors.yaml"] and result.removed == []
    diff = subprocess.run(["git", "diff", "--numstat"], cwd=data.parent, capture_output=True, text=True, check=True).stdout
    assert diff.split() == ["1", "1", "data/advisors.yaml"]


def test_three_faulty_cells_give_three_cell_errors_and_write_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    data, book = small_workbook(tmp_path)
    before = tmp_path / "before"
    shutil.copytree(data, before)
    wb = load_workbook(book)
    villages, advisors = wb["村居"], wb["顾问"]
    villages["B3"] = "37150200100"  # a digit short
    villages["D4"] = "A00O1"  # a letter O for a zero
    advisors["E3"] = int(advisors["E3"].value)  # typed into a number-formatted cell
    advisors["E3"].number_format = "General"
    wb.save(book)
    monkeypatch.chdir(tmp_path)
    assert main(["import", "roster.xlsx", "-o", "data"]) == 1
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[-1] == "3 errors, 0 warnings", captured.out
    assert lines[0].startswith("roster.xlsx:村居!B3: error: 村居代码: expected a 12-digit village code") and lines[0].endswith("[bad-code]")
    assert lines[1].startswith("roster.xlsx:村居!D4: error: 顾问编号: expected an existing advisor id, found 'A00O1'")
    assert "(did you mean 'A0001'?)" in lines[1] and lines[1].endswith("[unknown-advisor]")
    assert lines[2].startswith("roster.xlsx:顾问!E3: error: 电话: expected text") and lines[2].endswith("[number-cell]")
    assert "nothing written" in captured.err
    assert same_tree(before, data) == []


def test_a_renamed_header_and_a_missing_sheet(tmp_path: Path) -> None:
    data, book = small_workbook(tmp_path)
    wb = load_workbook(book)
    wb["顾问"]["E1"] = "手机"
    del wb["机构"]
    wb.save(book)
    result = import_workbook(book, data)
    found = {(p.file.split(":", 1)[1], p.code) for p in result.problems}
    assert {("顾问!1", "bad-sheet"), ("顾问!E1", "bad-sheet"), ("机构", "bad-sheet")} <= found
    assert not result.ok and result.written == []


def test_not_a_workbook_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "x.xlsx").write_text("not a workbook", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "generator", "import", str(tmp_path / "x.xlsx"), "-o", str(tmp_path / "d")],
                       capture_output=True, text=True)
    assert r.returncode == 1 and r.stderr.startswith("error: ") and "Traceback" not in r.stderr
    assert not (tmp_path / "d").exists()


def test_export_refuses_a_roster_with_errors(tmp_path: Path) -> None:
    data = copy_roster(tmp_path)
    (data / "advisors.yaml").write_text("advisors: [\n", encoding="utf-8")
    assert main(["export", str(data), "-o", str(tmp_path / "r.xlsx")]) == 1
    assert not (tmp_path / "r.xlsx").exists()
    assert main(["export", str(SMALL), "-o", str(tmp_path / "r.xlsx")]) == 0
