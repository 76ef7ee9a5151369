"""What `import` shows before it writes: the change list of `diff`, `--dry-run`, and bulk changes
called out and written only with `--yes`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from generator.workbook.read import import_workbook
from generator.workbook.sheets import export_workbook
from tests.helpers import ROOT
from tests.helpers.roster_edit import SAMPLE, copy_roster
from tests.helpers.workbooks import run_import, small_book, tree

pytestmark = pytest.mark.slow  # each import runs as a process of its own, as staff run it: the full suite's


def house(tmp: Path) -> tuple[Path, Path]:
    """The small roster in the house style (as import writes it) and its workbook."""
    _, book = small_book(tmp / "hand")
    data = tmp / "data"
    assert import_workbook(book, data).ok
    return data, book


def test_import_prints_the_change_list_of_diff_before_it_writes(tmp_path: Path, chinese: None) -> None:
    data, book = house(tmp_path)
    wb = load_workbook(book)
    wb["顾问"]["E5"] = "15805359999"  # A0004 刘洋's phone
    wb["村居"]["D6"] = "A0002"  # 王庄村委会 of 堂邑镇 from A0004 to A0002
    wb["村居"]["C4"] = "王庄社区居委会"  # renamed
    wb.save(book)
    r = run_import(book, data)
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout
    assert out.index("名册变更：") < out.index("个文件")
    for line in ("~ [信息变更] 刘洋（A0004）：电话 15805350004 → 15805359999",
                 "> [改派] 刘洋（A0004） → 李秀英（A0002）：王庄村（堂邑镇）",
                 "~ [更名] 371502001003 王庄村委会 → 王庄社区居委会"):
        assert line in out, out
    assert "!!" not in out


def test_the_change_list_is_the_one_diff_prints(tmp_path: Path, chinese: None) -> None:
    data, book = house(tmp_path)
    wb = load_workbook(book)
    wb["顾问"]["B3"] = "李秀"
    wb["村居"].delete_rows(10)  # 窎桥社区居委会, gone without a retirement record
    wb.save(book)
    before = tmp_path / "before"
    subprocess.run(["cp", "-a", str(data), str(before)], check=True)
    r = run_import(book, data, cwd=tmp_path)
    d = subprocess.run([sys.executable, "-m", "generator", "diff", "before", "data"], capture_output=True, text=True,
                       cwd=tmp_path, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert d.returncode == 0, d.stderr
    body = d.stdout.split("\n", 1)[1]  # the heading names the two sides
    assert body in r.stdout and "离任" not in body and "不见了，也没有撤销记录" in body, r.stdout


def test_a_dry_run_shows_the_changes_and_writes_nothing(tmp_path: Path, chinese: None) -> None:
    data, book = house(tmp_path)
    wb = load_workbook(book)
    wb["顾问"]["E5"] = "15805359999"
    wb.save(book)
    before = tree(data)
    r = run_import(book, data, "--dry-run")
    assert r.returncode == 0 and "电话 15805350004 → 15805359999" in r.stdout
    assert r.stdout.rstrip().endswith(f"试运行：{data} 里一个文件也没写") and tree(data) == before


def test_into_an_empty_folder_the_roster_is_counted_not_listed(tmp_path: Path) -> None:
    _, book = small_book(tmp_path)
    r = run_import(book, tmp_path / "new")
    assert r.returncode == 0
    assert r.stdout.splitlines()[0] == f"{tmp_path / 'new'}: a new roster from {book}: 2 units, 3 townships, 9 villages, 5 advisors"


def test_names_moved_by_a_sort_are_called_out_and_need_yes(tmp_path: Path) -> None:
    data, book = house(tmp_path)
    wb = load_workbook(book)
    ws = wb["村居"]
    names = [ws.cell(r, 3).value for r in (2, 3, 4)]
    for r, name in zip((2, 3, 4), [*names[1:], names[0]]):  # the name column of 古楼街道 sorted on its own
        ws.cell(r, 3).value = name
    wb.save(book)
    before = tree(data)
    r = run_import(book, data)
    assert r.returncode == 1 and tree(data) == before
    assert "!! Many changes at once" in r.stdout and "what sorting one column on its own does" in r.stdout
    assert "--yes" in r.stderr and "nothing written" in r.stderr
    assert run_import(book, data, "--dry-run").returncode == 0 and tree(data) == before
    again = run_import(book, data, "--yes")
    assert again.returncode == 0 and "1 file written" in again.stdout


@pytest.mark.slow  # the full sample roster
def test_the_sample_with_one_column_sorted_and_rows_deleted(tmp_path: Path, chinese: None) -> None:
    book = tmp_path / "名册.xlsx"
    export_workbook(SAMPLE, book)
    wb = load_workbook(book)
    ws = wb["村居"]
    rows = [r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "371502102"]  # 堂邑镇
    names = sorted(ws.cell(r, 3).value for r in rows)  # the name column sorted, the others not
    for r, name in zip(rows, names):
        ws.cell(r, 3).value = name
    wb.save(book)
    data = copy_roster(tmp_path, SAMPLE)
    r = run_import(book, data)
    moved = sum(1 for line in r.stdout.splitlines() if line.startswith("~ [更名] 371502102"))
    assert r.returncode == 1 and moved >= 10, r.stdout[-2000:]
    assert f"有 {moved} 个村居现在用的是本乡镇另一个村居原来的名称" in r.stdout
    assert tree(data) == tree(SAMPLE)
