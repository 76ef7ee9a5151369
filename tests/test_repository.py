"""The repository stands on its own: a fresh clone has nothing beside it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.helpers import ROOT

OUTSIDE = "../" + "shared"  # spelt in two parts so this file does not find itself


def project_files() -> list[Path]:
    """Every file git tracks or would track (untracked files not ignored count too)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode("utf-8").split("\0")
    return [ROOT / name for name in listed if name and (ROOT / name).is_file()]


def test_nothing_refers_outside_the_repository() -> None:
    files = project_files()
    assert any(p.name == "README.md" for p in files)  # the listing itself works
    offenders = [
        str(p.relative_to(ROOT)) for p in files
        if p.stat().st_size < 5_000_000 and OUTSIDE.encode() in p.read_bytes()
    ]
    assert offenders == [], f"these files refer to {OUTSIDE}, which a clone does not have"


def test_division_lists_ship_with_their_source_and_licence() -> None:
    folder = ROOT / "scripts" / "divisions"
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "china-division" in readme and "Licence" in readme
    for year, villages in (("2019", 6363), ("2023", 2408)):
        lines = (folder / f"liaocheng-{year}.csv").read_text(encoding="utf-8").splitlines()
        assert lines[0] == "county_code,county_name,township_code,township_name,village_code,village_name"
        assert len(lines) - 1 == villages


def commit_subject(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "commit_subject.py"), *args],
                          cwd=ROOT, capture_output=True, text=True)


@pytest.mark.parametrize("message, ok", [
    ("Cut build/pipeline.py by job; the plugin only translates\n\nThe why.\n", True),
    ("x" * 72 + "\n", True),
    ("x" * 73 + "\n", False),
    ("村居页面的顾问电话改为一键拨打，并在长辈模式中放大按钮：" * 2 + "\n", True),  # 56 characters, 168 bytes
    ("# a comment git strips\n\nSubject after a comment\n", True),
    ("# only comments\n\n", False),
])
def test_the_commit_msg_hook_counts_a_subjects_characters(tmp_path: Path, message: str, ok: bool) -> None:
    (tmp_path / "COMMIT_EDITMSG").write_text(message, encoding="utf-8")
    r = commit_subject(str(tmp_path / "COMMIT_EDITMSG"))
    assert (r.returncode == 0) == ok, r.stderr


def test_commits_since_the_rule_have_subjects_of_at_most_72_characters() -> None:
    """Every commit from the one that brought the rule's check on (older subjects are history)."""
    added = subprocess.run(["git", "log", "--diff-filter=A", "--format=%H", "--", "scripts/commit_subject.py"],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert added, "scripts/commit_subject.py is in no commit"
    r = commit_subject("--since", f"{added[-1]}^")
    assert r.returncode == 0, r.stderr


def test_pre_commit_runs_the_subject_hook_offline(tmp_path: Path) -> None:
    """The configuration is valid and its commit-msg hook is the script above (local: nothing to fetch)."""
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "home")}
    pre_commit = [sys.executable, "-m", "pre_commit"]
    r = subprocess.run([*pre_commit, "validate-config", ".pre-commit-config.yaml"], cwd=ROOT, env=env,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    for subject, code in (("x" * 73, 1), ("A short subject", 0)):
        (tmp_path / "MSG").write_text(subject + "\n", encoding="utf-8")
        # --all-files: never stash the working tree's unstaged changes (a commit-msg hook reads only MSG)
        r = subprocess.run([*pre_commit, "run", "commit-subject", "--all-files", "--hook-stage", "commit-msg",
                            "--commit-msg-filename", str(tmp_path / "MSG")], cwd=ROOT, env=env,
                           capture_output=True, text=True)
        assert r.returncode == code, r.stdout + r.stderr


def test_one_version_and_the_changelog_says_it() -> None:
    """generator.__version__ is the one place; pyproject reads it; the newest release in CHANGELOG.md
    (Keep a Changelog: Unreleased on top, then releases newest first, each with its date) is it."""
    import tomllib

    import generator

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and project["project"]["dynamic"] == ["version"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "generator.__version__"}
    headings = re.findall(r"^## \[([^\]]+)\](.*)$", (ROOT / "CHANGELOG.md").read_text(encoding="utf-8"), re.M)
    assert headings[0] == ("Unreleased", "")
    releases = [(name, rest) for name, rest in headings[1:]]
    assert releases, "no release in CHANGELOG.md"
    for name, rest in releases:
        assert re.fullmatch(r"\d+\.\d+\.\d+", name) and re.fullmatch(r" - \d{4}-\d{2}-\d{2}", rest), (name, rest)
    numbers = [tuple(int(n) for n in name.split(".")) for name, _ in releases]
    assert numbers == sorted(numbers, reverse=True) and len(set(numbers)) == len(numbers)
    assert releases[0][0] == generator.__version__
