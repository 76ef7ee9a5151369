"""The site's permanent URLs, in one place: they are printed on cards and live for years.

Paths are relative to the site root; places are named by official code, people and
organizations by roster id, never by name (DESIGN.md).
"""

from __future__ import annotations


def village_url(code: str) -> str:
    return f"v/{code}/"


def township_url(code: str) -> str:
    return f"t/{code}/"


def county_url(id_: str) -> str:
    return f"c/{id_}/"


def advisor_url(id_: str) -> str:
    return f"a/{id_}/"


def print_url(township_code: str) -> str:
    return f"print/{township_code}/"


def backs_url() -> str:
    """The sheet of card backs, the same for every township."""
    return "print/back/"


#: The page kinds whose URL the search box makes from an id.
BY_KIND = {"village": village_url, "township": township_url, "county": county_url, "advisor": advisor_url}
