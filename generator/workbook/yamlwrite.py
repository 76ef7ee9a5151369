"""Writing roster files in the house style, the one ``scripts/make_sample_roster.py`` writes.

Two-space indents, lists of records as ``- key: value`` blocks, lists of ids in flow style
(``team: ['A0001', 'A0002']``), ids, codes and phone numbers always single-quoted (so that
YAML cannot read ``0635`` as a number), other text plain where YAML allows it. A test reads
the whole sample roster through Excel and back and compares bytes, so the two writers cannot
drift apart unnoticed.
"""

from __future__ import annotations

import re
from typing import Any

#: Keys whose values are quoted even where plain text would do: ids, codes and phone numbers.
QUOTED_KEYS = frozenset({
    "id", "code", "county", "phone", "hotline", "local_hotline", "organization", "advisor", "id_card", "team",
    "township", "successors",
})
_YAML11_WORDS = {"y", "n", "yes", "no", "true", "false", "on", "off", "null", "~"}
_ASCII_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9._/:-]*")


#: Characters a single-quoted scalar cannot hold as they are (YAML folds a line break into a
#: space and refuses non-printable characters): text with one is written double-quoted, escaped.
_UNQUOTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ufeff]")


def quote(text: str) -> str:
    if _UNQUOTABLE.search(text):
        return '"' + re.sub('[\\\\"]|' + _UNQUOTABLE.pattern, _escape, text) + '"'
    return "'" + text.replace("'", "''") + "'"


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    return "\\" + ch if ch in '\\"' else f"\\u{ord(ch):04x}"


def plain_ok(text: str) -> bool:
    """Whether ``text`` reads back as the same string when written without quotes."""
    if not text or text != text.strip() or "\n" in text or "\t" in text:
        return False
    if ": " in text or " #" in text or text.endswith(":"):
        return False
    if ord(text[0]) > 127:
        return text[0] not in "\u3000\ufeff"  # YAML would strip a BOM or read a full-width space oddly
    return bool(_ASCII_PLAIN.fullmatch(text)) and text.lower() not in _YAML11_WORDS


def scalar(value: Any, force_quote: bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return quote(value) if force_quote or not plain_ok(value) else value
    raise TypeError(f"cannot write {type(value).__name__} to the roster")


def _emit(mapping: dict[str, Any], indent: int, out: list[str]) -> None:
    pad = " " * indent
    for key, value in mapping.items():
        if isinstance(value, dict):
            out.append(f"{pad}{key}:")
            _emit(value, indent + 2, out)
        elif isinstance(value, list) and value and all(isinstance(x, dict) for x in value):
            out.append(f"{pad}{key}:")
            for item in value:
                start = len(out)
                _emit(item, indent + 4, out)
                out[start] = " " * (indent + 2) + "- " + out[start][indent + 4 :]
        elif isinstance(value, list):
            out.append(f"{pad}{key}: [" + ", ".join(scalar(x, key in QUOTED_KEYS) for x in value) + "]")
        else:
            out.append(f"{pad}{key}: {scalar(value, key in QUOTED_KEYS)}")


def dump(document: dict[str, Any], header: str = "") -> str:
    """A roster file's text: the comment ``header`` (lines without their '# '), then ``document``."""
    out = [f"# {line}" if line else "#" for line in header.splitlines()]
    _emit(document, 0, out)
    return "\n".join(out) + "\n"


def leading_comment(text: str) -> str:
    """The comment lines a file starts with, without their '# ' (what :func:`dump` takes back)."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line[2:] if line.startswith("# ") else line[1:])
    return "\n".join(lines)
