"""Lighthouse (mobile) on pages of the full sample site: the four category scores.

    python3 bench/lighthouse.py [SITE_DIR] [URL_PATH ...]

Builds nothing: run `mkdocs build` (or bench/bench.py --keep DIR) first. Performance is a
timing on a shared 2-core machine and varies by a few points between runs; it is
reported here and never asserted in tests.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import lighthouse, serve  # noqa: E402


def main(argv: list[str]) -> int:
    site = Path(argv[0]) if argv else ROOT / "site"
    paths = argv[1:] or ["v/371502102201/", "v/371522103200/", "", "t/371502102/", "a/A0001/", "guides/legal-aid/"]
    with serve(site) as base, tempfile.TemporaryDirectory() as tmp:
        for i, path in enumerate(paths):
            scores = lighthouse(f"{base}/{path}", Path(tmp) / str(i))
            row = "  ".join(f"{k} {round(v * 100):3d}" for k, v in scores.items())
            print(f"/{path:<20} {row}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
