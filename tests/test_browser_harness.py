"""The browser harness itself: each check must be able to fail, or it proves nothing."""

from __future__ import annotations

import base64
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.helpers.browser import RequestLog, axe_violations, lighthouse, lighthouse_failures, overflows, serve

HEAD = """<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>聊城市村居法律顾问</title>"""

# A 1×1 transparent PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)

ICON_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">'
    '<rect width="16" height="16" fill="#1a5fb4"/></svg>'
)


def page_html(body: str, head: str = HEAD) -> str:
    """A complete zh-CN document around ``body``."""
    return (
        f'<!doctype html>\n<html lang="zh-CN">\n<head>\n{head}\n</head>\n'
        f"<body>\n{body}\n</body>\n</html>\n"
    )


CLEAN_BODY = """<main>
<h1>东昌府区法律顾问</h1>
<p>每个村居都有一位法律顾问，免费提供法律咨询。</p>
</main>"""


def write_site(folder: Path, pages: dict[str, str | bytes]) -> Path:
    """Write ``{relative path: content}`` into ``folder`` and return it."""
    for name, content in pages.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


# --- serve() and RequestLog without a browser --------------------------------------------------


def test_serve_content_types(tmp_path: Path) -> None:
    write_site(
        tmp_path,
        {
            "index.html": page_html(CLEAN_BODY),
            "icon.svg": ICON_SVG,
            "app.js": "console.log(1);\n",
            "site.webmanifest": "{}\n",
        },
    )
    with serve(tmp_path) as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        types = {}
        for name in ("index.html", "icon.svg", "app.js", "site.webmanifest"):
            with urllib.request.urlopen(f"{base_url}/{name}", timeout=10) as response:
                types[name] = response.headers.get_content_type()
                assert response.read()
    assert types == {
        "index.html": "text/html",
        "icon.svg": "image/svg+xml",
        "app.js": "text/javascript",
        "site.webmanifest": "application/manifest+json",
    }
    # The server is gone after the block.
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{base_url}/index.html", timeout=2)


class _FakeTarget:
    """Stands in for a Page: RequestLog only calls ``on``."""

    def on(self, event: str, handler: Callable[[Any], None]) -> None:
        self.handler = handler


def test_request_log_foreign_logic() -> None:
    target = _FakeTarget()
    log = RequestLog(target)  # type: ignore[arg-type]

    class _Req:
        def __init__(self, url: str) -> None:
            self.url = url

    for url in (
        "http://127.0.0.1:8123/",
        "http://127.0.0.1:8123/a.css?x=1",
        "data:image/png;base64,AAAA",
        "blob:http://127.0.0.1:8123/0f0e",
        "http://127.0.0.1:9999/other-port.js",
        "https://127.0.0.1:8123/other-scheme.js",
        "http://localhost:8123/other-host.js",
        "https://cdn.example.com/font.woff2",
    ):
        target.handler(_Req(url))
    assert log.foreign("http://127.0.0.1:8123") == [
        "http://127.0.0.1:9999/other-port.js",
        "https://127.0.0.1:8123/other-scheme.js",
        "http://localhost:8123/other-host.js",
        "https://cdn.example.com/font.woff2",
    ]


# --- in Chromium -----------------------------------------------------------------------------


@pytest.mark.slow
def test_axe_reports_missing_alt(phone: Page, tmp_path: Path) -> None:
    write_site(
        tmp_path,
        {"index.html": page_html('<main><h1>图片</h1><img src="x.png"></main>'), "x.png": PNG},
    )
    with serve(tmp_path) as base_url:
        phone.goto(f"{base_url}/index.html")
        violations = axe_violations(phone)
    ids = [v["id"] for v in violations]
    assert "image-alt" in ids, violations
    image_alt = next(v for v in violations if v["id"] == "image-alt")
    assert image_alt["targets"] == ["img"]
    assert image_alt["impact"] == "critical"


@pytest.mark.slow
def test_axe_clean_page(phone: Page, tmp_path: Path) -> None:
    write_site(tmp_path, {"index.html": page_html(CLEAN_BODY)})
    with serve(tmp_path) as base_url:
        phone.goto(f"{base_url}/index.html")
        assert axe_violations(phone) == []


@pytest.mark.slow
def test_request_log_catches_foreign_host(phone: Page, tmp_path: Path) -> None:
    write_site(
        tmp_path,
        {
            "index.html": page_html(
                CLEAN_BODY + '\n<img src="http://203.0.113.1/x.png" alt="外部图片">'
                '\n<img src="local.png" alt="本地图片">'
            ),
            "local.png": PNG,
        },
    )
    with serve(tmp_path) as base_url:
        # block_foreign aborts the outside request inside Chromium: nothing leaves the machine.
        log = RequestLog(phone, block_foreign=base_url)
        phone.goto(f"{base_url}/index.html")
    assert f"{base_url}/local.png" in log.urls
    assert log.foreign(base_url) == ["http://203.0.113.1/x.png"]


@pytest.mark.slow
def test_request_log_local_page(phone: Page, tmp_path: Path) -> None:
    write_site(
        tmp_path,
        {
            "index.html": page_html(
                CLEAN_BODY
                + '\n<img src="local.png" alt="本地图片">'
                + f'\n<img src="data:image/png;base64,{base64.b64encode(PNG).decode()}" alt="内嵌">'
                + '\n<script src="app.js"></script>'
            ),
            "local.png": PNG,
            "app.js": "document.body.dataset.ready = '1';\n",
        },
    )
    with serve(tmp_path) as base_url:
        log = RequestLog(phone.context)
        phone.goto(f"{base_url}/index.html")
        assert phone.get_attribute("body", "data-ready") == "1"
    assert f"{base_url}/app.js" in log.urls
    assert log.foreign(base_url) == []


@pytest.mark.slow
def test_overflow_detected(phone: Page, tmp_path: Path) -> None:
    write_site(
        tmp_path,
        {"index.html": page_html(CLEAN_BODY + '\n<div style="width: 600px">宽表格</div>')},
    )
    with serve(tmp_path) as base_url:
        phone.goto(f"{base_url}/index.html")
        assert overflows(phone)


@pytest.mark.slow
def test_no_overflow_on_normal_page(phone: Page, tmp_path: Path) -> None:
    write_site(tmp_path, {"index.html": page_html(CLEAN_BODY)})
    with serve(tmp_path) as base_url:
        phone.goto(f"{base_url}/index.html")
        assert not overflows(phone)


@pytest.mark.slow
def test_lighthouse_clean_page(tmp_path: Path) -> None:
    head = (
        HEAD
        + '\n<meta name="description" content="聊城市村居法律顾问名录：查找您村居的法律顾问。">'
        + '\n<link rel="icon" href="/favicon.svg" type="image/svg+xml">'
    )
    site = write_site(
        tmp_path / "site",
        {
            "index.html": page_html(CLEAN_BODY, head=head),
            "favicon.svg": ICON_SVG,
            "robots.txt": "User-agent: *\nAllow: /\n",
        },
    )
    with serve(site) as base_url:
        scores = lighthouse(f"{base_url}/index.html", tmp_path / "lighthouse")
    failures = lighthouse_failures(tmp_path / "lighthouse" / "lighthouse.json")
    assert set(scores) == {"performance", "accessibility", "best-practices", "seo"}
    assert scores["accessibility"] == 1, failures
    assert scores["seo"] >= 0.9, failures
