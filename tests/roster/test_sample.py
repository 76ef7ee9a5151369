"""The shipped sample roster: full programme scale, clean, and exactly what its script makes."""

from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build.pipeline import read_roster
from generator.site.stats import report
from tests.helpers.roster_edit import SAMPLE

ROOT = SAMPLE.parent


@pytest.mark.slow
def test_sample_is_clean_and_full_scale() -> None:
    checked = read_roster(SAMPLE)
    assert checked.problems == []
    roster = checked.roster
    total = report(roster).total
    assert (len(roster.counties), total.townships, total.villages, total.gaps) == (11, 136, 6363, 0)
    assert len(roster.advisors) == 1874
    kinds = [o.kind for o in roster.organizations]
    assert (kinds.count("law-firm"), kinds.count("legal-service-office"), kinds.count("judicial-office")) == (41, 69, 135)
    assert {len(vs) for vs in roster.villages_of.values()} <= set(range(1, 7))
    assert all(3 <= len(t.team) <= 8 for t in roster.townships)
    assert sum(1 for v in roster.villages if v.short_name.startswith("王庄")) >= 28


@pytest.mark.slow
def test_committed_sample_matches_its_script(tmp_path: Path) -> None:
    out = tmp_path / "data"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_sample_roster.py"), "--out", str(out)],
                   check=True, capture_output=True)
    cmp = filecmp.dircmp(SAMPLE, out)
    stack, differ = [cmp], []
    while stack:
        c = stack.pop()
        differ += [f"{c.left}/{n}" for n in c.diff_files + c.left_only + c.right_only]
        stack += c.subdirs.values()
    assert differ == [], "data/ is stale: run python scripts/make_sample_roster.py"


@pytest.mark.slow
def test_province_sample_is_clean_deterministic_and_province_sized(tmp_path: Path) -> None:
    # the benchmarks' province: Shandong's counts, every code under its city's prefix, and twice the same bytes
    runs = []
    for n in (1, 2):
        out = tmp_path / f"province{n}"
        subprocess.run([sys.executable, str(ROOT / "scripts" / "make_sample_roster.py"), "--province", "--out", str(out)],
                       check=True, capture_output=True)
        runs.append({str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()})
    assert runs[0] == runs[1]
    checked = read_roster(tmp_path / "province1")
    assert checked.problems == []
    roster = checked.roster
    total = report(roster).total
    assert (len(roster.counties), total.townships, total.villages, total.gaps) == (156, 1862, 77299, 0)
    assert 20000 <= len(roster.advisors) <= 25000
    assert len(roster.cities) == 16 and len({t.code[:4] for t in roster.townships}) == 16
    assert all(roster.city_of(c.id) for c in roster.counties)
    assert len({c.local_hotline for c in roster.cities}) == 16
    assert sum(1 for c in roster.counties if c.name == "东昌府区") >= 10  # repeated names are the point
