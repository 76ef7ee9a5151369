"""Benchmark: build the full sample site and report the figures the issues budget.

    python3 bench/bench.py [--keep DIR]

Prints wall time, peak memory, file count, total size, the median village page size,
and the bytes a phone transfers (gzip) for the first view of a village page.
Timings belong here, never in tests.
"""

from __future__ import annotations

import argparse
import gzip
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keep", type=Path, help="build into this folder and keep it")
    args = ap.parse_args()
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "generator", "validate"], cwd=ROOT, check=True, capture_output=True)
    validate = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        site = (args.keep or Path(tmp) / "site").resolve()
        start = time.perf_counter()
        run = subprocess.run(["mkdocs", "build", "-q", "-d", str(site)], cwd=ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - start
        if run.returncode:
            print(run.stderr, file=sys.stderr)
            return 1
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        files = [p for p in site.rglob("*") if p.is_file()]
        size = sum(p.stat().st_size for p in files)
        villages = sorted(site.glob("v/*/index.html"))
        sizes = [p.stat().st_size for p in villages]
        median_page = max(villages, key=lambda p: -abs(p.stat().st_size - statistics.median(sizes)))
        fv, loaded = first_view_bytes(site, median_page)
        print(f"validate (python -m generator validate) {validate:5.2f} s  budget < 3 s")
        print(f"full build (mkdocs build)   {wall:8.2f} s wall        budget ≤ 15 s")
        print(f"peak memory                 {peak_mb:8.0f} MB          budget ≤ 1024 MB")
        print(f"files                       {len(files):8d}")
        print(f"total size                  {size / 1e6:8.1f} MB")
        print(f"village pages               {len(villages):8d}")
        print(f"median village page         {statistics.median(sizes):8.0f} B (max {max(sizes)} B)  budget ≤ 20 KB")
        print(f"first view, gzip            {fv:8d} B ({fv / 1024:.1f} KB)  budget ≤ 120 KB")
        print(f"  page + {', '.join(loaded)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
