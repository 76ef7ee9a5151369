"""Mutation testing of the browser's search modules: how many deliberate faults the Node unit tests catch.

    python3 -m bench.stryker [--report] [--survivors]

Runs StrykerJS (pinned in tests/node/package.json; configured in tests/node/stryker.config.json)
under ``nice -n 10`` over ``overrides/assets/javascripts/search/*.js`` with the unit tests of
``tests/node/search/`` (the tap runner, each mutant against the test files that cover it), then
prints per module the mutants, how many the tests killed, those listed as equivalent in
``tests/mutation-equivalents.md`` (its "search modules" table), the survivors and the score
(killed ÷ (mutants − equivalent)), with the run time and the load average. A timeout counts as
killed; a mutant no test reaches ("no coverage") counts as a survivor.

A mutant is named by its place and kind, ``module.js:line:column Mutator "replacement"`` (the
replacement cut to 40 characters): Stryker's own ids change from run to run. ``--survivors``
prints every survivor's name and replacement, to add a test or, if no behaviour changes, a line
to the equivalents' table; ``--report`` prints the last run's figures without running anything.
Not part of CI: the whole run takes some ten minutes on this 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.mutation import print_scores

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "tests" / "node"
REPORT = ROOT / "mutants" / "stryker" / "mutation.json"
EQUIVALENTS = ROOT / "tests" / "mutation-equivalents.md"
KILLED = {"Killed", "Timeout"}


def load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def name(module: str, mutant: dict[str, Any]) -> str:
    start = mutant["location"]["start"]
    replacement = " ".join(str(mutant.get("replacement", "")).split())[:40]
    return f'{module}:{start["line"]}:{start["column"]} {mutant["mutatorName"]} "{replacement}"'


def equivalents() -> set[str]:
    """Mutant names listed in tests/mutation-equivalents.md (first column, in backquotes)."""
    if not EQUIVALENTS.exists():
        return set()
    return set(re.findall(r"^\|\s*`([\w.-]+\.js:\d+:\d+ \w+ \"[^`]*\")`\s*\|", EQUIVALENTS.read_text(encoding="utf-8"), re.M))


def mutants() -> dict[str, dict[str, str]]:
    """Each module's mutants of the last run: name → status."""
    report = json.loads(REPORT.read_text(encoding="utf-8"))
    out: dict[str, dict[str, str]] = {}
    for path, file in sorted(report["files"].items()):
        module = Path(path).name
        out[module] = {name(module, m): m["status"] for m in file["mutants"]}
    return out


def report(show_survivors: bool) -> int:
    """Print the table (and the survivors); return how many modules are below 90 %."""
    listed, found = equivalents(), mutants()
    below = print_scores(found, listed, KILLED, width=12)
    survivors = [n for status in found.values() for n, s in status.items() if s not in KILLED and n not in listed]
    if show_survivors and survivors:
        print("survivors:", *survivors, sep="\n  ")
    return below


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--report", action="store_true", help="print the last run's figures, run nothing")
    ap.add_argument("--survivors", action="store_true", help="also list the mutants that survived")
    args = ap.parse_args()
    if not args.report:
        stryker = NODE / "node_modules" / ".bin" / "stryker"
        if not stryker.exists():
            sys.exit(f"{stryker} is missing: run sh tests/setup.sh (npm ci in tests/node)")
        print(f"stryker: {load()}", flush=True)
        start = time.perf_counter()
        log = REPORT.parent / "run.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("w", encoding="utf-8") as out:
            run = subprocess.run(["nice", "-n", "10", str(stryker), "run", str(NODE / "stryker.config.json")],
                                 cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        if run.returncode != 0:
            print(f"stryker failed (exit {run.returncode}): see {log.relative_to(ROOT)}")
            return 1
        print(f"run time {(time.perf_counter() - start) / 60:.1f} min, {load()}")
    return 1 if report(args.survivors) else 0


if __name__ == "__main__":
    raise SystemExit(main())
