"""A cell's value as the roster holds it: what a person typed, read as they meant it, or the one
problem that says what Excel made of it and how to undo that.

Read as meant: a time in a text column is the text Excel shows (9:00, not 09:00:00); full-width
digits, letters and signs in codes, ids, phones and lists are their ASCII twins (Chinese input
methods type them); a full-width space is a space, and spaces padding a name between Chinese
characters (王　伟, the way lists align two-character names) are dropped; a number in a text
column is the text Excel shows. A problem, one per cell: a number where a code, id or phone
belongs (Excel may have dropped leading zeros: ``number-cell``), a date where text or a number
belongs (``date-cell``), a formula's error or a formula saved without its result (``wrong-type``).
The validator checks everything else, as it does for YAML.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any, assert_never

from generator.core.i18n import _
from generator.core.schema import (
    Choice,
    Code,
    Count,
    Field,
    Flag,
    Id,
    IdCard,
    Phone,
    Record,
    Records,
    Ref,
    Refs,
    Text,
    Url,
)

from .grid import UNCALCULATED, ExcelError

#: U+FF01–FF5E are the full-width forms of ASCII ! to ~; U+3000 is the full-width space.
_FULL_WIDTH = {**{0xFF01 + i: 0x21 + i for i in range(94)}, 0x3000: 0x20}
_HAN = "\u3400-\u9fff\uf900-\ufaff"
_PADDING = re.compile(f"(?<=[{_HAN}])[ \u3000]+(?=[{_HAN}])")
_LIST_SPLIT = re.compile(r"[,，、;；\s]+")
_YES_NO = {"true": True, "false": False, "是": True, "否": False}


@dataclass(frozen=True)
class Flaw:
    """What is wrong with a cell: a message (expected…, found…; fix) and its problem code."""

    message: str
    code: str


def _time_text(value: datetime.time | datetime.timedelta) -> str:
    """A time as Excel's h:mm shows it (9:00), with seconds only when there are some."""
    if isinstance(value, datetime.timedelta):
        seconds = int(value.total_seconds())
        hours, rest = divmod(seconds, 3600)
        minutes, secs = divmod(rest, 60)
    else:
        hours, minutes, secs = value.hour, value.minute, value.second
    return f"{hours}:{minutes:02d}" + (f":{secs:02d}" if secs else "")


def _number_text(value: int | float) -> str:
    """A number as Excel's General format shows it: no '.0', at most 15 significant digits."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}" if isinstance(value, float) else str(value)


def _exact(kind: object) -> bool:
    """Kinds whose every character counts (a code, id, phone or list of ids): no number may stand in."""
    return isinstance(kind, (Code, Id, Phone, IdCard, Ref, Refs))


def _expected(field: Field) -> str:
    match field.kind:
        case Count():
            return _("a whole number such as a year (2021)")
        case Flag():
            return _("true or false")
        case Code() | Id() | Phone() | IdCard() | Ref() | Refs():
            return _("text (codes, ids and phone numbers are text)")
        case _:
            return _("text")


def read_cell(field: Field, raw: Any) -> tuple[Any, Flaw | None]:
    """``raw`` (a cell's value from :mod:`xlsx`) as the value of ``field``, and what is wrong
    with it, if anything the validator cannot see (it sees only the value returned)."""
    kind = field.kind
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    if isinstance(raw, ExcelError):
        if raw is UNCALCULATED:
            return None, Flaw(_("expected {what}, found a formula saved without its result (the workbook was not "
                                "saved by Excel or WPS); open it in Excel or WPS, save it, and import again, or type "
                                "the value").format(what=_expected(field)), "wrong-type")
        return None, Flaw(_("expected {what}, found the formula error {error}; correct the formula or type the value")
                          .format(what=_expected(field), error=raw.text), "wrong-type")
    if isinstance(raw, bool):
        return raw, None  # the validator says a yes/no is not text
    if isinstance(raw, (datetime.time, datetime.timedelta)):
        if isinstance(kind, Text):
            return _time_text(raw), None
        return None, Flaw(_("expected {what}, found the time {time} (Excel turned what was typed into a time); set "
                            "the cell's format to 文本 (Text) and type it again").format(
                                what=_expected(field), time=_time_text(raw)), "date-cell")
    if isinstance(raw, (datetime.datetime, datetime.date)):
        hint = (_("type the year alone, as 2021, in a cell formatted as 常规 (General)") if isinstance(kind, Count)
                else _("set the cell's format to 文本 (Text) and type it again"))
        return None, Flaw(_("expected {what}, found the date {date} (Excel turned what was typed into a date); {hint}")
                          .format(what=_expected(field), date=raw.strftime("%Y-%m-%d"), hint=hint), "date-cell")
    if isinstance(raw, (int, float)):
        return _number(field, raw)
    text = str(raw).strip()
    if not isinstance(kind, Text):
        text = text.translate(_FULL_WIDTH).strip()
    match kind:
        case Flag():
            return _YES_NO.get(text.lower(), text), None
        case Count():
            return (int(text) if text.isascii() and text.isdigit() else text), None
        case Refs():
            return [x for x in _LIST_SPLIT.split(text) if x], None
        case Text():
            text = text.replace("\u3000", " ")
            return (_PADDING.sub("", text) if field.name == "name" else text), None
        case Code() | Id() | Phone() | IdCard() | Ref() | Url() | Choice() | Record() | Records():
            return text, None
        case _:
            assert_never(kind)


def _number(field: Field, raw: int | float) -> tuple[Any, Flaw | None]:
    kind = field.kind
    if isinstance(kind, Count):
        return (int(raw) if isinstance(raw, float) and raw.is_integer() else raw), None
    if isinstance(kind, Flag):
        return raw, None  # the validator says it is not true or false
    text = _number_text(raw)
    if _exact(kind):
        return ([text] if isinstance(kind, Refs) else text), Flaw(_(
            "expected text in this column (codes, ids and phone numbers are text), found the number {number}, which "
            "Excel may already have changed (leading zeros dropped, 3.71502E+11); set the cell's format to 文本 (Text) "
            "and type the value again").format(number=f"{raw:.15g}"), "number-cell")
    return text, None
