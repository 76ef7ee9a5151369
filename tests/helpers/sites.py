"""Building real sites in temporary folders, the way CI and staff do."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT


def project(tmp: Path, roster: Path) -> Path:
    """A project folder: the repo's mkdocs.yml, content and theme, with ``roster`` as data/."""
    tmp.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", tmp / "mkdocs.yml")
    for folder in ("content", "overrides"):
        shutil.copytree(ROOT / folder, tmp / folder)
    shutil.copytree(roster, tmp / "data")
    return tmp


def render_data_pages(roster_dir: Path, out: Path) -> Path:
    """The data pages alone, rendered as the build renders them (no MkDocs, no theme assets), in
    this process: fast, and what mutation testing (bench/mutation.py) sees the tests check."""
    from generator.build.output import write_files
    from generator.build.pipeline import read_roster
    from generator.site.pages import Assets, Site, environment, page_tasks

    roster = read_roster(roster_dir).roster
    site = Site(roster, environment(ROOT / "overrides" / "data"), Assets(), "test")
    for task in page_tasks(roster):
        write_files(out, site.pages_for(task))
    return out


def mkdocs_build(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=folder, capture_output=True, text=True)


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def stop_serve(proc: subprocess.Popen[str]) -> None:
    """Stop ``mkdocs serve`` with Ctrl-C, as staff do: serve then removes its temporary folder and
    the plugin its cache (SIGTERM would leave both in /tmp); killed if it does not stop in 10 s."""
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now (for `mkdocs serve --dev-addr`)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


#: The city of the synthetic province (scripts/make_sample_roster.py --province) whose own site the
#: province-scale search tests and bench/search.py --province use: it keeps every unit the search
#: tests name (东阿县 is the one it leaves out), and its site's search covers the whole province.
PROVINCE_CITY = "3706"


def province_roster(out: Path) -> Path:
    """The synthetic province roster (16 cities, 77,299 villages) written into ``out``."""
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_sample_roster.py"), "--province", "--out", str(out)],
                         capture_output=True, text=True)
    if run.returncode:
        raise RuntimeError(run.stderr)
    return out


def city_build(folder: Path, city: str) -> subprocess.CompletedProcess[str]:
    """`ROSTER_CITY=<city> mkdocs build` in ``folder``: one city's site of a province's roster."""
    env = dict(os.environ, ROSTER_CITY=city)
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=folder, capture_output=True, text=True, env=env)
