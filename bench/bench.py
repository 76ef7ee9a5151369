"""Benchmark: build the full sample site and report the figures the issues budget.

    python3 -m bench.bench [--keep DIR]

Builds a copy of the project three times: cold (no cache, no earlier site), again with
nothing changed, and after a township file was saved. Prints wall times with the load
average, peak memory, how many files a rebuild left untouched, file count, total size, the
median village page size, and the bytes a phone transfers (gzip) for the first view of a
village page.
Timings belong here, never in tests.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def tree_rss_mb(root: int) -> float:
    """Resident memory of a process and all its descendants, from /proc (Linux)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        pid = int(status.parent.name)
        parents[pid] = int(fields["PPid"])
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0])
    tree, grew = {root}, True
    while grew:
        more = {p for p, pp in parents.items() if pp in tree} - tree
        grew = bool(more)
        tree |= more
    return sum(rss.get(p, 0) for p in tree) / 1024


def first_view_bytes(site: Path, page: Path) -> tuple[int, list[str]]:
    """gzip bytes of a page and everything it loads before first paint (CSS, JS, icon)."""
    html = page.read_text(encoding="utf-8")
    refs = re.findall(r'<link[^>]+href="([^"]+)"[^>]*>', html)
    refs = [r for r, tag in zip(refs, re.findall(r"<link[^>]+>", html)) if 'rel="stylesheet"' in tag or 'rel="icon"' in tag]
    refs += re.findall(r'<script[^>]+src="([^"]+)"', html)
    total = len(gzip.compress(page.read_bytes(), 6))
    loaded = []
    for ref in refs:
        path = (page.parent / ref).resolve()
        if path.is_file():
            data = path.read_bytes()
            total += len(data) if path.suffix == ".png" else len(gzip.compress(data, 6))
            loaded.append(str(path.relative_to(site.resolve())))
    return total, loaded


def timed_build(folder: Path) -> tuple[float, float, float]:
    """``mkdocs build`` in ``folder``: wall seconds, peak memory of all its processes (MB), largest one (MB)."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=folder, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    tree_peak = 0.0
    while proc.poll() is None:  # all processes of the build together, sampled
        tree_peak = max(tree_peak, tree_rss_mb(proc.pid))
        time.sleep(0.05)
    wall = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(proc.stderr.read() if proc.stderr else "build failed")
    return wall, tree_peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def open_data_report(site: Path) -> None:
    """The open data's files (``/data/`` but the statistics, the villages' ``index.json``): how many, how
    large, the largest against issue 25's 10 MB."""
    data = [p for p in (site / "data").rglob("*") if p.is_file() and not p.name.startswith("stats.")]
    api = list(site.glob("v/*/index.json"))
    if not data:
        print("open data: none")
        return
    largest = max(data, key=lambda p: p.stat().st_size)
    print(f"open data: {len(data)} files, {sum(p.stat().st_size for p in data) / 1e6:.1f} MB; largest "
          f"{largest.relative_to(site)} {largest.stat().st_size / 1e6:.2f} MB  budget ≤ 10 MB a file")
    print(f"  villages' index.json: {len(api)} files, {sum(p.stat().st_size for p in api) / 1e6:.1f} MB")


def cpu_seconds() -> float:
    """CPU seconds (user and system) of every finished child process so far: a build's is the difference
    around it, a figure the other developers' load on the machine stretches far less than wall time."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def filesystem(path: Path) -> str:
    """The filesystem ``path`` is on and its options that slow writes and deletions (Linux's /proc/mounts):
    a cold build writes 25,000 files, and on ext4 mounted with ``discard`` each build is slower than the
    last while the previous folder's blocks are discarded. Build with ``--keep /dev/shm/…`` (tmpfs) to
    measure the generator rather than the disk."""
    best, found = "", "unknown"
    for line in Path("/proc/mounts").read_text().splitlines() if Path("/proc/mounts").exists() else []:
        _dev, point, kind, options, *_ = line.split()
        if (str(path) + "/").startswith(point.rstrip("/") + "/") and len(point) >= len(best):
            slow = [o for o in options.split(",") if o in ("discard", "sync", "dirsync")]
            best, found = point, kind + (f" ({', '.join(slow)})" if slow else "")
    return found


def load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keep", type=Path, help="build in this folder and keep it")
    args = ap.parse_args()
    from tests.helpers.roster_edit import edit
    from tests.helpers.sites import project

    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "generator", "validate"], cwd=ROOT, check=True, capture_output=True)
    validate = time.perf_counter() - start
    print(f"validate (python -m generator validate) {validate:5.2f} s  budget < 3 s   ({load()})")
    with tempfile.TemporaryDirectory() as tmp:
        folder = project((args.keep or Path(tmp) / "project").resolve(), ROOT / "data")
        site = folder / "site"
        print(f"build folder on {filesystem(folder)}")
        cpu = cpu_seconds()
        wall, tree_peak, peak_mb = timed_build(folder)
        print(f"cold build (no cache, no site)    {wall:6.2f} s wall   budget ≤ 8 s    ({load()})")
        print(f"  CPU, all processes        {cpu_seconds() - cpu:8.2f} s")
        print(f"peak memory, all processes  {tree_peak:8.0f} MB          budget ≤ 1024 MB (largest one: {peak_mb:.0f} MB)")
        mtimes = {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}
        cpu = cpu_seconds()
        wall, _, _ = timed_build(folder)
        rebuild_cpu = cpu_seconds() - cpu
        same = sum(1 for p, m in mtimes.items() if p.exists() and p.stat().st_mtime_ns == m)
        print(f"rebuild, nothing changed          {wall:6.2f} s wall   budget ≤ 4 s    ({load()})")
        print(f"  CPU, all processes        {rebuild_cpu:8.2f} s")
        print(f"  files left untouched (same mtime): {same} of {len(mtimes)}")
        township = next((folder / "data" / "regions").rglob("*.yaml"))
        edit(folder / "data", township.name, "advisor: ", "advisor:  ")  # same data, new bytes: a save
        edit(folder / "data", "programme.yaml", "max_villages_per_advisor: 6", "max_villages_per_advisor: 6 ")
        wall, _, _ = timed_build(folder)
        print(f"rebuild after a township file was saved {wall:6.2f} s wall   ({load()})")
        files = [p for p in site.rglob("*") if p.is_file()]
        size = sum(p.stat().st_size for p in files)
        villages = sorted(site.glob("v/*/index.html"))
        sizes = [p.stat().st_size for p in villages]
        median_page = max(villages, key=lambda p: -abs(p.stat().st_size - statistics.median(sizes)))
        open_data_report(site)
        fv, loaded = first_view_bytes(site, median_page)
        print(f"files                       {len(files):8d}")
        print(f"total size                  {size / 1e6:8.1f} MB")
        print(f"village pages               {len(villages):8d}")
        print(f"median village page         {statistics.median(sizes):8.0f} B (max {max(sizes)} B)  budget ≤ 20 KB")
        print(f"first view, gzip            {fv:8d} B ({fv / 1024:.1f} KB)  budget ≤ 120 KB")
        print(f"  page + {', '.join(loaded)}")
        from bench import search as search_bench  # bench/search.py: the search rows, on this very site

        search_bench.measure(site, 4, "/v/371502102201/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
