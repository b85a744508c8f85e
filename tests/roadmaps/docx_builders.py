"""Build .docx and .xlsx plans for tests, laid out the way the source documents lay them out.

A layout is a list of blocks: ``P(text, bold)`` paragraphs and ``T(header, rows)`` tables. A
table's rows are lists of cell texts, or ``Span(text)`` for a row merged across the table, or
``Bold([...])`` for a row whose texts are bold. The three demo plans are laid out from
schnor_portal/demo/data/*.json (clean rows; the source's page-broken rows are not rebuilt):

- seed 000 (Omsk): a school table, «Раздел III» and a cluster list, then one table per cluster,
  each under its «N кластер - …» heading (a paragraph, or a merged first row) with its own header;
- seed 001 (Uglegorsk): order text, the plan's title, «Раздел I» / «Раздел II» paragraphs each
  above its own table; numbered sections as merged rows; part II has no executors column;
- seed 002 (Yakovlevsky): the project's risk and staff tables, then the plan table with bold
  «1.» | «Нормативно-правовое обеспечение» section rows.
"""

import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import docx
import openpyxl
from docx.shared import Pt
from openpyxl.styles import Font

DATA = Path(__file__).resolve().parents[2] / "schnor_portal" / "demo" / "data"


@dataclass
class P:
    text: str
    bold: bool = False


@dataclass
class Span:
    text: str
    bold: bool = False


@dataclass
class Bold:
    cells: list


@dataclass
class T:
    header: list  # one header row, or a list of header rows (for a two-row header)
    rows: list = field(default_factory=list)
    merge_header: list = field(default_factory=list)  # ((row, col), (row, col)) to merge


# --- demo data -------------------------------------------------------------------------------

def demo_plan(file, key=None):
    data = json.loads((DATA / f"{file}.json").read_text(encoding="utf-8"))
    plans = [p for p in data["plans"] if p.get("sections")]
    return next(p for p in plans if key is None or p["key"] == key)


def _walk(sections):
    for s in sections:
        yield s
        yield from _walk(s.get("children", []))


def expected_contract(plan):
    """The `import_plan --json` sections the demo plan must come back as."""
    return [
        {
            "number": s.get("number", ""),
            "title": s["title"],
            "tasks": s.get("tasks", "") or "",
            "indicators": s.get("indicators", "") or "",
            "activities": [
                {
                    "number": a["number"],
                    "content": a["content"],
                    "deadline": a["deadline"],
                    "executors": [{"level": e["level"], "name": e["name"]} for e in a["executors"]],
                    "result": a["result"],
                }
                for a in s.get("activities", [])
            ],
        }
        for s in _walk(plan["sections"])
    ]


def _row(a, columns):
    values = {
        "number": a["number"],
        "content": a["content"],
        "deadline": a["deadline"],
        "executors": a["executors_text"],
        "result": a["result"],
    }
    return [values[c] for c in columns]


OMSK_HEADER = ["№", "Содержание мероприятия", "сроки", "Ожидаемые результаты", "Ответственный исполнитель"]
OMSK_COLUMNS = ["number", "content", "deadline", "result", "executors"]


def omsk_layout(plan, *, headings="paragraph"):
    blocks = [
        P("Раздел II. Анализ результатов исследования ШНОР", bold=True),
        T(["№ п/п", "Наименование образовательной организации", "Общая численность обучающихся"],
          [["1", "БОУ «Калининская СОШ»", "80"], ["2", "БОУ «Цветочинская СОШ»", "112"]]),
        P("Исходя из полученных результатов, для реализации «дорожной» карты сформировано 4 кластера."),
        T(["Кластер", "ОО"], [[f"{c['number']} кластер: {c['name']}", ""] for c in plan["clusters"]]),
        P("Раздел III. Целевые ориентиры и индикаторы с учетом кластеризации", bold=True),
    ]
    for s in plan["sections"]:
        rows = [_row(a, OMSK_COLUMNS) for a in s["activities"]]
        if headings == "paragraph":
            blocks += [P(s["title"]), T(OMSK_HEADER, rows)]
        else:  # the heading as a merged row above the table's own header
            blocks.append(T([], [Span(s["title"]), OMSK_HEADER, *rows]))
        blocks.append(P(""))
    return blocks


def uglegorsk_layout(plan):
    blocks = [
        P("ПРИКАЗ", bold=True),
        P("ПРИКАЗЫВАЮ:"),
        P("1. Признать утратившим силу приказ Управления образования от 28.06.2024 № 204-А."),
        P("2. Утвердить Муниципальную дорожную карту по сопровождению ШНОР (прилагается)."),
        P("Муниципальная дорожная карта по сопровождению ШНОР и переводу школ в эффективный режим "
          "функционирования в 2025 году", bold=True),
    ]
    headers = {
        "I": (["№ п/п", "Мероприятия", "Сроки", "Ответственные", "Планируемый результат"],
              ["number", "content", "deadline", "executors", "result"]),
        "II": (["№ п/п", "Основные мероприятия", "Сроки исполнения", "Ожидаемый результат"],
               ["number", "content", "deadline", "result"]),
    }
    for part in plan["sections"]:
        header, columns = headers[part["number"]]
        rows = []
        for s in part["children"]:
            rows.append(Span(f"{s['number']}. {s['title']}"))
            rows += [_row(a, columns) for a in s["activities"]]
        blocks += [P(part["title"]), T(header, rows), P("")]
    return blocks


def yakovlevsky_layout(plan):
    blocks = [
        P("Раздел VI. Возможные риски", bold=True),
        T(["№ п/п", "Основные риски проекта", "Пути их минимизации"],
          [["1", "- инертность группы педагогов", "убеждение в необходимости перемен"]]),
        T(["Ф.И.О.", "Должность", "Направления деятельности"],
          [["Новикова В.В.", "Начальник управления образования", "Общая координация"]]),
        P("План - график («дорожная карта») по оказанию методической поддержки общеобразовательным "
          "организациям, имеющим низкие образовательные результаты обучающихся", bold=True),
    ]
    columns = ["number", "content", "deadline", "executors", "result"]
    rows = []
    for s in plan["sections"]:
        rows.append(Bold([s["number"], s["title"], "", "", ""]))
        rows += [_row(a, columns) for a in s["activities"]]
    blocks.append(T(["№", "Мероприятия", "Сроки реализации", "Ответственный", "Ожидаемый результат"], rows))
    return blocks


DEMO_LAYOUTS = {
    "omsk": omsk_layout,
    "uglegorsk": uglegorsk_layout,
    "yakovlevsky": yakovlevsky_layout,
}


# --- writers ---------------------------------------------------------------------------------

def _set(cell, text, bold=False):
    cell.text = ""
    lines = str(text).split("\n")
    paragraph = cell.paragraphs[0]
    for i, line in enumerate(lines):
        if i:
            paragraph = cell.add_paragraph()
        run = paragraph.add_run(line)
        run.bold = bold or None


def build_docx(blocks) -> bytes:
    document = docx.Document()
    document.styles["Normal"].font.size = Pt(10)
    for block in blocks:
        if isinstance(block, P):
            paragraph = document.add_paragraph()
            paragraph.add_run(block.text).bold = block.bold or None
            continue
        headers = block.header if block.header and isinstance(block.header[0], list) else [block.header] if block.header else []
        width = max([len(h) for h in headers] + [len(r) for r in block.rows if isinstance(r, list)] + [1])
        table = document.add_table(rows=0, cols=width)
        table.style = "Table Grid"
        for header in headers:
            cells = table.add_row().cells
            for i, text in enumerate(header):
                _set(cells[i], text, bold=True)
        for (r1, c1), (r2, c2) in block.merge_header:
            a, b = table.cell(r1, c1), table.cell(r2, c2)
            text = a.text
            _set(a.merge(b), text, bold=True)
        for row in block.rows:
            cells = table.add_row().cells
            if isinstance(row, Span):
                _set(cells[0].merge(cells[-1]), row.text, bold=row.bold)
            elif isinstance(row, Bold):
                for i, text in enumerate(row.cells):
                    _set(cells[i], text, bold=True)
            else:
                for i, text in enumerate(row):
                    _set(cells[i], text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def build_xlsx(blocks, *, sheet_title="План") -> bytes:
    """All tables on one sheet, one under another; paragraphs as rows of their own."""
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = sheet_title
    r = 1
    width = max((len(b.header) for b in blocks if isinstance(b, T) and b.header and not isinstance(b.header[0], list)),
                default=5)
    for block in blocks:
        if isinstance(block, P):
            if block.text:
                ws.cell(r, 1, block.text).font = Font(bold=block.bold)
                r += 1
            continue
        headers = block.header if block.header and isinstance(block.header[0], list) else [block.header] if block.header else []
        top = r
        for header in headers:
            for i, text in enumerate(header, start=1):
                ws.cell(r, i, text).font = Font(bold=True)
            r += 1
        for (r1, c1), (r2, c2) in block.merge_header:
            ws.merge_cells(start_row=top + r1, start_column=c1 + 1, end_row=top + r2, end_column=c2 + 1)
        for row in block.rows:
            if isinstance(row, Span):
                ws.cell(r, 1, row.text).font = Font(bold=row.bold)
                ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
            elif isinstance(row, Bold):
                for i, text in enumerate(row.cells, start=1):
                    if text:
                        ws.cell(r, i, text).font = Font(bold=True)
            else:
                for i, text in enumerate(row, start=1):
                    if text != "":
                        ws.cell(r, i, text)
            r += 1
        r += 1  # a blank row between tables
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def demo_docx(file, **options) -> bytes:
    return build_docx(DEMO_LAYOUTS[file](demo_plan(file), **options))


def demo_xlsx(file) -> bytes:
    return build_xlsx(DEMO_LAYOUTS[file](demo_plan(file)))


def big_plan_docx(rows=200) -> bytes:
    """A plan of `rows` activities in sections of ten, for timing the preview."""
    plan = demo_plan("uglegorsk")
    source = [a for s in _walk(plan["sections"]) for a in s.get("activities", []) if a["executors_text"]]
    table_rows = []
    for i in range(rows):
        if i % 10 == 0:
            table_rows.append(Span(f"{i // 10 + 1}. Раздел плана номер {i // 10 + 1}"))
        a = source[i % len(source)]
        table_rows.append([f"{i // 10 + 1}.{i % 10 + 1}", a["content"], a["deadline"], a["executors_text"], a["result"]])
    return build_docx([
        P("Дорожная карта по сопровождению ШНОР на 2025 год", bold=True),
        T(["№ п/п", "Мероприятия", "Сроки", "Ответственные", "Планируемый результат"], table_rows),
    ])
