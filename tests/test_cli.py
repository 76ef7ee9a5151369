"""The command line as staff and CI use it: exit codes, formats, and no tracebacks."""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import cli
from generator.cli import main, parser
from tests.helpers.cli import Ran
from tests.helpers.roster_edit import SAMPLE, SMALL, copy_roster, edit
from tests.helpers.two_cities import two_city_roster


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, cwd=cwd)


@pytest.mark.slow  # the full sample roster
def test_validate_sample_exits_0() -> None:
    r = run("validate", "--data", str(SAMPLE))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no problems" in r.stdout and "6363 villages" in r.stdout


@pytest.mark.slow  # the full sample roster
def test_validate_defaults_to_data_folder() -> None:
    r = run("validate", cwd=SAMPLE.parent)
    assert r.returncode == 0 and r.stdout.startswith("data: no problems")


def test_broken_roster_exits_1_with_every_problem(tmp_path: Path, cli: Callable[..., Ran]) -> None:
    root = copy_roster(tmp_path)
    edit(root, "advisors.yaml", "'15805350004'", "'1580535000'")
    edit(root, "371502102-堂邑镇.yaml", "advisor: A0004", "advisor: A0040")
    (root / "counties.yaml").write_bytes("counties:\n  - id: 东昌府\n".encode("gbk"))
    r = cli("validate", "--data", "data", cwd=tmp_path)
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
    assert main(["validate", "--data", str(root), "--format", "json"]) == 1
    problems = json.loads(capsys.readouterr().out)
    assert [p["code"] for p in problems] == ["bad-phone"]
    assert set(problems[0]) == {"file", "line", "column", "level", "field", "message", "code"}


def test_strict_fails_on_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_roster(tmp_path)
    edit(root, "programme.yaml", "max_villages_per_advisor: 3", "max_villages_per_advisor: 2")
    assert main(["validate", "--data", str(root)]) == 0
    assert main(["validate", "--data", str(root), "--strict"]) == 1
    assert "[advisor-overloaded]" in capsys.readouterr().out


def test_missing_folder_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    """Run as staff run it, ``python -m generator`` in a process of its own (the other tests call ``main``)."""
    r = run("validate", "--data", str(tmp_path / "nope"))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "expected a roster folder" in r.stdout


@pytest.mark.slow  # the full sample roster
def test_stats_text_and_json(capsys: pytest.CaptureFixture[str], chinese: None) -> None:
    assert main(["stats", "--data", str(SAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "11 个县级单位，136 个乡镇（街道），6363 个村居" in out and "全覆盖 6363/6363 = 100%" in out
    assert "聊城经济技术开发区" in out and "香江管委会" in out
    assert main(["stats", "--data", str(SAMPLE), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    levels = [a["level"] for a in data["areas"]]
    assert (levels.count("programme"), levels.count("county"), levels.count("township")) == (1, 11, 136)
    total = data["areas"][0]
    assert total["gaps"] == 0 and total["coverage_percent"] == 100 and total["advisors"] == 1874


def test_stats_shows_gaps_without_rounding_them_away(tmp_path: Path, capsys: pytest.CaptureFixture[str], chinese: None) -> None:
    root = copy_roster(tmp_path)
    edit(root, "371502001-古楼街道.yaml", "advisor: A0002\n", "advisor:\n")
    assert main(["stats", "--data", str(root)]) == 1  # the gap is an error: stats says so, still reports
    out = capsys.readouterr().out
    assert "全覆盖 8/9 = 88.89%" in out


def test_usage_error_exits_2(cli: Callable[..., Ran]) -> None:
    r = cli("validat")
    assert r.returncode == 2 and "invalid choice" in r.stderr


def documentation() -> str:
    """The README and the docs, where every command and option must be found."""
    root = SMALL.parents[2]
    return "\n".join(p.read_text(encoding="utf-8") for p in [root / "README.md", *sorted((root / "docs").rglob("*.md"))])


def commands() -> dict[str, argparse.ArgumentParser]:
    sub = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def test_every_command_and_option_is_documented() -> None:
    """sqlite-utils' rule: a command or option the docs never mention fails here."""
    docs = documentation()
    assert set(commands()) == {"validate", "stats", "cards", "cities", "diff", "export", "import"}
    for name, command in [("", parser()), *commands().items()]:
        assert f"python -m generator {name}".rstrip() in docs
        for action in command._actions:
            if action.help == argparse.SUPPRESS:
                continue  # an older spelling, kept working (with a note) but no longer taught
            for option in action.option_strings:
                if option.startswith("--") and option != "--help":
                    assert option in docs, f"{name or 'python -m generator'} {option} is not in the README or docs/"


def test_the_documentation_test_can_fail() -> None:
    p = parser()
    p.add_argument("--an-option-nobody-wrote-up")
    assert "--an-option-nobody-wrote-up" not in documentation()
    assert any("--an-option-nobody-wrote-up" in a.option_strings for a in p._actions)


@pytest.mark.parametrize("name", ["validate", "stats", "cards", "cities", "diff", "export", "import"])
def test_every_command_s_help_has_an_example(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit:
        main([name, "--help"])
    assert exit.value.code == 0
    out = capsys.readouterr().out
    examples = out.split("examples:\n", 1)[1].splitlines()
    assert examples and all(line.startswith(f"  python -m generator {name}") for line in examples), out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit:
        main(["--version"])
    assert exit.value.code == 0
    assert re.fullmatch(r"python -m generator \S+\n", capsys.readouterr().out)


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
    r = run("validate", "--data", "data", cwd=tmp_path)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    out = r.stdout.splitlines()
    for code, line in lines.items():
        hits = [ln for ln in out if ln.endswith(f"[{code}]")]
        assert hits, code
        assert f":{line}:" in hits[0] and "expected" in hits[0] and "found" in hits[0], hits[0]
    assert out[-1] == "6 errors, 0 warnings"  # the misspelt key also leaves "role" missing


def test_stats_of_one_city_are_its_own_sites_figures(tmp_path: Path, capsys: pytest.CaptureFixture[str], chinese: None) -> None:
    root = two_city_roster(tmp_path)
    assert main(["stats", "--data", str(root), "--city", "3716"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("滨州市：1 个县级单位，1 个乡镇（街道），2 个村居，1 名顾问；全覆盖 2/2 = 100%"), out
    assert "滨城区" in out and "东昌府区" not in out
    assert main(["stats", "--data", str(root), "--city", "3716", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(a["level"], a["id"]) for a in data["areas"]] == [
        ("programme", ""), ("city", "3716"), ("county", "371602"), ("township", "371602001")]
    assert main(["stats", "--data", str(root), "--city", "3715"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("聊城市：") and "滨城区" not in out and "东昌府区" in out


@pytest.mark.parametrize("command", [["stats"], ["cards", "-o", "x.pdf"]])
def test_an_unknown_city_lists_the_known_ones(tmp_path: Path, command: list[str], monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    root = two_city_roster(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main([*command, "--data", str(root), "--city", "3799"]) == 1
    assert capsys.readouterr().err.strip() == "error: no city with id '3799'; use one of: 3715, 3716"
    assert not (tmp_path / "x.pdf").exists()
    assert main([*command, "--data", str(SMALL), "--city", "3715"]) == 1  # one city's roster has no city level
    assert "this roster has no cities (no cities.yaml); leave out --city (cards: choose by --county or --township)" in capsys.readouterr().err


def test_cities_for_a_ci_matrix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = two_city_roster(tmp_path)
    assert main(["cities", "--data", str(root), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == ["3715", "3716"]
    assert main(["cities", "--data", str(root)]) == 0
    out = capsys.readouterr().out
    assert "0543-12348" in out and "滨州市" in out
    assert main(["cities", "--data", str(SMALL), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    edit(root, "cities.yaml", "code: '3716'", "code: '37160'")
    assert main(["cities", "--data", str(root), "--format", "json"]) == 1  # a broken roster gives no matrix to build
    captured = capsys.readouterr()
    assert "[bad-code]" in captured.out and "no cities listed" in captured.err


# --- errors: one user-error type, caught once ---------------------------------------------------

def test_messages_are_chinese_by_default_and_english_on_request(tmp_path: Path, cli: Callable[..., Ran],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_roster(tmp_path)
    edit(root, "advisors.yaml", "'15805350004'", "'1580535000'")
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LC_ALL", "C.UTF-8")  # as CI runners and containers have it
    r = cli("validate", "--data", str(root))
    assert r.returncode == 1
    zh = r.stdout
    assert ": 错误: advisors[3].phone: 应为手机号（11 位，1[3-9] 开头）" in zh
    assert "实际是“1580535000”；请只写数字，区号后加一个“-” [bad-phone]" in zh
    assert zh.splitlines()[-1] == "1 个错误，0 个警告"
    for how in (["--lang", "en"], ["--lang=en"]):
        r = cli("validate", "--data", str(root), *how)
        assert r.returncode == 1
        assert r.stdout.splitlines()[-1] == "1 error, 0 warnings"
    monkeypatch.delenv("LC_ALL")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    r = cli("validate", "--data", str(root))
    assert r.returncode == 1
    assert "error: advisors[3].phone: expected a mobile number" in r.stdout


def test_usage_errors_are_chinese_too(cli: Callable[..., Ran]) -> None:
    r = cli("--lang", "zh", "cards", "--all")
    assert r.returncode == 2
    err = r.stderr
    assert err.startswith("用法：python -m generator cards")
    assert err.splitlines()[-1] == "python -m generator cards：错误：缺少以下必需参数：-o/--output"


def test_an_internal_error_is_one_line_and_debug_shows_it(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                                        chinese: None) -> None:
    def bug(args: argparse.Namespace) -> int:
        raise KeyError("a bug of ours")

    monkeypatch.setattr(cli, "cmd_validate", bug)  # nothing a user can do reaches a bug: one is planted
    assert main(["validate", "--data", str(SMALL)]) == 3
    err = capsys.readouterr().err
    assert err.startswith("内部错误：KeyError：'a bug of ours'。这是本工具的缺陷，不是名册的问题：请加上 --debug 重新运行")
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert main(["validate", "--data", str(SMALL), "--debug"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):") and "KeyError: 'a bug of ours'" in err
    assert main(["--debug", "validate", "--data", str(SMALL)]) == 3  # before the command, too
    assert capsys.readouterr().err.startswith("Traceback")


def cases(tmp_path: Path) -> dict[str, list[str]]:
    """For each user error of the package, a command line that meets it."""
    (tmp_path / "x.xlsx").write_text("not a workbook", encoding="utf-8")
    return {
        "UserError": ["validate", "--data", str(SMALL), str(SMALL)],  # the folder given twice
        "SelectionError": ["cards", "--data", str(SMALL), "--township", "999999999", "-o", str(tmp_path / "x.pdf")],
        "RevisionError": ["diff", "HEAD", "nowhere", "--data", str(tmp_path)],
        "WorkbookError": ["import", str(tmp_path / "x.xlsx"), "--data", str(tmp_path / "d")],
        "PdfError": ["cards", "--data", str(SMALL), "--all", "-o", str(tmp_path / "no" / "x.pdf")],
        "PrintFailed": ["cards", "--data", str(SMALL), "--all", "-o", str(tmp_path / "no" / "x.pdf")],
        "MissingTool": ["cards", "--data", str(SMALL), "--all", "-o", str(tmp_path / "x.pdf")],  # CHROME_PATH: nothing
    }


#: user errors a command line cannot meet, and the test that meets them
ELSEWHERE = {"OutputBusy": "tests/build/test_output.py::test_second_publication_waits_then_gives_up",
             "RosterHasErrors": "tests/build/test_session.py::test_a_build_of_a_roster_with_errors_says_so_in_chinese",
             "UnknownCity": "tests/build/test_session.py::test_an_unknown_city_names_the_roster_s_cities",
             "FontMissing": "tests/printing/test_fonts.py",
             "OutputError": "tests/workbook/test_files.py::test_an_output_that_is_a_file_is_one_line"}


def test_every_user_error_has_a_case(tmp_path: Path) -> None:
    """The catalogue of user errors: a new subclass of UserError needs a case below or in ELSEWHERE."""
    from tests.core.test_i18n import user_errors

    assert user_errors() == set(cases(tmp_path)) | set(ELSEWHERE)


@pytest.mark.parametrize("error", ["UserError", "SelectionError", "RevisionError", "WorkbookError", "PdfError",
                                   "PrintFailed", "MissingTool"])
def test_a_user_error_is_one_line_and_exit_1(error: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CHROME_PATH", str(tmp_path / "no-chromium"))
    monkeypatch.setenv("PATH", str(tmp_path))  # neither Chromium nor git: for MissingTool and RevisionError
    if error in ("PdfError", "PrintFailed"):
        monkeypatch.setenv("CHROME_PATH", sys.executable)  # a program, so the folder is what is missing
    assert main(cases(tmp_path)[error]) == 1
    err = capsys.readouterr().err
    if error == "WorkbookError":  # a workbook's own problem: at its file (and sheet), as validate's lines are
        assert re.match(r"\S+: error: .*\[bad-workbook\]$", err.rstrip()) and len(err.splitlines()) == 1, err
    else:
        assert err.startswith("error: ") and len(err.splitlines()) == 1, err


def test_older_spellings_still_work_with_a_note(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(SMALL)]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith(f"{SMALL}: no problems")
    assert captured.err == f"note: 'DATA_DIR {SMALL}' is the older spelling; write '--data {SMALL}'\n"
