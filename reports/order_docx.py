"""An order as a Word document (.docx), for registration in the office's document system.

It says what the printed PDF says, from the same reads (reports.selectors.order_print_context):
the authority's header, the kind, date and number, the place, the title, the preamble, the
operative word, the numbered points and the signatory; then each appendix from a new page — its
stamps side by side, «Приложение N к приказу … от … № …», its title and its content; a plan as its
table with the plan's own columns (roadmaps.layout), two header rows when executors stand per level
under «Ответственные», the header repeated on every page.
"""

import io

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .selectors import PrintedAppendix, order_print_context

FONT = "Times New Roman"  # the office's standard; Liberation Serif, used in the PDF, has its metrics
TEXT_PT, TABLE_PT, SMALL_PT = 14, 12, 11
A4_SHORT, A4_LONG = Mm(210), Mm(297)
MARGINS = {"top": Mm(20), "bottom": Mm(20), "left": Mm(30), "right": Mm(15)}  # as the print CSS
INDENT = Mm(12.5)
# A stamp's column, as wide as the «Приложение …» block above the right one (the PDF's 80 mm).
STAMP_WIDTH = Mm(80)
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _page(section, *, landscape: bool):
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (A4_LONG, A4_SHORT) if landscape else (A4_SHORT, A4_LONG)
    for side, value in MARGINS.items():
        setattr(section, f"{side}_margin", value)


def _content_width(section):
    return section.page_width - section.left_margin - section.right_margin


def _paragraph(container, text="", *, bold=False, italic=False, size=TEXT_PT, align=None, indent=None,
               left=None, space_after=0, keep_next=False):
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(space_after)
    if align is not None:
        paragraph.alignment = align
    if indent is not None:
        fmt.first_line_indent = indent
    if left is not None:
        fmt.left_indent = left
    if keep_next:
        fmt.keep_with_next = True
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    return paragraph


def _no_borders(table):
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _repeat_header(row):
    """Word repeats a row marked w:tblHeader at the top of every page the table runs onto."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _cant_split(row):
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))


def _cell_text(cell, lines, *, bold=False, italic=False, size=TABLE_PT, align=None):
    """Fill a cell with lines, one paragraph each (the cell's first paragraph is reused)."""
    lines = [lines] if isinstance(lines, str) else list(lines)
    lines = lines or [""]
    for index, line in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        if align is not None:
            paragraph.alignment = align
        for number, part in enumerate(str(line).split("\n")):
            run = paragraph.add_run(part)
            run.bold, run.italic, run.font.size = bold, italic, Pt(size)
            if number < len(str(line).split("\n")) - 1:
                run.add_break(WD_BREAK.LINE)


def _widths(table, widths):
    """Fixed column widths that Word and LibreOffice both keep: the table grid, and each cell's own
    width (a merged cell spans the sum of its grid columns)."""
    table.autofit = False
    widths = [int(w) for w in widths]
    for column, width in zip(table.columns, widths):
        column.width = width
    for tr in table._tbl.tr_lst:
        index = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            tc.width = sum(widths[index : index + span])
            index += span


def _grid_table(container, head: list[str], rows: list[list[str]], fractions: list[float], width):
    table = container.add_table(rows=1 + len(rows), cols=len(head))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, head):
        _cell_text(cell, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _repeat_header(table.rows[0])
    for row, values in zip(table.rows[1:], rows):
        _cant_split(row)
        for cell, value in zip(row.cells, values):
            _cell_text(cell, value)
    _widths(table, [int(width * f) for f in fractions])
    return table


def _stamp_lines(stamp) -> list[tuple[str, bool]]:
    lines = [(stamp.word, True)] + [(line, False) for line in stamp.lines]
    if stamp.signature_line:
        lines.append((stamp.signature_line, False))
    if stamp.date_line:
        lines.append((stamp.date_line, False))
    return lines


def _fill_stamps(cell, stamps):
    first = True
    for stamp in stamps:
        for text, bold in _stamp_lines(stamp):
            paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
            first = False
            paragraph.paragraph_format.space_after = Pt(0)
            run = paragraph.add_run(text)
            run.bold, run.font.size = bold, Pt(TABLE_PT)
        spacer = cell.add_paragraph()
        spacer.paragraph_format.space_after = Pt(0)


def _stamps(doc, printed: PrintedAppendix, width):
    table = doc.add_table(rows=1, cols=3)
    _no_borders(table)
    left, _, right = table.rows[0].cells
    _fill_stamps(left, printed.stamps_left)
    _fill_stamps(right, printed.stamps_right)
    _widths(table, [STAMP_WIDTH, width - 2 * STAMP_WIDTH, STAMP_WIDTH])


def _plan_table(doc, printed: PrintedAppendix, width):
    columns = printed.columns
    n = len(columns)
    fractions = [float(w.rstrip("%")) / 100 for w in printed.widths]
    head_rows = len(printed.head)
    table = doc.add_table(rows=head_rows, cols=n)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    # The head from layout.header_rows: (column or group heading, colspan, rowspan) per row.
    taken = [[False] * n for _ in range(head_rows)]
    for r, head_row in enumerate(printed.head):
        c = 0
        for item, colspan, rowspan in head_row:
            while taken[r][c]:
                c += 1
            cell = table.cell(r, c)
            if colspan > 1 or rowspan > 1:
                cell = cell.merge(table.cell(r + rowspan - 1, c + colspan - 1))
            for rr in range(r, r + rowspan):
                for cc in range(c, c + colspan):
                    taken[rr][cc] = True
            heading = item.heading if hasattr(item, "heading") else str(item)
            _cell_text(cell, heading, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
            cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
            c += colspan
    for row in table.rows:
        _repeat_header(row)
    for row in printed.rows:
        if row["kind"] == "section":
            cells = table.add_row().cells
            _cell_text(cells[0], row["number"], bold=True)
            merged = cells[1].merge(cells[n - 1]) if n > 2 else cells[1]
            _cell_text(merged, row["title"], bold=True)
            if row.get("tasks") or row.get("indicators"):
                goals = table.add_row()
                _cant_split(goals)
                merged = goals.cells[1].merge(goals.cells[n - 1]) if n > 2 else goals.cells[1]
                lines = []
                if row.get("tasks"):
                    lines += ["Задачи:"] + row["tasks"]
                if row.get("indicators"):
                    lines += ["Показатели:"] + row["indicators"]
                _cell_text(merged, lines, size=SMALL_PT)
        else:
            new = table.add_row()
            _cant_split(new)
            for cell, text in zip(new.cells, row["cells"]):
                _cell_text(cell, text)
    _widths(table, [int(width * f) for f in fractions])


def _appendix(doc, context, printed: PrintedAppendix):
    order = context["order"]
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    _page(section, landscape=printed.landscape)
    width = _content_width(section)
    # «Приложение № N / к приказу / от … № …» stands top right, then the stamps, as in the PDF.
    heading_left = width - STAMP_WIDTH
    for line in printed.heading:
        _paragraph(doc, line, size=TABLE_PT, left=heading_left)
    if printed.stamps:
        _paragraph(doc, "", size=TABLE_PT)
        _stamps(doc, printed, width)
    if printed.approval and not printed.stamps:
        _paragraph(doc, "", size=TABLE_PT)
        _paragraph(doc, order.get_approval_kind_display(), bold=True, size=TABLE_PT, left=heading_left)
        for line in context["approval_lines"]:
            _paragraph(doc, line, size=TABLE_PT, left=heading_left)
        _paragraph(doc, f"____________ {order.approval_name}", size=TABLE_PT, left=heading_left)
        date = context["date_text"] if order.date else "«___» ____________ 20___ г."
        _paragraph(doc, date, size=TABLE_PT, left=heading_left)
    _paragraph(doc, "", size=TABLE_PT)
    if printed.title:
        _paragraph(doc, printed.title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=8)

    if printed.passport:
        _paragraph(doc, "Паспорт проекта", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=4, keep_next=True)
        rows = [[r["label"], "\n".join(r["value"]) if r["is_list"] else r["value"]] for r in printed.passport]
        table = doc.add_table(rows=len(rows), cols=2)
        table.style = "Table Grid"
        for row, (label, value) in zip(table.rows, rows):
            _cell_text(row.cells[0], label)
            _cell_text(row.cells[1], value)
        _widths(table, [int(width * 0.34), int(width * 0.66)])
    if printed.background:
        _paragraph(doc, "Проблемные зоны", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=4, keep_next=True)
        for line in printed.background:
            _paragraph(doc, line, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=INDENT)
    if printed.team:
        _paragraph(doc, "Кадровое обеспечение", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=4, keep_next=True)
        _grid_table(doc, ["Ф.И.О.", "Должность", "Направления деятельности"],
                    [[t.name, t.post, t.duties] for t in printed.team], [0.22, 0.38, 0.40], width)
    if printed.outcomes:
        _paragraph(doc, "Планируемые результаты и ожидаемые эффекты", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=4, keep_next=True)
        _grid_table(doc, ["Результаты", "Эффекты"], [[o.result, o.effect] for o in printed.outcomes], [0.55, 0.45], width)
    if printed.risks:
        _paragraph(doc, "Возможные риски", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=4, keep_next=True)
        _grid_table(doc, ["№ п/п", "Основные риски проекта", "Пути их минимизации"],
                    [[str(r.position), r.risk, r.mitigation] for r in printed.risks], [0.07, 0.40, 0.53], width)
    if printed.criteria:
        _paragraph(doc, "Критерии эффективности реализации проекта", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=4, keep_next=True)
        for line in printed.criteria:
            _paragraph(doc, line, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=INDENT)
    if printed.rows:
        if printed.passport or printed.team or printed.outcomes or printed.risks:
            _paragraph(doc, "Мероприятия", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=4, keep_next=True)
        _plan_table(doc, printed, width)
    for index, line in enumerate(printed.members, start=1):
        _paragraph(doc, f"{index}. {line}", align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=INDENT)
    if printed.clusters:
        _grid_table(doc, ["№", "Кластер", "Общеобразовательные организации"],
                    [[str(c["number"]), c["name"], "\n".join(c["schools"])] for c in printed.clusters], [0.08, 0.46, 0.46], width)
    for index, school in enumerate(printed.schools, start=1):
        _paragraph(doc, f"{index}. {school}", align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=INDENT)
    for line in printed.paragraphs:
        _paragraph(doc, line, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=INDENT)


def render_order_docx(order, *, verification=None) -> bytes:
    """The order as .docx bytes; `verification` (reports.pdf.Verification) puts the signed order's
    code and public address in the footer, as the PDF prints them on every page."""
    context = order_print_context(order)
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(TEXT_PT)
    # East Asian and complex-script fallbacks too, or Word shows Cyrillic in its default font.
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    # Narrow table columns read better hyphenated, as the PDF hyphenates them.
    doc.settings.element.append(OxmlElement("w:autoHyphenation"))
    section = doc.sections[0]
    _page(section, landscape=False)
    width = _content_width(section)
    if verification is not None:
        footer = section.footer.paragraphs[0]
        run = footer.add_run(
            f"{verification.line(order)}. Код проверки: {verification.code_grouped}. "
            f"Проверить подлинность: {verification.entry_url}"
        )
        run.font.size = Pt(8)
    elif not order.is_signed:
        section.footer.paragraphs[0].add_run("ПРОЕКТ").font.size = Pt(9)

    for line in context["header_lines"]:
        _paragraph(doc, line, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc, "")
    _paragraph(doc, order.get_kind_display().upper(), bold=True, size=16, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
    registration = doc.add_table(rows=1, cols=2)
    _no_borders(registration)
    _cell_text(registration.cell(0, 0), context["date_text"], size=TEXT_PT)
    _cell_text(registration.cell(0, 1), f"№ {context['number_text']}", size=TEXT_PT, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _widths(registration, [int(width / 2), int(width / 2)])
    if order.place:
        _paragraph(doc, order.place, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc, "")
    for line in context["title_lines"]:
        _paragraph(doc, line, bold=True)
    _paragraph(doc, "")
    for paragraph in context["preamble_paragraphs"]:
        _paragraph(doc, paragraph, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=INDENT)
    if order.operative_word:
        _paragraph(doc, order.operative_word, space_after=3)
    for point in context["points"]:
        _paragraph(doc, f"{point.number}. {point.text}", align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=INDENT, space_after=2)
    _paragraph(doc, "")
    _paragraph(doc, "")
    signature = doc.add_table(rows=1, cols=2)
    _no_borders(signature)
    _cell_text(signature.cell(0, 0), context["signatory_lines"], size=TEXT_PT)
    _cell_text(signature.cell(0, 1), order.signatory_name, size=TEXT_PT, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _widths(signature, [int(width * 0.65), int(width * 0.35)])

    for printed in context["appendices"]:
        _appendix(doc, context, printed)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
