"""How many searches nobody here typed land in the first five: the held-out list of issue 23.

    python3 -m bench.heldout [--site DIR] [--province]

Builds the sample site into a temporary folder (or uses ``--site``; or, with ``--province``, the site
of one city of the synthetic province, whose search covers all 77,299 villages), then answers the
held-out queries of tests/helpers/heldout.py (six kinds, 60 each, drawn with a fixed seed from the
sample's names) with the browser's own search modules over the built index (tests/node/heldout.mjs),
read from a village page of 堂邑镇, and prints per kind how many land in the first five (for complete
syllables: with no result that reads the last syllable cut short before them), and the misses.
On the province a name's page is any city's copy of it (the reader's city's come first).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from bench.search import build, build_province
from generator.build.pipeline import read_roster
from tests.helpers.heldout import KINDS, Query, answers, heldout, hit
from tests.helpers.roster_edit import SAMPLE
from tests.helpers.sites import PROVINCE_CITY

HERE = {"county": "371502", "city": ""}


def province_query(query: Query, codes: dict[str, list[str]]) -> Query:
    """The query with every city's copy of its pages (a copy's code has the city's prefix)."""
    expect = tuple(p for u in query.expect for p in codes.get(u[7:], [])) if query.kind != "speech" else query.expect
    return Query(query.kind, query.text, expect or query.expect)


def run(site: Path, province: bool) -> None:
    queries = heldout(read_roster(SAMPLE).roster)
    here = HERE
    if province:
        codes: dict[str, list[str]] = {}
        for page in sorted((site / "v").iterdir()):
            codes.setdefault(page.name[4:] + "/", []).append(f"/v/{page.name}/")
        queries = [province_query(q, codes) for q in queries]
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
    args = ap.parse_args()
    if args.site:
        run(args.site.resolve(), args.province)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        site = build_province(Path(tmp)) if args.province else build(Path(tmp) / "site")
        run(site, args.province)
    return 0


if __name__ == "__main__":
    sys.exit(main())
