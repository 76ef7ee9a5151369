"""Workbooks as people and attackers make them: exported rosters edited with openpyxl, and zip
parts written by hand where openpyxl would not write them (a bomb, a zip that lies, broken XML).

``run_import`` runs ``python -m generator import`` in a fresh process, as staff do; ``measured``
runs it inside a small wrapper process that reports the import's peak memory (the high-water mark
of its own memory, ``VmHWM``: ``ru_maxrss`` would also count the test run's own, which Linux
carries over a fork and an exec).
"""

from __future__ import annotations

import json
import re
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from xml.etree import ElementTree

from generator.workbook.sheets import export_workbook
from tests.helpers import ROOT
from tests.helpers.roster_edit import SMALL, copy_roster


def small_book(tmp: Path, source: Path = SMALL) -> tuple[Path, Path]:
    """A copy of ``source`` at ``tmp/data`` and its export at ``tmp/roster.xlsx``."""
    data = copy_roster(tmp, source)
    book = tmp / "roster.xlsx"
    export_workbook(data, book)
    return data, book


def sheet_part(book: Path, title: str) -> str:
    """The zip member that holds the sheet ``title``."""
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    with zipfile.ZipFile(book) as z:
        workbook = ElementTree.fromstring(z.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    (rid,) = [s.get(rel) for s in workbook.iter(f"{main}sheet") if s.get("name") == title]
    (target,) = [r.get("Target", "") for r in rels if r.get("Id") == rid]
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def rewrite(book: Path, out: Path, parts: dict[str, bytes | Callable[[zipfile.ZipFile], Iterable[bytes]]],
            level: int = 6) -> None:
    """``book`` copied to ``out`` with some members replaced: by bytes, or by a function that
    yields the member's bytes in chunks (so a gigabyte member is never held in memory)."""
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as dst:
        for info in src.infolist():
            new = parts.get(info.filename)
            if new is None:
                dst.writestr(info, src.read(info))
            elif isinstance(new, bytes):
                dst.writestr(info.filename, new)
            else:
                with dst.open(info.filename, "w", force_zip64=False) as f:
                    for chunk in new(src):
                        f.write(chunk)


def rows_after(book: Path, title: str, rows: Iterable[bytes]) -> Callable[[zipfile.ZipFile], Iterator[bytes]]:
    """A member for :func:`rewrite`: the sheet ``title`` with ``rows`` (XML) after its own rows."""
    def parts(src: zipfile.ZipFile) -> Iterator[bytes]:
        head, tail = src.read(sheet_part(book, title)).split(b"</sheetData>", 1)
        yield head
        yield from rows
        yield b"</sheetData>" + tail
    return parts


def wide_rows(cells: int, rows: int = 1) -> Iterator[bytes]:
    """``rows`` rows from row 2000 on, of ``cells`` number cells each, without coordinates (as the
    format allows)."""
    for r in range(2000, 2000 + rows):
        yield b'<row r="%d">' % r
        for n in range(0, cells, 100_000):
            yield b"<c><v>1</v></c>" * min(100_000, cells - n)
        yield b"</row>"


def village_rows(n: int, first: int = 11) -> Iterator[bytes]:
    """``n`` rows of the sheet 村居 from row ``first`` on, as a pasted list would have them."""
    for r in range(first, first + n):
        yield (f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>371502001</t></is></c>'
               f'<c r="B{r}" t="inlineStr"><is><t>371502001{r % 1000:03d}</t></is></c>'
               f'<c r="C{r}" t="inlineStr"><is><t>第{r}村委会</t></is></c>'
               f'<c r="D{r}" t="inlineStr"><is><t>A0001</t></is></c></row>').encode()


def entity_bomb(book: Path, title: str) -> bytes:
    """The sheet ``title`` with a "billion laughs" of entities in its first header."""
    laughs = '<!ENTITY a0 "hahahahaha">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    with zipfile.ZipFile(book) as z:
        xml = z.read(sheet_part(book, title)).decode()
    xml = xml.replace("<worksheet", f"<!DOCTYPE worksheet [{laughs}]><worksheet", 1)
    return re.sub(r"<t>[^<]+</t>", "<t>&a9;</t>", xml, count=1).encode()


def declare_size(book: Path, member: str, size: int) -> None:
    """Make the zip say that ``member`` inflates to ``size`` bytes (in its central directory and
    local header), whatever it really holds: what a hand-made bomb does to pass a check of sizes."""
    with zipfile.ZipFile(book) as z:
        info = z.getinfo(member)
        start = z.start_dir  # type: ignore[attr-defined]
        names = [i.filename for i in z.infolist()]
    raw = bytearray(book.read_bytes())
    struct.pack_into("<I", raw, info.header_offset + 22, size)
    at = start
    for name in names:
        assert raw[at:at + 4] == b"PK\x01\x02"
        n, extra, comment = struct.unpack_from("<HHH", raw, at + 28)
        if name == member:
            struct.pack_into("<I", raw, at + 24, size)
        at += 46 + n + extra + comment
    book.write_bytes(bytes(raw))


def run_import(book: Path, out: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", "import", str(book), "--data", str(out), *args],
                          capture_output=True, text=True, cwd=cwd or ROOT)


_MEASURE = """
import json, re, resource, sys
from generator.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
sys.stdout.flush(); sys.stderr.flush()
try:  # this process's own peak: ru_maxrss would also count the parent's, copied at fork and kept by exec
    with open("/proc/self/status") as f:
        peak = int(re.search(r"VmHWM:\\s*(\\d+) kB", f.read()).group(1)) / 1024
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"code": code, "peak_mb": peak}), file=sys.stderr)
"""


def measured(book: Path, out: Path, *args: str) -> tuple[int, str, str, float]:
    """(exit code, stdout, stderr without the measure, peak MB) of one import in a process of its own."""
    r = subprocess.run([sys.executable, "-c", _MEASURE, "import", str(book), "--data", str(out), *args],
                       capture_output=True, text=True, cwd=ROOT)
    *lines, last = r.stderr.rstrip("\n").split("\n")
    figures = json.loads(last)
    return int(figures["code"]), r.stdout, "\n".join(lines), float(figures["peak_mb"])


def one_line(r: subprocess.CompletedProcess[str] | tuple[int, str, str, float], errors_only: bool = False) -> str:
    """The one line an import that refused printed (asserting it is one, and no traceback); with
    ``errors_only``, the one line of its standard error (after the change list it printed)."""
    out, err = (r.stdout, r.stderr) if isinstance(r, subprocess.CompletedProcess) else (r[1], r[2])
    lines = [line for line in (err if errors_only else out + err).splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err, out + err
    return lines[0]


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (links as their target's text), by relative path."""
    out: dict[str, bytes] = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if p.is_symlink():
            out[rel] = b"-> " + str(p.readlink()).encode()
        elif p.is_file():
            out[rel] = p.read_bytes()
    return out
