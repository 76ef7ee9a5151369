"""Hostile and clumsy input: every file gives problems or a roster, in bounded time, never a crash."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build.pipeline import read_roster
from generator.roster.load import _check_shape, _Loader, load_documents, parse_yaml
from generator.roster.validate import validate_roster
from tests.helpers.roster_edit import copy_roster, edit

pytestmark = pytest.mark.slow  # generated and bomb-sized input, each read in bounded time and memory: the full suite's

BILLION_LAUGHS = "a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']\n" + "".join(
    f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)

BOMBS = {  # name: (text, code, (line, column) of the first thing refused: an alias, or the level too deep)
    "billion laughs": (BILLION_LAUGHS, "yaml-alias", (2, 8)),
    "self-referencing alias": ("a: &a [*a]\n", "yaml-alias", (1, 8)),
    "500 nested lists": ("a: " + "[" * 500 + "]" * 500 + "\n", "too-deep", (1, 23)),
    "999 nested mappings": ("".join(" " * i + f"k{i}:\n" for i in range(998)) + " " * 998 + "k: v\n", "too-deep", (21, 21)),
    "100,000 brackets (libyaml's composer would crash)": ("[" * 100_000 + "]" * 100_000, "too-deep", (1, 21)),
    "21 levels past a closed sibling": ("a: " + "[" * 15 + "[], " + "[" * 10 + "]" * 10 + "]" * 15 + "\n", "too-deep", (1, 27)),
}


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_bombs_are_refused_where_they_start(name: str) -> None:
    text, code, at = BOMBS[name]
    root, problems = parse_yaml(text.encode(), "programme.yaml")
    assert root is None
    assert [(p.code, (p.line, p.column), p.field) for p in problems] == [(code, at, "")]
    assert problems[0].message == {
        "yaml-alias": "expected plain values, found a YAML anchor or alias (& or *); write each value out in full",
        "too-deep": "expected at most 20 levels of nesting, found more; a roster file nests only a few levels: "
                    "check the brackets and indentation"}[code]



@pytest.mark.parametrize("name", sorted(BOMBS))
def test_the_position_is_the_same_whichever_parser_reads(name: str) -> None:
    """libyaml (of whichever PyYAML build) and the pure-Python parser refuse a bomb at one place.

    Newer libyaml builds stop deep nesting at a depth of their own (PyYAML 6.0.4: column 1001 of
    100,000 brackets); the position reported is where our limit is passed, never theirs.
    """
    text, code, at = BOMBS[name]
    found = {loader.__name__: _check_shape(text, "programme.yaml", loader) for loader in (yaml.SafeLoader, _Loader)}
    assert {n: (p.code, (p.line, p.column)) if p else None for n, p in found.items()} == dict.fromkeys(found, (code, at))


def test_the_cli_refuses_a_bomb_in_the_roster(tmp_path: Path) -> None:
    root = copy_roster(tmp_path)
    (root / "counties.yaml").write_text(BILLION_LAUGHS, encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "generator", "validate", str(root)], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 1, r.stderr
    assert "[yaml-alias]" in r.stdout and "Traceback" not in r.stderr + r.stdout


def test_a_symlinked_unit_folder_is_read_and_a_loop_is_a_problem(tmp_path: Path) -> None:
    root = copy_roster(tmp_path)
    regions = root / "regions"
    unit = regions / "371502-东昌府区"
    moved = root / "units" / "371502-东昌府区"  # elsewhere in the roster folder
    moved.parent.mkdir()
    unit.rename(moved)
    unit.symlink_to(moved, target_is_directory=True)
    checked = read_roster(root)
    assert checked.problems == []
    assert len(checked.roster.townships) == 3  # the linked unit's two townships are read, not skipped
    (moved / "loop").symlink_to(moved, target_is_directory=True)
    (p,) = read_roster(root).problems
    assert (p.code, p.file, p.line) == ("unreadable-file", str(unit / "loop"), 0)  # the folder as the roster reaches it
    assert p.message == ("expected a folder of township files, found a link that leads back to a folder already read "
                         "(a loop); fix or remove it")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file whatever its permissions")
def test_an_unreadable_file_is_a_problem(tmp_path: Path) -> None:  # pragma: no cover - CI runs as root
    root = copy_roster(tmp_path)
    (root / "advisors.yaml").chmod(0)
    assert "unreadable-file" in [p.code for p in read_roster(root).problems]


yaml_trees = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=30,
)
ROSTER_FILES = ["programme.yaml", "counties.yaml", "organizations.yaml", "advisors.yaml",
                "regions/371502-东昌府区/371502001-古楼街道.yaml"]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400), which=st.sampled_from(ROSTER_FILES))
def test_any_bytes_give_problems_not_exceptions(tmp_path_factory: pytest.TempPathFactory, data: bytes,
                                                which: str) -> None:
    root = copy_roster(tmp_path_factory.mktemp("bytes"))
    (root / which).write_bytes(data)
    docs = load_documents(root)
    validate_roster(docs)
    read_roster(root)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tree=yaml_trees, which=st.sampled_from(ROSTER_FILES))
def test_any_yaml_tree_gives_problems_not_exceptions(tmp_path_factory: pytest.TempPathFactory, tree: object,
                                                     which: str) -> None:
    import yaml

    root = copy_roster(tmp_path_factory.mktemp("tree"))
    (root / which).write_text(yaml.safe_dump(tree, allow_unicode=True), encoding="utf-8")
    checked = read_roster(root)
    assert all(p.line >= 0 for p in checked.problems)


# (file, old, new, expected code): one row per fault found by the probe of issue 11
FAULTS = [
    ("programme.yaml", "base_url: https://fw.lc.example/", "base_url: 'https://fw.lc.example/\"><script>alert(1)</script>'", "bad-url"),
    ("programme.yaml", "base_url: https://fw.lc.example/", "base_url: 'https://fw.lc.example/ a'", "bad-url"),
    ("advisors.yaml", "id: A0005", "id: A" + "5" * 300, "too-large"),
    ("advisors.yaml", "name: 李秀英", "name: " + "李" * 1_000_000, "too-large"),
    ("advisors.yaml", "name: 李秀英", "name: '   '", "empty-value"),
    ("371502102-堂邑镇.yaml", "team: ['A0004', 'A0002']", "team: ['A0004', '" + "A" * 1_000_000 + "']", "too-large"),
    ("371502102-堂邑镇.yaml", "team: ['A0004', 'A0002']", "team: ['A0004', \"A0002\\e[2J\"]", "bad-text"),
    ("371502102-堂邑镇.yaml", "'371502102003'", "'３７１５０２１０２００３'", "bad-code"),
    ("371502102-堂邑镇.yaml", "'371502102003'", "'٣٧١٥٠٢١٠٢٠٠٣'", "bad-code"),
    ("advisors.yaml", "name: 李秀英", "name: .nan", "wrong-type"),
    ("advisors.yaml", "name: 李秀英", 'name: "\\e[31m李秀英\\e[0m"', "bad-text"),
]


@pytest.mark.parametrize(("name", "old", "new", "code"), FAULTS, ids=[f"{f[3]}-{i}" for i, f in enumerate(FAULTS)])
def test_probe_faults_are_problems(tmp_path: Path, name: str, old: str, new: str, code: str) -> None:
    from tests.helpers.roster_edit import edit

    root = copy_roster(tmp_path)
    line = edit(root, name, old, new)
    problems = read_roster(root).problems
    assert any(p.code == code and p.line == line for p in problems), [p.format() for p in problems]
    assert all(len(p.format()) < 600 for p in problems)  # a 1 MB value is not echoed back


def test_messages_never_carry_terminal_escapes(tmp_path: Path) -> None:
    from tests.helpers.roster_edit import edit

    root = copy_roster(tmp_path)
    edit(root, "advisors.yaml", "phone: '13905350002'", 'phone: "\\e]0;owned\\a139\\e[2J"')
    r = subprocess.run([sys.executable, "-m", "generator", "validate", str(root)], capture_output=True, text=True)
    assert r.returncode == 1
    assert "\x1b" not in r.stdout and "\x07" not in r.stdout
    assert "U+001B" in r.stdout


def test_problem_text_escapes_what_a_terminal_would_obey() -> None:
    from generator.core.problems import Problem

    text = Problem("a.yaml", 1, 1, "error", "f", "found '\x1b[2J\u202e'", "bad-text").format()
    assert "\x1b" not in text and "\u202e" not in text and "\\u001b[2J\\u202e" in text


# --- issue 21: nothing but the roster steers a build --------------------------------------------


def cli(*args: str, cwd: Path | None = None, memory: int | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m generator …``; with ``memory`` (bytes), in a process that may not take more."""
    import resource

    def limit() -> None:
        if memory is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120, preexec_fn=limit)


MARKER = "SECRET-OUTSIDE-THE-ROSTER"


def outside_file(tmp_path: Path) -> Path:
    """A file beside the roster, as a runner's key or /etc/passwd would be: YAML a roster file could be."""
    target = tmp_path / "elsewhere" / "id_rsa"
    target.parent.mkdir()
    target.write_text(f"advisors:\n  - id: A9\n    name: {MARKER}-name\n    phone: '{MARKER}'\n"
                      f"{MARKER}: {MARKER * 5}\n", encoding="utf-8")
    return target


@pytest.mark.parametrize("link", ["advisors.yaml", "regions/371502-东昌府区/371502102-堂邑镇.yaml",
                                  "regions/371502-东昌府区", "regions"])
def test_a_link_that_leaves_the_roster_is_a_problem_that_never_quotes_its_target(tmp_path: Path, link: str) -> None:
    """Issue 21 row 7: a roster file (or folder) that is a link was followed anywhere, and what it led to
    was read as roster and quoted in the errors (a pull request could copy a runner's file into the
    job log). The link is named; nothing of its target is read."""
    root = copy_roster(tmp_path)
    target = outside_file(tmp_path)
    path = root / link
    if path.is_dir():
        shutil.rmtree(path)
        (target.parent / "unit").mkdir()
        (target.parent / "unit" / "371502102-堂邑镇.yaml").symlink_to(target)
        path.symlink_to(target.parent / "unit" if link != "regions" else target.parent, target_is_directory=True)
    else:
        path.unlink()
        path.symlink_to(target)
    checked = read_roster(root)
    assert [(p.code, p.file) for p in checked.problems if p.code == "outside-roster"] == [("outside-roster", str(path))]
    assert all(MARKER not in p.format() and str(target.parent) not in p.format() for p in checked.problems)
    assert all(MARKER not in a.name for a in checked.roster.advisors)
    r = cli("validate", str(root))
    assert r.returncode == 1 and MARKER not in r.stdout + r.stderr and "[outside-roster]" in r.stdout


def test_a_link_inside_the_roster_is_read(tmp_path: Path) -> None:
    root = copy_roster(tmp_path)
    town = root / "regions" / "371502-东昌府区" / TOWN
    (root / "kept").mkdir()
    town.rename(root / "kept" / TOWN)
    town.symlink_to(Path("..") / ".." / "kept" / TOWN)
    checked = read_roster(root)
    assert checked.problems == [] and "371502102" in checked.roster.township


def test_a_huge_programme_setting_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    """Issue 21 row 5: max_villages_per_advisor: 100000000 took 3.4 GB and ended in an internal error."""
    root = copy_roster(tmp_path)
    line = edit(root, "programme.yaml", "max_villages_per_advisor: 3", "max_villages_per_advisor: 100000000")
    (p,) = [p for p in read_roster(root).problems if p.code == "out-of-range"]
    assert (p.file.endswith("programme.yaml"), p.line, p.column, p.field) == (True, line, 27, "max_villages_per_advisor")
    for command in (["validate", str(root)], ["stats", str(root)]):
        r = cli(*command, memory=1 << 30)
        assert r.returncode == 1, r.stderr
        assert "[out-of-range]" in r.stdout or "validate" in r.stderr


def chain(links: int) -> str:
    """retired.yaml: village 371502102101 renamed to …102, renamed to …103, … and the last to a live village."""
    codes = [f"371502{900 + i // 1000:03d}{i % 1000:03d}" for i in range(links)]
    rows = [f"  - {{code: '{c}', name: 旧村, township: '{c[:9]}', year: 2020, kind: renamed, "
            f"successors: ['{codes[i + 1] if i + 1 < links else '371502102001'}']}}\n" for i, c in enumerate(codes)]
    return "villages:\n" + "".join(rows)


def test_a_long_chain_of_retirements_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    """Issue 21 row 9: 900 or more successor links crashed validate with RecursionError (exit 3)."""
    root = copy_roster(tmp_path)
    (root / "retired.yaml").write_text(chain(1000), encoding="utf-8")
    r = cli("validate", str(root))
    assert r.returncode == 1 and "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr
    (first, *_) = [line for line in r.stdout.splitlines() if "[bad-successors]" in line]
    assert "retired.yaml:2:" in first and "within 20 retirements, found a chain of 1000" in first
    roster = read_roster(root).roster  # the model is built however long the chain
    assert roster.successors_now("371502900000") == ["371502102001"]
    (root / "retired.yaml").write_text(chain(20), encoding="utf-8")
    assert "bad-successors" not in [p.code for p in read_roster(root).problems]


INVISIBLE = {"\u200b": "ZERO WIDTH SPACE", "\u200d": "ZERO WIDTH JOINER", "\ufeff": "ZERO WIDTH NO-BREAK SPACE",
             "\u3164": "HANGUL FILLER", "\u2800": "BRAILLE PATTERN BLANK", "\u061c": "ARABIC LETTER MARK",
             "\u200e": "LEFT-TO-RIGHT MARK"}


@pytest.mark.parametrize("char", sorted(INVISIBLE), ids=lambda c: f"U+{ord(c):04X}")
def test_invisible_characters_in_a_name_are_bad_text(tmp_path: Path, char: str) -> None:
    """Issue 21 row 12: 王\u200b庄村委会 looked like 王庄村委会; a name of U+3164 alone rendered blank."""
    root = copy_roster(tmp_path)
    line = edit(root, TOWN, "name: 堌堆村委会", f"name: \"堌堆{char}村委会\"")
    problems = read_roster(root).problems
    assert [(p.code, p.line) for p in problems if p.code == "bad-text"] == [("bad-text", line)]
    (p,) = [p for p in problems if p.code == "bad-text"]
    assert f"U+{ord(char):04X}" in p.message and INVISIBLE[char] in p.message
    edit(root, TOWN, f"name: \"堌堆{char}村委会\"", f"name: \"{char * 3}\"")
    assert "bad-text" in [p.code for p in read_roster(root).problems]


TOWN = "371502102-堂邑镇.yaml"


def test_names_that_read_the_same_are_duplicates_where_names_are_unique(tmp_path: Path) -> None:
    """Issue 21 row 12: in one township, 王庄村委会 and 王\u200b庄村委会 (or full-width and capital letters)
    are one name twice; in two townships the same name is how it is (28 villages called 王庄), but two
    spellings that read the same are worth a warning."""
    root = copy_roster(tmp_path)
    line = edit(root, TOWN, "name: 堌堆村委会", "name: \"王\u200b庄村委会\"")
    dupes = [p for p in read_roster(root).problems if p.code == "duplicate-name"]
    assert [(p.level, p.line, p.field) for p in dupes] == [("error", line, "villages[2].name")]
    assert "王庄村委会" in dupes[0].message and f"{TOWN}:15:" in dupes[0].message  # where the first one is
    edit(root, TOWN, "name: \"王\u200b庄村委会\"", "name: ＷＡＮＧ庄村委会")
    edit(root, TOWN, "name: 王庄村委会", "name: wang庄村委会")
    assert [p.code for p in read_roster(root).problems if p.level == "error"] == ["duplicate-name"]

    root = copy_roster(tmp_path / "b")
    assert read_roster(root).problems == []  # 王庄村委会 in 古楼街道 and in 堂邑镇: two villages, one name
    edit(root, TOWN, "name: 前董村村民委员会", "name: 古城社区居委会\u3000")  # the end's wide space is trimmed
    edit(root, "advisors.yaml", "name: 张伟", "name: 李秀英")  # two advisors may share a name
    assert read_roster(root).problems == []
    edit(root, TOWN, "name: 古城社区居委会\u3000", "name: ab社区")
    edit(root, "371502001-古楼街道.yaml", "name: 古城社区居委会", "name: ＡＢ社区")
    (p,) = read_roster(root).problems
    assert (p.code, p.level, p.field) == ("look-alike-name", "warning", "villages[0].name")
    assert "ab社区" in p.message and "ＡＢ社区" in p.message


def test_a_port_out_of_range_is_a_bad_url(tmp_path: Path) -> None:
    """Issue 21 row 13: base_url https://fw.lc.example:99999/ was accepted."""
    root = copy_roster(tmp_path)
    for port, ok in (("99999", False), ("0", False), ("65536", False), ("65535", True), ("8080", True)):
        line = edit(root, "programme.yaml", "base_url: https://fw.lc.example", f"base_url: https://fw.lc.example:{port}")
        codes = [(p.code, p.line) for p in read_roster(root).problems]
        assert codes == ([] if ok else [("bad-url", line)]), port
        edit(root, "programme.yaml", f"base_url: https://fw.lc.example:{port}", "base_url: https://fw.lc.example")


def test_a_number_of_thousands_of_digits_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    """Python refuses to convert (or print) an integer of more than 4,300 digits: a decimal one crashed
    the parser, a hexadecimal one every message that showed it."""
    root = copy_roster(tmp_path)
    line = edit(root, "programme.yaml", "max_villages_per_advisor: 3", "max_villages_per_advisor: 1" + "0" * 5000)
    hex_line = edit(root, "advisors.yaml", "phone: '13905350002'", "phone: 0x" + "f" * 5000)
    problems = read_roster(root).problems
    assert {(p.code, p.line) for p in problems} >= {("wrong-type", line), ("too-large", hex_line)}
    assert all(len(p.format()) < 600 for p in problems)


# the fresh hostile set of issue 21 (shapes the first tests did not use), kept so that none comes back


def _link_shapes(root: Path, secret: Path) -> dict[str, tuple[Path, object]]:
    """Each shape: the link the problem must name, and what makes it."""
    unit = root / "regions" / "371502-东昌府区"
    return {
        "optional file": (root / "retired.yaml", lambda: (root / "retired.yaml").symlink_to(secret / "key.yaml")),
        "dangling": (root / "cities.yaml", lambda: (root / "cities.yaml").symlink_to(secret / "none.yaml")),
        "relative": (unit / "x.yaml", lambda: (unit / "x.yaml").symlink_to(Path("..") / ".." / ".." / "secret" / "key.yaml")),
        "chain": (root / "regions" / "hop.yaml", lambda: ((root / "hop2.yaml").symlink_to(secret / "key.yaml"),
                                                          (root / "regions" / "hop.yaml").symlink_to(root / "hop2.yaml"))),
        "folder to /": (root / "regions" / "root", lambda: (root / "regions" / "root").symlink_to("/", target_is_directory=True)),
        "device": (root / "programme.yaml", lambda: ((root / "programme.yaml").unlink(), (root / "programme.yaml").symlink_to("/dev/zero"))),
    }


@pytest.mark.parametrize("shape", ["optional file", "dangling", "relative", "chain", "folder to /", "device"])
def test_every_shape_of_link_out_of_the_roster_is_named_and_not_read(tmp_path: Path, shape: str) -> None:
    root = copy_roster(tmp_path)
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "key.yaml").write_text(f"villages:\n  - code: '371502102009'\n    name: {MARKER}\n", encoding="utf-8")
    link, make = _link_shapes(root, secret)[shape]
    make()  # type: ignore[operator]
    checked = read_roster(root)
    assert [p.file for p in checked.problems if p.code == "outside-roster"] == [str(link)]
    assert MARKER not in "\n".join(p.format() for p in checked.problems) + repr(checked.roster)


def test_a_roster_folder_that_is_a_link_is_not_read(tmp_path: Path) -> None:
    real = copy_roster(tmp_path / "elsewhere")
    (tmp_path / "data").symlink_to(real, target_is_directory=True)
    (p,) = read_roster(tmp_path / "data").problems
    assert (p.code, p.file) == ("outside-roster", str(tmp_path / "data"))


@pytest.mark.parametrize("char", ["\u2060", "\u180e", "\u00ad", "\u034f", "\ufe0f", "\U000e0041", "\u115f", "\u1160", "\uffa0",
                                  "\u17b4", "\u2061", "\u202a", "\u2069", "\u200c", "\U0001d173", "\U000e0100"],
                         ids=lambda c: f"U+{ord(c):04X}")
def test_other_invisible_characters_are_bad_text_too(tmp_path: Path, char: str) -> None:
    root = copy_roster(tmp_path)
    edit(root, TOWN, "name: 堌堆村委会", f'name: "堌{char}堆村委会"')
    assert "bad-text" in [p.code for p in read_roster(root).problems]
    edit(root, TOWN, f'name: "堌{char}堆村委会"', f'name: "{char * 4}"')
    assert {"bad-text", "empty-value"} & {p.code for p in read_roster(root).problems}


@pytest.mark.parametrize(("file", "old", "new", "code"), [
    ("programme.yaml", "max_villages_per_advisor: 3", "max_villages_per_advisor: -1", "out-of-range"),
    ("programme.yaml", "max_villages_per_advisor: 3", "max_villages_per_advisor: 0x7fffffffffffffffffffffff", "out-of-range"),
    ("programme.yaml", "max_villages_per_advisor: 3", "max_villages_per_advisor: 1e308", "wrong-type"),
    ("programme.yaml", "base_url: https://fw.lc.example/", "base_url: https://fw.lc.example:0/", "bad-url"),
    ("programme.yaml", "base_url: https://fw.lc.example/", "base_url: https://fw.lc.example:70000/x", "bad-url"),
    (TOWN, "name: 堌堆村委会", "name: 前董村村民委員會", None),  # traditional characters are other text
    (TOWN, "name: 堌堆村委会", "name: 王庄　村委会", None),  # a wide space inside reads as a space: another name
])
def test_other_numbers_ports_and_names(tmp_path: Path, file: str, old: str, new: str, code: str | None) -> None:
    root = copy_roster(tmp_path)
    line = edit(root, file, old, new)
    found = [(p.code, p.line) for p in read_roster(root).problems]
    assert found == ([(code, line)] if code else []), found


def test_a_diamond_of_retirements_is_followed_once_per_code(tmp_path: Path) -> None:
    """Each of 60 layers split in two and merged again: 2⁶⁰ paths through 120 codes, followed in an instant."""
    rows = []
    for i in range(60):
        a, b = f"3715029{i:02d}001", f"3715029{i:02d}002"
        last = "371502102001" if i == 59 else f"3715029{i + 1:02d}001"
        rows.append(f"  - {{code: '{a}', name: 旧, township: '{a[:9]}', year: 2020, kind: split, successors: ['{b}', '{last}']}}\n")
        rows.append(f"  - {{code: '{b}', name: 旧, township: '{b[:9]}', year: 2020, kind: merged, successors: ['{last}']}}\n")
    root = copy_roster(tmp_path)
    (root / "retired.yaml").write_text("villages:\n" + "".join(rows), encoding="utf-8")
    checked = read_roster(root)
    assert [(p.code, p.line) for p in checked.problems] == [("bad-successors", 2)]  # once, where the chain starts
    assert checked.roster.successors_now("371502900001") == ["371502102001"]
