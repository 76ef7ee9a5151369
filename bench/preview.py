"""Benchmark: the live preview (`mkdocs serve`) on the full sample roster.

    python3 -m bench.preview [--rounds N] [--browser]

Copies the project into a temporary folder, starts `mkdocs serve` there and reports:

- serve start: from launching the server until a village page is served;
- one-file change: from saving a township file that gives a village another advisor until the
  village page shows the new advisor's name (HTTP polling every 20 ms), for N rounds;
- with ``--browser``: the same change seen in Chromium through MkDocs' live reload, with no
  reload by hand (what staff see);
- a bad save: until the problem page is served, and after the fix until the page is back.

Budget (issue 13): a one-file change visible within 3 s. The machine is shared: the load
average is printed beside the figures, and so are the CPU seconds the server spent on each change
(its process and its children, from /proc), which a busy machine does not inflate the way it does
the wall time. Timings belong here, never in tests.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from generator.build.pipeline import read_roster  # noqa: E402  # the roster as the server will read it
from tests.helpers.sites import free_port, project, stop_serve  # noqa: E402  # the tests' copy of the project, with the sample as data/


def fetch(url: str) -> str:
    """The page's text; a 404's too (while the roster has errors, data URLs answer with the problem page)."""
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return str(r.read().decode("utf-8"))
    except urllib.error.HTTPError as e:
        return str(e.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""


def wait(check: Callable[[], bool], limit: float = 300.0) -> float:
    """Seconds until ``check()`` holds, polling every 20 ms."""
    start = time.perf_counter()
    while not check():
        if time.perf_counter() - start > limit:
            raise TimeoutError(f"not seen within {limit:.0f} s")
        time.sleep(0.02)
    return time.perf_counter() - start


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) of process ``pid`` and its waited-for children so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5, help="one-file changes to time (default 5)")
    ap.add_argument("--browser", action="store_true", help="also time the change in Chromium via live reload")
    ap.add_argument("--log", action="store_true", help="print the server's log at the end")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = project(Path(tmp) / "project", ROOT / "data")
        roster = read_roster(folder / "data").roster
        township = roster.townships[len(roster.townships) // 2]
        village = township.villages[0]
        others = [a for a in roster.advisors if a.id != village.advisor and a.name != roster.advisor[village.advisor or ""].name]
        path = next((folder / "data").rglob(f"{township.code}-*.yaml"))
        original = path.read_text(encoding="utf-8")
        old_ref = f"advisor: '{village.advisor}'" if f"advisor: '{village.advisor}'" in original else f"advisor: {village.advisor}"
        at = original.index(f"code: '{village.code}'") if f"code: '{village.code}'" in original else original.index(village.code)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        url = f"{base}/v/{village.code}/"
        # the problem page in Chinese, as staff read it (its heading is what the bad save waits for)
        env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1", "LANGUAGE": "zh"}
        print(f"load average before: {load()}  ({os.cpu_count()} cores)")
        start = time.perf_counter()
        log = (Path(tmp) / "serve.log").open("w")  # a file, not a pipe nobody reads: the server must never block on it
        server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                                  cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
        try:
            wait(lambda: village.short_name in fetch(url))
            started = time.perf_counter() - start
            print(f"serve start (first page served)   {started:6.2f} s        load {load()}")

            def save(advisor_id: str) -> None:
                head, tail = original[:at], original[at:]
                path.write_text(head + tail.replace(old_ref, f"advisor: '{advisor_id}'", 1), encoding="utf-8")

            times, cpu = [], []
            for i in range(args.rounds):
                target = others[i * 7 % len(others)]
                time.sleep(1.0)  # let the previous rebuild settle, as between two saves by hand
                before = cpu_seconds(server.pid)
                save(target.id)
                seconds = wait(lambda n=target.name: n in fetch(url), 60)
                times.append(seconds)
                cpu.append(cpu_seconds(server.pid) - before)
                print(f"one-file change, round {i + 1}        {seconds:6.2f} s   server CPU {cpu[-1]:5.2f} s   load {load()}")
            print(f"one-file change, median            {statistics.median(times):6.2f} s   server CPU {statistics.median(cpu):5.2f} s"
                  "   budget ≤ 3 s")
            if args.browser:
                print(f"one-file change in Chromium (live reload) {browser_round(url, save, others[-1].name, others[-1].id):6.2f} s"
                      f"  load {load()}")
            time.sleep(1.0)
            path.write_text(original.replace("villages:", "villages: [", 1), encoding="utf-8")
            bad = wait(lambda: "预览暂停" in fetch(url), 60)
            print(f"bad save → problem page            {bad:6.2f} s        load {load()}")
            time.sleep(1.0)
            path.write_text(original, encoding="utf-8")
            fixed = wait(lambda: "预览暂停" not in (page := fetch(url)) and village.short_name in page, 60)
            print(f"fix → page again                   {fixed:6.2f} s        load {load()}")
        except TimeoutError:
            print((Path(tmp) / "serve.log").read_text(encoding="utf-8")[-3000:], file=sys.stderr)
            raise
        finally:
            if args.log:
                print((Path(tmp) / "serve.log").read_text(encoding="utf-8"))
            stop_serve(server)
            log.close()
    return 0


def browser_round(url: str, save: Callable[[str], None], name: str, advisor_id: str) -> float:
    """Open the page in Chromium, save, and wait for the name to appear through live reload."""
    from playwright.sync_api import sync_playwright

    from tests.helpers.browser import launch

    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            page = browser.new_page()
            page.goto(url)
            time.sleep(1.0)
            start = time.perf_counter()
            save(advisor_id)
            page.get_by_text(name).first.wait_for(timeout=60_000)
            return time.perf_counter() - start
        finally:
            browser.close()


if __name__ == "__main__":
    raise SystemExit(main())
