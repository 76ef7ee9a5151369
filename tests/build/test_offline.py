"""The service worker (generator/build/offline.py and its script, generator/build/sw.js) on its own.

Its strategy (network first; the phone's copy without signal or when the signal keeps a reader
waiting; the notice page for a page never saved; the first page opened, saved as the worker installs;
a new deploy's worker takes over the saved pages and drops the old caches) has unit
tests in Node (tests/node/sw/, the ones StrykerJS mutates), run here; and the same strategy is checked
in Chromium on a tiny site of four pages served on localhost with the script the build generates,
going offline through the browser context. The whole site's offline behaviour is in
tests/site/test_phone_browser.py.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from generator.build.offline import service_worker, site_digest
from generator.core.urls import OFFLINE, SERVICE_WORKER
from tests.helpers import ROOT, TESTS
from tests.helpers.browser import phone_context, poll, serve, wait_until_saved


def test_the_workers_strategy_in_node() -> None:
    node = shutil.which("node")
    assert node, "Node is missing: run sh tests/setup.sh"
    run = subprocess.run([node, "--test", str(TESTS / "node" / "sw")], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert re.search(r"^# pass (\d+)$", run.stdout, re.M) and "# fail 0" in run.stdout


def tiny_site(folder: Path, heading: str = "前董村") -> Path:
    """Four pages and a stylesheet, each page registering the worker as the site's pages do."""
    def page(path: str, body: str, root: str) -> None:
        (folder / path).mkdir(parents=True, exist_ok=True)
        (folder / path / "index.html").write_text(
            f'<!doctype html><html lang="zh"><head><meta charset="utf-8"><link rel="stylesheet" href="{root}assets/site.css">'
            f"<script>navigator.serviceWorker.register('{root}sw.js', {{scope: '{root}'}})</script></head>"
            f"<body>{body}</body></html>", encoding="utf-8")

    page("", "<h1>首页</h1>", "./")
    page("v/1", f"<h1>{heading}</h1>", "../../")
    page("v/2", "<h1>王庄村</h1>", "../../")
    page(OFFLINE.rstrip("/"), "<h1>没有网络</h1>", "../")
    (folder / "assets").mkdir(exist_ok=True)
    (folder / "assets" / "site.css").write_text("h1 { color: rgb(1, 2, 3); }", encoding="utf-8")
    write_worker(folder)
    return folder


def write_worker(folder: Path) -> str:
    """The build's sw.js for the folder as it is now; returns its cache's name."""
    path, data = service_worker(folder, ["assets/site.css"])
    (folder / path).write_bytes(data)
    return "dir-" + site_digest(folder, skip=[SERVICE_WORKER])


def test_the_script_is_the_template_filled_in(tmp_path: Path) -> None:
    site = tiny_site(tmp_path / "site")
    text = (site / SERVICE_WORKER).read_text(encoding="utf-8")
    version = site_digest(site, skip=[SERVICE_WORKER])
    assert f"const CACHE = PREFIX + '{version}';" in text
    assert f"new URL('{OFFLINE}', SCOPE)" in text
    assert f"const PRECACHE = {json.dumps(['assets/site.css'])}.map(" in text
    assert "__" not in text  # no placeholder left
    assert service_worker(site, ["assets/site.css"])[1] == text.encode("utf-8")  # the same site, the same bytes
    (site / "v" / "1" / "index.html").write_text("changed", encoding="utf-8")
    assert site_digest(site, skip=[SERVICE_WORKER]) != version  # a new deploy, a new cache


@pytest.mark.slow  # the service worker's install and update in Chromium: about three seconds
def test_the_worker_in_chromium(browser: Browser, tmp_path: Path) -> None:
    site = tiny_site(tmp_path / "site")
    first = "dir-" + site_digest(site, skip=[SERVICE_WORKER])
    context = phone_context(browser)
    page = context.new_page()
    try:
        with serve(site) as base:
            page.goto(f"{base}/v/1/")
            page.evaluate("navigator.serviceWorker.ready.then(() => true)")
            page.wait_for_function("navigator.serviceWorker.controller !== null")
            assert page.evaluate("caches.keys()") == [first]
            # the first page a phone opens came before the worker: the worker saved it as it installed
            context.set_offline(True)
            page.goto(f"{base}/v/1/")
            assert page.inner_text("h1") == "前董村"
            context.set_offline(False)
            page.evaluate("caches.open('another-app')")  # a cache the site's worker does not own
            page.reload()  # through the worker: the page is saved now

            # network first: a new deploy's page is what the reader sees with signal
            village = site / "v" / "1" / "index.html"
            saved_at = village.stat().st_mtime
            village.write_text(village.read_text(encoding="utf-8").replace("前董村", "前董村（新）"), encoding="utf-8")
            # a deploy seconds later, as any is: in the same second the server's Last-Modified would not change
            # and the browser's revalidation would keep its copy (304), whatever the worker does
            os.utime(village, (saved_at + 10, saved_at + 10))
            page.reload()
            assert page.inner_text("h1") == "前董村（新）"
            wait_until_saved(page, "/v/1/", containing="前董村（新）")

            context.set_offline(True)
            page.goto(f"{base}/v/1/")
            assert page.inner_text("h1") == "前董村（新）"  # the phone's copy, the latest it saw
            assert page.evaluate("getComputedStyle(document.querySelector('h1')).color") == "rgb(1, 2, 3)"
            page.goto(f"{base}/v/2/")  # never opened
            assert page.inner_text("h1") == "没有网络"
            assert page.url == f"{base}/{OFFLINE}?from=%2Fv%2F2%2F"
            context.set_offline(False)

            # a new deploy: a new worker, its own cache; the old one is dropped, another app's kept
            second = write_worker(site)
            assert second != first
            deployed = (site / SERVICE_WORKER).stat().st_mtime + 10  # seconds later, as above: a new Last-Modified
            os.utime(site / SERVICE_WORKER, (deployed, deployed))
            page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
            assert sorted(poll(page, "caches.keys()", lambda keys: first not in keys)) == ["another-app", second]
            # the pages saved on the phone came over to the new cache, as the phone last saw them
            context.set_offline(True)
            page.goto(f"{base}/v/1/")
            assert page.inner_text("h1") == "前董村（新）"
    finally:
        context.set_offline(False)
        context.close()
