"""Benchmark the print-shop PDFs: one county's cards and all cards, time and size.

    python3 -m bench.cards [--county ID] [--skip-all] [--decode]

Budgets (issue 4): one county ≤ 60 s, all cards ≤ 5 min. With --decode, every page
of the all-cards PDF is rasterised at 150 dpi and every QR decoded with zbar.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed_cards(args: list[str], out: Path) -> tuple[float, int, int]:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "generator", "cards", *args, "-o", str(out)], cwd=ROOT, check=True,
                   stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    from tests.helpers.raster import page_info

    return wall, out.stat().st_size, page_info(out)[0]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--county", default="371502", help="unit id (default 371502, 东昌府区, the largest)")
    ap.add_argument("--skip-all", action="store_true")
    ap.add_argument("--decode", action="store_true", help="decode every QR of the all-cards PDF")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        wall, size, pages = timed_cards(["--county", args.county], Path(tmp) / "county.pdf")
        print(f"county {args.county}: {wall:6.1f} s  {size / 1e6:6.1f} MB  {pages} pages   budget ≤ 60 s")
        if args.skip_all:
            return 0
        pdf = Path(tmp) / "all.pdf"
        wall, size, pages = timed_cards(["--all"], pdf)
        print(f"all cards:    {wall:6.1f} s  {size / 1e6:6.1f} MB  {pages} pages   budget ≤ 300 s")
        if args.decode:
            from generator.printing import cards
            from tests.helpers.raster import decode_qr, rasterize

            found: set[str] = set()
            for page in range(1, pages + 1):
                image = rasterize(pdf, page, 150, Path(tmp))
                codes = decode_qr(Path(tmp) / f"p{page}.pgm")
                if len(codes) < cards.PER_SHEET:  # zbar misses some in a full page: read each card alone
                    for slot in range(cards.PER_SHEET):
                        x, y = cards.slot_mm(slot)
                        crop = image.crop_pgm(image.px(x), image.px(y), image.px(90), image.px(54), Path(tmp) / "c.pgm")
                        codes += decode_qr(crop)
                found |= set(codes)
                (Path(tmp) / f"p{page}.pgm").unlink()
            print(f"decoded {len(found)} distinct QR codes at 150 dpi")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
