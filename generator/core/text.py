"""What roster text may hold, and when two names read the same.

Text is typed by many hands and pasted from web pages, chat and spreadsheets, which carry characters
a reader cannot see: zero-width spaces and joiners, the byte order mark, Hangul fillers, the blank
Braille pattern, direction marks and overrides. A name holding one looks like another name (王庄村委会
and 王\u200b庄村委会), or like nothing at all (a name of U+3164 alone renders blank). :data:`INVISIBLE`
finds them; the validator refuses them (``bad-text``) and messages show them as ``\\u200b``.

:func:`name_key` is what a name reads as: its compatibility form (full-width letters and digits as
their ASCII, a wide space as a space), without invisible characters, in one case, with runs of
spaces as one. Two names with one key are one name to a reader.
"""

from __future__ import annotations

import re
import unicodedata

#: Characters no roster text may hold: C0 and C1 controls, line and paragraph separators, and every
#: format character (Unicode category Cf: zero-width space, joiners, direction marks, embeddings,
#: overrides and isolates, the byte order mark, soft hyphen, invisible operators, tags…), with the
#: invisible characters of other categories: the Hangul fillers (U+115F, U+1160, U+3164, U+FFA0), the
#: blank Braille pattern (U+2800), the combining grapheme joiner (U+034F), the Khmer inherent vowels
#: (U+17B4, U+17B5), the Mongolian variation selectors and vowel separator (U+180B–U+180F) and the
#: variation selectors (U+FE00–U+FE0F, U+E0100–U+E01EF).
INVISIBLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029"  # controls, line and paragraph separators
    # format characters (Cf, Unicode 14: tests/core/test_text.py checks against unicodedata)
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
    # invisible characters of other categories
    "\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180d\u180f\u2800\u3164\ufe00-\ufe0f\uffa0\U000e0100-\U000e01ef]"
)
_SPACES = re.compile(r"\s+")


def invisible_name(char: str) -> str:
    """``U+200B ZERO WIDTH SPACE``: how a message names a character no one can see."""
    return f"U+{ord(char):04X} {unicodedata.name(char, 'control character')}"


def visible(text: str) -> str:
    """``text`` with each invisible character written as its escape (``\\u200b``, ``\\U000e0041``):
    for messages, where a control character could also command the terminal."""
    return INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}" if ord(m.group()) < 0x10000 else f"\\U{ord(m.group()):08x}", text)


def name_key(text: str) -> str:
    """What ``text`` reads as: two names with the same key look the same to a reader."""
    plain = INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    return _SPACES.sub(" ", plain).strip().casefold()
