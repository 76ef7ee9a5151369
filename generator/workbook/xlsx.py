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
from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any, Literal
from xml.etree.ElementTree import Element, ParseError, iterparse

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, get_column_letter, range_boundaries
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
MAX_SMALL_PART_BYTES = 4 * MB  # a part read whole: relations, the list of sheets

_R_ID = ("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id",
         "{http://purl.oclc.org/ooxml/officeDocument/relationships}id")
_DOCTYPE = b"<!DOCTYPE"
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
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


def _text(element: Element) -> str:
    """A shared or inline string: its ``t`` and its runs' ``t``, not its phonetic guide (``rPh``)."""
    parts = []
    for child in element:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    text = "".join(parts)
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


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

    def events(self, name: str, events: tuple[Event, ...] = ("end",)) -> Generator[tuple[str, Element], None, None]:
        """The XML events of a part, with damage and bounds turned into :class:`WorkbookError`."""
        part = self.open_part(name)
        try:
            yield from iterparse(part, events)
        except ParseError as exc:
            raise self.damaged(self.where(name), _("broken XML in {part}: {error}").format(part=name, error=exc)) from None
        except (zipfile.BadZipFile, EOFError, OSError, RuntimeError) as exc:  # zlib errors, a bad CRC
            raise self.damaged(self.where(name), f"{name}: {exc}") from None
        finally:
            part.close()

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
        if part is None or part not in self.infos:
            return []
        strings: list[str] = []
        root: Element | None = None
        for event, element in self.events(part, ("start", "end")):
            if root is None:
                root = element
            if event == "end" and _local(element.tag) == "si":
                strings.append(_text(element))
                if len(strings) > MAX_STRINGS:
                    raise self.refuse(part, _("expected at most {limit:,} different texts in a workbook, found more; "
                                              "save it again in Excel or WPS").format(limit=MAX_STRINGS), "too-large")
                if len(strings[-1]) > MAX_CELL_TEXT:
                    raise self.refuse(part, _("expected texts of at most {limit:,} characters (Excel's own limit), "
                                              "found one of {n:,}").format(limit=MAX_CELL_TEXT, n=len(strings[-1])),
                                      "too-large")
                if len(root) and root[0] is element:
                    del root[0]  # a table of strings is kept as strings, not as XML (see _SheetReader)
        return strings

    # -- a sheet's cells ---------------------------------------------------------------------

    def grid(self, sheet: SheetEntry, last_row: int = MAX_ROWS) -> Grid:
        """The cells of ``sheet`` up to row ``last_row`` (a sheet is read no further than it must be)."""
        reader = _SheetReader(self, sheet)
        with contextlib.suppress(_Enough):
            reader.read(last_row)
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


class _SheetReader:
    """One pass over a sheet's XML, keeping only cells that hold something, within the bounds."""

    def __init__(self, book: Book, sheet: SheetEntry) -> None:
        self.book, self.sheet, self.grid = book, sheet, Grid()
        self.row = self.column = self.cells = 0

    def at(self, column: int, row: int) -> str:
        return f"{self.sheet.title}!{get_column_letter(min(max(column, 1), 16384))}{row}"

    def read(self, last_row: int) -> None:
        if not self.sheet.cells:
            return
        stack: list[Element] = []
        tags: dict[str, str] = {}
        in_cell = 0  # depth inside a cell: its children are kept until the cell ends
        events = self.book.events(self.sheet.part, ("start", "end"))
        try:
            for event, element in events:
                if event == "start":
                    if not tags:  # the root's namespace: transitional, strict or none
                        prefix = element.tag.partition("}")[0] + "}" if element.tag.startswith("{") else ""
                        tags = {name: prefix + name for name in ("row", "c", "mergeCell")}
                    stack.append(element)
                    if in_cell:
                        in_cell += 1
                        if in_cell > MAX_ELEMENTS_IN_CELL:
                            raise self.book.damaged(self.at(self.column, self.row), _(
                                "a cell holds more than {n:,} XML elements").format(n=MAX_ELEMENTS_IN_CELL))
                    elif element.tag == tags["c"]:
                        in_cell = 1
                        self.start_cell(element, last_row)
                    elif element.tag == tags["row"]:
                        self.start_row(element, last_row)
                    continue
                stack.pop()
                if in_cell:
                    in_cell -= 1
                    if in_cell:
                        continue
                    self.end_cell(element)
                elif element.tag == tags["mergeCell"]:
                    self.merge(element)
                # what was read is dropped (it is its parent's first child by now: the ones before it were
                # dropped), so memory stays that of the part of the sheet the parser is ahead by
                if stack and len(stack[-1]) and stack[-1][0] is element:
                    del stack[-1][0]
                else:
                    element.clear()
        finally:
            events.close()

    def start_row(self, element: Element, last_row: int) -> None:
        number = element.get("r")
        try:
            self.row = int(number) if number is not None else self.row + 1
        except ValueError:
            raise self.book.damaged(self.sheet.title, _("a row numbered '{r}'").format(r=str(number)[:20])) from None
        self.column = 0
        self.check_row(1, last_row)

    def check_row(self, column: int, last_row: int) -> None:
        if self.row > last_row and last_row < MAX_ROWS:
            raise _Enough
        if self.row > MAX_ROWS:
            raise self.book.refuse(self.at(column, self.row), _(
                "expected at most {limit:,} rows in a sheet (a province has 77,299 villages), found row {row:,}; "
                "delete the rows below the roster (select them, 删除) and save again").format(limit=MAX_ROWS, row=self.row),
                "too-large")
        if self.row < 1:
            raise self.book.damaged(self.sheet.title, _("a row numbered {r}").format(r=self.row))

    def start_cell(self, element: Element, last_row: int) -> None:
        ref = element.get("r")
        if ref:
            try:
                letters, row = coordinate_from_string(ref)
                self.column = column_index_from_string(letters)
            except ValueError:
                raise self.book.damaged(self.sheet.title, _("a cell named '{ref}'").format(ref=ref[:20])) from None
            if row != self.row:
                self.row = row
                self.check_row(self.column, last_row)
        else:
            self.column += 1
        self.cells += 1
        if self.cells > MAX_CELLS:
            raise self.book.refuse(self.at(self.column, self.row), _(
                "expected at most {limit:,} cells in a sheet, found more; delete the rows and columns outside the "
                "roster and save again").format(limit=MAX_CELLS), "too-large")
        if self.column > 16384:
            raise self.book.damaged(self.sheet.title, _("a cell past column XFD, the last Excel has"))

    def end_cell(self, element: Element) -> None:
        value = self.value(element)
        if value is not None:
            self.grid.rows.setdefault(self.row, {})[self.column] = value

    def value(self, element: Element) -> Any:
        kind = element.get("t", "n")
        raw: str | None = None
        formula = False
        inline: Element | None = None
        for child in element:
            name = _local(child.tag)
            if name == "v":
                raw = child.text
            elif name == "f":
                formula = True
            elif name == "is":
                inline = child
        book = self.book
        if kind == "inlineStr":
            text = _text(inline) if inline is not None else None
            return self.bounded(text)
        if raw is None:
            return UNCALCULATED if formula else None
        try:
            match kind:
                case "s":
                    index = int(raw)
                    if not 0 <= index < len(book.strings):
                        raise IndexError(index)
                    return book.strings[index]
                case "str":
                    return self.bounded(_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), raw) if "_x" in raw else raw)
                case "b":
                    return raw.strip() in ("1", "true")
                case "e":
                    return ExcelError(raw.strip()[:20])
                case "d":
                    return from_ISO8601(raw.strip())  # type: ignore[no-untyped-call]
                case _:
                    number: float | int = float(raw) if any(ch in raw for ch in ".eE") else int(raw)
                    style = int(element.get("s", "0") or 0)
                    if style in book.duration_styles:
                        return from_excel(number, book.epoch, timedelta=True)
                    if style in book.date_styles:
                        return from_excel(number, book.epoch)
                    return number
        except (ValueError, IndexError, OverflowError, TypeError):
            raise book.damaged(self.at(self.column, self.row), _("a cell of type '{t}' holding '{v}'").format(
                t=kind[:10], v=raw[:20])) from None

    def bounded(self, text: str | None) -> str | None:
        if text is not None and len(text) > MAX_CELL_TEXT:
            raise self.book.refuse(self.at(self.column, self.row), _(
                "expected at most {limit:,} characters in a cell (Excel's own limit), found {n:,}").format(
                    limit=MAX_CELL_TEXT, n=len(text)), "too-large")
        return text

    def merge(self, element: Element) -> None:
        try:
            first_col, first_row, last_col, last_row = range_boundaries(element.get("ref", ""))
        except (ValueError, TypeError):
            return  # a malformed range merges nothing
        if None in (first_col, first_row, last_col, last_row):
            return
        self.grid.merges.append((int(first_row or 0), int(first_col or 0), int(last_row or 0), int(last_col or 0)))
        if len(self.grid.merges) > MAX_CELLS:
            raise self.book.refuse(self.sheet.title, _("expected at most {limit:,} merged ranges in a sheet, found "
                                                       "more").format(limit=MAX_CELLS), "too-large")
