"""The plan as a document table, for Excel here and for Word in docx_export: the same rows both ways.

The table follows the plan's layout (roadmaps.layout: the source's column order and headings, level
columns under their group heading in a two-row header) and is written so that the portal's own
importer (roadmaps.importers) reads it back to the same plan:

- a part («Раздел II. …») and a cluster's table («1 кластер - …») is one row merged across the
  table: the importer opens a part or a cluster by those words, and takes their numbers from them;
- any other section is its number in the «№» cell and its title merged over the rest of the row,
  bold, with «Задачи: …» and «Показатели: …» lines under the title: the number stays as written
  («1.»), nesting follows the numbers («2.1» under «2.») or the part above;
- an activity is one row of cells, each as `layout.cell_text` prints it; the executors of a level
  column are that level's rows, never a re-split of the text.
"""

import io
import re
from dataclasses import dataclass, field

import openpyxl
from openpyxl.styles import Alignment, Font

from schnor_portal.xlsx import BORDER, HEADER_FILL, HEADER_FONT, Band, Sheet, workbook_bytes

from .layout import CONTENT, NUMBER, Column, cell_text, header_rows, plan_layout

_PART_RE = re.compile(r"^\s*(?:раздел|часть)\s+(?:[IVXLC]{1,6}|\d{1,2})(?![\wа-яё])", re.IGNORECASE)
_CLUSTER_RE = re.compile(r"^\s*(?:(?:\d{1,2}|[IVX]{1,4})\s*[-–—.]?\s*кластер|кластер\s*№?\s*(?:\d{1,2}|[IVX]{1,4}))", re.IGNORECASE)
WIDTHS = {"number": 8, "content": 60, "deadline": 24, "result": 40, "executors": 30}


@dataclass
class DocRow:
    kind: str  # "band" (a part or a cluster, merged across), "section", "activity"
    cells: list[str] = field(default_factory=list)  # "activity": one text per column
    text: str = ""  # "band", "section": the heading with its tasks and indicators lines
    number: str = ""  # "section"
    depth: int = 0


@dataclass
class PlanDocument:
    title: str
    columns: list[Column]
    rows: list[DocRow]

    @property
    def grouped(self) -> bool:
        return len(header_rows(self.columns)) > 1

    def index(self, key) -> int | None:
        return next((i for i, c in enumerate(self.columns) if c.key == key), None)


def _heading_text(title: str, tasks: str, indicators: str) -> str:
    lines = [" ".join(title.split())]
    if tasks.strip():
        lines.append("Задачи: " + tasks.strip())
    if indicators.strip():
        lines.append("Показатели: " + indicators.strip())
    return "\n".join(lines)


def plan_document(*, plan, rows) -> PlanDocument:
    """The plan's table rows (from selectors.plan_table) as the document prints them."""
    columns = plan_layout(plan)
    out = []
    for row in rows:
        if row["kind"] == "section":
            section = row["section"]
            text = _heading_text(section.title, section.tasks, section.indicators)
            if _PART_RE.match(section.title) or (section.cluster_id and _CLUSTER_RE.match(section.title)):
                out.append(DocRow("band", text=text, depth=row["depth"]))
            elif _PART_RE.match(section.number) or _CLUSTER_RE.match(section.number):
                out.append(DocRow("band", text=_heading_text(f"{section.number} {section.title}", section.tasks, section.indicators), depth=row["depth"]))
            else:
                out.append(DocRow("section", text=text, number=section.number, depth=row["depth"]))
        elif row["kind"] == "activity":
            out.append(DocRow("activity", cells=[cell_text(row["activity"], column) for column in columns]))
    return PlanDocument(plan.title, columns, out)


# --- Excel ---------------------------------------------------------------------------------------


def plan_sheet(document: PlanDocument) -> Sheet:
    """The table as a Sheet; `_shape` adds what a Sheet cannot say (the second header row's merges,
    the sections' merged titles)."""
    columns, width = document.columns, len(document.columns)
    number_at, content_at = document.index(NUMBER), document.index(CONTENT)
    if document.grouped:
        headers = [c.group if c.group else c.heading for c in columns]
        # Within a group only its first cell carries the heading; the merge spans the rest.
        headers = [h if i == 0 or not columns[i].group or columns[i - 1].group != columns[i].group else "" for i, h in enumerate(headers)]
        table: list = [[c.heading if c.group else "" for c in columns]]
    else:
        headers, table = [c.heading for c in columns], []
    for row in document.rows:
        if row.kind == "band":
            table.append(Band(row.text))
        elif row.kind == "section":
            cells = [""] * width
            if number_at is not None:
                cells[number_at] = row.number
            cells[content_at] = row.text
            table.append(cells)
        else:
            table.append(row.cells)
    widths = [WIDTHS.get(c.key, WIDTHS["executors"] if c.is_executors else 20) for c in columns]
    return Sheet("План", headers, table, widths, caption=document.title, layout="document")


def _shape(content: bytes, document: PlanDocument) -> bytes:
    """Merge the two-row header and the sections' titles, bold the sections: the look the importer
    reads a header with levels and a section row by."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    ws = workbook.active
    header_row, width = 2, len(document.columns)  # the caption takes row 1
    first_data = header_row + 1
    if document.grouped:
        sub = header_row + 1
        first_data = sub + 1
        index = 0
        while index < width:
            column = document.columns[index]
            if not column.group:
                ws.merge_cells(start_row=header_row, start_column=index + 1, end_row=sub, end_column=index + 1)
                index += 1
                continue
            span = 1
            while index + span < width and document.columns[index + span].group == column.group:
                span += 1
            ws.merge_cells(start_row=header_row, start_column=index + 1, end_row=header_row, end_column=index + span)
            index += span
        for column in range(1, width + 1):
            cell = ws.cell(sub, column)
            cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, BORDER
            cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        ws.freeze_panes = ws.cell(first_data, 1)
        ws.print_title_rows = f"{header_row}:{sub}"
    content_at = document.index(CONTENT)
    for offset, row in enumerate(document.rows):
        if row.kind != "section":
            continue
        at = first_data + offset
        for column in range(1, width + 1):
            ws.cell(at, column).font = Font(bold=True)
        if content_at < width - 1:
            ws.merge_cells(start_row=at, start_column=content_at + 1, end_row=at, end_column=width)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plan_workbook(*, plan, rows) -> bytes:
    document = plan_document(plan=plan, rows=rows)
    return _shape(workbook_bytes(plan_sheet(document)), document)
