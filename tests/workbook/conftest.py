"""The workbook tests' shared fixture: the full sample exported once per run."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.workbook.sheets import export_workbook
from tests.helpers.roster_edit import SAMPLE


@pytest.fixture(scope="session")
def sample_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An export of the full sample roster (read it; edit a copy)."""
    out = tmp_path_factory.mktemp("sample-xlsx") / "名册.xlsx"
    export_workbook(SAMPLE, out)
    return out
