"""The statistics in Debian's Chromium: legible on a phone, bar labels readable, one printed A4 page.

At 360 and 414 px wide, on /stats/ and on a county and a township page of the small roster (and of
a copy with a gap and an advisor above the limit, so that warning bars show): no visible text under
16 px, every bar label at 4.5:1 or more against the pixels actually behind it, labels centred on
their bars and inside their rows, tables scrolling in their own box, axe clean. On the full sample:
the printed report is one A4 page whose figures are those of `python -m generator stats --format json`.
"""

from __future__ import annotations

import json
import re
import struct
import subprocess
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from generator.build.version import roster_version
from tests.helpers.browser import RequestLog, axe_violations, overflows, phone_context, serve
from tests.helpers.roster_edit import SAMPLE, SMALL, edit
from tests.helpers.sites import mkdocs_build, project

pytestmark = pytest.mark.slow

WIDTHS = (360, 414)
PAGES = ("stats/", "c/371502/", "t/371502001/")
LABELS = ".stats-bars__value, .stats-bars__label"


# -- pixels: a PNG reader (Chromium's screenshots: 8-bit RGB or RGBA, not interlaced) ------------


def png_pixels(data: bytes) -> tuple[int, int, list[tuple[int, int, int]]]:
    """Width, height and the RGB pixels (row by row) of a PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and interlace == 0, "unexpected PNG format"
    bpp = 4 if colour == 6 else 3
    raw, stride = zlib.decompress(idat), width * bpp
    rows: list[bytearray] = []
    prev = bytearray(stride)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    pixels = [(r[x * bpp], r[x * bpp + 1], r[x * bpp + 2]) for r in rows for x in range(width)]
    return width, height, pixels


def luminance(rgb: tuple[int, int, int]) -> float:
    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# -- what the page shows -------------------------------------------------------------------------

SMALL_TEXT = """() => {
  const small = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.textContent.trim()) continue;
    const e = n.parentElement, s = getComputedStyle(e);
    const range = document.createRange(); range.selectNodeContents(n);
    const r = range.getBoundingClientRect();
    // not shown: no box, off the page (Material's closed drawer), hidden, or clipped to a pixel (screen-reader text)
    if (r.width <= 2 || r.height <= 2 || r.right <= 0 || r.bottom + scrollY <= 0) continue;
    if (s.visibility !== 'visible' || e.closest('[hidden], [aria-hidden="true"]')) continue;
    let shown = true;
    for (let p = e; p; p = p.parentElement) {
      const ps = getComputedStyle(p);
      if (ps.display === 'none' || ps.opacity === '0' || ps.clip === 'rect(0px, 0px, 0px, 0px)'
          || (ps.overflow === 'hidden' && p.getBoundingClientRect().width <= 2)) { shown = false; break; }
    }
    if (shown && parseFloat(s.fontSize) < 16)
      small.push(`${parseFloat(s.fontSize)}px ${e.tagName}.${e.className}: ${n.textContent.trim().slice(0, 30)}`);
  }
  return small;
}"""

# Each label's text box (not its padding), its colour, and the box of the bar it belongs to.
LABEL_BOXES = """(selector) => [...document.querySelectorAll(selector)].map((e, i) => {
  const range = document.createRange(); range.selectNodeContents(e);
  const t = range.getBoundingClientRect(), row = e.closest('li').getBoundingClientRect();
  const fill = e.classList.contains('stats-bars__value') ? e.parentElement.querySelector('.stats-bars__fill') : null;
  const f = fill ? fill.getBoundingClientRect() : null;
  return {i, text: e.textContent, color: getComputedStyle(e).color, size: parseFloat(getComputedStyle(e).fontSize),
          x: t.left + scrollX, y: t.top + scrollY, w: t.width, h: t.height,
          inRow: row.left - 0.5 <= t.left && t.right <= row.right + 0.5,
          fill: f && f.width > 0 ? {y: f.top + scrollY, h: f.height} : null};
})"""


def rgba(css: str) -> tuple[int, int, int, float]:
    m = re.fullmatch(r"rgba?\((\d+), (\d+), (\d+)(?:, ([\d.]+))?\)", css)
    assert m, f"unexpected colour {css}"
    return int(m.group(1)), int(m.group(2)), int(m.group(3)), float(m.group(4) or 1)


def seen(colour: tuple[int, int, int, float], behind: tuple[int, int, int]) -> tuple[int, int, int]:
    """A colour with alpha as it shows over a background pixel."""
    *fg, alpha = colour
    return tuple(round(alpha * f + (1 - alpha) * b) for f, b in zip(fg, behind))  # type: ignore[return-value]


def label_contrasts(page: Page) -> list[tuple[float, str]]:
    """Each bar label's contrast against the pixels behind it, measured with the labels hidden."""
    boxes = page.evaluate(LABEL_BOXES, LABELS)
    assert boxes, "no bar labels on the page"
    page.add_style_tag(content=".stats-bars__value, .stats-bars__label { visibility: hidden !important; }"
                               # the sticky header would cover a chart's top rows in a full-page shot:
                               # what is behind a label is the page, not the header scrolled over it
                               " .md-header, .md-banner { position: static !important; }")
    found = []
    for chart in page.locator("ul.stats-bars").all():
        chart.scroll_into_view_if_needed()
        box = page.evaluate("(e) => { const r = e.getBoundingClientRect(); return {x: r.left + scrollX, y: r.top + scrollY,"
                            " w: r.width, h: r.height}; }", chart.element_handle())
        width, height, pixels = png_pixels(page.screenshot(full_page=True, scale="css", clip={
            "x": box["x"], "y": box["y"], "width": box["w"], "height": box["h"]}))
        for label in boxes:
            if not (box["y"] <= label["y"] and label["y"] + label["h"] <= box["y"] + box["h"] + 0.5):
                continue
            x0, y0 = round(label["x"] - box["x"]), round(label["y"] - box["y"])
            x1, y1 = min(width, int(label["x"] + label["w"] - box["x"])), min(height, int(label["y"] + label["h"] - box["y"]))
            behind = {pixels[y * width + x] for y in range(max(0, y0), y1) for x in range(max(0, x0), x1)}
            assert behind, f"no pixels behind {label['text']}"
            colour = rgba(label["color"])
            found.append((min(contrast(seen(colour, p), p) for p in behind), label["text"]))
    assert len(found) == len(boxes)
    return found


def check_page(page: Page, url: str) -> None:
    """Everything the issue asks of a statistics page at the current width."""
    page.goto(url)
    page.wait_for_load_state("networkidle")
    assert page.evaluate(SMALL_TEXT) == []
    assert axe_violations(page) == []
    assert not overflows(page)
    boxes = page.evaluate(LABEL_BOXES, LABELS)
    for label in boxes:
        # inside its row, on one line; a figure vertically centred on its bar
        assert label["inRow"] and label["h"] < 1.6 * label["size"], label
        if label["fill"]:
            assert abs((label["y"] + label["h"] / 2) - (label["fill"]["y"] + label["fill"]["h"] / 2)) <= 2, label
    scrolls = page.evaluate("""() => [...document.querySelectorAll('table')].map(t => {
        const box = t.closest('.stats-scroll');
        return box && box.getAttribute('role') === 'region' && box.tabIndex === 0 && !!box.getAttribute('aria-label')
               && getComputedStyle(box).overflowX === 'auto' && box.getBoundingClientRect().width <= innerWidth; })""")
    assert all(scrolls)  # a township page has no table
    low = [(round(c, 2), text) for c, text in label_contrasts(page) if c < 4.5]
    assert low == []


# -- sites ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def base_url(small_site: Path) -> Iterator[str]:
    with serve(small_site) as url:
        yield url


@pytest.fixture(scope="module")
def gappy_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The small roster with a gap (tolerated as a warning) and 赵敏 above a limit of 2 villages."""
    folder = project(tmp_path_factory.mktemp("gappy"), SMALL)
    edit(folder / "data", "programme.yaml", "max_villages_per_advisor: 3", "max_villages_per_advisor: 2\ncoverage_gap: warning")
    edit(folder / "data", "371502001-古楼街道.yaml", "name: 王庄村委会\n    advisor: A0002\n", "name: 王庄村委会\n    advisor:\n")
    r = mkdocs_build(folder)
    assert r.returncode == 0, r.stderr
    with serve(folder / "site") as url:
        yield url


@pytest.fixture
def narrow(browser: Browser) -> Iterator[Page]:
    context = phone_context(browser, viewport={"width": 360, "height": 800})
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGES)
def test_statistics_read_well_on_a_phone(path: str, width: int, base_url: str, browser: Browser) -> None:
    context = phone_context(browser, viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        log = RequestLog(page, block_foreign=base_url)
        check_page(page, f"{base_url}/{path}")
        assert log.foreign(base_url) == []
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", ("stats/", "c/371502/", "t/371502001/", "t/371502010/"))
def test_gaps_and_overloaded_advisors_read_well_too(path: str, width: int, gappy_url: str, browser: Browser) -> None:
    context = phone_context(browser, viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        check_page(page, f"{gappy_url}/{path}")
        if path in ("stats/", "c/371502/", "t/371502001/"):
            assert "空白 1 个" in page.inner_text("article")
            page.get_by_role("list", name="尚无顾问的村居").get_by_role("link", name="王庄村").click()
            page.wait_for_url(f"{gappy_url}/v/371502001003/")
        if path in ("stats/", "t/371502010/"):
            page.goto(f"{gappy_url}/{path}")
            page.get_by_role("list", name="超过上限的顾问").get_by_role("link", name="赵敏").click()
            page.wait_for_url(f"{gappy_url}/a/A0005/")
    finally:
        context.close()


def test_the_alert_bar_is_drawn_and_labelled(gappy_url: str, narrow: Page) -> None:
    narrow.goto(f"{gappy_url}/stats/")
    alert = narrow.locator(".stats-bars--load li.stats-alert")
    assert alert.count() == 1 and "超过 2 个" in alert.inner_text() and "1 名，超过上限" in alert.inner_text()
    assert narrow.locator(".stats-bars--coverage li.stats-alert").count() == 1  # 东昌府区, with its gap


def test_the_contrast_check_can_fail(base_url: str, narrow: Page) -> None:
    """The measurement is real: a figure moved onto its bar is reported."""
    narrow.goto(f"{base_url}/stats/")
    narrow.add_style_tag(content=".stats-bars__value { margin-left: -3.5em; }")
    assert any(c < 4.5 for c, _ in label_contrasts(narrow))


def test_tables_scroll_inside_their_box_not_the_page(base_url: str, narrow: Page) -> None:
    narrow.goto(f"{base_url}/stats/")
    box = narrow.get_by_role("region", name="各县级单位统计表")
    assert box.evaluate("(e) => e.scrollWidth > e.clientWidth")  # wider than a phone: it scrolls
    box.focus()
    narrow.keyboard.press("ArrowRight")
    # by keyboard too, being focusable (the scroll may be smooth: wait for it to move)
    narrow.wait_for_function("(e) => e.scrollLeft > 0", arg=box.element_handle())
    assert not overflows(narrow)


# -- the full sample: the printed report ---------------------------------------------------------


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = project(tmp_path_factory.mktemp("sample-stats"), SAMPLE)
    r = mkdocs_build(folder)
    assert r.returncode == 0, r.stderr
    with serve(folder / "site") as url:
        yield url, folder


def test_the_printed_report_is_one_a4_page_with_the_clis_figures(sample_site: tuple[str, Path], browser: Browser,
                                                                   tmp_path: Path) -> None:
    url, folder = sample_site
    page = browser.new_page()
    try:
        page.goto(f"{url}/stats/")
        page.wait_for_load_state("networkidle")
        pdf = tmp_path / "stats.pdf"
        page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    finally:
        page.close()
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE), info
    assert re.search(r"^Page size:\s+59[45](\.\d+)? x 84[12](\.\d+)? pts \(A4\)", info, re.MULTILINE), info
    layout = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = " ".join(" ".join(line.split()) for line in layout.splitlines())

    cli = subprocess.run([sys.executable, "-m", "generator", "stats", str(folder / "data"), "--format", "json"],
                         capture_output=True, text=True, check=True).stdout
    assert cli.encode("utf-8") == (folder / "site" / "data" / "stats.json").read_bytes()
    areas = json.loads(cli)["areas"]
    total = areas[0]
    version = roster_version(folder / "data")
    # pdftotext keeps the gaps between table cells but not always a thin one inside a phrase:
    # phrases are compared without spaces, table rows with them
    bare = re.sub(r"\s+", "", text)

    def phrase(words: str) -> bool:
        return re.sub(r"\s+", "", words) in bare

    assert phrase(f"数据截至 {version.date} · 名册版本 {version.ref}")
    roles = total["roles"]
    assert phrase(f"{total['advisors']} 名：律师 {roles['lawyer']} 名、法律服务工作者 {roles['legal-worker']} 名、"
                  f"司法所工作人员 {roles['judicial-officer']} 名")
    orgs, people = total["organizations_by_kind"], total["advisors_by_organization_kind"]
    assert phrase(f"律师事务所 {orgs['law-firm']} 家（{people['law-firm']} 名）、法律服务所 {orgs['legal-service-office']} 家"
                  f"（{people['legal-service-office']} 名）、司法所 {orgs['judicial-office']} 家（{people['judicial-office']} 名）")
    assert phrase(f"覆盖率 {total['coverage_percent']:g}%（全覆盖）")
    load = total["villages_per_advisor"]
    assert phrase(f"平均 {load['mean']:.1f} 个，最多 {load['max']} 个")
    for n, count in load["distribution"].items():
        if n.isdigit() and int(n) > 0:
            assert phrase(f"{n} 个村居 {count} 名"), n
    units = [a for a in areas if a["level"] == "county"]
    assert len(units) == 11
    for a in [*units, total]:  # each unit's row of the table, and the total's
        row = (f"{a['townships']} {a['villages']} {a['covered']} {a['gaps']} {a['coverage_percent']:g}% {a['advisors']} "
               f"{a['roles']['lawyer']} {a['roles']['legal-worker']} {a['roles']['judicial-officer']}")
        assert row in text, f"{a['name']}: {row}"
    assert "各乡镇（街道）" not in text  # the townships' tables stay on screen


def test_the_full_statistics_page_reads_well_at_360(sample_site: tuple[str, Path], narrow: Page) -> None:
    check_page(narrow, f"{sample_site[0]}/stats/")
