"""Helpers for tests that break a copy of a roster on purpose."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.helpers import TESTS

HERE = TESTS
SMALL = HERE / "rosters" / "small"
SAMPLE = HERE.parent / "data"


def copy_roster(tmp: Path, source: Path = SMALL) -> Path:
    target = tmp / "data"
    shutil.copytree(source, target)
    return target


def edit(root: Path, name: str, old: str, new: str, count: int = 1) -> int:
    """Replace ``old`` by ``new`` in one file (``count`` times); return the 1-based line of the first change."""
    path = next(root.rglob(name)) if "/" not in name else root / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"{old!r} not in {path}"
    at = text.index(old)
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return text.count("\n", 0, at) + 1


def merged(code: str, successors: str, kind: str = "merged") -> str:
    """retired.yaml of one village of 堂邑镇 (小王庄, ``code``) retired in 2021 as ``kind`` into ``successors``
    (a YAML list); more records: add this without its first line."""
    return (f"villages:\n  - code: '{code}'\n    name: 小王庄村委会\n    township: '371502102'\n    year: 2021\n"
            f"    kind: {kind}\n    successors: {successors}\n")
