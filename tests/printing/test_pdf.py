"""PDFs for print shops (generator/printing/pdf.py): what goes wrong is a typed error that says what and where.

Chromium is a stand-in script here (the quick loop runs no browser); tests/printing/test_cards.py prints
for real in its slow tests.
"""

from __future__ import annotations

import locale
from pathlib import Path

import pytest

from generator.printing.pdf import PrintFailed, merge_pdfs, write_pdf
from tests.printing.test_cards import fake_chromium, one_page_pdf


def copying_chromium(tmp_path: Path) -> str:
    """A stand-in that keeps a copy of the HTML it was given (as seen.html) and prints a one-page PDF."""
    (tmp_path / "page.pdf").write_bytes(one_page_pdf("x"))
    return fake_chromium(tmp_path, (
        'for a; do case $a in --print-to-pdf=*) out=${a#--print-to-pdf=};; file://*) src=${a#file://};; esac; done\n'
        f'cp "$src" {tmp_path}/seen.html; cp {tmp_path}/page.pdf "$out"'
    ))


def test_the_html_chromium_prints_is_utf8_whatever_the_locale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A staff machine may run in an ASCII or GBK locale: the print parts are still written as UTF-8
    (what the sheets' <meta charset> says), so a village's name prints as itself."""
    monkeypatch.setenv("CHROME_PATH", copying_chromium(tmp_path))
    html = '<meta charset="utf-8"><p>王庄村委会</p>'
    before = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")  # ASCII: writing Chinese text in the locale's encoding fails
    try:
        write_pdf([("1 card", html)], tmp_path / "cards.pdf")
    finally:
        locale.setlocale(locale.LC_CTYPE, before)
    assert (tmp_path / "seen.html").read_bytes() == html.encode("utf-8")
    assert (tmp_path / "cards.pdf").read_bytes().startswith(b"%PDF")


def test_a_pdf_that_cannot_be_written_says_where(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHROME_PATH", copying_chromium(tmp_path))
    missing = tmp_path / "missing" / "cards.pdf"
    with pytest.raises(PrintFailed, match=rf"^cannot write {missing}: no folder {missing.parent}; create it or choose another -o$"):
        write_pdf([("1 card", "<p>x</p>")], missing)
    folder = tmp_path / "cards.pdf"  # a folder where the PDF should go
    folder.mkdir()
    with pytest.raises(PrintFailed, match=rf"^cannot write {folder}: Is a directory$"):
        write_pdf([("1 card", "<p>x</p>")], folder)
    assert not list(tmp_path.glob(".cards.pdf*"))


def test_a_pdfunite_that_cannot_run_is_named_in_the_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "bin" / "pdfunite"  # found on PATH, but not a program this machine can run
    broken.parent.mkdir()
    broken.write_bytes(b"\x7fELF not really")
    broken.chmod(0o755)
    monkeypatch.setenv("PATH", str(broken.parent))
    parts = [tmp_path / "a.pdf", tmp_path / "b.pdf"]
    for part in parts:
        part.write_bytes(one_page_pdf("x"))
    with pytest.raises(PrintFailed, match=r"^pdfunite could not merge the parts: cannot run pdfunite: Exec format error$"):
        merge_pdfs(parts, tmp_path / "out.pdf")
