"""Mutation testing of the core modules: how many deliberate faults the fast tests catch.

    python3 -m bench.mutation [MODULE ...] [--survivors] [--report] [--max-children 2]

Runs mutmut 3 (configured in pyproject.toml, ``[tool.mutmut]``) under ``nice -n 10`` over the
core modules, or only over the MODULEs named (``validate``, ``pages``…), then prints per module
the mutants, how many the tests killed, those listed as equivalent in
``tests/mutation-equivalents.md``, the survivors, the score (killed ÷ (mutants − equivalent)) and
the run time with the load average. A timeout counts as killed (the mutant hung the tests); a
mutant that no fast test reaches ("no tests") counts as a survivor.

mutmut copies ``generator/`` into ``mutants/`` with each mutant behind a switch and, for each
mutant, runs only the fast tests (``-m "not slow"``) that called the mutated function, in a
process forked from one that has already imported the tests. It checks first that the tests
import the mutated copy, not the installed package (its forced-fail run: every function raises,
and some test must fail). Tests that start ``python -m generator`` with the project as working
folder run the mutant too; a ``mkdocs build`` in a temporary folder imports the unmutated
package, so what only such a build checks is not counted as caught.

``--survivors`` runs again only the mutants that survived the last run (after adding tests);
``--report`` prints the figures of the last run without running anything. ``mutmut show NAME``
prints one mutant's diff; ``mutmut results`` lists the survivors. Not part of CI: the whole run
takes about an hour on this 2-core machine. Timings belong here, never in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENTS = ROOT / "tests" / "mutation-equivalents.md"
KILLED = {"killed", "timeout"}
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped",
          36: "timeout", 24: "timeout", -24: "timeout", 152: "timeout", 255: "timeout", None: "not checked"}


def load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def core_modules() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
    return [Path(p).stem for p in config["only_mutate"]]


def equivalents() -> set[str]:
    """Mutant names listed in tests/mutation-equivalents.md (first column of its tables)."""
    if not EQUIVALENTS.exists():
        return set()
    return set(re.findall(r"^\|\s*`?(generator\.[\w.ǁ]+__mutmut_\d+)`?\s*\|", EQUIVALENTS.read_text(encoding="utf-8"), re.M))


def results(module: str) -> dict[str, str]:
    """Each mutant of ``generator/<module>.py`` and its status in the last run."""
    meta = ROOT / "mutants" / "generator" / f"{module}.py.meta"
    if not meta.exists():
        return {}
    codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    return {name: STATUS.get(code, "suspicious") for name, code in codes.items()}


def print_scores(by_module: dict[str, dict[str, str]], listed: set[str], killed_by: set[str], width: int = 10) -> int:
    """Print per module the mutants, killed, equivalent (``listed`` and not killed), survived and the
    score (killed ÷ (mutants − equivalent)), and all together; return how many modules are below 90 %.
    ``by_module`` maps each module to its mutants' statuses; a module without any is "not run"."""
    print(f"{'module':{width}} {'mutants':>7} {'killed':>7} {'equiv.':>7} {'survived':>8} {'score':>7}  not killed")
    below = 0
    totals: Counter[str] = Counter()
    for module, status in by_module.items():
        if not status:
            print(f"{module:{width}} {'not run':>7}")
            continue
        counts = Counter(status.values())
        killed = sum(counts[s] for s in killed_by)
        equivalent = sum(1 for name, s in status.items() if name in listed and s not in killed_by)
        survived = len(status) - killed - equivalent
        score = killed / max(1, len(status) - equivalent)
        below += score < 0.9
        kinds = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()) if s not in killed_by)
        print(f"{module:{width}} {len(status):7} {killed:7} {equivalent:7} {survived:8} {score:7.1%}  {kinds}")
        totals.update(mutants=len(status), killed=killed, equivalent=equivalent, survived=survived)
    if totals["mutants"]:
        score = totals["killed"] / max(1, totals["mutants"] - totals["equivalent"])
        print(f"{'all':{width}} {totals['mutants']:7} {totals['killed']:7} {totals['equivalent']:7} {totals['survived']:8} {score:7.1%}")
    stale = sorted(name for name in listed if any(status.get(name) in killed_by for status in by_module.values()))
    if stale:
        print("listed as equivalent but killed (remove from the list):", *stale)
    return below


def report(modules: list[str]) -> int:
    """Print the table; return how many modules are below 90 %."""
    return print_scores({module: results(module) for module in modules}, equivalents(), KILLED)


def survivors(modules: list[str]) -> list[str]:
    listed = equivalents()
    return sorted(name for m in modules for name, s in results(m).items() if s not in KILLED and name not in listed)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("modules", nargs="*", help="core modules to mutate (default: all in [tool.mutmut] only_mutate)")
    ap.add_argument("--survivors", action="store_true", help="run only the mutants that survived the last run")
    ap.add_argument("--report", action="store_true", help="print the last run's figures, run nothing")
    ap.add_argument("--max-children", type=int, default=2, help="mutants tested at once (default 2)")
    args = ap.parse_args()
    modules = args.modules or core_modules()
    unknown = sorted(set(modules) - set(core_modules()))
    if unknown:
        ap.error(f"not a core module: {', '.join(unknown)} (see [tool.mutmut] only_mutate)")
    if not args.report:
        names = survivors(modules) if args.survivors else [f"generator.{m}.*" for m in modules]
        if not names:
            print("nothing to run")
            return 0
        # Tests that build a site in a temporary folder start Python there: let them import this
        # checkout (unmutated), not whichever checkout is installed in editable mode.
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        print(f"mutmut: {len(names)} {'mutants' if args.survivors else 'modules'}, {load()}", flush=True)
        start = time.perf_counter()
        log = ROOT / "mutants" / "run.log"
        log.parent.mkdir(exist_ok=True)
        # mutmut copies tests/ over its old copy: a test file removed or renamed since would still run
        shutil.rmtree(ROOT / "mutants" / "tests", ignore_errors=True)
        with log.open("w", encoding="utf-8") as out:
            run = subprocess.run(["nice", "-n", "10", sys.executable, "-m", "mutmut", "run",
                                  "--max-children", str(args.max_children), *names],
                                 cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        seconds = time.perf_counter() - start
        if run.returncode != 0:
            print(f"mutmut failed (exit {run.returncode}): see {log.relative_to(ROOT)}")
            return 1
        print(f"run time {seconds / 60:.1f} min, {load()}")
    return 1 if report(modules) else 0


if __name__ == "__main__":
    raise SystemExit(main())
