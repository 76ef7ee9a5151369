"""Benchmark import's refusals of hostile workbooks: time and peak memory of each.

    python3 -m bench.workbook

Makes, from an export of the small roster, the workbooks issue 21 found (a zip bomb of about
1 MB that unpacks to 1 GB; the same bomb with a zip that declares 30 KB; a sheet of 200,000
rows) and a few of the same kind (a million cells, 1.2 million shared strings, an entity bomb),
imports each in a fresh process and prints its exit code, wall time and peak memory (the
process's own high-water mark, ``VmHWM``) against the budget: refused (exit 1) in at most 5 s of CPU (wall time
is printed too: this machine is shared) and 250 MB.
The import of the full sample is measured too, for scale. Timings belong here, never in tests.
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from generator.workbook.sheets import export_workbook
from tests.helpers.roster_edit import SAMPLE
from tests.helpers.workbooks import (
    declare_size,
    entity_bomb,
    measured,
    rewrite,
    rows_after,
    sheet_part,
    small_book,
    village_rows,
    wide_rows,
)

BUDGET_S, BUDGET_MB = 5.0, 250.0


def hostile(folder: Path) -> dict[str, Path]:
    _, book = small_book(folder)
    made: dict[str, Path] = {}

    def variant(name: str, parts: dict[str, bytes | Callable[[zipfile.ZipFile], Iterator[bytes]]], level: int = 6) -> Path:
        out = folder / f"{name}.xlsx"
        rewrite(book, out, parts, level)
        made[name] = out
        return out

    village = sheet_part(book, "村居")
    bomb = variant("zip bomb (1 GB unpacked)", {village: rows_after(book, "村居", wide_rows(64_000_000))}, level=9)
    lie = folder / "lie.xlsx"
    lie.write_bytes(bomb.read_bytes())
    declare_size(lie, village, 30_000)
    made["the same bomb, declaring 30 KB"] = lie
    variant("200,000 rows", {village: rows_after(book, "村居", village_rows(200_000))})
    variant("1,000,100 cells", {sheet_part(book, "顾问"): rows_after(book, "顾问", wide_rows(10_000, 101))})
    variant("entity bomb", {sheet_part(book, "顾问"): entity_bomb(book, "顾问")})
    return made


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        start = time.perf_counter()
        books = hostile(tmp / "made")
        print(f"made {len(books)} workbooks in {time.perf_counter() - start:.1f} s")
        sample = tmp / "sample.xlsx"
        export_workbook(SAMPLE, sample)
        print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; budget {BUDGET_S:.0f} s, "
              f"{BUDGET_MB:.0f} MB a refusal")
        print(f"{'workbook':32} {'size':>8}  exit  {'wall':>7}  {'CPU':>7}  {'peak':>7}")
        for name, book in [*books.items(), ("the full sample (accepted)", sample)]:
            code, out, err, peak, wall, cpu = run(book, tmp / "out")
            line = (err or out).strip().splitlines()[0][-90:] if (err or out).strip() else ""
            verdict = "ok" if code == 1 and cpu <= BUDGET_S and peak <= BUDGET_MB else "OVER BUDGET"
            print(f"{name:32} {book.stat().st_size / 1024:6.0f} KB  {code:4}  {wall:5.2f} s  {cpu:5.2f} s  {peak:4.0f} MB  "
                  f"{verdict if book is not sample else ''}\n    {line}")


def run(book: Path, out: Path) -> tuple[int, str, str, float, float, float]:
    """One import in a fresh process: its exit code, output, peak MB, wall and CPU seconds (the
    CPU of this process's children, of which it is the only one)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    code, stdout, err, peak = measured(book, out)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return code, stdout, err, peak, wall, cpu


if __name__ == "__main__":
    main()
