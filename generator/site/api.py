"""The static API for one village: ``/v/<code>/index.json`` beside its page, for mini-programs that
scan a card's QR code (the card prints the page's URL; the API is that URL + ``index.json``).

The facts are the page's: the advisor (or none: a gap), the township's team, the studio, workstation
and centre, the hotlines, the page's date of change and links. A retired code answers as its page
does: what happened, the codes that replaced it and the live places it now leads to, and the one
place a redirect opens (``redirect``), so a card printed years ago still finds its advisor. No roster
version is in these files: a village's file changes only when its page does, so that a rebuild
keeps the rest (reuse.py); ``updated`` is the page's date.
"""

from __future__ import annotations

import json
from typing import Any

from generator.core.model import (
    RETIREMENT_KIND_NAMES,
    Advisor,
    County,
    Organization,
    Programme,
    Retired,
    Township,
    Village,
    tel_uri,
)
from generator.core.urls import (
    advisor_url,
    city_url,
    county_url,
    print_url,
    township_url,
    village_url,
    village_vcard_url,
)

#: The file beside a village's page (``v/<code>/``).
API_FILE = "index.json"
#: Its format's version: a client can tell a later, different format.
FORMAT = 1


def api_url(code: str) -> str:
    return village_url(code) + API_FILE


def person(advisor: Advisor, organization: Organization | None, base: str) -> dict[str, Any]:
    return {"id": advisor.id, "name": advisor.name, "role": advisor.role, "role_name": advisor.role_name,
            "organization": organization.name if organization else None, "phone": advisor.phone,
            "tel": tel_uri(advisor.phone), "url": base + advisor_url(advisor.id)}


def hotlines(p: Programme) -> list[dict[str, str]]:
    """The hotlines every page shows: 12348, and the local one where there is one."""
    lines = [{"name": f"{p.hotline}公共法律服务热线", "number": p.hotline, "tel": tel_uri(p.hotline)}]
    if p.local_hotline:
        lines.append({"name": f"{p.hotline}公共法律服务热线（本地）", "number": p.local_hotline, "tel": tel_uri(p.local_hotline)})
    return lines


def _place(name: str, address: str, hours: str, phone: str) -> dict[str, str]:
    return {"name": name, "address": address, "hours": hours, "phone": phone, "tel": tel_uri(phone)}


def village_record(village: Village, township: Township, county: County | None, city: Any, programme: Programme,
                   advisor: dict[str, Any] | None, team: list[dict[str, Any]], updated: str | None,
                   base: str) -> dict[str, Any]:
    """A live village's facts, as its page shows them (``advisor`` and ``team`` made by :func:`person`)."""
    ws = township.workstation
    return {
        "format": FORMAT,
        "status": "active",
        "code": village.code,
        "name": village.name,
        "short_name": village.short_name,
        "url": base + village_url(village.code),
        "updated": updated,
        "township": {"code": township.code, "name": township.name, "url": base + township_url(township.code)},
        "county": {"id": county.id, "name": county.name, "url": base + county_url(county.id)} if county else None,
        "city": {"id": city.id, "name": city.name, "url": base + city_url(city.id)} if city else None,
        "advisor": advisor,
        "team": team,
        "studio": village.studio,
        "workstation": _place(f"{township.name}法律服务工作站", ws.address, ws.hours, ws.phone),
        "centre": _place(county.centre.name, county.centre.address, county.centre.hours, county.centre.phone)
        if county else None,
        "hotlines": hotlines(programme),
        "links": {"page": base + village_url(village.code), "vcard": base + village_vcard_url(village.code),
                  "print": base + print_url(township.code) + f"#v{village.code}"},
    }


def retired_record(retired: Retired, parent: dict[str, str] | None, named: list[dict[str, str]],
                   now: list[tuple[dict[str, str], dict[str, Any] | None]], programme: Programme,
                   base: str) -> dict[str, Any]:
    """A retired village code's answer, as its page says it: ``named`` are the codes that replaced it
    (code, name), ``now`` the live places it leads to with their advisor (made by :func:`person`)."""
    places = [{**_linked(place, base), "advisor": advisor} for place, advisor in now]
    return {
        "format": FORMAT,
        "status": "retired",
        "code": retired.code,
        "name": retired.name,
        "short_name": retired.short_name,
        "url": base + village_url(retired.code),
        "retired": {"year": retired.year, "kind": retired.kind,
                    "kind_name": RETIREMENT_KIND_NAMES.get(retired.kind, retired.kind), "township": parent},
        "successors": [_linked(s, base) for s in named],
        "now": places,
        "redirect": places[0]["url"] if len(places) == 1 else None,
        "hotlines": hotlines(programme),
    }


def _linked(place: dict[str, str], base: str) -> dict[str, str]:
    return {"code": place["code"], "name": place["name"], "url": base + village_url(place["code"]),
            "api": base + api_url(place["code"])}


def api_json(record: dict[str, Any]) -> bytes:
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def _strict(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": False, "required": list(properties), "properties": properties}


_TEXT = {"type": "string"}
_URL = {"type": "string", "format": "uri"}
_TEL = {"type": "string", "pattern": "^tel:[0-9]+$"}
_VILLAGE_CODE = {"type": "string", "pattern": "^[0-9]{12}$"}
_PLACE = _strict({"name": _TEXT, "address": _TEXT, "hours": _TEXT, "phone": _TEXT, "tel": _TEL})
_PERSON = _strict({"id": _TEXT, "name": _TEXT, "role": _TEXT, "role_name": _TEXT, "organization": _nullable(_TEXT),
                   "phone": _TEXT, "tel": _TEL, "url": _URL})
_HOTLINES = {"type": "array", "minItems": 1, "items": _strict({"name": _TEXT, "number": _TEXT, "tel": _TEL})}
_LINKED = _strict({"code": _VILLAGE_CODE, "name": _TEXT, "url": _URL, "api": _URL})


def api_schema() -> dict[str, Any]:
    """The JSON Schema of ``/v/<code>/index.json``: a live village or a retired code (``status``)."""
    common = {"format": {"const": FORMAT}, "code": _VILLAGE_CODE, "name": _TEXT, "short_name": _TEXT, "url": _URL}
    active = _strict({
        **common, "status": {"const": "active"},
        "updated": _nullable({"type": "string", "format": "date"}),
        "township": _strict({"code": {"type": "string", "pattern": "^[0-9]{9}$"}, "name": _TEXT, "url": _URL}),
        "county": _nullable(_strict({"id": _TEXT, "name": _TEXT, "url": _URL})),
        "city": _nullable(_strict({"id": _TEXT, "name": _TEXT, "url": _URL})),
        "advisor": _nullable(_PERSON), "team": {"type": "array", "items": _PERSON}, "studio": _nullable(_TEXT),
        "workstation": _PLACE, "centre": _nullable(_PLACE), "hotlines": _HOTLINES,
        "links": _strict({"page": _URL, "vcard": _URL, "print": _URL}),
    })
    retired = _strict({
        **common, "status": {"const": "retired"},
        "retired": _strict({"year": {"type": "integer"}, "kind": {"enum": list(RETIREMENT_KIND_NAMES)},
                            "kind_name": _TEXT,
                            "township": _nullable(_strict({"code": {"type": "string", "pattern": "^[0-9]{9}$"},
                                                           "name": _TEXT}))}),
        "successors": {"type": "array", "items": _LINKED},
        "now": {"type": "array", "items": {**_LINKED, "required": [*_LINKED["required"], "advisor"],
                                           "properties": {**_LINKED["properties"], "advisor": _nullable(_PERSON)}}},
        "redirect": _nullable(_URL), "hotlines": _HOTLINES,
    })
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "村居 API（/v/<code>/index.json）",
            "oneOf": [active, retired]}
