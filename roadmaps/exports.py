"""The plan as an Excel table laid out like the document: section rows across, the document's columns."""

import io

import openpyxl
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .selectors import plan_has_executors

THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")


def plan_workbook(*, plan, rows) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "План"
    with_executors = plan_has_executors(rows)
    tail = [("Ожидаемый результат", 45)] + ([("Ответственные", 30)] if with_executors else [])
    if not plan.result_before_executors:
        tail.reverse()
    headers = ["№", "Содержание мероприятия", "Сроки"] + [title for title, _ in tail]
    widths = [8, 60, 24] + [width for _, width in tail]
    ws.append([plan.title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.cell(1, 1).font = Font(bold=True, size=12)
    ws.cell(1, 1).alignment = Alignment(wrap_text=True, horizontal="center")
    ws.row_dimensions[1].height = 36
    ws.append(headers)
    header_row = ws.max_row
    for col in range(1, len(headers) + 1):
        cell = ws.cell(header_row, col)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE4EE")
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        cell.border = BORDER
    for row in rows:
        if row["kind"] == "section":
            section = row["section"]
            title = section.title if not section.number or section.number in section.title else f"{section.number} {section.title}"
            ws.append([title])
            r = ws.max_row
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(headers))
            ws.cell(r, 1).font = Font(bold=True)
            ws.cell(r, 1).fill = PatternFill("solid", fgColor="E7EDF6")
            ws.cell(r, 1).alignment = WRAP
            for col in range(1, len(headers) + 1):
                ws.cell(r, col).border = BORDER
        elif row["kind"] == "activity":
            a = row["activity"]
            cells = {"Ответственные": a.executors_text, "Ожидаемый результат": a.expected_result}
            values = [a.number, a.content, a.deadline_text] + [cells[title] for title, _ in tail]
            ws.append(values)
            r = ws.max_row
            for col in range(1, len(headers) + 1):
                ws.cell(r, col).alignment = WRAP
                ws.cell(r, col).border = BORDER
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
