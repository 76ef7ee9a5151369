"""Export: the workbook holds roster text as text, never as a formula."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from generator.workbook.read import import_workbook
from generator.workbook.sheets import export_workbook
from tests.helpers.roster_edit import copy_roster, edit
from tests.helpers.workbooks import tree

#: Text a spreadsheet would run as a formula or a DDE command if it were typed into a cell.
LIVE = ['=HYPERLINK("http://evil.example/","点我")', "+SUM(1,2)", "-2+3", "@SUM(A1)", "=cmd|' /C calc'!A0"]


def sheet_xml(book: Path) -> dict[str, str]:
    with zipfile.ZipFile(book) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/")}


def yaml_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n") + '"'


def test_text_that_looks_like_a_formula_is_exported_as_text_and_reads_back_unchanged(tmp_path: Path) -> None:
    data = copy_roster(tmp_path)
    township = "371502001-古楼街道.yaml"
    edit(data, township, "name: 古城社区居委会", f"name: {yaml_text(LIVE[0])}")
    edit(data, township, "studio: 古城社区党群服务中心", f"studio: {yaml_text(LIVE[1])}")
    edit(data, township, "studio: 湖南社区党群服务中心", f"studio: {yaml_text(LIVE[2])}")
    edit(data, township, "address: 古楼街道便民服务中心二楼", f"address: {yaml_text(LIVE[4])}")
    edit(data, "advisors.yaml", "name: 张伟", f"name: {yaml_text(LIVE[3])}")
    book = tmp_path / "roster.xlsx"
    export_workbook(data, book)
    for name, xml in sheet_xml(book).items():
        assert not re.search(r"<f[ >]", xml), name
    wb = load_workbook(book)
    found = {c.value: c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value[:1] in "=+-@"}
    assert set(LIVE) <= set(found), set(found)
    assert all(c.data_type == "s" for c in found.values())
    # into the house style first (the small roster is hand-written), then through Excel again: the same bytes
    first = import_workbook(book, tmp_path / "house")
    assert first.ok, [p.format() for p in first.problems]
    house = tree(tmp_path / "house")
    export_workbook(tmp_path / "house", tmp_path / "again.xlsx")
    again = import_workbook(tmp_path / "again.xlsx", tmp_path / "house")
    assert again.ok and again.written == [] and tree(tmp_path / "house") == house
    town = yaml.safe_load(next((tmp_path / "house" / "regions").rglob("371502001*.yaml")).read_text(encoding="utf-8"))
    assert [town["villages"][0]["name"], town["villages"][0]["studio"], town["villages"][1]["studio"]] == LIVE[:3]
    assert town["township"]["workstation"]["address"] == LIVE[4]
    assert yaml.safe_load((tmp_path / "house" / "advisors.yaml").read_text(encoding="utf-8"))["advisors"][2]["name"] == LIVE[3]


@pytest.mark.parametrize("text", [*LIVE, "\t=1+1", "\r=1+1", "=1+1\n"])
def test_no_cell_of_roster_text_is_a_formula(tmp_path: Path, text: str) -> None:
    data = copy_roster(tmp_path)
    edit(data, "371502001-古楼街道.yaml", "hours: ", f"hours: {yaml_text(text)}  # ")
    book = tmp_path / "roster.xlsx"
    export_workbook(data, book)  # export itself does not validate: the CLI refuses a roster with errors
    assert not any(re.search(r"<f[ >]", xml) for xml in sheet_xml(book).values())
    cell = next(c for row in load_workbook(book)["乡镇"].iter_rows() for c in row if c.value == text)
    assert cell.data_type == "s"
