"""The roster as Open Referral HSDS 3.0 (Human Services Data Specification): the standard of
directories of services, in its tabular form (CSV and a Frictionless data package) and as one JSON
document per service (HSDS's compiled ``service`` schema).

How the programme maps onto HSDS:

- **organizations**: the justice bureau that runs the programme (``<city>司法局``; one per city in a
  province), and each organization advisors work for (with its phone, and its address as a location);
- **services**: the programme's legal advice (村居法律顾问: the hotlines, the city as its area, at the
  units' public legal service centres) and each township's team (法律服务团队: its members as
  contacts, its villages as service areas, at its workstation and at each village);
- **locations**: workstations, villages (with their studio, 村居司法行政工作室, where the roster names
  one), centres and organizations' addresses; a place's hours are a schedule's description;
- **contacts** and **phones**: each team member, and each village's advisor at the village (the
  service at that location), each with their phone.

Ids are UUIDs (version 5) under one fixed namespace, derived from official codes and roster ids, so
they never change between builds. Roster ids are unique within a roster only, so the names they are
derived from carry the programme's area (the province, and the city in a city's roster). The files
are cut per city in a province, like the rest of ``/data/`` (opendata.py). HSDS allows no columns of
its own, so the roster's version is in the data package and in each service's ``last_modified``.
The upstream schemas are in ``hsds-3.0/`` with their source and licence.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import uuid
from collections import defaultdict
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from generator.core.model import ORGANIZATION_KIND_NAMES, Programme, Roster
from generator.core.urls import OPEN_DATA, county_url, township_url, village_url

from .escape import FORMULA_STARTS

#: The namespace of every id (uuid5): fixed, so that ids never change.
NAMESPACE = uuid.UUID("7ae8015e-5b2b-438c-b197-f0952f606f9d")
SCHEMAS = Path(__file__).parent / "hsds-3.0" / "schema"
#: The tables published, in upstream's order (each table schema's ``datapackage_metadata.order``).
TABLES = ("organization", "service", "location", "service_at_location", "contact", "phone", "schedule", "service_area")
FOLDER = "hsds/"
VERSION = "3.0"

Row = dict[str, Any]


@cache
def table_schema(table: str) -> dict[str, Any]:
    """Upstream's JSON Schema of one table (``hsds-3.0/schema/<table>.json``)."""
    data: dict[str, Any] = json.loads((SCHEMAS / f"{table}.json").read_text(encoding="utf-8"))
    return data


def table_columns(table: str) -> list[str]:
    """The table's columns as upstream lists them: its properties that are values, not nested records."""
    return [name for name, prop in table_schema(table)["properties"].items()
            if "$ref" not in prop and prop.get("type") != "array"]


_NAMESPACE_BYTES = NAMESPACE.bytes


def uid(*parts: str) -> str:
    """``uuid.uuid5(NAMESPACE, ":".join(parts))`` as text, made without the UUID object (a province
    has hundreds of thousands)."""
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + ":".join(parts).encode("utf-8")).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    x = digest.hex()
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


class _Tables:
    """The rows of one roster (a city's cut in a province), table by table."""

    def __init__(self) -> None:
        self.rows: dict[str, list[Row]] = {t: [] for t in TABLES}

    def add(self, table: str, **values: Any) -> str:
        row = {k: v for k, v in values.items() if v is not None and v != ""}
        self.rows[table].append(row)
        return str(row["id"])

    def phone(self, number: str, owner: str, description: str, **link: str) -> None:
        self.add("phone", id=uid("phone", owner, number), number=number, description=description, **link)

    def schedule(self, location: str, hours: str) -> None:
        self.add("schedule", id=uid("schedule", location), location_id=location, description=hours)


def _scope(roster: Roster) -> str:
    """What roster ids are unique within: the province (a province's roster), else the province and city."""
    p = roster.programme
    return p.province if roster.all_cities else p.province + p.city


def records(roster: Roster, modified: str) -> dict[str, list[Row]]:
    """Every HSDS row of ``roster`` (one city: a province's is cut per city first), table by table.
    ``modified``: the roster's date, every service's ``last_modified``."""
    p, base, scope = roster.programme, roster.programme.base_url, _scope(roster)
    city = roster.cities[0] if len(roster.cities) == 1 else None
    area = city.code if city else p.province + p.city
    t = _Tables()
    bureau = t.add("organization", id=uid("bureau", area), name=f"{p.city}司法局",
                   description=f"{p.city}「{p.name}」的主管部门：每个村居（社区）有一名法律顾问，每个乡镇（街道）有一个法律服务团队。",
                   website=base)
    for o in roster.organizations:
        county = roster.county.get(o.county)
        oid = t.add("organization", id=uid("organization", scope, o.id), name=o.name,
                                 description=f"{ORGANIZATION_KIND_NAMES.get(o.kind, o.kind)}（{county.name if county else o.county}）")
        if o.phone:
            t.phone(o.phone, oid, o.name, organization_id=oid)
        if o.address:
            t.add("location", id=uid("location", "organization", scope, o.id), location_type="physical",
                  organization_id=oid, name=o.name, description=f"地址：{o.address}")
    programme = t.add("service", id=uid("service", "programme", area), organization_id=bureau, name="村居法律顾问",
                      alternate_name=p.name, url=base, status="active", last_modified=modified,
                      description=f"{p.city}「{p.name}」：每个村居（社区）有一名法律顾问，免费提供法律咨询；"
                                  f"拨打 {p.hotline} 公共法律服务热线也可咨询。")
    t.phone(p.hotline, programme, f"{p.hotline}公共法律服务热线", service_id=programme)
    if p.local_hotline:
        t.phone(p.local_hotline, programme, f"{p.hotline}公共法律服务热线（本地）", service_id=programme)
    t.add("service_area", id=uid("service_area", programme, area), service_id=programme, name=p.city, uri=base)
    for county in roster.counties:
        c = county.centre
        lid = t.add("location", id=uid("location", "centre", scope, county.id), location_type="physical",
                    organization_id=bureau, name=c.name, description=f"地址：{c.address}", url=base + county_url(county.id))
        t.phone(c.phone, lid, c.name, location_id=lid)
        t.schedule(lid, c.hours)
        t.add("service_at_location", id=uid("service_at_location", programme, lid), service_id=programme,
              location_id=lid, description=f"{county.name}：{c.name}")
    for township in roster.townships:
        _team(t, roster, township.code, bureau, scope, modified)
    return t.rows


def _team(t: _Tables, roster: Roster, code: str, bureau: str, scope: str, modified: str) -> None:
    """A township's team as a service: its members, its workstation, its villages and their advisors."""
    base, township = roster.programme.base_url, roster.township[code]
    county = roster.county_of(township)
    team = [roster.advisor[m] for m in township.team if m in roster.advisor]
    sid = t.add("service", id=uid("service", "team", code), organization_id=bureau, name=f"{township.name}法律服务团队",
                url=base + township_url(code), status="active", last_modified=modified,
                description=f"{county.name if county else ''}{township.name}的法律服务团队：{len(team)} 名成员，"
                            f"服务本乡镇（街道）{len(township.villages)} 个村居（社区）。")
    for a in team:
        # an advisor's organization is the contact's department: a contact's organization_id would make
        # them the organization's contact
        cid = t.add("contact", id=uid("contact", "team", code, scope, a.id), service_id=sid, name=a.name,
                    title=a.role_name, department=_org_name(roster, a.organization))
        t.phone(a.phone, cid, a.name, contact_id=cid)
    ws = township.workstation
    lid = t.add("location", id=uid("location", "workstation", code), location_type="physical",
                name=f"{township.name}法律服务工作站", description=f"地址：{ws.address}", url=base + township_url(code))
    t.phone(ws.phone, lid, f"{township.name}法律服务工作站", location_id=lid)
    t.schedule(lid, ws.hours)
    t.add("service_at_location", id=uid("service_at_location", sid, lid), service_id=sid, location_id=lid,
          description=f"{township.name}法律服务工作站")
    for v in township.villages:
        url, short = base + village_url(v.code), v.short_name
        advisor = roster.advisor.get(v.advisor or "")
        who = f"法律顾问：{advisor.name}（{advisor.role_name}）" if advisor else "本村暂未配备法律顾问，请联系乡镇法律服务工作站"
        t.add("service_area", id=uid("service_area", sid, v.code), service_id=sid, name=v.name,
              description=f"{township.name}{short}：{who}", uri=url)
        vid = t.add("location", id=uid("location", "village", v.code), location_type="physical", name=v.name,
                    alternate_name=short, url=url, external_identifier=v.code,
                    external_identifier_type="统计用区划代码",
                    description=f"村居司法行政工作室：{v.studio}" if v.studio else None)
        sal = t.add("service_at_location", id=uid("service_at_location", sid, vid), service_id=sid, location_id=vid,
                    description=f"{short}村居法律顾问：{advisor.name if advisor else '暂未配备'}")
        if advisor:
            cid = t.add("contact", id=uid("contact", "village", v.code, scope, advisor.id), service_at_location_id=sal,
                        name=advisor.name, title=f"{short}村居法律顾问（{advisor.role_name}）",
                        department=_org_name(roster, advisor.organization))
            t.phone(advisor.phone, cid, advisor.name, contact_id=cid)


def _org_name(roster: Roster, org_id: str) -> str | None:
    org = roster.organization.get(org_id)
    return org.name if org else None


# -- the tabular form ---------------------------------------------------------------------------

def table_csv(table: str, rows: list[Row]) -> bytes:
    """One table as CSV (UTF-8, no BOM: systems read HSDS), upstream's columns in upstream's order."""
    cols = table_columns(table)
    blanks = [""] * len(cols)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(cols)
    # every value is text: the formula guard's test inline (a function call per cell took most of the time)
    writer.writerows([("'" + v) if v.startswith(FORMULA_STARTS) else v for v in map(row.get, cols, blanks)]
                     for row in rows)
    return buffer.getvalue().encode("utf-8")


def path(table: str) -> str:
    """The table's file (``services.csv``), as upstream names it."""
    return str(table_schema(table)["path"])


def description(table: str) -> str:
    """What the table holds, in upstream's words."""
    return str(table_schema(table).get("description", ""))


def _resource(table: str) -> dict[str, Any]:
    """A table's resource of the data package, derived from upstream's table schema as upstream
    derives its own ``datapackage.json``: types, formats, enums, required and unique, foreign keys."""
    schema = table_schema(table)
    required = set(schema.get("required", ())) | set(schema.get("tabular_required", ()))
    fields = []
    for name in table_columns(table):
        prop = schema["properties"][name]
        kind = prop.get("datapackage_type") or prop.get("type", "string")
        field: dict[str, Any] = {"name": name, "type": kind}
        if "format" in prop and "datapackage_type" not in prop:
            field["format"] = prop["format"] if prop["format"] in ("uuid", "uri", "email") else "default"
        constraints: dict[str, Any] = {"required": name in required}
        if prop.get("constraints", {}).get("unique"):
            constraints["unique"] = True
        if "enum" in prop:
            constraints["enum"] = prop["enum"]
        field["constraints"] = constraints
        if "description" in prop:
            field["description"] = prop["description"]
        fields.append(field)
    keys = [{"fields": [f"{target}_id"], "reference": {"resource": target, "fields": ["id"]}}
            for target in TABLES if f"{target}_id" in table_columns(table) and target != table]
    out: dict[str, Any] = {"name": table, "path": path(table), "description": description(table),
                           "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv",
                           "encoding": "utf-8", "schema": {"fields": fields, "primaryKey": ["id"]}}
    if keys:
        out["schema"]["foreignKeys"] = keys
    return out


def datapackage(programme: Programme, version: str, date: str, licence: dict[str, str]) -> dict[str, Any]:
    return {
        "profile": "tabular-data-package",
        "name": "human_services_data",
        "title": f"{programme.city}「{programme.name}」（Open Referral HSDS {VERSION}）",
        "description": "The directory as Human Services Data Specification 3.0 tables (an Open Referral resource, "
                       "https://openreferral.org/); each service also as a JSON document under services/.",
        "homepage": programme.base_url + OPEN_DATA,
        "version": version,
        "created": f"{date}T00:00:00Z",
        "licenses": [{"name": licence["id"], "title": licence["name"], "path": licence["url"]}],
        "resources": [_resource(t) for t in TABLES],
    }


# -- the JSON documents -------------------------------------------------------------------------

def service_documents(rows: dict[str, list[Row]]) -> Iterator[tuple[str, Row]]:
    """Each service as one document of HSDS's compiled ``service`` schema: its organization, phones,
    areas, contacts, and each location it is delivered at with that location's phones and hours. Rows hold
    only their table's properties (:class:`_Tables`), as HSDS requires of every object."""
    by: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
    for table in ("phone", "schedule", "service_area", "service_at_location", "contact"):
        for row in rows[table]:
            for link in ("service_id", "location_id", "contact_id", "service_at_location_id"):
                if link in row:
                    by[table, link, row[link]].append(row)
    locations = {row["id"]: row for row in rows["location"]}
    organizations = {row["id"]: row for row in rows["organization"]}

    def contacts(link: str, key: str) -> list[Row]:
        return [{**c, "phones": by["phone", "contact_id", c["id"]]}
                for c in by["contact", link, key]]

    def place(lid: str) -> Row:
        return {**locations[lid],
                "phones": by["phone", "location_id", lid], "schedules": by["schedule", "location_id", lid]}

    for service in rows["service"]:
        sid = service["id"]
        doc = {
            **service,
            "organization": organizations[service["organization_id"]],
            "phones": by["phone", "service_id", sid],
            "service_areas": by["service_area", "service_id", sid],
            "contacts": contacts("service_id", sid),
            "service_at_locations": [
                {**sal, "contacts": contacts("service_at_location_id", sal["id"]),
                 "location": place(sal["location_id"])}
                for sal in by["service_at_location", "service_id", sid]
            ],
        }
        yield sid, doc


def _json(data: object, indent: int | None = None) -> bytes:
    separators = (",", ":") if indent is None else None
    return (json.dumps(data, ensure_ascii=False, indent=indent, separators=separators) + "\n").encode("utf-8")


def hsds_files(roster: Roster, folder: str, version: str, date: str, licence: dict[str, str]) -> Iterator[tuple[str, bytes]]:
    """The HSDS files of one roster (a city's, in a province) under ``folder`` (``data/`` or
    ``data/<city>/``): the tables, their data package and the services' documents."""
    rows = records(roster, f"{date}T00:00:00Z" if date else "")
    out = folder + FOLDER
    for table in TABLES:
        yield out + path(table), table_csv(table, rows[table])
    yield out + "datapackage.json", _json(datapackage(roster.programme, version, date, licence), indent=1)
    for sid, doc in service_documents(rows):
        yield f"{out}services/{sid}.json", _json(doc)
