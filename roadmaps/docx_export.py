"""The plan as a Word document in its own layout: for Word and for the office's document system.

The same table as the Excel export (exports.plan_document): the title above it, the plan's
columns with the headings of its source (level columns under «Ответственные» in a two-row header),
parts and clusters as rows merged across, sections as their number and a merged bold title with
«Задачи: …» / «Показатели: …» lines, activities as rows. The portal's importer reads it back to the
same plan (tests/roadmaps/test_round_trips.py).
"""

import io

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from .exports import PlanDocument, plan_document
from .layout import CONTENT, NUMBER, header_rows

FONT = "Times New Roman"
# Share of the page width by column; what is left is split between the others.
SHARES = {"number": 0.06, "content": 0.34, "deadline": 0.13, "result": 0.22}


def _write(cell, text, *, bold=False, centre=False, size=10):
    """The cell's text in one paragraph, its lines kept as line breaks (as Word writes Shift+Enter)."""
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text or "")  # python-docx writes each "\n" as a <w:br/>
    run.bold = bold
    run.font.size = Pt(size)
    run.font.name = FONT
    if centre:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _repeat_as_header(row):
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    properties.append(element)


def _widths(document: PlanDocument, total_cm: float) -> list[float]:
    fixed = {i: SHARES[c.key] for i, c in enumerate(document.columns) if c.key in SHARES}
    rest = [i for i in range(len(document.columns)) if i not in fixed]
    left = max(0.0, 1.0 - sum(fixed.values()))
    return [total_cm * (fixed[i] if i in fixed else left / len(rest)) for i in range(len(document.columns))]


def document_bytes(document: PlanDocument) -> bytes:
    out = docx.Document()
    section = out.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.5))
    section.top_margin = section.bottom_margin = Cm(1.5)
    style = out.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(12)

    title = out.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(" ".join(document.title.split()))
    run.bold, run.font.size = True, Pt(14)

    columns, width = document.columns, len(document.columns)
    head = header_rows(columns)
    table = out.add_table(rows=len(head), cols=width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for row in table.rows:
        _repeat_as_header(row)
    if len(head) == 1:
        for index, column in enumerate(columns):
            _write(table.cell(0, index), column.heading, bold=True, centre=True)
    else:
        index = 0
        for item, colspan, rowspan in head[0]:
            if rowspan == 2:  # a column without a group stands through both rows
                cell = table.cell(0, index).merge(table.cell(1, index))
                _write(cell, item.heading, bold=True, centre=True)
            else:
                cell = table.cell(0, index).merge(table.cell(0, index + colspan - 1)) if colspan > 1 else table.cell(0, index)
                _write(cell, item, bold=True, centre=True)
                for offset in range(colspan):
                    _write(table.cell(1, index + offset), columns[index + offset].heading, bold=True, centre=True)
            index += colspan

    number_at, content_at = document.index(NUMBER), document.index(CONTENT)
    for doc_row in document.rows:
        cells = table.add_row().cells
        if doc_row.kind == "band":
            merged = cells[0].merge(cells[-1]) if width > 1 else cells[0]
            _write(merged, doc_row.text, bold=True)
        elif doc_row.kind == "section":
            if number_at is not None:
                _write(cells[number_at], doc_row.number, bold=True)
            merged = cells[content_at].merge(cells[-1]) if content_at < width - 1 else cells[content_at]
            _write(merged, doc_row.text, bold=True)
        else:
            for index, text in enumerate(doc_row.cells):
                _write(cells[index], text)

    # Word reads each cell's width, LibreOffice the table's grid: both are set.
    table.autofit = False
    for index, centimetres in enumerate(_widths(document, 26.7)):
        table.columns[index].width = Cm(centimetres)
        for cell in table.columns[index].cells:
            cell.width = Cm(centimetres)
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def plan_docx(*, plan, rows) -> bytes:
    return document_bytes(plan_document(plan=plan, rows=rows))
