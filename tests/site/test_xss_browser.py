"""No roster text ever runs as script: a payload in every text field, every page opened in Chromium.

The payload passes validation (it is printable text of ordinary length), so it reaches every
page kind, the search index, the print sheets and the print-shop PDF. Each page is opened with a
trap on ``alert``; the test fails if anything the payload carries runs, and checks that the
payload is shown as the text it is.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers.browser import serve
from tests.helpers.roster_edit import SMALL, copy_roster
from tests.helpers.sites import mkdocs_build, project

pytestmark = pytest.mark.slow

PAYLOAD = "\"'><img src=x onerror=alert(1)><!--<script>alert(2)</script>[x](javascript:alert(3))*i*"
TEXT_KEYS = {"name", "address", "hours", "studio", "city", "province"}


def plant(value: Any) -> Any:
    """Prefix every text field of a roster tree with the payload (ids, codes and phones stay valid)."""
    if isinstance(value, dict):
        return {k: (PAYLOAD + v if k in TEXT_KEYS and isinstance(v, str) else plant(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [plant(v) for v in value]
    return value


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("xss")
    roster = copy_roster(tmp / "roster", SMALL)
    for path in roster.rglob("*.yaml"):
        tree = yaml.safe_load(path.read_text(encoding="utf-8"))
        path.write_text(yaml.safe_dump(plant(tree), allow_unicode=True, sort_keys=False), encoding="utf-8")
    folder = project(tmp / "project", roster)
    r = mkdocs_build(folder)
    assert r.returncode == 0, r.stderr
    return folder


TRAP = """
window.__ran = [];
window.alert = (x) => window.__ran.push(String(x));
"""


def test_no_payload_runs_on_any_page(hostile_site: Path, browser: Any) -> None:
    site = hostile_site / "site"
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert len(pages) > 20
    context = browser.new_context()
    context.add_init_script(TRAP)
    dialogs: list[str] = []
    with serve(site) as base:
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        shown = 0
        for rel in pages:
            page.goto(f"{base}/{rel}")
            page.wait_for_load_state("load")
            assert page.evaluate("window.__ran") == [], rel
            assert page.evaluate("document.querySelectorAll('img[src=x], a[href^=javascript]').length") == 0, rel
            shown += PAYLOAD in page.inner_text("body")
        # the header search lists a village by its (hostile) name, as text
        page.goto(f"{base}/v/371502001001/")
        page.fill("#dir-q", "onerror")
        page.wait_for_timeout(800)
        assert page.evaluate("window.__ran") == []
        assert page.evaluate("document.querySelectorAll('img[src=x]').length") == 0
        assert "onerror=alert(1)" in page.inner_text("body")
    context.close()
    assert dialogs == []
    assert shown >= len(pages) // 2  # most pages show a hostile name, as text


def test_no_payload_runs_in_the_print_shop_pdf(hostile_site: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "cards.pdf"
    r = subprocess.run([sys.executable, "-m", "generator", "cards", "--township", "371502001", "-o", str(pdf),
                        "--data", str(hostile_site / "data"), "--overrides", str(hostile_site / "overrides")],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    # a script that ran would have rewritten the cards; the payload is printed as typed
    assert "onerror=alert(1)" in text and "<script>alert(2)</script>" in text


def test_json_ld_blocks_cannot_open_a_comment_or_close_the_script(hostile_site: Path) -> None:
    import re

    blocks = 0
    for path in (hostile_site / "site").rglob("*.html"):
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', path.read_text(encoding="utf-8"), re.S):
            blocks += 1
            assert "<" not in block and ">" not in block, path
    assert blocks > 10
