"""The open data in the built site: where the files land, the data page, and what a phone keeps of them."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from tests.helpers.opendata import read_back, rows
from tests.helpers.roster_edit import SMALL


def test_the_build_publishes_the_data_the_feed_and_the_api(small_site: Path) -> None:
    from generator.build.pipeline import read_roster

    data = small_site / "data"
    for name in ("villages", "townships", "advisors", "units", "organizations", "programme"):
        assert (data / f"{name}.csv").is_file() and (data / f"{name}.json").is_file(), name
    assert (data / "datapackage.json").is_file() and (data / "hsds" / "datapackage.json").is_file()
    assert (small_site / "changes" / "feed.xml").is_file() and (small_site / "v/371502001001/index.json").is_file()
    assert read_back(data) == read_roster(SMALL).roster  # what a consumer reads is the roster the site shows
    version = json.loads((data / "villages.json").read_text(encoding="utf-8"))["version"]
    assert version and all(r["version"] == version for r in rows(data / "advisors.csv"))
    changes = (small_site / "changes" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="alternate" type="application/atom+xml" title="最近更新（Atom）" href="../changes/feed.xml">' in changes


def test_the_data_page_lists_every_file_and_field(small_site: Path) -> None:
    from generator.site.opendata import TABLES

    page = html.unescape((small_site / "data" / "index.html").read_text(encoding="utf-8"))  # as a browser shows it
    assert "知识共享署名 4.0 国际许可协议" in page and "https://creativecommons.org/licenses/by/4.0/" in page
    for table in TABLES:
        if table.name == "cities":
            assert 'href="cities.csv"' not in page  # a city's roster has none
            continue
        assert f'href="{table.name}.csv"' in page and f'href="{table.name}.json"' in page, table.name
        for column in table.columns:
            assert f"<code>{column.name}</code>" in page, (table.name, column.name)
    for link in re.findall(r'href="([^"#:]+)"', page.split('<article', 1)[1].split("</article>", 1)[0]):
        target = (small_site / "data" / link)
        assert target.exists() or (target / "index.html").exists(), link  # every link of the page lands
    assert "data_licence" in page and "XLOOKUP" in page and "urllib.request" in page


def test_the_worker_never_keeps_the_data_files(tmp_path: Path) -> None:
    """The script the build writes names the open data's folder; what the worker does with it is tested in
    Node (tests/node/sw/worker.test.mjs: the open data is the network's)."""
    from generator.build.offline import service_worker
    from generator.core.urls import OPEN_DATA

    _, script = service_worker(tmp_path, [])
    assert f"const DATA = new URL('{OPEN_DATA}', SCOPE).href;" in script.decode("utf-8")
    assert "if (!page && request.url.startsWith(DATA)) return;" in script.decode("utf-8")


@pytest.mark.slow  # a real browser with its service worker
def test_a_phone_keeps_a_villages_json_but_not_the_tables(browser: object, small_site: Path) -> None:
    from tests.helpers.browser import phone_context, poll, serve

    with serve(small_site) as base:
        context = phone_context(browser)  # type: ignore[arg-type]
        page = context.new_page()
        try:
            page.goto(f"{base}/v/371502102001/")
            page.evaluate("navigator.serviceWorker.ready.then(() => true)")
            page.reload()  # now under the worker
            page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=10_000)
            page.evaluate("Promise.all([fetch('index.json'), fetch('../../data/villages.csv')]).then(r => r.map(x => x.status))")
            cached = poll(page, "caches.keys().then(k => caches.open(k[0])).then(c => c.keys()).then(r => r.map(q => q.url))",
                          lambda urls: any(u.endswith("/index.json") for u in urls))
            assert any(u.endswith("/v/371502102001/index.json") for u in cached)
            assert not any("/data/" in u for u in cached), cached
        finally:
            context.close()
