"""Benchmark the header search on the full sample site or the province: index size, bytes, latency.

    python3 -m bench.search [--site DIR] [--rate 4] [--page /v/371502102201/]
    python3 -m bench.search --province      # one city's site of the synthetic province (~1 min to make)

Builds the sample site into a temporary folder (or uses ``--site``, e.g. ``site/`` after
``mkdocs build``; or, with ``--province``, generates the synthetic province roster and builds the
site of one of its cities, whose search covers all 77,299 villages), serves it, opens a village
page in Debian's Chromium at 390×844 with the CPU throttled (CDP ``Emulation.setCPUThrottlingRate``),
and types each query of QUERIES character by character. For every ``input`` event it measures, in
the page, the time from the event's timestamp to its results being in the DOM and laid out (the
first results search.js shows for that text: after the shards it needs are fetched, when they
were not yet), and to the next frame; and, apart, to the complete results (other regions' pieces
in). Prints the index's sizes (the core, the shards), the search data (gzip) fetched before the
first result, the cold start (focus → first results, under throttling), and the median and
maximum keystroke latency, and the slowest keystroke's median over the rounds, each with the
load average. Timings belong here, never in tests.
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

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.helpers.browser import launch, phone_context, serve  # noqa: E402  (the tests' Chromium harness)
from tests.helpers.sites import PROVINCE_CITY, city_build, project, province_roster  # noqa: E402

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
  window.__done = [];
  const form = document.querySelector('form.dir-search');
  let last = null;  // the latest input event not answered yet: [timeStamp, value, shown]
  // capture: before search.js's own listener on the box, which may answer at once
  form.addEventListener('input', (ev) => { last = [ev.timeStamp, ev.target.value, false]; }, true);
  form.addEventListener('dir-search-results', (ev) => {
    if (!last || last[1] !== form.querySelector('input').value) return;  // a correction, or a later keystroke's turn
    form.querySelector('.dir-search__panel').getBoundingClientRect();
    const [t0, value, shown] = last;
    const dom = performance.now() - t0;
    if (!shown) {
      last[2] = true;
      const [query, round] = window.__typing || [];  // the QUERIES entry being typed, in which round
      requestAnimationFrame(() => window.__lat.push([dom, performance.now() - t0, value, query, round]));
    }
    if (!ev.detail.busy) { window.__done.push([dom, value]); last = null; }
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


def build_province(tmp: Path) -> Path:
    """The synthetic province roster, and the site of its city PROVINCE_CITY (its search covers the province)."""
    start = time.perf_counter()
    folder = project(tmp / "project", province_roster(tmp / "data"))
    run = city_build(folder, PROVINCE_CITY)
    if run.returncode:
        sys.exit(run.stderr)
    print(f"province roster made and city {PROVINCE_CITY}'s site built in {time.perf_counter() - start:.0f} s "
          f"(load average {os.getloadavg()[0]:.1f})")
    return folder / "site"


def index_sizes(site: Path) -> None:
    core = (site / "search.json").read_bytes()
    shards = sorted((site / "search").glob("*.json"))
    sizes = [(gz(p.read_bytes()), p.name) for p in shards]
    raw = sum(p.stat().st_size for p in shards)
    print(f"index: core search.json {len(core):,} bytes raw, {gz(core):,} gzip (level 6); "
          f"{len(shards):,} shard files, {raw:,} bytes raw, {sum(s for s, _ in sizes):,} gzip in all; "
          f"largest {max(sizes)[0]:,} gzip ({max(sizes)[1]})")


def measure(site: Path, rate: float, page_path: str) -> None:
    index_sizes(site)
    with sync_playwright() as p, serve(site) as base:
        browser = launch(p)
        context = phone_context(browser)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
        page.goto(base + page_path, wait_until="load")
        page.evaluate(PROBE)

        # the first results' time in the page's clock, to tell the files fetched before them from those after
        page.evaluate("""() => {
            document.querySelector('form.dir-search').addEventListener('dir-search-results',
              () => { window.__first = window.__first || performance.now(); });
            document.querySelector('#dir-q').addEventListener('focus', (ev) => { window.__focus = window.__focus || ev.timeStamp; });
        }""")
        start = time.perf_counter()
        page.click("#dir-q")
        page.keyboard.type("王")
        page.wait_for_function(f"() => ({RESULTS})() > 0", timeout=60_000)
        cold = time.perf_counter() - start
        before = page.evaluate("""() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
            .filter((e) => e.startTime <= window.__first).map((e) => e.name)""")
        load_cold = os.getloadavg()[0]
        in_page = page.evaluate("() => window.__first - window.__focus")

        def size(url: str) -> int:
            path = site / urlsplit(url).path.lstrip("/")
            path = path / "index.html" if path.is_dir() else path
            data = path.read_bytes()
            return len(data) if path.suffix == ".png" else gz(data)

        def is_index(url: str) -> bool:
            path = urlsplit(url).path
            return not path.startswith("/assets/") and (path.endswith("/search.json") or "/search/" in path)

        page_bytes = sum(size(u) for u in before if not is_index(u))
        search_bytes = sum(size(u) for u in before if is_index(u))
        # the search's own script (search.js and the modules it imports on the first touch), style and index
        ours = sum(size(u) for u in before if "/search." in urlsplit(u).path or "/javascripts/search/" in urlsplit(u).path)
        print(f"page {page_path}: {sum(1 for u in before if not is_index(u))} requests, {page_bytes:,} bytes gzip (HTML, CSS, JS, icon)")
        print(f"search data before the first result: {sum(1 for u in before if is_index(u))} files "
              f"({', '.join(urlsplit(u).path.rsplit('/', 1)[1] for u in before if is_index(u))}), {search_bytes:,} bytes gzip; "
              f"with search.js, its modules and search.css {ours:,}; everything before the first result {page_bytes + search_bytes:,} bytes gzip")
        print(f"cold start at {rate:g}x throttle: focus → core and shards fetched → first results in {in_page:.0f} ms "
              f"(the page's clock; {cold * 1000:.0f} ms wall clock from the click, with the harness's round trips; "
              f"load average {load_cold:.1f} on {os.cpu_count()} cores)")

        page.fill("#dir-q", "")
        page.evaluate("() => { window.__lat = []; window.__done = []; }")
        typed = 0
        for round_ in range(ROUNDS):
            for query in QUERIES:
                page.evaluate("(typing) => { window.__typing = typing; }", [query, round_])
                page.keyboard.type(query, delay=30)
                typed += len(query)
                # the last keystroke's results complete (shards fetched), as a reader would wait for them
                page.wait_for_function("() => document.querySelector('.dir-search__panel').getAttribute('aria-busy') !== 'true'",
                                       timeout=60_000)
                page.wait_for_timeout(60)
                page.fill("#dir-q", "")
        page.wait_for_timeout(200)
        samples = [s for s in page.evaluate("() => window.__lat") if s[2].strip()]
        done = [s for s in page.evaluate("() => window.__done") if s[1].strip()]
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
    print(f"keystrokes at {rate:g}x CPU throttle: {len(samples)} input events answered of {typed} keystrokes (the others were "
          f"overtaken by the next key while their shards came), {len(QUERIES)} queries typed {ROUNDS} times "
          f"(load average {load:.1f} on {os.cpu_count()} cores: other work inflates the maximum)")
    print(f"  input event → results in the DOM, laid out: median {statistics.median(dom):.1f} ms, "
          f"p90 {statistics.quantiles(dom, n=10)[-1]:.1f} ms, max {max(dom):.1f} ms (at {worst[2]!r})")
    print(f"  input event → next animation frame:         median {statistics.median(frame):.1f} ms, max {max(frame):.1f} ms")
    print(f"  slowest keystroke, median of its {ROUNDS} rounds:  {steady[slowest]:.1f} ms (at {slowest!r})")
    print("  worst keystroke of each query, in the DOM (its worst of the rounds; the median of the rounds' worst):")
    for query in QUERIES:
        rounds: dict[int, float] = {}
        for s in samples:
            if s[3] == query:
                rounds[s[4]] = max(rounds.get(s[4], 0.0), s[0])
        if rounds:
            print(f"    {query!r:28} {max(rounds.values()):7.1f} ms  {statistics.median(rounds.values()):7.1f} ms")
    if done:
        whole = [s[0] for s in done]
        print(f"  input event → complete results (every region's pieces in): median {statistics.median(whole):.1f} ms, "
              f"max {max(whole):.1f} ms ({len(done)} keystrokes)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", type=Path, help="a built site to use instead of building the sample")
    ap.add_argument("--rate", type=float, default=4, help="CPU throttling rate (default 4)")
    ap.add_argument("--page", default="/v/371502102201/", help="page to type on (default a village page)")
    ap.add_argument("--province", action="store_true",
                    help=f"generate the synthetic province and build city {PROVINCE_CITY}'s site (its search covers the province)")
    args = ap.parse_args()
    if args.site:
        measure(args.site.resolve(), args.rate, args.page)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        if args.province:
            page = args.page.replace("/3715", "/" + PROVINCE_CITY)  # the same village's copy in that city
            measure(build_province(Path(tmp)), args.rate, page)
        else:
            measure(build(Path(tmp) / "site"), args.rate, args.page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
