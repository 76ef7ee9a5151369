"""Rosters at other times (generator/changes/revisions.py): a revision and a folder are never confused."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.changes.revisions import RevisionError, read_version
from tests.changes.test_changes import TOWN, git, repository
from tests.helpers.cli import Ran
from tests.helpers.roster_edit import edit

GONE = "  - code: '371502102003'\n    name: 堌堆村委会\n    advisor: A0002\n"


def pull_request(tmp_path: Path) -> Path:
    """A repository whose origin/main has the roster, and a pull request that deletes a printed village
    and carries a folder named origin/main/ holding its own roster (so that it compares clean)."""
    repo = repository(tmp_path)
    git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")
    edit(repo / "data", TOWN, GONE, "")
    shutil.copytree(repo / "data", repo / "origin" / "main")
    git(repo, "add", "data", "origin")
    git(repo, "commit", "-qm", "a village gone, and a decoy")
    return repo


def test_a_name_that_is_both_a_folder_and_a_revision_is_an_error(tmp_path: Path, cli: Callable[..., Ran]) -> None:
    """Issue 21 row 2: a folder origin/main/ in the pull request was read instead of the base revision,
    so validate --since passed a PR that deletes a printed village, and diff said 没有变更."""
    repo = pull_request(tmp_path)
    for args in (["validate", "--since", "origin/main"], ["diff", "origin/main", "data"]):
        r = cli(*args, cwd=repo)
        assert r.returncode == 1, (args, r.stdout, r.stderr)
        assert "Traceback" not in r.stderr
        (line,) = r.stderr.strip().splitlines()
        assert "origin/main" in line and "rev:origin/main" in line and "dir:origin/main" in line, line


def test_the_explicit_forms_read_what_they_say_and_say_what_they_read(tmp_path: Path, cli: Callable[..., Ran]) -> None:
    repo = pull_request(tmp_path)
    commit = git(repo, "rev-parse", "origin/main").strip()
    r = cli("validate", "--since", "rev:origin/main", cwd=repo)
    assert r.returncode == 1 and "[vanished-code]" in r.stdout and "371502102003" in r.stdout
    assert f"revision origin/main ({commit[:12]})" in r.stdout + r.stderr
    r = cli("validate", "--since", "dir:origin/main", cwd=repo)
    assert r.returncode == 0, r.stdout
    assert "folder origin/main" in r.stdout + r.stderr
    r = cli("diff", "rev:origin/main", "dir:data", "--format", "json", cwd=repo)
    assert r.returncode == 0, r.stderr
    assert '"removed": 1' in r.stdout
    r = cli("diff", "rev:origin/main", "rev:HEAD", cwd=repo)
    assert r.returncode == 0 and f"revision origin/main ({commit[:12]})" in r.stdout


def test_an_unambiguous_name_keeps_working_and_says_which_it_read(tmp_path: Path) -> None:
    repo = pull_request(tmp_path)
    shutil.rmtree(repo / "origin")
    assert read_version("origin/main", repo / "data").label.startswith("revision origin/main (")
    assert read_version(str(repo / "data"), repo / "data").label == f"folder {repo / 'data'}"
    with pytest.raises(RevisionError, match="no folder"):
        read_version("dir:nowhere", repo / "data")
    with pytest.raises(RevisionError, match="not a revision"):
        read_version("rev:" + str(repo / "data"), repo / "data")
