"""QR codes for the cards: the encoder, its choice of mask, and the inline SVG.

A leaf: it imports nothing from the generator, so the symbol a card carries depends
only on the text it encodes, and it is made from that text every time: no symbol is
kept between builds (a kept symbol is another file that could say something else).
The SVG is one path of horizontal runs with no ids, so many codes can share a page.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable
from functools import lru_cache
from operator import itemgetter
from typing import NamedTuple

import qrcode
from markupsafe import Markup, escape
from qrcode import LUT
from qrcode.base import rs_blocks
from qrcode.constants import ERROR_CORRECT_M
from qrcode.exceptions import DataOverflowError
from qrcode.util import BIT_LIMIT_TABLE, MODE_8BIT_BYTE

QUIET_ZONE = 4  # modules of white around the code, as the standard asks


def mask_penalty(rows: list[str]) -> int:
    """The QR standard's penalty score (rules N1–N4) of a symbol given as rows of '0'/'1': the same
    score as ``qrcode.util.lost_point`` (:func:`_score` on the symbol as numbers)."""
    columns = ["".join(col) for col in zip(*rows)]
    return _score(int("".join(rows), 2), int("".join(columns), 2), len(rows))


def _score(grid: int, columns: int, n: int) -> int:
    """:func:`mask_penalty` of an ``n``×``n`` symbol given as two numbers of n² bits: its modules row
    by row and column by column, the first module highest, 1 dark.

    Each rule is a handful of operations on the whole symbol at once (trying a mask costs about
    ten microseconds instead of a hundred on strings): a shift by one looks at the module before
    in the same line, a shift by ``n`` at the line before, and masks of :func:`_windows` drop
    what would reach across the end of a line."""
    after_first, block, finder = _windows(n)
    same = ~(grid ^ grid >> 1)  # the module is the colour of the one before it in its row
    score = 3 * (same & same >> n & ~(grid ^ grid >> n) & block).bit_count()  # N2: each 2×2 block of one colour
    for lines in (grid, columns):
        same = ~(lines ^ lines >> 1) & after_first  # … in its line
        five = same & same >> 1
        five &= five >> 2  # the module ends five of one colour
        # N1: 3 + (length − 5) for each run of five or more: a run of L ends L − 4 windows of five,
        # plus 2 once for its last window (one with no window of five ending right after it)
        score += five.bit_count() + 2 * (five & ~(five << 1)).bit_count()
        # N3: 40 for each 1:1:3:1:1 finder-like pattern with four light modules on either side
        core = lines & lines >> 2 & lines >> 3 & lines >> 4 & lines >> 6 & ~(lines >> 1) & ~(lines >> 5)
        light = ~lines & ~(lines >> 1)
        light &= light >> 2  # the module ends four light ones
        score += 40 * ((core >> 4 & light | core & light >> 7) & finder).bit_count()
    dark = grid.bit_count()  # N4: 10 for every full 5 % away from half dark
    return score + 10 * (abs(100 * dark - 50 * n * n) // (5 * n * n))


@lru_cache(maxsize=64)
def _windows(n: int) -> tuple[int, int, int]:
    """Where, in a symbol as one number (:func:`_score`), a module has one before it in its line;
    a 2×2 block ends (a module before it in its row and a row above it); and eleven modules of
    a line end."""

    def every_line(line: int) -> int:
        return sum(line << (n * k) for k in range(n))

    after_first = every_line((1 << (n - 1)) - 1)
    return after_first, after_first & ((1 << n * (n - 1)) - 1), every_line((1 << (n - 10)) - 1)


def _blank(version: int, test: bool = True, mask: int = 0) -> qrcode.QRCode:  # type: ignore[type-arg]
    """A ``version`` symbol with only what qrcode's ``makeImpl(test, mask)`` puts before the data:
    the finder, alignment and timing patterns, and the format (and version) bits, blank in a test;
    None where data goes."""
    probe = qrcode.QRCode(version=version, error_correction=ERROR_CORRECT_M)
    n = probe.modules_count = version * 4 + 17
    probe.modules = [[None] * n for _ in range(n)]
    for r, c in ((0, 0), (n - 7, 0), (0, n - 7)):
        probe.setup_position_probe_pattern(r, c)
    probe.setup_position_adjust_pattern()
    probe.setup_timing_pattern()
    probe.setup_type_info(test, mask)
    if version >= 7:
        probe.setup_type_number(test)
    return probe


@lru_cache(maxsize=8)
def _mask_flips(version: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Per mask, the data modules whose colour differs from mask 0's, as a symbol of :func:`_score`:
    row by row, and column by column (so that no mask's columns need reading from its rows)."""
    probe = _blank(version)
    n = probe.modules_count
    masks = [qrcode.util.mask_func(i) for i in range(8)]

    def flips(i: int, r: int, c: int) -> bool:
        return probe.modules[r][c] is None and masks[0](r, c) != masks[i](r, c)

    rows = tuple(_number(flips(i, r, c) for r in range(n) for c in range(n)) for i in range(8))
    columns = tuple(_number(flips(i, r, c) for c in range(n) for r in range(n)) for i in range(8))
    return rows, columns


def _number(modules: Iterable[object]) -> int:
    """Modules (dark when true), first module highest, as one number."""
    return int("".join("1" if m else "0" for m in modules), 2)


class _Layout(NamedTuple):
    """Where a version's modules come from, made once per version (:func:`_layout`)."""

    n: int  # modules a side, without the quiet zone
    blocks: tuple[tuple[int, int], ...]  # (data codewords, error correction codewords) of each block, at level M
    rows: Callable[[str], tuple[str, ...]]  # the symbol's modules row by row, with mask 0, from :func:`_source`
    columns: Callable[[str], tuple[str, ...]]  # the same, column by column
    formats: tuple[int, ...]  # per mask: the dark format and version modules a test leaves light, row by row


def _source(bits: str) -> str:
    """What :attr:`_Layout.rows` picks modules from: the codewords' bits, the same inverted (mask 0
    flips a data module), and a light and a dark module for everything else."""
    return bits + bits.translate(_INVERT) + "01"


_INVERT = str.maketrans("01", "10")


@lru_cache(maxsize=8)
def _layout(version: int) -> _Layout:
    """Each module of a ``version`` symbol with mask 0 and blank format bits, as qrcode's
    ``makeImpl(True, 0)`` places it: as an index into :func:`_source`, so that a symbol is laid out by
    one C call (operator.itemgetter) instead of qrcode's loop over its modules in Python."""
    blank = _blank(version)
    n = blank.modules_count
    blocks = tuple((b.data_count, b.total_count - b.data_count) for b in rs_blocks(version, ERROR_CORRECT_M))
    length = 8 * sum(d + e for d, e in blocks)  # bits of codewords; the modules after them are remainder bits
    light, dark = 2 * length, 2 * length + 1
    mask0 = qrcode.util.mask_func(0)
    index = [[dark if blank.modules[r][c] else light for c in range(n)] for r in range(n)]
    k = 0  # the data modules in the order qrcode's map_data fills them: two columns at a time, zigzag
    row, step = n - 1, -1
    for col in range(n - 1, 0, -2):
        if col <= 6:
            col -= 1  # the standard skips the vertical timing pattern
        while True:
            for c in (col, col - 1):
                if blank.modules[row][c] is None:
                    flip = mask0(row, c)
                    index[row][c] = (k + length * flip) if k < length else (dark if flip else light)
                    k += 1
            row += step
            if row < 0 or row >= n:
                row -= step
                step = -step
                break
    formats = []  # the real format bits of each mask, and the version bits: dark modules a test leaves light
    for mask in range(8):
        final = _blank(version, test=False, mask=mask).modules
        formats.append(_number(final[r][c] and not blank.modules[r][c] for r in range(n) for c in range(n)))
    flat = [i for line in index for i in line]
    return _Layout(n, blocks, itemgetter(*flat), itemgetter(*(flat[r * n + c] for c in range(n) for r in range(n))),
                   tuple(formats))


@lru_cache(maxsize=64)
def _rs_table(count: int) -> tuple[int, ...]:
    """For each byte f, f times the Reed-Solomon generator of ``count`` error correction codewords
    (its terms after the first), as one ``count``-byte number."""
    if count in LUT.rsPoly_LUT:
        poly = qrcode.base.Polynomial(LUT.rsPoly_LUT[count], 0)
    else:  # as qrcode's create_bytes makes a generator it has no table for
        poly = qrcode.base.Polynomial([1], 0)
        for i in range(count):
            poly = poly * qrcode.base.Polynomial([1, qrcode.base.gexp(i)], 0)
    generator = [poly[i] for i in range(1, count + 1)]
    table = [0]
    for f in range(1, 256):
        value = 0
        for g in generator:
            value = value << 8 | (qrcode.base.gexp(qrcode.base.glog(f) + qrcode.base.glog(g)) if g else 0)
        table.append(value)
    return tuple(table)


def _error_correction(block: bytes, count: int) -> bytes:
    """The block's ``count`` Reed-Solomon codewords: the remainder of its division by the generator,
    kept as one number (a shift register of bytes)."""
    table, top, keep = _rs_table(count), 8 * (count - 1), (1 << 8 * count) - 1
    rest = 0
    for byte in block:
        rest = (rest << 8 & keep) ^ table[rest >> top ^ byte]
    return rest.to_bytes(count, "big")


def _codeword_bits(data: bytes, version: int, blocks: tuple[tuple[int, ...], ...]) -> str:
    """The symbol's codewords as bits, as qrcode's ``create_data`` makes them for one byte-mode
    segment: mode, length, data, terminator, padding; then each block's error correction, and
    both interleaved block by block."""
    # byte mode: 4 bits of mode and 8 or 16 of count leave the data 4 bits short of a byte boundary,
    # and the room (whole codewords) is as short: the 4-bit terminator always fits and ends the last byte
    bits = "0100" + format(len(data), f"0{8 if version < 10 else 16}b") + "".join(f"{b:08b}" for b in data) + "0000"
    stream = int(bits, 2).to_bytes(len(bits) // 8, "big")
    stream += bytes((0xEC, 0x11)[i % 2] for i in range(sum(d for d, _ in blocks) - len(stream)))  # qrcode's PAD0, PAD1
    data_blocks, ec_blocks, start = [], [], 0
    for count, ec in blocks:
        block = stream[start : start + count]
        start += count
        data_blocks.append(block)
        ec_blocks.append(_error_correction(block, ec))
    codewords = bytes(b[i] for i in range(max(map(len, data_blocks))) for b in data_blocks if i < len(b))
    codewords += bytes(b[i] for i in range(len(ec_blocks[0])) for b in ec_blocks)  # every block has as many
    return format(int.from_bytes(codewords, "big"), f"0{8 * len(codewords)}b")


def _byte_mode_version(length: int) -> int:
    """The smallest version that holds one byte-mode segment of ``length`` bytes at level M, as
    qrcode's ``best_fit`` finds it (without putting the bits one by one): the count takes 8 bits up
    to version 9 and 16 from version 10."""
    version = bisect_left(BIT_LIMIT_TABLE[ERROR_CORRECT_M], 4 + 8 + 8 * length)
    if version >= 10:
        version = bisect_left(BIT_LIMIT_TABLE[ERROR_CORRECT_M], 4 + 16 + 8 * length)
    if version > 40:
        raise DataOverflowError(f"{length} bytes do not fit in a QR code at level M")
    return version


def qr_lines(text: str) -> list[str]:
    """The QR symbol of ``text`` (error correction M) with its quiet zone, as rows of '0' and '1'.

    Exactly the symbol qrcode makes (its version choice, segments, codewords, and the mask its
    penalty prefers), made faster: a card URL (one byte-mode segment) is laid out from its
    codeword bits by :func:`_layout`, any other text by qrcode; the eight masks are then applied
    by XOR on the whole symbol as one number and scored by :func:`_score`. qrcode alone took 4 ms
    a code, re-encoding the symbol for each mask.
    """
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE, box_size=1)
    qr.add_data(text)
    segments = qr.data_list
    fast = len(segments) == 1 and segments[0].mode == MODE_8BIT_BYTE
    version = _byte_mode_version(len(segments[0].data)) if fast else qr.best_fit()
    layout = _layout(version)
    n = layout.n
    if fast:
        source = _source(_codeword_bits(segments[0].data, version, layout.blocks))
        grid, columns = int("".join(layout.rows(source)), 2), int("".join(layout.columns(source)), 2)
    else:  # other segments (digits, several parts): qrcode lays the symbol out
        qr.makeImpl(True, 0)  # format bits blank, as qrcode scores masks
        grid = _number(m for row in qr.modules for m in row)
        columns = _number(m for column in zip(*qr.modules) for m in column)
    row_flips, column_flips = _mask_flips(version)
    best = min(range(8), key=lambda i: _score(grid ^ row_flips[i], columns ^ column_flips[i], n))  # the first lowest
    bits = format(grid ^ row_flips[best] | layout.formats[best], f"0{n * n}b")
    margin = "0" * QUIET_ZONE
    blank = "0" * (n + 2 * QUIET_ZONE)
    body = [margin + bits[r : r + n] + margin for r in range(0, n * n, n)]
    return [blank] * QUIET_ZONE + body + [blank] * QUIET_ZONE


def qr_modules(text: str) -> list[list[bool]]:
    """The QR matrix of ``text`` (error correction M) with its quiet zone (:func:`qr_lines`)."""
    return _modules(qr_lines(text))


def _modules(lines: list[str]) -> list[list[bool]]:
    """Rows of '0'/'1' as rows of modules, dark when true."""
    return [[m == "1" for m in line] for line in lines]


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


def qr_svg(text: str, label: str) -> Markup:
    """An inline SVG of the code, sized by CSS, no ids.

    Markup so templates need no ``| safe``: the label carries roster text (a village
    name), so it is escaped here; everything else in the element is our own numbers.
    The symbol is made from ``text`` each time (0.12 ms): no symbol kept from elsewhere
    can stand for it.
    """
    lines = qr_lines(text)
    n = len(lines)
    return Markup(
        f'<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {n} {n}" role="img" '
        f'aria-label="{escape(label)}" shape-rendering="crispEdges"><rect width="{n}" height="{n}" fill="#fff"/>'
        f'<path d="{_path(lines)}" stroke="#000" fill="none"/></svg>'
    )
