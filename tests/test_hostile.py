"""Hostile and clumsy input: every file gives problems or a roster, in bounded time, never a crash."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import read_roster
from generator.load import load_documents, parse_yaml
from generator.validate import validate_roster
from roster_edit import SMALL, copy_roster

BILLION_LAUGHS = "a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']\n" + "".join(
    f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)

BOMBS = {
    "billion laughs": (BILLION_LAUGHS, "yaml-alias"),
    "self-referencing alias": ("a: &a [*a]\n", "yaml-alias"),
    "500 nested lists": ("a: " + "[" * 500 + "]" * 500 + "\n", "too-deep"),
    "999 nested mappings": ("".join(" " * i + f"k{i}:\n" for i in range(998)) + " " * 998 + "k: v\n", "too-deep"),
    "100,000 brackets (libyaml's composer would crash)": ("[" * 100_000 + "]" * 100_000, "too-deep"),
}


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_bombs_are_refused_with_a_position(name: str) -> None:
    text, code = BOMBS[name]
    root, problems = parse_yaml(text.encode(), "programme.yaml")
    assert root is None
    assert [p.code for p in problems] == [code]
    assert problems[0].line >= 1 and problems[0].column >= 1


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
    codes = [p.code for p in read_roster(root).problems]
    assert codes == ["unreadable-file"]


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


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400), which=st.sampled_from(ROSTER_FILES))
def test_any_bytes_give_problems_not_exceptions(tmp_path_factory: pytest.TempPathFactory, data: bytes,
                                                which: str) -> None:
    root = copy_roster(tmp_path_factory.mktemp("bytes"))
    (root / which).write_bytes(data)
    docs = load_documents(root)
    validate_roster(docs)
    read_roster(root)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tree=yaml_trees, which=st.sampled_from(ROSTER_FILES))
def test_any_yaml_tree_gives_problems_not_exceptions(tmp_path_factory: pytest.TempPathFactory, tree: object,
                                                     which: str) -> None:
    import yaml

    root = copy_roster(tmp_path_factory.mktemp("tree"))
    (root / which).write_text(yaml.safe_dump(tree, allow_unicode=True), encoding="utf-8")
    checked = read_roster(root)
    assert all(p.line >= 0 for p in checked.problems)
