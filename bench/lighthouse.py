"""Lighthouse (mobile) on pages of the full sample site: the four category scores.

    python3 -m bench.lighthouse [--plain] [SITE_DIR] [URL_PATH ...]   # default: a page of every kind (PAGE_KINDS)

Builds nothing: run `mkdocs build` (or bench/bench.py --keep DIR) first. Text is served
gzip-compressed, as static hosts serve it (GitHub Pages, nginx): Lighthouse's simulated slow 4G
then carries the bytes a phone gets (``--plain``: uncompressed, the figures before 2026-12). Performance
is a timing on a shared 2-core machine and varies by a few points between runs; it is reported here
and never asserted in tests.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from tests.helpers.browser import lighthouse, lighthouse_failures, serve  # noqa: E402

#: A page of every kind (issue 12: each must score performance ≥ 95 on a phone).
PAGE_KINDS = {
    "home": "",
    "guide": "guides/legal-aid/",
    "stats": "stats/",
    "county": "c/371502/",
    "township": "t/371502102/",
    "village": "v/371502102201/",
    "village2": "v/371522103200/",
    "advisor": "a/A0001/",
    "print": "print/371502102/",
    "404": "404.html",
    "offline": "offline/",
}


def main(argv: list[str]) -> int:
    plain = "--plain" in argv
    argv = [a for a in argv if a != "--plain"]
    site = Path(argv[0]) if argv else ROOT / "site"
    paths = argv[1:] or list(PAGE_KINDS.values())
    kinds = {path: kind for kind, path in PAGE_KINDS.items()}
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (performance is a timing: other work lowers it); "
          f"text served {'uncompressed' if plain else 'gzip-compressed, as static hosts do'}")
    with serve(site, compress=not plain) as base, tempfile.TemporaryDirectory() as tmp:
        for i, path in enumerate(paths):
            scores = lighthouse(f"{base}/{path}", Path(tmp) / str(i))
            row = "  ".join(f"{k} {round(v * 100):3d}" for k, v in scores.items())
            print(f"{kinds.get(path, ''):<9} /{path:<22} {row}")
            for line in lighthouse_failures(Path(tmp) / str(i) / "lighthouse.json"):
                if not line.startswith("performance"):
                    print(f"{'':<9}   {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
