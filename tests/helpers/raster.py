"""Reading printed PDFs as a print shop's output would be read: rasters, QR codes, text boxes.

Pure Python over poppler (pdftoppm, pdftotext, pdfinfo) and zbar (zbarimg): no imaging library.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

MM_PER_INCH = 25.4


@dataclass(frozen=True)
class Gray:
    """An 8-bit grayscale raster of one PDF page (0 black … 255 white)."""

    width: int
    height: int
    pixels: bytes
    dpi: int

    def px(self, mm: float) -> int:
        return round(mm * self.dpi / MM_PER_INCH)

    def mm(self, px: float) -> float:
        return px * MM_PER_INCH / self.dpi

    def at(self, x: int, y: int) -> int:
        return self.pixels[y * self.width + x]

    def row(self, y: int) -> bytes:
        return self.pixels[y * self.width : (y + 1) * self.width]

    def column(self, x: int) -> bytes:
        return self.pixels[x :: self.width]

    def crop_pgm(self, x: int, y: int, w: int, h: int, path: Path) -> Path:
        rows = b"".join(self.pixels[(y + j) * self.width + x : (y + j) * self.width + x + w] for j in range(h))
        path.write_bytes(b"P5\n%d %d\n255\n" % (w, h) + rows)
        return path


def rasterize(pdf: Path, page: int, dpi: int, out: Path) -> Gray:
    prefix = out / f"p{page}"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(prefix)],
                   check=True, capture_output=True)
    data = prefix.with_suffix(".pgm").read_bytes()
    m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    assert m, "not a PGM"
    w, h = int(m.group(1)), int(m.group(2))
    return Gray(w, h, data[m.end() : m.end() + w * h], dpi)


def dark_runs(line: bytes, threshold: int = 128) -> list[tuple[int, int]]:
    """(start, end) of runs of dark pixels along a row or column."""
    runs, start = [], None
    for i, v in enumerate(line):
        if v < threshold and start is None:
            start = i
        elif v >= threshold and start is not None:
            runs.append((start, i))
            start = None
    if start is not None:
        runs.append((start, len(line)))
    return runs


def decode_qr(image: Path) -> list[str]:
    """Every QR payload zbar finds in an image file, one per code."""
    r = subprocess.run(["zbarimg", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)], capture_output=True, text=True)
    return [line for line in r.stdout.splitlines() if line]


def page_info(pdf: Path) -> tuple[int, float, float]:
    """(pages, width pt, height pt) from pdfinfo."""
    out = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", out).group(1))  # type: ignore[union-attr]
    w, h = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", out).groups())  # type: ignore[union-attr]
    return pages, w, h


def text_in(pdf: Path, page: int, x_mm: float, y_mm: float, w_mm: float, h_mm: float) -> str:
    """The text pdftotext finds inside a rectangle of one page (mm from the top-left)."""
    pt = 72 / MM_PER_INCH
    r = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-r", "72",
         "-x", str(round(x_mm * pt)), "-y", str(round(y_mm * pt)), "-W", str(round(w_mm * pt)), "-H", str(round(h_mm * pt)),
         "-layout", str(pdf), "-"],
        check=True, capture_output=True, text=True,
    )
    return r.stdout
