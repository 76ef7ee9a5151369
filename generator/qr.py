"""QR codes for the cards: the encoder, its choice of mask, and the inline SVG.

A leaf: it imports nothing from the generator, so the symbol a card carries depends
only on the text it encodes. The SVG is one path of horizontal runs with no ids,
so many codes can share a page.
"""

from __future__ import annotations

import json
import os
import re
import zlib
from functools import cached_property, lru_cache
from importlib.metadata import version
from itertools import pairwise
from pathlib import Path

import qrcode
from markupsafe import Markup, escape
from qrcode.constants import ERROR_CORRECT_M

QUIET_ZONE = 4  # modules of white around the code, as the standard asks
#: Everything a symbol depends on besides its text. Bump the first number whenever the mask choice,
#: error correction or quiet zone changes: the cache file is named after it, so a cache written by
#: another encoder is never read.
ENCODER = f"1-M-q{QUIET_ZONE}-qrcode{version('qrcode')}"

_RUN = re.compile(r"00000+|11111+")  # twice as fast as 0{5,}|1{5,} in CPython's re
_FINDER_LIKE = ("10111010000", "00001011101")  # neither overlaps itself, so str.count is exact


def mask_penalty(rows: list[str], columns: list[str] | None = None) -> int:
    """The QR standard's penalty score (rules N1–N4) of a symbol given as rows of '0'/'1'
    (and its columns, when the caller has them: else they are read from the rows).

    The same score as ``qrcode.util.lost_point``, computed on strings and bit masks
    so that trying all eight masks costs well under a millisecond.
    """
    n = len(rows)
    columns = columns if columns is not None else ["".join(col) for col in zip(*rows)]
    text = "2".join(rows + columns)  # '2' stops runs at line ends
    runs = _RUN.findall(text)
    score = len("".join(runs)) - 2 * len(runs)  # N1: 3 + (run - 5) for each run of five or more
    ints = [int(r, 2) for r in rows]
    inner = (1 << (n - 1)) - 1
    for a, b in pairwise(ints):  # N2: 2×2 blocks of one colour
        score += 3 * (~(a ^ b) & ~(a ^ (a >> 1)) & ~(b ^ (b >> 1)) & inner).bit_count()
    score += 40 * sum(text.count(p) for p in _FINDER_LIKE)  # N3: finder-like patterns
    dark = text[: n * (n + 1)].count("1")
    return score + 10 * (abs(100 * dark - 50 * n * n) // (5 * n * n))  # N4: every 5 % from half dark


@lru_cache(maxsize=8)
def _mask_flips(version: int) -> tuple[tuple[tuple[int, ...], ...], tuple[tuple[int, ...], ...]]:
    """Per mask, the data modules whose colour differs from mask 0's: as row bit masks, and as
    column bit masks (so that no mask's columns need reading from its rows)."""
    probe = qrcode.QRCode(version=version, error_correction=ERROR_CORRECT_M)
    n = probe.modules_count = version * 4 + 17
    probe.modules = [[None] * n for _ in range(n)]
    for r, c in ((0, 0), (n - 7, 0), (0, n - 7)):
        probe.setup_position_probe_pattern(r, c)
    probe.setup_position_adjust_pattern()
    probe.setup_timing_pattern()
    probe.setup_type_info(True, 0)
    if version >= 7:
        probe.setup_type_number(True)
    masks = [qrcode.util.mask_func(i) for i in range(8)]

    def flips(i: int, r: int, c: int) -> bool:
        return probe.modules[r][c] is None and masks[0](r, c) != masks[i](r, c)

    rows = tuple(tuple(sum(1 << (n - 1 - c) for c in range(n) if flips(i, r, c)) for r in range(n)) for i in range(8))
    columns = tuple(tuple(sum(1 << (n - 1 - r) for r in range(n) if flips(i, r, c)) for c in range(n)) for i in range(8))
    return rows, columns


class _QRCode(qrcode.QRCode):  # type: ignore[type-arg]
    """qrcode's encoder with a fast choice of mask: the one the standard's penalty prefers.

    qrcode scores each mask by re-encoding the symbol (4 ms a code, 27 s for the
    programme); here the symbol is built once and the masks applied by XOR.
    The choice matters: at low resolution, zbar read 93 of 154 codes masked this
    way but only 41 with a fixed mask.
    """

    def make(self, fit: bool = True) -> None:
        if fit or self.version is None:
            self.best_fit(start=self.version)
        self.makeImpl(True, 0)  # format bits blank, as qrcode scores masks
        n = self.modules_count
        modules: list[list[bool | None]] = self.modules  # set by makeImpl
        base = [int("".join("1" if m else "0" for m in row), 2) for row in modules]
        base_columns = [int("".join("1" if m else "0" for m in column), 2) for column in zip(*modules)]
        row_flips, column_flips = _mask_flips(self.version)
        bits = f"0{n}b"
        _, best = min(
            (mask_penalty([format(b ^ f, bits) for b, f in zip(base, row_flips[i])],
                          [format(b ^ f, bits) for b, f in zip(base_columns, column_flips[i])]), i)
            for i in range(8)
        )
        self.modules = [[bool((b ^ f) >> (n - 1 - c) & 1) for c in range(n)] for b, f in zip(base, row_flips[best])]
        self.setup_type_info(False, best)  # now the real format (and version) bits
        if self.version >= 7:
            self.setup_type_number(False)
        self.mask_pattern = best


def qr_modules(text: str) -> list[list[bool]]:
    """The QR matrix of ``text`` (error correction M) with its quiet zone."""
    qr = _QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE, box_size=1)
    qr.add_data(text)
    qr.make(fit=True)
    return qr.get_matrix()


def pack(rows: list[list[bool]]) -> str:
    """A symbol as ``<size>:<hex of its modules, row by row>:<crc32>``: 0.3 KB for a card's code."""
    bits = "".join("1" if m else "0" for row in rows for m in row)
    digits = -(-len(bits) // 4)
    return f"{len(rows)}:{int(bits, 2):0{digits}x}:{zlib.crc32(bits.encode()):08x}"


def unpack_lines(packed: str) -> list[str] | None:
    """The rows ('0'/'1' text) of the symbol :func:`pack` wrote, or None if the text is not exactly one."""
    try:
        size_text, hex_text, crc_text = packed.split(":")
        n = int(size_text)
        if not 21 + 2 * QUIET_ZONE <= n <= 177 + 2 * QUIET_ZONE or len(hex_text) != -(-n * n // 4):
            return None
        bits = format(int(hex_text, 16), f"0{n * n}b")
        if len(bits) != n * n or zlib.crc32(bits.encode()) != int(crc_text, 16):
            return None
    except ValueError:
        return None
    return [bits[i : i + n] for i in range(0, n * n, n)]


def unpack(packed: str) -> list[list[bool]] | None:
    """The symbol :func:`pack` wrote, or None if the text is not exactly one (a damaged cache)."""
    lines = unpack_lines(packed)
    return [[b == "1" for b in line] for line in lines] if lines is not None else None


def _lines(rows: list[list[bool]]) -> list[str]:
    return ["".join("1" if m else "0" for m in row) for row in rows]


class QRCache:
    """Symbols already encoded, by text, kept in a file between builds.

    A code depends only on its text (and the encoder: :data:`ENCODER` names the file), and
    card URLs never change, so each is encoded once, ever: about 1.3 ms a code, eight seconds
    of CPU for the sample, two minutes for a province. CI keeps the folder between runs.
    A missing, unreadable or damaged file or entry is simply encoded again.
    """

    def __init__(self, folder: Path | None) -> None:
        self.path = folder / f"qr-{ENCODER}.json" if folder is not None else None
        self.added: dict[str, str] = {}

    @cached_property
    def known(self) -> dict[str, str]:
        """The file's symbols, read when a first code is wanted (a province's file is 30 MB; a
        rebuild that renders no card does not read it)."""
        return self._read()

    def _read(self) -> dict[str, str]:
        if self.path is None:
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}

    def lines(self, text: str) -> list[str]:
        """The symbol's rows as '0'/'1' text, from the cache or newly encoded."""
        packed = self.known.get(text) or self.added.get(text)
        lines = unpack_lines(packed) if packed else None
        if lines is None:
            rows = qr_modules(text)
            self.added[text] = pack(rows)
            lines = _lines(rows)
        return lines

    def modules(self, text: str) -> list[list[bool]]:
        return [[b == "1" for b in line] for line in self.lines(text)]

    def take_added(self) -> dict[str, str]:
        """What was encoded since the last call (a render worker sends it to the build)."""
        added, self.added = self.added, {}
        self.known.update(added)
        return added

    def save(self, added: dict[str, str]) -> None:
        """Add ``added`` to the file, atomically (a build killed meanwhile leaves the old file)."""
        if self.path is None or not added:
            return
        merged = {**self._read(), **added}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        staged = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        staged.write_text(json.dumps(merged, sort_keys=True, separators=(",", ":")), encoding="utf-8")
        os.replace(staged, self.path)


_DARK_RUN = re.compile("1+")


def _path(lines: list[str]) -> str:
    """The dark modules as one stroked SVG path, a line per run of dark modules.

    A row starts with an absolute move to its first run's middle line (``M4 7.5``); each
    further run is a relative move past the light gap (``m3 0``) and a horizontal line of
    the run's width: a third of the bytes of a closed rectangle per run, which matters on a
    print page with seventy codes. A 1-unit stroke with butt caps covers exactly the modules.
    """
    parts = []
    for y, line in enumerate(lines):
        end = None
        for run in _DARK_RUN.finditer(line):
            start, width = run.start(), run.end() - run.start()
            parts.append(f"M{start} {y}.5h{width}" if end is None else f"m{start - end} 0h{width}")
            end = run.end()
    return "".join(parts)


def qr_svg(text: str, label: str, cache: QRCache | None = None) -> Markup:
    """An inline SVG of the code, sized by CSS, no ids.

    Markup so templates need no ``| safe``: the label carries roster text (a village
    name), so it is escaped here; everything else in the element is our own numbers.
    """
    lines = cache.lines(text) if cache is not None else _lines(qr_modules(text))
    n = len(lines)
    return Markup(
        f'<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {n} {n}" role="img" '
        f'aria-label="{escape(label)}" shape-rendering="crispEdges"><rect width="{n}" height="{n}" fill="#fff"/>'
        f'<path d="{_path(lines)}" stroke="#000" fill="none"/></svg>'
    )
