"""What the roster may contain: every record type, its fields, their kinds, and which are private.

The schema is data, read by the validator (to check files) and by the loader (to
build the model from published fields only: private fields never enter the model,
so no template can render them). A field's kind is a small typed value (``Code(9,
"township")``, ``Ref("advisor")``, ``Records("village")``…) that both readers take
apart with ``match``; the words of the messages about kinds belong to the validator.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .model import COUNTY_KIND_NAMES, LICENCES, ORGANIZATION_KIND_NAMES, RETIREMENT_KIND_NAMES, ROLE_NAMES

# --- kinds of field ------------------------------------------------------------------
# Scalars are read as text (staff write codes and numbers unquoted); Flag and Count are
# the only kinds whose YAML type matters, and Record/Records/Refs hold nested values.


@dataclass(frozen=True, slots=True)
class Text:
    """Free text."""


@dataclass(frozen=True, slots=True)
class Id:
    """An id of letters, digits, '-' and '_': it becomes part of a web address."""


@dataclass(frozen=True, slots=True)
class Code:
    """A statistical code (统计用区划代码) of ``digits`` digits for a ``what``: county, township or village."""

    digits: int
    what: str


@dataclass(frozen=True, slots=True)
class Phone:
    """A mobile, a landline with area code, or a service number such as 12348."""


@dataclass(frozen=True, slots=True)
class Url:
    """An absolute http(s) address."""


@dataclass(frozen=True, slots=True)
class IdCard:
    """An 18-character resident ID-card number with its check digit."""


@dataclass(frozen=True, slots=True)
class Choice:
    """One word of ``options``."""

    options: tuple[str, ...]

    def accepts(self, value: object) -> bool:
        return value in self.options


@dataclass(frozen=True, slots=True)
class Flag:
    """YAML true or false."""

    def accepts(self, value: object) -> bool:
        return isinstance(value, bool)


@dataclass(frozen=True, slots=True)
class Count:
    """A whole number from ``low`` to ``high``: every number the roster gives has a bound (a limit of
    villages per advisor draws a bar per number up to it)."""

    low: int
    high: int

    @staticmethod
    def whole(value: object) -> bool:
        # YAML's true is a Python int: it must not pass for 1
        return isinstance(value, int) and not isinstance(value, bool)

    def accepts(self, value: object) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and self.low <= value <= self.high


@dataclass(frozen=True, slots=True)
class Ref:
    """The key of a ``target`` record (an advisor id, a township code…)."""

    target: str


@dataclass(frozen=True, slots=True)
class Refs:
    """A list of keys of ``target`` records."""

    target: str


@dataclass(frozen=True, slots=True)
class Record:
    """A nested mapping of the record type ``name``."""

    name: str


@dataclass(frozen=True, slots=True)
class Records:
    """A list of nested mappings of the record type ``name``."""

    name: str


#: Kinds whose value is one scalar, checked as text.
TextKind = Text | Id | Code | Phone | Url | IdCard | Choice | Ref
Kind = TextKind | Flag | Count | Refs | Record | Records


@dataclass(frozen=True)
class Field:
    """One field of a record.

    ``key`` marks the field that identifies its record: unique among records of its
    type, and what a :class:`Ref` to that type names. ``private`` fields are checked
    but never loaded into the model, and their values never appear in messages.
    """

    name: str
    kind: Kind
    required: bool = True
    private: bool = False
    key: bool = False


#: The years a retirement may name: from the first statistical division codes to well past any card.
YEARS = (1949, 2100)

RECORDS: dict[str, tuple[Field, ...]] = {
    "programme": (
        Field("name", Text()),
        Field("city", Text()),
        Field("province", Text()),
        Field("hotline", Phone()),
        Field("local_hotline", Phone()),
        Field("base_url", Url()),
        Field("sample", Flag(), required=False),
        Field("max_villages_per_advisor", Count(1, 100), required=False),
        Field("coverage_gap", Choice(("error", "warning")), required=False),
        Field("data_licence", Choice(tuple(LICENCES)), required=False),  # of the open data under /data/
    ),
    # cities.yaml: a province's programme has a level of cities above the county-level units;
    # a city's roster leaves the file out and builds exactly as before
    "cities-file": (Field("cities", Records("city")),),
    "city": (
        Field("id", Id(), key=True),
        Field("name", Text()),
        Field("code", Code(4, "city")),
        Field("local_hotline", Phone()),  # the city's 12348 line: on its villages' pages and cards
        # where the city's own site lives when each city is built as a site of its own (printed in
        # its QR codes); left out when the province is one site at the programme's base_url
        Field("base_url", Url(), required=False),
    ),
    "counties-file": (Field("counties", Records("county")),),
    "county": (
        Field("id", Id(), key=True),
        Field("name", Text()),
        Field("kind", Choice(tuple(COUNTY_KIND_NAMES))),
        # development zones have no official code, so the id, not the code, is the key
        Field("code", Code(6, "county"), required=False),
        Field("city", Ref("city"), required=False),  # required when the roster has cities.yaml (the validator)
        Field("centre", Record("centre")),
    ),
    "centre": (
        Field("name", Text()),
        Field("address", Text()),
        Field("phone", Phone()),
        Field("hours", Text()),
    ),
    "organizations-file": (Field("organizations", Records("organization")),),
    "organization": (
        Field("id", Id(), key=True),
        Field("name", Text()),
        Field("kind", Choice(tuple(ORGANIZATION_KIND_NAMES))),
        Field("county", Ref("county")),
        Field("township", Ref("township"), required=False),
        Field("address", Text(), required=False),
        Field("phone", Phone(), required=False),
    ),
    "advisors-file": (Field("advisors", Records("advisor")),),
    "advisor": (
        Field("id", Id(), key=True),
        Field("name", Text()),
        Field("role", Choice(tuple(ROLE_NAMES))),
        Field("organization", Ref("organization")),
        Field("phone", Phone()),
        Field("id_card", IdCard(), required=False, private=True),
        Field("home_address", Text(), required=False, private=True),
        Field("notes", Text(), required=False, private=True),
        Field("assessment", Text(), required=False, private=True),
    ),
    "township-file": (
        Field("township", Record("township")),
        Field("villages", Records("village")),
    ),
    "township": (
        Field("code", Code(9, "township"), key=True),
        Field("name", Text()),
        Field("county", Ref("county")),
        Field("workstation", Record("workstation")),
        Field("team", Refs("advisor")),
    ),
    "workstation": (
        Field("address", Text()),
        Field("phone", Phone()),
        Field("hours", Text()),
    ),
    "village": (
        Field("code", Code(12, "village"), key=True),
        Field("name", Text()),
        Field("advisor", Ref("advisor"), required=False),  # none is a coverage gap, not a format error
        Field("studio", Text(), required=False),
    ),
    # retired.yaml: codes that were published (printed on cards) and what replaced them
    "retired-file": (
        Field("villages", Records("retired-village"), required=False),
        Field("townships", Records("retired-township"), required=False),
    ),
    "retired-village": (
        Field("code", Code(12, "village"), key=True),
        Field("name", Text()),
        Field("township", Code(9, "township")),  # where it was; that township may be retired too
        Field("year", Count(*YEARS)),
        Field("kind", Choice(tuple(RETIREMENT_KIND_NAMES))),
        Field("successors", Refs("village"), required=False),  # live or retired codes
    ),
    "retired-township": (
        Field("code", Code(9, "township"), key=True),
        Field("name", Text()),
        Field("county", Ref("county")),
        Field("year", Count(*YEARS)),
        Field("kind", Choice(tuple(RETIREMENT_KIND_NAMES))),
        Field("successors", Refs("township"), required=False),
    ),
}

#: Published fields as staff know them: change lists and the open data's columns name them so.
FIELD_TITLES = {
    "name": "名称", "role": "身份", "organization": "所在机构", "phone": "电话", "studio": "工作室",
    "advisor": "顾问", "county": "所属单位", "kind": "类别", "code": "代码", "township": "所在乡镇",
    "address": "地址", "workstation.address": "工作站地址", "workstation.phone": "工作站电话",
    "workstation.hours": "工作站时间", "centre.name": "中心名称", "centre.address": "中心地址",
    "centre.phone": "中心电话", "centre.hours": "中心时间", "city": "城市", "province": "省份",
    "hotline": "热线", "local_hotline": "本地热线", "base_url": "网址", "sample": "示例数据",
    "max_villages_per_advisor": "每名顾问最多村居数", "coverage_gap": "空白村居级别", "id": "编号", "team": "团队", "year": "年份", "successors": "接替代码",
    "data_licence": "开放数据许可协议",
}

#: The top-level files of a roster and the record type of each.
ROSTER_FILES: dict[str, str] = {
    "programme.yaml": "programme",
    "counties.yaml": "counties-file",
    "organizations.yaml": "organizations-file",
    "advisors.yaml": "advisors-file",
}
#: Top-level files a roster may leave out, and the record type of each.
OPTIONAL_FILES: dict[str, str] = {
    "cities.yaml": "cities-file",
    "retired.yaml": "retired-file",
}
#: Township files live under this folder, one per township, in a folder per unit.
REGIONS_DIR = "regions"
#: The record type of each file under :data:`REGIONS_DIR`.
TOWNSHIP_FILE = "township-file"

_FIELDS: dict[str, dict[str, Field]] = {record: {f.name: f for f in fs} for record, fs in RECORDS.items()}

#: The file record that holds each type of record, derived from the files' fields: when
#: that file cannot be read, references into it are not reported as unknown.
DEFINED_IN: dict[str, str] = {
    f.kind.name: file
    for file in (*ROSTER_FILES.values(), *OPTIONAL_FILES.values(), TOWNSHIP_FILE)
    for f in RECORDS[file]
    if isinstance(f.kind, (Record, Records))
}


def fields(record: str) -> Mapping[str, Field]:
    """The fields of ``record`` by name, in schema order (built once: the validator asks per record)."""
    return _FIELDS[record]
