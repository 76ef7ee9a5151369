"""An .xlsx file read within bounds: its sheets' names and states, and each sheet's cells and
merged ranges as plain values.

A workbook is untrusted input (an e-mail attachment, a file in a pull request), and a zip can
say anything about itself. So every size is bounded: the file, the number of parts and each
part's declared size before anything is unpacked; while a part is unpacked, the bytes it really
yields (read only up to the bound, whatever the zip declares, and refused the moment they pass
what it declared); then rows, cells, merged ranges, shared strings and a cell's length. XML with
a document type (where entities, and entity bombs, are declared) is refused. Each refusal is a
:class:`WorkbookError` holding one problem, with a code and the sheet, cell or part it is at.

Values are what Excel holds: text, whole or decimal numbers, True/False, a ``datetime``, ``time``
or ``timedelta`` for a number shown as a date or time, an :class:`ExcelError` for a failed
formula (``#REF!``), :data:`UNCALCULATED` for a formula saved without its result. openpyxl gives
the helpers (dates, coordinates, number formats); the reading is ours, because its reader keeps
what a hostile file makes it keep (a row of a million cells, a table of a million strings).
"""

from __future__ import annotations

import contextlib
import copy
import datetime
import re
import zipfile
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any, ClassVar, Literal, cast
from xml.etree.ElementTree import Element, ParseError, XMLPullParser
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel, from_ISO8601

from generator.core.i18n import _
from generator.core.problems import Problem

MB = 1024 * 1024
#: Bounds, far above a province's workbook (77,299 villages: 5 MB on disk, 45 MB unpacked, its
#: largest sheet 27 MB and 390,000 cells).
MAX_FILE_BYTES = 32 * MB
MAX_PARTS = 1_000
MAX_PART_BYTES = 64 * MB
MAX_TOTAL_BYTES = 128 * MB
MAX_ROWS = 100_000  # a row number past this is refused (a province's villages: 77,299 rows)
MAX_CELLS = 1_000_000  # per sheet, empty ones included
MAX_STRINGS = 1_000_000  # shared strings
MAX_CELL_TEXT = 32_767  # Excel's own limit for one cell
MAX_ELEMENTS_IN_CELL = 10_000
MAX_SHEETS = 100
CHUNK = 64 * 1024  # bytes unpacked and parsed at a time
MAX_SMALL_PART_BYTES = 4 * MB  # a part read whole: relations, the list of sheets

_R_ID = ("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id",
         "{http://purl.oclc.org/ooxml/officeDocument/relationships}id")
_DOCTYPE = b"<!DOCTYPE"
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_REF = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")
#: Number formats that Excel keeps built in for East Asian locales (ECMA-376 §18.8.30, zh-CN):
#: dates such as yyyy"年"m"月"d"日" and times such as h"时"mm"分", which openpyxl does not list.
_EAST_ASIAN_DATES = frozenset({*range(27, 37), *range(50, 59)})


Event = Literal["start", "end"]


class WorkbookError(ValueError):
    """The workbook cannot be read (any further): ``problem`` says where, why and what to do."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.format())
        self.problem = problem


@dataclass(frozen=True)
class ExcelError:
    """A cell holding a formula's error value, such as ``#REF!`` or ``#N/A``."""

    text: str


UNCALCULATED = ExcelError("")  # a formula saved without its result (never opened in Excel or WPS)


@dataclass(frozen=True)
class SheetEntry:
    """A sheet as the workbook lists it: its name, the part that holds it, whether it is hidden."""

    title: str
    part: str
    hidden: bool
    cells: bool = True  # False for a chart sheet or another sheet without a grid


@dataclass
class Grid:
    """A sheet's cells that hold something (row → column → value) and its merged ranges
    ((first row, first column, last row, last column), 1-based)."""

    rows: dict[int, dict[int, Any]] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)


def _size(n: int) -> str:
    return f"{n / MB:,.0f} MB" if n >= MB else f"{n:,} bytes"


class _Part:
    """A part's bytes as they are unpacked, counted against what the zip declared and the bounds."""

    def __init__(self, book: Book, info: zipfile.ZipInfo) -> None:
        self.book, self.info, self.count, self.tail = book, info, 0, b""
        unbounded = copy.copy(info)
        unbounded.file_size = MAX_PART_BYTES + 1  # zipfile stops at file_size: let it read past a lie
        self.stream: IO[bytes] = book.zip.open(unbounded)

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size if size >= 0 else MAX_PART_BYTES + 1)
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
        if _DOCTYPE in self.tail + data:
            raise self.book.damaged(where, _("{part} declares a document type (<!DOCTYPE>), which no workbook has: "
                                             "entities in it can expand without bound").format(part=self.info.filename))
        self.tail = data[-16:]
        return data

    def close(self) -> None:
        self.stream.close()


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _prefix(tag: str) -> str:
    """The ``{namespace}`` of a tag (transitional, strict or none)."""
    return tag.partition("}")[0] + "}" if tag.startswith("{") else ""


def _unescape(text: str) -> str:
    """Excel's ``_xHHHH_`` escapes (control characters in text) as the characters."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def _text(element: Element, t: str, r: str) -> str:
    """A shared or inline string: its ``t`` and its runs' ``t``, not its phonetic guide (``rPh``);
    ``t`` and ``r`` are those tags in the part's namespace."""
    if len(element) == 1 and element[0].tag == t:
        return _unescape(element[0].text or "")
    parts = []
    for child in element:
        if child.tag == t:
            parts.append(child.text or "")
        elif child.tag == r:
            parts.extend(run.text or "" for run in child if run.tag == t)
    return _unescape("".join(parts))


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
            self.date_styles, self.duration_styles = self._styles(typed.get("styles"))
            self.strings = self._strings(typed.get("sharedStrings"))
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

    def batches(self, name: str, events: tuple[Event, ...] = ("end",)) -> Generator[Iterator[tuple[str, Element]], None, None]:
        """The XML events of a part, a batch for each piece unpacked, with damage and bounds turned
        into :class:`WorkbookError` (a batch at a time: a sheet's million events cost less so)."""
        part = self.open_part(name)
        parser: XMLPullParser[Element] = XMLPullParser(events)
        try:
            while data := part.read(CHUNK):
                parser.feed(data)
                yield cast(Iterator[tuple[str, Element]], parser.read_events())  # only start and end were asked for
            parser.close()
            yield cast(Iterator[tuple[str, Element]], parser.read_events())
        except ParseError as exc:
            raise self.damaged(self.where(name), _("broken XML in {part}: {error}").format(part=name, error=exc)) from None
        except (zipfile.BadZipFile, EOFError, OSError, RuntimeError) as exc:  # zlib errors, a bad CRC
            raise self.damaged(self.where(name), f"{name}: {exc}") from None
        finally:
            part.close()

    def events(self, name: str, events: tuple[Event, ...] = ("end",)) -> Iterator[tuple[str, Element]]:
        """The XML events of a part, one by one (see :meth:`batches`)."""
        for batch in self.batches(name, events):
            yield from batch

    def _small(self, name: str) -> Element:
        """A small part (relations, the workbook's sheet list) read whole."""
        if name in self.infos and self.infos[name].file_size > MAX_SMALL_PART_BYTES:
            raise self.refuse(name, _("expected the part {part} to be at most {limit}, found {size}; save the workbook "
                                      "again in Excel or WPS").format(part=name, limit=_size(MAX_SMALL_PART_BYTES),
                                                                     size=_size(self.infos[name].file_size)), "too-large")
        root: Element | None = None
        for _event, element in self.events(name):
            root = element  # the last element to end is the root
        assert root is not None
        return root

    def _workbook_part(self) -> str:
        if "_rels/.rels" in self.infos:
            for relation in self._small("_rels/.rels"):
                if relation.get("Type", "").endswith("/officeDocument"):
                    return _resolve("", relation.get("Target", ""))
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
        for relation in self._small(rels_name):
            if relation.get("TargetMode") == "External":
                continue
            kind = relation.get("Type", "").rpartition("/")[2]
            out[relation.get("Id", "")] = (kind, _resolve(str(path.parent), relation.get("Target", "")))
        return out

    def _sheet_list(self, workbook: str, rels: dict[str, tuple[str, str]]) -> tuple[list[SheetEntry], datetime.datetime]:
        root = self._small(workbook)
        epoch = WINDOWS_EPOCH
        sheets = []
        for element in root.iter():
            name = _local(element.tag)
            if name == "workbookPr" and element.get("date1904") in ("1", "true"):
                epoch = MAC_EPOCH
            elif name == "sheet":
                rid = next((element.get(k) for k in _R_ID if element.get(k)), "")
                kind, part = rels.get(rid or "", ("", ""))
                title = element.get("name", "")
                sheets.append(SheetEntry(title, part, element.get("state", "visible") != "visible", kind == "worksheet"))
                if part:
                    self.parts_of[part] = title
        if len(sheets) > MAX_SHEETS:
            raise self.refuse("", _("expected at most {limit} sheets, found {n}; remove the ones that are not part of "
                                    "the roster").format(limit=MAX_SHEETS, n=len(sheets)), "too-large")
        return sheets, epoch

    def _styles(self, part: str | None) -> tuple[frozenset[int], frozenset[int]]:
        """The cell styles whose number format shows a date or a time of day, and those that show a
        duration ([h]:mm), by their index in ``cellXfs``."""
        if part is None or part not in self.infos:
            return frozenset(), frozenset()
        formats: dict[int, str] = dict(BUILTIN_FORMATS)
        dates, durations = set(), set()
        index = 0
        inside = ""  # numFmts or cellXfs: numFmt and xf elements elsewhere (dxfs, cellStyleXfs) are not these
        for event, element in self.events(part, ("start", "end")):
            name = _local(element.tag)
            if event == "start":
                inside = name if name in ("numFmts", "cellXfs") else inside
                continue
            if name == "numFmt" and inside == "numFmts":
                formats[_number(element.get("numFmtId"))] = element.get("formatCode", "")
            elif name == "xf" and inside == "cellXfs":
                fid = _number(element.get("numFmtId"))
                code = formats.get(fid, "")
                if code and is_timedelta_format(code):
                    durations.add(index)
                elif fid in _EAST_ASIAN_DATES or (code and is_date_format(code)):
                    dates.add(index)
                index += 1
                if index > MAX_CELLS:
                    raise self.refuse(part, _("expected at most {limit:,} cell styles, found more; save the workbook "
                                              "again in Excel or WPS").format(limit=MAX_CELLS), "too-large")
            elif name == inside:
                inside = ""
            element.clear()
        return frozenset(dates), frozenset(durations)

    def _strings(self, part: str | None) -> list[str]:
        """The shared strings, kept as strings."""
        if part is None or part not in self.infos:
            return []
        reader = _Strings(self, part)
        reader.parse()
        return reader.strings

    # -- a sheet's cells ---------------------------------------------------------------------

    def grid(self, sheet: SheetEntry, last_row: int = MAX_ROWS) -> Grid:
        """The cells of ``sheet`` up to row ``last_row`` (a sheet is read no further than it must be)."""
        reader = _SheetReader(self, sheet, last_row)
        with contextlib.suppress(_Enough):
            reader.read()
        return reader.grid


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


class _Enough(Exception):
    """The rows a caller asked for are read."""


#: The spreadsheet namespaces (transitional and strict): names are compared without them.
_NAMESPACES = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main")


def _names(*local: str) -> dict[str, str]:
    """Element names as expat reports them (``namespace local``, or bare) → their local name."""
    return {f"{ns} {name}" if ns else name: name for name in local for ns in ("", *_NAMESPACES)}


class _Expat:
    """An expat parser fed a part piece by piece, with no document type allowed, calling the
    ``start``/``end``/``text`` methods of a subclass: no tree is built, so memory is what the
    subclass keeps. (ElementTree builds a tree, and an event for every element costs twice.)"""

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
        raise NotImplementedError

    def end(self, tag: str) -> None:
        raise NotImplementedError

    def text(self, data: str) -> None:
        raise NotImplementedError

    def parse(self) -> None:
        stream = self.book.open_part(self.part)
        where = self.book.where(self.part)
        try:
            while data := stream.read(CHUNK):
                self.parser.Parse(data, False)
            self.parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise self.book.damaged(where, _("broken XML in {part}: {error}").format(
                part=self.part, error=expat.ErrorString(exc.code) + f": line {exc.lineno}, column {exc.offset}")) from None
        except (zipfile.BadZipFile, EOFError, OSError, RuntimeError) as exc:  # zlib errors, a bad CRC
            raise self.book.damaged(where, f"{self.part}: {exc}") from None
        finally:
            stream.close()


class _Strings(_Expat):
    """The shared strings: each ``si``'s text, its runs' text, not its phonetic guide (``rPh``)."""

    names = _names("si", "t", "rPh")

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
            self.strings.append(_unescape("".join(self.pieces)))
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


class _SheetReader(_Expat):
    """One pass over a sheet's XML, keeping only the cells that hold something, within the bounds."""

    names = _names("row", "c", "v", "f", "is", "t", "rPh", "mergeCell")

    def __init__(self, book: Book, sheet: SheetEntry, last_row: int) -> None:
        super().__init__(book, sheet.part)
        self.sheet, self.grid, self.last_row = sheet, Grid(), last_row
        self.row = self.column = self.cells = self.elements = self.size = 0
        self.kind = self.style = ""
        self.raw: list[str] = []
        self.formula = self.capture = self.inline = self.phonetic = False
        self.columns: dict[str, int] = {}  # column letters → number, as they are met

    def at(self, column: int, row: int) -> str:
        return f"{self.sheet.title}!{get_column_letter(min(max(column, 1), 16384))}{row}"

    def read(self) -> None:
        if self.sheet.cells:
            self.parse()

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        name = self.names.get(tag, "")
        if self.kind:  # inside a cell
            self.elements += 1
            if self.elements > MAX_ELEMENTS_IN_CELL:
                raise self.book.damaged(self.at(self.column, self.row), _("a cell holds more than {n:,} XML elements")
                                        .format(n=MAX_ELEMENTS_IN_CELL))
            if name == "v":
                self.capture = True
            elif name == "t":
                self.capture = self.inline and not self.phonetic
            elif name == "f":
                self.formula = True
            elif name == "is":
                self.inline = True
            elif name == "rPh":
                self.phonetic = True
        elif name == "c":
            self.start_cell(attrs)
        elif name == "row":
            self.start_row(attrs)
        elif name == "mergeCell":
            self.merge(attrs.get("ref", ""))

    def end(self, tag: str) -> None:
        name = self.names.get(tag, "")
        if name == "c":
            self.end_cell()
        elif name in ("v", "t"):
            self.capture = False
        elif name == "rPh":
            self.phonetic = False

    def text(self, data: str) -> None:
        if self.capture:
            self.size += len(data)
            if self.size > MAX_CELL_TEXT:
                raise self.book.refuse(self.at(self.column, self.row), _(
                    "expected at most {limit:,} characters in a cell (Excel's own limit), found more").format(
                        limit=MAX_CELL_TEXT), "too-large")
            self.raw.append(data)

    def start_row(self, attrs: dict[str, str]) -> None:
        number = attrs.get("r")
        try:
            self.row = int(number) if number is not None else self.row + 1
        except ValueError:
            raise self.book.damaged(self.sheet.title, _("a row numbered '{r}'").format(r=str(number)[:20])) from None
        self.column = 0
        self.check_row(1)

    def check_row(self, column: int) -> None:
        if self.row > self.last_row and self.last_row < MAX_ROWS:
            raise _Enough
        if self.row > MAX_ROWS:
            raise self.book.refuse(self.at(column, self.row), _(
                "expected at most {limit:,} rows in a sheet (a province has 77,299 villages), found row {row:,}; "
                "delete the rows below the roster (select them, 删除) and save again").format(limit=MAX_ROWS, row=self.row),
                "too-large")
        if self.row < 1:
            raise self.book.damaged(self.sheet.title, _("a row numbered {r}").format(r=self.row))

    def start_cell(self, attrs: dict[str, str]) -> None:
        ref = attrs.get("r")
        if ref:
            match = _REF.fullmatch(ref)
            if match is None:
                raise self.book.damaged(self.sheet.title, _("a cell named '{ref}'").format(ref=ref[:20]))
            letters, digits = match.groups()
            column = self.columns.get(letters)
            if column is None:
                column = self.columns[letters] = column_index_from_string(letters.upper())
            self.column, row = column, int(digits)
            if row != self.row:
                self.row = row
                self.check_row(self.column)
        else:
            self.column += 1
        self.cells += 1
        if self.cells > MAX_CELLS:
            raise self.book.refuse(self.at(self.column, self.row), _(
                "expected at most {limit:,} cells in a sheet, found more; delete the rows and columns outside the "
                "roster and save again").format(limit=MAX_CELLS), "too-large")
        if self.column > 16384:
            raise self.book.damaged(self.sheet.title, _("a cell past column XFD, the last Excel has"))
        self.kind, self.style = attrs.get("t", "n"), attrs.get("s", "0")
        self.raw, self.size, self.elements = [], 0, 0
        self.formula = self.capture = self.inline = self.phonetic = False

    def end_cell(self) -> None:
        value = self.value()
        self.kind = ""
        if value is not None:
            self.grid.rows.setdefault(self.row, {})[self.column] = value

    def value(self) -> Any:
        kind, book = self.kind, self.book
        if kind == "inlineStr":
            return _unescape("".join(self.raw)) if self.inline else None
        if not self.raw:
            return UNCALCULATED if self.formula else None
        raw = "".join(self.raw)
        try:
            match kind:
                case "s":
                    index = int(raw)
                    if not 0 <= index < len(book.strings):
                        raise IndexError(index)
                    return book.strings[index]
                case "str":
                    return _unescape(raw)
                case "b":
                    return raw.strip() in ("1", "true")
                case "e":
                    return ExcelError(raw.strip()[:20])
                case "d":
                    return from_ISO8601(raw.strip())  # type: ignore[no-untyped-call]
                case _:
                    number: float | int = float(raw) if any(ch in raw for ch in ".eE") else int(raw)
                    style = int(self.style or 0)
                    if style in book.duration_styles:
                        return from_excel(number, book.epoch, timedelta=True)
                    if style in book.date_styles:
                        return from_excel(number, book.epoch)
                    return number
        except (ValueError, IndexError, OverflowError, TypeError):
            raise book.damaged(self.at(self.column, self.row), _("a cell of type '{t}' holding '{v}'").format(
                t=kind[:10], v=raw[:20])) from None

    def merge(self, ref: str) -> None:
        try:
            first_col, first_row, last_col, last_row = range_boundaries(ref)
        except (ValueError, TypeError):
            return  # a malformed range merges nothing
        if None in (first_col, first_row, last_col, last_row):
            return
        self.grid.merges.append((int(first_row or 0), int(first_col or 0), int(last_row or 0), int(last_col or 0)))
        if len(self.grid.merges) > MAX_CELLS:
            raise self.book.refuse(self.sheet.title, _("expected at most {limit:,} merged ranges in a sheet, found "
                                                       "more").format(limit=MAX_CELLS), "too-large")
