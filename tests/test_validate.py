"""Every problem code, triggered by a realistic fault in a copy of the small roster."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from generator.build import read_roster
from generator.problems import CODES, Problem
from roster_edit import copy_roster, edit

Fault = Callable[[Path], tuple[str, int]]  # breaks a roster; returns (file name, expected line)


def replace(name: str, old: str, new: str, line_offset: int = 0) -> Fault:
    def fault(root: Path) -> tuple[str, int]:
        return name, edit(root, name, old, new) + line_offset
    return fault


def gbk(root: Path) -> tuple[str, int]:
    path = root / "advisors.yaml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    return "advisors.yaml", 3


def remove(name: str) -> Fault:
    def fault(root: Path) -> tuple[str, int]:
        (root / name).unlink()
        return name, 0
    return fault


def idle_advisor(root: Path) -> tuple[str, int]:
    path = root / "advisors.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "  - id: A0006\n    name: 孙丽\n    role: lawyer\n    organization: LF001\n    phone: '13905350006'\n", encoding="utf-8")
    return "advisors.yaml", text.count("\n") + 1


def overload(root: Path) -> tuple[str, int]:
    edit(root, "programme.yaml", "max_villages_per_advisor: 3", "max_villages_per_advisor: 2")
    return "advisors.yaml", edit(root, "advisors.yaml", "id: A0005", "id: A0005")


A2 = "  - id: A0002\n    name: 李秀英\n"
CASES: dict[str, tuple[Fault, str]] = {
    # code: (fault, a fragment the message must contain)
    "not-utf8": (gbk, "GBK"),
    "yaml-syntax": (replace("programme.yaml", "city: 聊城市", "city: [聊城市", 1), "started at line 3"),
    "duplicate-key": (replace("advisors.yaml", A2, A2 + "    name: 李秀\n", 2), "first at line 12"),
    "missing-file": (remove("counties.yaml"), "counties.yaml"),
    "unknown-field": (replace("advisors.yaml", "phone: '13905350002'", "phnoe: '13905350002'"), "did you mean 'phone'"),
    "missing-field": (replace("advisors.yaml", A2, "  - id: A0002\n", 0), "expected a field 'name'"),
    "empty-value": (replace("advisors.yaml", "name: 李秀英", "name: ''"), "found an empty value"),
    "wrong-type": (replace("371502102-堂邑镇.yaml", "team: ['A0004', 'A0002']", "team: A0004"), "expected a list"),
    "bad-choice": (replace("advisors.yaml", "role: legal-worker", "role: legal-worke"), "did you mean 'legal-worker'"),
    "bad-id": (replace("organizations.yaml", "id: LS001", "id: 'LS 001'"), "letters, digits"),
    "bad-code": (replace("371502102-堂邑镇.yaml", "'371502102003'", "'37150210203'"), "12-digit village code"),
    "bad-phone": (replace("advisors.yaml", "'15805350004'", "'1580535000'"), "found '1580535000'"),
    "bad-id-card": (replace("advisors.yaml", "371502198001010018", "371502198001010019"), "check digit"),
    "bad-url": (replace("programme.yaml", "https://fw.lc.example/", "fw.lc.example"), "absolute web address"),
    "duplicate-id": (replace("advisors.yaml", "id: A0005", "id: A0004"), "first used at"),
    "unknown-advisor": (replace("371502102-堂邑镇.yaml", "advisor: A0004", "advisor: A0040"), "did you mean 'A0004'"),
    "unknown-organization": (replace("advisors.yaml", "organization: LS001", "organization: LS01"), "did you mean 'LS001'"),
    "unknown-county": (replace("371502010-蒋官屯街道.yaml", "county: kaifaqu", "county: kaifaq"), "did you mean 'kaifaqu'"),
    "unknown-township": (replace("organizations.yaml", "township: '371502010'", "township: '371502011'"), "found '371502011'"),
    "village-outside-township": (replace("371502010-蒋官屯街道.yaml", "'371502010003'", "'371502011003'"), "starting with its township's code 371502010"),
    "township-outside-county": (replace("371502102-堂邑镇.yaml", "code: '371502102'\n  name: 堂邑镇\n  county: '371502'", "code: '371503102'\n  name: 堂邑镇\n  county: '371502'", 2), "whose codes start with 371502"),
    "misplaced-township": (replace("371502010-蒋官屯街道.yaml", "county: kaifaqu", "county: '371502'"), "in the folder 'kaifaqu-聊城经济技术开发区'"),
    "uncovered-village": (replace("371502001-古楼街道.yaml", "name: 王庄村委会\n    advisor: A0002\n", "name: 王庄村委会\n    advisor:\n", 1), "found none: a gap in 全覆盖"),
    "advisor-overloaded": (overload, "serving 3 villages"),
    "advisor-idle": (idle_advisor, "doing neither"),
}


def test_every_code_has_a_case() -> None:
    assert set(CASES) == set(CODES)


def test_small_roster_is_clean() -> None:
    assert read_roster(Path(__file__).parent / "rosters" / "small").problems == []


@pytest.mark.parametrize("code", sorted(CASES))
def test_fault_is_reported_where_it_is(code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_roster(tmp_path)
    monkeypatch.chdir(tmp_path)  # paths in messages are relative to the working folder
    fault, fragment = CASES[code]
    name, line = fault(root)
    problems = read_roster(root).problems
    hits = [p for p in problems if p.code == code]
    assert hits, "\n".join(p.format() for p in problems)
    p = hits[0]
    assert p.file.endswith(name) and not p.file.startswith("/"), p.format()
    assert p.line == line, p.format()
    assert fragment in p.message, p.format()
    text = p.format()
    if line:
        assert text.startswith(f"{p.file}:{line}:{p.column}: {p.level}: "), text
        assert p.column >= 1
    assert text.endswith(f"[{code}]")
    assert "expected" in p.message and "found" in p.message, text


def test_warnings_are_warnings_and_gaps_errors(tmp_path: Path) -> None:
    root = copy_roster(tmp_path)
    idle_advisor(root)
    CASES["uncovered-village"][0](root)
    levels = {p.code: p.level for p in read_roster(root).problems}
    assert levels == {"advisor-idle": "warning", "uncovered-village": "error"}
    edit(root, "programme.yaml", "max_villages_per_advisor: 3", "max_villages_per_advisor: 3\ncoverage_gap: warning")
    assert {p.level for p in read_roster(root).problems} == {"warning"}


def test_five_faults_reported_in_one_run(tmp_path: Path) -> None:
    root = copy_roster(tmp_path)
    chosen = ["unknown-field", "bad-phone", "unknown-advisor", "bad-code", "duplicate-key"]
    for code in chosen:
        CASES[code][0](root)
    problems = read_roster(root).problems
    assert set(chosen) <= {p.code for p in problems}
    assert problems == sorted(problems, key=lambda p: (p.file, p.line, p.column, p.code, p.message))


def test_private_values_never_appear_in_messages(tmp_path: Path) -> None:
    root = copy_roster(tmp_path)
    edit(root, "advisors.yaml", "id_card: '371502198001010018'", "id_card: '3715021980010100'")
    edit(root, "advisors.yaml", "notes: PRIVATE-NOTES-SENTINEL", "notes: [PRIVATE-NOTES-SENTINEL]")
    problems = read_roster(root).problems
    assert {p.code for p in problems} == {"bad-id-card", "wrong-type"}
    assert not any("3715021980010100" in p.format() or "SENTINEL" in p.format() for p in problems)


def test_problem_rejects_undocumented_codes() -> None:
    with pytest.raises(ValueError):
        Problem("f", 1, 1, "error", "", "m", "no-such-code")
