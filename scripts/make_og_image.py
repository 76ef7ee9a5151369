"""Render the share image (overrides/assets/images/og.png, 300 × 300) that WeChat shows beside a
shared link (og:image). Nothing city-specific: the header's icon and 村居法律顾问.

    python3 scripts/make_og_image.py

Needs Chromium (/usr/bin/chromium) and Playwright, as the tests do; the PNG is committed, so a
build needs neither.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.helpers.browser import launch  # noqa: E402

HTML = """<!doctype html><html><body style="margin:0">
<div style="width:300px;height:300px;background:#1a237e;display:flex;flex-direction:column;align-items:center;
 justify-content:center;font-family:'Noto Sans CJK SC',sans-serif;color:#fff">
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="150" height="150" fill="#fff">
<path d="M12 3 1 9l11 6 9-4.91V17h2V9M5 13.18v4L12 21l7-3.82v-4L12 17z"/></svg>
<div style="font-size:38px;font-weight:700;margin-top:12px">村居法律顾问</div></div></body></html>"""


def main() -> int:
    out = ROOT / "overrides" / "assets" / "images" / "og.png"
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 300, "height": 300})
        page.set_content(HTML)
        page.screenshot(path=str(out), clip={"x": 0, "y": 0, "width": 300, "height": 300})
        browser.close()
    print(out, out.stat().st_size, "bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
