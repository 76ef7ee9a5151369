"""diff, the reprint list and validate --since, on copies of the small roster and on git history."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.build.pipeline import read_roster
from generator.changes.diff import diff, reprint_text, vanished
from generator.changes.revisions import RevisionError, read_version
from generator.cli import main
from generator.printing.cards import CardContent, card_content, print_documents
from generator.roster.load import load_documents
from tests.helpers import ROOT
from tests.helpers.cli import Ran
from tests.helpers.raster import decode_qr, rasterize
from tests.helpers.roster_edit import SMALL, copy_roster, edit

TOWN = "371502102-堂邑镇.yaml"
RETIRED = """villages:
  - code: '371502102009'
    name: 小王庄村委会
    township: '371502102'
    year: 2021
    kind: merged
    successors: ['371502102002']
"""


def both(old: Path, new: Path) -> tuple:
    return read_roster(old).roster, read_roster(new).roster


def test_a_phone_change_reprints_exactly_that_advisors_villages(tmp_path: Path, chinese: None) -> None:
    new = copy_roster(tmp_path)
    edit(new, "advisors.yaml", "'15805350004'", "'15805359999'")  # A0004 刘洋
    old_r, new_r = both(SMALL, new)
    d = diff(old_r, new_r)
    assert [(c.section, c.action, c.key) for c in d.changes] == [("advisor", "changed", "A0004")]
    assert d.changes[0].details == (("phone", "15805350004", "15805359999"),)
    served = [v.code for v in new_r.villages_of["A0004"]]
    assert served and [code for code, _ in d.reprint] == served
    assert all("顾问电话" in why for _, why in d.reprint)


def test_private_fields_never_appear_in_a_diff(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new = copy_roster(tmp_path)
    edit(new, "advisors.yaml", "notes: PRIVATE-NOTES-SENTINEL", "notes: CHANGED-PRIVATE-NOTE")
    edit(new, "advisors.yaml", "id_card: '371502198001010018'", "id_card: '11010519491231002X'")
    assert main(["diff", str(SMALL), str(new), "--format", "json"]) == 0
    out = capsys.readouterr().out
    data = json.loads(out)
    assert data["changes"] == [] and data["reprint"] == []
    assert "SENTINEL" not in out and "CHANGED-PRIVATE" not in out and "11010519491231002X" not in out


def test_what_no_card_prints_reprints_nothing(tmp_path: Path) -> None:
    new = copy_roster(tmp_path)
    edit(new, "371502001-古楼街道.yaml", "studio: 古城社区党群服务中心", "studio: 古城社区综合服务中心")
    edit(new, "organizations.yaml", "address: 东昌府区", "address: 东昌府区新址")
    d = diff(*both(SMALL, new))
    assert {(c.section, c.action) for c in d.changes} == {("village", "changed"), ("organization", "changed")}
    assert d.reprint == []


def test_the_workstation_phone_reprints_its_townships_cards(tmp_path: Path, chinese: None) -> None:
    new = copy_roster(tmp_path)
    edit(new, TOWN, "'0635-8420001'", "'0635-8420009'")
    old_r, new_r = both(SMALL, new)
    d = diff(old_r, new_r)
    assert [code for code, _ in d.reprint] == [v.code for v in new_r.township["371502102"].villages]
    assert "工作站电话" in d.changes[0].text


def test_card_content_is_what_the_card_prints(tmp_path: Path) -> None:
    """Every field of the card's content reaches the printed card, and nothing else of the roster does."""
    roster = read_roster(SMALL).roster
    village = roster.village["371502102001"]
    content = card_content(roster, village)
    (html,) = [h for _, h in print_documents(roster, [village], ROOT / "overrides", backs=True)]
    card = html[html.index('<article class="card"'):]  # the front, then the back
    for name in CardContent._fields:
        value = getattr(content, name)
        if name == "phone":
            value = "158 0535 0004"  # grouped for reading
        assert value in card, (name, value)
    # a change the card does not show leaves the printed card as it was
    new = copy_roster(tmp_path)
    edit(new, "organizations.yaml", "address: 东昌府区", "address: 东昌府区新址")
    edit(new, TOWN, "name: 前董村村民委员会", "name: 前董村村民委员会\n    studio: 前董村文化大院")
    other = read_roster(new).roster
    assert card_content(other, other.village[village.code]) == content
    (again,) = [h for _, h in print_documents(other, [other.village[village.code]], ROOT / "overrides", backs=True)]
    assert again == html


def test_reassignment_names_villages_and_both_advisors(tmp_path: Path, chinese: None) -> None:
    new = copy_roster(tmp_path)
    edit(new, TOWN, "advisor: A0004", "advisor: A0002", count=2)
    d = diff(*both(SMALL, new))
    (move,) = [c for c in d.changes if c.action == "reassigned"]
    assert move.villages == ("371502102001", "371502102002")
    assert "刘洋（A0004） → 李秀英（A0002）" in move.text and "前董村" in move.text
    assert d.counts()["advisor"] == {"reassigned": 2}
    assert [code for code, _ in d.reprint] == ["371502102001", "371502102002"]


def test_retirement_added_village_and_text_format(tmp_path: Path, capsys: pytest.CaptureFixture[str], chinese: None) -> None:
    old = copy_roster(tmp_path / "a")
    edit(old, TOWN, "villages:\n", "villages:\n  - code: '371502102009'\n    name: 小王庄村委会\n    advisor: A0004\n")
    new = copy_roster(tmp_path / "b")
    (new / "retired.yaml").write_text(RETIRED, encoding="utf-8")
    edit(new, TOWN, "villages:\n", "villages:\n  - code: '371502102010'\n    name: 新庄村委会\n    advisor: A0002\n")
    reprint = tmp_path / "reprint.txt"
    assert main(["diff", str(old), str(new), "--reprint", str(reprint)]) == 0
    out = capsys.readouterr().out
    assert "村居：新增 1，并入 1" in out
    assert "371502102009 小王庄村（堂邑镇）：2021年并入 王庄村（堂邑镇） 371502102002" in out
    assert reprint.read_text(encoding="utf-8").splitlines()[2:] == ["371502102010  # 新庄村（堂邑镇）：新村居"]


def git(repo: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_AUTHOR_DATE": "2025-03-01T10:00:00+08:00",
           "GIT_COMMITTER_DATE": "2025-03-01T10:00:00+08:00", "PATH": "/usr/bin:/bin"}
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=env).stdout


def repository(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    copy_roster(repo)
    git(repo, "add", "data")
    git(repo, "commit", "-qm", "roster")
    return repo


@pytest.mark.slow  # real builds of a roster: the full run covers it
def test_diff_of_git_revisions_and_validate_since(tmp_path: Path) -> None:
    repo = repository(tmp_path)
    edit(repo / "data", "advisors.yaml", "'15805350004'", "'15805359999'")
    edit(repo / "data", TOWN, "  - code: '371502102003'\n    name: 堌堆村委会\n    advisor: A0002\n", "")
    git(repo, "commit", "-qam", "phone, and a village gone")
    r = subprocess.run([sys.executable, "-m", "generator", "diff", "HEAD~1", "HEAD", "--format", "json"],
                       cwd=repo, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["counts"] == {"advisor": {"changed": 1}, "village": {"removed": 1}}
    # the vanished village: validate --since fails, at its township's file, with the record to add
    r = subprocess.run([sys.executable, "-m", "generator", "validate", "--since", "HEAD~1"], cwd=repo,
                       capture_output=True, text=True)
    assert r.returncode == 1
    (line,) = [ln for ln in r.stdout.splitlines() if "[vanished-code]" in ln]
    assert line.startswith("data/regions/371502-东昌府区/371502102-堂邑镇.yaml:10:1: error: villages: expected village 371502102003")
    assert "code: '371502102003'" in line and "retired.yaml" in line
    # recorded as retired: clean again
    (repo / "data" / "retired.yaml").write_text(RETIRED.replace("371502102009", "371502102003"), encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "generator", "validate", "--since", "HEAD~1"], cwd=repo,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout
    # a folder works as well as a revision
    old = read_version("HEAD~1", repo / "data").roster
    assert vanished(old, read_roster(SMALL).roster, load_documents(SMALL), "x") == []


def test_revisions_that_are_not_there(tmp_path: Path, cli: Callable[..., Ran]) -> None:
    repo = repository(tmp_path)
    with pytest.raises(RevisionError, match="neither a roster folder nor a revision"):
        read_version("no-such-branch", repo / "data")
    with pytest.raises(RevisionError, match="not a revision"):
        read_version("--output=/tmp/x", repo / "data")
    with pytest.raises(RevisionError, match="not in a git repository"):
        read_version("HEAD", tmp_path / "elsewhere")
    r = cli("diff", "HEAD", "nope", cwd=repo)
    assert r.returncode == 1 and r.stderr.startswith("error: 'nope' is neither") and "Traceback" not in r.stderr


@pytest.mark.slow  # Chromium
def test_the_reprint_pdf_decodes_to_the_changed_villages(tmp_path: Path) -> None:
    new = copy_roster(tmp_path)
    edit(new, "advisors.yaml", "'15805350004'", "'15805359999'")
    d = diff(*both(SMALL, new), "old", "new")
    (tmp_path / "reprint.txt").write_text(reprint_text(d), encoding="utf-8")
    pdf = tmp_path / "reprint.pdf"
    r = subprocess.run([sys.executable, "-m", "generator", "cards", "--villages", str(tmp_path / "reprint.txt"),
                        "-o", str(pdf), "--data", str(new)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    rasterize(pdf, 1, 150, tmp_path)
    served = [v.code for v in read_roster(new).roster.villages_of["A0004"]]
    assert sorted(decode_qr(tmp_path / "p1.pgm")) == sorted(f"https://fw.lc.example/v/{c}/" for c in served)


def test_the_change_list_names_fields_as_the_open_data_does(chinese: None) -> None:
    """A field's Chinese word in a change list is the one schema.FIELD_TITLES gives the open data."""
    from generator.changes.diff import FIELD_NAMES, field_word
    from generator.core.schema import FIELD_TITLES

    assert {key: field_word(key) for key in FIELD_NAMES} == {key: FIELD_TITLES[key] for key in FIELD_NAMES}
