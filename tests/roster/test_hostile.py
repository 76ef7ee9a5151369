"""Hostile and clumsy input: every file gives problems or a roster, in bounded time, never a crash."""

from __future__ import annotations

import os
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
from tests.helpers.roster_edit import copy_roster

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
    moved = tmp_path / "elsewhere"
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
