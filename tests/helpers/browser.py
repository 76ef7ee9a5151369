"""Helpers for the end-to-end tests: serve a built site locally and drive Debian's Chromium.

Everything here runs offline on Debian 12 with the packages that ``tests/setup.sh`` installs:
Chromium from Debian at ``/usr/bin/chromium`` (driven by Playwright, never ``playwright install``),
and Lighthouse and axe-core from ``tests/node/node_modules``.
"""

from __future__ import annotations

import gzip
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Request, Route

from tests.helpers import TESTS

TESTS_DIR = TESTS
NODE_MODULES = TESTS_DIR / "node" / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
LIGHTHOUSE_BIN = NODE_MODULES / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"

#: Flags for Debian's Chromium on a machine without a sandbox, GPU or outside network.
#: Playwright adds ``--headless`` and a fresh temporary ``--user-data-dir`` itself.
CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
)

#: Chrome flags for Lighthouse's own launch (chrome-launcher adds a temporary profile and its
#: own defaults, --disable-background-networking among them).
LIGHTHOUSE_CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking"
)

#: The Lighthouse categories, by their ids in the JSON report.
LIGHTHOUSE_CATEGORIES: tuple[str, ...] = ("performance", "accessibility", "best-practices", "seo")

PHONE_VIEWPORT = {"width": 390, "height": 844}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static file handler with the content types the site needs and no access log.

    No ``charset`` is sent, as with a plain static host: a page must declare its own encoding
    (``<meta charset="utf-8">``), and Lighthouse's ``charset`` audit checks that it does.
    """

    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".svg": "image/svg+xml",
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".css": "text/css",
        ".html": "text/html",
        ".json": "application/json",
        ".webmanifest": "application/manifest+json",
        ".png": "image/png",
        ".ico": "image/x-icon",
        ".woff2": "font/woff2",
        ".pdf": "application/pdf",
        ".txt": "text/plain",
        ".xml": "application/xml",
    }

    def log_message(self, format: str, *args: Any) -> None:
        """Drop the access log."""


class _GzipHandler(_QuietHandler):
    """The same, compressing text (HTML, CSS, JavaScript, JSON, SVG, XML) for a client that accepts
    gzip, as static hosts do (GitHub Pages, nginx's gzip): Lighthouse's simulated network then carries
    the bytes a phone would."""

    COMPRESSED = (".html", ".css", ".js", ".mjs", ".json", ".svg", ".xml", ".txt", ".webmanifest")

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if path.is_dir() and urlsplit(self.path).path.endswith("/"):
            path = path / "index.html"
        if "gzip" not in self.headers.get("Accept-Encoding", "") or path.suffix not in self.COMPRESSED or not path.is_file():
            super().do_GET()
            return
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _QuietServer(http.server.ThreadingHTTPServer):
    """Threading server that does not print tracebacks for clients that hang up early."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore dropped connections (browsers cancel requests); report anything else."""
        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError):
            return
        super().handle_error(request, client_address)


@contextmanager
def serve(folder: Path, compress: bool = False) -> Iterator[str]:
    """Serve ``folder`` over HTTP on 127.0.0.1 at a free port, in a background thread; with
    ``compress``, text is sent gzip-compressed to a client that accepts it (:class:`_GzipHandler`).

    Yields the base URL without a trailing slash, e.g. ``http://127.0.0.1:40123``, and shuts
    the server down on exit.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise NotADirectoryError(folder)
    handler = partial(_GzipHandler if compress else _QuietHandler, directory=str(folder))
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name=f"serve {folder}",
        daemon=True,
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def launch(playwright: Playwright, **kwargs: Any) -> Browser:
    """Launch Debian's headless Chromium with :data:`CHROMIUM_ARGS`."""
    return playwright.chromium.launch(
        executable_path=CHROMIUM, args=list(CHROMIUM_ARGS), headless=True, **kwargs
    )


def phone_context(browser: Browser, **kwargs: Any) -> BrowserContext:
    """A new context that emulates a phone: 390×844 CSS px at 3×, touch, Chinese locale."""
    options: dict[str, Any] = {
        "viewport": dict(PHONE_VIEWPORT),
        "device_scale_factor": 3,
        "is_mobile": True,
        "has_touch": True,
        "locale": "zh-CN",
    }
    options.update(kwargs)
    return browser.new_context(**options)


def _origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port (the scheme's default port filled in) of ``url``."""
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443, "ws": 80, "wss": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or ""), port


class RequestLog:
    """Records the URL of every request made by a page or a whole browser context.

    Attach it before navigating::

        log = RequestLog(page)
        page.goto(base_url + "/")
        assert log.foreign(base_url) == []

    With ``block_foreign=base_url`` every request to another origin is also aborted through
    Playwright's routing, so no packet leaves the machine; the request is still recorded.
    """

    LOCAL_SCHEMES = frozenset({"data", "blob", "about"})

    def __init__(self, target: Page | BrowserContext, *, block_foreign: str | None = None) -> None:
        """Start recording requests of ``target`` (a Page or a BrowserContext)."""
        self.urls: list[str] = []
        self._target = target
        target.on("request", self._record)
        if block_foreign is not None:
            allowed = _origin(block_foreign)

            def _abort_foreign(route: Route) -> None:
                url = route.request.url
                if urlsplit(url).scheme in self.LOCAL_SCHEMES or _origin(url) == allowed:
                    route.fallback()
                else:
                    route.abort("blockedbyclient")

            target.route("**/*", _abort_foreign)

    def _record(self, request: Request) -> None:
        self.urls.append(request.url)

    def foreign(self, base_url: str) -> list[str]:
        """The recorded URLs whose scheme, host or port differ from ``base_url``'s.

        ``data:``, ``blob:`` and ``about:`` URLs never count as foreign.
        """
        local = _origin(base_url)
        return [
            url
            for url in self.urls
            if urlsplit(url).scheme not in self.LOCAL_SCHEMES and _origin(url) != local
        ]


_AXE_RUN = """
async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    targets: v.nodes.map((n) => n.target.map(String).join(' >>> ')),
  }));
}
"""


def axe_violations(page: Page, tags: Sequence[str] = ("wcag2a", "wcag2aa")) -> list[dict[str, Any]]:
    """Run axe-core on the page's current document and return its violations.

    Each violation is ``{"id", "impact", "help", "helpUrl", "targets"}``, ``targets`` being the
    CSS selectors of the offending nodes, so that ``assert axe_violations(page) == []`` prints
    something useful. axe is injected as an inline script tag: a page whose Content-Security-Policy
    forbids inline scripts needs a context made with ``bypass_csp=True``.
    """
    if not AXE_JS.is_file():
        raise FileNotFoundError(f"{AXE_JS} is missing: run sh tests/setup.sh")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_JS))
    violations: list[dict[str, Any]] = page.evaluate(_AXE_RUN, list(tags))
    return violations


def lighthouse(url: str, out_dir: Path, *, timeout: float = 240) -> dict[str, float]:
    """Run Lighthouse (mobile) on ``url`` and return the four category scores (0..1).

    The JSON report is kept at ``out_dir / "lighthouse.json"`` (see :func:`lighthouse_failures`).
    Raises ``RuntimeError`` with the tail of Lighthouse's stderr when it fails, or when a category
    has no score (an audit errored).
    """
    if not LIGHTHOUSE_BIN.is_file():
        raise FileNotFoundError(f"{LIGHTHOUSE_BIN} is missing: run sh tests/setup.sh")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    report_path = out_dir / "lighthouse.json"
    report_path.unlink(missing_ok=True)
    command = [
        str(LIGHTHOUSE_BIN),
        url,
        "--output=json",
        f"--output-path={report_path}",
        "--quiet",
        "--form-factor=mobile",
        f"--chrome-flags={LIGHTHOUSE_CHROME_FLAGS}",
    ]
    # chrome-launcher makes its temporary profile under TMPDIR, and Chromium leaves an empty
    # org.chromium.Chromium.* folder there at every launch: give it a TMPDIR of its own and remove
    # it afterwards. Keep that path short: Chromium's SingletonSocket (a Unix socket, at most
    # 107 bytes of path) lives in it, and under a deep pytest tmp_path Chromium fails to start
    # ("Unable to connect to Chrome").
    with tempfile.TemporaryDirectory(prefix="lh-", ignore_cleanup_errors=True) as tmp_dir:
        env = {**os.environ, "CHROME_PATH": CHROMIUM, "TMPDIR": tmp_dir}
        proc = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    if proc.returncode != 0 or not report_path.is_file():
        tail = "\n".join(proc.stderr.strip().splitlines()[-30:])
        raise RuntimeError(f"lighthouse exited {proc.returncode} for {url}:\n{tail}")
    report = json.loads(report_path.read_text(encoding="utf-8"))
    if report.get("runtimeError"):
        raise RuntimeError(f"lighthouse runtime error for {url}: {report['runtimeError']}")
    scores: dict[str, float] = {}
    for category in LIGHTHOUSE_CATEGORIES:
        score = report["categories"][category]["score"]
        if score is None:
            raise RuntimeError(
                f"lighthouse gave no {category} score for {url}:\n"
                + "\n".join(lighthouse_failures(report_path))
            )
        scores[category] = float(score)
    return scores


def lighthouse_failures(report_path: Path) -> list[str]:
    """The scored audits that did not pass in a Lighthouse JSON report, one line each.

    Lines look like ``"seo: meta-description 0 Document does not have a meta description"``;
    audits that errored show their error message instead of a score.
    """
    report = json.loads(Path(report_path).read_text(encoding="utf-8"))
    audits = report["audits"]
    lines: list[str] = []
    for category_id, category in report["categories"].items():
        for ref in category["auditRefs"]:
            if not ref.get("weight"):
                continue
            audit = audits[ref["id"]]
            score = audit.get("score")
            if audit.get("errorMessage"):
                lines.append(f"{category_id}: {ref['id']} error: {audit['errorMessage']}")
            elif score is not None and score < 1:
                lines.append(f"{category_id}: {ref['id']} {score} {audit.get('title', '')}")
    return lines


_WIDTHS = "() => [document.documentElement.scrollWidth, window.innerWidth]"


def overflows(page: Page) -> bool:
    """Whether the page is wider than its viewport.

    With mobile emulation Chromium zooms a too-wide page out instead of scrolling it, so
    ``window.innerWidth`` grows as well as ``scrollWidth``: both are compared with the width.
    """
    viewport = page.viewport_size
    if viewport is None:
        raise ValueError("overflows() needs a page with a fixed viewport")
    scroll_width, inner_width = page.evaluate(_WIDTHS)
    return bool(scroll_width > viewport["width"] or inner_width > viewport["width"])


def poll(page: Page, expression: str, done: Callable[[Any], bool], timeout: float = 10) -> Any:
    """Evaluate ``expression`` in the page (awaiting a promise it gives) until ``done`` says yes or
    ``timeout`` seconds pass; return the last value, for the caller to assert on. Playwright's
    ``wait_for_function`` does not await a promise: ``caches.keys().then(…)`` is truthy at once."""
    deadline = time.monotonic() + timeout
    while not done(value := page.evaluate(expression)) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    return value


def settled(page: Page, box: str = "") -> None:
    """Wait until a search box (the header's, or the one under the CSS selector ``box``, such as a
    guide's ``.dir-find``) has fetched what its query needs and shows its results: search.js marks its
    panel aria-busy while it fetches, and makes the panel only when it starts."""
    panel = json.dumps(f"{box} .dir-search__panel".strip())
    page.wait_for_function(f"() => document.querySelector({panel})?.getAttribute('aria-busy') === 'false'")


def wait_until_saved(page: Page, *paths: str, containing: str = "", timeout: float = 10) -> None:
    """Wait until the service worker's caches hold a copy of each of ``paths`` (relative to the page's
    origin) whose text contains ``containing``. The worker saves a page it fetched after answering, so
    a test that goes offline must wait for the copy, as a phone's reader would have by the time the
    signal goes."""
    copy = "caches.match(new URL(path, location.origin).href, { ignoreSearch: true })"
    expression = (
        f"Promise.all({json.dumps(list(paths))}.map((path) => {copy}"
        f".then((hit) => hit ? hit.text() : '').then((text) => text !== '' && text.includes({json.dumps(containing)}))))"
    )
    found = poll(page, expression, all, timeout)
    assert all(found), f"not saved by the worker within {timeout} s: {[p for p, f in zip(paths, found) if not f]}"
