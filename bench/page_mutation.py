"""Mutation testing of the templates and stylesheets: named faults a person would notice, and whether the fast tests catch them.

    python3 -m bench.page_mutation [NAME ...] [--all-failures] [--list]

mutmut (bench/mutation.py) and StrykerJS (tests/node/stryker.config.json) mutate code; what citizens see
is also made by the templates and stylesheets in ``overrides/``. Each edit below is one such fault
("drop a tel:", "hide the advisor's name in elderly mode", "let a number wrap"…). The script copies the
checkout into a scratch folder once, and for each edit applies it there, runs the fast tests
(``pytest -m "not slow"``, stopping at the first failure unless ``--all-failures``) under ``nice``,
records the edit as killed (a test failed: the first one is named) or survived, and puts the file back.
An edit whose text is no longer in its file is reported as stale (the templates changed: update it).

The score is killed ÷ (edits − equivalent); the equivalent edits are listed, with the reason nothing a
person sees changes, in tests/mutation-equivalents.md (the names in its "templates and stylesheets"
table). Not part of CI: each surviving edit costs one run of the fast tests (about a minute here).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENTS = ROOT / "tests" / "mutation-equivalents.md"
FIRST = ("tests/site/test_page_kinds_browser.py", "tests/build/test_site.py", "tests/site")


@dataclass(frozen=True)
class Edit:
    """One fault: in ``path`` (under overrides/), ``old`` becomes ``new``; an empty ``old`` appends ``new``."""

    name: str
    path: str
    old: str
    new: str


def _hide_in_elderly_mode(name: str, selector: str) -> Edit:
    return Edit(name, "assets/stylesheets/phone.css", "", f"\nhtml.dir-senior {selector} {{ display: none; }}\n")


EDITS: tuple[Edit, ...] = (
    Edit("drop the tel: of the call buttons", "data/macros.html",
         '<a class="dir-call" href="{{ phone | tel }}">', '<a class="dir-call" href="{{ phone | phone }}">'),
    Edit("drop the tel: of the 404 page's hotline", "404.html",
         'href="tel:{{ config.extra.hotline | e }}"', 'href="{{ config.extra.hotline | e }}"'),
    Edit("drop the tel: of the header's hotline", "data/chrome.html",
         'href="tel:{{ hotline | e }}"', 'href="{{ hotline | e }}"'),
    Edit("drop the tel: of the hotline box", "data/base.html",
         'href="{{ programme.hotline | tel }}">拨打', 'href="#">拨打'),
    Edit("drop the tel: of a team member's number", "data/macros.html",
         '<a class="dir-tel" href="{{ a.phone | tel }}">', '<a class="dir-tel" href="{{ a.phone }}">'),
    Edit("dial the wrong number from the advisor's button", "data/village.html",
         '{{ m.call(advisor.phone, "拨打顾问电话") }}', '{{ m.call(township.workstation.phone, "拨打顾问电话") }}'),
    _hide_in_elderly_mode("hide the advisor's name in elderly mode", ".dir-advisor .dir-big"),
    _hide_in_elderly_mode("hide the call buttons in elderly mode", "a.dir-call"),
    _hide_in_elderly_mode("hide a retired place's successors in elderly mode", ".dir-retired .dir-big"),
    _hide_in_elderly_mode("hide the header's hotline in elderly mode", ".dir-hotline"),
    _hide_in_elderly_mode("hide the search box in elderly mode", ".dir-search"),
    _hide_in_elderly_mode("hide the save-to-contacts button in elderly mode", "a.dir-save"),
    Edit("let a number wrap", "assets/stylesheets/directory.css",
         ".dir-num, .md-typeset a.dir-tel { white-space: nowrap; }", ".md-typeset a.dir-tel { white-space: nowrap; }"),
    Edit("let a ☎ link wrap", "assets/stylesheets/directory.css",
         ".dir-num, .md-typeset a.dir-tel { white-space: nowrap; }", ".dir-num { white-space: nowrap; }"),
    Edit("call buttons below 48 px", "assets/stylesheets/directory.css",
         "justify-content: center; min-height: 52px;\n  min-width: 12em;", "justify-content: center; min-height: 40px;\n  min-width: 12em;"),
    Edit("call buttons no taller in elderly mode", "assets/stylesheets/phone.css",
         "a.dir-call { font-size: 1.1em; min-height: 64px;", "a.dir-call { font-size: 1.1em; min-height: 52px;"),
    Edit("call buttons wider than a phone", "assets/stylesheets/directory.css",
         "min-height: 52px;\n  min-width: 12em;", "min-height: 52px;\n  min-width: 24em;"),
    Edit("pale call buttons", "assets/stylesheets/directory.css", "--dir-green: #17692f;", "--dir-green: #4caf50;"),
    Edit("no larger text in elderly mode", "assets/stylesheets/phone.css",
         "html.dir-senior .md-typeset { font-size: 1.1rem;", "html.dir-senior .md-typeset { font-size: .9rem;"),
    Edit("elderly mode forgotten on the next page", "data/chrome.html",
         "try{localStorage.setItem(k,on?'1':'0')}catch(e){}", ""),
    Edit("the 长辈模式 button never says it is on", "data/chrome.html",
         "b.setAttribute('aria-pressed',on?'true':'false')", "b.setAttribute('aria-pressed','false')"),
    Edit("the advisor's name left out of the village page", "data/village.html",
         '<p class="dir-big"><a href="{{ root }}{{ advisor_url(advisor.id) }}">{{ advisor.name }}</a></p>',
         '<p class="dir-big"><a href="{{ root }}{{ advisor_url(advisor.id) }}">本村法律顾问</a></p>'),
    Edit("the advisor's name links to the village itself", "data/village.html",
         '<a href="{{ root }}{{ advisor_url(advisor.id) }}">{{ advisor.name }}</a>',
         '<a href="{{ root }}{{ village_url(village.code) }}">{{ advisor.name }}</a>'),
    Edit("a retired place's successors not linked", "data/retired.html",
         '<a href="{{ root }}{{ page_url(s.code) }}">{{ s.name }}</a>', '{{ s.name }}'),
    Edit("the official name left out of the village page", "data/village.html",
         '<p class="dir-sub dir-extra">{{ village.name }} · 代码', '<p class="dir-sub dir-extra">代码'),
    Edit("the offline page's retry forgets where the reader was", "data/offline.html", "if(/^\\/[^\\/]/.test(p)||p==='/')a.href=p", ""),
    # a hand probe (tests/mutation-equivalents.md, 2026-12-06): all but the township's, the hours' and the cards' edits
    # survived the fast tests until tests were added for them
    Edit("the township's villages list their advisor's role, not name", "data/township.html",
         '{{ a.name if a else "暂无顾问" }}', '{{ a.role_name if a else "暂无顾问" }}'),
    Edit("drop the tel: of the advisor serving a retired place's people now", "data/retired.html",
         'href="{{ advisor.phone | tel }}"', 'href="{{ advisor.phone | phone }}"'),
    Edit("the workstation's hours left out of the village page", "data/village.html",
         "{{ township.workstation.address }}<br>{{ township.workstation.hours }}<br>", "{{ township.workstation.address }}<br>"),
    _hide_in_elderly_mode("hide where to go (workstation, centre) in elderly mode", 'section[aria-labelledby="h-where"]'),
    Edit("pale roles and official names", "assets/stylesheets/directory.css",
         ".dir-sub, .dir-role { color: #545454;", ".dir-sub, .dir-role { color: #9e9e9e;"),
    Edit("the offline page looks for saved pages in the wrong caches", "assets/javascripts/saved.js",
         "const PREFIX = 'dir-';", "const PREFIX = 'sw-';"),
    Edit("search results without where the place is", "assets/javascripts/search/box.js", "a.append(name, line);", "a.append(name);"),
    Edit("a search that finds nothing offers no hotline", "assets/javascripts/search/box.js",
         "const dead = !found.count && !state.busy;", "const dead = !found.count && state.busy;"),
    Edit("printed cards without the workstation's phone", "data/print.html",
         "法律服务工作站 {{ t.workstation_phone }}</p>", "法律服务工作站</p>"),
    Edit("the header's search forgets the reader's unit", "data/chrome.html",
         '{% if county %} data-county="{{ county | e }}"{% endif %}', ""),
    Edit("the advisor's name no larger in elderly mode", "assets/stylesheets/phone.css",
         "html.dir-senior .md-typeset .dir-big { font-size: 1.6em; }", "html.dir-senior .md-typeset .dir-big { font-size: 1em; }"),
)


def equivalents() -> set[str]:
    """Edit names listed as equivalent in tests/mutation-equivalents.md (rows ``| page: NAME | … |``)."""
    text = EQUIVALENTS.read_text(encoding="utf-8") if EQUIVALENTS.exists() else ""
    return set(re.findall(r"^\| page: ([^|]+?) \|", text, re.M))


def scratch_copy(into: Path) -> Path:
    """The checkout's tracked and new files (not ignored ones: no site, no caches) copied into ``into``."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode("utf-8").split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, into / name)
    node_modules = ROOT / "tests" / "node" / "node_modules"
    if node_modules.exists():
        (into / "tests" / "node" / "node_modules").symlink_to(node_modules.resolve())
    # a repository of its own: some tests list the project's files with git
    git = ["git", "-c", "user.name=page-mutation", "-c", "user.email=page-mutation@localhost"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "scratch copy"]):
        subprocess.run([*git, *command], cwd=into, check=True, capture_output=True)
    return into


def run_tests(copy: Path, all_failures: bool) -> tuple[bool, list[str]]:
    """Run the fast tests in the copy: whether one failed, and the failed tests' names."""
    # the tests that read pages first, so that a killed edit stops early; then the rest (pytest runs each once)
    # (not the repository's checks: the copy's history is one commit of its own, which has no parent to count from)
    args = [sys.executable, "-m", "pytest", *FIRST, "tests", "--ignore=tests/test_repository.py", "-m", "not slow", "-q",
            "-p", "no:cacheprovider", "--tb=no", "-rf"]
    if not all_failures:
        args.append("-x")
    env = {**os.environ, "PYTHONPATH": str(copy)}
    run = subprocess.run(["nice", "-n", "10", *args], cwd=copy, capture_output=True, text=True, env=env)
    failed = [line.split()[1] for line in run.stdout.splitlines() if line.startswith(("FAILED ", "ERROR "))]
    if run.returncode not in (0, 1):
        failed.append(f"(pytest exit {run.returncode})")
    return run.returncode != 0, failed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help="run only the edits whose name contains one of these")
    ap.add_argument("--all-failures", action="store_true", help="run every fast test for each edit, not only to the first failure")
    ap.add_argument("--list", action="store_true", help="list the edits and exit")
    args = ap.parse_args()
    edits = [e for e in EDITS if not args.names or any(n in e.name for n in args.names)]
    if args.list:
        for e in edits:
            print(f"{e.name}  ({e.path})")
        return 0
    listed = equivalents()
    results: dict[str, str] = {}
    load = "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    print(f"{len(edits)} edits of overrides/, fast tests for each; {load}", flush=True)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="page-mutation-") as tmp:
        copy = scratch_copy(Path(tmp))
        ok, failed = run_tests(copy, False)
        if ok:
            print("the fast tests fail without any edit:", *failed)
            return 1
        for e in edits:
            path = copy / "overrides" / e.path
            original = path.read_text(encoding="utf-8")
            if e.old and original.count(e.old) != 1:
                results[e.name] = "stale"
                print(f"{'stale':9} {e.name}: its text is in {e.path} {original.count(e.old)} times, not once", flush=True)
                continue
            path.write_text(original.replace(e.old, e.new) if e.old else original + e.new, encoding="utf-8")
            try:
                killed, failed = run_tests(copy, args.all_failures)
            finally:
                path.write_text(original, encoding="utf-8")
            status = "killed" if killed else "equivalent" if e.name in listed else "SURVIVED"
            results[e.name] = status
            print(f"{status:9} {e.name}" + (f": {', '.join(failed)}" if failed else ""), flush=True)
    counted = [s for s in results.values() if s in ("killed", "SURVIVED")]
    killed = counted.count("killed")
    print(f"\n{killed} of {len(counted)} non-equivalent edits killed ({killed / max(1, len(counted)):.0%}); "
          f"{list(results.values()).count('equivalent')} equivalent, {list(results.values()).count('stale')} stale; "
          f"{(time.perf_counter() - start) / 60:.1f} min, load {os.getloadavg()[0]:.2f}")
    stale_listed = sorted(n for n, s in results.items() if n in listed and s == "killed")
    if stale_listed:
        print("listed as equivalent but killed (remove from the list):", *stale_listed)
    return 0 if killed == len(counted) else 1


if __name__ == "__main__":
    raise SystemExit(main())
