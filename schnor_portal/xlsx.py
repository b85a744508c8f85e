"""Excel in and out, once for every app: export a table, open an upload without trusting it."""

import datetime
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import quote
from xml.parsers import expat

import openpyxl
from django.http import HttpResponse
from openpyxl.packaging.manifest import Manifest
from openpyxl.packaging.relationship import get_dependents, get_rels_path
from openpyxl.packaging.workbook import WorkbookPackage
from openpyxl.reader.excel import _find_workbook_part
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.xml.constants import ARC_CONTENT_TYPES, SHARED_STRINGS
from openpyxl.xml.functions import fromstring

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ZIP_MEMBERS = 200
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
# openpyxl (outside read-only mode) and python-docx build the whole document in memory: a 330 KB
# .docx with 1,000,000 table cells took 13 s and 750 MB, a 2.3 MB .xlsx with as many cells 17 s
# and 600 MB, before any row limit could refuse them (bench/faults/import_budgets.py). The costly
# elements are counted in the compressed stream first. A plan, a list or a municipality's results
# is a few thousand cells.
MAX_DOCUMENT_ELEMENTS = 100_000
_COSTLY_PARTS = (
    (lambda name: name.startswith("xl/worksheets/") and name.endswith(".xml"), re.compile(rb"<(?:\w+:)?c[\s>/]"), "ячеек"),
    (lambda name: name == "word/document.xml", re.compile(rb"<(?:\w+:)?p[\s>/]"), "абзацев и ячеек таблиц"),
)
_TAG_TAIL = 32  # longer than any tag counted, so none is cut between two chunks
# A part of the archive (sharedStrings.xml, which holds every text of a workbook; one worksheet;
# word/document.xml) is parsed whole, at several times its size: a 95 KB .xlsx whose one shared
# string unpacked to 95 MB took 14.8 s and about 650 MB, and came back as a 95 MB preview page,
# well inside MAX_UNCOMPRESSED_BYTES. The largest part of a real plan, list or results file of a
# few thousand cells is a megabyte or two. The limit holds for every part, pictures included: the
# name of a part does not say how it is read ([Content_Types].xml and the relationships do).
MAX_PART_BYTES = 20 * 1024 * 1024
# Excel keeps up to 32,767 characters in a cell; an activity, a school's name or a note is a few
# hundred. A longer text would be shown whole on the preview page and stored as it is.
MAX_CELL_CHARS = 10_000


class XlsxError(ValueError):
    """A file that cannot be read as a workbook; the message is shown to the user as is."""


# --- writing -------------------------------------------------------------------------------------
#
# Every .xlsx the portal hands out is written here, so that no export can forget the escaping
# (tests/test_xlsx_exports.py refuses an openpyxl.Workbook() anywhere else).

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
BAND_FILL = PatternFill("solid", fgColor="E7EDF6")
WRAP = Alignment(wrap_text=True, vertical="top")
_THIN = Side(style="thin", color="999999")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
# What a spreadsheet reads as the start of a formula when the text is typed or pasted (OWASP «CSV
# injection»: = + - @, tab and carriage return).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Band:
    """A row of one text merged across the whole table: a section heading among a plan's activities."""

    text: str


@dataclass
class Validation:
    """A rule Excel applies to a column below the headers as it is filled: a drop-down or a number range."""

    column: str  # the column's letter
    kind: str  # "list", "whole" or "decimal"
    formula1: str  # the list's range («'Списки'!$A$2:$A$9») or the lower bound
    formula2: str | None = None  # the upper bound of a number range
    error: str = ""  # refuse a value that breaks the rule with this message; empty: accept anything
    error_title: str = "Проверьте значение"
    rows: int = 1000  # how far down the rule reaches


@dataclass
class Sheet:
    title: str
    headers: list[str]
    rows: list[list | Band]
    widths: list[int] | None = None
    caption: str = ""  # a title above the headers, merged across the table (the plan's name)
    note: str = ""  # a line above the table: what was filtered and when («Отбор: …. Выгружено …»)
    # "table": bold shaded headers that stay in view, wrapped cells (every export);
    # "document": a table printed like the document: grid lines, centred headers, landscape,
    #   the headers on every page (the plan);
    # "data": values only (the hidden lists behind a template's drop-downs).
    layout: Literal["table", "document", "data"] = "table"
    validations: list[Validation] = field(default_factory=list)
    hidden: bool = False


def workbook_bytes(*sheets: Sheet) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        _write_sheet(wb.create_sheet(title=sheet.title[:31]), sheet)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _write_sheet(ws, sheet: Sheet) -> None:
    styled, document = sheet.layout != "data", sheet.layout == "document"
    columns = len(sheet.headers)
    span = max([columns] + [len(row) for row in sheet.rows if not isinstance(row, Band)])
    row_number = 0
    if sheet.note:
        row_number += 1
        cell = _put(ws, row_number, 1, sheet.note)
        cell.font = Font(italic=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=row_number, start_column=1, end_row=row_number, end_column=max(1, len(sheet.headers)))
        ws.row_dimensions[row_number].height = 30
    if sheet.caption:
        row_number += 1
        cell = _put(ws, row_number, 1, sheet.caption)
        cell.font = Font(bold=True, size=12)
        cell.alignment = Alignment(wrap_text=True, horizontal="center")
        ws.merge_cells(start_row=row_number, start_column=1, end_row=row_number, end_column=columns)
        ws.row_dimensions[row_number].height = 36
    row_number += 1
    header_row = row_number
    for column, header in enumerate(sheet.headers, start=1):
        cell = _put(ws, header_row, column, header)
        if styled:
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center") if document else WRAP
        if document:
            cell.border = BORDER
    for row in sheet.rows:
        row_number += 1
        if isinstance(row, Band):
            cell = _put(ws, row_number, 1, row.text)
            ws.merge_cells(start_row=row_number, start_column=1, end_row=row_number, end_column=columns)
            cell.font = HEADER_FONT
            cell.fill = BAND_FILL
            cell.alignment = WRAP
            if document:
                for column in range(1, columns + 1):
                    ws.cell(row_number, column).border = BORDER
            continue
        for column in range(1, span + 1):
            value = row[column - 1] if column <= len(row) else None
            if not styled:
                if value is not None:
                    _put(ws, row_number, column, value)
                continue
            cell = _put(ws, row_number, column, value)
            cell.alignment = WRAP
            if document and column <= columns:
                cell.border = BORDER
    for column, header in enumerate(sheet.headers, start=1):
        width = sheet.widths[column - 1] if sheet.widths else min(60, max(10, len(str(header)) + 2))
        ws.column_dimensions[get_column_letter(column)].width = width
    if styled:
        ws.freeze_panes = ws.cell(header_row + 1, 1)
    # An autofilter on the headers, as a spreadsheet user sets one first; a table cut by merged
    # section bands (the plan) cannot be filtered as one range, so it gets none.
    if sheet.layout == "table" and not any(isinstance(row, Band) for row in sheet.rows):
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(max(columns, 1))}{max(row_number, header_row)}"
    if document:
        ws.print_title_rows = f"{header_row}:{header_row}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
    for validation in sheet.validations:
        rule = _data_validation(validation)
        ws.add_data_validation(rule)
        rule.add(f"{validation.column}{header_row + 1}:{validation.column}{header_row + validation.rows}")
    if sheet.hidden:
        ws.sheet_state = "hidden"


def _put(ws, row: int, column: int, value):
    """Write one cell; a text is always a text cell, whatever it starts with.

    openpyxl stores a string starting with «=» as a formula (Excel would run «=HYPERLINK(…)» from a
    school's name) and «#N/A» as an error. Typed as a string (an inline string in the file) it
    reads back exactly as written, through openpyxl and the portal's own importers; the quote
    prefix is what Excel itself saves for a typed «'=…», so editing the cell keeps it text.
    """
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, datetime.datetime):
        cell.number_format = "DD.MM.YYYY HH:MM"
    elif isinstance(value, datetime.date):
        # A real date, shown as the documents write it: it sorts and filters as a date.
        cell.number_format = "DD.MM.YYYY"
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    return cell


def _data_validation(validation: Validation) -> DataValidation:
    rule = DataValidation(type=validation.kind, formula1=validation.formula1, allow_blank=True)
    if validation.formula2 is not None:
        rule.operator = "between"
        rule.formula2 = validation.formula2
    rule.showErrorMessage = bool(validation.error)
    if validation.error:
        rule.errorTitle = validation.error_title
        rule.error = validation.error
    return rule


def attachment(content: bytes, filename: str, content_type: str = XLSX_CONTENT_TYPE) -> HttpResponse:
    """A download with a Cyrillic file name that every browser keeps (RFC 6266 filename*)."""
    response = HttpResponse(content, content_type=content_type)
    ascii_name = filename.encode("ascii", "ignore").decode().replace('"', "").replace("\\", "").strip()
    if not any(ch.isalpha() for ch in ascii_name.rsplit(".", 1)[0]):
        # «Школы 2025.xlsx» leaves « 2025.xlsx»: give old browsers a name that means something.
        extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
        ascii_name = f"export.{extension.encode('ascii', 'ignore').decode() or 'bin'}"
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return response


def xlsx_response(filename: str, *sheets: Sheet) -> HttpResponse:
    return attachment(workbook_bytes(*sheets), filename)


def check_zip_upload(data: bytes, *, what: str = "файл Excel (.xlsx)") -> list[zipfile.ZipInfo]:
    """Refuse an upload that is empty, too big, not a zip or a zip bomb, before anything opens it.

    .xlsx and .docx are both zip archives of XML: the member count and the declared sizes, of
    the whole and of each part, are checked here (zipfile never inflates a member past its
    declared size), so a parser that opens the archive afterwards cannot be made to unpack
    gigabytes. Then the cells and paragraphs are counted and, in a workbook, each cell's text
    measured, all in the compressed stream.
    """
    if not data:
        raise XlsxError("Файл пустой.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise XlsxError(f"Файл больше {MAX_UPLOAD_BYTES // (1024 * 1024)} МБ.")
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise XlsxError(f"Это не {what}: он повреждён, защищён паролем или сохранён в другом формате.")
    if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_UNCOMPRESSED_BYTES:
        raise XlsxError("Файл слишком сложный для загрузки: разбейте его на части.")
    if any(m.file_size > MAX_PART_BYTES for m in members):
        raise XlsxError(
            f"Файл слишком большой для загрузки: одна из его частей после распаковки занимает больше "
            f"{MAX_PART_BYTES // (1024 * 1024)} МБ, а в таблице плана, списка или результатов столько не бывает. "
            "Оставьте в файле только нужную таблицу, без очень длинных текстов в ячейках и больших рисунков."
        )
    _check_elements(data, members)
    _check_cell_texts(data)
    return members


def _check_elements(data: bytes, members: list[zipfile.ZipInfo]) -> None:
    counts = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in members:
            for is_costly, pattern, what in _COSTLY_PARTS:
                if not is_costly(member.filename):
                    continue
                try:
                    with archive.open(member) as stream:
                        counts[what] = counts.get(what, 0) + _count(stream, pattern)
                except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError, RuntimeError):
                    return  # a broken or encrypted member: the reader says so in its own words
                if counts[what] > MAX_DOCUMENT_ELEMENTS:
                    raise XlsxError(
                        f"Файл слишком большой для загрузки: в нём больше {_thousands(MAX_DOCUMENT_ELEMENTS)} {what}"
                        + ". Оставьте в нём только нужную таблицу или разбейте его на части."
                    )


def _count(stream, pattern) -> int:
    count, tail = 0, b""
    while chunk := stream.read(1 << 20):
        block = tail + chunk
        cut = max(0, len(block) - _TAG_TAIL)
        # A tag starting in the last bytes is counted with the next chunk, where it is whole.
        count += sum(1 for m in pattern.finditer(block) if m.start() < cut)
        tail = block[cut:]
    return count + len(pattern.findall(tail))


class _LongText(Exception):
    def __init__(self, address: str):
        self.address = address


def _check_cell_texts(data: bytes) -> None:
    """Refuse a workbook with a cell text over MAX_CELL_CHARS, naming the sheet and the cell.

    The shared strings and the sheets are found as openpyxl finds them and read as a stream,
    before openpyxl builds anything. A .docx, or a workbook too broken to find its parts, passes
    on: its reader says what is wrong in its own words.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        try:
            strings_part, sheets = _text_parts(archive)
        except Exception:  # noqa: BLE001 — openpyxl raises many kinds on a broken package
            return
        try:
            long_strings = _SharedStrings.read(archive, strings_part) if strings_part else set()
            for title, part in sheets:
                try:
                    _SheetCells.read(archive, part, long_strings)
                except _LongText as long_text:
                    where = f"В ячейке {long_text.address} на листе «{title}»"
                    if not long_text.address:
                        where = f"На листе «{title}» в одной из ячеек"
                    raise XlsxError(
                        f"{where} текст длиннее {_thousands(MAX_CELL_CHARS)} знаков. Сократите его: в плане, "
                        "списке школ или таблице результатов таких длинных ячеек не бывает."
                    ) from None
        except (expat.ExpatError, zipfile.BadZipFile, EOFError, KeyError, NotImplementedError, RuntimeError, zlib.error):
            return  # a broken or encrypted part: the reader says so in its own words


def _text_parts(archive) -> tuple[str | None, list[tuple[str, str]]]:
    """The shared strings part and (title, part) of each sheet, found the way openpyxl's ExcelReader does."""
    package = Manifest.from_tree(fromstring(archive.read(ARC_CONTENT_TYPES)))
    strings = package.find(SHARED_STRINGS)
    workbook_part = _find_workbook_part(package).PartName[1:]
    sheets = WorkbookPackage.from_tree(fromstring(archive.read(workbook_part))).sheets
    rels = get_dependents(archive, get_rels_path(workbook_part)).to_dict()
    names = set(archive.namelist())
    parts = [(sheet.name, rels[sheet.id].target) for sheet in sheets if sheet.id in rels]
    return (strings.PartName[1:] if strings is not None else None), [(title, part) for title, part in parts if part in names]


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def _stream_xml(archive, part: str, reader) -> None:
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.text
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            parser.Parse(chunk, False)
    parser.Parse(b"", True)


class _SharedStrings:
    """The indexes of the shared strings longer than MAX_CELL_CHARS (a cell of type «s» holds one)."""

    def __init__(self):
        self.index, self.chars, self.in_text, self.long = -1, 0, 0, set()

    @classmethod
    def read(cls, archive, part: str) -> set[int]:
        reader = cls()
        _stream_xml(archive, part, reader)
        return reader.long

    def start(self, name, attrs):
        tag = _local(name)
        if tag == "si":
            self.index, self.chars = self.index + 1, 0
        elif tag == "t":
            self.in_text += 1

    def end(self, name):
        if _local(name) == "t":
            self.in_text -= 1

    def text(self, data):
        if self.in_text:
            self.chars += len(data)
            if self.chars > MAX_CELL_CHARS:
                self.long.add(self.index)


class _SheetCells:
    """Raises _LongText at the first cell whose own text (value, inline string, formula) or shared string is too long."""

    def __init__(self, long_strings: set[int]):
        self.long_strings = long_strings
        self.address, self.kind, self.chars, self.index, self.in_value = None, "", 0, "", False

    @classmethod
    def read(cls, archive, part: str, long_strings: set[int]) -> None:
        _stream_xml(archive, part, cls(long_strings))

    def start(self, name, attrs):
        tag = _local(name)
        if tag == "c":
            self.address, self.kind, self.chars, self.index = attrs.get("r", ""), attrs.get("t", "n"), 0, ""
        elif tag == "v":
            self.in_value = True

    def end(self, name):
        tag = _local(name)
        if tag == "v":
            self.in_value = False
        elif tag == "c":
            if self.kind == "s" and self.index.strip().isdecimal() and int(self.index) in self.long_strings:
                raise _LongText(self.address)
            self.address = None

    def text(self, data):
        if self.address is None:
            return
        self.chars += len(data)
        if self.chars > MAX_CELL_CHARS:
            raise _LongText(self.address)
        if self.in_value and self.kind == "s" and len(self.index) < 12:
            self.index += data


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", " ")


def open_workbook(uploaded) -> openpyxl.Workbook:
    """Open an uploaded .xlsx after checking its size and zip contents; never a zip bomb."""
    data = uploaded.read() if hasattr(uploaded, "read") else uploaded
    check_zip_upload(data)
    try:
        # Read-only: rows are parsed as they are read, not kept. External links are cached copies
        # of other workbooks, never read here.
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception as error:  # openpyxl raises many kinds on a broken workbook
        raise XlsxError("Не удалось прочитать файл Excel: он повреждён или сохранён в другом формате.") from error
