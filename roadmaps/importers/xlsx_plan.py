"""An Excel (.xlsx) workbook as blocks for assembler.assemble: each visible sheet is one table.

A merged range is spread over every cell it covers (with the range as its key), so a merged
section row or a vertically merged deadline reads as it does in Word. The sheet's name comes
first as a paragraph: a sheet called «1 кластер» heads that cluster's table.
"""

import datetime
import io

import openpyxl

from .blocks import Cell, Paragraph, PlanFileError, Table

MAX_ROWS = 5000
MAX_COLUMNS = 40


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, datetime.datetime):
        value = value.date() if value.time() == datetime.time() else value
        return value.strftime("%d.%m.%Y %H:%M") if isinstance(value, datetime.datetime) else value.strftime("%d.%m.%Y")
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}"
    return str(value)


def _sheet(ws) -> Table | None:
    # Only cells holding a value bound the table: formatting alone often runs to row 1048576.
    # (`_cells` is openpyxl's store of the cells that exist; iter_rows would create the rest.)
    filled = [(r, c) for (r, c), cell in ws._cells.items() if cell.value not in (None, "")]
    if not filled:
        return None
    last_row = max(r for r, _ in filled)
    last_col = min(max(c for _, c in filled), MAX_COLUMNS)
    if last_row > MAX_ROWS:
        raise PlanFileError(f"На листе «{ws.title}» больше {MAX_ROWS} строк: разбейте файл на части.")
    merged = {}
    for rng in ws.merged_cells.ranges:
        anchor = ws._cells.get((rng.min_row, rng.min_col))
        for r in range(rng.min_row, min(rng.max_row, last_row) + 1):
            for c in range(rng.min_col, min(rng.max_col, last_col) + 1):
                merged[(r, c)] = (anchor, str(rng))
    rows = []
    for r in range(1, last_row + 1):
        row = []
        for c in range(1, last_col + 1):
            cell, key = merged.get((r, c), (ws._cells.get((r, c)), f"{r}:{c}"))
            text = _text(cell.value) if cell is not None else ""
            bold = bool(cell is not None and text.strip() and cell.font is not None and cell.font.b)
            row.append(Cell(text=text, bold=bold, key=key))
        rows.append(row)
    return Table(rows=rows, label=f"Лист «{ws.title}»", row_numbers=list(range(1, last_row + 1)))


def read_blocks(data: bytes):
    try:
        # Not read-only: openpyxl gives merged ranges only to a workbook it builds whole, and a plan's
        # section rows and deadlines are merged cells. The upload was checked first
        # (schnor_portal.xlsx.check_zip_upload: size of each part, cells, length of each text).
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True, keep_links=False)
    except Exception as error:  # openpyxl raises many kinds on a broken workbook
        raise PlanFileError(
            "Не удалось прочитать файл Excel: он повреждён, защищён паролем или сохранён в другом формате."
        ) from error
    blocks = []
    for ws in workbook.worksheets:
        if ws.sheet_state != "visible":
            continue
        table = _sheet(ws)
        if table is not None:
            blocks.extend([Paragraph(ws.title), table])
    if not blocks:
        raise PlanFileError("В файле Excel нет ни одного заполненного листа.")
    return blocks
