"""Plan tables from Word and Excel files, as coordinators keep them. Pure Python: bytes in,
dataclasses out; saving is roadmaps.import_services.

The caller checks the upload's size and zip contents first (schnor_portal.xlsx.check_zip_upload,
done by import_services.plan_file_parse); `parse_plan` then tells the format by what the file
holds, not by its name.
"""

import io
import zipfile
from datetime import date

from . import docx_plan, xlsx_plan
from .assembler import assemble
from .blocks import PlanFileError
from .parsed import ParsedActivity, ParsedPlan, ParsedSection

__all__ = ["ParsedActivity", "ParsedPlan", "ParsedSection", "PlanFileError", "check_signature", "parse_plan"]

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls, and any password-protected Office file


def check_signature(data: bytes) -> None:
    """Refuse, with a message saying why, what is plainly not a .docx or .xlsx."""
    if not data:
        raise PlanFileError("Файл пустой.")
    if data.startswith(_OLE):
        raise PlanFileError(
            "Файл защищён паролем или сохранён в старом формате Word или Excel (.doc, .xls): "
            "откройте его и сохраните как .docx или .xlsx без пароля."
        )
    if data.startswith(b"%PDF"):
        raise PlanFileError("Это PDF. Загрузите план документом Word (.docx) или таблицей Excel (.xlsx).")
    if not data.startswith(b"PK"):
        raise PlanFileError("Это не документ Word (.docx) и не таблица Excel (.xlsx).")


def file_format(data: bytes) -> str:
    """"docx" or "xlsx", by the parts the archive holds."""
    check_signature(data)
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise PlanFileError("Файл повреждён: это не документ Word (.docx) и не таблица Excel (.xlsx).") from None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "content.xml" in names and "mimetype" in names:
        raise PlanFileError("Файл в формате OpenDocument (.odt, .ods): сохраните его как .docx или .xlsx.")
    raise PlanFileError("Это архив, но не документ Word (.docx) и не таблица Excel (.xlsx).")


def parse_plan(data: bytes, *, period_start: date | None = None, period_end: date | None = None) -> ParsedPlan:
    """Sections and activities of the plan table(s) in the file; PlanFileError with a Russian
    message when there are none. Deadlines are read against the period when it is given."""
    reader = docx_plan if file_format(data) == "docx" else xlsx_plan
    try:
        parsed = assemble(reader.read_blocks(data))
    except PlanFileError:
        raise
    except Exception as error:  # a layout nobody foresaw must not become a server error
        raise PlanFileError("Не удалось разобрать таблицу плана: файл повреждён или устроен необычно.") from error
    if period_start and period_end:
        parsed.apply_period(period_start, period_end)
    return parsed
