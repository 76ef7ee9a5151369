"""An .xlsx package read within bounds: its parts, its sheets' names and states, its shared
strings and which cell styles show dates. A sheet's cells are :mod:`grid`'s.

A workbook is untrusted input (an e-mail attachment, a file in a pull request), and a zip can
say anything about itself. So every size is bounded: the file, the number of parts and each
part's declared size before anything is unpacked; while a part is unpacked, the bytes it really
yields (read only up to the bound, whatever the zip declares, and refused the moment they pass
what it declared); then shared strings and a text's length (and, in :mod:`grid`, rows, cells
and merged ranges). Every part is parsed by expat through callbacks, so nothing is kept but
what is asked for, and a document type (where entities, and entity bombs, are declared) is
refused. Each refusal is a :class:`WorkbookError` holding one problem, with a code and the sheet,
cell or part it is at. openpyxl gives the helpers (number formats, coordinates, dates); the
reading is ours, because its reader keeps what a hostile file makes it keep (a row of a million
cells, a table of a million strings) and trusts a sheet's declared size.
"""

from __future__ import annotations

import copy
import datetime
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, ClassVar, TypeVar
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH

from generator.core.errors import UserError
from generator.core.i18n import _
from generator.core.problems import Problem

MB = 1024 * 1024
#: Bounds, far above a province's workbook (77,299 villages: 5 MB on disk, 45 MB unpacked, its
#: largest sheet 27 MB and 390,000 cells).
MAX_FILE_BYTES = 32 * MB
MAX_PARTS = 1_000
MAX_PART_BYTES = 64 * MB
MAX_TOTAL_BYTES = 128 * MB
MAX_SMALL_PART_BYTES = 4 * MB  # a part whose every element is kept: relations, the list of sheets
MAX_SHEETS = 100
MAX_STRINGS = 1_000_000  # shared strings
MAX_CELL_TEXT = 32_767  # Excel's own limit for one cell
MAX_ELEMENTS_IN_CELL = 10_000  # in one cell or one shared string
CHUNK = 64 * 1024  # bytes unpacked and parsed at a time

#: The namespaces a workbook's parts use (transitional and strict): names are compared without them.
_NAMESPACES = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main",
               "http://purl.oclc.org/ooxml/spreadsheetml/main",
               "http://schemas.openxmlformats.org/package/2006/relationships")
_R_ID = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships id",
         "http://purl.oclc.org/ooxml/officeDocument/relationships id")
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
#: Number formats that Excel keeps built in for East Asian locales (ECMA-376 §18.8.30, zh-CN):
#: dates such as yyyy"年"m"月"d"日" and times such as h"时"mm"分", which openpyxl does not list.
_EAST_ASIAN_DATES = frozenset({*range(27, 37), *range(50, 59)})


class WorkbookError(UserError):
    """The workbook cannot be read (any further): ``problem`` says where, why and what to do."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.format())
        self.problem = problem

    def line(self) -> str:
        """The problem's own line: the workbook, its sheet or cell, ``error:``, what to do, and its code."""
        return self.problem.format()


@dataclass(frozen=True)
class SheetEntry:
    """A sheet as the workbook lists it: its name, the part that holds it, whether it is hidden."""

    title: str
    part: str
    hidden: bool
    cells: bool = True  # False for a chart sheet or another sheet without a grid


def _size(n: int) -> str:
    return f"{n / MB:,.0f} MB" if n >= MB else f"{n:,} bytes"


def unescape(text: str) -> str:
    """Excel's ``_xHHHH_`` escapes (control characters in text) as the characters."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def names(*local: str) -> dict[str, str]:
    """Element names as expat reports them (``namespace local``, or bare) → their local name."""
    return {f"{ns} {name}" if ns else name: name for name in local for ns in ("", *_NAMESPACES)}


class _Part:
    """A part's bytes as they are unpacked, counted against what the zip declared and the bounds."""

    def __init__(self, book: Book, info: zipfile.ZipInfo) -> None:
        self.book, self.info, self.count = book, info, 0
        unbounded = copy.copy(info)
        unbounded.file_size = MAX_PART_BYTES + 1  # zipfile stops at file_size: let it read past a lie
        self.stream: IO[bytes] = book.zip.open(unbounded)

    def read(self, size: int) -> bytes:
        data = self.stream.read(size)
        self.count += len(data)
        self.book.unpacked += len(data)
        where, declared = self.book.where(self.info.filename), self.info.file_size
        if self.count > declared:
            raise self.book.refuse(where, _(
                "expected the part {part} to hold the {declared} the zip declares, found more; the file was made "
                "to pass a check of its sizes (a zip bomb) or is damaged: save the workbook again in Excel or WPS"
            ).format(part=self.info.filename, declared=_size(declared)), "too-large")
        if self.book.unpacked > MAX_TOTAL_BYTES:
            raise self.book.too_big(where)
        if not data and self.count != declared:
            raise self.book.damaged(where, _("{part} is shorter than the zip declares").format(part=self.info.filename))
        return data

    def close(self) -> None:
        self.stream.close()


class Expat:
    """A part parsed by expat, a piece at a time, calling the ``start``/``end``/``text`` methods
    of a subclass: no tree is built, so memory is what the subclass keeps, and a document type
    is refused. ``names`` maps the element names a subclass handles to their local names."""

    names: ClassVar[dict[str, str]] = {}

    def __init__(self, book: Book, part: str) -> None:
        self.book, self.part = book, part
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.buffer_text = True
        self.parser.buffer_size = CHUNK
        self.parser.StartDoctypeDeclHandler = self.doctype
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.text

    def doctype(self, *_args: object) -> None:
        raise self.book.damaged(self.book.where(self.part), _(
            "{part} declares a document type (<!DOCTYPE>), which no workbook has: entities in it can expand without "
            "bound").format(part=self.part))

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        """An element starts: ``tag`` as expat reports it (``self.names`` gives its local name)."""

    def end(self, tag: str) -> None:
        """An element ends."""

    def text(self, data: str) -> None:
        """Text between tags."""

    def parse(self) -> None:
        stream = self.book.open_part(self.part)
        where = self.book.where(self.part)
        try:
            while data := stream.read(CHUNK):
                self.parser.Parse(data, False)
            self.parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise self.book.damaged(where, _("broken XML in {part}: {error}").format(
                part=self.part, error=f"{expat.ErrorString(exc.code)}: line {exc.lineno}, column {exc.offset}")) from None
        except (zipfile.BadZipFile, EOFError, OSError, RuntimeError) as exc:  # zlib errors, a bad CRC
            raise self.book.damaged(where, f"{self.part}: {exc}") from None
        finally:
            stream.close()


_E = TypeVar("_E", bound=Expat)


class _Elements(Expat):
    """The attributes of every element named in ``wanted``, in order (a small part's)."""

    def __init__(self, book: Book, part: str, *wanted: str) -> None:
        super().__init__(book, part)
        self.wanted = names(*wanted)
        self.found: list[tuple[str, dict[str, str]]] = []

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if (name := self.wanted.get(tag)) is not None:
            self.found.append((name, attrs))


class _Styles(Expat):
    """The cell styles (their index in ``cellXfs``) whose number format shows a date or a time of
    day, and those that show a duration ([h]:mm)."""

    names = names("numFmts", "numFmt", "cellXfs", "xf")

    def __init__(self, book: Book, part: str) -> None:
        super().__init__(book, part)
        self.formats: dict[int, str] = dict(BUILTIN_FORMATS)
        self.dates: set[int] = set()
        self.durations: set[int] = set()
        self.index = 0
        self.inside = ""  # numFmts or cellXfs: numFmt and xf elsewhere (dxfs, cellStyleXfs) are not these

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        name = self.names.get(tag, "")
        if name in ("numFmts", "cellXfs"):
            self.inside = name
        elif name == "numFmt" and self.inside == "numFmts":
            self.formats[_number(attrs.get("numFmtId"))] = attrs.get("formatCode", "")
        elif name == "xf" and self.inside == "cellXfs":
            fid = _number(attrs.get("numFmtId"))
            code = self.formats.get(fid, "")
            if code and is_timedelta_format(code):
                self.durations.add(self.index)
            elif fid in _EAST_ASIAN_DATES or (code and is_date_format(code)):
                self.dates.add(self.index)
            self.index += 1
            if self.index > MAX_STRINGS:
                raise self.book.refuse(self.part, _("expected at most {limit:,} cell styles, found more; save the "
                                                    "workbook again in Excel or WPS").format(limit=MAX_STRINGS),
                                       "too-large")

    def end(self, tag: str) -> None:
        if self.names.get(tag) == self.inside:
            self.inside = ""


class _Strings(Expat):
    """The shared strings: each ``si``'s text, its runs' text, not its phonetic guide (``rPh``)."""

    names = names("si", "t", "rPh")

    def __init__(self, book: Book, part: str) -> None:
        super().__init__(book, part)
        self.strings: list[str] = []
        self.pieces: list[str] = []
        self.size = self.elements = 0
        self.capture = self.phonetic = False

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        name = self.names.get(tag, "")
        self.elements += 1
        if self.elements > MAX_ELEMENTS_IN_CELL:
            raise self.book.damaged(self.part, _("a text holds more than {n:,} XML elements").format(n=MAX_ELEMENTS_IN_CELL))
        if name == "t":
            self.capture = not self.phonetic
        elif name == "rPh":
            self.phonetic = True
        elif name == "si":
            self.pieces, self.size, self.elements = [], 0, 0

    def end(self, tag: str) -> None:
        name = self.names.get(tag, "")
        if name == "t":
            self.capture = False
        elif name == "rPh":
            self.phonetic = False
        elif name == "si":
            self.strings.append(unescape("".join(self.pieces)))
            if len(self.strings) > MAX_STRINGS:
                raise self.book.refuse(self.part, _("expected at most {limit:,} different texts in a workbook, found "
                                                    "more; save it again in Excel or WPS").format(limit=MAX_STRINGS),
                                       "too-large")

    def text(self, data: str) -> None:
        if self.capture:
            self.size += len(data)
            if self.size > MAX_CELL_TEXT:
                raise self.book.refuse(self.part, _("expected texts of at most {limit:,} characters (Excel's own limit), "
                                                    "found a longer one").format(limit=MAX_CELL_TEXT), "too-large")
            self.pieces.append(data)


def _number(text: str | None) -> int:
    try:
        return int(text or "0")
    except ValueError:
        return -1


def _resolve(base: str, target: str) -> str:
    """A relation's target as a part name: absolute (``/xl/…``) or relative to ``base``."""
    if target.startswith("/"):
        return target.lstrip("/")
    parts: list[str] = []
    for piece in f"{base}/{target}".split("/") if base else target.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)


class Book:
    """An open workbook. Use as a context manager; every method may raise :class:`WorkbookError`."""

    def __init__(self, path: Path, shown: str) -> None:
        self.shown, self.unpacked = shown, 0
        self.parts_of: dict[str, str] = {}  # part → sheet title, for positions
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise self.refuse("", _("expected an Excel workbook (.xlsx), found {why}; check the file's name")
                              .format(why=exc.strerror or exc), "bad-workbook") from None
        if size > MAX_FILE_BYTES:
            raise self.refuse("", _("expected a workbook of at most {limit}, found {size}; a roster's workbook, even a "
                                    "province's, is a few MB: check that this is the right file").format(
                                        limit=_size(MAX_FILE_BYTES), size=_size(size)), "too-large")
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError):
            raise self.refuse("", self._not_a_zip(path), "bad-workbook") from None
        try:
            infos = self.zip.infolist()
            if len(infos) > MAX_PARTS:
                raise self.refuse("", _("expected a workbook of at most {limit:,} parts, found {n:,}; save it again in "
                                        "Excel or WPS").format(limit=MAX_PARTS, n=len(infos)), "too-large")
            self.infos = {i.filename: i for i in infos}
            workbook = self._workbook_part()
            rels = self._relations(workbook)
            self.sheets, self.epoch = self._sheet_list(workbook, rels)
            for info in infos:  # declared sizes, before anything big is unpacked
                if info.file_size > MAX_PART_BYTES:
                    raise self.too_big(self.where(info.filename))
            if sum(i.file_size for i in infos) > MAX_TOTAL_BYTES:
                raise self.too_big(self.where(max(infos, key=lambda i: i.file_size).filename))
            typed = dict(rels.values())
            styles = self._read(_Styles, typed.get("styles"))
            self.date_styles = frozenset(styles.dates) if styles else frozenset()
            self.duration_styles = frozenset(styles.durations) if styles else frozenset()
            strings = self._read(_Strings, typed.get("sharedStrings"))
            self.strings = strings.strings if strings else []
        except BaseException:
            self.zip.close()
            raise

    def __enter__(self) -> Book:
        return self

    def __exit__(self, *exc: object) -> None:
        self.zip.close()

    # -- problems ----------------------------------------------------------------------------

    def refuse(self, where: str, message: str, code: str) -> WorkbookError:
        return WorkbookError(Problem(f"{self.shown}:{where}" if where else self.shown, 0, 0, "error", "", message, code))

    def too_big(self, where: str) -> WorkbookError:
        return self.refuse(where, _("expected a workbook that unpacks to at most {total} ({part} a sheet), found more; "
                                    "a roster's workbook, even a province's, unpacks to about 45 MB: check that this is "
                                    "the right file, or save it again in Excel or WPS").format(
                                        total=_size(MAX_TOTAL_BYTES), part=_size(MAX_PART_BYTES)), "too-large")

    def damaged(self, where: str, why: str) -> WorkbookError:
        return self.refuse(where, _("expected a workbook as Excel or WPS saves it, found a damaged one ({why}); open it "
                                    "in Excel or WPS, save it as a new .xlsx file and import that").format(why=why),
                           "bad-workbook")

    def where(self, part: str) -> str:
        """A part as messages name it: its sheet's title, else the part's own name."""
        return self.parts_of.get(part, part)

    @staticmethod
    def _not_a_zip(path: Path) -> str:
        with path.open("rb") as f:
            head = f.read(8)
        if head.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE compound file: Excel 97–2003, or an encrypted .xlsx
            return _("expected an Excel workbook (.xlsx), found an Excel 97–2003 file (.xls) or a workbook with a "
                     "password; open it in Excel or WPS and save it as Excel 工作簿 (*.xlsx) without a password")
        return _("expected an Excel workbook (.xlsx), found a file that is not one (not a zip archive); open it in "
                 "Excel or WPS and save it as Excel 工作簿 (*.xlsx)")

    # -- parts -------------------------------------------------------------------------------

    def open_part(self, name: str) -> _Part:
        info = self.infos.get(name)
        if info is None:
            raise self.damaged(self.where(name), _("the part {part} is missing").format(part=name))
        try:
            return _Part(self, info)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as exc:
            raise self.damaged(self.where(name), str(exc)) from None

    def _read(self, reader: type[_E], part: str | None) -> _E | None:
        if part is None or part not in self.infos:
            return None
        parsed = reader(self, part)
        parsed.parse()
        return parsed

    def _elements(self, part: str, *wanted: str) -> list[tuple[str, dict[str, str]]]:
        """The named elements of a small part, with their attributes."""
        if self.infos[part].file_size > MAX_SMALL_PART_BYTES:
            raise self.refuse(part, _("expected the part {part} to be at most {limit}, found {size}; save the workbook "
                                      "again in Excel or WPS").format(part=part, limit=_size(MAX_SMALL_PART_BYTES),
                                                                     size=_size(self.infos[part].file_size)), "too-large")
        elements = _Elements(self, part, *wanted)
        elements.parse()
        return elements.found

    def _workbook_part(self) -> str:
        if "_rels/.rels" in self.infos:
            for _name, attrs in self._elements("_rels/.rels", "Relationship"):
                if attrs.get("Type", "").endswith("/officeDocument"):
                    return _resolve("", attrs.get("Target", ""))
        if "xl/workbook.xml" in self.infos:
            return "xl/workbook.xml"
        raise self.refuse("", _("expected an Excel workbook (.xlsx), found a zip archive without a workbook in it; "
                                "open the file in Excel or WPS and save it as Excel 工作簿 (*.xlsx)"), "bad-workbook")

    def _relations(self, part: str) -> dict[str, tuple[str, str]]:
        """Id → (kind, part) of a part's relations (``styles``, ``worksheet``…)."""
        path = PurePosixPath(part)
        rels_name = str(path.parent / "_rels" / f"{path.name}.rels")
        if rels_name not in self.infos:
            return {}
        out = {}
        for _name, attrs in self._elements(rels_name, "Relationship"):
            if attrs.get("TargetMode") != "External":
                kind = attrs.get("Type", "").rpartition("/")[2]
                out[attrs.get("Id", "")] = (kind, _resolve(str(path.parent), attrs.get("Target", "")))
        return out

    def _sheet_list(self, workbook: str, rels: dict[str, tuple[str, str]]) -> tuple[list[SheetEntry], datetime.datetime]:
        if workbook not in self.infos:
            raise self.damaged("", _("the part {part} is missing").format(part=workbook))
        epoch = WINDOWS_EPOCH
        sheets = []
        for name, attrs in self._elements(workbook, "workbookPr", "sheet"):
            if name == "workbookPr" and attrs.get("date1904") in ("1", "true"):
                epoch = MAC_EPOCH
            elif name == "sheet":
                rid = next((attrs[k] for k in _R_ID if attrs.get(k)), "")
                kind, part = rels.get(rid, ("", ""))
                title = attrs.get("name", "")
                sheets.append(SheetEntry(title, part, attrs.get("state", "visible") != "visible", kind == "worksheet"))
                if part:
                    self.parts_of[part] = title
        if len(sheets) > MAX_SHEETS:
            raise self.refuse("", _("expected at most {limit} sheets, found {n}; remove the ones that are not part of "
                                    "the roster").format(limit=MAX_SHEETS, n=len(sheets)), "too-large")
        return sheets, epoch
