"""Every problem code, triggered by a realistic fault in a copy of the small roster."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.build.pipeline import read_roster
from generator.changes.diff import vanished as vanished_codes
from generator.core.problems import CODES, Problem, format_json, format_text
from generator.core.schema import DEFINED_IN, RECORDS, Record, Records, Ref, Refs
from generator.roster.load import load_documents
from tests.helpers import TESTS
from tests.helpers.roster_edit import SMALL, copy_roster, edit, merged

Fault = Callable[[Path], tuple[str, int]]  # breaks a roster; returns (file name, expected line)


def replace(name: str, old: str, new: str, line_offset: int = 0) -> Fault:
    def fault(root: Path) -> tuple[str, int]:
        return name, edit(root, name, old, new) + line_offset
    return fault


def gbk(root: Path) -> tuple[str, int]:
    path = root / "advisors.yaml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    return "advisors.yaml", 3


def look_alike(root: Path) -> tuple[str, int]:
    """Two advisors' names that differ only in width and case (two advisors may share a name: a warning)."""
    edit(root, "advisors.yaml", "name: 李秀英", "name: ＬＩ ＮＡ")
    return "advisors.yaml", edit(root, "advisors.yaml", "name: 张伟", "name: Li Na")


def link_out(name: str) -> Fault:
    """The roster file ``name`` as a link to a copy of itself outside the roster folder."""
    def fault(root: Path) -> tuple[str, int]:
        away = root.parent / f"away-{name}"
        (root / name).rename(away)
        (root / name).symlink_to(away)
        return name, 0
    return fault


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


CITIES = ("cities:\n  - id: '3715'\n    name: 聊城市\n    code: '3715'\n    local_hotline: '0635-12348'\n"
          "  - id: '3716'\n    name: 滨州市\n    code: '3716'\n    local_hotline: '0543-12348'\n")


def in_cities(county: str, zone: str) -> Callable[[Path], int]:
    """Give the small roster cities.yaml, its county to city ``county`` and its zone to ``zone``;
    returns the line of the county's city."""
    def place(root: Path) -> int:
        (root / "cities.yaml").write_text(CITIES, encoding="utf-8")
        edit(root, "counties.yaml", "    kind: zone\n", f"    kind: zone\n    city: '{zone}'\n")
        return edit(root, "counties.yaml", "    kind: county\n", f"    kind: county\n    city: '{county}'\n") + 1
    return place


def county_outside_city(root: Path) -> tuple[str, int]:
    return "counties.yaml", in_cities("3716", "3715")(root)


def township_outside_city(root: Path) -> tuple[str, int]:
    in_cities("3715", "3716")(root)
    return "371502010-蒋官屯街道.yaml", edit(root, "371502010-蒋官屯街道.yaml", "county: kaifaqu", "county: kaifaqu")


def too_large(root: Path) -> tuple[str, int]:
    path = root / "advisors.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# padding\n" * 1_100_000, encoding="utf-8")
    return "advisors.yaml", 0


def folder_for_file(root: Path) -> tuple[str, int]:
    (root / "advisors.yaml").unlink()
    (root / "advisors.yaml").mkdir()
    return "advisors.yaml", 0


def retired(text: str, line: int) -> Fault:
    """Write retired.yaml (the small roster has none); ``line`` is where the problem is."""
    def fault(root: Path) -> tuple[str, int]:
        (root / "retired.yaml").write_text(text, encoding="utf-8")
        return "retired.yaml", line
    return fault


def vanished(root: Path) -> tuple[str, int]:
    """validate --since: the roster before had a village that is now gone without a record."""
    edit(root, "371502102-堂邑镇.yaml", "  - code: '371502102003'\n    name: 堌堆村委会\n    advisor: A0002\n", "")
    return "371502102-堂邑镇.yaml", 10


A2 = "  - id: A0002\n    name: 李秀英\n"
CASES: dict[str, tuple[Fault, str]] = {
    # code: (fault, a fragment the message must contain)
    "not-utf8": (gbk, "GBK"),
    "yaml-syntax": (replace("programme.yaml", "city: 聊城市", "city: [聊城市", 1), "started at line 3"),
    "duplicate-key": (replace("advisors.yaml", A2, A2 + "    name: 李秀\n", 2), "first at line 12"),
    "missing-file": (remove("counties.yaml"), "counties.yaml"),
    "yaml-alias": (replace("programme.yaml", "city: 聊城市", "city: &c 聊城市\nprovince: *c"), "anchor or alias"),
    "too-deep": (replace("programme.yaml", "city: 聊城市", "city: " + "[" * 30 + "]" * 30), "at most 20 levels"),
    "too-large": (too_large, "at most 10 MB, found 10.5 MB"),
    "unreadable-file": (folder_for_file, "found a folder"),
    "bad-text": (replace("advisors.yaml", "name: 李秀英", "name: \"李秀\\u202e英\""), "U+202E RIGHT-TO-LEFT OVERRIDE at position 3"),
    "duplicate-name": (replace("371502102-堂邑镇.yaml", "name: 堌堆村委会", "name: 王庄村委会"), "unique in its township"),
    "look-alike-name": (look_alike, "found 'Li Na', which reads the same as 'ＬＩ ＮＡ'"),
    "out-of-range": (replace("programme.yaml", "max_villages_per_advisor: 3", "max_villages_per_advisor: 101"), "from 1 to 100, found the number 101"),
    "outside-roster": (link_out("advisors.yaml"), "a link that leads out of it"),
    "repeated-reference": (replace("371502102-堂邑镇.yaml", "team: ['A0004', 'A0002']", "team: ['A0004', 'A0004']"), "found 'A0004' again"),
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
    "unknown-city": (replace("counties.yaml", "    kind: zone\n", "    kind: zone\n    city: '3715'\n", 1), "found '3715', which no city has"),
    "county-outside-city": (county_outside_city, "whose codes start with 3716, found unit code 371502"),
    "township-outside-city": (township_outside_city, "whose codes start with 3716, found township code 371502010"),
    "misplaced-township": (replace("371502010-蒋官屯街道.yaml", "county: kaifaqu", "county: '371502'"), "in the folder 'kaifaqu-聊城经济技术开发区'"),
    "uncovered-village": (replace("371502001-古楼街道.yaml", "name: 王庄村委会\n    advisor: A0002\n", "name: 王庄村委会\n    advisor:\n", 1), "found none: a gap in 全覆盖"),
    "advisor-overloaded": (overload, "serving 3 villages"),
    "advisor-idle": (idle_advisor, "doing neither"),
    "unknown-village": (retired(merged("371502102009", "['371502102099']"), 7), "found '371502102099'"),
    "retired-still-live": (retired(merged("371502102002", "['371502102001']"), 2), "both here and as a live village"),
    "bad-successors": (retired(merged("371502102009", "['371502102001', '371502102002']"), 7), "one successor village code"),
}
#: Problems that need the roster an earlier revision published (validate --since), and the Excel import's own.
SINCE_CASES: dict[str, tuple[Fault, str]] = {
    "vanished-code": (vanished, "expected village 371502102003 堌堆村委会, which"),
}
EXCEL_CODES = {"number-cell", "bad-sheet", "date-cell", "bad-workbook", "path-in-name"}  # tests/workbook/
#: Problems that do not stop a build: the roster is usable as it is (gaps are errors unless the programme says otherwise).
WARNINGS = {"misplaced-township", "advisor-overloaded", "advisor-idle", "look-alike-name"}


def test_every_code_has_a_case() -> None:
    assert set(CASES) | set(SINCE_CASES) | EXCEL_CODES == set(CODES)


@pytest.mark.parametrize("code", sorted(SINCE_CASES))
def test_since_fault_is_reported_where_it_is(code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_roster(tmp_path)
    monkeypatch.chdir(tmp_path)
    fault, fragment = SINCE_CASES[code]
    name, line = fault(root)
    problems = vanished_codes(read_roster(SMALL).roster, read_roster(root).roster, load_documents(root), "HEAD~1")
    (p,) = [p for p in problems if p.code == code]
    assert p.file.endswith(name) and p.line == line and fragment in p.message, p.format()
    assert "expected" in p.message and "found" in p.message and p.format().endswith(f"[{code}]")


def test_a_retirement_loop_is_refused(tmp_path: Path) -> None:
    root = copy_roster(tmp_path)
    loop = merged("371502102009", "['371502102008']") + merged("371502102008", "['371502102009']").removeprefix("villages:\n")
    (root / "retired.yaml").write_text(loop.replace("小王庄", "大王庄", 1), encoding="utf-8")
    checked = read_roster(root)
    problems = [p for p in checked.problems if p.code == "bad-successors"]
    assert problems and "a loop back to" in problems[0].message
    assert checked.roster.successors_now("371502102009") == []  # the model follows a loop to nowhere, and ends


@pytest.mark.parametrize("order", ["['371502102001', '371502102008']", "['371502102008', '371502102001']"])
def test_a_loop_through_any_successor_of_a_split_is_refused(order: str, tmp_path: Path) -> None:
    """A village split in two, one half live and the other merged back into the split village: the
    second half's way leads back, whichever place the split lists it in."""
    root = copy_roster(tmp_path)
    split = merged("371502102009", order, kind="split")
    back = merged("371502102008", "['371502102009']").removeprefix("villages:\n").replace("小王庄", "东王庄", 1)
    (root / "retired.yaml").write_text(split + back, encoding="utf-8")
    problems = [p for p in read_roster(root).problems if p.code == "bad-successors"]
    assert [(p.file.rsplit("/", 1)[-1], p.line, p.level) for p in problems] == [("retired.yaml", 7, "error"), ("retired.yaml", 13, "error")]


def test_a_loop_is_found_through_every_successor() -> None:
    from generator.roster.validate import follow

    for successors in ({"a": ["b", "c"], "c": ["a"]}, {"a": ["c", "b"], "b": ["a"]}):  # through the first or the second
        assert follow(successors)[0].get("a") == "a"
    assert follow({"a": ["b"], "b": ["x", "c"], "c": ["a"]})[0].get("a") == "a"  # a split further down the way
    assert follow({"a": ["b", "c"], "c": ["d"], "d": ["c"]})[0].get("a") == "c"
    assert follow({"a": ["b", "c"], "b": ["d"], "c": ["d"]}) == ({}, {"b": 1, "c": 1, "a": 2})  # a diamond: two ways to one place
    assert follow({"a": ["a"]})[0] == {"a": "a"}


def test_retirements_that_meet_again_are_not_a_loop(tmp_path: Path) -> None:
    """A village split in two whose halves both merged into one live village later: a diamond, no loop."""
    root = copy_roster(tmp_path)
    split = merged("371502102009", "['371502102008', '371502102007']", kind="split")
    halves = [merged(code, "['371502102001']").removeprefix("villages:\n").replace("小王庄", name, 1)
              for code, name in (("371502102008", "东王庄"), ("371502102007", "西王庄"))]
    (root / "retired.yaml").write_text(split + "".join(halves), encoding="utf-8")
    checked = read_roster(root)
    assert checked.problems == []
    assert checked.roster.successors_now("371502102009") == ["371502102001"]  # reached twice, named once


#: The numbers people have, as a roster writes them: each is published, none is a bad-phone (the small roster's
#: own numbers are 7-digit landlines of 聊城 and 13x–18x mobiles only)
GOOD_PHONES = {"'13905350001'": "'19905350001'",  # a 199 mobile
               "'13905350002'": "'010-12345678'",  # 北京: a 3-digit area code and an 8-digit number
               "'0635-8410001'": "'0635-8410001-801'",  # an extension
               "'15805350004'": "'0531-87654321'",  # 济南: 8 digits after a 4-digit area code
               "'18605350005'": "'400-123-4567'"}  # a company's service number
#: Numbers a hand gets wrong: one digit short or long, a space where the dash goes
BAD_PHONES = {"'13905350001'": "'1390535000'", "'13905350002'": "'139053500021'", "'0635-8410001'": "'0635-841000'",
              "'15805350004'": "'010-123456789'", "'18605350005'": "'0635 8420001'"}


@pytest.mark.parametrize(("numbers", "bad"), [(GOOD_PHONES, 0), (BAD_PHONES, 5)], ids=["good", "bad"])
def test_phone_numbers_as_people_have_them(numbers: dict[str, str], bad: int, tmp_path: Path) -> None:
    root = copy_roster(tmp_path)
    for old, new in numbers.items():
        edit(root, "advisors.yaml", old, new)
    problems = read_roster(root).problems
    assert [p.field for p in problems if p.code == "bad-phone"] == [f"advisors[{i}].phone" for i in range(bad)], \
        [p.format() for p in problems]
    assert [p for p in problems if p.code != "bad-phone"] == []


def test_small_roster_is_clean() -> None:
    assert read_roster(TESTS / "rosters" / "small").problems == []


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
    assert p.level == ("warning" if code in WARNINGS else "error"), text


#: An English phrase (three words of letters): paths, codes, field paths and quoted values have none.
ENGLISH = re.compile(r"[A-Za-z]{2,} [A-Za-z]{2,} [A-Za-z]{2,}")


@pytest.mark.parametrize("code", sorted(CASES))
def test_every_problem_reads_in_chinese(code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chinese: None) -> None:
    """What staff read by default: each problem of each fault (its cascade too) in Chinese words,
    saying what was found (实际), around the positions, field paths and codes that stay as they are."""
    root = copy_roster(tmp_path)
    monkeypatch.chdir(tmp_path)
    CASES[code][0](root)
    problems = read_roster(root).problems
    assert any(p.code == code for p in problems)
    for p in problems:
        words = re.sub(r"“[^”]*”", "", p.message)  # a quoted value is the roster's, in its own language
        assert "实际" in words and not ENGLISH.search(words), p.format()
        assert f": {'错误' if p.level == 'error' else '警告'}: " in p.format() and p.format().endswith(f"[{p.code}]")


def test_warnings_are_warnings_and_gaps_errors(tmp_path: Path) -> None:
    root = copy_roster(tmp_path)
    idle_advisor(root)
    CASES["uncovered-village"][0](root)
    levels = {p.code: p.level for p in read_roster(root).problems}
    assert levels == {"advisor-idle": "warning", "uncovered-village": "error"}
    edit(root, "programme.yaml", "max_villages_per_advisor: 3", "max_villages_per_advisor: 3\ncoverage_gap: warning")
    assert {p.level for p in read_roster(root).problems} == {"warning"}


@pytest.mark.parametrize(("settings", "limit", "gap", "sample"), [
    ("sample: true\nmax_villages_per_advisor: 3", 3, "error", True),
    ("max_villages_per_advisor: 1\ncoverage_gap: warning", 1, "warning", False),
    ("max_villages_per_advisor: 2\ncoverage_gap: warnin", 2, "error", False),
    ("max_villages_per_advisor: 0", 6, "error", False),
    ("max_villages_per_advisor: 'x'", 6, "error", False),
    ("sample: 'yes'\nmax_villages_per_advisor: true", 6, "error", False),
])
def test_validator_applies_the_programme_the_model_holds(settings: str, limit: int, gap: str, sample: bool,
                                                         tmp_path: Path) -> None:
    """One reading of the policy: invalid values are reported and fall back to the model's defaults."""
    root = copy_roster(tmp_path)
    edit(root, "programme.yaml", "sample: true\nmax_villages_per_advisor: 3", settings)
    CASES["uncovered-village"][0](root)
    checked = read_roster(root)
    programme = checked.roster.programme
    assert (programme.max_villages_per_advisor, programme.coverage_gap, programme.sample) == (limit, gap, sample)
    overloaded = {a for a, vs in checked.roster.villages_of.items() if len(vs) > limit}
    assert {p.message.split("'")[1] for p in checked.problems if p.code == "advisor-overloaded"} == overloaded
    assert {p.level for p in checked.problems if p.code == "uncovered-village"} == {gap}


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


def test_schema_kinds_point_at_records_that_exist() -> None:
    """Every nested record type is defined; every reference targets a keyed record with a code of its own."""
    for record, fs in RECORDS.items():
        assert sum(f.key for f in fs) <= 1, record
        for f in fs:
            match f.kind:
                case Record(name) | Records(name):
                    assert name in RECORDS, (record, f.name)
                case Ref(target) | Refs(target):
                    assert any(k.key for k in RECORDS[target]), (record, f.name)
                    assert target in DEFINED_IN and f"unknown-{target}" in CODES, (record, f.name)


def test_problem_rejects_undocumented_codes() -> None:
    with pytest.raises(ValueError):
        Problem("f", 1, 1, "error", "", "m", "no-such-code")


# --- golden: every message of many faults at once, word for word ------------------------

GOLDEN = TESTS / "golden" / "validate.txt"

GULOU = "regions/371502-东昌府区/371502001-古楼街道.yaml"
TANGYI = "regions/371502-东昌府区/371502102-堂邑镇.yaml"
JIANGGUANTUN = "regions/kaifaqu-聊城经济技术开发区/371502010-蒋官屯街道.yaml"


def write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def programme_faults(root: Path) -> None:
    """Every field of programme.yaml wrong; the policy falls back to its defaults."""
    write(root, "programme.yaml", (
        "name: [一乡镇一团队]\n"
        "city: ''\n"
        "hotline: 12348\n"
        "local_hotline: '0635 12348'\n"
        "base_url: ftp://fw.lc.example/\n"
        "sample: 'yes'\n"
        "max_villages_per_advisor: 0\n"
        "coverage_gap: warnin\n"
        "maxvillages_per_advisor: 3\n"
        "extra: 1\n"
    ))
    edit(root, GULOU, "name: 王庄村委会\n    advisor: A0002\n", "name: 王庄村委会\n    advisor:\n")


def policy_text(root: Path) -> None:
    edit(root, "programme.yaml", "max_villages_per_advisor: 3", "max_villages_per_advisor: '2'")


def policy_bool(root: Path) -> None:
    edit(root, "programme.yaml", "max_villages_per_advisor: 3", "max_villages_per_advisor: true")


def policy_strict(root: Path) -> None:
    """A limit of 1 and gaps as warnings: overloads, gaps with and without an advisor key, an idle advisor."""
    edit(root, "programme.yaml", "max_villages_per_advisor: 3", "max_villages_per_advisor: 1\ncoverage_gap: warning")
    edit(root, GULOU, "name: 王庄村委会\n    advisor: A0002\n", "name: 王庄村委会\n    advisor: ''\n")
    edit(root, TANGYI, "name: 堌堆村委会\n    advisor: A0002\n", "name: 堌堆村委会\n")
    idle_advisor(root)


def record_faults(root: Path) -> None:
    """Wrong fields, types, formats, ids and references in every kind of record."""
    write(root, "counties.yaml", """\
counties:
  - id: '371502'
    code: '37150'
    name: 东昌府区
    kind: conty
    centre:
      name: 东昌府区公共法律服务中心
      address: 东昌府区柳园南路10号
      phone: '0635-8210001'
      hours: 周一至周五 9:00—17:00
      fax: '0635-8210009'
  - id: kaifaqu
    name: 聊城经济技术开发区
    kind: zone
    centre: [开发区公共法律服务中心]
  - id: 'bad id'
    name: 坏
    kind: zone
  - id: kaifaqu
    name: 重复
    kind: zone
    code: 371599
    centre:
      name: x
      address: y
      phone: '12'
      hours: z
  - just text
""")
    write(root, "organizations.yaml", """\
organizations:
  - id: LF001
    name: 山东泰和律师事务所
    kind: law-firm
    county: '371502'
    address: 东昌府区东昌路1号
    phone: '0635-8310001'
  - id: LS001
    name: 古楼法律服务所
    kind: legal-service-office
    county: '371503'
    township: '371502009'
  - id: JO001
    name: 古楼街道司法所
    county: '371502'
    township: 371502001
    phone: 0635-841
  - id: JO002
    name: 蒋官屯街道司法所
    kind: judicial-office
    county: kaifaqu
    township: '371502010'
  - id: LF001
    name: ''
    kind: [law-firm]
    county: ''
    township: ''
""")
    write(root, "advisors.yaml", """\
advisors:
  - id: A0001
    name: 王建国
    role: lawyer
    organization: LF001
    phone: '13905350001'
    id_card: '371502198001010019'
    home_address: [PRIVATE-HOME-ADDRESS-SENTINEL]
    notes: true
    assessment: ''
  - id: A0002
    name: 李秀英
    role: legal-worke
    organization: LS01
    phone: 13905350002
  - id: A0003
    name: 张伟
    role: judicial-officer
    organization: JO001
    phone: true
    id_card: 3715021980
  - id: A0004
    role: lawyer
    organization: LF001
    phone: '1580535000'
  - id: A0005
    name: 赵敏
    role: judicial-officer
    organization: JO002
    phone: '18605350005'
    phnoe: '18605350005'
  - id: A0006
    name: 孙丽
    role: lawyer
    organization: LF001
    phone: '400-123-4567'
  - id: ''
    name: 空
    role: lawyer
    organization: LF001
    phone: '110'
  - id: A0007
    name: 钱
    role: lawyer
    organization: [LF001]
    phone: {mobile: '13905350007'}
""")
    write(root, GULOU, """\
township:
  code: 371502001
  name: 古楼街道
  county: '371502'
  workstation: 古楼街道便民服务中心二楼
  team: ['A0003', 'A0001', 'A0009', {id: A0002}, '']
villages:
  - code: '371502001001'
    name: 古城社区居委会
    advisor: A0001
    studio: 古城社区党群服务中心
  - code: '371502001001'
    name: 湖南社区居委会
    advisor: A0001
  - code: '37150200103'
    name: 王庄村委会
    advisor: A0020
  - code: '371502002004'
    name: 李庄村
  - 张庄村
  - code: '371502001005'
    name: ''
    advisor: ''
    stuido: x
  - code: 3715020010.5
    name: [刘庄]
    advisor: 3
""")
    write(root, TANGYI, """\
township:
  code: '371503102'
  name: 堂邑镇
  county: '371502'
  workstation:
    address: 堂邑镇政府院内
    phone: '0635-8420001'
    hours: 周一至周五 9:00—17:00
  team: A0004
villages: {code: '371503102001'}
""")
    edit(root, JIANGGUANTUN, "county: kaifaqu", "county: '371502'")
    edit(root, JIANGGUANTUN, "'371502010003'", "'371502011003'")
    write(root, "regions/371502-东昌府区/371502001-古楼街道-copy.yaml", """\
township:
  code: '371502001'
  name: 古楼街道
  county: '371502'
  team: []
villages: []
""")
    write(root, "regions/loose.yaml", """\
township:
  code: '371502999'
  name: 无
  county: kaifaqu
  workstation: {address: a, phone: '0635-8420009', hours: h, extra: x}
  team: [A0005]
  villages: []
villages:
  - code: '371502999001'
    name: 无村
    advisor: A0005
  - code: '371502999002'
    name: 有村
    advisor: [A0005]
""")
    write(root, "regions/371502-东昌府区/371502998-list.yml", "- a\n- b\n")


def unreadable_files(root: Path) -> None:
    """Unreadable files are reported once; references into them are not."""
    (root / "counties.yaml").unlink()
    gbk(root)
    write(root, "organizations.yaml", "organizations\n")
    write(root, "regions/371502-东昌府区/371502997-broken.yaml", "township:\n  code: '371502997\n  name: x\n")
    write(root, "regions/371502-东昌府区/371502996-empty.yaml", "# nothing yet\n")
    edit(root, "programme.yaml", "sample: true\n", "sample: true\nsample: false\n")
    edit(root, GULOU, "name: 王庄村委会\n    advisor: A0002\n", "name: 王庄村委会\n    advisor:\n")


def text_limits(root: Path) -> None:
    """Values at and past their length limits, blank, invisible or repeated."""
    path = root / "advisors.yaml"
    with path.open("a", encoding="utf-8") as f:  # an id of 64 characters fits (an idle advisor); of 65 or blank does not
        for ident in ("A" * 64, "A" * 65, "'  '"):
            f.write(f"  - id: {ident}\n    name: 孙丽\n    role: lawyer\n    organization: LF001\n    phone: '110'\n")
    edit(root, "advisors.yaml", "name: 李秀英", "name: " + "李" * 200)  # text of 200 fits; of 201 does not
    edit(root, "advisors.yaml", "name: 张伟", "name: " + "张" * 201)
    edit(root, "advisors.yaml", "name: 王建国", "name: '  '")
    edit(root, "organizations.yaml", "name: 古楼法律服务所", "name: \"古楼法律\\u2066服务所\"")
    long = "B" * 62  # a list item is bounded and printable too, and quoted up to 60 characters
    edit(root, TANGYI, "team: ['A0004', 'A0002']",
         f"team: ['A0002', 'A0004', 'A0002', 'A0004', '{'C' * 65}', \"A\\u202e1\", '{long}', '{long}']")


def retirements(root: Path) -> None:
    """Every rule of retired.yaml, for villages and townships."""
    write(root, "retired.yaml", """\
villages:
  - {code: '371502102009', name: 甲村, township: '371502102', year: 2021, kind: abolished, successors: ['371502102001']}
  - {code: '371502102008', name: 乙村, township: '371502102', year: 2021, kind: split, successors: ['371502102001']}
  - {code: '371502102007', name: 丙村, township: '371502102', year: 2021, kind: merge, successors: []}
  - {code: '371502102006', name: 丁村, township: '371502102', year: 2020, kind: renamed, successors: ['371502102005']}
  - {code: '371502102005', name: 戊村, township: '371502102', year: 2021, kind: split, successors: ['371502102001', '371502102002']}
  - {code: '371502102004', name: 己村, township: '371502102', year: 2021, kind: abolished}
  - {code: '371502102010', name: 庚村, township: '371502102', year: 2021, kind: merged}
townships:
  - {code: '371502102', name: 堂邑镇, county: '371502', year: 2021, kind: merged, successors: ['371502001']}
  - {code: '371502103', name: 甲镇, county: '371502', year: 2021, kind: merged, successors: ['371502104']}
  - {code: '371502104', name: 乙镇, county: '371502', year: 2021, kind: moved, successors: ['371502103']}
  - {code: '371502105', name: 丙镇, county: '371502', year: 2021, kind: renamed, successors: ['371502199']}
  - {code: '371502106', name: 丁镇, county: '371502', year: 2021, kind: merged, successors: ['371502107']}
  - {code: '371502107', name: 戊镇, county: kaifaqu, year: 2022, kind: merged, successors: ['371502010']}
""")


def cities(root: Path) -> None:
    """A province's roster: units in the wrong city, without one, in an unknown one; a zone's township outside its city."""
    write(root, "cities.yaml", CITIES)
    centre = "    centre: {name: 中心, address: 地址, phone: '0635-8210001', hours: 全天}\n"
    write(root, "counties.yaml", "counties:\n"
          + "  - id: '371503'\n    code: '371503'\n    name: 茌平区\n    kind: county\n" + centre
          + "  - id: '371502'\n    code: '371502'\n    name: 东昌府区\n    kind: county\n    city: '3716'\n" + centre
          + "  - id: kaifaqu\n    name: 聊城经济技术开发区\n    kind: zone\n    city: '3716'\n" + centre
          + "  - id: '371504'\n    code: '371504'\n    name: 阳谷县\n    kind: county\n    city: '3799'\n" + centre)


def cities_without_units(root: Path) -> None:
    write(root, "cities.yaml", CITIES)
    (root / "counties.yaml").unlink()


def units_unreadable(root: Path) -> None:
    """Without the units file, references to units are not reported; references to anything else still are."""
    (root / "counties.yaml").unlink()
    edit(root, TANGYI, "advisor: A0004", "advisor: A0040")


def abolished_only(root: Path) -> None:
    """A retired village without successors, the only one: nothing to report."""
    write(root, "retired.yaml", "villages:\n  - {code: '371502102009', name: 甲村, township: '371502102', year: 2021, kind: abolished}\n")


def programme_list(root: Path) -> None:
    write(root, "programme.yaml", "- max_villages_per_advisor: 1\n")


def empty_programme(root: Path) -> None:
    write(root, "programme.yaml", "")
    write(root, "advisors.yaml", "[]\n")


def no_folder(root: Path) -> None:
    shutil.rmtree(root)


GOLDEN_CASES: dict[str, Callable[[Path], None]] = {
    "programme-faults": programme_faults,
    "policy-text": policy_text,
    "policy-bool": policy_bool,
    "policy-strict": policy_strict,
    "record-faults": record_faults,
    "text-limits": text_limits,
    "retirements": retirements,
    "cities": cities,
    "cities-without-units": cities_without_units,
    "units-unreadable": units_unreadable,
    "abolished-only": abolished_only,
    "unreadable-files": unreadable_files,
    "programme-list": programme_list,
    "empty-programme": empty_programme,
    "no-folder": no_folder,
}


@pytest.mark.parametrize("lang, golden", [("en", GOLDEN), ("zh", GOLDEN.with_suffix(".zh.txt"))])
def test_golden_messages(lang: str, golden: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each problem of each faulty roster, formatted, equals tests/golden/validate.txt (English) and
    validate.zh.txt (Chinese, what staff read by default).

    The files pin codes, messages, field paths and positions of the whole validator, so a
    refactoring cannot change a word unnoticed. After an intended change of wording, run
    ``UPDATE_GOLDEN=1 python3 -m pytest tests/roster/test_validate.py`` and review the diff.
    """
    monkeypatch.setenv("LANGUAGE", lang)
    sections = []
    for name, fault in GOLDEN_CASES.items():
        folder = tmp_path / name
        folder.mkdir()
        fault(copy_roster(folder))
        monkeypatch.chdir(folder)  # paths in messages are relative to the working folder
        sections.append(f"== {name}\n{format_text(read_roster(Path('data')).problems)}\n")
    text = "\n".join(sections)
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_each_kind_of_field_says_what_it_expects(tmp_path: Path) -> None:
    root = copy_roster(tmp_path)
    edit(root, "programme.yaml", "base_url: https://fw.lc.example/\n", "base_url: [x]\n")
    edit(root, "programme.yaml", "sample: true", "sample: [x]")
    edit(root, "programme.yaml", "max_villages_per_advisor: 3", "max_villages_per_advisor: [3]")
    edit(root, "advisors.yaml", "id_card: '371502198001010018'", "id_card: [1]")
    edit(root, "371502102-堂邑镇.yaml", "  - code: '371502102001'", "  - code: ['371502102001']")
    edit(root, "371502102-堂邑镇.yaml", "team: ['A0004', 'A0002']", "team: ['A0004', yes]")
    edit(root, "advisors.yaml", "id: A0004", "id: '{}'".format("B" * 59 + "!"))
    edit(root, "advisors.yaml", "id: A0005", "id: '{}'".format("A" * 60 + "!"))
    messages = {p.field: p.message for p in read_roster(root).problems}
    assert messages["base_url"] == "expected a web address, found a list"
    assert messages["sample"] == "expected true or false, found a list"
    assert messages["max_villages_per_advisor"].startswith("expected a whole number")
    assert messages["advisors[0].id_card"] == "expected an ID-card number, found a list"
    assert messages["villages[0].code"] == "expected a 12-digit code, found a list"
    assert messages["township.team[1]"] == "expected an advisor id, found the yes/no value true"
    # a long value is quoted up to 60 characters: one of 61 is cut, one of 60 is quoted whole
    assert f"found '{'A' * 60}…'" in messages["advisors[4].id"]
    assert f"found '{'B' * 59}!'" in messages["advisors[3].id"]


def test_typing_distance_counts_a_swap_of_neighbours_as_one_typo() -> None:
    from generator.roster.validate import edits

    cases = {("", "abc"): 3, ("abc", ""): 3, ("abc", "abc"): 0, ("ab", "ba"): 1, ("A0040", "A0004"): 1,
             ("abc", "ab"): 1, ("ab", "abc"): 1, ("kitten", "sitting"): 3, ("abcd", "badc"): 2,
             ("ca", "abc"): 3, ("xab", "xba"): 1, ("legal-worke", "legal-worker"): 1, ("xxx", "x"): 2}
    for (a, b), distance in cases.items():
        assert edits(a, b) == distance, (a, b)


def test_did_you_mean_suggests_only_what_is_close() -> None:
    from generator.roster.validate import did_you_mean

    assert did_you_mean("A0040", ["A0004", "B1234"]) == " (did you mean 'A0004'?)"
    assert did_you_mean("xyz", ["abz"]) == ""  # two typos in three letters: a guess, not a suggestion
    assert did_you_mean("A00400", ["A00411"]) == " (did you mean 'A00411'?)"  # two in six: still close
    assert did_you_mean("lawyr", []) == ""
    # a tie in typing distance goes to the more similar word, not the first in the alphabet
    assert did_you_mean("abcde", ["abcda", "abcdez"]) == " (did you mean 'abcdez'?)"


def test_an_id_card_number_passes_its_check_digit_and_no_single_typo_does() -> None:
    """GB 11643's own examples pass (X also written x); any one digit mistyped fails (ISO 7064 MOD 11-2)."""
    from generator.roster.validate import id_card_ok

    # the last made with the standard's formula: weights 2^(17-i) mod 11, check (12 - sum mod 11) mod 11
    valid = ["11010519491231002X", "11010519491231002x", "440524188001010014", "371502198001010018", "371502198001013577"]
    assert all(id_card_ok(v) for v in valid)
    for number in valid:
        for i in range(17):
            for digit in "0123456789":
                if digit != number[i]:
                    assert not id_card_ok(number[:i] + digit + number[i + 1 :]), (number, i, digit)
    assert not id_card_ok("44052418800101001") and not id_card_ok("44052418800101001Y")


def test_found_values_are_described_in_words() -> None:
    from generator.roster.validate import describe

    assert [describe(v) for v in (None, True, 3, [1], {"a": 1}, "x")] == [
        "nothing", "the yes/no value true", "the number 3", "a list", "a mapping (key: value lines)", "'x'"]


def test_the_count_line_says_error_and_warning_in_the_singular_only_for_one() -> None:
    def problem(level: str) -> Problem:
        return Problem("a.yaml", 1, 1, level, "", "x", "advisor-idle")  # type: ignore[arg-type]

    assert format_text([problem("error"), problem("warning")]).endswith("\n1 error, 1 warning")
    assert format_text([problem("warning"), problem("warning")]).endswith("\n0 errors, 2 warnings")
    assert format_text([]) == "0 errors, 0 warnings"


def test_json_format_gives_machines_every_field_and_keeps_chinese_readable() -> None:
    p = Problem("data/advisors.yaml", 3, 9, "error", "advisors[0].name", "expected text, found 王庄", "wrong-type")
    assert format_json([p]) == """[
  {
    "file": "data/advisors.yaml",
    "line": 3,
    "column": 9,
    "level": "error",
    "field": "advisors[0].name",
    "message": "expected text, found 王庄",
    "code": "wrong-type"
  }
]"""


def test_with_cities_every_unit_names_its_city(tmp_path: Path) -> None:
    root = copy_roster(tmp_path)
    in_cities("3715", "3715")(root)
    assert read_roster(root).problems == []
    edit(root, "counties.yaml", "    city: '3715'\n", "", 1)
    (p,) = read_roster(root).problems
    assert (p.code, p.field, p.line) == ("missing-field", "counties[0].city", 2), p.format()


def test_a_problem_about_a_key_points_at_the_key_even_an_empty_one(tmp_path: Path) -> None:
    root = copy_roster(tmp_path)
    for key in ("phnoe", "''"):
        line = edit(root, "advisors.yaml", "    phone: '13905350002'\n", f"    phone: '13905350002'\n    {key}: x\n") + 1
        (p,) = read_roster(root).problems
        assert (p.code, p.line, p.column) == ("unknown-field", line, 5), p.format()
        edit(root, "advisors.yaml", f"    {key}: x\n", "")


def test_every_kind_of_field_has_words_for_what_it_expects() -> None:
    from generator.core.schema import Choice, Code, Count, Field, Flag, Id, IdCard, Phone, Text, Url
    from generator.roster.validate import kind_words

    words = {Text(): "text", Id(): "an id", Phone(): "a phone number", Url(): "a web address", Flag(): "true or false",
             Count(1, 100): "a whole number from 1 to 100", IdCard(): "an ID-card number", Choice(("a", "b")): "one of a, b",
             Code(9, "township"): "a 9-digit code", Ref("advisor"): "an advisor id", Ref("county"): "a county id",
             Refs("village"): "a list of village ids", Records("city"): "a list of city records",
             Record("centre"): "a centre record", Record("organization"): "an organization record"}
    assert {kind: kind_words(Field("x", kind)) for kind in words} == words


def test_an_empty_file_is_one_problem_at_its_start(tmp_path: Path) -> None:
    root = copy_roster(tmp_path)
    (root / "counties.yaml").write_text("# units to come\n", encoding="utf-8")
    (p,) = read_roster(root).problems
    assert (p.line, p.column, p.level, p.field, p.code) == (1, 1, "error", "", "empty-value")
    assert p.message == "expected counties data, found an empty file"
