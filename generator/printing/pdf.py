"""PDFs for print shops: HTML printed by headless Chromium, parts merged by pdfunite.

It knows nothing of cards (it imports only the generator's error type, messages and the font check); it turns
``(label, html)`` documents into one PDF. What can go wrong for a user (a tool not
installed, a tool that fails, an output folder that does not exist) is raised as a
:class:`PdfError`, a :class:`UserError`, so the command line can tell it from a bug of ours.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from itertools import repeat
from pathlib import Path

from generator.core.errors import UserError
from generator.core.i18n import _

from .fonts import check_fonts

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--no-pdf-header-footer",
)
TIMEOUT_S = 600  # a part is about 40 sheets; Chromium hanging must not hang the print run


class PdfError(UserError):
    """The PDF could not be made, for a reason the user can act on."""


class MissingTool(PdfError):
    """Chromium (or pdfunite, needed for more than one part) is not installed where we look."""


class PrintFailed(PdfError):
    """Chromium or pdfunite ran and failed, or the PDF could not be written."""


def find_chromium() -> str:
    """``CHROME_PATH`` if it names a program, else the first Chromium on ``PATH``."""
    configured = os.environ.get("CHROME_PATH")
    for name in (configured, *CHROMIUM_NAMES):
        if name and (path := shutil.which(name)):
            return path
    if configured:
        raise MissingTool(_("CHROME_PATH={path} is not a program, and no Chromium found on PATH: install it "
                            "(Debian: apt-get install chromium) or set CHROME_PATH to its program").format(path=configured))
    raise MissingTool(_("no Chromium found on PATH: install it (Debian: apt-get install chromium) "
                        "or set CHROME_PATH to its program"))


def _run(command: list[str], what: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise PrintFailed(_("{what}: no result after {seconds} s").format(what=what, seconds=TIMEOUT_S)) from None
    except OSError as exc:  # found by which() but cannot run: permissions, wrong architecture
        raise PrintFailed(_("{what}: cannot run {program}: {reason}").format(
            what=what, program=command[0], reason=exc.strerror or exc)) from None


def print_pdf(html: Path, pdf: Path, chromium: str, fragment: str = "") -> None:
    """One HTML file to PDF with headless Chromium (A4 or card size from its @page rule)."""
    url = html.as_uri() + (f"#{fragment}" if fragment else "")
    with tempfile.TemporaryDirectory() as profile:
        run = _run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf}", url],
                   _("Chromium could not print {name}").format(name=html.name))
    if run.returncode != 0 or not pdf.exists():
        raise PrintFailed(_("Chromium could not print {name} (exit {status}): {output}").format(
            name=html.name, status=run.returncode, output=run.stderr.strip()[-500:]))


def merge_pdfs(parts: Sequence[Path], out: Path) -> None:
    if len(parts) == 1:
        shutil.copyfile(parts[0], out)
        return
    run = _run(["pdfunite", *map(str, parts), str(out)], _("pdfunite could not merge the parts"))
    if run.returncode != 0:
        raise PrintFailed(_("pdfunite could not merge the parts: {output}").format(output=run.stderr.strip()))


def write_pdf(
    documents: Sequence[tuple[str, str]],
    out: Path,
    progress: Callable[[int, int, str], None] = lambda done, total, label: None,
    workers: int = 2,
) -> None:
    """Print ``(label, html)`` documents to one PDF at ``out``: in parts, two at a time, then merged.

    ``out`` appears only when everything succeeded; ``progress`` hears of each part as it ends.
    """
    # Checked before anything is printed: a run of thousands of cards should not fail at the end
    chromium = find_chromium()
    if len(documents) > 1 and not shutil.which("pdfunite"):
        raise MissingTool(_("no pdfunite found to merge the parts: install poppler-utils (Debian: apt-get install poppler-utils)"))
    check_fonts(html for _label, html in documents)  # Chromium would print boxes and exit 0
    if not out.parent.is_dir():
        raise PrintFailed(_("cannot write {path}: no folder {folder}; create it or choose another -o").format(
            path=out, folder=out.parent))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        sources = [root / f"part{i:04d}.html" for i in range(len(documents))]
        parts = [src.with_suffix(".pdf") for src in sources]
        for src, (_label, html) in zip(sources, documents):
            src.write_text(html, encoding="utf-8")
        with ThreadPoolExecutor(max_workers=workers) as pool:
            finished = pool.map(print_pdf, sources, parts, repeat(chromium))
            for done, ((label, _html), _pdf) in enumerate(zip(documents, finished), 1):
                progress(done, len(documents), label)
        staged = out.with_name(f".{out.name}.partial")
        try:
            merge_pdfs(parts, staged)
            os.replace(staged, out)
        except OSError as exc:
            raise PrintFailed(_("cannot write {path}: {reason}").format(path=out, reason=exc.strerror or exc)) from None
        finally:
            staged.unlink(missing_ok=True)
