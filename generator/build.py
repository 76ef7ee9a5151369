"""The pipeline both front ends run: load → validate → (render → write)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .load import build_roster, load_documents
from .model import Roster
from .problems import Problem, errors
from .validate import validate_roster


@dataclass(frozen=True)
class Checked:
    """A roster and what is wrong with it; ``ok`` when nothing is an error."""

    roster: Roster
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not errors(self.problems)


def read_roster(data_dir: Path | str) -> Checked:
    """Load and validate ``data_dir``. The roster is built leniently even when it has errors."""
    docs = load_documents(data_dir)
    return Checked(build_roster(docs), validate_roster(docs))
