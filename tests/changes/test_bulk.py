"""Bulk changes: what import calls out before it writes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.build.pipeline import read_roster
from generator.changes.bulk import BULK, BULK_REASSIGNED, bulk_changes, moved_names
from generator.changes.diff import diff
from tests.helpers.roster_edit import SAMPLE, SMALL, copy_roster, edit

GULOU = "371502001-古楼街道.yaml"


def changes_of(old: Path, new: Path) -> list[str]:
    before = read_roster(old).roster
    return bulk_changes(diff(before, read_roster(new).roster), before)


def test_an_ordinary_edit_is_not_called_out(tmp_path: Path) -> None:
    new = copy_roster(tmp_path)
    edit(new, "advisors.yaml", "'15805350004'", "'15805359999'")
    edit(new, GULOU, "name: 王庄村委会", "name: 王庄社区居委会")
    assert changes_of(SMALL, new) == []


def test_names_moved_onto_other_villages_codes_are_called_out(tmp_path: Path) -> None:
    """The names column sorted on its own: each code now carries another village's name."""
    new = copy_roster(tmp_path)
    names = ["古城社区居委会", "湖南社区居委会", "王庄村委会"]
    text = (new / "regions" / "371502-东昌府区" / GULOU).read_text(encoding="utf-8")
    for old_name, new_name in zip(names, [*names[1:], names[0]]):
        text = text.replace(f"name: {old_name}\n", f"name: @{new_name}\n", 1)
    (new / "regions" / "371502-东昌府区" / GULOU).write_text(text.replace("name: @", "name: "), encoding="utf-8")
    before, after = read_roster(SMALL).roster, read_roster(new).roster
    d = diff(before, after)
    assert moved_names(d, before) == [("371502001001", "湖南社区居委会"), ("371502001002", "王庄村委会"),
                                      ("371502001003", "古城社区居委会")]
    (line,) = bulk_changes(d, before)
    assert line.startswith("3 villages now have the name another village of their township had") and "sorting" in line


def test_a_name_another_township_has_is_not_a_move(tmp_path: Path) -> None:
    """28 villages are called 王庄: a village renamed to a name used elsewhere is an ordinary rename."""
    new = copy_roster(tmp_path)
    edit(new, GULOU, "name: 古城社区居委会", "name: 前董村村民委员会")  # 堂邑镇's 001
    before = read_roster(SMALL).roster
    assert moved_names(diff(before, read_roster(new).roster), before) == []


def test_many_places_renamed_are_called_out(tmp_path: Path) -> None:
    new = copy_roster(tmp_path)
    for path in (new / "regions").rglob("*.yaml"):
        path.write_text(re.sub(r"(  name: )(\S+)", r"\1\2新", path.read_text(encoding="utf-8")), encoding="utf-8")
    assert changes_of(SMALL, new) == ["12 places renamed at once"]
    assert BULK <= 12


@pytest.mark.slow  # the full sample roster, twice
def test_many_removals_and_reassignments_are_called_out(tmp_path: Path) -> None:
    new = copy_roster(tmp_path, SAMPLE)
    path = next(new.rglob("371502102-*.yaml"))
    text = path.read_text(encoding="utf-8")
    blocks = text.split("\n  - code: ")
    kept = "\n  - code: ".join(blocks[:-12])  # twelve villages deleted, as rows deleted in a sheet
    advisors = sorted(set(re.findall(r"advisor: '(A\d+)'", kept)))
    first, *others = advisors
    for other in others:  # every village of the township given one advisor
        kept = kept.replace(f"advisor: '{other}'", f"advisor: '{first}'")
    path.write_text(kept + "\n", encoding="utf-8")
    lines = changes_of(SAMPLE, new)
    assert lines[0] == "12 records removed at once (advisors, villages, townships, organizations or units gone from " \
                       "the workbook)", lines
    assert len(lines) == 2 and re.fullmatch(r"\d+ villages given another advisor at once", lines[1]), lines
    assert int(lines[1].split()[0]) >= BULK_REASSIGNED
