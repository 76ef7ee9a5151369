"""From roster files to the model (generator/roster/load.py): what the files say, the model holds; published
fields only; a malformed record is left out (the validator names it), an optional field left blank
is empty, never invented."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.core.model import (
    Advisor,
    Centre,
    City,
    County,
    Organization,
    Programme,
    Retired,
    Roster,
    Township,
    Village,
    Workstation,
)
from generator.roster.load import MAX_FILE_BYTES, build_roster, load_documents, parse_yaml, read_programme
from generator.roster.validate import validate_roster
from tests.helpers.roster_edit import SMALL, copy_roster, edit

HOURS = "周一至周五 9:00—17:00"


def small_model() -> Roster:
    """The small roster (tests/rosters/small) as the model must hold it, written out in full."""
    def village(code: str, name: str, advisor: str, studio: str | None = None) -> Village:
        return Village(code, name, code[:9], advisor, studio)

    return Roster(
        programme=Programme(name="一乡镇一团队、一村居一顾问", city="聊城市", province="山东省", hotline="12348",
                            local_hotline="0635-12348", base_url="https://fw.lc.example/", sample=True,
                            max_villages_per_advisor=3, coverage_gap="error"),
        counties=(
            County("371502", "东昌府区", "county", "371502",
                   Centre("东昌府区公共法律服务中心", "东昌府区柳园南路10号", "0635-8210001", HOURS)),
            County("kaifaqu", "聊城经济技术开发区", "zone", None,
                   Centre("开发区公共法律服务中心", "开发区黄山南路6号", "0635-8210002", HOURS)),
        ),
        organizations=(
            Organization("JO001", "古楼街道司法所", "judicial-office", "371502", "371502001", None, "0635-8410001"),
            Organization("JO002", "蒋官屯街道司法所", "judicial-office", "kaifaqu", "371502010", None, None),
            Organization("LF001", "山东泰和律师事务所", "law-firm", "371502", None, "东昌府区东昌路1号", "0635-8310001"),
            Organization("LS001", "古楼法律服务所", "legal-service-office", "371502", "371502001", None, None),
        ),
        advisors=(
            Advisor("A0001", "王建国", "lawyer", "LF001", "13905350001"),
            Advisor("A0002", "李秀英", "legal-worker", "LS001", "13905350002"),
            Advisor("A0003", "张伟", "judicial-officer", "JO001", "0635-8410001"),
            Advisor("A0004", "刘洋", "lawyer", "LF001", "15805350004"),
            Advisor("A0005", "赵敏", "judicial-officer", "JO002", "18605350005"),
        ),
        townships=(
            Township("371502001", "古楼街道", "371502", Workstation("古楼街道便民服务中心二楼", "0635-8410001", HOURS),
                     ("A0003", "A0001", "A0002"), (
                         village("371502001001", "古城社区居委会", "A0001", "古城社区党群服务中心"),
                         village("371502001002", "湖南社区居委会", "A0001", "湖南社区党群服务中心"),
                         village("371502001003", "王庄村委会", "A0002"))),
            Township("371502010", "蒋官屯街道", "kaifaqu", Workstation("蒋官屯街道办事处一楼", "0635-8430001", HOURS),
                     ("A0005",), (
                         village("371502010001", "余庄村委会", "A0005"),
                         village("371502010002", "玉庄村委会", "A0005"),
                         village("371502010003", "窎桥社区居委会", "A0005"))),
            Township("371502102", "堂邑镇", "371502", Workstation("堂邑镇政府院内", "0635-8420001", HOURS),
                     ("A0004", "A0002"), (
                         village("371502102001", "前董村村民委员会", "A0004"),
                         village("371502102002", "王庄村委会", "A0004"),
                         village("371502102003", "堌堆村委会", "A0002"))),
        ),
    )


def test_the_model_holds_what_the_roster_says_and_no_private_field() -> None:
    roster = build_roster(load_documents(SMALL))
    assert roster == small_model()
    assert "SENTINEL" not in repr(roster)  # an advisor's id card, home address, notes: checked, never loaded


def test_a_lenient_build_leaves_out_malformed_records_and_keeps_blanks_empty(tmp_path: Path) -> None:
    """Records without what identifies them are left out; optional fields left out are empty; a
    number written unquoted is text; text is trimmed."""
    root = copy_roster(tmp_path)
    (root / "counties.yaml").write_text(
        "counties:\n"
        "  - id: '371502'\n    code: 371502\n    name: ' 东昌府区 '\n"  # no kind, no centre: a county without one
        "  - id: kaifaqu\n    kind: zone\n    centre: {phone: '0635-8210002'}\n"
        "  - name: 无编号\n    kind: zone\n"  # no id: left out
        "  - just text\n",
        encoding="utf-8")
    edit(root, "organizations.yaml", "    kind: law-firm\n", "")  # LF001 without a kind: left out
    edit(root, "advisors.yaml", "    phone: '13905350002'\n", "")  # A0002 without a phone: left out
    edit(root, "371502001-古楼街道.yaml", "  team: ['A0003', 'A0001', 'A0002']", "  team: ['A0003', '', [A0001], ' A0002 ']")
    edit(root, "371502001-古楼街道.yaml", "  - code: '371502001002'\n", "  - kode: '371502001002'\n")
    edit(root, "371502001-古楼街道.yaml", "name: 王庄村委会\n    advisor: A0002\n", "name: 王庄村委会\n    advisor: ''\n    studio: ''\n")
    edit(root, "371502102-堂邑镇.yaml", "  code: '371502102'\n", "")  # a township without a code: left out
    edit(root, "371502010-蒋官屯街道.yaml", "  workstation:\n", "  workstatio:\n")
    edit(root, "371502010-蒋官屯街道.yaml", "  county: kaifaqu\n", "")
    edit(root, "371502010-蒋官屯街道.yaml", "  name: 蒋官屯街道\n", "")
    edit(root, "371502010-蒋官屯街道.yaml", "    name: 余庄村委会\n", "")
    roster = build_roster(load_documents(root))
    assert roster.counties == (
        County("371502", "东昌府区", "county", "371502", Centre("", "", "", "")),
        County("kaifaqu", "", "zone", None, Centre("", "", "0635-8210002", "")),
    )
    assert [o.id for o in roster.organizations] == ["JO001", "JO002", "LS001"]
    assert [a.id for a in roster.advisors] == ["A0001", "A0003", "A0004", "A0005"]
    assert [t.code for t in roster.townships] == ["371502001", "371502010"]
    gulou, jiangguantun = roster.townships
    assert gulou.team == ("A0003", "A0002")
    assert [(v.code, v.advisor, v.studio) for v in gulou.villages] == [
        ("371502001001", "A0001", "古城社区党群服务中心"), ("371502001003", None, None)]
    assert (jiangguantun.name, jiangguantun.county, jiangguantun.workstation) == ("", "", Workstation("", "", ""))
    assert [v.name for v in jiangguantun.villages] == ["", "玉庄村委会", "窎桥社区居委会"]


def test_cities_and_retired_codes_reach_the_model(tmp_path: Path) -> None:
    root = copy_roster(tmp_path)
    (root / "cities.yaml").write_text(
        "cities:\n"
        "  - id: '3715'\n    name: 聊城市\n    code: '3715'\n    local_hotline: '0635-12348'\n"
        "    base_url: https://lc.example/\n"
        "  - id: '3716'\n    name: 滨州市\n    code: 3716\n    local_hotline: '0543-12348'\n"
        "  - id: '3717'\n"  # no name, code or hotline: empty
        "  - name: 无编号\n",
        encoding="utf-8")
    edit(root, "counties.yaml", "    kind: county\n", "    kind: county\n    city: '3715'\n")
    (root / "retired.yaml").write_text(
        "villages:\n"
        "  - code: '371502102009'\n    name: 小王庄村委会\n    township: '371502102'\n    year: 2021\n"
        "    kind: merged\n    successors: ['371502102001', '', [x]]\n"
        "  - code: '371502102008'\n    name: 大王庄村委会\n    township: '371502102'\n    year: '2021'\n"
        "    kind: merged\n    successors: ['371502102001']\n"  # the year as text: left out
        "  - code: '371502102007'\n    year: 2020\n    kind: renamed\n"
        "townships:\n"
        "  - code: '371502103'\n    name: 旧镇\n    county: '371502'\n    year: 2019\n    kind: merged\n"
        "    successors: ['371502102']\n"
        "  - code: '371502104'\n    name: 无年\n    county: '371502'\n    kind: merged\n",
        encoding="utf-8")
    roster = build_roster(load_documents(root))
    assert roster.cities == (City("3715", "聊城市", "3715", "0635-12348", "https://lc.example/"),
                             City("3716", "滨州市", "3716", "0543-12348", None), City("3717", "", "", "", None))
    assert roster.counties[0].city == "3715" and roster.counties[1].city is None
    assert roster.retired_villages == (
        Retired("371502102007", "", "", 2020, "renamed", ()),
        Retired("371502102009", "小王庄村委会", "371502102", 2021, "merged", ("371502102001",)),
    )
    assert roster.retired_townships == (Retired("371502103", "旧镇", "371502", 2019, "merged", ("371502102",)),)


def test_the_programme_reads_blanks_as_empty_and_its_address_ends_in_one_slash(tmp_path: Path) -> None:
    root = copy_roster(tmp_path)
    (root / "programme.yaml").write_text("name: 项目\nbase_url: https://fw.lc.example//\nhotline: [12348]\n",
                                         encoding="utf-8")
    assert read_programme(load_documents(root)) == Programme(
        name="项目", city="", province="", hotline="", local_hotline="", base_url="https://fw.lc.example/")
    (root / "programme.yaml").write_text("base_url: https://fw.lc.example/X\n", encoding="utf-8")
    assert read_programme(load_documents(root)).base_url == "https://fw.lc.example/X/"
    (root / "programme.yaml").unlink()
    assert read_programme(load_documents(root)) == Programme("", "", "", "", "", "/")


def test_the_roster_is_its_files_the_optional_ones_when_there_and_its_township_files_in_order(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_roster(tmp_path)
    monkeypatch.chdir(tmp_path)  # paths are shown relative to the working folder
    unit = "regions/371502-东昌府区/"
    (root / unit / "notes.txt").write_text("not a township\n", encoding="utf-8")
    (root / unit / "371502000-新.yml").write_text("township: {code: '371502000'}\n", encoding="utf-8")
    (root / "retired.yaml").write_text("villages: []\n", encoding="utf-8")
    docs = load_documents(root)
    assert [(d.path, d.record) for d in docs.items] == [
        ("data/programme.yaml", "programme"), ("data/counties.yaml", "counties-file"),
        ("data/organizations.yaml", "organizations-file"), ("data/advisors.yaml", "advisors-file"),
        ("data/retired.yaml", "retired-file"),
        (f"data/{unit}371502000-新.yml", "township-file"), (f"data/{unit}371502001-古楼街道.yaml", "township-file"),
        (f"data/{unit}371502102-堂邑镇.yaml", "township-file"),
        ("data/regions/kaifaqu-聊城经济技术开发区/371502010-蒋官屯街道.yaml", "township-file"),
    ]
    assert docs.problems == [] and all(d.root is not None for d in docs.items)
    monkeypatch.chdir(SMALL)  # a roster outside the working folder is shown by its full path
    assert load_documents(root).items[0].path == str(root / "programme.yaml")


def test_a_file_saved_with_a_byte_order_mark_reads_as_without(tmp_path: Path) -> None:
    root = copy_roster(tmp_path)
    path = root / "programme.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # as Notepad and Excel save UTF-8
    docs = load_documents(root)
    assert docs.problems == [] and validate_roster(docs) == []
    assert read_programme(docs) == small_model().programme


def test_bytes_not_utf8_are_placed_and_called_gbk_only_when_they_are() -> None:
    (gbk,) = parse_yaml("a: 1\nname: 王庄\n".encode("gbk"), "p.yaml")[1]
    (neither,) = parse_yaml(b"a: 1\nname: \xff\xfe\n", "p.yaml")[1]
    (after_blank,) = parse_yaml(b"\nname: \xff\n", "p.yaml")[1]  # the first line empty: the column still counts from 1
    assert {(p.code, p.line, p.column, p.field) for p in (gbk, neither, after_blank)} == {("not-utf8", 2, 7, "")}
    assert "found byte 0xCD that is not UTF-8. It looks like GBK" in gbk.message
    assert neither.message.startswith("expected UTF-8 text, found byte 0xFF that is not UTF-8. save the file as 'UTF-8'")


def test_a_missing_regions_folder_or_a_file_in_its_place_is_a_problem(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_roster(tmp_path)
    monkeypatch.chdir(tmp_path)
    (root / "regions").rename(tmp_path / "moved")
    (missing,) = load_documents(root).problems
    (root / "regions").write_text("townships\n", encoding="utf-8")
    (a_file,) = load_documents(root).problems
    for p, why in ((missing, "No such file or directory"), (a_file, "Not a directory")):
        assert (p.line, p.column, p.field) == (0, 0, "")  # the folder as a whole (as JSON output shows)
        assert p.format() == (f"data/regions: error: expected a folder of township files, found one that cannot be read "
                              f"({why}); fix or remove it [unreadable-file]")


def test_a_key_that_is_not_text_is_shown_as_a_question_mark() -> None:
    root, problems = parse_yaml(b"~: 1\n[a]: 2\nb: 3\n", "p.yaml")
    assert root is not None and list(root.value) == ["?", "b"]
    assert [(p.code, p.line, p.field) for p in problems] == [("duplicate-key", 2, "?")]


def test_a_repeated_key_in_a_list_item_is_named_by_its_place() -> None:
    _, problems = parse_yaml(b"advisors:\n  - id: A1\n  - id: A2\n    name: x\n    id: A3\n", "a.yaml")
    assert [(p.field, p.line, p.column) for p in problems] == [("advisors[1].id", 5, 5)]
    assert "found 'id' again (first at line 3, column 5)" in problems[0].message


def test_problems_with_a_whole_file_have_no_position_and_no_field(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As JSON output gives them: line and column 0, field empty."""
    root = copy_roster(tmp_path)
    monkeypatch.chdir(tmp_path)
    (root / "counties.yaml").unlink()
    (root / "advisors.yaml").unlink()
    (root / "advisors.yaml").mkdir()
    (root / "organizations.yaml").unlink()
    (root / "organizations.yaml").symlink_to("organizations.yaml")  # a link to itself: it cannot be opened
    problems = {p.file: p for p in load_documents(root).problems}
    assert {(p.line, p.column, p.level, p.field) for p in problems.values()} == {(0, 0, "error", "")}
    assert {f: (p.code, p.message) for f, p in problems.items()} == {
        "data/counties.yaml": ("missing-file", "expected the file counties.yaml (the roster's counties list), found none"),
        "data/advisors.yaml": ("unreadable-file", "expected the file advisors.yaml (the roster's advisors list), found a "
                                                  "folder; move the folder away and put the file there"),
        "data/organizations.yaml": ("unreadable-file", "expected a readable file (the roster's organizations list), found "
                                    "one that cannot be read: Too many levels of symbolic links; check its permissions or links"),
    }
    (missing,) = load_documents(tmp_path / "nothing").problems
    assert (missing.line, missing.column, missing.field, missing.code) == (0, 0, "", "missing-file")


def test_a_file_of_exactly_the_size_limit_is_read_whole(tmp_path: Path) -> None:
    root = copy_roster(tmp_path)
    path = root / "programme.yaml"
    text = path.read_text(encoding="utf-8").replace("hotline: '12348'\n", "") + "hotline: '12348'"  # the last byte matters
    body = text.encode()
    path.write_bytes(b"#" * (MAX_FILE_BYTES - len(body) - 1) + b"\n" + body)
    assert path.stat().st_size == MAX_FILE_BYTES
    docs = load_documents(root)
    assert docs.problems == [] and read_programme(docs).hotline == "12348"
    path.write_bytes(b"#" + path.read_bytes())
    (p,) = load_documents(root).problems
    assert (p.code, p.line, p.column, p.level, p.field) == ("too-large", 0, 0, "error", "")


def test_text_the_parser_refuses_to_read_is_a_syntax_problem_at_the_start() -> None:
    (p,) = parse_yaml(b"a: \x07\n", "p.yaml")[1]  # a control character: libyaml's reader refuses it, without a mark
    assert (p.file, p.line, p.column, p.level, p.field, p.code) == ("p.yaml", 1, 1, "error", "", "yaml-syntax")
    assert p.message.startswith("expected valid YAML: unacceptable character #x0007")


def test_a_tag_yaml_cannot_build_is_a_syntax_problem_where_it_stands() -> None:
    (p,) = parse_yaml(b"a: !foo x\n", "p.yaml")[1]  # an error without a context
    assert (p.line, p.column, p.field, p.code) == (1, 4, "", "yaml-syntax")
    assert p.message == ("expected valid YAML, found: could not determine a constructor for the tag '!foo'; "
                         "check indentation, quotes and brackets near here")


def test_a_repeated_key_deep_in_a_file_is_named_by_its_own_name() -> None:
    (p,) = parse_yaml(b"a:\n  b:\n    c: 1\n    c: 2\n", "p.yaml")[1]
    assert (p.field, p.line, p.column) == ("a.b.c", 4, 5) and "found 'c' again (first at line 3, column 5)" in p.message
