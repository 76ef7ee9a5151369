"""What roster text may hold (generator/core/text.py): no invisible character, and names as they read."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from generator.core.text import INVISIBLE, invisible_name, name_key, visible


def test_every_format_character_of_this_unicode_is_invisible() -> None:
    """INVISIBLE lists the format characters (Cf) as ranges; Python's Unicode database is the reference,
    so a newer Python with new format characters fails here until they are listed."""
    cf = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]
    assert [c for c in cf if not INVISIBLE.fullmatch(c)] == []


@pytest.mark.parametrize("char", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e", "\u3164",
                                  "\u115f", "\u1160", "\uffa0", "\u2800", "\u200e", "\u200f", "\u061c", "\u202e",
                                  "\u2066", "\u034f", "\ufe0f", "\U000e0041", "\U000e0100", "\x1b", "\x85", "\u2028"])
def test_invisible_characters(char: str) -> None:
    assert INVISIBLE.fullmatch(char) and "\\" in visible(char)


@pytest.mark.parametrize("char", ["王", "a", " ", "\u3000", "·", "—", "（", "\U00020000", "é", "ü"])
def test_visible_characters(char: str) -> None:
    assert not INVISIBLE.search(char) and visible(char) == char


def test_a_message_names_the_character_it_found() -> None:
    assert invisible_name("\u200b") == "U+200B ZERO WIDTH SPACE"
    assert invisible_name("\x1b") == "U+001B control character"


def test_names_read_the_same_across_width_case_spaces_and_invisibles() -> None:
    assert name_key("王\u200b庄村委会") == name_key("王庄村委会") == "王庄村委会"
    assert name_key("ＡＢ村") == name_key("ab村") == name_key(" AB村\u3000") == "ab村"
    assert name_key("王庄　村") == name_key("王庄  村") == "王庄 村"
    assert name_key("王庄村") != name_key("王 庄村")  # a space where there was none reads differently
    assert name_key("居委會") != name_key("居委会")  # traditional and simplified are different text
