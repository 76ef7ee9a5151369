"""Benchmark: a province-sized roster (Shandong's counts), built whole, against issue 10's budgets.

    python3 -m bench.province [--keep DIR]

Generates the synthetic province (``scripts/make_sample_roster.py --province``) into a temporary
folder (or ``--keep DIR``), then times, with the load average beside each figure: validation,
a cold ``mkdocs build`` (no cache, no earlier site), a rebuild after one township file
changed (a workstation's hours: every page of that township changes; the rest stays as published,
see generator/build/reuse.py), a cold build with the ``.cache`` an earlier run left (what CI restores:
parsed roster files, but no site; sealed with this machine's state key, as CI's are with its secret), and one city's site alone (``ROSTER_CITY``, the CI
matrix's job). Reports the peak memory of all the build's processes together, the file count and
total size.
Timings belong here, never in tests.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from bench.bench import load, open_data_report, timed_build  # noqa: E402
from tests.helpers.sites import project  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keep", type=Path, help="generate and build in this folder and keep it")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = (args.keep or Path(tmp)).resolve()
        roster = base / "province-data"
        start = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "scripts" / "make_sample_roster.py"), "--province",
                        "--out", str(roster)], check=True, capture_output=True)
        print(f"generate the province roster       {time.perf_counter() - start:6.2f} s   ({load()})")
        start = time.perf_counter()
        r = subprocess.run([sys.executable, "-m", "generator", "validate", str(roster)], capture_output=True, text=True)
        print(f"validate                           {time.perf_counter() - start:6.2f} s   ({load()})")
        print(f"  {r.stdout.strip().splitlines()[-1]}")
        folder = project(base / "project", roster)
        site = folder / "site"
        wall, tree_peak, peak_mb = timed_build(folder)
        print(f"cold build (no cache, no site)      {wall:6.2f} s wall   budget ≤ 120 s   ({load()})")
        print(f"peak memory, all processes  {tree_peak:8.0f} MB          budget ≤ 2048 MB (largest one: {peak_mb:.0f} MB)")
        files = [p for p in site.rglob("*") if p.is_file()]
        size = sum(p.stat().st_size for p in files)
        print(f"files                       {len(files):8d}")
        print(f"total size                  {size / 1e6:8.1f} MB")
        open_data_report(site)
        mtimes = {p: p.stat().st_mtime_ns for p in files}
        township = sorted((folder / "data" / "regions").rglob("*.yaml"))[len(files) % 1000]
        text = township.read_text(encoding="utf-8")
        township.write_text(text.replace("hours: 周一至周五 9:00—17:00", "hours: 周一至周五 8:30—17:00", 1), encoding="utf-8")
        wall, tree_peak, _ = timed_build(folder)
        same = sum(1 for p, m in mtimes.items() if p.exists() and p.stat().st_mtime_ns == m)
        print(f"rebuild, one township changed      {wall:6.2f} s wall   budget ≤ 15 s    ({load()})")
        print(f"  peak memory {tree_peak:.0f} MB; files left untouched (same mtime): {same} of {len(mtimes)}")
        from bench import search as search_bench  # bench/search.py: the search rows, on the whole province's site

        village = min((site / "v").iterdir())
        search_bench.measure(site, 4, f"/v/{village.name}/")
        ci = project(base / "ci", folder / "data")  # CI: a fresh checkout, the cache restored, no site
        shutil.copytree(folder / ".cache", ci / ".cache")
        wall, tree_peak, _ = timed_build(ci)
        print(f"cold build, .cache restored (CI)   {wall:6.2f} s wall   budget ≤ 120 s   ({load()})")
        print(f"  peak memory {tree_peak:.0f} MB")
        city = project(base / "one-city", roster)  # a CI job of the per-city matrix: no cache, no site
        os.environ["ROSTER_CITY"] = "3715"
        try:
            wall, tree_peak, _ = timed_build(city)
            files = [p for p in (city / "site").rglob("*") if p.is_file()]
            print(f"one city's site (ROSTER_CITY=3715), cold {wall:6.2f} s wall   ({load()})")
            print(f"  peak memory {tree_peak:.0f} MB; {len(files)} files, {sum(p.stat().st_size for p in files) / 1e6:.1f} MB")
            township = sorted((city / "data" / "regions").glob("3715*/*.yaml"))[0]
            text = township.read_text(encoding="utf-8")
            township.write_text(text.replace("hours: 周一至周五 9:00—17:00", "hours: 周一至周五 8:30—17:00", 1), encoding="utf-8")
            wall, _, _ = timed_build(city)
            print(f"one city's site, rebuild after one of its townships changed {wall:6.2f} s wall   ({load()})")
        finally:
            del os.environ["ROSTER_CITY"]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
