"""The roster through Excel: export, edit cells as staff would, import."""

from __future__ import annotations

import filecmp
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from generator.cli import main
from generator.workbook.read import import_workbook
from generator.workbook.sheets import SHEETS, export_workbook
from tests.helpers.cli import Ran
from tests.helpers.roster_edit import SAMPLE, SMALL, copy_roster
from tests.helpers.two_cities import two_city_roster


def same_tree(a: Path, b: Path) -> list[str]:
    """Files that differ, or are in one tree only (by bytes)."""
    names = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    names |= {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    return sorted(n for n in names if not ((a / n).is_file() and (b / n).is_file() and filecmp.cmp(a / n, b / n, shallow=False)))


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
    assert lists["C2:C200000"] == '"lawyer,legal-worker,judicial-officer"'
    assert "县级单位" in {str(dv.sqref): dv.formula1 for dv in wb["乡镇"].data_validations.dataValidation}["C2:C200000"]
    # a province's workbook (77,299 villages, 24,249 advisors): every row gets its list, every advisor is offered
    (advisor,) = [dv for dv in ws.data_validations.dataValidation if "顾问" in dv.formula1]
    assert int(str(advisor.sqref).rsplit("D", 1)[1]) > 77_300 and int(advisor.formula1.rsplit("$", 1)[1]) > 24_250


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
    assert main(["import", "roster.xlsx", "--data", "data"]) == 1
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
    # the missing sheet first, then the renamed header, once, at its cell; no row repeats either
    found = [(p.file.split(":", 1)[1], p.code) for p in result.problems]
    assert found == [("机构", "bad-sheet"), ("顾问!E1", "bad-sheet")], found
    assert "'电话'" in result.problems[1].message and "'手机'" in result.problems[1].message
    assert not result.ok and result.written == []


def test_not_a_workbook_is_one_line(tmp_path: Path, cli: Callable[..., Ran]) -> None:
    (tmp_path / "x.xlsx").write_text("not a workbook", encoding="utf-8")
    r = cli("import", str(tmp_path / "x.xlsx"), "--data", str(tmp_path / "d"))
    assert r.returncode == 1 and "x.xlsx: error: " in r.stderr and r.stderr.count("\n") == 1 and r.stdout == ""
    assert not (tmp_path / "d").exists()


def test_export_refuses_a_roster_with_errors(tmp_path: Path) -> None:
    data = copy_roster(tmp_path)
    (data / "advisors.yaml").write_text("advisors: [\n", encoding="utf-8")
    assert main(["export", "--data", str(data), "-o", str(tmp_path / "r.xlsx")]) == 1
    assert not (tmp_path / "r.xlsx").exists()
    assert main(["export", "--data", str(SMALL), "-o", str(tmp_path / "r.xlsx")]) == 0


def yaml_tree(folder: Path) -> dict[str, object]:
    return {p.relative_to(folder).as_posix(): yaml.safe_load(p.read_text(encoding="utf-8"))
            for p in sorted(folder.rglob("*.yaml"))}


def test_a_province_round_trips_through_its_workbook(tmp_path: Path) -> None:
    source = two_city_roster(tmp_path / "source")
    book = tmp_path / "province.xlsx"
    export_workbook(source, book)
    wb = load_workbook(book)
    assert wb.sheetnames[:4] == ["说明", "项目", "城市", "县级单位"]
    assert [[c.value for c in row] for row in wb["城市"].iter_rows()] == [
        ["编号", "代码", "名称", "本地热线", "本市网址（本市单独建站时填写，印在二维码里）"],
        ["3715", "3715", "聊城市", "0635-12348", None], ["3716", "3716", "滨州市", "0543-12348", None]]
    assert wb["城市"]["D3"].data_type == "s" and wb["城市"]["D3"].number_format == "@"
    units = wb["县级单位"]
    assert units["E1"].value == "所属城市" and [units.cell(r, 5).value for r in range(2, units.max_row + 1)][-1] == "3716"
    assert "城市" in {str(dv.sqref): dv.formula1 for dv in units.data_validations.dataValidation}["E2:E200000"]
    # into the house style: the same roster, the hand-written fixture's key order aside
    first = import_workbook(book, tmp_path / "house" / "data")
    assert first.ok and first.problems == [], first.problems
    assert yaml_tree(tmp_path / "house" / "data") == yaml_tree(source)
    # and from there, export → import gives the same files byte for byte
    again = tmp_path / "again.xlsx"
    export_workbook(tmp_path / "house" / "data", again)
    second = import_workbook(again, tmp_path / "again" / "data")
    assert second.ok and same_tree(tmp_path / "house" / "data", tmp_path / "again" / "data") == []
    assert "city: '3716'" in (tmp_path / "again" / "data" / "counties.yaml").read_text(encoding="utf-8")
    over = import_workbook(again, tmp_path / "house" / "data")
    assert over.written == over.removed == [] and over.unchanged == 9


def test_one_citys_workbook_has_no_city_level(tmp_path: Path) -> None:
    data, book = small_workbook(tmp_path)
    wb = load_workbook(book)
    assert "城市" not in wb.sheetnames and "所属城市" not in [c.value for c in wb["县级单位"][1]]
    assert not any("城市" in str(row[0].value) for row in wb["说明"].iter_rows())
    # a province's workbook imported over it writes cities.yaml; one city's again removes it
    province = tmp_path / "p.xlsx"
    export_workbook(two_city_roster(tmp_path / "p"), province)
    assert import_workbook(province, data).ok and (data / "cities.yaml").is_file()
    back = import_workbook(book, data)
    assert back.ok and [Path(p).name for p in back.removed if p.endswith("cities.yaml")] == ["cities.yaml"]
    assert not (data / "cities.yaml").exists()


def test_errors_in_the_city_sheet_name_its_cells(tmp_path: Path) -> None:
    source = two_city_roster(tmp_path / "source")
    book = tmp_path / "province.xlsx"
    export_workbook(source, book)
    wb = load_workbook(book)
    wb["城市"]["B3"] = "37160"  # a digit too many
    wb["城市"]["D2"] = 635  # typed as a number
    wb["城市"]["D2"].number_format = "General"
    units = wb["县级单位"]
    last = units.max_row
    units.cell(last, 5).value = "3799"  # a city that is not in the sheet
    wb.save(book)
    result = import_workbook(book, tmp_path / "out")
    found = {(p.file.split(":", 1)[1], p.field, p.code) for p in result.problems}
    assert ("城市!B3", "代码", "bad-code") in found, found
    assert ("城市!D2", "本地热线", "number-cell") in found, found
    assert (f"县级单位!E{last}", "所属城市", "unknown-city") in found, found
    assert not result.ok and not (tmp_path / "out").exists()


def hyphenated(tmp_path: Path) -> Path:
    """The small roster with its development zone's id 'kaifaqu' spelt 'kai-fa-qu' (the id rule allows '-')."""
    root = copy_roster(tmp_path / "hyphen")
    for path in root.rglob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace("kaifaqu", "kai-fa-qu"), encoding="utf-8")
    (root / "regions" / "kaifaqu-聊城经济技术开发区").rename(root / "regions" / "kai-fa-qu-聊城经济技术开发区")
    return root


def test_unit_ids_with_a_hyphen_work_everywhere(tmp_path: Path) -> None:
    """Validation (its townships are not "misplaced"), the Excel round trip (import writes the folder
    '<id>-<name>'), the unit's page and its cards."""
    from generator.build.pipeline import read_roster
    from generator.printing.cards import select_villages
    from tests.helpers.sites import render_data_pages

    root = hyphenated(tmp_path)
    checked = read_roster(root)
    assert checked.problems == []
    export_workbook(root, tmp_path / "r.xlsx")
    result = import_workbook(tmp_path / "r.xlsx", tmp_path / "data")
    assert result.ok and result.problems == []
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.yaml"))
    assert sorted(p.relative_to(tmp_path / "data").as_posix() for p in (tmp_path / "data").rglob("*.yaml")) == files
    assert "regions/kai-fa-qu-聊城经济技术开发区/371502010-蒋官屯街道.yaml" in files  # the folder import writes
    assert read_roster(tmp_path / "data").problems == []
    out = render_data_pages(tmp_path / "data", tmp_path / "site")
    assert "蒋官屯街道" in (out / "c" / "kai-fa-qu" / "index.html").read_text(encoding="utf-8")
    assert [v.township for v in select_villages(checked.roster, county="kai-fa-qu")] == ["371502010"] * 3


def test_a_unit_s_folder_is_told_apart_from_a_longer_id_s(tmp_path: Path) -> None:
    """'kai' and 'kai-fa-qu' both units: a township of 'kai' filed under 'kai-fa-qu-…' is misplaced."""
    from generator.build.pipeline import read_roster

    root = hyphenated(tmp_path)
    with (root / "counties.yaml").open("a", encoding="utf-8") as f:
        f.write("  - id: kai\n    name: 开区\n    kind: zone\n    centre:\n      name: 开区中心\n      address: 开区一路\n"
                "      phone: '0635-8000001'\n      hours: 周一至周五\n")
    town = root / "regions" / "kai-fa-qu-聊城经济技术开发区" / "371502010-蒋官屯街道.yaml"
    town.write_text(town.read_text(encoding="utf-8").replace("county: kai-fa-qu", "county: kai"), encoding="utf-8")
    problems = [p for p in read_roster(root).problems if p.code == "misplaced-township"]
    assert [p.message for p in problems] == [
        "expected the file in a folder of unit 'kai', found it in the folder 'kai-fa-qu-聊城经济技术开发区'; move it there so staff find it"]
