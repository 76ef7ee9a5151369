"""How many searches nobody here typed land in the first five: the held-out list of issue 23.

    python3 -m bench.heldout [--site DIR] [--province]

Builds the sample site into a temporary folder (or uses ``--site``; or, with ``--province``, the site
of one city of the synthetic province, whose search covers all 77,299 villages), then answers the
held-out queries of tests/helpers/heldout.py (six kinds, 60 each, drawn with a fixed seed from the
sample's names) with the browser's own search modules over the built index (tests/node/heldout.mjs),
read from a village page of 堂邑镇, and prints per kind how many land in the first five (for complete
syllables: with no result that reads the last syllable cut short before them), and the misses.
On the province a name's pages are every city's villages of the pinyin meant (the reader's city's come
first); a name the province has not (it leaves trailing villages out) is left out.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from bench.search import build, build_province
from generator.build.pipeline import read_roster
from generator.core.model import Roster
from tests.helpers.heldout import KINDS, Query, answers, by_pinyin, heldout, hit
from tests.helpers.roster_edit import SAMPLE
from tests.helpers.sites import PROVINCE_CITY

HERE = {"county": "371502", "city": ""}


def in_roster(queries: list[Query], roster: Roster) -> list[Query]:
    """The queries as meant in another roster (a province's): the pages of the pinyin meant there; a
    name the roster has not (the province leaves trailing villages out) is left out."""
    names = by_pinyin(roster)
    return [q if not q.meant else Query(q.kind, q.text, tuple(names[q.meant]), q.meant) for q in queries
            if not q.meant or q.meant in names]


def run(site: Path, province: Path | None) -> None:
    queries = heldout(read_roster(SAMPLE).roster)
    here = HERE
    if province:
        every = len(queries)
        queries = in_roster(queries, read_roster(province).roster)
        print(f"{every - len(queries)} of the {every} queries name places the province has not: left out")
        here = {"county": PROVINCE_CITY + HERE["county"][4:], "city": PROVINCE_CITY}
    start = time.perf_counter()
    found = answers(site, queries, here)
    seconds = time.perf_counter() - start
    total = 0
    for kind in KINDS:
        pairs = [(q, a) for q, a in zip(queries, found) if q.kind == kind]
        hits = sum(hit(q, a) for q, a in pairs)
        total += hits
        print(f"{kind:10} {hits:3} of {len(pairs)} in the first five ({hits / len(pairs):.0%})")
        for q, a in pairs:
            if not hit(q, a):
                print(f"    missed {q.text!r}: corrected {a['corrected']!r}, first five {list(a['urls'])[:5]}")  # type: ignore[call-overload]
    print(f"overall    {total} of {len(queries)} ({total / len(queries):.1%}); answered in {seconds:.1f} s by node")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", type=Path, help="a built site to use instead of building the sample")
    ap.add_argument("--province", action="store_true", help=f"the synthetic province, city {PROVINCE_CITY}'s site")
    ap.add_argument("--roster", type=Path, help="with --site and --province: the province's roster folder")
    args = ap.parse_args()
    if args.site:
        run(args.site.resolve(), args.roster if args.province else None)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        site = build_province(Path(tmp)) if args.province else build(Path(tmp) / "site")
        run(site, Path(tmp) / "data" if args.province else None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
