"""Service cards (便民服务卡): card content, A4 sheets of ten, and the choice of villages.

A card is 90 × 54 mm; a sheet puts ten on A4 (2 × 5) with cut marks drawn in the
page, because browsers do not print CSS ``marks``. The QR code (qr.py) encodes the
village page's permanent URL; PDFs are printed by pdf.py from the same HTML the site serves.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from .model import Advisor, County, Roster, Township, Village
from .qr import qr_svg
from .urls import village_url

CARD_MM = (90.0, 54.0)
A4_MM = (210.0, 297.0)
COLUMNS, ROWS = 2, 5
PER_SHEET = COLUMNS * ROWS
MARGIN_MM = ((A4_MM[0] - COLUMNS * CARD_MM[0]) / 2, (A4_MM[1] - ROWS * CARD_MM[1]) / 2)  # 15, 13.5
QR_MM = 27.0  # printed size including the quiet zone: a version-3 symbol is ≥ 20 mm wide


@dataclass(frozen=True)
class Card:
    """Everything printed on one village's card."""

    village: Village
    township: Township
    county: County | None
    advisor: Advisor | None
    url: str
    qr: Markup


def card_for(roster: Roster, village: Village) -> Card:
    township = roster.township[village.township]
    url = roster.programme.base_url + village_url(village.code)
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


def mirrored(index: int) -> int:
    """The slot behind slot ``index`` when the sheet is turned over its long edge."""
    row, col = divmod(index, COLUMNS)
    return row * COLUMNS + (COLUMNS - 1 - col)


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
