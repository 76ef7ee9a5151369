"""A workbook is untrusted input: every size is bounded, before and while it is unpacked, and a
damaged or hostile one is refused in one line, in bounded time and memory.

Memory is the import's own peak (``VmHWM`` of a process that runs nothing else); an import of
the small roster peaks near 110 MB (the command line's modules), and before these bounds the bomb
below took 2.3 GB.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from tests.helpers.workbooks import (
    declare_size,
    entity_bomb,
    measured,
    one_line,
    rewrite,
    rows_after,
    run_import,
    sheet_part,
    small_book,
    tree,
    village_rows,
    wide_rows,
)

pytestmark = pytest.mark.slow  # hostile workbooks, each imported in a process of its own with its time and memory measured: the full suite's

MEMORY_MB = 250  # a refusal's peak (they take 110 to 175 MB); the bomb took 2.3 GB


@pytest.fixture
def bomb(tmp_path: Path) -> tuple[Path, Path]:
    """A workbook of 0.1 MB whose sheet 村居 unpacks to 80 MB: one row of five million cells."""
    data, book = small_book(tmp_path)
    out = tmp_path / "bomb.xlsx"
    rewrite(book, out, {sheet_part(book, "村居"): rows_after(book, "村居", wide_rows(5_000_000))}, level=9)
    assert out.stat().st_size < 200_000
    return data, out


def test_a_zip_bomb_is_refused_before_it_is_unpacked(bomb: tuple[Path, Path]) -> None:
    data, book = bomb
    before = tree(data)
    code, out, err, peak = measured(book, data)
    line = one_line((code, out, err, peak))
    assert code == 1 and re.match(r"\S*bomb\.xlsx:村居: error: .*\[too-large\]$", line), line
    assert peak < MEMORY_MB, peak
    assert tree(data) == before


def test_a_zip_that_lies_about_its_size_is_refused_while_it_is_unpacked(bomb: tuple[Path, Path]) -> None:
    data, book = bomb
    declare_size(book, sheet_part(book, "村居"), 30_000)  # passes any check of the declared sizes
    code, out, err, peak = measured(book, data)
    line = one_line((code, out, err, peak))
    assert code == 1 and re.match(r"\S*bomb\.xlsx:村居: error: .*30,000.*\[too-large\]$", line), line
    assert peak < MEMORY_MB, peak


def refused(tmp: Path, name: str, title: str, rows: Iterable[bytes]) -> tuple[str, float]:
    """The one line and the peak memory of importing the small roster's workbook with ``rows``
    added to its sheet ``title``, which must be refused."""
    data, book = small_book(tmp)
    out = tmp / name
    rewrite(book, out, {sheet_part(book, title): rows_after(book, title, rows)})
    code, stdout, err, peak = measured(out, data)
    assert code == 1, stdout + err
    return one_line((code, stdout, err, peak)), peak


def test_a_sheet_past_the_last_row_is_refused_at_that_row(tmp_path: Path) -> None:
    far = b'<row r="100001"><c r="A100001" t="inlineStr"><is><t>371502001</t></is></c></row>'
    line, _ = refused(tmp_path, "far.xlsx", "村居", [far])
    assert re.match(r"\S*far\.xlsx:村居!A100001: error: .*100,000 rows.*\[too-large\]$", line), line


def test_a_sheet_of_too_many_cells_is_refused_at_the_cell_past_the_limit(tmp_path: Path) -> None:
    line, peak = refused(tmp_path, "wide.xlsx", "顾问", wide_rows(10_000, rows=101))
    # the sheet's own cells (about 50) and 99 rows of 10,000: the cell past a million is in row 2099
    assert re.match(r"\S*wide\.xlsx:顾问![A-Z]+2099: error: .*1,000,000 cells.*\[too-large\]$", line), line
    assert peak < MEMORY_MB, peak


def test_a_cell_past_the_last_column_is_refused(tmp_path: Path) -> None:
    line, _ = refused(tmp_path, "xfd.xlsx", "顾问", wide_rows(16_385))
    assert re.match(r"\S*xfd\.xlsx:顾问: error: .*column XFD.*\[bad-workbook\]$", line), line


@pytest.mark.slow  # writes and reads 200,000 rows
def test_a_sheet_of_200000_rows_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    line, peak = refused(tmp_path, "long.xlsx", "村居", village_rows(200_000))
    assert re.match(r"\S*long\.xlsx:村居!A100001: error: .*\[too-large\]$", line), line
    assert peak < MEMORY_MB, peak


def test_too_many_shared_strings_are_refused(tmp_path: Path) -> None:
    data, book = small_book(tmp_path)
    out = tmp_path / "strings.xlsx"

    def strings(src: zipfile.ZipFile) -> Iterator[bytes]:
        yield b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        for i in range(0, 1_200_000, 10_000):
            yield b"".join(b"<si><t>%d</t></si>" % n for n in range(i, i + 10_000))
        yield b"</sst>"
    with zipfile.ZipFile(book) as z:
        types = z.read("[Content_Types].xml").replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType='
                                                     b'"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        rels = z.read("xl/_rels/workbook.xml.rels").replace(b"</Relationships>", b'<Relationship Type="http://schemas.openxmlformats.org/'
                                                            b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml" Id="rIdS"/></Relationships>')
    rewrite(book, out, {"[Content_Types].xml": types, "xl/_rels/workbook.xml.rels": rels})
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as z, z.open("xl/sharedStrings.xml", "w") as f:
        for chunk in strings(z):
            f.write(chunk)
    code, stdout, err, peak = measured(out, data)
    line = one_line((code, stdout, err, peak))
    assert re.match(r"\S*strings\.xlsx:xl/sharedStrings\.xml: error: .*\[too-large\]$", line), line
    assert peak < MEMORY_MB, peak


def test_broken_xml_in_a_sheet_is_one_line(tmp_path: Path) -> None:
    data, book = small_book(tmp_path)
    out = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(book) as z:
        xml = z.read(sheet_part(book, "顾问"))
    rewrite(book, out, {sheet_part(book, "顾问"): xml[: len(xml) // 2]})  # cut off mid-way, as a failed copy does
    before = tree(data)
    r = run_import(out, data)
    line = one_line(r)
    assert r.returncode == 1 and re.match(r"\S*broken\.xlsx:顾问: error: .*\[bad-workbook\]$", line), line
    assert tree(data) == before


def test_an_entity_bomb_is_refused_in_one_line(tmp_path: Path) -> None:
    data, book = small_book(tmp_path)
    out = tmp_path / "laughs.xlsx"
    rewrite(book, out, {sheet_part(book, "顾问"): entity_bomb(book, "顾问")})
    code, stdout, err, peak = measured(out, data)
    line = one_line((code, stdout, err, peak))
    assert code == 1 and re.match(r"\S*laughs\.xlsx:顾问: error: .*\[bad-workbook\]$", line), line
    assert peak < MEMORY_MB, peak


def test_not_a_zip_and_a_zip_without_a_workbook_are_one_line(tmp_path: Path) -> None:
    data, _ = small_book(tmp_path)
    (tmp_path / "text.xlsx").write_text("姓名,电话\n", encoding="utf-8")
    with zipfile.ZipFile(tmp_path / "empty.xlsx", "w") as z:
        z.writestr("hello.txt", "not a workbook")
    for name in ("text.xlsx", "empty.xlsx"):
        r = run_import(tmp_path / name, data)
        line = one_line(r)
        assert r.returncode == 1 and re.match(rf"\S*{name}: error: .*\[bad-workbook\]$", line), line
