"""Output encoding: how roster text is made safe for each format it lands in.

One rule: roster values reach output only through the escaping of that format. HTML and
XML go through Jinja2's autoescape (``markupsafe``); this module covers the formats that
autoescape does not: Markdown filled from the roster, and JSON inside ``<script>``.
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup, escape

#: Characters that Markdown (with attr_list, tables and md_in_html) reads as syntax, written
#: as numeric character references: Markdown leaves references alone, browsers show the
#: character, and the same text is safe both in Markdown paragraphs and inside raw HTML.
_MARKDOWN = {ord(c): f"&#{ord(c)};" for c in "\\`*_{}[]()#!|<>&\"'~="}
_LINE_BREAKS = {ord("\n"): " ", ord("\r"): " ", 0x2028: " ", 0x2029: " "}


def markdown_text(value: Any) -> Markup:
    """A value as literal text in Markdown (and in the raw HTML Markdown passes through).

    ``[x](javascript:…)`` stays text, ``<script>`` stays text, and a value cannot start a
    new block: line breaks become spaces. ``Markup`` (already safe HTML, such as a macro of
    the autoescaping data-page templates) passes unchanged. The result is Markup, so that a
    template's ``{% autoescape true %}`` block does not escape it a second time.
    """
    if isinstance(value, Markup):
        return value
    if value is None:
        return Markup("")
    return Markup(str(value).translate(_LINE_BREAKS).translate(_MARKDOWN))


def html_text(value: Any) -> Markup:
    """A value as text inside HTML, for places that take a plain string (front matter)."""
    return escape(value)


#: What JSON inside ``<script>`` writes as escapes: the characters of ``</script>`` and ``<!--``, and the
#: line separators old JavaScript reads as line ends
_SCRIPT_SAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


#: What a spreadsheet reads as the start of a formula (or strips as white space) at a cell's start.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> object:
    """Roster text that a spreadsheet would run as a formula (=, +, -, @) is quoted with a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def json_for_script(data: Any) -> Markup:
    """Compact JSON that is safe inside ``<script>``: no ``</script>``, ``<!--`` or line separators.
    (str.replace, each a scan in C: str.translate looks up every character of Chinese text in a dict.)"""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for character, escaped in _SCRIPT_SAFE:
        text = text.replace(character, escaped)
    return Markup(text)
