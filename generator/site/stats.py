"""The programme's figures, as officials ask for them, and their machine-readable forms.

This module owns what is counted and how: per area (the programme, each county-level
unit, each township) the villages and their coverage (全覆盖), the advisors by role and
by the kind of organization they work for, villages per advisor and who is above the
programme's limit, team sizes, and the villages without an advisor. It also owns the
geometry of the bar charts (how long each bar is and how much room its figure needs)
and the one JSON and one CSV form of the figures that both the site (``/data/stats.*``)
and ``python -m generator stats`` give out.

Pure functions over the model, frozen dataclasses out; templates only lay them out.
Areas form a tree (programme → county → township) whose level names are data, so a
later level between the programme and the units (a city, in a province's programme)
is one more layer of :class:`Area`, not a new kind of row.
"""

from __future__ import annotations

import csv
import io
import json
import statistics
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from generator.core.model import ORGANIZATION_KIND_NAMES, ROLE_NAMES, Roster, Township
from generator.core.urls import advisor_url, city_url, county_url, township_url, village_url

from .escape import spreadsheet_cell

#: Levels of area from the top down; the CSV's ``level`` column takes these values (``city``
#: only in a province's roster: one city's figures have no city rows).
LEVELS = ("programme", "city", "county", "township")


@dataclass(frozen=True)
class Count:
    """How many of one kind: advisors of a role, organizations of a kind, advisors with n villages."""

    key: str
    label: str
    n: int


@dataclass(frozen=True)
class Spread:
    """Smallest, median and largest of a set of sizes (team sizes of a unit's townships)."""

    min: int
    median: float
    max: int

    @property
    def text(self) -> str:
        """``5`` for one size; ``3–8（中位 5）`` for several (a median may be ``4.5``)."""
        if self.min == self.max:
            return str(self.min)
        return f"{self.min}–{self.max}（中位 {self.median:g}）"


@dataclass(frozen=True)
class Link:
    """A named thing with its page: a village without an advisor, an advisor above the limit.

    ``where`` says where it is (a village's township); ``n`` is an advisor's village count.
    """

    id: str
    name: str
    url: str
    where: str = ""
    n: int = 0


@dataclass(frozen=True)
class Area:
    """All figures of one area: the programme, a county-level unit or a township.

    An advisor is counted in an area when they serve one of its villages or sit on one of
    its township teams, and once only (the seed report's way: 1,874 advisors "from 41 law
    firms…" counts each advisor once, by the organization they work for).
    """

    level: str
    id: str
    name: str
    parent: str | None
    url: str  # the area's page, relative to the site root
    townships: int
    villages: int
    covered: int
    advisors: int
    roles: tuple[Count, ...]  # advisors by role, every known role even when 0
    employers: tuple[Count, ...]  # advisors by kind of organization they work for
    organizations: tuple[Count, ...]  # organizations those advisors work for, by kind
    village_advisors: int  # advisors serving at least one village here
    load: tuple[Count, ...]  # advisors by villages served: "0" … str(limit), then "over"
    load_total: int  # villages served by this area's village advisors, everywhere
    load_max: int
    over_limit: tuple[Link, ...]  # advisors above the programme's limit, most loaded first
    teams: Spread | None  # None for an area without townships
    gap_villages: tuple[Link, ...]  # villages without an advisor, in roster order
    children: tuple[Area, ...] = field(default=(), repr=False)

    @property
    def gaps(self) -> int:
        return self.villages - self.covered

    @property
    def full(self) -> bool:
        """全覆盖: every village has an advisor."""
        return self.gaps == 0

    @property
    def percent(self) -> float:
        return 100.0 * self.covered / self.villages if self.villages else 100.0

    @property
    def percent_value(self) -> float:
        """The percentage as printed: two decimals, and below 100 whenever there is a gap."""
        return 100.0 if self.gaps == 0 else min(round(self.percent, 2), 99.99)

    @property
    def percent_text(self) -> str:
        """Never rounds a gap up to 100 %: 6362/6363 reads 99.98 %, not 100.0 %."""
        if self.gaps == 0:
            return "100%"
        return f"{self.percent_value:.2f}%"

    def role(self, key: str) -> int:
        """Advisors of one role (0 for a role nobody here has): table columns look roles up by key."""
        return next((c.n for c in self.roles if c.key == key), 0)

    @property
    def sources(self) -> tuple[tuple[str, int, int], ...]:
        """(kind of organization, how many, advisors from them) for each kind that has advisors here."""
        orgs = {c.key: c.n for c in self.organizations}
        return tuple((c.label, orgs.get(c.key, 0), c.n) for c in self.employers if c.n)

    @property
    def mean_load(self) -> float:
        """Villages per village advisor, on average (0 when nobody serves a village here)."""
        return self.load_total / self.village_advisors if self.village_advisors else 0.0

    @property
    def mean_load_text(self) -> str:
        return f"{self.mean_load:.1f}"

    @property
    def load_bars(self) -> Chart:
        """The chart of villages per advisor, which every page with figures shows."""
        return load_chart(self)


@dataclass(frozen=True)
class Report:
    """The programme's figures: the tree of areas and the limit they are measured against."""

    programme: Area
    limit: int  # programme.max_villages_per_advisor
    _index: dict[tuple[str, str], Area] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {(a.level, a.id): a for a in self.areas()})

    def areas(self) -> Iterator[Area]:
        """Every area, each followed by its children: the CSV's row order."""
        stack = [self.programme]
        while stack:
            area = stack.pop()
            yield area
            stack.extend(reversed(area.children))

    def area(self, level: str, id_: str) -> Area:
        return self._index[(level, id_)]

    # the names callers used before the report grew beyond coverage
    @property
    def total(self) -> Area:
        return self.programme

    @property
    def cities(self) -> tuple[Area, ...]:
        """The cities of a province's programme; none in one city's."""
        return tuple(a for a in self.programme.children if a.level == "city")

    @property
    def counties(self) -> tuple[Area, ...]:
        """Every county-level unit, city by city in a province."""
        return tuple(a for a in self.areas() if a.level == "county")

    @property
    def townships(self) -> dict[str, tuple[Area, ...]]:
        return {c.id: c.children for c in self.counties}

    @property
    def levels(self) -> list[str]:
        """The levels this report has rows of, from the top down."""
        return [level for level in LEVELS if level != "city" or self.cities]


_UNKNOWN = {"unknown": "单位不明"}  # an advisor whose organization id is dangling (a roster with errors)


def _counts(names: dict[str, str], counter: Counter[str]) -> tuple[Count, ...]:
    """Every known key in its fixed order (zeros too: they are columns), then unknown keys seen."""
    known = [Count(k, label, counter.get(k, 0)) for k, label in names.items()]
    extra = [Count(k, _UNKNOWN.get(k, k), n) for k, n in sorted(counter.items()) if k not in names]
    return tuple(known + extra)


def _area(roster: Roster, level: str, id_: str, name: str, parent: str | None, url: str,
          townships: Sequence[Township], children: tuple[Area, ...] = ()) -> Area:
    limit = roster.programme.max_villages_per_advisor
    villages = [v for t in townships for v in t.villages]
    served = [v for v in villages if v.advisor and v.advisor in roster.advisor]
    village_advisors = sorted({v.advisor for v in served if v.advisor})
    ids = set(village_advisors) | {m for t in townships for m in t.team if m in roster.advisor}
    people = [roster.advisor[i] for i in sorted(ids)]
    employers = [roster.organization.get(a.organization) for a in people]
    # an advisor's load counts every village they serve, also outside this area: it is their load
    loads = {i: len(roster.villages_of.get(i, ())) for i in ids}
    buckets: Counter[str] = Counter(str(n) if n <= limit else "over" for n in loads.values())
    load = tuple(Count(str(n), f"{n} 个村居", buckets.get(str(n), 0)) for n in range(limit + 1))
    load += (Count("over", f"超过 {limit} 个", buckets.get("over", 0)),)
    over = sorted((a for a in people if loads[a.id] > limit), key=lambda a: (-loads[a.id], a.id))
    sizes = [sum(1 for m in t.team if m in roster.advisor) for t in townships]
    return Area(
        level=level, id=id_, name=name, parent=parent, url=url,
        townships=len(townships), villages=len(villages), covered=len(served), advisors=len(people),
        roles=_counts(ROLE_NAMES, Counter(a.role for a in people)),
        employers=_counts(ORGANIZATION_KIND_NAMES, Counter(o.kind if o else "unknown" for o in employers)),
        organizations=_counts(ORGANIZATION_KIND_NAMES, Counter(o.kind for o in {o for o in employers if o})),
        village_advisors=len(village_advisors),
        load=load,
        load_total=sum(loads[i] for i in village_advisors),
        load_max=max((loads[i] for i in village_advisors), default=0),
        over_limit=tuple(Link(a.id, a.name, advisor_url(a.id), n=loads[a.id]) for a in over),
        teams=Spread(min(sizes), statistics.median(sizes), max(sizes)) if sizes else None,
        gap_villages=tuple(
            Link(v.code, v.short_name, village_url(v.code), where=roster.township[v.township].name)
            for v in villages if not (v.advisor and v.advisor in roster.advisor)
        ),
        children=children,
    )


_last: tuple[Roster, Report] | None = None  # the last roster's report (one roster per build)


def report(roster: Roster) -> Report:
    """The figures of the programme, each county-level unit and each township, in roster order.

    Computed once per roster (rosters and reports are frozen): a build asks for them from the
    figures, the statistics files, the pages and every render worker, and a province's report
    takes over a second."""
    global _last
    if _last is None or _last[0] is not roster:
        _last = (roster, _report(roster))
    return _last[1]


def _report(roster: Roster) -> Report:
    counties: dict[str, Area] = {}
    for c in roster.counties:
        towns = roster.townships_of.get(c.id, [])
        children = tuple(_area(roster, "township", t.code, t.name, c.id, township_url(t.code), [t]) for t in towns)
        parent = c.city if c.city in roster.city else ""
        counties[c.id] = _area(roster, "county", c.id, c.name, parent, county_url(c.id), towns, children)
    top = [a for a in counties.values() if not a.parent]  # every unit, in one city's roster
    if roster.cities:
        # a province: programme → city → unit → township; a unit with an unknown city (a lenient
        # roster) stays directly under the programme
        cities = [
            _area(roster, "city", city.id, city.name, "", city_url(city.id),
                  [t for c in roster.counties_of.get(city.id, []) for t in roster.townships_of.get(c.id, [])],
                  tuple(counties[c.id] for c in roster.counties_of.get(city.id, [])))
            for city in roster.cities
        ]
        top = cities + top
    # townships of a unit missing from counties.yaml (a lenient roster) still count in the total
    programme = _area(roster, "programme", "", roster.programme.city or "全市", None, "", roster.townships,
                      tuple(top))
    return Report(programme, roster.programme.max_villages_per_advisor)



# -- bar charts ---------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One bar: its row label, its length (0…1 of the longest possible) and the figure beside it."""

    label: str
    fraction: float
    text: str
    alert: bool = False  # drawn in the warning colour (and said in ``text``, not by colour alone)


@dataclass(frozen=True)
class Chart:
    """Bars that share one scale.

    The figure is printed beside its bar, on the page background, never on the bar: a full
    bar stops ``room`` em short of the track's end so that its figure still fits there. Room
    and the label column are measured here from the texts, so no bar length can push a figure
    off the track or onto a colour it was not checked against.
    """

    name: str  # accessible name of the list
    bars: tuple[Bar, ...]
    room: float  # em kept at the end of the track for the longest figure
    label_width: float  # em for the longest row label
    tone: str = ""  # colour class of the bars

    @property
    def stack(self) -> bool:
        """Whether labels go above their bars on a phone: beside them, a long label leaves no track."""
        return self.label_width > 6


def text_width(text: str) -> float:
    """Width of ``text`` in em, on the generous side: CJK 1 em, '%' 0.9 em, other characters 0.62 em."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.9 if ch == "%" else 0.62 for ch in text)


def chart(name: str, rows: Iterable[tuple[str, float, str, bool]], tone: str = "") -> Chart:
    """A chart from (label, value, figure text, alert) rows; lengths are value / the largest value."""
    items = list(rows)
    top = max((v for _, v, _, _ in items), default=0) or 1
    bars = tuple(Bar(label, _length(value / top), text, alert) for label, value, text, alert in items)
    room = round(max((text_width(b.text) for b in bars), default=0) + 0.6, 2)
    label_width = round(max((text_width(b.label) for b in bars), default=0) + 0.5, 2)
    return Chart(name, bars, room, label_width, tone)


def _length(fraction: float) -> float:
    """A bar's length; anything above zero stays visible (2 advisors of 1,874 still draw a sliver)."""
    return max(round(fraction, 4), 0.01) if fraction > 0 else 0.0


def coverage_chart(areas: Sequence[Area], of: str = "各县级单位") -> Chart:
    """Coverage of each area on a fixed 0–100 % scale (a unit at 88 % must not draw as a full bar)."""
    c = chart(f"{of}村居法律顾问覆盖率",
              [(a.name, a.percent_value, a.percent_text + (f"（空白 {a.gaps} 个）" if a.gaps else ""), a.gaps > 0)
               for a in areas], tone="coverage")
    bars = tuple(Bar(b.label, _length(a.percent_value / 100), b.text, b.alert) for b, a in zip(c.bars, areas))
    return Chart(c.name, bars, c.room, c.label_width, c.tone)


def villages_chart(areas: Sequence[Area], of: str = "各县级单位") -> Chart:
    return chart(f"{of}村居数", [(a.name, a.villages, f"{a.villages} 个", False) for a in areas], tone="villages")


def roles_chart(area: Area) -> Chart:
    rows = [(c.label, c.n, f"{c.n} 名（{_share(c.n, area.advisors)}）", False) for c in area.roles]
    return chart(f"{area.name}法律顾问按身份", rows, tone="roles")


def load_chart(area: Area) -> Chart:
    """Advisors by villages served: a 0 bar only when someone serves none; the over-limit bar always."""
    rows = [(c.label, c.n, f"{c.n} 名" + ("，超过上限" if c.key == "over" and c.n else ""), c.key == "over" and c.n > 0)
            for c in area.load if c.n or c.key != "0"]
    return chart(f"{area.name}每名顾问联系的村居数", rows, tone="load")


def _share(n: int, of: int) -> str:
    return f"{100 * n / of:.1f}%" if of else "0%"


# -- the figures for machines: one JSON, one CSV ------------------------------------


def _record(area: Area, base_url: str) -> dict[str, object]:
    """One area's figures under the names the CSV's columns take (docs/site.md has the table)."""
    return {
        "level": area.level,
        "id": area.id,
        "name": area.name,
        "parent": area.parent,
        "url": base_url + area.url,
        "townships": area.townships,
        "villages": area.villages,
        "covered": area.covered,
        "gaps": area.gaps,
        "coverage_percent": area.percent_value,
        "advisors": area.advisors,
        "roles": {c.key: c.n for c in area.roles},
        "advisors_by_organization_kind": {c.key: c.n for c in area.employers},
        "organizations_by_kind": {c.key: c.n for c in area.organizations},
        "village_advisors": area.village_advisors,
        "villages_per_advisor": {
            "mean": round(area.mean_load, 2),
            "max": area.load_max,
            "distribution": {c.key: c.n for c in area.load},
        },
        "team_size": {"min": area.teams.min if area.teams else None,
                      "median": area.teams.median if area.teams else None,
                      "max": area.teams.max if area.teams else None},
        "over_limit": [{"id": a.id, "name": a.name, "villages": a.n, "url": base_url + a.url} for a in area.over_limit],
        "gap_villages": [{"code": v.id, "name": v.name, "township": v.where, "url": base_url + v.url}
                         for v in area.gap_villages],
    }


def report_json(report: Report, base_url: str) -> str:
    """``/data/stats.json`` and ``python -m generator stats --format json``: the same text."""
    data = {
        "max_villages_per_advisor": report.limit,
        "levels": report.levels,
        "areas": [_record(a, base_url) for a in report.areas()],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def _flat(record: dict[str, object], prefix: str = "") -> dict[str, object]:
    """Nested figures as dotted columns (``roles.lawyer``); lists are left to the caller."""
    out: dict[str, object] = {}
    for key, value in record.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        elif not isinstance(value, list):
            out[prefix + key] = "" if value is None else value
    return out


def _csv_row(area: Area, base_url: str) -> dict[str, object]:
    row = _flat(_record(area, base_url))
    row["over_limit"] = len(area.over_limit)
    # names only on township rows: a unit's or the programme's list would repeat them (and
    # could pass Excel's 32,767 characters per cell)
    township = area.level == "township"
    row["over_limit_names"] = "、".join(f"{a.name}（{a.id}，{a.n} 个村居）" for a in area.over_limit) if township else ""
    row["gap_village_names"] = "、".join(f"{v.name}（{v.id}）" for v in area.gap_villages) if township else ""
    return {key: spreadsheet_cell(value) for key, value in row.items()}


def report_csv(report: Report, base_url: str) -> bytes:
    """``/data/stats.csv``: one row per area, UTF-8 with a BOM so that Excel reads the Chinese.

    Columns are the JSON's names, nested ones dotted (``roles.lawyer``); they are fixed for a
    given ``max_villages_per_advisor`` (the ``villages_per_advisor.distribution.*`` columns).
    """
    rows = [_csv_row(area, base_url) for area in report.areas()]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def report_schema(limit: int) -> dict[str, object]:
    """The JSON Schema of ``/data/stats.json`` (its ``villages_per_advisor.distribution`` keys run to
    ``limit``, the programme's ``max_villages_per_advisor``)."""
    count = {"type": "integer", "minimum": 0}

    def counts(keys: Iterable[str]) -> dict[str, object]:
        names = list(keys)
        return {"type": "object", "additionalProperties": False, "required": names, "properties": dict.fromkeys(names, count)}

    def strict(props: dict[str, object]) -> dict[str, object]:
        return {"type": "object", "additionalProperties": False, "required": list(props), "properties": props}

    text, url = {"type": "string"}, {"type": "string", "format": "uri"}
    size = {"type": ["number", "null"]}
    area = strict({
        "level": {"enum": list(LEVELS)}, "id": text, "name": text, "parent": {"type": ["string", "null"]}, "url": url,
        "townships": count, "villages": count, "covered": count, "gaps": count,
        "coverage_percent": {"type": "number", "minimum": 0, "maximum": 100}, "advisors": count,
        "roles": counts(ROLE_NAMES), "advisors_by_organization_kind": counts(ORGANIZATION_KIND_NAMES),
        "organizations_by_kind": counts(ORGANIZATION_KIND_NAMES), "village_advisors": count,
        "villages_per_advisor": strict({"mean": {"type": "number"}, "max": count,
                                        "distribution": counts([*map(str, range(limit + 1)), "over"])}),
        "team_size": strict({"min": size, "median": size, "max": size}),
        "over_limit": {"type": "array", "items": strict({"id": text, "name": text, "villages": count, "url": url})},
        "gap_villages": {"type": "array", "items": strict({"code": text, "name": text, "township": text, "url": url})},
    })
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "覆盖统计（stats.json）",
            **strict({"max_villages_per_advisor": {"type": "integer", "minimum": 1},
                      "levels": {"type": "array", "items": {"enum": list(LEVELS)}},
                      "areas": {"type": "array", "items": area}})}
