"""便民服务卡: QR codes, print sheets and PDFs, checked by decoding what is printed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from generator.build.pipeline import read_roster
from generator.printing import cards, qr
from generator.printing.pdf import MissingTool, PrintFailed, find_chromium, print_pdf, write_pdf
from generator.site.pages import Assets, Site, environment
from tests.helpers.cli import Ran
from tests.helpers.raster import dark_runs, decode_qr, page_info, rasterize, text_in
from tests.helpers.roster_edit import SAMPLE, SMALL, copy_roster, edit

ROOT = SAMPLE.parent
PT_PER_MM = 72 / 25.4


def test_qr_has_quiet_zone_level_m_and_no_ids() -> None:
    url = "https://fw.lc.example/v/371502001001/"
    m = qr.qr_modules(url)
    n = len(m)
    assert n == 29 + 2 * qr.QUIET_ZONE  # version 3 for a 37-character URL
    for i in range(qr.QUIET_ZONE):
        assert not any(m[i]) and not any(m[-1 - i]) and not any(row[i] or row[-1 - i] for row in m)
    # the level is written in the symbol's format bits, read around the top-left finder
    # (ISO/IEC 18004 §7.9: bit 14 first; XOR 101010000010010; the top two bits: M is 00, L 01)
    q = qr.QUIET_ZONE
    at = [(8, c) for c in (0, 1, 2, 3, 4, 5, 7, 8)] + [(r, 8) for r in (7, 5, 4, 3, 2, 1, 0)]
    bits = int("".join("1" if m[q + r][q + c] else "0" for r, c in at), 2) ^ 0b101010000010010
    assert bits >> 13 == 0b00, "error correction level is not M"
    svg = qr.qr_svg(url, "二维码")
    assert " id=" not in svg and f'viewBox="0 0 {n} {n}"' in svg
    # the printed symbol, quiet zone excluded, is at least 20 mm wide
    assert cards.QR_MM * 29 / n >= 20


@pytest.mark.parametrize("url", [
    "https://fw.lc.example/v/371502001001/",
    "https://fw.lc.example/v/371526109228/",
    "https://a-much-longer-host-name.example.gov.cn/v/371502001001/",
    "https://example.org/" + "x" * 180,  # version 7 and up carry version bits too
    "https://example.org/" + "x" * 95,  # exactly version 7, the first that does
    "https://a.example/xxxxxx",  # 40.5 % dark: the balance rule must not round before comparing
])
def test_fast_mask_choice_matches_qrcode(url: str) -> None:
    """Our mask search gives exactly the symbol qrcode's own (slow) search gives."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    reference = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=qr.QUIET_ZONE, box_size=1)
    reference.add_data(url)
    reference.make(fit=True)
    assert qr.qr_modules(url) == reference.get_matrix()


HOSTILE = """王庄"><script>alert('x')</script>&amp;村"""


def test_qr_label_is_escaped() -> None:
    svg = qr.qr_svg("https://fw.lc.example/v/371502001003/", f"二维码：{HOSTILE}")
    assert "<script>" not in svg and "alert('x')" not in svg
    assert 'aria-label="二维码：王庄&#34;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;amp;村"' in svg
    assert str(svg).count("<") == 4  # <svg, <rect, <path, </svg: nothing from the label


def test_hostile_village_name_prints_as_text(tmp_path: Path) -> None:
    data = copy_roster(tmp_path)
    edit(data, "371502001-古楼街道.yaml", "name: 王庄村委会", "name: '" + HOSTILE.replace("'", "''") + "委会'")
    site = sheet_site(data)
    village = site.roster.village["371502001003"]
    assert village.short_name == HOSTILE
    sheet = cards.township_sheets(site, site.roster.township["371502001"])[1]
    document = cards.print_documents(site.roster, [village], ROOT / "overrides")[0][1]
    escaped = "王庄&#34;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;amp;村"
    for html in (sheet, document):
        assert "<script>" not in html and "alert('x')" not in html
        assert f'<h2 class="card-village">{escaped}</h2>' in html
        assert f'aria-label="二维码：{escaped}页面 https://fw.lc.example/v/371502001003/"' in html


def test_cut_marks_stay_in_the_margins() -> None:
    for x1, y1, x2, y2 in cards.cut_marks():
        for x, y in ((x1, y1), (x2, y2)):
            inside = cards.MARGIN_MM[0] < x < 210 - cards.MARGIN_MM[0] and cards.MARGIN_MM[1] < y < 297 - cards.MARGIN_MM[1]
            assert not inside


def test_cut_marks_line_up_with_every_card_edge() -> None:
    """Each column and row edge of the cards has a mark in both margins, from the paper's edge to
    3 mm short of the cards: 3 vertical edges and 6 horizontal ones on A4, 18 lines."""
    edges_x = [15.0 + 90.0 * i for i in range(3)]
    edges_y = [13.5 + 54.0 * i for i in range(6)]
    assert sorted(cards.cut_marks()) == sorted(
        [(x, 0.0, x, 10.5) for x in edges_x] + [(x, 286.5, x, 297.0) for x in edges_x]
        + [(0.0, y, 12.0, y) for y in edges_y] + [(198.0, y, 210.0, y) for y in edges_y])


def sheet_site(data: Path = SMALL) -> Site:
    """What the print sheets render with, without building a site."""
    return Site(read_roster(data).roster, environment(ROOT / "overrides" / "data"), Assets(), "")


def test_sheet_geometry_is_stated_once_in_python(monkeypatch: pytest.MonkeyPatch) -> None:
    css = (ROOT / "overrides" / "assets" / "stylesheets" / "cards.css").read_text(encoding="utf-8")
    rules = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    assert not re.findall(r"\b(?:90|54|210|297|27)(?:\.0+)?mm\b|@page|\bA4\b", rules)
    for name in ("--sheet-w", "--sheet-h", "--card-w", "--card-h", "--qr"):
        assert f"var({name})" in css
    site = sheet_site()
    html = cards.township_sheets(site, site.roster.township["371502001"])[1]
    assert "@page { size: 210mm 297mm; margin: 0; } @page card { size: 90mm 54mm; margin: 0; }" in html
    assert ":root { --sheet-w: 210mm; --sheet-h: 297mm; --card-w: 90mm; --card-h: 54mm; --qr: 27mm; }" in html
    assert 'viewBox="0 0 210 297"' in html
    # the CSS follows the Python numbers, wherever they go
    monkeypatch.setattr(cards, "CARD_MM", (85.0, 55.0))
    monkeypatch.setattr(cards, "QR_MM", 25.5)
    html = cards.township_sheets(site, site.roster.township["371502001"])[1]
    assert "@page card { size: 85mm 55mm;" in html and "--card-w: 85mm; --card-h: 55mm; --qr: 25.5mm" in html
    assert "只打印这一张（85 × 55 mm）" in html


def test_hotline_on_the_cards_comes_from_the_roster(tmp_path: Path) -> None:
    data = copy_roster(tmp_path)
    edit(data, "programme.yaml", "hotline: '12348'", "hotline: '96348'")
    edit(data, "programme.yaml", "local_hotline: '0635-12348'", "local_hotline: '0000-96348'")
    edit(data, "371502001-古楼街道.yaml", "advisor: A0002", "advisor: null")  # the card says: call the hotline
    site = sheet_site(data)
    sheet = cards.township_sheets(site, site.roster.township["371502001"])[1]
    backs = cards.backs_sheet(site)[1]
    assert "12348" not in sheet + backs
    assert "法律顾问：请拨打 96348" in sheet and "96348 · 0000-96348 免费法律咨询" in sheet
    assert "96348 公共法律服务热线 · 0000-96348" in backs


def test_print_shop_documents_inline_the_stylesheet_unescaped() -> None:
    """Escaped, the quoted font names became &#34;…&#34; and Chromium used its default font."""
    roster = read_roster(SMALL).roster
    documents = cards.print_documents(roster, roster.villages, ROOT / "overrides")
    assert [label for label, _ in documents] == ["9 cards, 古楼街道 – 堂邑镇"]
    css = (ROOT / "overrides" / "assets" / "stylesheets" / "cards.css").read_text(encoding="utf-8")
    html = documents[0][1]
    assert f"<style>{css}</style>" in html and 'font-family: "Noto Sans CJK SC"' in html and "&#34;" not in html


def test_selection_errors_name_what_is_missing(tmp_path: Path) -> None:
    roster = read_roster(SMALL).roster
    with pytest.raises(cards.SelectionError, match="371502999"):
        cards.select_villages(roster, township="371502999")
    with pytest.raises(cards.SelectionError, match="kaifaqu"):
        cards.select_villages(roster, county="nowhere")
    listing = tmp_path / "reprint.txt"
    listing.write_text("# reprint\n371502010002\n\n37150201000\n", encoding="utf-8")
    with pytest.raises(cards.SelectionError, match=r"reprint.txt:4: expected a 12-digit village code, found '37150201000'"):
        cards.read_village_list(listing)
    listing.write_text("\x1b]0;x\x07" + "Z" * 5000 + "\n", encoding="utf-8")  # a line quoted as far as a message needs
    with pytest.raises(cards.SelectionError) as found:
        cards.read_village_list(listing)
    said = str(found.value).removeprefix(str(listing))  # the message after the file's name, whatever its folder
    assert "\x1b" not in said and "\\u001b" in said and len(said) < 120
    listing.write_bytes(b"371502010002\n" * (cards.MAX_LIST_BYTES // 13 + 1))
    with pytest.raises(cards.SelectionError, match="at most 10 MB"):
        cards.read_village_list(listing)


def run_cards(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", "cards", *args], cwd=ROOT, capture_output=True, text=True,
                          env=env, check=False)


def test_cli_refuses_unknown_township(tmp_path: Path, cli: Callable[..., Ran]) -> None:
    r = cli("cards", "--data", str(SMALL), "--township", "371502999", "-o", str(tmp_path / "x.pdf"))
    assert r.returncode == 1 and "no township with code '371502999'" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "x.pdf").exists()


def no_chromium(tmp_path: Path) -> dict[str, str]:
    """An environment where CHROME_PATH names nothing and PATH has no Chromium."""
    empty = tmp_path / "empty-bin"
    empty.mkdir(exist_ok=True)
    return {**os.environ, "CHROME_PATH": str(tmp_path / "no-such-chromium"), "PATH": str(empty)}


def fake_chromium(tmp_path: Path, script: str) -> str:
    path = tmp_path / "fake-chromium"
    path.write_text("#!/bin/sh\n" + script + "\n", encoding="utf-8")
    path.chmod(0o755)
    return str(path)


def test_missing_chromium_is_a_typed_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in no_chromium(tmp_path).items():
        monkeypatch.setenv(name, value)
    with pytest.raises(MissingTool, match=r"CHROME_PATH=.*no-such-chromium is not a program"):
        find_chromium()
    out = tmp_path / "x.pdf"
    with pytest.raises(MissingTool):
        write_pdf([("1 card", "<p>x</p>")], out)
    assert not out.exists()


def test_cli_without_chromium_says_so_and_exits_1(tmp_path: Path, cli: Callable[..., Ran],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "x.pdf"
    for name, value in no_chromium(tmp_path).items():
        monkeypatch.setenv(name, value)
    r = cli("cards", "--data", str(SMALL), "--township", "371502001", "-o", str(out))
    assert r.returncode == 1, r.stderr
    assert "error: CHROME_PATH=" in r.stderr and "apt-get install chromium" in r.stderr
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr and not out.exists()


def test_failing_chromium_is_a_typed_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    html = tmp_path / "sheet.html"
    html.write_text("<p>x</p>", encoding="utf-8")
    crashing = fake_chromium(tmp_path, "echo 'renderer crashed' >&2; exit 7")
    with pytest.raises(PrintFailed, match=r"sheet.html \(exit 7\): renderer crashed"):
        print_pdf(html, tmp_path / "sheet.pdf", crashing)
    chatty = fake_chromium(tmp_path, "printf 'x%.0s' $(seq 600) >&2; printf END >&2; exit 7")
    with pytest.raises(PrintFailed) as failed:  # the end of what Chromium said, not pages of it
        print_pdf(html, tmp_path / "sheet.pdf", chatty)
    assert str(failed.value).endswith(": " + "x" * 497 + "END")
    silent = fake_chromium(tmp_path, "exit 0")  # succeeds but writes no PDF
    with pytest.raises(PrintFailed, match=r"could not print sheet\.html"):
        print_pdf(html, tmp_path / "sheet.pdf", silent)
    broken = tmp_path / "broken-chromium"  # found, but not a program this machine can run
    broken.write_bytes(b"\x7fELF not really")
    broken.chmod(0o755)
    with pytest.raises(PrintFailed, match=f"^Chromium could not print sheet.html: cannot run {broken}: Exec format error$"):
        print_pdf(html, tmp_path / "sheet.pdf", str(broken))
    monkeypatch.setattr("generator.printing.pdf.TIMEOUT_S", 0.3)
    hanging = fake_chromium(tmp_path, "exec sleep 20")
    with pytest.raises(PrintFailed, match=r"^Chromium could not print sheet.html: no result after 0.3 s$"):
        print_pdf(html, tmp_path / "sheet.pdf", hanging)
    monkeypatch.setenv("CHROME_PATH", crashing)
    out = tmp_path / "cards.pdf"
    with pytest.raises(PrintFailed):
        write_pdf([("1 card", "<p>x</p>")], out)
    assert not out.exists() and not list(tmp_path.glob(".cards.pdf*"))


def test_without_chromium_the_message_says_how_to_get_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHROME_PATH", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(MissingTool, match=r"^no Chromium found on PATH: install it \(Debian: apt-get install chromium\) "
                                          r"or set CHROME_PATH to its program$"):
        find_chromium()


def one_page_pdf(label: str) -> bytes:
    """A valid one-page PDF whose page says ``label`` (ASCII): what Chromium writes, in miniature."""
    content = f"BT /F1 12 Tf 20 20 Td ({label}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def recording_chromium(tmp_path: Path) -> str:
    """A stand-in for Chromium (the quick loop runs no browser; the slow tests print for real): it
    records its command line and prints a one-page PDF naming the HTML file it was given."""
    (tmp_path / "page.pdf").write_bytes(one_page_pdf("XXXXXXXX"))  # eight characters, like part0000
    script = (
        f'echo "$@" >> {tmp_path}/calls\n'
        'for a; do case $a in --print-to-pdf=*) out=${a#--print-to-pdf=};; file://*) name=$(basename "${a%%#*}");; esac; done\n'
        f'sed "s/XXXXXXXX/$(echo $name | cut -c1-8)/" {tmp_path}/page.pdf > "$out"'
    )
    return fake_chromium(tmp_path, script)


def test_documents_print_in_their_order_into_one_pdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHROME_PATH", recording_chromium(tmp_path))
    heard: list[tuple[int, int, str]] = []
    out = tmp_path / "cards.pdf"
    documents = [(f"{i + 1} cards", f"<p>{i}</p>") for i in range(3)]
    write_pdf(documents, out, progress=lambda done, total, label: heard.append((done, total, label)))
    assert heard == [(1, 3, "1 cards"), (2, 3, "2 cards"), (3, 3, "3 cards")]
    assert page_info(out)[0] == 3
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert re.findall(r"part\d+", text) == ["part0000", "part0001", "part0002"]  # merged in the documents' order
    calls = (tmp_path / "calls").read_text(encoding="utf-8").splitlines()
    assert len(calls) == 3 and all("--headless" in c and "--no-pdf-header-footer" in c for c in calls)
    assert not list(tmp_path.glob(".cards.pdf*"))
    one = tmp_path / "one.pdf"  # one document: no merging, the part itself
    write_pdf(documents[:1], one)
    assert page_info(one)[0] == 1


def test_one_card_prints_its_fragment_of_the_sheet(tmp_path: Path) -> None:
    html = tmp_path / "sheet.html"
    html.write_text("<p>x</p>", encoding="utf-8")
    chromium = recording_chromium(tmp_path)
    print_pdf(html, tmp_path / "card.pdf", chromium, fragment="v371502001001")
    print_pdf(html, tmp_path / "sheet.pdf", chromium)
    first, second = (tmp_path / "calls").read_text(encoding="utf-8").splitlines()
    assert first.endswith(f" {html.as_uri()}#v371502001001") and second.endswith(f" {html.as_uri()}")


def test_more_than_one_part_needs_pdfunite_and_one_does_not(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHROME_PATH", recording_chromium(tmp_path))
    bare = tmp_path / "bin"  # a PATH with a shell's tools and fontconfig's but no pdfunite
    bare.mkdir()
    for tool in ("sh", "sed", "cut", "basename", "fc-list"):
        (bare / tool).symlink_to(subprocess.run(["sh", "-c", f"command -v {tool}"], capture_output=True, text=True).stdout.strip())
    monkeypatch.setenv("PATH", str(bare))
    with pytest.raises(MissingTool, match=r"^no pdfunite found to merge the parts: install poppler-utils \(Debian: apt-get install poppler-utils\)$"):
        write_pdf([("a", "<p>a</p>"), ("b", "<p>b</p>")], tmp_path / "two.pdf")
    assert not (tmp_path / "calls").exists()  # refused before anything was printed
    write_pdf([("a", "<p>a</p>")], tmp_path / "one.pdf")
    assert (tmp_path / "one.pdf").read_bytes().startswith(b"%PDF")


def test_parts_pdfunite_cannot_merge_are_a_typed_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    garbling = fake_chromium(tmp_path, 'for a; do case $a in --print-to-pdf=*) echo broken > "${a#--print-to-pdf=}";; esac; done')
    monkeypatch.setenv("CHROME_PATH", garbling)
    out = tmp_path / "two.pdf"
    with pytest.raises(PrintFailed, match=r"^pdfunite could not merge the parts: \S"):
        write_pdf([("a", "<p>a</p>"), ("b", "<p>b</p>")], out)
    assert not out.exists() and not list(tmp_path.glob(".two.pdf*"))


def test_cli_refuses_an_output_folder_that_does_not_exist(tmp_path: Path, cli: Callable[..., Ran]) -> None:
    out = tmp_path / "missing" / "x.pdf"
    r = cli("cards", "--data", str(SMALL), "--township", "371502001", "-o", str(out))
    assert r.returncode == 1 and f"error: cannot write {out}: no folder" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr


@pytest.fixture(scope="module")
def township_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """道口铺街道: 31 villages → 4 A4 pages, the last with one card."""
    out = tmp_path_factory.mktemp("cards") / "daokoupu.pdf"
    r = run_cards("--township", "371502005", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "[1/1] 31 cards, 道口铺街道" in r.stderr
    roster = read_roster(SAMPLE).roster
    return out, [v.code for v in roster.township["371502005"].villages]


@pytest.mark.slow
def test_township_pdf_pages_are_a4(township_pdf: tuple[Path, list[str]]) -> None:
    pdf, codes = township_pdf
    pages, w, h = page_info(pdf)
    assert pages == -(-len(codes) // 10) == 4
    assert abs(w - 210 * PT_PER_MM) < 1.5 and abs(h - 297 * PT_PER_MM) < 1.5


@pytest.mark.slow
def test_every_qr_decodes_once_on_its_own_card(township_pdf: tuple[Path, list[str]], tmp_path: Path) -> None:
    pdf, codes = township_pdf
    roster = read_roster(SAMPLE).roster
    seen: list[str] = []
    for page in range(1, 5):
        image = rasterize(pdf, page, 150, tmp_path)
        on_page = codes[(page - 1) * 10 : page * 10]
        whole = decode_qr(tmp_path / f"p{page}.pgm")
        assert sorted(whole) == sorted(f"https://fw.lc.example/v/{c}/" for c in on_page)
        for slot, code in enumerate(on_page):
            x, y = cards.slot_mm(slot)
            crop = image.crop_pgm(image.px(x), image.px(y), image.px(90), image.px(54), tmp_path / f"c{page}-{slot}.pgm")
            payloads = decode_qr(crop)
            assert payloads == [f"https://fw.lc.example/v/{code}/"], (page, slot)
            printed = text_in(pdf, page, x, y, 90, 54)
            assert roster.village[code].short_name in printed and code in printed
            seen += payloads
    assert len(seen) == len(set(seen)) == len(codes)


@pytest.mark.slow
def test_card_geometry_measured_from_the_pdf(township_pdf: tuple[Path, list[str]], tmp_path: Path) -> None:
    pdf, _ = township_pdf
    image = rasterize(pdf, 1, 300, tmp_path)
    # vertical cut marks in the top margin, horizontal ones in the left margin
    xs = [(a + b) / 2 for a, b in dark_runs(image.row(image.px(5)))]
    ys = [(a + b) / 2 for a, b in dark_runs(image.column(image.px(5)))]
    assert len(xs) == 3 and len(ys) == 6
    widths = [image.mm(b - a) for a, b in zip(xs, xs[1:])]
    heights = [image.mm(b - a) for a, b in zip(ys, ys[1:])]
    assert all(abs(w - 90) <= 0.5 for w in widths), widths
    assert all(abs(h - 54) <= 0.5 for h in heights), heights
    assert abs(image.mm(xs[0]) - cards.MARGIN_MM[0]) <= 0.5 and abs(image.mm(ys[0]) - cards.MARGIN_MM[1]) <= 0.5
    # the QR symbol (dark modules only) of the first card is at least 20 mm wide: measured
    # through its top finder patterns, which are dark at both edges of the symbol
    x0, y0 = cards.slot_mm(0)
    module = cards.QR_MM / 37
    band = image.row(image.px(y0 + 4 + (qr.QUIET_ZONE + 0.5) * module))[image.px(x0 + 55) : image.px(x0 + 90)]
    runs = dark_runs(band)
    assert image.mm(runs[-1][1] - runs[0][0]) >= 20


@pytest.mark.slow
def test_single_card_prints_card_sized(small_site: Path, tmp_path: Path) -> None:
    """/print/<township>/#v<village> prints that card alone on one 90 × 54 mm page."""
    out = tmp_path / "one.pdf"
    print_pdf(small_site / "print" / "371502102" / "index.html", out, find_chromium(), fragment="v371502102003")
    pages, w, h = page_info(out)
    assert pages == 1
    assert abs(w / PT_PER_MM - 90) <= 0.5 and abs(h / PT_PER_MM - 54) <= 0.5, (w / PT_PER_MM, h / PT_PER_MM)
    image = rasterize(out, 1, 300, tmp_path)
    assert decode_qr(tmp_path / "p1.pgm") == ["https://fw.lc.example/v/371502102003/"]
    assert "堌堆村" in text_in(out, 1, 0, 0, 90, 54)
    assert image.width == image.px(90)


@pytest.mark.slow
def test_rare_characters_print_with_a_real_cjk_font(small_site: Path, browser: Browser) -> None:
    """堌 and 窎 must come from Noto CJK, not a fallback that prints boxes."""
    page = browser.new_page()
    page.emulate_media(media="print")
    cdp = page.context.new_cdp_session(page)
    checked = 0
    for township, code in (("371502102", "371502102003"), ("371502010", "371502010003")):
        target = small_site / "print" / township / "index.html"
        page.goto(target.as_uri())
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]  # enables the DOM agent
        cdp.send("CSS.enable")
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": f"#v{code} .card-village"})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        assert fonts and all("Noto Sans CJK" in f["familyName"] for f in fonts), fonts
        checked += 1
    page.close()
    assert checked == 2


@pytest.mark.slow
def test_all_cards_of_a_reprint_list_keep_its_order(tmp_path: Path) -> None:
    listing = tmp_path / "reprint.txt"
    codes = ["371502203236", "371502001001", "371502107253"]
    listing.write_text("\n".join(codes) + "\n", encoding="utf-8")
    out = tmp_path / "reprint.pdf"
    assert run_cards("--villages", str(listing), "-o", str(out)).returncode == 0
    image = rasterize(out, 1, 150, tmp_path)
    for slot, code in enumerate(codes):
        x, y = cards.slot_mm(slot)
        crop = image.crop_pgm(image.px(x), image.px(y), image.px(90), image.px(54), tmp_path / f"s{slot}.pgm")
        assert decode_qr(crop) == [f"https://fw.lc.example/v/{code}/"]


@pytest.mark.slow  # over a second; the full run keeps the quick loop under 30 s
def test_print_pages_in_the_site_have_unique_ids(tmp_path: Path) -> None:
    from tests.helpers.sites import mkdocs_build, project

    folder = project(tmp_path / "p", SMALL)
    assert mkdocs_build(folder).returncode == 0
    sheet = (folder / "site" / "print" / "371502001" / "index.html").read_text(encoding="utf-8")
    ids = re.findall(r'\sid="([^"]+)"', sheet)
    assert len(ids) == len(set(ids)) and sheet.count('class="card"') == 3
    assert sheet.count("<svg class=\"qr\"") == 3 and sheet.count('class="marks"') == 1
    assert 'href="../../print/back/"' in sheet  # the link to the backs, from urls.backs_url
    assert not (folder / "site" / "print" / "371502102003").exists()  # one card: the sheet at #v<code>
    township = (folder / "site" / "t" / "371502001" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../print/371502001/"' in township


@pytest.mark.slow
def test_backs_follow_each_sheet_mirrored_for_duplex(tmp_path: Path) -> None:
    out = tmp_path / "duplex.pdf"
    r = run_cards("--township", "371502004", "--back", "-o", str(out))  # 湖西街道: 7 villages
    assert r.returncode == 0, r.stderr
    assert page_info(out)[0] == 2
    x, y = cards.slot_mm(6)  # the seventh card: row 4, left …
    assert "找律师" not in text_in(out, 2, x, y, 90, 54)
    mx, my = cards.slot_mm(cards.mirrored(6))  # … has its back at row 4, right
    assert "找律师" in text_in(out, 2, mx, my, 90, 54) and "12348" in text_in(out, 2, mx, my, 90, 54)


def test_site_has_a_sheet_of_backs(small_site: Path) -> None:
    html = (small_site / "print" / "back" / "index.html").read_text(encoding="utf-8")
    assert html.count('class="card card-back"') == 10 and "要调解" in html


def test_cards_are_printed_for_exactly_the_villages_asked_for(tmp_path: Path) -> None:
    from tests.helpers.two_cities import two_city_roster

    roster = read_roster(two_city_roster(tmp_path)).roster

    def codes(selection: object) -> list[str]:
        return [v.code for v in cards.select_villages(roster, **selection)]  # type: ignore[arg-type]

    assert codes({"township": "371502010"}) == ["371502010001", "371502010002", "371502010003"]
    assert codes({"county": "kaifaqu"}) == ["371502010001", "371502010002", "371502010003"]
    assert codes({"city": "3716"}) == ["371602001001", "371602001002"]
    assert codes({}) == []  # nothing asked for, nothing printed
    assert codes({"all_villages": True}) == [v.code for v in roster.villages]
    assert codes({"codes": ["371602001002", "371502010001"]}) == ["371602001002", "371502010001"]  # the list's order
    with pytest.raises(cards.SelectionError, match=r"^no county-level unit with id 'nowhere'; use one of: 371502, kaifaqu, 371602$"):
        cards.select_villages(roster, county="nowhere")
    five = [f"37159900000{i}" for i in range(1, 6)]
    with pytest.raises(cards.SelectionError, match=f"^no villages with codes {', '.join(five)} in the roster; correct or remove them from the list$"):
        cards.select_villages(roster, codes=five)
    with pytest.raises(cards.SelectionError, match=f"^no villages with codes {', '.join(five)} … in the roster"):  # five named, then …
        cards.select_villages(roster, codes=["371502010001", *five, "371599000006"])


def test_a_reprint_list_saved_by_notepad_reads_as_written(tmp_path: Path) -> None:
    listing = tmp_path / "reprint.txt"
    listing.write_bytes("371502010002  # 窎桥社区 # 电话变了\r\n\r\n371502001003\r\n".encode("utf-8-sig"))  # BOM, CRLF
    assert cards.read_village_list(listing) == ["371502010002", "371502001003"]


def test_each_back_lies_behind_its_front_and_is_its_citys(tmp_path: Path) -> None:
    """Turned over the long edge, a sheet's back shows slot i's back where slot i's front is; the back
    says the card's city, programme and both hotlines (in a province, each city's own)."""
    from tests.helpers.two_cities import two_city_roster

    roster = read_roster(two_city_roster(tmp_path)).roster
    villages = [roster.village["371502010001"], roster.village["371602001001"], roster.village["371602001002"]]
    made = [cards.card_for(roster, v) for v in villages]
    (front, fronts), (back, backs) = cards.sheet_pages([made], backs=True)
    assert (front, back) == ("front", "back") and len(fronts) == len(backs) == 3
    for (card, (x, y)), (what, (bx, by)) in zip(fronts, backs):
        assert (bx, by) == (cards.A4_MM[0] - x - cards.CARD_MM[0], y)  # the mirror image across the long edge
        c = card.content
        assert what == cards.Back(c.city, c.programme, c.hotline, c.local_hotline) and what.hotline and what.local_hotline
    assert [b.city for b, _ in backs] == ["聊城市", "滨州市", "滨州市"] and backs[0][0] != backs[1][0]
    for i in range(cards.PER_SHEET):  # every slot of a full sheet, and no two backs in one place
        x, y = cards.slot_mm(i)
        assert cards.slot_mm(cards.mirrored(i)) == (cards.A4_MM[0] - x - cards.CARD_MM[0], y)
    assert sorted(map(cards.mirrored, range(cards.PER_SHEET))) == list(range(cards.PER_SHEET))
    assert [page for page, _ in cards.sheet_pages([made, made])] == ["front", "front"]  # no backs unless asked


def test_documents_hold_whole_townships_up_to_their_sheet_limit() -> None:
    """A group (a township) that would overflow a document starts the next; one longer than a
    document is cut at the limit; a document never has more sheets than allowed, and nothing is lost."""
    ten = cards.PER_SHEET

    def sizes(groups: list[int], limit: int) -> list[list[int]]:
        docs = cards.batches([list(range(n)) for n in groups], limit)
        assert [x for doc in docs for part in doc for x in part] == [x for n in groups for x in range(n)]
        assert all(sum(-(-len(part) // ten) for part in doc) <= limit for doc in docs)
        return [[len(part) for part in doc] for doc in docs]

    assert sizes([31, 7, 25], 4) == [[31], [7, 25]]  # 4 + 1 sheets > 4: 湖西 starts the second document
    assert sizes([31, 9], 5) == [[31, 9]]  # 4 + 1 sheets: exactly full
    assert sizes([1, 1, 1], 2) == [[1, 1], [1]]  # each township on its own sheet
    assert sizes([95], 4) == [[40], [40], [15]]  # alone too long: cut at 40 cards
    assert sizes([20, 95], 4) == [[20], [40], [40], [15]]
    assert sizes([], 4) == []
    assert [len(sheet) for sheet in cards.sheets(list(range(23)))] == [10, 10, 3]  # ten a sheet, in order
    assert [x for sheet in cards.sheets(list(range(23))) for x in sheet] == list(range(23))


def test_print_shop_documents_split_by_township_and_keep_a_reprint_lists_order() -> None:
    """By township, each township starts a sheet and the label names the first and last; a reprint
    list (not by township) is one run of cards in its order, labelled by its first township. No backs
    unless asked; the title is the print shop's; each card carries the code of its own URL."""
    roster = read_roster(SMALL).roster
    overrides = ROOT / "overrides"
    docs = cards.print_documents(roster, roster.villages, overrides, sheets_per_document=1)
    assert [label for label, _ in docs] == ["3 cards, 古楼街道", "3 cards, 蒋官屯街道", "3 cards, 堂邑镇"]
    for v in roster.villages:
        url = f"https://fw.lc.example/v/{v.code}/"
        assert sum(str(qr.qr_svg(url, f"二维码：{v.short_name}页面 {url}")) in html for _, html in docs) == 1
    html = docs[0][1]
    assert "<title>便民服务卡 - 便民服务卡打印</title>" in html and 'class="sheet back"' not in html
    reprint = [roster.village[c] for c in ("371502102003", "371502001001", "371502010002", "371502001002")]
    (label, html), = cards.print_documents(roster, reprint, overrides, by_township=False)
    assert label == "4 cards, 堂邑镇"
    assert re.findall(r'data-code="(\d+)"', html) == [v.code for v in reprint] and html.count('class="sheet"') == 1
    (label, html), = cards.print_documents(roster, reprint, overrides, backs=True)  # by township: four runs
    assert label == "4 cards, 堂邑镇 – 古楼街道" and html.count('class="sheet"') == 4
    assert html.count('class="sheet back"') == 4


def test_a_stylesheet_cannot_end_the_print_shops_style_element(tmp_path: Path) -> None:
    """The stylesheet is inlined unescaped: a '</' in it (a comment's </style>) must not close <style>."""
    overrides = tmp_path / "overrides"
    (overrides / "assets" / "stylesheets").mkdir(parents=True)
    (overrides / "data").symlink_to(ROOT / "overrides" / "data")
    (overrides / "assets" / "stylesheets" / "cards.css").write_text(
        "/* </style><script>alert(1)</script> */ .card { color: #000; }", encoding="utf-8")
    roster = read_roster(SMALL).roster
    html = cards.print_documents(roster, roster.villages[:1], overrides)[0][1]
    assert "</style><script>" not in html and "<script>" not in html.split("</style>", 2)[2]
    assert "<style>/* <\\/style><script>alert(1)<\\/script> */ .card { color: #000; }</style>" in html


def toolbar(html: str) -> str:
    found = re.search(r'<header class="toolbar">.*?</header>', html, re.S)
    assert found, "no toolbar"
    return found.group(0)


def test_print_sheets_say_what_they_hold_and_link_back_and_to_their_citys_backs(tmp_path: Path) -> None:
    """A township's sheets: its name, how many cards, 返回 to its page, and the backs of its own city
    (in a province); the programme's sheet of backs lists each city's, a city's has no 返回 and
    does not link to the programme's. A roster of one city lists no other city."""
    from tests.helpers.two_cities import two_city_roster

    province = read_roster(two_city_roster(tmp_path)).roster
    site = Site(province, environment(ROOT / "overrides" / "data"), Assets(), "")
    bar = toolbar(cards.township_sheets(site, province.township["371602001"])[1])
    assert "<h1>市中街道 · 便民服务卡</h1>" in bar and "共 2 张，1 页 A4" in bar
    assert '<a href="../../t/371602001/">返回</a><a href="../../print/back/3716/">背面（八项服务）</a>' in bar
    path, html = cards.backs_sheet(site)
    bar = toolbar(html)
    assert path == "print/back/index.html" and "<h1>背面（八项服务） · 便民服务卡</h1>" in bar and "共 10 张" in bar
    assert "返回" not in bar and "各市的背面" in bar and '<a href="../../print/back/3716/">滨州市</a>' in bar
    assert html.count('class="card card-back"') == 10 and "0531-12348" in html
    path, html = cards.backs_sheet(site, province.city["3716"])
    bar = toolbar(html)
    assert path == "print/back/3716/index.html" and "<h1>滨州市背面（八项服务） · 便民服务卡</h1>" in bar
    assert re.findall(r'<a href="([^"#]+)"', bar) == [] and html.count('class="card card-back"') == 10 and html.count('<p class="card-back-note">滨州市「') == 10
    one = province.only_city("3715")
    assert "各市的背面" not in cards.backs_sheet(Site(one, environment(ROOT / "overrides" / "data"), Assets(), ""))[1]
    small = sheet_site()
    bar = toolbar(cards.township_sheets(small, small.roster.township["371502001"])[1])
    assert '<a href="../../t/371502001/">返回</a><a href="../../print/back/">背面（八项服务）</a>' in bar


def test_cards_tile_the_sheet_inside_its_margins_and_carry_their_pages_code() -> None:
    """Ten cards, rows first, edge to edge, with equal margins left and right, top and bottom; each
    card's QR code is its village page's URL."""
    corners = [cards.slot_mm(i) for i in range(cards.PER_SHEET)]
    (w, h), (mx, my) = cards.CARD_MM, cards.MARGIN_MM
    assert corners == [(mx + col * w, my + row * h) for row in range(cards.ROWS) for col in range(cards.COLUMNS)]
    assert corners[0] == (15, 13.5) and (corners[-1][0] + w, corners[-1][1] + h) == (210 - 15, 297 - 13.5)
    site = sheet_site()
    village = site.roster.village["371502001003"]
    card = cards.card_for(site.roster, village)
    assert card.content.url == "https://fw.lc.example/v/371502001003/"
    assert card.qr == qr.qr_svg(card.content.url, f"二维码：{village.short_name}页面 {card.content.url}")
    sheet = cards.township_sheets(site, site.roster.township["371502102"])[1]
    for v in site.roster.township["371502102"].villages:
        url = f"https://fw.lc.example/v/{v.code}/"
        assert str(qr.qr_svg(url, f"二维码：{v.short_name}页面 {url}")) in sheet
