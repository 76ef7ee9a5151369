"""The command line as staff and CI use it: exit codes, formats, and no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import main
from tests.helpers.roster_edit import SAMPLE, SMALL, copy_roster, edit
from tests.helpers.two_cities import two_city_roster


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, cwd=cwd)


@pytest.mark.slow  # the full sample roster
def test_validate_sample_exits_0() -> None:
    r = run("validate", str(SAMPLE))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no problems" in r.stdout and "6363 villages" in r.stdout


@pytest.mark.slow  # the full sample roster
def test_validate_defaults_to_data_folder() -> None:
    r = run("validate", cwd=SAMPLE.parent)
    assert r.returncode == 0 and r.stdout.startswith("data: no problems")


def test_broken_roster_exits_1_with_every_problem(tmp_path: Path) -> None:
    root = copy_roster(tmp_path)
    edit(root, "advisors.yaml", "'15805350004'", "'1580535000'")
    edit(root, "371502102-堂邑镇.yaml", "advisor: A0004", "advisor: A0040")
    (root / "counties.yaml").write_bytes("counties:\n  - id: 东昌府\n".encode("gbk"))
    r = run("validate", "data", cwd=tmp_path)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr + r.stdout
    lines = r.stdout.splitlines()
    assert any(ln.startswith("data/advisors.yaml:") and "[bad-phone]" in ln for ln in lines)
    assert any(ln.startswith("data/regions/371502-东昌府区/371502102-堂邑镇.yaml:13:14: error: villages[0].advisor:") for ln in lines)
    assert any(ln.startswith("data/counties.yaml:2:9: error:") and "[not-utf8]" in ln for ln in lines)
    assert not any("[unknown-county]" in ln for ln in lines)  # no cascade from the unreadable file
    assert lines[-1] == "3 errors, 0 warnings"


def test_json_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_roster(tmp_path)
    edit(root, "advisors.yaml", "'15805350004'", "'1580535000'")
    assert main(["validate", str(root), "--format", "json"]) == 1
    problems = json.loads(capsys.readouterr().out)
    assert [p["code"] for p in problems] == ["bad-phone"]
    assert set(problems[0]) == {"file", "line", "column", "level", "field", "message", "code"}


def test_strict_fails_on_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_roster(tmp_path)
    edit(root, "programme.yaml", "max_villages_per_advisor: 3", "max_villages_per_advisor: 2")
    assert main(["validate", str(root)]) == 0
    assert main(["validate", str(root), "--strict"]) == 1
    assert "[advisor-overloaded]" in capsys.readouterr().out


def test_missing_folder_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    r = run("validate", str(tmp_path / "nope"))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "expected a roster folder" in r.stdout


@pytest.mark.slow  # the full sample roster
def test_stats_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", str(SAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "11 个县级单位，136 个乡镇（街道），6363 个村居" in out and "全覆盖 6363/6363 = 100%" in out
    assert "聊城经济技术开发区" in out and "香江管委会" in out
    assert main(["stats", str(SAMPLE), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    levels = [a["level"] for a in data["areas"]]
    assert (levels.count("programme"), levels.count("county"), levels.count("township")) == (1, 11, 136)
    total = data["areas"][0]
    assert total["gaps"] == 0 and total["coverage_percent"] == 100 and total["advisors"] == 1874


def test_stats_shows_gaps_without_rounding_them_away(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_roster(tmp_path)
    edit(root, "371502001-古楼街道.yaml", "advisor: A0002\n", "advisor:\n")
    assert main(["stats", str(root)]) == 1  # the gap is an error: stats says so, still reports
    out = capsys.readouterr().out
    assert "全覆盖 8/9 = 88.89%" in out


def test_usage_error_exits_2() -> None:
    r = run("validat")
    assert r.returncode == 2 and "invalid choice" in r.stderr


def test_every_command_and_option_is_documented_in_the_handbook() -> None:
    """docs/staff-handbook.md (its 命令一览) names every command and every long option."""
    import argparse

    from generator.cli import parser

    readme = (SMALL.parents[2] / "docs" / "staff-handbook.md").read_text(encoding="utf-8")
    sub = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert set(sub.choices) == {"validate", "stats", "cards", "cities", "diff", "export", "import"}
    for name, command in sub.choices.items():
        assert f"python -m generator {name}" in readme
        for action in command._actions:
            for option in action.option_strings:
                if option.startswith("--") and option != "--help":
                    assert option in readme, f"{name} {option} is not in docs/staff-handbook.md"


@pytest.mark.slow  # the full sample roster
def test_five_faults_in_a_copy_of_the_sample_roster(tmp_path: Path) -> None:
    root = copy_roster(tmp_path, SAMPLE)
    town = "371502102-堂邑镇.yaml"
    lines = {
        "bad-phone": edit(root, "advisors.yaml", "phone: '13245356775'", "phone: '1324535677'"),
        "unknown-field": edit(root, "advisors.yaml", "    role: lawyer\n", "    rloe: lawyer\n"),
        "unknown-advisor": edit(root, town, "advisor: 'A0154'", "advisor: 'A9154'"),
        "bad-code": edit(root, town, "code: '371502102201'", "code: '3715021022010'"),
        "duplicate-key": edit(root, "counties.yaml", "    kind: county\n", "    kind: county\n    kind: county\n") + 1,
    }
    r = run("validate", "data", cwd=tmp_path)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    out = r.stdout.splitlines()
    for code, line in lines.items():
        hits = [ln for ln in out if ln.endswith(f"[{code}]")]
        assert hits, code
        assert f":{line}:" in hits[0] and "expected" in hits[0] and "found" in hits[0], hits[0]
    assert out[-1] == "6 errors, 0 warnings"  # the misspelt key also leaves "role" missing


def test_stats_of_one_city_are_its_own_sites_figures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = two_city_roster(tmp_path)
    assert main(["stats", str(root), "--city", "3716"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("滨州市：1 个县级单位，1 个乡镇（街道），2 个村居，1 名顾问；全覆盖 2/2 = 100%"), out
    assert "滨城区" in out and "东昌府区" not in out
    assert main(["stats", str(root), "--city", "3716", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(a["level"], a["id"]) for a in data["areas"]] == [
        ("programme", ""), ("city", "3716"), ("county", "371602"), ("township", "371602001")]
    assert main(["stats", str(root), "--city", "3715"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("聊城市：") and "滨城区" not in out and "东昌府区" in out


@pytest.mark.parametrize("command", [["stats"], ["cards", "-o", "x.pdf", "--data"]])
def test_an_unknown_city_lists_the_known_ones(tmp_path: Path, command: list[str], monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    root = two_city_roster(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main([*command, str(root), "--city", "3799"]) == 1
    assert capsys.readouterr().err.strip() == "error: no city with id '3799' (known: 3715, 3716)"
    assert not (tmp_path / "x.pdf").exists()
    assert main([*command, str(SMALL), "--city", "3715"]) == 1  # one city's roster has no city level
    assert "this roster has no cities (no cities.yaml); select by --county instead" in capsys.readouterr().err


def test_cities_for_a_ci_matrix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = two_city_roster(tmp_path)
    assert main(["cities", str(root), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == ["3715", "3716"]
    assert main(["cities", str(root)]) == 0
    out = capsys.readouterr().out
    assert "0543-12348" in out and "滨州市" in out
    assert main(["cities", str(SMALL), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    edit(root, "cities.yaml", "code: '3716'", "code: '37160'")
    assert main(["cities", str(root), "--format", "json"]) == 1  # a broken roster gives no matrix to build
    captured = capsys.readouterr()
    assert "[bad-code]" in captured.out and "no cities listed" in captured.err
