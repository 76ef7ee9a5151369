"""Hand-written pages filled from the roster: the Markdown context, its escaping, the pages made from it.

Every page in ``content/`` is a Jinja template over :func:`markdown_context` (computed once per build),
filled by an environment that escapes each value for Markdown and HTML at once: roster text is data,
never markup.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from generator.core.model import Roster, tel_uri
from generator.core.urls import template_globals
from generator.site.escape import html_text, markdown_text
from generator.site.opendata import catalogue
from generator.site.pages import SERVICES, environment
from generator.site.stats import coverage_chart, load_chart, report, roles_chart, villages_chart

from .version import roster_version


@lru_cache(maxsize=2)
def _fill_env(finalize: Callable[[Any], str]) -> jinja2.Environment:
    # every value is escaped for where it lands: roster names are text, never markup
    env = jinja2.Environment(autoescape=False, finalize=finalize, undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True)
    env.filters["tel"] = tel_uri
    env.globals.update(template_globals())
    return env


def markdown_context(roster: Roster, data_dir: Path | str | None = None, overrides: Path | None = None) -> dict[str, object]:
    """The context hand-written pages are filled from: ``{{ programme.hotline }}``, ``{{ total.villages }}``…

    With ``data_dir``, also the roster's :func:`roster_version`; with ``overrides``, the
    statistics' macros (``overrides/data/stats-parts.html``) as ``parts``, rendered by the
    data pages' autoescaping environment, so that roster names never reach the page unescaped
    through the Markdown filling (whose autoescape is off).
    """
    rep = report(roster)
    # a province's whole site charts its cities; one city's site (of a province too) its units
    tops, of = (rep.cities, "各市") if len(rep.cities) > 1 else (rep.counties, "各县级单位")
    context: dict[str, object] = {
        "programme": roster.programme,
        "total": rep.programme,
        "units": [(roster.county[a.id], a, a.children) for a in rep.counties],
        # a province's whole site: the home page lists the cities rather than 150 units (one city's
        # site, even of a province, lists its units)
        "cities": list(roster.cities) if len(roster.cities) > 1 else [],
        "services": SERVICES,
        "advisors": len(roster.advisors),
        "report": rep,
        "charts": {
            "coverage": coverage_chart(tops, of),
            "villages": villages_chart(tops, of),
            "roles": roles_chart(rep.programme),
            "load": load_chart(rep.programme),
        },
        "version": roster_version(data_dir) if data_dir is not None else None,
        "open_data": catalogue(roster),  # the data page's lists of files and fields
    }
    if overrides is not None:
        context["parts"] = environment(overrides / "data").get_template("stats-parts.html").module
    return context


def fill_markdown(markdown: str, context: dict[str, object]) -> str:
    """Hand-written Markdown is a Jinja template over :func:`figures` (computed once per build);
    every value is escaped for Markdown and HTML at once."""
    return _fill_env(markdown_text).from_string(markdown).render(**context)


class Verbatim:
    """HTML that a page's Markdown carries through untouched: the statistics' parts.

    ``parts`` (stats-parts.html) makes finished, escaped HTML; Python-Markdown would parse it again,
    which took seconds on a province's statistics page (1,862 townships' rows). :meth:`wrap` makes
    each part a comment that Markdown keeps as it is, and :meth:`restore` puts the HTML back into
    the page Markdown made."""

    _MARK = re.compile(r"<!-- verbatim (\d+) -->")

    def __init__(self) -> None:
        self.parts: list[str] = []

    def wrap(self, module: object) -> Any:
        """``module`` (a template's macros) with each macro's HTML set aside."""
        verbatim = self

        class Parts:
            def __getattr__(self, name: str) -> Callable[..., Markup]:
                macro = getattr(module, name)
                return lambda *args, **kwargs: verbatim.put(macro(*args, **kwargs))

        return Parts()

    def put(self, html: object) -> Markup:
        self.parts.append(str(html))
        return Markup(f"<!-- verbatim {len(self.parts) - 1} -->")

    def restore(self, html: str) -> str:
        return self._MARK.sub(lambda m: self.parts[int(m[1])], html)


def fill_text(template: str, context: dict[str, object]) -> str:
    """A front-matter value (title, description), which the theme prints into HTML unescaped."""
    return _fill_env(html_text).from_string(template).render(**context)


def markdown_pages(overrides: Path) -> list[tuple[str, str]]:
    """Pages that go through MkDocs but are made from the roster: the statistics page."""
    stats = (overrides / "data" / "stats.md").read_text(encoding="utf-8")
    return [("stats/index.md", stats)]
