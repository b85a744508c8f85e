"""Excel in and out, once for every app: export a table, open an upload without trusting it."""

import io
import re
import zipfile
from dataclasses import dataclass
from urllib.parse import quote

import openpyxl
from django.http import HttpResponse
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

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


class XlsxError(ValueError):
    """A file that cannot be read as a workbook; the message is shown to the user as is."""


@dataclass
class Sheet:
    title: str
    headers: list[str]
    rows: list[list]
    widths: list[int] | None = None


def workbook_bytes(*sheets: Sheet) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDE4EE")
    for sheet in sheets:
        ws = wb.create_sheet(title=sheet.title[:31])
        ws.append(sheet.headers)
        for cell in ws[1]:
            cell.font = header_font
            cell.fill = header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in sheet.rows:
            ws.append([_safe_cell(value) for value in row])
        for index, header in enumerate(sheet.headers, start=1):
            width = sheet.widths[index - 1] if sheet.widths else min(60, max(10, len(str(header)) + 2))
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.freeze_panes = "A2"
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _safe_cell(value):
    # A text starting with "=" would run as a formula in the user's Excel (CSV/formula injection).
    # A lone «+» or «−» (the list-history matrix) is a mark, not a formula.
    if isinstance(value, str) and len(value) > 1 and value[:1] in ("=", "+", "-", "@") and not _is_number(value):
        return "'" + value
    return value


def _is_number(text):
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


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

    .xlsx and .docx are both zip archives of XML: the member count and the declared sizes are
    checked here (zipfile never inflates a member past its declared size), so a parser that
    opens the archive afterwards cannot be made to unpack gigabytes.
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
    _check_elements(data, members)
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
                        f"Файл слишком большой для загрузки: в нём больше {MAX_DOCUMENT_ELEMENTS:,} {what}".replace(",", " ")
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


def open_workbook(uploaded) -> openpyxl.Workbook:
    """Open an uploaded .xlsx after checking its size and zip contents; never a zip bomb."""
    data = uploaded.read() if hasattr(uploaded, "read") else uploaded
    check_zip_upload(data)
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a broken workbook
        raise XlsxError("Не удалось прочитать файл Excel: он повреждён или сохранён в другом формате.") from error
