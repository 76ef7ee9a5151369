"""Service cards (便民服务卡): QR codes, A4 sheets of ten, and PDFs for print shops.

A card is 90 × 54 mm; a sheet puts ten on A4 (2 × 5) with cut marks drawn in the
page, because browsers do not print CSS ``marks``. The QR code encodes the village
page's permanent URL as an inline SVG path (no ids, so many can share a page).
PDFs are printed by headless Chromium from the same HTML the site serves.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

import qrcode
from qrcode.constants import ERROR_CORRECT_M

from .model import Advisor, County, Roster, Township, Village

log = logging.getLogger(__name__)

CARD_MM = (90.0, 54.0)
A4_MM = (210.0, 297.0)
COLUMNS, ROWS = 2, 5
PER_SHEET = COLUMNS * ROWS
MARGIN_MM = ((A4_MM[0] - COLUMNS * CARD_MM[0]) / 2, (A4_MM[1] - ROWS * CARD_MM[1]) / 2)  # 15, 13.5
QUIET_ZONE = 4  # modules of white around the code, as the standard asks
QR_MM = 26.0  # printed size including the quiet zone: a version-3 symbol is ≥ 20 mm wide


def qr_modules(text: str) -> list[list[bool]]:
    """The QR matrix of ``text`` (level M) with its quiet zone.

    The mask pattern is fixed: choosing the "best" of eight costs 4 ms a code in
    pure Python (27 s for the programme), and every mask is a valid code. Tests
    decode printed codes with zbar to prove they scan.
    """
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE, box_size=1, mask_pattern=0)
    qr.add_data(text)
    qr.make(fit=True)
    return qr.get_matrix()


def qr_svg(text: str, label: str) -> str:
    """An inline SVG of the code: one path of horizontal runs, sized by CSS, no ids."""
    rows = qr_modules(text)
    n = len(rows)
    parts = []
    for y, row in enumerate(rows):
        x = 0
        while x < n:
            if row[x]:
                start = x
                while x < n and row[x]:
                    x += 1
                parts.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return (
        f'<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {n} {n}" role="img" '
        f'aria-label="{label}" shape-rendering="crispEdges"><rect width="{n}" height="{n}" fill="#fff"/>'
        f'<path d="{"".join(parts)}" fill="#000"/></svg>'
    )


@dataclass(frozen=True)
class Card:
    """Everything printed on one village's card."""

    village: Village
    township: Township
    county: County | None
    advisor: Advisor | None
    url: str
    qr: str


def card_for(roster: Roster, village: Village) -> Card:
    township = roster.township[village.township]
    url = f"{roster.programme.base_url}v/{village.code}/"
    return Card(
        village=village,
        township=township,
        county=roster.county_of(township),
        advisor=roster.advisor.get(village.advisor or ""),
        url=url,
        qr=qr_svg(url, f"二维码：{village.short_name}页面 {url}"),
    )


def sheets(cards: Sequence[Card]) -> list[list[Card]]:
    """Ten cards a sheet, in roster order."""
    return [list(cards[i : i + PER_SHEET]) for i in range(0, len(cards), PER_SHEET)]


def slot_mm(index: int) -> tuple[float, float]:
    """Top-left corner of card ``index`` (0–9) on its sheet, in mm: rows first."""
    row, col = divmod(index, COLUMNS)
    return MARGIN_MM[0] + col * CARD_MM[0], MARGIN_MM[1] + row * CARD_MM[1]


def cut_marks() -> list[tuple[float, float, float, float]]:
    """Cut-mark lines (x1, y1, x2, y2 in mm), in the margins, 3 mm clear of the cards."""
    gap = 3.0
    (mx, my), (w, h) = MARGIN_MM, A4_MM
    lines = []
    for col in range(COLUMNS + 1):
        x = mx + col * CARD_MM[0]
        lines += [(x, 0.0, x, my - gap), (x, h - my + gap, x, h)]
    for row in range(ROWS + 1):
        y = my + row * CARD_MM[1]
        lines += [(0.0, y, mx - gap, y), (w - mx + gap, y, w, y)]
    return lines


# --- selection ----------------------------------------------------------------------


class SelectionError(ValueError):
    """A township, unit or village the user asked for is not in the roster."""


def select_villages(
    roster: Roster,
    *,
    township: str | None = None,
    county: str | None = None,
    all_villages: bool = False,
    codes: Iterable[str] | None = None,
) -> list[Village]:
    if township is not None:
        if township not in roster.township:
            raise SelectionError(f"no township with code '{township}' in the roster")
        return list(roster.township[township].villages)
    if county is not None:
        if county not in roster.county:
            raise SelectionError(f"no county-level unit with id '{county}' (known: {', '.join(roster.county)})")
        return [v for t in roster.townships_of.get(county, []) for v in t.villages]
    if all_villages:
        return roster.villages
    wanted = list(codes or [])
    unknown = [c for c in wanted if c not in roster.village]
    if unknown:
        raise SelectionError(f"no village with code {', '.join(unknown[:5])}{' …' if len(unknown) > 5 else ''}")
    return [roster.village[c] for c in wanted]


def read_village_list(path: Path) -> list[str]:
    """Village codes, one per line; blank lines and ``#`` comments are ignored."""
    codes = []
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        code = line.split("#", 1)[0].strip()
        if not code:
            continue
        if not (len(code) == 12 and code.isdigit()):
            raise SelectionError(f"{path}:{number}: expected a 12-digit village code, found '{code}'")
        codes.append(code)
    return codes


# --- PDF ---------------------------------------------------------------------------


def find_chromium() -> str:
    for name in (os.environ.get("CHROME_PATH"), "chromium", "chromium-browser", "google-chrome"):
        if name and (path := shutil.which(name)):
            return path
    raise FileNotFoundError("no Chromium found: install it (Debian: apt-get install chromium) or set CHROME_PATH")


CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--no-pdf-header-footer",
)


def print_pdf(html: Path, pdf: Path, chromium: str) -> None:
    """One HTML file to PDF with headless Chromium (A4 or card size from its @page rule)."""
    with tempfile.TemporaryDirectory() as profile:
        run = subprocess.run(
            [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf}", html.as_uri()],
            capture_output=True, text=True, timeout=600,
        )
    if run.returncode != 0 or not pdf.exists():
        raise RuntimeError(f"Chromium could not print {html.name}: {run.stderr.strip()[-500:]}")


def merge_pdfs(parts: Sequence[Path], out: Path) -> None:
    if len(parts) == 1:
        shutil.copyfile(parts[0], out)
        return
    run = subprocess.run(["pdfunite", *map(str, parts), str(out)], capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(f"pdfunite could not merge the parts: {run.stderr.strip()}")


def write_pdf(
    documents: Sequence[tuple[str, str]],
    out: Path,
    progress: Callable[[int, int, str], None] = lambda done, total, label: None,
    workers: int = 2,
) -> None:
    """Print ``(label, html)`` documents to one PDF at ``out``: in parts, two at a time, then merged."""
    chromium = find_chromium()
    if len(documents) > 1 and not shutil.which("pdfunite"):
        raise FileNotFoundError("no pdfunite found to merge the parts: install poppler-utils")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        jobs = []
        for i, (label, html) in enumerate(documents):
            src = root / f"part{i:04d}.html"
            src.write_text(html, encoding="utf-8")
            jobs.append((label, src, root / f"part{i:04d}.pdf"))
        done = 0

        def one(job: tuple[str, Path, Path]) -> str:
            print_pdf(job[1], job[2], chromium)
            return job[0]

        with ThreadPoolExecutor(max_workers=workers) as pool:
            for label in pool.map(one, jobs):
                done += 1
                progress(done, len(jobs), label)
        staged = out.with_name(f".{out.name}.partial")
        merge_pdfs([j[2] for j in jobs], staged)
        os.replace(staged, out)
