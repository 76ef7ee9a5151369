"""What the open data costs the build: its CPU beside the CPU of rendering every page.

    python3 -m bench.opendata [--rounds N]

The open data (issue 25: the tables, HSDS, schemas and data package under ``data/``, and each
village's ``v/<code>/index.json``) is made in the render workers beside the pages. Wall times on this
shared 2-core machine swing by a factor of two between two identical builds, so an A/B of two builds
cannot see a 10 % budget; this measures CPU time in one process instead, round after round, the open
data's beside a whole cold build's (every process's CPU: MkDocs, the render workers, the search
index, the service worker's digest), and prints the open data's share of the user CPU, round by round
(the machine's speed drifts; a round's parts run one after the other), with the median. The system
CPU (writing and deleting files; the open data adds 6,537 of the site's 24,918) is printed beside it:
on this machine's ext4 with online discard it swings from 6 to 11 s between identical builds.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from generator.build.pipeline import read_roster
from generator.site.opendata import Edition, part_files, parts
from generator.site.pages import Site, environment, find_assets

ROOT = Path(__file__).resolve().parent.parent


def cpu(work: Callable[[], int]) -> float:
    """CPU seconds of this process while ``work`` runs."""
    start = time.process_time()
    work()
    return time.process_time() - start


def build_cpu(project: Path) -> tuple[float, float]:
    """User and system CPU seconds of every process of one cold ``mkdocs build`` of ``project``."""
    for made in ("site", ".cache"):
        shutil.rmtree(project / made, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=project, check=True,
                   env={**os.environ, "PYTHONPATH": str(project), "NO_MKDOCS_2_WARNING": "1"})
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3, help="rounds (default 3)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-opendata-"))
    project = tmp / "project"
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(".git", "site", ".cache", ".venv", "node_modules",
                                                                  "mutants", "__pycache__"))
    first = build_cpu(project)
    roster = read_roster(project / "data").roster
    edition = Edition("0123456789ab", "2026-12-01")
    site = Site(roster, environment(project / "overrides" / "data"), find_assets(project / "site"), "bench", None, edition)

    def tables() -> int:  # the tables, HSDS, schemas and data packages under data/
        return sum(len(data) for key in parts(roster) for _, data in part_files(roster, key, edition))

    def api() -> int:  # each village's (and retired code's) index.json
        return sum(len(site.village_api(v)[1]) for v in roster.villages) + sum(
            len(site.retired_api(r)[1]) for r in roster.retired_villages)

    shares = []
    for i in range(args.rounds):
        user, system = first if i == 0 else build_cpu(project)
        t, a = cpu(tables), cpu(api)
        shares.append((t + a) / (user - t - a))
        print(f"round {i + 1}: cold build {user:.2f} s user CPU (+ {system:.2f} s system); open data {t:.2f} s (tables, "
              f"HSDS, schemas) + {a:.2f} s (villages' index.json) = {shares[-1]:.1%} of the rest of the build's user CPU "
              f"(load {os.getloadavg()[0]:.2f})", flush=True)
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"open data / the rest of the build, user CPU: median {statistics.median(shares):.1%}  budget ≤ 10 %")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
