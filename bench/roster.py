"""Benchmark the roster tools on full-scale rosters: diff, Excel export and import.

    python3 -m bench.roster [--rounds 3]

Makes the 2023-style roster from the sample (tests/helpers/merged.py: 6,363 villages merged into 2,408)
and times, as staff run them, ``python -m generator diff dir:data dir:<2023> --reprint FILE`` (budget
3 s), ``export data -o roster.xlsx`` (10 s) and ``import roster.xlsx -o <empty folder>`` (10 s).
Each command is a fresh process (imports included); the best and the median of the rounds
are printed with the load average, since this machine is shared. Timings belong here, never
in tests.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from tests.helpers.merged import merge_roster  # noqa: E402  (the tests' 2023 roster)

BUDGETS = {"diff": 3.0, "export": 10.0, "import": 10.0}


def timed(args: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{r.stdout}{r.stderr}")
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    rounds = ap.parse_args().rounds
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        merge_roster(ROOT / "data", tmp / "2023")
        runs: dict[str, list[float]] = {name: [] for name in BUDGETS}
        for _ in range(rounds):
            runs["diff"].append(timed(["diff", "dir:data", "dir:" + str(tmp / "2023"), "--reprint", str(tmp / "reprint.txt")], ROOT))
            runs["export"].append(timed(["export", "--data", "data", "-o", str(tmp / "roster.xlsx")], ROOT))
            shutil.rmtree(tmp / "imported", ignore_errors=True)
            runs["import"].append(timed(["import", str(tmp / "roster.xlsx"), "--data", str(tmp / "imported")], ROOT))
        size = (tmp / "roster.xlsx").stat().st_size
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; {rounds} rounds")
    for name, times in runs.items():
        best, median = min(times), statistics.median(times)
        verdict = "ok" if median <= BUDGETS[name] else "OVER BUDGET"
        print(f"{name:7} best {best:5.2f} s  median {median:5.2f} s  (budget {BUDGETS[name]:.0f} s: {verdict})")
    print(f"workbook: {size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
