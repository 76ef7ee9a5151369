"""The repository stands on its own: a fresh clone has nothing beside it."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.helpers import ROOT

OUTSIDE = "../" + "shared"  # spelt in two parts so this file does not find itself


def project_files() -> list[Path]:
    """Every file git tracks or would track (untracked files not ignored count too)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode("utf-8").split("\0")
    return [ROOT / name for name in listed if name and (ROOT / name).is_file()]


def test_nothing_refers_outside_the_repository() -> None:
    files = project_files()
    assert any(p.name == "README.md" for p in files)  # the listing itself works
    offenders = [
        str(p.relative_to(ROOT)) for p in files
        if p.stat().st_size < 5_000_000 and OUTSIDE.encode() in p.read_bytes()
    ]
    assert offenders == [], f"these files refer to {OUTSIDE}, which a clone does not have"


def test_division_lists_ship_with_their_source_and_licence() -> None:
    folder = ROOT / "scripts" / "divisions"
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "china-division" in readme and "Licence" in readme
    for year, villages in (("2019", 6363), ("2023", 2408)):
        lines = (folder / f"liaocheng-{year}.csv").read_text(encoding="utf-8").splitlines()
        assert lines[0] == "county_code,county_name,township_code,township_name,village_code,village_name"
        assert len(lines) - 1 == villages
