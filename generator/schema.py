"""What the roster may contain: every record type, its fields, and which are private.

The schema is data, read by the validator (to check files) and by the loader (to
build the model from published fields only: private fields never enter the model,
so no template can render them).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    """One field of a record.

    ``kind`` is one of: ``text``, ``code6``/``code9``/``code12`` (statistical codes),
    ``id``, ``phone``, ``url``, ``bool``, ``int``, ``id-card``, ``choice``,
    ``ref:<target>`` (an id of another record: advisor, organization, county,
    township), ``refs:<target>`` (a list of them), ``record:<name>`` (a nested
    mapping) or ``records:<name>`` (a list of nested mappings).
    """

    name: str
    kind: str
    required: bool = True
    private: bool = False
    choices: tuple[str, ...] = ()


ROLES = ("lawyer", "legal-worker", "judicial-officer")
ORGANIZATION_KINDS = (
    "law-firm",
    "legal-service-office",
    "judicial-office",
    "notary",
    "appraisal",
    "legal-aid",
)
COUNTY_KINDS = ("county", "zone")

RECORDS: dict[str, tuple[Field, ...]] = {
    "programme": (
        Field("name", "text"),
        Field("city", "text"),
        Field("province", "text"),
        Field("hotline", "phone"),
        Field("local_hotline", "phone"),
        Field("base_url", "url"),
        Field("sample", "bool", required=False),
        Field("max_villages_per_advisor", "int", required=False),
        Field("coverage_gap", "choice", required=False, choices=("error", "warning")),
    ),
    "counties-file": (Field("counties", "records:county"),),
    "county": (
        Field("id", "id"),
        Field("name", "text"),
        Field("kind", "choice", choices=COUNTY_KINDS),
        # development zones have no official code, so the id, not the code, is the key
        Field("code", "code6", required=False),
        Field("centre", "record:centre"),
    ),
    "centre": (
        Field("name", "text"),
        Field("address", "text"),
        Field("phone", "phone"),
        Field("hours", "text"),
    ),
    "organizations-file": (Field("organizations", "records:organization"),),
    "organization": (
        Field("id", "id"),
        Field("name", "text"),
        Field("kind", "choice", choices=ORGANIZATION_KINDS),
        Field("county", "ref:county"),
        Field("township", "ref:township", required=False),
        Field("address", "text", required=False),
        Field("phone", "phone", required=False),
    ),
    "advisors-file": (Field("advisors", "records:advisor"),),
    "advisor": (
        Field("id", "id"),
        Field("name", "text"),
        Field("role", "choice", choices=ROLES),
        Field("organization", "ref:organization"),
        Field("phone", "phone"),
        Field("id_card", "id-card", required=False, private=True),
        Field("home_address", "text", required=False, private=True),
        Field("notes", "text", required=False, private=True),
        Field("assessment", "text", required=False, private=True),
    ),
    "township-file": (
        Field("township", "record:township"),
        Field("villages", "records:village"),
    ),
    "township": (
        Field("code", "code9"),
        Field("name", "text"),
        Field("county", "ref:county"),
        Field("workstation", "record:workstation"),
        Field("team", "refs:advisor"),
    ),
    "workstation": (
        Field("address", "text"),
        Field("phone", "phone"),
        Field("hours", "text"),
    ),
    "village": (
        Field("code", "code12"),
        Field("name", "text"),
        Field("advisor", "ref:advisor", required=False),  # none is a coverage gap, not a format error
        Field("studio", "text", required=False),
    ),
}

#: The top-level files of a roster and the record type of each.
ROSTER_FILES: dict[str, str] = {
    "programme.yaml": "programme",
    "counties.yaml": "counties-file",
    "organizations.yaml": "organizations-file",
    "advisors.yaml": "advisors-file",
}
#: Township files live under this folder, one per township, in a folder per unit.
REGIONS_DIR = "regions"


def fields(record: str) -> dict[str, Field]:
    return {f.name: f for f in RECORDS[record]}
