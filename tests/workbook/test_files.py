"""Import writes roster files only inside its roster folder (``--data``), named by codes, all or nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.helpers import ROOT
from tests.helpers.workbooks import one_line, run_import, small_book, tree

pytestmark = pytest.mark.slow  # each import runs as a process of its own, some in a mount namespace: the full suite's


def everything(root: Path) -> dict[str, bytes]:
    return tree(root)


@pytest.mark.parametrize(("sheet", "cell", "name"), [
    ("乡镇", "B2", "古楼街道/../../../../x"),
    ("乡镇", "B2", "古楼街道\\..\\x"),
    ("县级单位", "C2", "东昌府区/../../../y"),
    ("乡镇", "B3", "堂邑\n镇"),  # Alt+Enter in a cell: a line break
])
def test_a_name_with_a_path_is_a_problem_at_its_cell_and_writes_nothing(tmp_path: Path, sheet: str, cell: str,
                                                                         name: str) -> None:
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    data, book = small_book(work)
    wb = load_workbook(book)
    wb[sheet][cell] = name
    wb.save(book)
    before = everything(tmp_path)
    r = run_import(book, data)
    assert r.returncode == 1, r.stdout + r.stderr
    assert f"roster.xlsx:{sheet}!{cell}: error: " in r.stdout, r.stdout
    assert everything(tmp_path) == before  # nothing written, nothing removed, inside the folder or out


def test_file_names_come_from_codes_and_only_safe_names_follow_them(tmp_path: Path) -> None:
    data, book = small_book(tmp_path)
    wb = load_workbook(book)
    wb["乡镇"]["B2"] = "古楼街道:东*区?"  # legal text for a name, not for a file name on every system
    wb.save(book)
    r = run_import(book, data)
    assert r.returncode == 0, r.stdout + r.stderr
    unit = data / "regions" / "371502-东昌府区"
    assert sorted(p.name for p in unit.iterdir()) == ["371502001.yaml", "371502102-堂邑镇.yaml"]
    assert "name: 古楼街道:东*区?" in (unit / "371502001.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("link", ["regions", "regions/371502-东昌府区", "regions/371502-东昌府区/371502001-古楼街道.yaml",
                                  "advisors.yaml"])
def test_a_link_inside_the_output_is_never_written_through(tmp_path: Path, link: str) -> None:
    data, book = small_book(tmp_path / "w")
    outside = tmp_path / "outside"
    shutil.move(data / link, outside)
    (data / link).symlink_to(outside, target_is_directory=outside.is_dir())
    wb = load_workbook(book)
    wb["顾问"]["B2"] = wb["顾问"]["B2"].value + "甲"  # a change to advisors.yaml
    wb["乡镇"]["E2"] = "0635-8888888"  # and to 古楼街道's file
    wb.save(book)
    before = everything(tmp_path)
    r = run_import(book, data)
    line = one_line(r)
    assert r.returncode == 1 and "link" in line, line
    assert everything(tmp_path) == before


def test_an_output_that_is_a_file_is_one_line(tmp_path: Path) -> None:
    _, book = small_book(tmp_path)
    (tmp_path / "data.txt").write_text("not a folder", encoding="utf-8")
    r = run_import(book, tmp_path / "data.txt")
    line = one_line(r)
    assert r.returncode == 1 and "is a file, not a folder" in line, line


def test_a_read_only_output_folder_is_one_line_and_changes_nothing(tmp_path: Path) -> None:
    data, book = small_book(tmp_path)
    wb = load_workbook(book)
    wb["顾问"]["B2"] = wb["顾问"]["B2"].value + "甲"
    wb.save(book)
    r = in_a_mount(tmp_path, data, book, "ro")
    assert r.returncode == 1, r.stdout + r.stderr
    line = one_line(r, errors_only=True)  # after the change list
    assert "read-only" in line.lower() or "只读" in line, line
    assert (tmp_path / "verdict").read_text().strip() == "SAME"


@pytest.mark.parametrize("how", ["full", "one-page"])
def test_a_full_disk_is_one_line_and_leaves_the_roster_as_it_was(tmp_path: Path, how: str) -> None:
    data, book = small_book(tmp_path)
    wb = load_workbook(book)
    if how == "full":
        wb["顾问"]["B2"] = wb["顾问"]["B2"].value + "甲"
    else:  # a unit renamed: counties.yaml and two township files in a new folder; the old two go
        wb["县级单位"]["C2"] = "东昌府区新"
    wb.save(book)
    r = in_a_mount(tmp_path, data, book, how)
    assert r.returncode == 1, r.stdout + r.stderr
    line = one_line(r, errors_only=True)  # after the change list
    assert "space" in line.lower() or "空间" in line, line
    assert (tmp_path / "verdict").read_text().strip() == "SAME"


_IN_MOUNT = r"""
set -e
m="$1"; data="$2"; book="$3"; how="$4"; verdict="$5"
mount -t tmpfs -o size=2m tmpfs "$m"
cp -a "$data" "$m/data"
cp -a "$data" "$m/before"
if [ "$how" = ro ]; then mount -o remount,ro "$m"; fi
if [ "$how" = full ]; then dd if=/dev/zero of="$m/filler" bs=4k 2>/dev/null || true; fi
if [ "$how" = one-page ]; then  # room for one page: the first file written fits, the next does not
  avail=$(df -k --output=avail "$m" | tail -1)
  dd if=/dev/zero of="$m/filler" bs=1k count=$((avail - 4)) 2>/dev/null
fi
set +e
"$PYTHON" -m generator import "$book" --data "$m/data"
code=$?
if diff -r "$m/before" "$m/data" >/dev/null; then echo SAME > "$verdict"; else echo DIFFERENT > "$verdict"; fi
exit $code
"""


def in_a_mount(tmp: Path, data: Path, book: Path, how: str) -> subprocess.CompletedProcess[str]:
    """Import into a copy of ``data`` on a small tmpfs of its own, made read-only (``ro``),
    filled to the last byte (``full``) or to the last page (``one-page``): a real kernel's EROFS and ENOSPC, in a user and mount
    namespace (``unshare -Urm``), so no root and no change to the machine."""
    if shutil.which("unshare") is None or subprocess.run(["unshare", "-Urm", "true"], capture_output=True).returncode:
        pytest.skip("unshare -Urm (user namespaces) is not available on this machine")
    mount = tmp / "mnt"
    mount.mkdir()
    return subprocess.run(["unshare", "-Urm", "sh", "-c", _IN_MOUNT, "sh", str(mount), str(data), str(book), how,
                           str(tmp / "verdict")], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHON": sys.executable})
