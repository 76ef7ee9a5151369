"""The open data under /data/: the roster's tables as JSON and CSV, their schemas and the data package."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build.pipeline import read_roster
from generator.core.schema import RECORDS
from generator.site.opendata import TABLES, open_data_files
from tests.changes.test_merge import SMALL_RETIRED
from tests.helpers.opendata import EDITION, make_open_data, read_back, rows
from tests.helpers.roster_edit import SMALL, copy_roster, edit
from tests.helpers.two_cities import two_city_roster

BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    """A command-line tool installed beside this Python (the test extra's)."""
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    assert found, f"{name} is not installed: pip install the test extra"
    return found


@pytest.fixture
def small_data(tmp_path: Path) -> Path:
    roster = copy_roster(tmp_path)
    (roster / "retired.yaml").write_text(SMALL_RETIRED, encoding="utf-8")
    return make_open_data(roster, tmp_path / "site")


def test_every_table_has_exactly_the_published_fields(small_data: Path) -> None:
    """The columns are the schema's published fields, in schema order (nested ones dotted), then version
    and date; a private field is never a column."""
    header = {t.name: next(iter(rows(small_data / f"{t.name}.csv")), None) for t in TABLES if t.name != "cities"}
    first = (small_data / "advisors.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert first == "id,name,role,organization,phone,version,date"
    assert (small_data / "villages.csv").read_text(encoding="utf-8-sig").splitlines()[0] == \
        "code,name,township,advisor,studio,version,date"
    assert (small_data / "units.csv").read_text(encoding="utf-8-sig").splitlines()[0] == \
        "id,name,kind,code,city,centre.name,centre.address,centre.phone,centre.hours,version,date"
    private = {f.name for fields in RECORDS.values() for f in fields if f.private}
    assert private == {"id_card", "home_address", "notes", "assessment"}
    for name, row in header.items():
        assert row is not None and not private & set(row), name
    assert header["retired-villages"] is not None and "township" in header["retired-villages"]
    assert header["retired-townships"] is not None and "county" in header["retired-townships"]


def test_every_file_names_the_rosters_version_date_and_licence(small_data: Path) -> None:
    for table in TABLES:
        if table.name == "cities":
            assert not (small_data / "cities.csv").exists()  # a city's roster has no cities
            continue
        data = json.loads((small_data / f"{table.name}.json").read_text(encoding="utf-8"))
        assert (data["name"], data["version"], data["date"]) == (table.name, "abc1234", "2024-03-01")
        assert data["licence"]["id"] == "CC-BY-4.0" and data["licence"]["url"].startswith("https://creativecommons.org/")
        for row in rows(small_data / f"{table.name}.csv"):
            assert (row["version"], row["date"]) == ("abc1234", "2024-03-01")
    package = json.loads((small_data / "datapackage.json").read_text(encoding="utf-8"))
    assert (package["version"], package["created"]) == ("abc1234", "2024-03-01T00:00:00Z")


def test_the_licence_is_chosen_in_programme_yaml(tmp_path: Path) -> None:
    roster = copy_roster(tmp_path)
    edit(roster, "programme.yaml", "sample: true", "sample: true\ndata_licence: CC0-1.0")
    data = make_open_data(roster, tmp_path / "site")
    assert json.loads((data / "villages.json").read_text(encoding="utf-8"))["licence"]["id"] == "CC0-1.0"
    assert json.loads((data / "datapackage.json").read_text(encoding="utf-8"))["licenses"][0]["name"] == "CC0-1.0"
    assert json.loads((data / "hsds" / "datapackage.json").read_text(encoding="utf-8"))["licenses"][0]["name"] == "CC0-1.0"


def test_the_csvs_read_back_into_the_roster_the_site_shows(tmp_path: Path, small_data: Path) -> None:
    roster = copy_roster(tmp_path / "r")
    (roster / "retired.yaml").write_text(SMALL_RETIRED, encoding="utf-8")
    assert read_back(small_data) == read_roster(roster).roster


def test_a_provinces_files_are_cut_per_city_and_read_back_city_by_city(tmp_path: Path) -> None:
    roster_dir = two_city_roster(tmp_path)
    roster = read_roster(roster_dir).roster
    data = make_open_data(roster_dir, tmp_path / "site")
    assert {p.name for p in data.iterdir() if p.is_dir()} == {"3715", "3716", "schema"}
    assert [c["id"] for c in rows(data / "cities.csv")] == ["3715", "3716"]
    assert rows(data / "programme.csv")[0]["city"] == "山东省"
    for city in ("3715", "3716"):
        back = read_back(data / city, data)
        assert rows(data / city / "programme.csv")[0]["city"] == roster.city[city].name
        want = roster.only_city(city)
        programme = read_back(data / city).programme  # the city's own programme, as its pages show it
        assert back.counties == want.counties and back.townships == want.townships and back.advisors == want.advisors
        assert programme == want.programme
    assert not (data / "villages.csv").exists()


@pytest.mark.slow  # an outside validator over every file
def test_json_files_validate_against_their_schemas(small_data: Path) -> None:
    """check-jsonschema, with formats checked: every JSON table against its schema; and it can fail."""
    for table in TABLES:
        if table.name == "cities":
            continue
        run = subprocess.run([tool("check-jsonschema"), "--schemafile", str(small_data / "schema" / f"{table.name}.json"),
                              str(small_data / f"{table.name}.json")], capture_output=True, text=True)
        assert run.returncode == 0, run.stdout + run.stderr
    broken = json.loads((small_data / "villages.json").read_text(encoding="utf-8"))
    broken["records"][0]["id_card"] = "x"
    (small_data / "villages.json").write_text(json.dumps(broken), encoding="utf-8")
    run = subprocess.run([tool("check-jsonschema"), "--schemafile", str(small_data / "schema" / "villages.json"),
                          str(small_data / "villages.json")], capture_output=True, text=True)
    assert run.returncode == 1 and "id_card" in run.stdout


def frictionless(package: Path) -> dict:
    run = subprocess.run([tool("frictionless"), "validate", "--json", str(package)], capture_output=True, text=True)
    return json.loads(run.stdout)


@pytest.mark.slow  # an outside validator over every file
def test_the_data_package_passes_frictionless(tmp_path: Path, small_data: Path) -> None:
    report = frictionless(small_data / "datapackage.json")
    assert report["valid"], [t["errors"][:3] for t in report["tasks"] if t["errors"]]
    assert {t["name"] for t in report["tasks"]} >= {"villages", "townships", "advisors", "retired-villages"}
    # and it can fail: a village whose advisor is not in advisors.csv breaks a foreign key
    text = (small_data / "villages.csv").read_text(encoding="utf-8-sig").replace(",A0005,", ",A0099,", 1)
    (small_data / "villages.csv").write_text("\ufeff" + text, encoding="utf-8")
    report = frictionless(small_data / "datapackage.json")
    assert not report["valid"] and "foreign-key" in json.dumps(report)


@pytest.mark.slow  # an outside validator over every file
def test_a_provinces_package_passes_frictionless(tmp_path: Path) -> None:
    data = make_open_data(two_city_roster(tmp_path), tmp_path / "site")
    report = frictionless(data / "datapackage.json")
    assert report["valid"], [t["errors"][:3] for t in report["tasks"] if t["errors"]]


def test_spreadsheet_formulas_stay_text(tmp_path: Path) -> None:
    roster = copy_roster(tmp_path)
    edit(roster, "advisors.yaml", "name: 刘洋", "name: '=HYPERLINK(\"http://x\")'")
    data = make_open_data(roster, tmp_path / "site")
    raw = (data / "advisors.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in raw
    assert json.loads((data / "advisors.json").read_text(encoding="utf-8"))["records"][3]["name"].startswith("=HYPERLINK")


def test_private_fields_never_reach_the_data(tmp_path: Path) -> None:
    """Markers planted in every private field of every advisor appear in no data file (tables, HSDS,
    schemas, package), as tests/build/test_site.py checks the pages."""
    roster = copy_roster(tmp_path)
    text = (roster / "advisors.yaml").read_text(encoding="utf-8")
    for n in range(2, 6):
        text = text.replace(f"  - id: A000{n}\n", f"  - id: A000{n}\n    home_address: HOME-MARK-{n}\n"
                            f"    notes: NOTES-MARK-{n}\n    assessment: ASSESS-MARK-{n}\n")
    (roster / "advisors.yaml").write_text(text, encoding="utf-8")
    checked = read_roster(roster)
    assert checked.ok, checked.problems
    files = dict(open_data_files(checked.roster, EDITION))
    assert any(p.endswith(".csv") for p in files) and any("/hsds/services/" in p for p in files)
    for path, data in files.items():
        for marker in (b"MARK-", b"SENTINEL", b"371502198001010018"):
            assert marker not in data, (path, marker)


def test_two_builds_give_the_same_bytes() -> None:
    roster = read_roster(SMALL).roster
    assert list(open_data_files(roster, EDITION)) == list(open_data_files(read_roster(SMALL).roster, EDITION))


@pytest.mark.slow  # the synthetic province: 16 cities, 77,299 villages
def test_at_province_scale_no_file_passes_10_mb(tmp_path: Path) -> None:
    """Issue 25: the data are cut per city, so that no file grows with the province (sizes, not times:
    bench/province.py reports both)."""
    from tests.helpers.sites import province_roster

    roster = read_roster(province_roster(tmp_path / "province")).roster
    largest, count, cities = 0, 0, set()
    for path, data in open_data_files(roster, EDITION):
        largest, count = max(largest, len(data)), count + 1
        cities.add(path.split("/")[1])
    assert largest <= 10_000_000, largest
    assert {c.id for c in roster.cities} <= cities and count > 16 * 20


@pytest.mark.parametrize("province", [False, True])
def test_the_statistics_json_validates_against_its_schema(tmp_path: Path, province: bool) -> None:
    from generator.build.output import write_files
    from generator.build.pipeline import stats_files

    roster_dir = two_city_roster(tmp_path) if province else copy_roster(tmp_path)
    data = make_open_data(roster_dir, tmp_path / "site")
    write_files(tmp_path / "site", stats_files(read_roster(roster_dir).roster))
    run = subprocess.run([tool("check-jsonschema"), "--schemafile", str(data / "schema" / "stats.json"),
                          str(data / "stats.json")], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout
