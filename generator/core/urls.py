"""The site's permanent URLs, in one place: they are printed on cards and live for years.

Paths are relative to the site root; places are named by official code, people and
organizations by roster id, never by name (DESIGN.md).
"""

from __future__ import annotations


def village_url(code: str) -> str:
    return f"v/{code}/"


def township_url(code: str) -> str:
    return f"t/{code}/"


def city_url(id_: str) -> str:
    """A city of a province's roster (never printed on cards, but permanent like the rest)."""
    return f"city/{id_}/"


def county_url(id_: str) -> str:
    return f"c/{id_}/"


def advisor_url(id_: str) -> str:
    return f"a/{id_}/"


def village_vcard_url(code: str) -> str:
    """The village advisor's contact card (vCard), beside the village page."""
    return village_url(code) + "contact.vcf"


def advisor_vcard_url(id_: str) -> str:
    """The advisor's contact card (vCard), beside the advisor page."""
    return advisor_url(id_) + "contact.vcf"


def print_url(township_code: str) -> str:
    return f"print/{township_code}/"


def guide_url(slug: str) -> str:
    return f"guides/{slug}/"


GUIDES = "guides/"  # the index of the eight service guides
STATS = "stats/"  # the coverage statistics
OPEN_DATA = "data/"  # the open data: the roster's tables, their schemas, the data package (site/opendata.py)
STATS_CSV = "data/stats.csv"  # the same figures for spreadsheets (docs/site.md lists the columns)
STATS_JSON = "data/stats.json"  # and for machines
CHANGES = "changes/"  # 最近更新: the roster's recent changes
CHANGES_FEED = "changes/feed.xml"  # the same as an Atom feed (generator/changes/feed.py)
CITIES = "cities/"  # a province's portal: every city, linked to its page or its own site
SEARCH_INDEX = "search.json"  # the core of the search index
SEARCH_SHARDS = "search"  # its shards and the pages' text (generator/site/search.py)
SERVICE_WORKER = "sw.js"  # at the site root: a worker's scope is its folder and below
OFFLINE = "offline/"  # the notice the worker shows for a page not saved on the phone

def backs_url(city: str = "") -> str:
    """The sheet of card backs, the same for every township; in a province, one per city (its name
    and local hotline are on the backs)."""
    return f"print/back/{city}/" if city else "print/back/"


#: The page kinds whose URL the search box makes from an id.
BY_KIND = {"village": village_url, "township": township_url, "county": county_url, "advisor": advisor_url}


def template_globals() -> dict[str, object]:
    """What every template may call or read to write a link: the one source of the site's URLs."""
    makers = {f"{kind}_url": make for kind, make in BY_KIND.items()}
    return {**makers, "city_url": city_url, "print_url": print_url, "guide_url": guide_url,
            "guides_url": GUIDES, "stats_url": STATS, "changes_url": CHANGES, "cities_url": CITIES,
            "search_index_url": SEARCH_INDEX, "stats_csv_url": STATS_CSV, "stats_json_url": STATS_JSON,
            "village_vcard_url": village_vcard_url, "advisor_vcard_url": advisor_vcard_url,
            "changes_feed_url": CHANGES_FEED, "open_data_url": OPEN_DATA}
