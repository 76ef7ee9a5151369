"""The roster as Open Referral HSDS 3.0: the service documents against HSDS's compiled schema, validated
as upstream validates its own examples, and the tabular form against Frictionless."""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path

import pytest

from generator.site import hsds
from tests.helpers import ROOT
from tests.helpers.opendata import make_open_data
from tests.helpers.roster_edit import copy_roster, edit
from tests.helpers.two_cities import two_city_roster
from tests.site.test_opendata import frictionless, tool

COMPILED = ROOT / "generator" / "site" / "hsds-3.0" / "schema" / "compiled" / "service.json"


@pytest.fixture(scope="module")
def strict_schema(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """HSDS's compiled service schema with additionalProperties false everywhere, made by upstream's own
    tool (compiletojsonschema), as upstream's validate_examples_json_schema.sh does."""
    out = tmp_path_factory.mktemp("hsds") / "service-strict.json"
    run = subprocess.run([tool("compiletojsonschema"), "--set-additional-properties-false-everywhere", str(COMPILED)],
                         capture_output=True, text=True, check=True)
    out.write_text(run.stdout, encoding="utf-8")
    assert '"additionalProperties": false' in run.stdout
    return out


def check(schema: Path, documents: list[Path]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([tool("check-jsonschema"), "--schemafile", str(schema), *map(str, documents)],
                          capture_output=True, text=True)


@pytest.fixture
def small_hsds(tmp_path: Path) -> Path:
    roster = copy_roster(tmp_path)
    edit(roster, "371502001-古楼街道.yaml", "name: 王庄村委会\n    advisor: A0002\n", "name: 王庄村委会\n")  # a gap
    edit(roster, "programme.yaml", "max_villages_per_advisor: 3", "max_villages_per_advisor: 3\ncoverage_gap: warning")
    return make_open_data(roster, tmp_path / "site") / "hsds"


@pytest.mark.slow  # an outside validator over every file
def test_every_service_document_validates_against_hsds_compiled_schema(small_hsds: Path, strict_schema: Path) -> None:
    documents = sorted((small_hsds / "services").glob("*.json"))
    assert len(documents) == 1 + 3  # the programme's legal advice and each township's team
    run = check(strict_schema, documents)
    assert run.returncode == 0, run.stdout + run.stderr
    # and it can fail: a property HSDS does not have, deep in a document
    doc = json.loads(documents[0].read_text(encoding="utf-8"))
    (doc.get("service_at_locations") or [{}])[0].setdefault("location", {})["floor"] = "2"
    documents[0].write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    run = check(strict_schema, documents[:1])
    assert run.returncode == 1 and "floor" in run.stdout


def test_a_teams_document_holds_its_villages_advisors_and_places(small_hsds: Path) -> None:
    doc = json.loads((small_hsds / "services" / f"{hsds.uid('service', 'team', '371502001')}.json").read_text(encoding="utf-8"))
    assert doc["name"] == "古楼街道法律服务团队" and doc["organization"]["name"] == "聊城市司法局"
    assert [c["name"] for c in doc["contacts"]] == ["张伟", "王建国", "李秀英"]  # the team, in roster order
    assert doc["contacts"][1]["phones"][0]["number"] == "13905350001"
    assert [a["name"] for a in doc["service_areas"]] == ["古城社区居委会", "湖南社区居委会", "王庄村委会"]
    assert "暂未配备" in doc["service_areas"][2]["description"]
    places = {sal["location"]["name"]: sal for sal in doc["service_at_locations"]}
    assert places["古楼街道法律服务工作站"]["location"]["schedules"][0]["description"] == "周一至周五 9:00—17:00"
    assert places["古楼街道法律服务工作站"]["location"]["phones"][0]["number"] == "0635-8410001"
    village = places["古城社区居委会"]
    assert village["location"]["external_identifier"] == "371502001001"
    assert village["location"]["description"] == "村居司法行政工作室：古城社区党群服务中心"
    assert [(c["name"], c["phones"][0]["number"]) for c in village["contacts"]] == [("王建国", "13905350001")]
    assert places["王庄村委会"]["contacts"] == []  # a gap has no advisor


def test_ids_are_uuid5_of_codes_and_never_change(tmp_path: Path, small_hsds: Path) -> None:
    ids = [row.split(",", 1)[0] for row in (small_hsds / "locations.csv").read_text(encoding="utf-8").splitlines()[1:]]
    assert str(uuid.uuid5(hsds.NAMESPACE, "location:village:371502001001")) in ids
    assert all(uuid.UUID(i).version == 5 for i in ids)
    again = make_open_data(copy_roster(tmp_path / "again"), tmp_path / "again-site") / "hsds"
    assert (again / "services.csv").read_bytes().splitlines()[1:] == (small_hsds / "services.csv").read_bytes().splitlines()[1:]


@pytest.mark.slow  # an outside validator over every file
def test_the_tabular_form_passes_frictionless(small_hsds: Path) -> None:
    report = frictionless(small_hsds / "datapackage.json")
    assert report["valid"], [t["errors"][:3] for t in report["tasks"] if t["errors"]]
    assert {t["name"] for t in report["tasks"]} == set(hsds.TABLES)
    # and it can fail: a phone of a contact that is not there
    text = (small_hsds / "phones.csv").read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if ",,,,," not in line and line.count(",") > 5 and "-" in line.split(",")[4])
    (small_hsds / "phones.csv").write_text(text.replace(row, row.replace(row.split(",")[4], str(uuid.uuid4()))), encoding="utf-8")
    report = frictionless(small_hsds / "datapackage.json")
    assert not report["valid"] and "foreign-key" in json.dumps(report)


def test_the_tables_hold_upstreams_columns_in_upstreams_order(small_hsds: Path) -> None:
    for table in hsds.TABLES:
        schema = json.loads((ROOT / "generator/site/hsds-3.0/schema" / f"{table}.json").read_text(encoding="utf-8"))
        header = (small_hsds / schema["path"]).read_text(encoding="utf-8").splitlines()[0].split(",")
        assert header == [k for k, v in schema["properties"].items() if "$ref" not in v and v.get("type") != "array"]


@pytest.mark.slow  # an outside validator over every file
def test_a_province_has_hsds_per_city(tmp_path: Path, strict_schema: Path) -> None:
    data = make_open_data(two_city_roster(tmp_path), tmp_path / "site")
    for city in ("3715", "3716"):
        report = frictionless(data / city / "hsds" / "datapackage.json")
        assert report["valid"], [t["errors"][:3] for t in report["tasks"] if t["errors"]]
    docs = sorted((data / "3716" / "hsds" / "services").glob("*.json"))
    assert len(docs) == 2 and check(strict_schema, docs).returncode == 0
    bureau = json.loads(docs[0].read_text(encoding="utf-8"))["organization"]["name"]
    assert bureau == "滨州市司法局"


def test_uid_is_uuid5() -> None:
    for parts in (("a",), ("location", "village", "371502001001"), ("组织", "A0001")):
        assert hsds.uid(*parts) == str(uuid.uuid5(hsds.NAMESPACE, ":".join(parts)))
