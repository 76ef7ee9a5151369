"""Benchmark the header search on the full sample site: index size, bytes, keystroke latency.

    python3 bench/search.py [--site DIR] [--rate 4] [--page /v/371502102201/]

Builds the sample site into a temporary folder (or uses ``--site``, e.g. ``site/`` after
``mkdocs build``), serves it, opens a village page in Debian's Chromium at 390×844 with the
CPU throttled (CDP ``Emulation.setCPUThrottlingRate``), and types each query of QUERIES
character by character. For every ``input`` event it measures, in the page, the time from
the event's timestamp to the results being in the DOM and laid out, and to the next frame.
Prints the index's raw and gzip sizes, the bytes (gzip) fetched before the first result, the
cold start (focus → first results, index fetched and built under throttling), and the median
and maximum keystroke latency, and the slowest keystroke's median over the rounds. Timings
belong here, never in tests.
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from playwright.sync_api import sync_playwright  # noqa: E402

from browser import launch, phone_context, serve  # noqa: E402  (the tests' Chromium harness)

#: Typed one character at a time; CJK characters arrive as one input event each, as after an IME.
QUERIES: tuple[str, ...] = (
    "前董村", "wangzhuang", "wz", "yuzhuang", "qdc", "堂邑镇", "tangyi", "白堌堆村委会", "wudiao",
    "法律援助", "dongchangfu", "13245356775", "王庄 沙镇", "lvzhuang", "gu", "xiaozhuangcun",
    # issue 12: spaced pinyin (several readings), a typo (corrections searched when nothing matches),
    # traditional characters, everyday words, the hotline
    "wang zhuang sha zhen", "wangzhaung", "東昌府區", "法律援助怎么申请", "0635-12348",
)

#: Page-side probe: a capture listener stamps each input event; a listener on the form (it runs
#: after the search script's own listener on the input) forces layout and stamps "in the DOM";
#: a requestAnimationFrame stamps the next frame.
PROBE = """
() => {
  window.__lat = [];
  const form = document.querySelector('form.dir-search');
  form.addEventListener('input', (ev) => {
    const t0 = ev.timeStamp;
    form.querySelector('.dir-search__panel').getBoundingClientRect();
    const dom = performance.now() - t0;
    requestAnimationFrame(() => window.__lat.push([dom, performance.now() - t0, ev.target.value]));
  });
}
"""

RESULTS = "() => document.querySelectorAll('.dir-search__list a').length"

#: Each query is typed this many times; the median per keystroke discounts moments when
#: other processes took the CPU.
ROUNDS = 3


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 6))


def build(into: Path) -> Path:
    run = subprocess.run(["mkdocs", "build", "-q", "-d", str(into)], cwd=ROOT, capture_output=True, text=True)
    if run.returncode:
        sys.exit(run.stderr)
    return into


def measure(site: Path, rate: float, page_path: str) -> None:
    index = (site / "search.json").read_bytes()
    print(f"index: search.json {len(index):,} bytes raw, {gz(index):,} gzip (level 6), {len(gzip.compress(index, 9)):,} gzip -9")
    with sync_playwright() as p, serve(site) as base:
        browser = launch(p)
        context = phone_context(browser)
        page = context.new_page()
        fetched: list[tuple[str, float]] = []
        page.on("request", lambda r: fetched.append((r.url, time.perf_counter())))
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
        page.goto(base + page_path, wait_until="load")
        page.evaluate(PROBE)

        start = time.perf_counter()
        page.click("#dir-q")
        page.keyboard.type("王")
        page.wait_for_function(f"() => ({RESULTS})() > 0", timeout=60_000)
        cold = time.perf_counter() - start

        def size(url: str) -> int:
            path = site / urlsplit(url).path.lstrip("/")
            path = path / "index.html" if path.is_dir() else path
            data = path.read_bytes()
            return len(data) if path.suffix == ".png" else gz(data)

        is_index = [urlsplit(u).path.endswith("/search.json") for u, _ in fetched]
        page_bytes = sum(size(u) for (u, _), i in zip(fetched, is_index) if not i)
        search_bytes = sum(size(u) for (u, _), i in zip(fetched, is_index) if i)
        ours = sum(size(u) for u, _ in fetched if "/search." in urlsplit(u).path)
        print(f"page {page_path}: {len(fetched) - sum(is_index)} requests, {page_bytes:,} bytes gzip (HTML, CSS, JS, icon)")
        print(f"search: search.json fetched {sum(is_index)}x after focus, {search_bytes:,} bytes gzip; "
              f"with search.js and search.css {ours:,}; total before the first result {page_bytes + search_bytes:,} bytes gzip")
        print(f"cold start at {rate:g}x throttle: focus → index fetched and built → first results in {cold * 1000:.0f} ms (wall clock)")

        page.fill("#dir-q", "")
        page.evaluate("() => { window.__lat = []; }")
        for _ in range(ROUNDS):
            for query in QUERIES:
                page.keyboard.type(query, delay=30)
                page.wait_for_timeout(60)
                page.fill("#dir-q", "")
        page.wait_for_timeout(200)
        samples = [s for s in page.evaluate("() => window.__lat") if s[2].strip()]
        browser.close()
    dom = [s[0] for s in samples]
    frame = [s[1] for s in samples]
    worst = max(samples, key=lambda s: s[0])
    by_keystroke: dict[str, list[float]] = {}
    for s in samples:
        by_keystroke.setdefault(s[2], []).append(s[0])
    steady = {text: statistics.median(times) for text, times in by_keystroke.items()}
    slowest = max(steady, key=steady.__getitem__)
    load = os.getloadavg()[0]
    print(f"keystrokes at {rate:g}x CPU throttle: {len(samples)} input events, {len(QUERIES)} queries typed {ROUNDS} times "
          f"(load average {load:.1f} on {os.cpu_count()} cores: other work inflates the maximum)")
    print(f"  input event → results in the DOM, laid out: median {statistics.median(dom):.1f} ms, "
          f"p90 {statistics.quantiles(dom, n=10)[-1]:.1f} ms, max {max(dom):.1f} ms (at {worst[2]!r})")
    print(f"  input event → next animation frame:         median {statistics.median(frame):.1f} ms, max {max(frame):.1f} ms")
    print(f"  slowest keystroke, median of its {ROUNDS} rounds:  {steady[slowest]:.1f} ms (at {slowest!r})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", type=Path, help="a built site to use instead of building the sample")
    ap.add_argument("--rate", type=float, default=4, help="CPU throttling rate (default 4)")
    ap.add_argument("--page", default="/v/371502102201/", help="page to type on (default a village page)")
    args = ap.parse_args()
    if args.site:
        measure(args.site.resolve(), args.rate, args.page)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        measure(build(Path(tmp) / "site"), args.rate, args.page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
