"""A Word (.docx) document as blocks for assembler.assemble: paragraphs and tables in document order.

python-docx gives one cell per grid position: a horizontally merged cell comes back on every
position it spans and a vertically merged one («vMerge continue») as the cell it continues, so
both carry the merged cell's text; the underlying <w:tc> element is the key that tells a
merged cell from two cells that happen to read alike. Rows that start or end short of the grid
(«gridBefore» / «gridAfter») are padded so that columns stay aligned with the header.
"""

import io

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from .blocks import Cell, Paragraph, PlanFileError, Table

MAX_TABLE_ROWS = 5000


class _Reader:
    """Cells and paragraphs with their boldness; styles are resolved once per document."""

    def __init__(self, document):
        self.style_bold = {}
        for style in document.styles:
            bold, current = None, style
            while current is not None and bold is None:
                font = getattr(current, "font", None)  # numbering and table styles have none
                if font is None:
                    break
                bold, current = font.bold, current.base_style
            self.style_bold[style.style_id] = bold
        default = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
        self.default_bold = self.style_bold.get(default.style_id) if default is not None else None

    def bold(self, paragraphs) -> bool:
        """Whether every run with text is bold, directly or by its character or paragraph style."""
        seen = False
        for paragraph in paragraphs:
            paragraph_style = paragraph._p.style
            for run in paragraph.runs:
                if not run.text.strip():
                    continue
                seen = True
                bold = run.bold
                if bold is None and run._r.style:
                    bold = self.style_bold.get(run._r.style)
                if bold is None:
                    bold = self.style_bold.get(paragraph_style) if paragraph_style else self.default_bold
                if not bold:
                    return False
        return seen

    def cell(self, cell) -> Cell:
        paragraphs = cell.paragraphs
        text = "\n".join(p.text for p in paragraphs)
        return Cell(text=text, bold=self.bold(paragraphs) if text.strip() else False, key=cell._tc)

    def table(self, table: DocxTable, number: int) -> Table:
        rows = []
        for index, row in enumerate(table.rows):
            if index >= MAX_TABLE_ROWS:
                raise PlanFileError(f"В таблице {number} больше {MAX_TABLE_ROWS} строк: разбейте документ на части.")
            cells = [Cell("") for _ in range(row.grid_cols_before)]
            cells.extend(self.cell(c) for c in row.cells)
            cells.extend(Cell("") for _ in range(row.grid_cols_after))
            rows.append(cells)
        return Table(rows=rows, label=f"Таблица {number}")


def read_blocks(data: bytes):
    """Paragraphs and tables of the document body, in order (nested tables are not read)."""
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises many kinds on a broken or foreign file
        raise PlanFileError(
            "Не удалось прочитать документ Word: он повреждён, защищён паролем или сохранён в другом формате."
        ) from error
    reader = _Reader(document)
    blocks, tables = [], 0
    for item in document.iter_inner_content():
        if isinstance(item, DocxParagraph):
            blocks.append(Paragraph(item.text, bold=reader.bold([item])))
        elif isinstance(item, DocxTable):
            tables += 1
            blocks.append(reader.table(item, tables))
    if not tables:
        raise PlanFileError("В документе нет ни одной таблицы: план импортируется из таблицы мероприятий.")
    return blocks
