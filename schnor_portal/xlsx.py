"""Excel in and out, once for every app: export a table, open an upload without trusting it."""

import io
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
    return members


def open_workbook(uploaded) -> openpyxl.Workbook:
    """Open an uploaded .xlsx after checking its size and zip contents; never a zip bomb."""
    data = uploaded.read() if hasattr(uploaded, "read") else uploaded
    check_zip_upload(data)
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a broken workbook
        raise XlsxError("Не удалось прочитать файл Excel: он повреждён или сохранён в другом формате.") from error
