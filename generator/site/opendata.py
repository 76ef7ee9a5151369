"""The public roster as open data: one JSON and one CSV per kind of record under ``/data/``, a JSON
Schema for each JSON file, and a Frictionless data package (``datapackage.json``) that describes them.

A table's columns are the published fields of its record type in ``schema.py`` (a private field
never becomes a column; a new published field becomes one without a change here), in schema order,
nested records dotted in the CSV (``centre.phone``) and nested in the JSON. Every file carries the
roster's version and date (:class:`Edition`: never the clock) and its licence (``data_licence`` of
programme.yaml), so the same roster gives the same bytes.

A province's roster is cut per city (:meth:`Roster.only_city`): ``data/<city id>/`` holds what that
city's own site shows, so that no file grows with the province; the cities and the province's
programme are at the top. Pure functions from the model to ``(path, bytes)`` pairs.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from generator.core.model import (
    COUNTY_KIND_NAMES,
    LICENCES,
    ORGANIZATION_KIND_NAMES,
    RETIREMENT_KIND_NAMES,
    ROLE_NAMES,
    Programme,
    Retired,
    Roster,
)
from generator.core.schema import (
    FIELD_TITLES,
    Choice,
    Code,
    Count,
    Field,
    Flag,
    Id,
    IdCard,
    Phone,
    Record,
    Records,
    Ref,
    Refs,
    Text,
    Url,
    fields,
)
from generator.core.urls import OPEN_DATA

from .api import api_schema
from .escape import spreadsheet_cell
from .hsds import TABLES as HSDS_TABLES
from .hsds import description as hsds_description
from .hsds import hsds_files
from .hsds import path as hsds_path
from .stats import report_schema

JSON_SCHEMA = "https://json-schema.org/draft/2020-12/schema"
#: The two columns every CSV ends with (the JSON files carry them once, beside ``records``).
EDITION_COLUMNS = ("version", "date")
#: The JSON Schema of the villages' static API (``v/<code>/index.json``, api.py).
API_SCHEMA = f"{OPEN_DATA}schema/village-api.json"
#: What a list of ids or codes is joined with in a CSV cell (ids and codes never hold it).
LIST_DELIMITER = ","


@dataclass(frozen=True)
class Edition:
    """Which roster the files are of: its version (a git short hash or ``sha256:`` of its files) and
    its date (YYYY-MM-DD), from ``build.roster_version``."""

    version: str
    date: str


def licence_record(programme: Programme) -> dict[str, str]:
    """The open data's licence (``data_licence`` of programme.yaml) as every file names it."""
    name, title, url = LICENCES[programme.data_licence]
    return {"id": programme.data_licence, "name": name, "title": title, "url": url}


@dataclass(frozen=True)
class Column:
    """One column: its name (dotted under a nested record), the schema field it holds, and the
    Chinese title staff know it by."""

    name: str
    field: Field
    title: str


@dataclass(frozen=True)
class Table:
    """One kind of record as a file: ``<name>.json`` and ``<name>.csv``."""

    name: str
    title: str  # Chinese
    description: str
    columns: tuple[Column, ...]
    key: str
    objects: Callable[[Roster], Iterable[object]]  # model objects (or records made already), in roster order
    top: bool = False  # a province's, at the top only, never cut per city (its cities)

    def records(self, roster: Roster) -> Iterator[dict[str, Any]]:
        """The table's records as nested dicts (a JSON file's ``records``)."""
        table_fields = self.fields
        for obj in self.objects(roster):
            yield obj if isinstance(obj, dict) else _record(obj, table_fields)

    @property
    def fields(self) -> tuple[tuple[str, Field, tuple[Column, ...]], ...]:
        """The record's top-level fields with the columns each gives (a nested record gives several)."""
        out: list[tuple[str, Field, list[Column]]] = []
        for column in self.columns:
            head = column.name.split(".", 1)[0]
            if not out or out[-1][0] != head:
                out.append((head, column.field if "." not in column.name else Field(head, Record(head)), []))
            out[-1][2].append(column)
        return tuple((name, spec, tuple(cols)) for name, spec, cols in out)


def columns(record: str, extra: Iterable[tuple[int, Field]] = ()) -> tuple[Column, ...]:
    """The published fields of ``record`` as columns, nested records flattened (``centre.name``),
    with ``extra`` fields (not in the record itself) inserted at their positions."""
    out: list[Column] = []
    for spec in fields(record).values():
        if spec.private:
            continue
        match spec.kind:
            case Record(name):
                out += [Column(f"{spec.name}.{c.name}", c.field, FIELD_TITLES.get(f"{spec.name}.{c.name}", c.title))
                        for c in columns(name)]
            case Records():
                continue  # a list of records is a table of its own (a township file's villages)
            case _:
                out.append(Column(spec.name, spec, FIELD_TITLES.get(spec.name, spec.name)))
    for at, spec in extra:
        out.insert(at, Column(spec.name, spec, FIELD_TITLES.get(spec.name, spec.name)))
    return tuple(out)


def _record(obj: object, table_fields: Iterable[tuple[str, Field, tuple[Column, ...]]]) -> dict[str, Any]:
    """A model object as a record: its published fields by name, nested records as objects."""
    out: dict[str, Any] = {}
    for name, spec, cols in table_fields:
        value = getattr(obj, name)
        if isinstance(spec.kind, Record):
            out[name] = {c.name.split(".", 1)[1]: getattr(value, c.name.split(".", 1)[1]) for c in cols}
        elif isinstance(spec.kind, Refs):
            out[name] = list(value)
        else:
            out[name] = value
    return out


def _retired(parent: str, records: Callable[[Roster], Iterable[Retired]]) -> Callable[[Roster], Iterator[dict[str, Any]]]:
    """A retired code's record: the model's ``parent`` under the field's name (a village's township, a
    township's unit)."""
    def rows(roster: Roster) -> Iterator[dict[str, Any]]:
        for r in records(roster):
            yield {"code": r.code, "name": r.name, parent: r.parent, "year": r.year, "kind": r.kind,
                   "successors": list(r.successors)}
    return rows


def _tables() -> tuple[Table, ...]:
    village_township = fields("retired-village")["township"]  # a 9-digit township code, as a village's file says
    return (
        Table("programme", "项目", "the programme's settings: one record (a city's folder of a province: the city's "
              "name and local hotline, as its pages show them)", columns("programme"), "name", lambda r: [r.programme]),
        Table("cities", "城市", "a province's cities (a city's roster has none)", columns("city"), "id",
              lambda r: r.cities, True),
        Table("units", "县级单位", "county-level units, with their public legal service centre", columns("county"), "id",
              lambda r: r.counties),
        Table("townships", "乡镇（街道）", "townships, with their workstation and team (advisor ids)",
              columns("township"), "code", lambda r: r.townships),
        Table("villages", "村居（社区）", "villages, with their township and advisor",
              columns("village", [(2, village_township)]), "code", lambda r: r.villages),
        Table("advisors", "法律顾问", "advisors (published fields only)", columns("advisor"), "id", lambda r: r.advisors),
        Table("organizations", "机构", "the organizations advisors work for", columns("organization"), "id",
              lambda r: r.organizations),
        Table("retired-villages", "已撤销的村居代码", "retired village codes (printed on old cards) and what replaced them",
              columns("retired-village"), "code", _retired("township", lambda r: r.retired_villages)),
        Table("retired-townships", "已撤销的乡镇代码", "retired township codes and what replaced them",
              columns("retired-township"), "code", _retired("county", lambda r: r.retired_townships)),
    )


#: Every kind of record, in the order the data page lists them.
TABLES = _tables()
TABLE = {t.name: t for t in TABLES}


# -- descriptions of a column: JSON Schema, Table Schema, words for the data page ----------------

def _choices(kind: Choice) -> dict[str, str]:
    for names in (ROLE_NAMES, ORGANIZATION_KIND_NAMES, COUNTY_KIND_NAMES, RETIREMENT_KIND_NAMES):
        if set(kind.options) <= set(names):
            return {o: names[o] for o in kind.options}
    if set(kind.options) <= set(LICENCES):
        return {o: LICENCES[o][1] for o in kind.options}
    return {o: {"village": "村居", "township": "乡镇", "error": "错误", "warning": "警告"}.get(o, o) for o in kind.options}


#: The table each kind of reference names, with that record's word in Chinese.
_REFERRED = {"city": ("cities", "城市"), "county": ("units", "县级单位"), "township": ("townships", "乡镇"),
             "village": ("villages", "村居"), "advisor": ("advisors", "顾问"), "organization": ("organizations", "机构")}


def _refers(target: str) -> str:
    table, word = _REFERRED[target]
    return f"{word}的 {TABLE[table].key}（{table} 表）" if table in TABLE else word


def describe(spec: Field) -> str:
    """What a column holds, in Chinese, from its kind (the data page's field tables)."""
    match spec.kind:
        case Code(digits, what):
            return f"{digits} 位统计用区划代码（{what}）"
        case Id():
            return "编号：字母、数字、- 和 _"
        case Ref(target):
            return _refers(target)
        case Refs(target):
            return _refers(target) + f"，多个用“{LIST_DELIMITER}”分隔（JSON 中为数组）"
        case Phone():
            return "电话号码"
        case Url():
            return "网址（http 或 https）"
        case Choice() as kind:
            return "取值：" + "、".join(f"{o}（{name}）" for o, name in _choices(kind).items())
        case Flag():
            return "true 或 false"
        case Count():
            return "正整数"
        case Text() | IdCard() | Record() | Records():
            return "文字"


def _json_type(spec: Field) -> dict[str, Any]:
    match spec.kind:
        case Code(digits):
            return {"type": "string", "pattern": f"^[0-9]{{{digits}}}$"}
        case Id():
            return {"type": "string", "pattern": "^[A-Za-z0-9_-]+$"}
        case Refs():
            return {"type": "array", "items": {"type": "string"}}
        case Url():
            return {"type": "string", "format": "uri"}
        case Choice(options):
            return {"type": "string", "enum": list(options)}
        case Flag():
            return {"type": "boolean"}
        case Count():
            return {"type": "integer", "minimum": 1}
        case _:
            return {"type": "string"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    if "enum" in schema:
        return {**schema, "type": [schema["type"], "null"], "enum": [*schema["enum"], None]}
    return {**schema, "type": [schema["type"], "null"]}


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": False, "required": list(properties), "properties": properties}


def json_schema(table: Table) -> dict[str, Any]:
    """The JSON Schema of ``<table>.json``: the edition, the licence and the records."""
    props: dict[str, Any] = {}
    for name, spec, cols in table.fields:
        if isinstance(spec.kind, Record):
            props[name] = _object({c.name.split(".", 1)[1]: _column_schema(c) for c in cols})
        else:
            props[name] = _column_schema(cols[0])
    record = _object(props)
    return {
        "$schema": JSON_SCHEMA,
        "title": f"{table.title}（{table.name}）",
        "description": table.description,
        **_object({
            "name": {"const": table.name},
            "version": {"type": "string"},
            "date": {"type": "string", "format": "date"},
            "licence": _object({k: {"type": "string"} for k in ("id", "name", "title", "url")}),
            "records": {"type": "array", "items": record},
        }),
    }


def _column_schema(column: Column) -> dict[str, Any]:
    schema = {"title": column.title, "description": describe(column.field), **_json_type(column.field)}
    return schema if column.field.required else _nullable(schema)


def _table_type(spec: Field) -> dict[str, Any]:
    match spec.kind:
        case Code(digits):
            return {"type": "string", "constraints": {"pattern": f"[0-9]{{{digits}}}"}}
        case Id():
            return {"type": "string", "constraints": {"pattern": "[A-Za-z0-9_-]+"}}
        case Refs():
            return {"type": "list", "delimiter": LIST_DELIMITER, "itemType": "string"}
        case Url():
            return {"type": "string", "format": "uri"}
        case Choice(options):
            return {"type": "string", "constraints": {"enum": list(options)}}
        case Flag():
            return {"type": "boolean"}
        case Count():
            return {"type": "integer", "constraints": {"minimum": 1}}
        case _:
            return {"type": "string"}


def table_schema(table: Table, suffix: str = "", cities: bool = False) -> dict[str, Any]:
    """The Frictionless Table Schema of ``<table>.csv``; ``suffix`` ends the names of the resources
    its foreign keys name (in a province's package each city has its own; the cities are the
    province's); ``cities``: whether there is a table of cities to refer to."""
    out = []
    for c in table.columns:
        field: dict[str, Any] = {"name": c.name, "title": c.title, "description": describe(c.field), **_table_type(c.field)}
        constraints = field.setdefault("constraints", {})
        if c.field.required:
            constraints["required"] = True
        if c.name == table.key:
            constraints["unique"] = True
        if not constraints:
            del field["constraints"]
        out.append(field)
    out += [{"name": "version", "title": "名册版本", "type": "string", "constraints": {"required": True}},
            {"name": "date", "title": "名册日期", "type": "date", "constraints": {"required": True}}]
    schema: dict[str, Any] = {"fields": out, "primaryKey": [table.key]}
    keys = [(c, target) for c in table.columns if (target := _FOREIGN.get((table.name, c.name))) and (cities or target != "cities")]
    if keys:
        schema["foreignKeys"] = [{"fields": [c.name], "reference": {"resource": target if TABLE[target].top else target + suffix,
                                                           "fields": [TABLE[target].key]}}
                                 for c, target in keys]
    return schema


#: References that hold in every file: a village's township and advisor, a township's unit, an
#: advisor's organization, a unit's city. (An organization's unit may be another city's in a
#: province: an advisor who serves here may work there; retired codes may name retired codes.)
_FOREIGN = {("villages", "township"): "townships", ("villages", "advisor"): "advisors",
            ("townships", "county"): "units", ("advisors", "organization"): "organizations", ("units", "city"): "cities"}


# -- the files --------------------------------------------------------------------------------

def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return LIST_DELIMITER.join(value)
    return spreadsheet_cell(value)


def _flat(record: dict[str, Any]) -> Iterator[object]:
    for value in record.values():
        if isinstance(value, dict):
            yield from map(_csv_cell, value.values())
        else:
            yield _csv_cell(value)


def table_csv(table: Table, records: list[dict[str, Any]], edition: Edition) -> bytes:
    """``<table>.csv``: UTF-8 with a BOM (Excel reads the Chinese), a header of the column names."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.name for c in table.columns] + list(EDITION_COLUMNS))
    tail = (edition.version, edition.date)
    writer.writerows([*_flat(r), *tail] for r in records)
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def table_json(table: Table, records: list[dict[str, Any]], edition: Edition, licence: dict[str, str]) -> bytes:
    data = {"name": table.name, "version": edition.version, "date": edition.date, "licence": licence,
            "records": records}
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _folder(city: str) -> str:
    return f"{OPEN_DATA}{city}/" if city else OPEN_DATA


def parts(roster: Roster) -> list[str]:
    """The pieces the open data is made in, each on its own (render tasks, pages.page_tasks): "" for
    the top (the schemas, the data package; a city's roster's tables too), and in a province each city's id."""
    return ["", *(c.id for c in roster.cities)] if roster.has_cities else [""]


def part_files(roster: Roster, key: str, edition: Edition) -> Iterator[tuple[str, bytes]]:
    """The files of one of :func:`parts`: a city's folder (``data/<id>/``: what that city's own site
    shows, :meth:`Roster.only_city`), or the top: a city's roster's tables, or a province's programme
    and cities; the JSON Schemas and the data package."""
    licence = licence_record(roster.programme)
    if key:
        part = roster.only_city(key)
        for table in TABLES:
            if not table.top:
                yield from _table_files(table, part, edition, key, licence)
        yield from hsds_files(part, _folder(key), edition.version, edition.date, licence)
        return
    if roster.has_cities:  # the province's own programme, and its cities
        for table in (TABLE["programme"], TABLE["cities"]):
            yield from _table_files(table, roster, edition, "", licence)
    else:
        for table in TABLES:
            if table.name != "cities":
                yield from _table_files(table, roster, edition, "", licence)
        yield from hsds_files(roster, OPEN_DATA, edition.version, edition.date, licence)
    for table in TABLES:
        yield f"{OPEN_DATA}schema/{table.name}.json", _dump(json_schema(table))
    yield API_SCHEMA, _dump(api_schema())
    yield f"{OPEN_DATA}schema/stats.json", _dump(report_schema(roster.programme.max_villages_per_advisor))
    yield f"{OPEN_DATA}datapackage.json", _dump(datapackage(roster, edition))


def open_data_files(roster: Roster, edition: Edition) -> Iterator[tuple[str, bytes]]:
    """Every file of ``/data/`` but the statistics, one part after another (the build makes the parts in
    parallel, as render tasks): a province's are never all in memory."""
    for key in parts(roster):
        yield from part_files(roster, key, edition)


def _table_files(table: Table, roster: Roster, edition: Edition, city: str,
                 licence: dict[str, str]) -> Iterator[tuple[str, bytes]]:
    records = list(table.records(roster))
    folder = _folder(city)
    yield f"{folder}{table.name}.csv", table_csv(table, records, edition)
    yield f"{folder}{table.name}.json", table_json(table, records, edition, licence)


def _resources(table: Table, city: str, cities: bool) -> list[dict[str, Any]]:
    """The data package's two resources of a table's files (in ``data/<city>/`` when ``city``)."""
    rel = f"{city}/" if city else ""
    suffix = f"-{city}" if city else ""
    return [{
        "name": f"{table.name}{suffix}", "path": f"{rel}{table.name}.csv", "title": table.title,
        "description": table.description, "profile": "tabular-data-resource", "format": "csv",
        "mediatype": "text/csv", "encoding": "utf-8-sig", "schema": table_schema(table, suffix, cities),
    }, {
        "name": f"{table.name}{suffix}-json", "path": f"{rel}{table.name}.json", "title": table.title,
        "description": table.description + " (JSON; its JSON Schema: " + f"schema/{table.name}.json)",
        "profile": "data-resource", "format": "json", "mediatype": "application/json", "encoding": "utf-8",
        "jsonSchema": f"schema/{table.name}.json",
    }]


def datapackage(roster: Roster, edition: Edition) -> dict[str, Any]:
    """``data/datapackage.json``: every table's files, a province's city by city."""
    if roster.has_cities:
        resources = [r for t in (TABLE["programme"], TABLE["cities"]) for r in _resources(t, "", True)]
        resources += [r for c in roster.cities for t in TABLES if not t.top for r in _resources(t, c.id, True)]
    else:
        resources = [r for t in TABLES if t.name != "cities" for r in _resources(t, "", False)]
    p: Programme = roster.programme
    licence = licence_record(p)
    return {
        "profile": "data-package",
        "name": "village-legal-advisors",
        "title": f"{p.city}「{p.name}」村居法律顾问名册",
        "description": "The public roster of the programme: who serves which village, the township teams and "
                       "their contacts (published fields only). Every CSV is UTF-8 with a BOM and ends with the "
                       "columns version and date; every JSON file has a JSON Schema under schema/.",
        "homepage": p.base_url + OPEN_DATA,
        "version": edition.version,
        "created": f"{edition.date}T00:00:00Z",
        "licenses": [{"name": licence["id"], "title": licence["name"], "path": licence["url"]}],
        "resources": resources,
    }


def _dump(data: object) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


# -- the data page (content/data/index.md) ----------------------------------------------------

@dataclass(frozen=True)
class Listing:
    """One table as the data page lists it: its files and its fields, described from the schema."""

    name: str
    title: str
    description: str
    fields: tuple[tuple[str, str, str, bool], ...]  # name, Chinese title, what it holds, required


def catalogue(roster: Roster) -> dict[str, object]:
    """What the data page says of the files: the tables and their fields, the folders (each city's, in a
    province), the HSDS tables, the licence, and a village for the examples."""
    tables = [Listing(t.name, t.title, t.description,
                      tuple((c.name, c.title, describe(c.field), c.field.required) for c in t.columns))
              for t in TABLES if roster.has_cities or t.name != "cities"]
    folders = [(c.id, c.name) for c in roster.cities] if roster.has_cities else []
    village = next(iter(roster.villages), None)
    return {
        "tables": tables,
        "folders": folders,
        "hsds": [(t, hsds_path(t), hsds_description(t)) for t in HSDS_TABLES],
        "licence": licence_record(roster.programme),
        "example": village.code if village else "",
        "edition_columns": EDITION_COLUMNS,
        "delimiter": LIST_DELIMITER,
    }
