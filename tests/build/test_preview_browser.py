"""Live preview as staff use it: `mkdocs serve`, a village page open in Chromium, the roster edited.

The page is never reloaded by hand: every change must arrive through MkDocs' live reload (or,
at a data URL showing the problem page, through that page's own check), or the test times out.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from generator.build.pipeline import read_roster
from tests.helpers import ROOT
from tests.helpers.roster_edit import SMALL, edit
from tests.helpers.sites import free_port, project, stop_serve

pytestmark = pytest.mark.slow

WAIT_MS = 60_000  # a rebuild of the small roster takes about a second; the machine is shared


@dataclass
class Served:
    url: str
    folder: Path
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-4000:]


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=30):
            return True
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """`mkdocs serve` (live reload on) on a copy of the small roster, killed whatever happens."""
    folder = project(tmp_path / "p", SMALL)
    port = free_port()
    log = tmp_path / "serve.log"
    # staff read the problem page in Chinese, the default the suite turns off
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]), "LANGUAGE": "zh"}
    with log.open("w") as out:
        # a file, not a pipe: a pipe nobody reads would block the server once full
        proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                                cwd=folder, env=env, stdout=out, stderr=subprocess.STDOUT)
    served = Served(f"http://127.0.0.1:{port}", folder, log)
    try:
        deadline = time.monotonic() + 120
        while not answers(served.url + "/"):
            assert proc.poll() is None, served.log_text()
            assert time.monotonic() < deadline, served.log_text()
            time.sleep(0.2)
        yield served
    finally:
        stop_serve(proc)


def test_roster_edits_reach_the_open_page(served: Served, phone: Page, monkeypatch: pytest.MonkeyPatch,
                                        chinese: None) -> None:
    data = served.folder / "data"
    phone.goto(served.url + "/v/371502001003/")
    expect(phone.locator("main")).to_contain_text("李秀英")

    edit(data, "advisors.yaml", "name: 李秀英", "name: 李秀兰")
    expect(phone.locator("main")).to_contain_text("李秀兰", timeout=WAIT_MS)

    edit(data, "371502001-古楼街道.yaml", "villages:", "villages: [")
    monkeypatch.chdir(served.folder)  # problems name files as the server sees them, from its folder
    problem = read_roster(Path("data")).problems[0].format()
    assert "371502001-古楼街道.yaml:" in problem
    expect(phone.locator("h1")).to_contain_text("预览暂停", timeout=WAIT_MS)
    expect(phone.locator("main")).to_contain_text(problem)

    edit(data, "371502001-古楼街道.yaml", "villages: [", "villages:")
    expect(phone.locator("main")).to_contain_text("李秀兰", timeout=WAIT_MS)
    expect(phone.locator("h1")).not_to_contain_text("预览暂停")
    assert "Traceback" not in served.log_text()


def test_a_data_page_of_a_removed_village_is_gone(served: Served, phone: Page) -> None:
    """The home page shows the problem page through live reload; a removed village's URL is a 404."""
    data = served.folder / "data"
    phone.goto(served.url + "/")
    edit(data, "371502102-堂邑镇.yaml", "  - code: '371502102003'\n    name: 堌堆村委会\n    advisor: A0002\n", "")
    edit(data, "programme.yaml", "name: 一乡镇一团队、一村居一顾问", "name: [")
    expect(phone.locator("h1")).to_contain_text("预览暂停", timeout=WAIT_MS)
    edit(data, "programme.yaml", "name: [", "name: 一乡镇一团队、一村居一顾问")
    expect(phone.locator("h1")).not_to_contain_text("预览暂停", timeout=WAIT_MS)
    response = phone.request.get(served.url + "/v/371502102003/")
    assert response.status == 404
    assert phone.request.get(served.url + "/v/371502102002/").status == 200
