"""The open data as a consumer reads it: the CSVs of ``/data/`` back into the model, and the data files
made in this process (what mutation testing sees)."""

from __future__ import annotations

import csv
from pathlib import Path

from generator.build.output import write_files
from generator.build.pipeline import read_roster
from generator.core.model import (
    Advisor,
    Centre,
    City,
    County,
    Organization,
    Programme,
    Retired,
    Roster,
    Township,
    Village,
    Workstation,
)
from generator.site.opendata import Edition, open_data_files

EDITION = Edition("abc1234", "2024-03-01")


def make_open_data(roster_dir: Path, out: Path) -> Path:
    """``out/data/``: the open data of the roster in ``roster_dir``, made as the build makes it."""
    write_files(out, open_data_files(read_roster(roster_dir).roster, EDITION))
    return out / "data"


def rows(path: Path) -> list[dict[str, str]]:
    """A CSV as Excel and pandas read it (the BOM is the encoding's), the formula guard undone."""
    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode()), f"{path}: no BOM"
    with path.open(encoding="utf-8-sig", newline="") as f:
        out = list(csv.DictReader(f))
    return [{k: v[1:] if v[:2] in ("'=", "'+", "'-", "'@") else v for k, v in row.items()} for row in out]


def _opt(value: str) -> str | None:
    return value or None


def _list(value: str) -> tuple[str, ...]:
    return tuple(value.split(",")) if value else ()


def read_back(folder: Path, programme_folder: Path | None = None) -> Roster:
    """The roster a folder of the open data holds (``data/`` of a city's roster, or ``data/<city>/`` of a
    province's, whose programme and cities are at the top: ``programme_folder``)."""
    top = programme_folder or folder
    (p,) = rows(top / "programme.csv")
    programme = Programme(name=p["name"], city=p["city"], province=p["province"], hotline=p["hotline"],
                          local_hotline=p["local_hotline"], base_url=p["base_url"], sample=p["sample"] == "true",
                          max_villages_per_advisor=int(p["max_villages_per_advisor"]),
                          coverage_gap=p["coverage_gap"],  # type: ignore[arg-type]
                          data_licence=p["data_licence"])
    cities = tuple(City(c["id"], c["name"], c["code"], c["local_hotline"], _opt(c["base_url"]))
                   for c in rows(top / "cities.csv")) if (top / "cities.csv").exists() else ()
    counties = tuple(County(c["id"], c["name"], c["kind"], _opt(c["code"]),
                            Centre(c["centre.name"], c["centre.address"], c["centre.phone"], c["centre.hours"]),
                            _opt(c["city"])) for c in rows(folder / "units.csv"))
    villages: dict[str, list[Village]] = {}
    for v in rows(folder / "villages.csv"):
        villages.setdefault(v["township"], []).append(Village(v["code"], v["name"], v["township"], _opt(v["advisor"]),
                                                              _opt(v["studio"])))
    townships = tuple(Township(t["code"], t["name"], t["county"],
                               Workstation(t["workstation.address"], t["workstation.phone"], t["workstation.hours"]),
                               _list(t["team"]), tuple(villages.get(t["code"], ()))) for t in rows(folder / "townships.csv"))
    return Roster(
        programme=programme,
        counties=counties,
        organizations=tuple(Organization(o["id"], o["name"], o["kind"], o["county"], _opt(o["township"]),
                                         _opt(o["address"]), _opt(o["phone"])) for o in rows(folder / "organizations.csv")),
        advisors=tuple(Advisor(a["id"], a["name"], a["role"], a["organization"], a["phone"])
                       for a in rows(folder / "advisors.csv")),
        townships=townships,
        retired_villages=tuple(Retired(r["code"], r["name"], r["township"], int(r["year"]), r["kind"],
                                       _list(r["successors"])) for r in rows(folder / "retired-villages.csv")),
        retired_townships=tuple(Retired(r["code"], r["name"], r["county"], int(r["year"]), r["kind"],
                                        _list(r["successors"])) for r in rows(folder / "retired-townships.csv")),
        cities=cities,
    )
