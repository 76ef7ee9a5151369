"""The domain model: frozen records of the programme, with the lookups pages need.

Only published fields exist here. Words follow the glossary in DESIGN.md. This module
also owns the closed vocabularies (roles, kinds of organization and of county-level
unit, with their Chinese names) that the schema takes its choices from.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace

from .problems import Level

#: Official suffixes that make village names long without telling them apart.
VILLAGE_SUFFIXES = ("社区居民委员会", "社区居委会", "村民委员会", "居民委员会", "村委会", "居委会")

COUNTY_KIND_NAMES = {"county": "县（市、区）", "zone": "功能区"}
ROLE_NAMES = {"lawyer": "律师", "legal-worker": "法律服务工作者", "judicial-officer": "司法所工作人员"}
ORGANIZATION_KIND_NAMES = {
    "law-firm": "律师事务所",
    "legal-service-office": "法律服务所",
    "judicial-office": "司法所",
    "notary": "公证处",
    "appraisal": "司法鉴定机构",
    "legal-aid": "法律援助中心",
}

#: Licences the open data (``/data/``) may carry, by SPDX id: (name, Chinese name, URL). programme.yaml's
#: ``data_licence`` picks one; every data file, the data package and the data page name it.
LICENCES = {
    "CC-BY-4.0": ("Creative Commons Attribution 4.0 International", "知识共享署名 4.0 国际许可协议",
                  "https://creativecommons.org/licenses/by/4.0/"),
    "CC-BY-SA-4.0": ("Creative Commons Attribution-ShareAlike 4.0 International", "知识共享署名—相同方式共享 4.0 国际许可协议",
                     "https://creativecommons.org/licenses/by-sa/4.0/"),
    "CC0-1.0": ("CC0 1.0 Universal", "CC0 1.0 通用（放弃著作权）", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "ODC-By-1.0": ("Open Data Commons Attribution License v1.0", "开放数据共享署名许可协议 1.0",
                   "https://opendatacommons.org/licenses/by/1-0/"),
}

#: What happened to a retired village or township code, and how its page says it (本村已于2021年…).
RETIREMENT_KIND_NAMES = {"merged": "并入", "split": "拆分为", "renamed": "更名为", "moved": "划归", "abolished": "撤销"}
#: How many successors each kind of retirement names: (at least, at most).
RETIREMENT_SUCCESSORS = {"merged": (1, 1), "split": (2, 99), "renamed": (1, 1), "moved": (1, 1), "abolished": (0, 0)}


def short_village_name(name: str) -> str:
    """古城社区居委会 → 古城社区; 王庄村委会 → 王庄村; 前董村 → 前董村."""
    for suffix in VILLAGE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            if suffix.startswith("社区"):
                return stem + "社区"
            if suffix.startswith("村"):
                return stem if stem.endswith("村") else stem + "村"
            return stem
    return name


@dataclass(frozen=True)
class Programme:
    """The programme's settings.

    The defaults of ``sample``, ``max_villages_per_advisor``, ``coverage_gap`` and ``data_licence`` are
    stated here only: the loader leaves out a value it cannot accept, so they apply.
    """

    name: str
    city: str
    province: str
    hotline: str
    local_hotline: str
    base_url: str
    sample: bool = False
    max_villages_per_advisor: int = 6
    coverage_gap: Level = "error"  # the level of an uncovered-village problem
    data_licence: str = "CC-BY-4.0"  # the open data's licence (LICENCES)


@dataclass(frozen=True)
class City:
    """A city (地级市) of a province's programme: the level above its county-level units."""

    id: str
    name: str
    code: str
    local_hotline: str
    base_url: str | None = None  # its own site's address, when each city is a site


@dataclass(frozen=True)
class Centre:
    name: str
    address: str
    phone: str
    hours: str


@dataclass(frozen=True)
class County:
    id: str
    name: str
    kind: str
    code: str | None
    centre: Centre
    city: str | None = None  # a City id, in a province's roster


@dataclass(frozen=True)
class Organization:
    id: str
    name: str
    kind: str
    county: str
    township: str | None = None
    address: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Advisor:
    id: str
    name: str
    role: str
    organization: str
    phone: str

    @property
    def role_name(self) -> str:
        return ROLE_NAMES.get(self.role, self.role)


@dataclass(frozen=True)
class Workstation:
    address: str
    phone: str
    hours: str


@dataclass(frozen=True)
class Village:
    code: str
    name: str
    township: str
    advisor: str | None
    studio: str | None = None

    @property
    def short_name(self) -> str:
        return short_village_name(self.name)


@dataclass(frozen=True)
class Township:
    code: str
    name: str
    county: str
    workstation: Workstation
    team: tuple[str, ...]
    villages: tuple[Village, ...]


@dataclass(frozen=True)
class Retired:
    """A village or township code that was published and no longer is, and what replaced it.

    ``parent`` is the township code of a village, the county id of a township;
    ``successors`` are codes of the same kind, live or retired themselves (a chain).
    """

    code: str
    name: str
    parent: str
    year: int
    kind: str
    successors: tuple[str, ...] = ()

    @property
    def short_name(self) -> str:
        return short_village_name(self.name)


@dataclass(frozen=True)
class Roster:
    """The whole programme, with indexes built once."""

    programme: Programme
    counties: tuple[County, ...]
    organizations: tuple[Organization, ...]
    advisors: tuple[Advisor, ...]
    townships: tuple[Township, ...]
    retired_villages: tuple[Retired, ...] = ()
    retired_townships: tuple[Retired, ...] = ()
    cities: tuple[City, ...] = ()  # empty for one city's roster: no city level anywhere
    # every city of the province, also when the roster was cut to one of them (Roster.only_city):
    # the portal page links them all; empty means the same as ``cities``
    province: tuple[City, ...] = ()
    county: dict[str, County] = field(init=False, repr=False, compare=False)
    organization: dict[str, Organization] = field(init=False, repr=False, compare=False)
    advisor: dict[str, Advisor] = field(init=False, repr=False, compare=False)
    township: dict[str, Township] = field(init=False, repr=False, compare=False)
    village: dict[str, Village] = field(init=False, repr=False, compare=False)
    townships_of: dict[str, list[Township]] = field(init=False, repr=False, compare=False)
    villages_of: dict[str, list[Village]] = field(init=False, repr=False, compare=False)
    teams_of: dict[str, list[Township]] = field(init=False, repr=False, compare=False)
    retired_village: dict[str, Retired] = field(init=False, repr=False, compare=False)
    retired_township: dict[str, Retired] = field(init=False, repr=False, compare=False)
    city: dict[str, City] = field(init=False, repr=False, compare=False)
    counties_of: dict[str, list[County]] = field(init=False, repr=False, compare=False)
    _programmes: dict[str, Programme] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        def put(name: str, value: object) -> None:
            object.__setattr__(self, name, value)

        put("county", {c.id: c for c in self.counties})
        put("organization", {o.id: o for o in self.organizations})
        put("advisor", {a.id: a for a in self.advisors})
        put("township", {t.code: t for t in self.townships})
        put("village", {v.code: v for t in self.townships for v in t.villages})
        townships_of: dict[str, list[Township]] = defaultdict(list)
        villages_of: dict[str, list[Village]] = defaultdict(list)
        teams_of: dict[str, list[Township]] = defaultdict(list)
        for t in self.townships:
            townships_of[t.county].append(t)
            for v in t.villages:
                if v.advisor:
                    villages_of[v.advisor].append(v)
            for member in t.team:
                teams_of[member].append(t)
        put("retired_village", {r.code: r for r in self.retired_villages})
        put("retired_township", {r.code: r for r in self.retired_townships})
        put("townships_of", dict(townships_of))
        put("villages_of", dict(villages_of))
        put("teams_of", dict(teams_of))
        put("city", {c.id: c for c in self.cities})
        counties_of: dict[str, list[County]] = defaultdict(list)
        for c in self.counties:
            if c.city:
                counties_of[c.city].append(c)
        put("counties_of", dict(counties_of))
        # what a city's pages say of the programme: its name and its own local hotline
        put("_programmes", {c.id: replace(self.programme, city=c.name, local_hotline=c.local_hotline,
                                           base_url=c.base_url or self.programme.base_url)
                            for c in self.cities})

    @property
    def villages(self) -> list[Village]:
        return [v for t in self.townships for v in t.villages]

    def county_of(self, township: Township) -> County | None:
        return self.county.get(township.county)

    @property
    def has_cities(self) -> bool:
        """A province's roster: pages, cards and figures show the city level."""
        return bool(self.cities)

    def city_of(self, county_id: str) -> City | None:
        """The city of a county-level unit (by id); None in one city's roster."""
        county = self.county.get(county_id)
        return self.city.get(county.city or "") if county else None

    def programme_for(self, county_id: str) -> Programme:
        """The programme as a unit's pages and cards show it: in a province, with the unit's city
        as ``city`` and the city's own ``local_hotline``; in one city's roster, the programme itself."""
        city = self.city_of(county_id)
        return self._programmes[city.id] if city else self.programme

    def programme_for_city(self, city_id: str) -> Programme:
        return self._programmes.get(city_id, self.programme)

    @property
    def all_cities(self) -> tuple[City, ...]:
        """The province's cities, for the portal: all of them, even in one city's site."""
        return self.province or self.cities

    def only_city(self, city_id: str) -> Roster:
        """The roster of one city's site: its units, their townships and retired codes, the advisors
        who serve there and their organizations, with the city's programme (name, local hotline,
        base URL) as the programme. The cities stay known for the portal (``all_cities``)."""
        city = self.city[city_id]
        units = {c.id for c in self.counties_of.get(city_id, [])}
        townships = tuple(t for t in self.townships if t.county in units)
        codes = {t.code for t in townships}
        people = {v.advisor for t in townships for v in t.villages if v.advisor} | {m for t in townships for m in t.team}
        advisors = tuple(a for a in self.advisors
                         if a.id in people or (a.organization in self.organization and self.organization[a.organization].county in units))
        employers = {a.organization for a in advisors}
        retired_townships = tuple(r for r in self.retired_townships if r.parent in units)
        old = codes | {r.code for r in retired_townships}
        return Roster(
            programme=self.programme_for_city(city_id),
            counties=tuple(c for c in self.counties if c.id in units),
            organizations=tuple(o for o in self.organizations if o.county in units or o.id in employers),
            advisors=advisors,
            townships=townships,
            retired_villages=tuple(r for r in self.retired_villages if r.parent in old),
            retired_townships=retired_townships,
            cities=(city,),
            province=self.all_cities,
        )

    def successors_now(self, code: str) -> list[str]:
        """The live codes that a retired village or township code leads to, following
        retirements of retirements in order; none when the chain ends in an abolition or loops."""
        live, retired = (self.village, self.retired_village) if len(code) == 12 else (self.township, self.retired_township)
        found: list[str] = []
        seen: set[str] = set()
        todo = [code]  # depth first, each successor in turn: a stack, not recursion (a chain may be long)
        while todo:
            c = todo.pop()
            if c in seen:
                continue
            seen.add(c)
            if c in live:
                found.append(c)
            elif c in retired:
                todo.extend(reversed(retired[c].successors))
        return found


_PHONE_DIGITS = re.compile(r"\D")


def tel_uri(phone: str) -> str:
    """``tel:`` target for a one-tap call: digits only (0635-12348 → tel:063512348)."""
    return "tel:" + _PHONE_DIGITS.sub("", phone)
