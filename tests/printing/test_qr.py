"""The QR encoder (generator/printing/qr.py): exactly qrcode's symbols, made faster, and their SVG."""

from __future__ import annotations

import pytest
import qrcode
import qrcode.constants

from generator.printing import qr
from generator.printing.qr import QUIET_ZONE, qr_modules

URL = "https://fw.lc.example/v/371502001001/"


def modules_of_path(d: str, n: int) -> list[list[bool]]:
    """The modules a stroked path of ``qr_svg`` paints: read back, not rendered."""
    import re

    rows = [[False] * n for _ in range(n)]
    x = y = 0.0
    for cmd, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", d):
        if cmd == "M":
            x, y = float(a), float(b)
        elif cmd == "m":
            x, y = x + float(a), y + float(b)
        else:
            for col in range(int(x), int(x + float(a))):
                rows[int(y)][col] = True
            x += float(a)
    return rows


def test_the_svg_paints_exactly_the_symbol() -> None:
    import re

    from generator.printing.qr import qr_svg

    rows = qr_modules(URL)
    svg = str(qr_svg(URL, "x"))
    d = re.search(r'<path d="([^"]+)" stroke="#000"', svg)
    assert d and 'fill="none"' in svg
    assert modules_of_path(d.group(1), len(rows)) == rows


@pytest.mark.parametrize("text", [URL, "https://a.example/xxxxxx", "https://example.org/" + "x" * 180])
def test_mask_penalty_is_the_standards_score_on_every_mask(text: str) -> None:
    """The fast penalty is qrcode's own (ISO/IEC 18004 rules N1–N4), for every mask, not only the best:
    a score that is off can still pick the same mask for most texts, and another one for the next."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M
    from qrcode.util import lost_point

    for mask in range(8):
        code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, box_size=1)
        code.add_data(text)
        code.best_fit()
        code.makeImpl(False, mask)
        rows = ["".join("1" if m else "0" for m in row) for row in code.modules]
        assert qr.mask_penalty(rows) == lost_point(code.modules), mask


@pytest.mark.parametrize("dark", [0.0, 0.2, 0.37, 0.5, 0.63, 0.8, 1.0])
def test_mask_penalty_is_the_standards_score_far_from_half_dark(dark: float) -> None:
    """Rule N4 (balance of dark and light) counts only far from half dark: matrices of any darkness."""
    import random

    from qrcode.util import lost_point

    rng = random.Random(dark)
    for n in (21, 25, 45):
        modules = [[rng.random() < dark for _ in range(n)] for _ in range(n)]
        rows = ["".join("1" if m else "0" for m in row) for row in modules]
        assert qr.mask_penalty(rows) == lost_point(modules), n


@pytest.mark.parametrize("text", [
    "https://fw.lc.example/v/371502001001/",
    "https://fw.lc.example/v/371581106219/",
    "https://ls.example.cn/t/371502102/",
    "https://a.example/",
    "https://fw.lc.example/" + "print/" * 12,  # version 7 and up carry version bits
    "0635-12348",  # not byte mode: qrcode lays it out
    "371502102201371502102201371502102201",  # digits: numeric segments, laid out by qrcode too
    "https://fw.lc.example/v/371502102201/?" + "长" * 100,  # version 14: a 16-bit count, many blocks interleaved
    "",
])
def test_the_fast_mask_choice_makes_the_symbol_qrcode_itself_makes(text: str) -> None:
    """Our encoder (codewords, layout, and the scoring of the eight masks on bit masks, rows and
    columns) makes the symbol qrcode's own encoder makes (its lost_point, first minimum), module
    for module."""
    reference = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=QUIET_ZONE, box_size=1)
    reference.add_data(text)
    reference.make(fit=True)
    assert qr_modules(text) == reference.get_matrix()


def test_the_mask_chosen_for_many_urls_is_qrcodes() -> None:
    """Sixty URLs of every length a card's may have (versions 2 to 6): each of the eight masks is
    scored, so an error in one rule of the score changes the chosen mask of some of them."""
    import random

    rng = random.Random(15)
    for _ in range(60):
        text = "https://" + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789/.-") for _ in range(rng.randint(10, 100)))
        reference = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=QUIET_ZONE, box_size=1)
        reference.add_data(text)
        reference.make(fit=True)
        assert qr_modules(text) == reference.get_matrix(), text


def test_the_svg_path_is_one_absolute_move_a_row_then_relative_steps() -> None:
    """A print page carries seventy codes: each row with dark modules starts with one absolute move,
    every further run of the row is a relative step (docs of qr._path), and nothing else is in the path."""
    import re

    from generator.printing.qr import qr_svg

    rows = qr_modules(URL)
    path = re.search(r'<path d="([^"]+)"', str(qr_svg(URL, "x")))
    assert path and re.fullmatch(r"(M\d+ \d+\.5h\d+(m\d+ 0h\d+)*)+", path.group(1))
    assert path.group(1).count("M") == sum(any(row) for row in rows)


# --- the encoder's parts against qrcode's, at every version (qrcode's own functions, no mask search) ---

M = qrcode.constants.ERROR_CORRECT_M


def _capacity(version: int) -> int:
    """The most bytes one byte-mode segment can carry at ``version``, level M."""
    bits = qrcode.util.BIT_LIMIT_TABLE[M][version] - 4 - (8 if version < 10 else 16)
    return bits // 8


def _segment(data: bytes) -> qrcode.util.QRData:
    return qrcode.util.QRData(data, mode=qrcode.util.MODE_8BIT_BYTE)


def test_the_version_for_a_length_is_the_one_qrcode_chooses_at_every_boundary() -> None:
    for version in range(1, 41):
        for length in (_capacity(version), _capacity(version) + 1):
            if length > _capacity(40):
                with pytest.raises(qrcode.exceptions.DataOverflowError, match=f"{length} bytes do not fit"):
                    qr._byte_mode_version(length)
                continue
            reference = qrcode.QRCode(error_correction=M)
            reference.add_data(_segment(b"x" * length))
            assert qr._byte_mode_version(length) == reference.best_fit(), (version, length)


@pytest.mark.parametrize("version", [1, 2, 5, 7, 9, 10, 14, 21, 27, 40])  # the count's width changes at 10
def test_the_codewords_are_qrcodes_full_and_short(version: int) -> None:
    """Mode, count, data, terminator, padding, and each block's error correction, interleaved: as
    qrcode's create_data makes them, for a segment that fills the version, one a byte short of it
    (the terminator cut to fit), and one that leaves room for padding."""
    blocks = qr._layout(version).blocks
    for length in (_capacity(version), _capacity(version) - 1, _capacity(version) // 3):
        data = bytes((7 * i + version) % 256 for i in range(length))
        expected = qrcode.util.create_data(version, M, [_segment(data)])
        assert qr._codeword_bits(data, version, blocks) == "".join(f"{b:08b}" for b in expected), (version, length)


@pytest.mark.parametrize("version", [1, 2, 7, 14, 22])  # alignment patterns from 2, version bits from 7
def test_every_mask_of_a_layout_is_qrcodes_symbol_with_that_mask(version: int) -> None:
    """Module by module, for each of the eight masks: the layout (made afresh, not the cached one),
    the mask flips and the format and version bits give what qrcode's makeImpl draws."""
    layout = qr._layout.__wrapped__(version)
    flips = qr._mask_flips.__wrapped__(version)[0]
    data = bytes((11 * i + 3) % 256 for i in range(_capacity(version) // 2))
    codewords = qrcode.util.create_data(version, M, [_segment(data)])
    n = layout.n
    grid = "".join(layout.rows(qr._source("".join(f"{b:08b}" for b in codewords))))
    columns = "".join(layout.columns(qr._source("".join(f"{b:08b}" for b in codewords))))
    assert [columns[c * n : (c + 1) * n] for c in range(n)] == ["".join(col) for col in zip(*(grid[r * n : (r + 1) * n] for r in range(n)))]
    for mask in range(8):
        reference = qrcode.QRCode(version=version, error_correction=M)
        reference.data_cache = codewords
        reference.makeImpl(False, mask)
        drawn = format(int(grid, 2) ^ flips[mask] | layout.formats[mask], f"0{n * n}b")
        assert drawn == "".join("1" if m else "0" for row in reference.modules for m in row), mask


def test_a_card_url_is_laid_out_without_qrcodes_module_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path (4 ms a code with qrcode's layout and masks; a province encodes 77,000) is the one
    card URLs take: qrcode's best_fit and makeImpl are never called for them, only for other text."""
    expected = {text: qr.qr_lines(text) for text in (URL, "0635-12348")}

    def refuse(*args: object) -> None:
        raise AssertionError("qrcode laid out a card URL")

    monkeypatch.setattr(qrcode.QRCode, "makeImpl", refuse)
    monkeypatch.setattr(qrcode.QRCode, "best_fit", refuse)
    assert qr.qr_lines(URL) == expected[URL]
    with pytest.raises(AssertionError):
        qr.qr_lines("0635-12348")  # digits and a dash: qrcode's alphanumeric segment, its own layout
