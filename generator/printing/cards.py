"""Service cards (便民服务卡): what a card says, where it sits on a sheet, who gets one.

The one owner of printing: card content, the sheet geometry, the choice of villages
(a township, a unit, everything, or a reprint list), the sheets' template context
and its rendering, for the site's ``/print/`` pages and for the print shop's
documents alike. A card is 90 × 54 mm; a sheet puts ten on A4 (2 × 5) with cut
marks drawn in the page, because browsers do not print CSS ``marks``.

Imports run one way: cards → pages (the Jinja environment), qr (the codes); pdf.py
turns the documents into a PDF and is called by the command line, not from here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from markupsafe import Markup

from generator.core.i18n import _
from generator.core.model import City, Programme, Roster, Township, Village
from generator.core.text import visible
from generator.core.urls import backs_url, print_url, township_url, village_url
from generator.site.pages import Assets, Site, environment

from .qr import qr_svg

# The sheet, stated once: print.html hands these to cards.css as CSS custom properties
CARD_MM = (90.0, 54.0)
PAPER = "A4"
A4_MM = (210.0, 297.0)
COLUMNS, ROWS = 2, 5
PER_SHEET = COLUMNS * ROWS
MARGIN_MM = ((A4_MM[0] - COLUMNS * CARD_MM[0]) / 2, (A4_MM[1] - ROWS * CARD_MM[1]) / 2)  # 15, 13.5
QR_MM = 27.0  # printed size including the quiet zone: a version-3 symbol is ≥ 20 mm wide
CUT_GAP_MM = 3.0  # cut marks stop short of the cards, so a slightly off cut leaves no line on them

SHEETS_PER_DOCUMENT = 40  # one Chromium run each: parts print two at a time, then are merged

Slot = tuple["Card | Back", tuple[float, float]]  # a card, or what a back says, and its top-left corner
SheetPage = tuple[str, list[Slot]]  # "front" or "back", and its slots


class CardContent(NamedTuple):
    """Everything printed on one village's card, as text: the print template reads nothing else.

    The one definition of "what a card says": printing renders it and ``diff --reprint``
    compares it between two rosters, so a change reaches the reprint list exactly when it
    reaches the card. The back of a card (the programme's name, city and hotlines) is in
    every card's content too.
    """

    code: str
    village: str  # the short name: 王庄村
    township: str
    county: str
    advisor: str  # "" when the village has none (the card then says: call the hotline)
    role: str
    phone: str
    workstation_phone: str
    city: str
    programme: str
    hotline: str
    local_hotline: str
    url: str  # printed as the QR code


def card_content(roster: Roster, village: Village) -> CardContent:
    """What ``village``'s card says, from the published roster."""
    township = roster.township[village.township]
    county = roster.county_of(township)
    advisor = roster.advisor.get(village.advisor or "")
    p = roster.programme_for(township.county)  # in a province, the city's name and local hotline
    return CardContent(
        code=village.code,
        village=village.short_name,
        township=township.name,
        county=county.name if county else "",
        advisor=advisor.name if advisor else "",
        role=advisor.role_name if advisor else "",
        phone=advisor.phone if advisor else "",
        workstation_phone=township.workstation.phone,
        city=p.city,
        programme=p.name,
        hotline=p.hotline,
        local_hotline=p.local_hotline,
        url=p.base_url + village_url(village.code),
    )


class Back(NamedTuple):
    """What the back of a card says: the programme as the card's city runs it (in a province, the
    city's name and local hotline), so the back behind each card is that card's city's."""

    city: str
    programme: str
    hotline: str
    local_hotline: str


def back_of(content: CardContent) -> Back:
    return Back(content.city, content.programme, content.hotline, content.local_hotline)


def programme_back(programme: Programme) -> Back:
    return Back(programme.city, programme.name, programme.hotline, programme.local_hotline)


@dataclass(frozen=True)
class Card:
    """One village's card: its content and the QR code drawn from it."""

    content: CardContent
    qr: Markup


def card_for(roster: Roster, village: Village) -> Card:
    c = card_content(roster, village)
    return Card(content=c, qr=qr_svg(c.url, f"二维码：{c.village}页面 {c.url}"))


# --- geometry ------------------------------------------------------------------------


def slot_mm(index: int) -> tuple[float, float]:
    """Top-left corner of card ``index`` (0–9) on its sheet, in mm: rows first."""
    row, col = divmod(index, COLUMNS)
    return MARGIN_MM[0] + col * CARD_MM[0], MARGIN_MM[1] + row * CARD_MM[1]


def mirrored(index: int) -> int:
    """The slot behind slot ``index`` when the sheet is turned over its long edge."""
    row, col = divmod(index, COLUMNS)
    return row * COLUMNS + (COLUMNS - 1 - col)


def cut_marks() -> list[tuple[float, float, float, float]]:
    """Cut-mark lines (x1, y1, x2, y2 in mm), in the margins, clear of the cards."""
    (mx, my), (w, h) = MARGIN_MM, A4_MM
    lines = []
    for col in range(COLUMNS + 1):
        x = mx + col * CARD_MM[0]
        lines += [(x, 0.0, x, my - CUT_GAP_MM), (x, h - my + CUT_GAP_MM, x, h)]
    for row in range(ROWS + 1):
        y = my + row * CARD_MM[1]
        lines += [(0.0, y, mx - CUT_GAP_MM, y), (w - mx + CUT_GAP_MM, y, w, y)]
    return lines


def _mm(value: float) -> str:
    return f"{value:g}mm"


def geometry() -> dict[str, object]:
    """The geometry as print.html needs it: @page sizes (which cannot use var()), custom properties, words."""
    return {
        "paper": PAPER,
        "per_sheet": PER_SHEET,
        "card_text": f"{CARD_MM[0]:g} × {CARD_MM[1]:g} mm",
        "sheet": f"{_mm(A4_MM[0])} {_mm(A4_MM[1])}",
        "card": f"{_mm(CARD_MM[0])} {_mm(CARD_MM[1])}",
        "viewbox": f"0 0 {A4_MM[0]:g} {A4_MM[1]:g}",  # the cut marks are drawn in mm
        "properties": "; ".join(f"{name}: {value}" for name, value in (
            ("--sheet-w", _mm(A4_MM[0])), ("--sheet-h", _mm(A4_MM[1])),
            ("--card-w", _mm(CARD_MM[0])), ("--card-h", _mm(CARD_MM[1])), ("--qr", _mm(QR_MM)),
        )),
    }


# --- selection -----------------------------------------------------------------------


class SelectionError(ValueError):
    """A township, unit or village the user asked for is not in the roster."""


def select_villages(
    roster: Roster,
    *,
    township: str | None = None,
    county: str | None = None,
    city: str | None = None,
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
    if city is not None:
        check_city(roster, city)
        return [v for c in roster.counties_of.get(city, []) for t in roster.townships_of.get(c.id, []) for v in t.villages]
    if all_villages:
        return roster.villages
    wanted = list(codes or [])
    unknown = [c for c in wanted if c not in roster.village]
    if unknown:
        raise SelectionError(f"no village with code {', '.join(unknown[:5])}{' …' if len(unknown) > 5 else ''}")
    return [roster.village[c] for c in wanted]


def check_city(roster: Roster, city: str) -> None:
    """Raise :class:`SelectionError` unless ``city`` is one of the roster's cities, naming them."""
    if city in roster.city:
        return
    if not roster.has_cities:
        raise SelectionError(f"no city with id '{city}': this roster has no cities (no cities.yaml); "
                             "select by --county instead")
    raise SelectionError(f"no city with id '{city}' (known: {', '.join(roster.city)})")


#: The largest reprint list read: a province's every village is 1 MB.
MAX_LIST_BYTES = 10 * 1024 * 1024


def read_village_list(path: Path) -> list[str]:
    """Village codes, one per line; blank lines and ``#`` comments are ignored.

    The file is named on the command line by whoever prints, so it is read where it is (a link too);
    it is bounded, and a line that is not a code is quoted only as far as a message needs."""
    with path.open("rb") as f:
        data = f.read(MAX_LIST_BYTES + 1)
    if len(data) > MAX_LIST_BYTES:
        raise SelectionError(_("{path}: expected a list of village codes of at most {mb} MB, found a larger "
                               "file").format(path=path, mb=MAX_LIST_BYTES // 2**20))
    codes = []
    for number, line in enumerate(data.decode("utf-8-sig", "replace").splitlines(), 1):
        code = line.split("#", 1)[0].strip()
        if not code:
            continue
        if not (len(code) == 12 and code.isascii() and code.isdigit()):
            shown = visible(code[:60]) + ("…" if len(code) > 60 else "")
            raise SelectionError(f"{path}:{number}: expected a 12-digit village code, found '{shown}'")
        codes.append(code)
    return codes


# --- sheets --------------------------------------------------------------------------


def sheets(cards: Sequence[Card]) -> list[list[Card]]:
    """Ten cards a sheet, in roster order."""
    return [list(cards[i : i + PER_SHEET]) for i in range(0, len(cards), PER_SHEET)]


def sheet_pages(groups: Sequence[Sequence[Card]], backs: bool = False) -> list[SheetPage]:
    """Sheets of ten cards, each group starting on a new sheet.

    With ``backs``, each sheet is followed by a sheet of card backs, mirrored left to
    right so that long-edge duplex printing puts each back behind its front.
    """
    pages: list[SheetPage] = []
    for sheet in (s for group in groups for s in sheets(group)):
        pages.append(("front", [(c, slot_mm(i)) for i, c in enumerate(sheet)]))
        if backs:
            pages.append(("back", [(back_of(c.content), slot_mm(mirrored(i))) for i, c in enumerate(sheet)]))
    return pages


def render_sheets(site: Site, pages: list[SheetPage], count: int, title: str, path: str = "", *,
                  inline_css: Markup | None = None, back_link: str | None = None, backs: str = "",
                  city_backs: Sequence[tuple[str, str]] = ()) -> tuple[str, str]:
    """``(path, html)`` of a print page: the sheets, with the toolbar unless the CSS is inline.

    ``backs`` is the sheet of backs the toolbar links to (the programme's unless a city's), and
    ``city_backs`` the cities' sheets, (name, path), that a province's own sheet of backs lists.
    """
    return site.render("print.html", path, title=title, pages=pages, count=count, marks=cut_marks(),
                       geometry=geometry(), inline_css=inline_css, back_link=back_link,
                       backs_link=backs or backs_url(), city_backs=city_backs)


def township_sheets(site: Site, township: Township) -> tuple[str, str]:
    """The township's sheets at /print/<township>/.

    One card alone is the same page opened at ``#v<village code>``: the stylesheet then
    shows and prints only that card, on a card-sized page.
    """
    items = [card_for(site.roster, v) for v in township.villages]
    city = site.roster.city_of(township.county)
    return render_sheets(site, sheet_pages([items]), len(items), township.name, print_url(township.code),
                         back_link=township_url(township.code), backs=backs_url(city.id if city else ""))


def backs_sheet(site: Site, city: City | None = None) -> tuple[str, str]:
    """/print/back/: one A4 sheet of ten card backs, to print on the reverse of any sheet; in a
    province, /print/back/<city>/ for each city, with its name and local hotline."""
    if city is None:
        back, title, path = programme_back(site.roster.programme), "背面（八项服务）", backs_url()
        others = [(c.name, backs_url(c.id)) for c in site.roster.cities] if len(site.roster.cities) > 1 else []
    else:
        back = programme_back(site.roster.programme_for_city(city.id))
        title, path, others = f"{city.name}背面（八项服务）", backs_url(city.id), []
    pages: list[SheetPage] = [("back", [(back, slot_mm(i)) for i in range(PER_SHEET)])]
    return render_sheets(site, pages, PER_SHEET, title, path, back_link="", backs=path, city_backs=others)


def backs_sheets(site: Site) -> Iterator[tuple[str, str]]:
    """Every sheet of backs the site has: the programme's and, in a province, each city's."""
    yield backs_sheet(site)
    for city in site.roster.cities:
        yield backs_sheet(site, city)


# --- documents for print shops -------------------------------------------------------


def batches(groups: Sequence[Sequence[Village]], sheets_per_document: int = SHEETS_PER_DOCUMENT,
            ) -> list[list[Sequence[Village]]]:
    """Groups packed into documents of at most ``sheets_per_document`` sheets, in order.

    A group that would overflow the current document starts the next one, so a
    township is not split across two PDF parts unless it alone is too long.
    """
    limit = sheets_per_document * PER_SHEET
    documents: list[list[Sequence[Village]]] = []
    used = 0
    for group in groups:
        for start in range(0, len(group), limit):
            part = group[start : start + limit]
            needed = -(-len(part) // PER_SHEET)
            if not documents or used + needed > sheets_per_document:
                documents.append([])
                used = 0
            documents[-1].append(part)
            used += needed
    return documents


def print_documents(roster: Roster, villages: Sequence[Village], overrides: Path, *, by_township: bool = True,
                    backs: bool = False, sheets_per_document: int = SHEETS_PER_DOCUMENT) -> list[tuple[str, str]]:
    """Standalone print HTML for ``villages``: ``(label, html)`` documents for :func:`pdf.write_pdf`.

    With ``by_township``, each township starts on a new sheet (staff hand out cards
    township by township); otherwise cards follow the given order (a reprint list).
    """
    site = Site(roster, environment(overrides / "data"), Assets(), "")
    # Our own stylesheet, no roster text in it: autoescaped, its quoted font names became &#34;…&#34;
    # and Chromium fell back to a default font. Only '</' could end the <style> element early.
    css = Markup((overrides / "assets" / "stylesheets" / "cards.css").read_text(encoding="utf-8").replace("</", "<\\/"))
    groups: list[list[Village]] = []
    for v in villages:
        if not groups or (by_township and groups[-1][-1].township != v.township):
            groups.append([])
        groups[-1].append(v)
    documents = []
    for batch in batches(groups, sheets_per_document):
        first, last = roster.township[batch[0][0].township].name, roster.township[batch[-1][-1].township].name
        count = sum(map(len, batch))
        label = f"{count} cards, {first}" + (f" – {last}" if by_township and last != first else "")
        pages = sheet_pages([[card_for(roster, v) for v in group] for group in batch], backs)
        documents.append((label, render_sheets(site, pages, count, "便民服务卡", inline_css=css)[1]))
    return documents
