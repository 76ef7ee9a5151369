"""Rendering the data pages: villages, advisors, townships, counties, and the sitemap.

Pure functions from the model to ``(path, html)`` pairs, through Jinja2 templates
in ``overrides/data/``. These thousands of uniform pages skip the Markdown and
theme pipeline (see DESIGN.md) but share the theme's stylesheets and header.
The print sheets under ``/print/`` are rendered by cards.py through :class:`Site`;
this module knows nothing of cards.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from generator.core.model import (
    RETIREMENT_KIND_NAMES,
    Advisor,
    City,
    County,
    Programme,
    Retired,
    Roster,
    Township,
    Village,
    tel_uri,
)
from generator.core.urls import (
    CHANGES,
    CITIES,
    advisor_url,
    advisor_vcard_url,
    city_url,
    county_url,
    template_globals,
    township_url,
    village_url,
    village_vcard_url,
)

from . import api, opendata
from .escape import json_for_script
from .stats import report
from .vcard import advisor_card, village_card

#: The eight citizen services and the slugs of their guides under content/guides/.
SERVICES: tuple[tuple[str, str], ...] = (
    ("找律师", "lawyer"),
    ("找法工", "legal-worker"),
    ("寻鉴定", "appraisal"),
    ("学法律", "learn"),
    ("办公证", "notary"),
    ("求法援", "legal-aid"),
    ("要调解", "mediation"),
    ("考司考", "exam"),
)


def phone_text(phone: str) -> str:
    """Grouped for reading aloud: 13905350001 → 139 0535 0001."""
    if re.fullmatch(r"1\d{10}", phone):
        return f"{phone[:3]} {phone[3:7]} {phone[7:]}"
    return phone


def words(label: str) -> Markup:
    """A button's label, its words parted by "|" (拨打|顾问电话), as HTML that breaks a line only
    between words: a phone's narrow screen never splits 通讯录 into 通 / 讯录."""
    return Markup("<wbr>").join(escape(w) for w in label.split("|"))


@dataclass(frozen=True)
class Assets:
    """Theme files every data page links, as paths relative to the site root."""

    stylesheets: tuple[str, ...] = ()
    favicon: str = "assets/images/favicon.png"
    scripts: tuple[str, ...] = ()  # ES modules, loaded at the end of <body>
    modules: tuple[str, ...] = ()  # the other modules (what the scripts import, speak.js): kept by the service worker


def find_assets(site_dir: Path) -> Assets:
    """The theme's hashed stylesheets as MkDocs copied them, then ours."""
    css = site_dir / "assets" / "stylesheets"
    found = sorted(p.name for p in css.glob("main.*.min.css")) + sorted(p.name for p in css.glob("palette.*.min.css"))
    ours = ("assets/stylesheets/directory.css", "assets/stylesheets/search.css", "assets/stylesheets/phone.css")
    scripts = ("assets/javascripts/search.js",)
    # ours (overrides/assets/javascripts): the top folder's modules but Material's bundle, and search/'s
    folder = site_dir / "assets" / "javascripts"
    js = sorted(p.relative_to(site_dir).as_posix() for p in [*folder.glob("*.js"), *folder.glob("search/*.js")]
                if not p.name.startswith("bundle."))
    return Assets(tuple(f"assets/stylesheets/{n}" for n in found) + ours, scripts=scripts,
                  modules=tuple(p for p in js if p not in scripts))


def _without_none(value: Any) -> Any:
    """JSON-LD leaves a property out rather than saying null (a village without an advisor)."""
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value


#: chrome.html's macros that draw the same for every page that passes the same arguments: the head,
#: the drawer, the banner, the header and the menu (og, which carries the page's title, is not one)
_SAME_FOR_ALL = frozenset({"head", "drawer_toggle", "banner", "header", "sidebar"})


class _Macros:
    """A template's macros as a global of the data templates (``chrome``: chrome.html, ``m``:
    macros.html, ``menu``: menu.html), made once per environment without context: their macros read
    only their arguments and the globals. An ``{% import %}`` in each page cost a lookup of every
    global at each of the 17,000 pages. The drawings of the macros named in ``same_for_all`` are made
    once per arguments in a process: a village page's header and menu are those of every page at
    its depth, and drawing them took a sixth of rendering the site."""

    def __init__(self, env: jinja2.Environment, template: str, same_for_all: frozenset[str] = frozenset()) -> None:
        self._env = env
        self._template = template
        self._same_for_all = same_for_all
        self._module: Any = None
        self._drawn: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        if self._module is None:
            self._module = self._env.get_template(self._template).module
        macro = getattr(self._module, name)
        if name not in self._same_for_all:
            return macro

        def draw(*args: Any) -> Any:
            key = f"{name}{args!r}"  # text, flags, and the menu's (label, href, current) tuples
            found = self._drawn.get(key)
            if found is None:
                found = self._drawn[key] = macro(*args)
            return found

        return draw


class _Shared:
    """``shared(key, name, *args)`` in a data template: macros.html's ``name`` drawn once per ``key``
    in a process. The template gives as ``key`` all that the drawing depends on (a township's team:
    the township's code and the page's depth), so that the forty villages of a township list their
    team from one drawing; the team and the services took a tenth of rendering the site."""

    def __init__(self, env: jinja2.Environment) -> None:
        self._env = env
        self._drawn: dict[tuple[str, str], Any] = {}

    def __call__(self, key: str, name: str, *args: Any) -> Any:
        found = self._drawn.get((name, key))
        if found is None:
            found = self._drawn[name, key] = getattr(self._env.globals["m"], name)(*args)
        return found


def menu_items(entries: list[tuple[str, str]], root: str, path: str) -> list[tuple[str, str, bool]]:
    """A page's menu from menu.html's ``entries`` (label, target from the site's root): the label, the
    link from the page's ``root``, and whether the target is the page (at ``path``)."""
    return [(label, root + target, path == target) for label, target in entries]


def template_filters() -> dict[str, Callable[..., object]]:
    """The filters of the data templates, which Material's pages get too (plugin.on_env): they import
    data/chrome.html, whose call links dial through ``tel``."""
    return {"tel": tel_uri, "phone": phone_text, "words": words,
            "jsonld": lambda d: json_for_script(_without_none(d))}


def environment(templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        # an environment lives for one build (or one worker's part of it): templates are read once,
        # not checked on disk at each of the 60,000 times a build asks for one
        auto_reload=False,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(template_filters())
    env.globals.update(template_globals())
    env.globals["chrome"] = _Macros(env, "chrome.html", _SAME_FOR_ALL)
    env.globals["m"] = _Macros(env, "macros.html")
    env.globals["menu"] = _Macros(env, "menu.html")
    env.globals["shared"] = _Shared(env)
    env.globals["services"] = SERVICES
    env.globals["menu_items"] = menu_items
    return env


def site_title(programme: Programme) -> str:
    """The site's name, when mkdocs.yml leaves ``site_name`` empty: the roster's city (a province's
    whole site: the province; a city's site of a province: that city) and what the site is."""
    return f"{programme.city}村居法律顾问"


def site_summary(programme: Programme) -> str:
    """The site's description, when mkdocs.yml gives none, in the roster's own words."""
    return f"{programme.city}“{programme.name}”：查找本村法律顾问、乡镇法律服务团队和{programme.hotline}公共法律服务热线。"


class Site:
    """What every page needs: the roster, the templates, the theme assets."""

    def __init__(self, roster: Roster, env: jinja2.Environment, assets: Assets, site_name: str,
                 history: Any = None, edition: opendata.Edition | None = None) -> None:
        self.history = history  # a history.History (git): the 最近更新 page, village dates; None: not read
        self.edition = edition or opendata.Edition("", "")  # the roster's version and date, for the open data
        self._teams: dict[str, list[dict[str, Any]]] = {}  # township code → its team's records (village_api)
        self.roster = roster
        self.env = env
        self.assets = assets
        self.site_name = site_name
        self.programme = roster.programme
        self.report = report(roster)  # the figures county and township pages show: computed once
        self._merged: dict[str, list[tuple[Retired, str]]] | None = None

    def merged_into(self, code: str) -> list[tuple[Retired, str]]:
        """The retired villages whose places a live village took (merged into it, or part of a split),
        with what happened in words (并入…), in the order of retired.yaml: its page says so, so that a
        villager who scanned an old card sees why the name changed."""
        if self._merged is None:
            self._merged = {}
            for r in self.roster.retired_villages:
                for now in self.roster.successors_now(r.code):
                    self._merged.setdefault(now, []).append((r, RETIREMENT_KIND_NAMES.get(r.kind, r.kind)))
        return self._merged.get(code, [])

    def render(self, template: str, path: str, **context: Any) -> tuple[str, str]:
        depth = path.count("/")
        root = "../" * depth if depth else "./"
        context.setdefault("city", None)  # a province's page names its city; one city's roster has none
        html = self.env.get_template(template).render(
            root=root,
            path=path,
            canonical=self.programme.base_url + context.pop("canonical", path),  # a retired page names its successor
            # a city's pages show its name and local hotline (Roster.programme_for)
            programme=context.pop("programme", self.programme),
            site_name=self.site_name,
            assets=self.assets,
            roster=self.roster,
            **context,
        )
        return path + "index.html", html

    # -- context builders: logic here, layout in templates --------------------

    def organization_of(self, advisor: Advisor) -> Any:
        return self.roster.organization.get(advisor.organization)

    def team(self, township: Township) -> list[Advisor]:
        return [self.roster.advisor[m] for m in township.team if m in self.roster.advisor]

    def contact_points(self, p: Programme) -> list[dict[str, str]]:
        points = [{"@type": "ContactPoint", "telephone": p.hotline, "contactType": f"{p.hotline}公共法律服务热线"}]
        if p.local_hotline:
            points.append({"@type": "ContactPoint", "telephone": p.local_hotline, "contactType": f"{p.hotline}公共法律服务热线（本地）"})
        return points

    def place(self, village: Village | None, township: Township, county: County | None) -> dict[str, Any]:
        area: dict[str, Any] = {"@type": "AdministrativeArea", "name": county.name} if county else {}
        city = self.roster.city_of(county.id) if county else None
        if city:
            area["containedInPlace"] = {"@type": "AdministrativeArea", "name": city.name, "identifier": city.code}
        t = {"@type": "AdministrativeArea", "name": township.name, "identifier": township.code, "containedInPlace": area}
        if village is None:
            return t
        return {"@type": "AdministrativeArea", "name": village.short_name, "identifier": village.code, "containedInPlace": t}

    def person(self, advisor: Advisor) -> dict[str, Any]:
        org = self.organization_of(advisor)
        return {
            "@type": "Person",
            "name": advisor.name,
            "jobTitle": advisor.role_name,
            "telephone": advisor.phone,
            "worksFor": {"@type": "Organization", "name": org.name} if org else None,
            "contactPoint": {"@type": "ContactPoint", "telephone": advisor.phone, "contactType": "村居法律顾问"},
        }

    def service(self, name: str, url: str, area: Any, provider: Any, p: Programme) -> dict[str, Any]:
        return {
            "@context": "https://schema.org",
            "@type": "GovernmentService",
            "name": name,
            "serviceType": "村居法律顾问",
            "url": p.base_url + url,
            "areaServed": area,
            "provider": provider,
            "serviceOperator": {"@type": "GovernmentOrganization", "name": f"{p.city}司法局", "contactPoint": self.contact_points(p)},
            "availableChannel": [
                {"@type": "ServiceChannel", "name": f"{p.hotline}公共法律服务热线", "servicePhone": cp} for cp in self.contact_points(p)
            ],
        }

    # -- pages ------------------------------------------------------------------

    def village_page(self, village: Village) -> tuple[str, str]:
        township = self.roster.township[village.township]
        county = self.roster.county_of(township)
        advisor = self.roster.advisor.get(village.advisor or "")
        url = village_url(village.code)
        programme = self.roster.programme_for(township.county)
        ld = self.service(
            f"{village.short_name}村居法律顾问", url, self.place(village, township, county),
            self.person(advisor) if advisor else None, programme,
        )
        return self.render(
            "village.html", url, programme=programme, city=self.roster.city_of(township.county),
            village=village, township=township, county=county, advisor=advisor,
            organization=self.organization_of(advisor) if advisor else None, team=self.team(township), jsonld=ld,
            updated=self.history.village_dates.get(village.code) if self.history else None,
            merged=self.merged_into(village.code),
        )

    def person_record(self, advisor: Advisor) -> dict[str, Any]:
        return api.person(advisor, self.organization_of(advisor), self.programme.base_url)

    def _team_records(self, township: Township) -> list[dict[str, Any]]:
        """A township's team as its villages' ``index.json`` lists it: made once a township (records are
        only read: json.dumps)."""
        made = self._teams.get(township.code)
        if made is None:
            made = self._teams[township.code] = [self.person_record(a) for a in self.team(township)]
        return made

    def village_api(self, village: Village) -> tuple[str, bytes]:
        """``v/<code>/index.json``: the page's facts for machines (api.py)."""
        township = self.roster.township[village.township]
        advisor = self.roster.advisor.get(village.advisor or "")
        record = api.village_record(
            village, township, self.roster.county_of(township), self.roster.city_of(township.county),
            self.roster.programme_for(township.county), self.person_record(advisor) if advisor else None,
            self._team_records(township),
            self.history.village_dates.get(village.code) if self.history else None, self.programme.base_url)
        return api.api_url(village.code), api.api_json(record)

    def changes_page(self) -> tuple[str, str]:
        """最近更新: the roster's last commits, newest first, with what each changed."""
        return self.render("changes.html", CHANGES, history=self.history)

    def advisor_page(self, advisor: Advisor) -> tuple[str, str]:
        villages = self.roster.villages_of.get(advisor.id, [])
        url = advisor_url(advisor.id)
        areas = [self.place(v, self.roster.township[v.township], self.roster.county_of(self.roster.township[v.township])) for v in villages]
        org = self.organization_of(advisor)
        programme = self.roster.programme_for(org.county) if org else self.programme
        ld = self.service(f"{advisor.name}（村居法律顾问）", url, areas, self.person(advisor), programme)
        served = [(v, self.roster.township[v.township]) for v in villages]
        return self.render(
            "advisor.html", url, programme=programme, advisor=advisor, organization=self.organization_of(advisor),
            served=served, teams=self.roster.teams_of.get(advisor.id, []), jsonld=ld,
        )

    def village_contact(self, village: Village) -> tuple[str, bytes]:
        township = self.roster.township[village.township]
        advisor = self.roster.advisor.get(village.advisor or "")
        org = self.organization_of(advisor) if advisor else None
        url = self.programme.base_url + village_url(village.code)
        return village_vcard_url(village.code), village_card(self.programme, village, township, advisor, org, url)

    def advisor_contact(self, advisor: Advisor) -> tuple[str, bytes]:
        served = [(v, self.roster.township[v.township]) for v in self.roster.villages_of.get(advisor.id, [])]
        url = self.programme.base_url + advisor_url(advisor.id)
        return advisor_vcard_url(advisor.id), advisor_card(self.programme, advisor, self.organization_of(advisor), served, url)

    def township_page(self, township: Township) -> tuple[str, str]:
        county = self.roster.county_of(township)
        rows = [(v, self.roster.advisor.get(v.advisor or "")) for v in township.villages]
        return self.render(
            "township.html", township_url(township.code), programme=self.roster.programme_for(township.county),
            city=self.roster.city_of(township.county), township=township, county=county,
            team=self.team(township), rows=rows,
            area=self.report.area("township", township.code), limit=self.report.limit,
        )

    def county_page(self, county: County, rows: Any) -> tuple[str, str]:
        return self.render(
            "county.html", county_url(county.id), programme=self.roster.programme_for(county.id),
            city=self.roster.city_of(county.id), county=county,
            townships=self.roster.townships_of.get(county.id, []), rows=rows,
            area=self.report.area("county", county.id), limit=self.report.limit,
        )

    def city_page(self, city: City) -> tuple[str, str]:
        """A city of a province: its local hotline, figures and county-level units."""
        area = self.report.area("city", city.id)
        return self.render(
            "city.html", city_url(city.id), programme=self.roster.programme_for_city(city.id), city=city,
            counties=self.roster.counties_of.get(city.id, []), rows={a.id: a for a in area.children},
            area=area, limit=self.report.limit,
        )

    def portal_page(self) -> tuple[str, str]:
        """The province's portal: every city, linked to its page here or to its own site (a city of
        another site that has no address yet is named, not linked: its page is not in this site)."""
        own = {c.id for c in self.roster.cities}
        cities = [(c, c.id in own, c.base_url + city_url(c.id) if c.base_url and c.id not in own else None)
                  for c in self.roster.all_cities]
        return self.render("cities.html", CITIES, cities=cities)

    def _retirement(self, retired: Retired, is_village: bool) -> tuple[list[dict[str, str]], list[tuple[dict[str, str], Advisor | None]], Township | Retired | County | None]:
        """What a retired code's page and API say: the codes named as its successors (code, name), the
        live places it leads to now with their advisor, and where it was (its township or unit)."""
        r = self.roster

        def label(code: str) -> str:
            if is_village:
                v = r.village.get(code)
                if v is not None:
                    return f"{v.short_name}（{r.township[v.township].name}）"
                old = r.retired_village.get(code)
                return old.short_name if old else code
            t = r.township.get(code)
            return t.name if t else (r.retired_township[code].name if code in r.retired_township else code)

        named = [{"code": c, "name": label(c)} for c in retired.successors]
        now = [({"code": c, "name": label(c)}, r.advisor.get(r.village[c].advisor or "") if is_village else None)
               for c in r.successors_now(retired.code)]
        parent: Township | Retired | County | None = (
            (r.township.get(retired.parent) or r.retired_township.get(retired.parent)) if is_village
            else r.county.get(retired.parent)
        )
        return named, now, parent

    def retired_page(self, retired: Retired, is_village: bool) -> tuple[str, str]:
        """The page at a retired code's URL: what happened, links onward, and a redirect (without
        script) when one live place took its place, so a card printed years ago still leads somewhere."""
        url = (village_url if is_village else township_url)(retired.code)
        named, now, parent = self._retirement(retired, is_village)
        target = now[0][0]["code"] if len(now) == 1 else None
        context: dict[str, Any] = {"canonical": (village_url if is_village else township_url)(target)} if target else {}
        return self.render(
            "retired.html", url, retired=retired, is_village=is_village,
            name=retired.short_name if is_village else retired.name,
            kind_name=RETIREMENT_KIND_NAMES.get(retired.kind, retired.kind), named=named, now=now,
            target=target, parent_name=parent.name if parent else "", **context,
        )

    def retired_api(self, retired: Retired) -> tuple[str, bytes]:
        """``v/<old code>/index.json``: what a mini-program that scans an old card gets (api.py)."""
        named, now, parent = self._retirement(retired, True)
        where = {"code": retired.parent, "name": parent.name if parent else ""}
        record = api.retired_record(retired, where, named,
                                    [(place, self.person_record(a) if a else None) for place, a in now],
                                    self.programme, self.programme.base_url)
        return api.api_url(retired.code), api.api_json(record)

    def pages_for(self, task: tuple[str, str]) -> Iterator[tuple[str, str | bytes]]:
        kind, key = task
        if kind == "counties":
            yield self.changes_page()
            for city in self.roster.cities:
                yield self.city_page(city)
            if len(self.roster.all_cities) > 1:
                yield self.portal_page()
            for county in self.roster.counties:
                yield self.county_page(county, {r.id: r for r in self.report.townships.get(county.id, ())})
        elif kind == "township":
            township = self.roster.township[key]
            yield self.township_page(township)
            for village in township.villages:
                yield self.village_page(village)
                yield self.village_contact(village)
                yield self.village_api(village)
        elif kind == "retired":
            for rv in self.roster.retired_villages:
                yield self.retired_page(rv, True)
                yield self.retired_api(rv)
            for rt in self.roster.retired_townships:
                yield self.retired_page(rt, False)
        elif kind == "data":  # a part of the open data (opendata.parts)
            yield from opendata.part_files(self.roster, key, self.edition)
        elif kind == "advisors":
            for id_ in key.split(","):
                yield self.advisor_page(self.roster.advisor[id_])
                yield self.advisor_contact(self.roster.advisor[id_])


def data_tasks(roster: Roster) -> list[tuple[str, str]]:
    """The open data's parts as render tasks (opendata.parts): the top, and each city of a province."""
    return [("data", key) for key in opendata.parts(roster)]


def page_tasks(roster: Roster) -> list[tuple[str, str]]:
    """The site cut into independent pieces of similar size, to render in parallel: the open data's
    parts first (the largest: a city's takes a second), then the pages."""
    tasks = data_tasks(roster)
    tasks.append(("counties", ""))
    tasks += [("township", t.code) for t in roster.townships]
    if roster.retired_villages or roster.retired_townships:
        tasks.append(("retired", ""))
    ids = [a.id for a in roster.advisors]
    tasks += [("advisors", ",".join(ids[i : i + 400])) for i in range(0, len(ids), 400)]
    return tasks


def data_page_urls(roster: Roster) -> list[str]:
    """Every data page's URL path, for the sitemap."""
    urls = [CITIES] if len(roster.all_cities) > 1 else []
    urls += [city_url(c.id) for c in roster.cities]
    urls += [county_url(c.id) for c in roster.counties]
    urls += [township_url(t.code) for t in roster.townships]
    urls += [village_url(v.code) for v in roster.villages]
    urls += [advisor_url(a.id) for a in roster.advisors]
    return urls  # print pages are for staff, not search engines


def sitemap(base_url: str, paths: list[str]) -> str:
    """A sitemap without <lastmod>: dates would make two builds differ."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"<url><loc>{escape(base_url + p)}</loc></url>" for p in sorted(set(paths))]
    lines.append("</urlset>\n")
    return "\n".join(lines)
