"""The workflows (roster.yml publishes; province.yml, a site per city; code.yml checks the code): linted
by actionlint and zizmor, and made only of commands the tests run."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.cli import parser
from tests.helpers import ROOT
from tests.helpers.roster_edit import SMALL, edit

WORKFLOW = ROOT / ".github" / "workflows" / "roster.yml"
PROVINCE = ROOT / ".github" / "workflows" / "province.yml"
CODE = ROOT / ".github" / "workflows" / "code.yml"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def tool(name: str) -> str:
    """A command of the test extra: beside this Python first (a virtualenv's bin/, on the PATH or not)."""
    found = shutil.which(name, path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    assert found, f"{name} is not installed: sh tests/setup.sh installs the test extra"
    return found


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_actionlint_passes(workflow: Path) -> None:
    r = subprocess.run([tool("actionlint"), "-no-color", str(workflow)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_zizmor_finds_nothing_even_pedantic(workflow: Path) -> None:
    r = subprocess.run([tool("zizmor"), "--offline", "--no-progress", "--pedantic", str(workflow)],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr


def steps(workflow: Path = WORKFLOW) -> list[dict[str, object]]:
    data = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    return [step for job in data["jobs"].values() for step in job["steps"]]


def generator_commands(workflow: Path) -> list[list[str]]:
    """The arguments of each ``python -m generator …`` line in the workflow's steps."""
    commands = []
    for step in steps(workflow):
        for line in str(step.get("run", "")).splitlines():
            words = shlex.split(line.strip().removeprefix("if ").split(" > ")[0].split(" >> ")[0], comments=True)
            if words[:3] == ["python", "-m", "generator"]:
                commands.append(words[3:])
    return commands


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_pinned_and_permissions_minimal(workflow: Path) -> None:
    data = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    assert data["permissions"] == {}
    for name, job in data["jobs"].items():
        assert set(job["permissions"].values()) <= {"read", "write"}, name
        if name != "deploy":
            assert job["permissions"] == {"contents": "read"}, name
    for step in steps(workflow):
        if "uses" in step:
            ref = str(step["uses"]).split("@", 1)[1]
            assert len(ref) == 40 and all(c in "0123456789abcdef" for c in ref), step["uses"]


def test_every_generator_command_in_the_workflow_is_one_the_cli_accepts() -> None:
    """Each ``python -m generator …`` line parses with the real parser (so a renamed option
    cannot leave the workflow behind), and each is run by a test of its own."""
    commands = generator_commands(WORKFLOW)
    assert {c[0] for c in commands} == {"validate", "diff", "cards"}
    for args in commands:
        parser().parse_args([a.replace("$BASE", "origin/main") for a in args])
    tested = {"validate --since": "changes/test_changes.py", "diff": "changes/test_changes.py", "--reprint": "changes/test_changes.py",
              "cards --villages": "changes/test_changes.py"}
    for words, test_file in tested.items():
        assert any(" ".join(c).startswith(words) or words in c for c in commands), words
        assert words.split()[-1] in (ROOT / "tests" / test_file).read_text(encoding="utf-8")


@pytest.mark.parametrize("command", ["mkdocs build", "python -m generator validate"])
def test_the_build_job_runs_what_ci_runs(command: str) -> None:
    assert any(str(step.get("run", "")).strip() == command for step in steps())


def test_the_province_matrix_takes_its_cities_from_the_roster() -> None:
    """One job per city, from the ids `cities --format json` prints (tested in test_cli.py), each
    building with ROSTER_CITY; no city id is written in the workflow."""
    data = yaml.safe_load(PROVINCE.read_text(encoding="utf-8"))
    assert generator_commands(PROVINCE) == [["validate"], ["cities", "--format", "json"]]
    for args in generator_commands(PROVINCE):
        parser().parse_args(args)
    assert "def test_cities_for_a_ci_matrix(" in (ROOT / "tests" / "test_cli.py").read_text(encoding="utf-8")
    lister, city = data["jobs"]["cities"], data["jobs"]["city"]
    assert lister["outputs"]["ids"] == "${{ steps.list.outputs.ids }}"
    assert city["needs"] == "cities"
    assert city["strategy"]["matrix"] == {"city": "${{ fromJSON(needs.cities.outputs.ids) }}"}
    assert city["env"] == {"ROSTER_CITY": "${{ matrix.city }}"}
    assert [s["run"] for s in city["steps"] if s.get("name") == "Build"] == ["mkdocs build"]
    assert "ROSTER_CITY" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")  # the plugin reads it
    assert not re.search(r"\b37\d\d\b", PROVINCE.read_text(encoding="utf-8"))  # no city id kept here


def test_the_code_workflow_runs_lint_types_and_the_quick_tests_on_code_changes_only() -> None:
    data = yaml.safe_load(CODE.read_text(encoding="utf-8"))
    runs = [str(step.get("run", "")).strip() for step in steps(CODE)]
    for command in ("python -m ruff check .", "python -m mypy --strict", 'python -m pytest -m "not slow" -q -n 2'):
        assert command in runs, command
    triggers = data[True]  # YAML 1.1 reads the key `on` as true
    assert set(triggers) == {"push", "pull_request"}
    for event in triggers.values():
        paths = event["paths"]
        assert "generator/**" in paths and "tests/**" in paths and "requirements/**" in paths
        assert not any(p.startswith("data") for p in paths)  # a roster-only change is roster.yml's


def test_the_pull_request_check_names_revisions_and_runs_the_base_branchs_code() -> None:
    """Issue 21: a pull request's checks compare with the base revision by name (rev:, never a folder the
    pull request could add under that name), run the base branch's generator and templates (not the code
    the pull request brings), and write outside the checkout (where the pull request could have put a link
    in the place of reprint.txt)."""
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    check = data["jobs"]["check"]
    commands = generator_commands(WORKFLOW)
    since = [c[c.index("--since") + 1] for c in commands if c[0] == "validate" and "--since" in c]
    compared = [a for c in commands if c[0] == "diff" for a in c[1:3]]
    assert since == ["rev:$BASE"] and compared == ["rev:$BASE", "rev:HEAD"]
    assert check["env"]["PYTHONSAFEPATH"] == "1"  # python -m generator does not import ./generator
    runs = "\n".join(str(step.get("run", "")) for step in check["steps"])
    assert 'git worktree add --detach "$RUNNER_TEMP/base" "$BASE"' in runs
    assert 'sh "$RUNNER_TEMP/base/scripts/install.sh"' in runs and "sh scripts/install.sh" not in runs
    written = [c[c.index(option) + 1] for c in commands for option in ("--reprint", "-o", "--villages") if option in c]
    assert written and all(path.startswith("$RUNNER_TEMP/") for path in written)
    cards = next(c for c in commands if c[0] == "cards")
    assert cards[cards.index("--overrides") + 1] == "$RUNNER_TEMP/base/overrides"


def test_every_job_that_prints_installs_a_chinese_font() -> None:
    """A runner has no CJK font: a job that prints cards installs fonts-noto-cjk before it does
    (cards refuses to print boxes, tests/printing/test_fonts.py)."""
    printing = 0
    for workflow in WORKFLOWS:
        for name, job in yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"].items():
            runs = [str(step.get("run", "")) for step in job.get("steps", [])]
            prints = [i for i, run in enumerate(runs) if re.search(r"python -m generator cards\b", run)]
            if not prints:
                continue
            printing += 1
            fonts = [i for i, run in enumerate(runs) if re.search(r"apt-get install\b.*\bfonts-noto-cjk\b", run)]
            assert fonts and fonts[0] < prints[0], f"{workflow.name}: job {name} prints cards without a Chinese font"
    assert printing >= 1  # the pull request's reprint PDF


def step_named(workflow: Path, job: str, name: str) -> dict[str, object]:
    data = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    return next(s for s in data["jobs"][job]["steps"] if s.get("name") == name)


def test_the_pull_request_summary_shows_the_problems_and_their_fix(tmp_path: Path) -> None:
    """The check job's validate step, run as the runner runs it (bash, C locale), on a roster
    with an error: the step fails and the summary holds each problem with its fix, in Chinese."""
    script = str(step_named(WORKFLOW, "check", "Validate (no published code may vanish)")["run"])
    repo = tmp_path / "repo"
    shutil.copytree(SMALL, repo / "data")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "-C", str(repo), "add", "-A"], check=True)
    subprocess.run([*git, "-C", str(repo), "commit", "-qm", "roster"], check=True)
    edit(repo / "data", "advisors.yaml", "'15805350004'", "'1580535000'")
    summary = tmp_path / "summary.md"
    python = tmp_path / "bin" / "python"  # the runner's `python`, this test's interpreter
    python.parent.mkdir()
    python.symlink_to(sys.executable)
    env = {"PATH": f"{python.parent}:/usr/bin:/bin", "LANG": "C.UTF-8", "BASE": "HEAD", "GITHUB_STEP_SUMMARY": str(summary),
           "PYTHONPATH": str(ROOT), "HOME": str(tmp_path), "RUNNER_TEMP": str(tmp_path)}
    r = subprocess.run(["bash", "-e", "-c", script], cwd=repo, env=env, capture_output=True, text=True)
    assert r.returncode == 1, r.stdout + r.stderr
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## 名册的问题 / Problems in the roster\n")
    assert "data/advisors.yaml:25:12: 错误: advisors[3].phone: 应为手机号" in text
    assert "请只写数字，区号后加一个“-” [bad-phone]" in text and "1 个错误，0 个警告" in text
    (repo / "data" / "advisors.yaml").write_text((SMALL / "advisors.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    summary.unlink()
    r = subprocess.run(["bash", "-e", "-c", script], cwd=repo, env=env, capture_output=True, text=True)
    assert r.returncode == 0 and not summary.exists()  # a clean roster: nothing to show


def test_a_pull_request_is_test_built_and_never_published() -> None:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    trial = data["jobs"]["trial"]
    assert trial["if"] == "github.event_name == 'pull_request'"
    builds = [str(s.get("run", "")) for s in trial["steps"] if "mkdocs build" in str(s.get("run", ""))]
    assert builds == ['cd "$RUNNER_TEMP/base" && mkdocs build --site-dir "$RUNNER_TEMP/site"']
    # the base branch's generator builds the pull request's roster, and nothing else of the pull request
    runs = "\n".join(str(step.get("run", "")) for step in trial["steps"])
    assert 'git worktree add --detach "$RUNNER_TEMP/base" "$BASE"' in runs and 'cp -R data "$RUNNER_TEMP/base/data"' in runs
    assert 'sh "$RUNNER_TEMP/base/scripts/install.sh"' in runs and "sh scripts/install.sh" not in runs
    assert trial["env"]["PYTHONSAFEPATH"] == "1"
    assert not any("upload" in str(s.get("uses", "")) or "deploy" in str(s.get("uses", "")) for s in trial["steps"])
    assert "actions/cache" not in str(trial)  # a pull request writes no cache a later build would trust
    for name, job in data["jobs"].items():  # only pushes to main publish
        if any("pages" in str(s.get("uses", "")) for s in job.get("steps", [])) or name == "deploy":
            assert "push" in str(job.get("if", "")) or job.get("needs") == "build", name


def test_exactly_one_workflow_deploys_any_roster() -> None:
    """roster.yml builds and publishes one city's roster (its cities list is []); province.yml
    builds a province's, city by city (its list is not empty): never both, never neither."""
    roster = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    build, deploy = roster["jobs"]["build"], roster["jobs"]["deploy"]
    kind = next(s for s in build["steps"] if s.get("id") == "kind")
    assert kind["run"] == 'echo "cities=$(python -m generator cities --format json)" >> "$GITHUB_OUTPUT"'
    guarded = "steps.kind.outputs.cities == '[]'"
    after = build["steps"][build["steps"].index(kind) + 1:]
    assert after and all(s.get("if") == guarded for s in after), "every step after the guard builds one city only"
    assert build["outputs"]["built"] == "${{ " + guarded + " }}"
    assert deploy["if"].startswith("needs.build.outputs.built == 'true'")
    province = yaml.safe_load(PROVINCE.read_text(encoding="utf-8"))
    assert province["jobs"]["city"]["if"].startswith("needs.cities.outputs.ids != '[]'")
    # the one list both guards read is what `cities --format json` prints, tested for both kinds of roster
    assert "def test_cities_for_a_ci_matrix(" in (ROOT / "tests" / "test_cli.py").read_text(encoding="utf-8")
    publishing = re.compile(r"actions/(deploy-pages|upload-pages-artifact)@|\brsync\b|aws s3|ossutil|coscmd")
    publishers = sorted({w.name for w in WORKFLOWS for step in steps(w)
                         if publishing.search(f"{step.get('uses', '')} {step.get('run', '')}")})
    assert publishers == ["roster.yml"]  # a host's deploy step added to province.yml's city job is behind its guard
