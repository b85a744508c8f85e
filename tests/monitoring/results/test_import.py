"""Importing results from Excel: the parser in both layouts, every error kind named by its cell, the
preview against the database, all-or-nothing saving, stale previews and other municipalities refused.

The 002 case builds a real .xlsx of the project's «Результаты ЕГЭ» table as Word → Excel gives it
(merged school names over their three years, «202 1» years, decimal commas turned into numbers,
«-» and empty cells) and checks the import yields exactly the demo's rows for it.
"""

import io
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from monitoring.models import ExamResult, Procedure, ReferenceResult
from monitoring.results.importers.cells import PROCEDURE_LABELS
from monitoring.results.importers.parsed import ParsedResult
from monitoring.results.importers.sheets import read_workbook
from monitoring.results.importers.workbook import parse_results
from monitoring.results.services import exam_result_import, exam_result_import_preview
from monitoring.results.views.imports import IMPORT_SALT
from schools.lists.importer import SchoolRef
from tests import factories as f

DEMO = json.loads((Path(__file__).resolve().parents[3] / "schnor_portal/demo/data/yakovlevsky.json").read_text(encoding="utf-8"))

# The «Результаты ЕГЭ» table of seed 002 as the document prints it: one string per row, cells split by tabs.
EGE_002 = [
    "Учебный предмет\tСредний балл\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t",
    "\tЯСОШ\t\t\tНСОШ 1\t\t\tНСОШ 2\t\t\tВСОШ 1\t\t\tВСОШ 2\t\t\tЯблон. филиал\t\t\tБельц. филиал\t\t",
    "\t202 1\t202 2\t202 3\t202 1\t202 2\t202 3\t202 1\t202 2\t202 3\t202 1\t202 2\t202 3\t202 1\t202 2\t202 3\t202 1\t202 2\t202 3\t202 1\t202 2\t202 3",
    "Русский язык 66,17/65,15/64,89\t68,4\t63,9\t72,1\t63,3\t68,6\t60,7\t46,4\t-\t63,5\t65,3\t71\t64\t73,3\t58,2\t-\t68,6\t47,3\t61,5\t-\t36\t43,5",
    "Математика (база)\t\t3,3\t3,9\t\t3,8\t3,7\t\t-\t4\t\t-\t-\t\t4\t-\t\t4\t4\t-\t4\t4",
    "Математика (профиль) 45,37/46,58/49,11\t42,7\t47,3\t54,6\t37,6\t52,5\t33,8\t\t-\t49\t50,5\t38\t22\t48,7\t41,2\t-\t44,8\t-\t36,3\t-\t-\t-",
    "Физика\t43,3\t44,8\t44,8\t32,3\t60,3\t32,5\t\t-\t29\t46\t38,5\t-\t36\t45\t-\t\t39\t-\t-\t-\t-",
    "Химия\t44\t54,3\t-\t41\t62\t26\t21\t-\t25,7\t60\t-\t-\t33\t-\t-\t36\t-\t33\t-\t-\t-",
    "Информатика\t70\t47\t56,3\t95\t-\t43\t\t-\t-\t\t48\t-\t\t-\t-\t75\t51\t43\t-\t-\t-",
    "Биология\t33,7\t44\t-\t45\t40,5\t42\t33,5\t-\t37\t50\t-\t-\t39\t42\t-\t42,3\t-\t40\t-\t-\t-",
    "История\t\t40,5\t46\t64,8\t75,8\t69,3\t\t-\t-\t\t-\t-\t\t-\t-\t\t47\t-\t-\t19\t-",
    "География\t\t-\t-\t69\t26,5\t-\t41\t-\t-\t\t-\t-\t\t-\t-\t\t-\t-\t-\t-\t-",
    "Английский язык\t\t66,5\t-\t80,5\t59\t61\t\t-\t-\t\t-\t23\t\t-\t-\t\t-\t-\t-\t-\t-",
    "Обществознание\t43\t45,2\t46,8\t58\t64\t45,7\t\t-\t-\t49\t61,3\t47\t50\t50\t-\t47\t-\t-\t-\t13\t-",
    "Литература\t\t35,5\t-\t61\t-\t-\t3\t-\t-\t\t-\t-\t\t-\t-\t61\t-\t-\t-\t-\t-",
]

# Its two «Результаты ОГЭ» tables (the branches with the region's «Край» column, then the schools; the
# document's italics dropped).
OGE_002_BRANCHES = [
    "Учебный предмет\tСредний балл\t\t\t\t\t\t\t\t\t\t\t",
    "\tЯблоновский филиал\t\t\tБельцовский филиал\t\t\tПокровский филиал\t\t\tКрай\t\t",
    "\t2021\t2022\t2023\t2021\t2022\t2023\t2021\t2022\t2023\t2021\t2022\t2023",
    "Русский язык\t3,9\t4,1\t3,7\t3,3\t4,0\t3,7\t3,6\t3,4\t4,0\t3,68\t3,93\t",
    "Математика\t3,5\t3,6\t3,3\t3,5\t3,5\t3,4\t3,2\t3,0\t3,5\t3,28\t3,28\t",
    "Физика\t\t3,0\t-\t\t3,0\t4,0\t\t3,0\t4,0\t\t\t",
    "Химия\t\t-\t-\t\t-\t-\t\t4,0\t-\t\t\t",
    "Информатика\t\t3,6\t3,7\t\t-\t-\t\t-\t-\t\t\t",
    "Биология\t\t4,0\t4,0\t\t3,7\t3,4\t\t3,4\t4,0\t\t\t",
    "История\t\t-\t-\t\t-\t-\t\t-\t-\t\t\t",
    "География\t\t4,0\t-\t\t3,8\t3,9\t\t3,5\t3,7\t\t\t",
    "Английский язык\t\t-\t-\t\t-\t-\t\t-\t-\t\t\t",
    "Обществознание\t\t3,0\t3,1\t\t4,0\t4,0\t\t3,0\t3,7\t\t\t",
    "Литература\t\t-\t-\t\t-\t-\t\t-\t-",
]
OGE_002_SCHOOLS = [
    "Учебный предмет\tСредний балл\t\t\t\t\t\t\t\t\t\t\t\t\t\t",
    "\tЯСОШ\t\t\tНСОШ 1\t\t\tНСОШ 2\t\t\tВСОШ 1\t\t\tВСОШ 2\t\t",
    "\t2021\t2022\t2023\t2021\t2022\t2023\t2021\t2022\t2023\t2021\t2022\t2023\t2021\t2022\t2023",
    "Русский язык\t3,9\t4,2\t4,1\t3,8\t4,1\t4,4\t3,9\t3,6\t3,5\t3,8\t3,8\t4,0\t3,7\t3,6\t3,9",
    "Математика\t3,3\t3,7\t3,6\t3,2\t3,4\t3,6\t3,4\t3,1\t3,4\t3,2\t3,3\t3,4\t3,3\t3,2\t3,8",
    "Физика\t\t3,3\t3,7\t\t3,5\t-\t\t3,0\t3,0\t\t-\t-\t\t3,5\t3,3",
    "Химия\t\t4,2\t4,2\t\t3,5\t3,5\t\t-\t-\t\t4,3\t-\t\t-\t5,0",
    "Информатика\t\t3,4\t3,6\t\t3,3\t3,0\t\t3,5\t-\t\t4,0\t3,1\t\t-\t3,5",
    "Биология\t\t4,2\t3,9\t\t3,3\t4,0\t\t3,0\t3,3\t\t3,5\t5,0\t\t3,0\t4,0",
    "История\t\t3,6\t4,6\t\t4,0\t3,0\t\t-\t-\t\t-\t-\t\t-\t-",
    "География\t\t4,0\t3,8\t\t3,8\t3,7\t\t4,1\t3,4\t\t3,9\t3,3\t\t3,3\t-",
    "Английский язык\t\t-\t4,5\t\t5,0\t4,0\t\t-\t4,0\t\t-\t-\t\t-\t4,3",
    "Обществознание\t\t3,5\t3,7\t\t3,4\t3,1\t\t3,2\t3,7\t\t3,1\t3,4\t\t3,2\t3,2",
    "Литература\t\t5,0\t-\t\t-\t-\t\t-\t-\t\t-\t-\t\t-\t-",
]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_HEADER = ["ОО", "Процедура", "Предмет", "Класс", "Год", "Средний балл", "Доля не справившихся, %", "Участников"]
KALININSKAYA = SchoolRef(
    pk=1,
    short_name="БОУ «Калининская СОШ»",
    full_name="Бюджетное общеобразовательное учреждение «Калининская средняя общеобразовательная школа»",
    abbreviation="КСОШ",
)


def _excel_value(text):
    """What Excel with Russian settings makes of a pasted cell: «68,4» a number; «202 1» and «-» stay text."""
    if not text:
        return None
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        return text
    return int(number) if number.is_integer() else number


def xlsx(*sheets, merged=None, percent=()):
    """An .xlsx of (title, rows) sheets; `merged` maps a title to ranges, `percent` lists (title, cell)."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        ws = workbook.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None and value != "":
                    ws.cell(r, c, value)
        for rng in (merged or {}).get(title, ()):
            ws.merge_cells(rng)
    for title, cell in percent:
        workbook[title][cell].number_format = "0.0%"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ege_002_xlsx(title="Лист1"):
    """The 002 ЕГЭ table as Word → Excel gives it: the subject header merged down three rows, «Средний
    балл» across, each school's name merged over its three years; years as text «202 1»."""
    rows = [line.split("\t") for line in EGE_002]
    grid = [row if r < 3 else [row[0]] + [_excel_value(cell) for cell in row[1:]] for r, row in enumerate(rows)]
    merged = ["A1:A3", "B1:V1"] + [f"{a}2:{b}2" for a, b in zip("BEHKNQT", "DGJMPSV")]
    return xlsx((title, grid), merged={title: merged})


def document_002_xlsx():
    """The three results tables of 002 on one sheet, one under another, each under its caption, as the
    whole section would be pasted from Word: merged school names, a blank row between tables."""
    rows, merged = [], []
    for caption, table in (("Результаты ЕГЭ", EGE_002), ("Результаты ОГЭ", OGE_002_BRANCHES), ("Результаты ОГЭ", OGE_002_SCHOOLS)):
        rows += [[caption], []]
        top = len(rows) + 1
        cells = [line.split("\t") for line in table]
        rows += [row if i < 3 else [row[0]] + [_excel_value(cell) for cell in row[1:]] for i, row in enumerate(cells)]
        last = openpyxl.utils.get_column_letter(len(cells[2]))
        merged += [f"A{top}:A{top + 2}", f"B{top}:{last}{top}"]
        for start in range(2, len(cells[2]) + 1, 3):
            first, end = openpyxl.utils.get_column_letter(start), openpyxl.utils.get_column_letter(start + 2)
            merged.append(f"{first}{top + 1}:{end}{top + 1}")
        rows.append([])
    return xlsx(("Раздел II", rows), merged={"Раздел II": merged})


def parse(content, schools=(KALININSKAYA,), procedure="ege", grade=None):
    return parse_results(read_workbook(content), schools=schools, procedure=procedure, grade=grade)


def template_file(*rows, references=()):
    sheets = [("Результаты", [TEMPLATE_HEADER, *rows])]
    if references:
        sheets.append(("Средние", [["Уровень", "Процедура", "Предмет", "Класс", "Год", "Средний балл", "Доля не справившихся, %"], *references]))
    return xlsx(*sheets)


def demo_school_refs():
    return [SchoolRef(pk=i, short_name=s["short_name"], full_name=s["full_name"], abbreviation=s["abbreviation"]) for i, s in enumerate(DEMO["schools"], start=1)]


def demo_rows(procedure):
    """(school key, subject, grade, year, score, participants) of every demo cell of a procedure."""
    return sorted(
        (r["school"], r["subject"], r["grade"], r["year"], None if r["average_score"] is None else Decimal(r["average_score"]), r["participants"])
        for r in DEMO["exam_results"]
        if r["procedure"] == procedure
    )


def demo_region_averages(procedure):
    return sorted(
        (r["subject"], r["grade"], r["year"], Decimal(r["average_score"]))
        for r in DEMO["reference_results"]
        if r["procedure"] == procedure and r["level"] == "region"
    )


# ------------------------------------------------------------------------------------ parser


def test_it_keeps_the_procedure_codes_of_the_model():
    assert PROCEDURE_LABELS == dict(Procedure.choices)


def test_it_reads_the_002_ege_table_cell_for_cell():
    refs = demo_school_refs()
    keys = {i: s["key"] for i, s in enumerate(DEMO["schools"], start=1)}
    result = parse(ege_002_xlsx(), schools=refs, procedure="ege")
    assert result.ok, result.errors
    read = sorted(
        (keys[r.school_id], r.subject, r.grade, r.year, r.average_score, 0 if r.nobody else r.participants) for r in result.results
    )
    assert read == demo_rows("ege")
    assert sorted((r.subject, r.grade, r.year, r.average_score) for r in result.references) == demo_region_averages("ege")
    assert {r.level for r in result.references} == {"region"}
    (table,) = result.tables
    assert (table.layout, table.procedure_label, table.grade, table.area) == ("wide", "ЕГЭ", 11, "A1:V15")
    assert "«Яблон. филиал» (Q2) → Яблоновский филиал" in table.columns


def test_it_reads_all_three_tables_of_002_from_one_sheet_as_the_demo_holds_them():
    keys = {i: s["key"] for i, s in enumerate(DEMO["schools"], start=1)}
    result = parse(document_002_xlsx(), schools=demo_school_refs(), procedure="vpr", grade=5)
    assert result.ok, result.errors
    assert [(t.procedure_label, t.grade, t.procedure_source) for t in result.tables] == [
        ("ЕГЭ", 11, "из заголовка «Результаты ЕГЭ Учебный предмет Средний балл»"),
        ("ОГЭ", 9, "из заголовка «Результаты ОГЭ Учебный предмет Средний балл»"),
        ("ОГЭ", 9, "из заголовка «Результаты ОГЭ Учебный предмет Средний балл»"),
    ]
    for procedure in ("ege", "oge"):
        read = sorted(
            (keys[r.school_id], r.subject, r.grade, r.year, r.average_score, 0 if r.nobody else r.participants)
            for r in result.results
            if r.procedure == procedure
        )
        assert read == demo_rows(procedure)
        averages = sorted((r.subject, r.grade, r.year, r.average_score) for r in result.references if r.procedure == procedure)
        assert averages == demo_region_averages(procedure)
    assert len(result.results) == len(DEMO["exam_results"]) and len(result.references) == len(DEMO["reference_results"])


def test_it_matches_shortened_words_to_the_school_name():
    branches = [
        SchoolRef(pk=1, short_name="Яблоновский филиал", full_name="Яблоновский филиал"),
        SchoolRef(pk=2, short_name="Бельцовский филиал", full_name="Бельцовский филиал"),
        SchoolRef(pk=3, short_name="МБОУ СОШ № 1 с. Новосысоевка", full_name="", abbreviation="НСОШ 1"),
    ]
    rows = [
        ["Учебный предмет", "Средний балл"],
        [None, "Яблон. филиал", None, "Бельц.филиал", None, "НСОШ 1", None],
        [None, "2022", "2023", "2022", "2023", "2022", "2023"],
        ["Русский язык", 47.3, 61.5, 36, 43.5, 68.6, 60.7],
    ]
    result = parse(xlsx(("ЕГЭ", rows), merged={"ЕГЭ": ["B2:C2", "D2:E2", "F2:G2"]}), schools=branches)
    assert result.ok, result.errors
    assert {(r.school_id, r.year): r.average_score for r in result.results} == {
        (1, 2022): Decimal("47.3"), (1, 2023): Decimal("61.5"), (2, 2022): Decimal("36"),
        (2, 2023): Decimal("43.5"), (3, 2022): Decimal("68.6"), (3, 2023): Decimal("60.7"),
    }


def test_it_reads_the_wide_layout_without_merged_cells_and_with_region_and_municipal_columns():
    """The ОГЭ table of 002 with a «Край» column, saved without merging: a name holds until the next one."""
    rows = [
        ["Результаты ОГЭ"],
        [],
        ["Учебный предмет", "Средний балл"],
        [None, "Калининская СОШ", None, "Край", None, "Район", None],
        [None, 2021, 2022, "2021", "2022", "2021", "2022"],
        ["Русский язык", "3,9", "4,1", "3,68", "3,93", "3,8", None],
        ["Математика", 3.5, "-", 3.28, "-", None, None],
    ]
    result = parse(xlsx(("Лист1", rows)), procedure="ege")  # the caption says ОГЭ: it wins
    assert result.ok, result.errors
    assert {(r.subject, r.year, r.grade): (r.average_score, r.nobody) for r in result.results} == {
        ("Русский язык", 2021, 9): (Decimal("3.9"), False),
        ("Русский язык", 2022, 9): (Decimal("4.1"), False),
        ("Математика", 2021, 9): (Decimal("3.5"), False),
        ("Математика", 2022, 9): (None, True),
    }
    assert {r.procedure for r in result.results} == {"oge"}
    assert sorted((r.level, r.subject, r.year, r.average_score) for r in result.references) == [
        ("municipality", "Русский язык", 2021, Decimal("3.8")),
        ("region", "Математика", 2021, Decimal("3.28")),
        ("region", "Русский язык", 2021, Decimal("3.68")),
        ("region", "Русский язык", 2022, Decimal("3.93")),
    ]
    assert result.tables[0].procedure_source.startswith("из заголовка")


def test_it_reads_several_tables_on_one_sheet_each_with_its_procedure():
    rows = [
        ["Результаты ЕГЭ"],
        ["Учебный предмет", "Средний балл"],
        [None, "КСОШ", None],
        [None, 2022, 2023],
        ["Русский язык", 68.4, 72.1],
        [],
        ["Результаты ОГЭ"],
        ["Учебный предмет", "Средний балл"],
        [None, "КСОШ", None],
        [None, 2022, 2023],
        ["Русский язык", 4.1, 3.7],
    ]
    result = parse(xlsx(("Лист1", rows)))
    assert result.ok, result.errors
    assert sorted((r.procedure, r.grade, r.year, r.average_score) for r in result.results) == [
        ("ege", 11, 2022, Decimal("68.4")),
        ("ege", 11, 2023, Decimal("72.1")),
        ("oge", 9, 2022, Decimal("4.1")),
        ("oge", 9, 2023, Decimal("3.7")),
    ]


def test_it_reads_the_template_with_dashes_shares_participants_and_averages():
    content = xlsx(
        ("Результаты", [
            TEMPLATE_HEADER,
            ["КСОШ", "ЕГЭ", "Математика профиль", "", "2023", "54,6", "12,5", 14],
            ["Калининская СОШ", "ОГЭ", "Русский язык", 9, 2023, "-", None, 0],
            ["БОУ «Калининская СОШ»", "", "Физика", None, 2022, None, 0.2, None],
            ["КСОШ", "ЕГЭ", "Химия", 11, 2022, None, None, None],  # no value: no data
        ]),
        ("Средние", [
            ["Уровень", "Процедура", "Предмет", "Класс", "Год", "Средний балл", "Доля не справившихся, %"],
            ["регион", "ЕГЭ", "Математика (профиль)", 11, 2023, "49,11", None],
            ["Район", "ОГЭ", "Русский язык", "9 класс", 2023, 3.9, "-"],
        ]),
        percent=[("Результаты", "G4")],
    )
    result = parse(content)
    assert result.ok, result.errors
    rows = {(r.procedure, r.subject): r for r in result.results}
    assert (rows["ege", "Математика (профиль)"].average_score, rows["ege", "Математика (профиль)"].failed_share) == (Decimal("54.6"), Decimal("12.5"))
    assert rows["ege", "Математика (профиль)"].participants == 14 and rows["ege", "Математика (профиль)"].grade == 11
    assert rows["oge", "Русский язык"].nobody and rows["oge", "Русский язык"].participants == 0
    # An empty «Процедура» is the chosen one; a cell formatted «20,0 %» holds 0,2.
    assert rows["ege", "Физика"].failed_share == Decimal("20.0") and rows["ege", "Физика"].average_score is None
    assert result.empty_rows == 1
    assert sorted((r.level, r.procedure, r.grade, r.average_score) for r in result.references) == [
        ("municipality", "oge", 9, Decimal("3.9")),
        ("region", "ege", 11, Decimal("49.11")),
    ]


@pytest.mark.parametrize(
    "column, value, cell, shown, reason",
    [
        (5, 101, "F3", "101", "больше максимума шкалы: балл — не больше 100."),
        (5, "68,4 балла", "F3", "68,4 балла", "не число;"),
        (6, 120, "G3", "120", "доля — от 0 до 100 %."),
        (7, 2.5, "H3", "2,5", "число участников — целое, не меньше 0."),
        (7, -3, "H3", "-3", "число участников — целое, не меньше 0."),
        (4, "23", "E3", "23", "год — четыре цифры, например 2023."),
        (4, 1999, "E3", "1999", "год — от 2000 до 2100."),
        (3, 12, "D3", "12", "класс — число от 1 до 11."),
        (2, "Матиматика", "C3", "Матиматика", "предмет не распознан; возможно, «Математика»."),
        (0, "Калининская ООШ", "A3", "Калининская ООШ", "ОО не найдена среди школ муниципалитета; возможно: «БОУ «Калининская СОШ»»."),
        (1, "ЕГЕ", "B3", "ЕГЕ", "неизвестная процедура;"),
    ],
)
def test_it_names_the_cell_of_every_bad_value(column, value, cell, shown, reason):
    row = ["КСОШ", "ЕГЭ", "Русский язык", 11, 2023, 68.4, 5, 12]
    row[column] = value
    result = parse(template_file(["КСОШ", "ЕГЭ", "Физика", 11, 2023, 44.8, None, None], row))
    assert not result.ok
    assert len(result.cell_errors) == 1, result.errors
    assert result.cell_errors[0].cell == cell
    assert result.errors[0].startswith(f"Лист «Результаты», ячейка {cell} («{shown}»): {reason}")


def test_it_refuses_a_mark_above_five():
    result = parse(template_file(["КСОШ", "ОГЭ", "Русский язык", 9, 2023, 5.5, None, None]))
    assert [e.text for e in result.cell_errors] == ["Лист «Результаты», ячейка F2 («5,5»): больше максимума шкалы: отметка — не больше 5."]


def test_it_refuses_formulas():
    result = parse(template_file(["КСОШ", "ЕГЭ", "Русский язык", 11, 2023, "=60+8.4", None, None]))
    assert [(e.cell, e.value) for e in result.cell_errors] == [("F2", "=60+8.4")]
    assert "формулы не принимаются, вставьте значения" in result.errors[0]


def test_it_refuses_a_result_given_twice():
    result = parse(template_file(
        ["КСОШ", "ЕГЭ", "Русский язык", 11, 2023, 68.4, None, None],
        ["Калининская СОШ", "ЕГЭ", "Рус. язык", 11, 2023, 70, None, None],
    ))
    assert len(result.cell_errors) == 1
    assert result.cell_errors[0].cell == "A3"
    assert "уже в ячейке A2 листа «Результаты»" in result.errors[0]


def test_it_refuses_a_dash_beside_a_score_or_participants_beside_nobody():
    result = parse(template_file(
        ["КСОШ", "ЕГЭ", "Русский язык", 11, 2023, "-", 12, None],
        ["КСОШ", "ЕГЭ", "Физика", 11, 2023, 44.8, None, 0],
    ))
    assert [e.cell for e in result.cell_errors] == ["F2", "H3"]
    assert "«-» (никто не сдавал) в одной строке со значением в ячейке G2" in result.errors[0]
    assert "участников 0, а средний балл или доля указаны" in result.errors[1]


def test_it_names_bad_cells_of_the_wide_layout():
    rows = [
        ["Учебный предмет", "Средний балл"],
        [None, "КСОШ", None, None],
        [None, "202 1", "202 2", "202 3"],
        ["Русский язык 66,17/65,15", 68.4, "6З,9", 72.1],  # a Cyrillic «З» for the 3
        ["Физика", 43.3, 144.8, None],
        ["Матем.", 3, 4, None],
    ]
    result = parse(xlsx(("ЕГЭ", rows)))
    assert [e.text for e in result.cell_errors] == [
        "Лист «ЕГЭ», ячейка A4 («Русский язык 66,17/65,15»): после предмета 2 средних по региону, а лет в таблице 3 (2021, 2022, 2023): пишите по одному на каждый год через «/».",
        "Лист «ЕГЭ», ячейка C4 («6З,9»): не число; пишите число с запятой («68,4»), «-» — если никто не сдавал, или оставьте пустым.",
        "Лист «ЕГЭ», ячейка C5 («144,8»): больше максимума шкалы: балл — не больше 100.",
        "Лист «ЕГЭ», ячейка A6 («Матем.»): предмет не распознан; возможно, «Математика».",
    ]


def test_it_names_every_mistake_in_one_go_even_under_an_unknown_school():
    rows = [
        [None, "ЯСШ", None],
        [None, 2022, 2023],
        ["Физика", 144.8, "=40+4.8"],
    ]
    result = parse(xlsx(("ЕГЭ", rows)))
    expected = [
        ("B1", "ОО не найдена среди школ муниципалитета"),
        ("B3", "больше максимума шкалы"),
        ("C3", "формулы не принимаются, вставьте значения"),
    ]
    assert [e.cell for e in result.cell_errors] == [cell for cell, _ in expected]
    assert all(e.message.startswith(start) for e, (_, start) in zip(result.cell_errors, expected)), result.errors
    assert not result.results


def test_it_says_when_there_is_no_table_at_all():
    result = parse(xlsx(("Лист1", [["Пояснительная записка"], ["Результаты см. в приложении"]])))
    assert not result.ok and "не найдено ни одной таблицы результатов" in result.file_errors[0]
    assert result.skipped_sheets == ["Лист1"]


def test_it_needs_a_grade_for_a_procedure_without_a_usual_one():
    rows = [["Предмет"], [None, "КСОШ", None], [None, 2022, 2023], ["Математика", 3.5, 4]]
    assert "не указан класс для ВПР" in parse(xlsx(("Лист1", rows)), procedure="vpr").errors[0]
    result = parse(xlsx(("Лист1", rows)), procedure="vpr", grade=5)
    assert result.ok and {r.grade for r in result.results} == {5}


# ------------------------------------------------------------------------------------ pages and saving


def upload(client, content, *, name="Результаты.xlsx", procedure="ege", grade=""):
    return client.post(
        reverse("results:result_import"),
        {"file": SimpleUploadedFile(name, content, content_type=XLSX), "procedure": procedure, "grade": grade},
    )


def confirm(client, preview_response):
    return client.post(reverse("results:result_import_confirm"), {"payload": preview_response.context["payload"]})


@pytest.fixture
def yakovlevsky(db):
    """An empty municipality with the schools of the Yakovlevsky demo, named as the demo names them."""
    from accounts.models import Role

    muni = f.MunicipalityFactory(name="Яковлевский муниципальный округ (проверка импорта)")
    schools = {
        s["key"]: f.SchoolFactory(
            municipality=muni, short_name=s["short_name"], full_name=s["full_name"], abbreviation=s["abbreviation"], kind=s["kind"]
        )
        for s in DEMO["schools"]
    }
    coordinator = f.UserFactory(username="coordinator_yak_test", role=Role.COORDINATOR, municipality=muni)
    return muni, schools, coordinator


def test_the_002_ege_table_imports_into_exactly_the_demo_rows(client, yakovlevsky):
    muni, schools, coordinator = yakovlevsky
    client.force_login(coordinator)
    preview = upload(client, ege_002_xlsx(), procedure="ege")
    assert preview.status_code == 200, preview.context["parsed"].errors
    assert len(preview.context["preview"].creates) == len(demo_rows("ege")) + len(demo_region_averages("ege"))
    response = confirm(client, preview)
    assert response.status_code == 302 and response.url == reverse("results:result_list")

    key_of = {school.pk: key for key, school in schools.items()}
    saved = sorted(
        (key_of[r.school_id], r.subject, r.grade, r.year, r.average_score, r.participants)
        for r in ExamResult.objects.filter(school__municipality=muni)
    )
    assert saved == demo_rows("ege")
    assert not ExamResult.objects.filter(school__municipality=muni).exclude(procedure="ege").exists()
    assert not ExamResult.objects.filter(school__municipality=muni, failed_share__isnull=False).exists()
    averages = sorted(
        (r.subject, r.grade, r.year, r.average_score) for r in ReferenceResult.objects.filter(region=muni.region, procedure="ege")
    )
    assert averages == demo_region_averages("ege")
    assert not ReferenceResult.objects.filter(level="municipality", municipality=muni).exists()

    # The same file again: every value is already there, nothing to save.
    again = upload(client, ege_002_xlsx(), procedure="ege")
    assert again.context["preview"].has_writes is False and again.context["payload"] == ""
    assert len(again.context["preview"].unchanged) == len(demo_rows("ege")) + len(demo_region_averages("ege"))


def test_the_preview_shows_what_is_created_changed_and_kept(client, cast):
    ExamResult.objects.create(school=cast.school_a, procedure="ege", subject="Русский язык", grade=11, year=2022, average_score=60, participants=12)
    ExamResult.objects.create(school=cast.school_a, procedure="ege", subject="Физика", grade=11, year=2022, average_score=44.8)
    client.force_login(cast.coordinator)
    rows = [
        ["Учебный предмет", "Средний балл"],
        [None, "Калининская СОШ", None],
        [None, 2022, 2023],
        ["Русский язык", 63.9, 72.1],
        ["Физика", 44.8, "-"],
    ]
    response = upload(client, xlsx(("ЕГЭ", rows)))
    preview = response.context["preview"]
    assert [(c.subject, c.year) for c in preview.updates] == [("Русский язык", 2022)]
    change = preview.updates[0]
    assert (change.old.average_score, change.new.average_score) == (Decimal("60"), Decimal("63.9"))
    assert change.new.participants == 12  # the wide table gives no participants: the stored count stays
    assert change.differs_score and not change.differs_participants
    assert sorted((c.subject, c.year) for c in preview.creates) == [("Русский язык", 2023), ("Физика", 2023)]
    assert [(c.subject, c.year) for c in preview.unchanged] == [("Физика", 2022)]
    html = response.content.decode()
    assert "Будет изменено: 1" in html and "Будет добавлено: 2" in html and "Без изменений: 1" in html
    assert "<s class=\"text-muted\">60</s> → <b>63,9</b>" in html

    confirm(client, response)
    stored = ExamResult.objects.get(school=cast.school_a, subject="Русский язык", year=2022)
    assert (stored.average_score, stored.participants) == (Decimal("63.9"), 12)
    assert stored.history.first().history_user == cast.coordinator
    nobody = ExamResult.objects.get(school=cast.school_a, subject="Физика", year=2023)
    assert nobody.nobody_took_it


def test_a_file_with_one_bad_cell_saves_nothing(client, cast):
    client.force_login(cast.coordinator)
    content = template_file(
        ["Калининская СОШ", "ЕГЭ", "Русский язык", 11, 2023, 68.4, None, None],
        ["Цветочинская СОШ", "ЕГЭ", "Русский язык", 11, 2023, 70, None, None],
        ["Калининская СОШ", "ЕГЭ", "Физика", 11, 2023, 104, None, None],
        references=[["регион", "ЕГЭ", "Русский язык", 11, 2023, 64.89, None]],
    )
    response = upload(client, content)
    assert response.status_code == 400
    assert response.context["payload"] == "" and response.context["preview"] is None
    html = response.content.decode()
    assert "Ничего не сохранено" in html
    assert "Лист «Результаты», ячейка F4 («104»): больше максимума шкалы" in html
    assert 'data-testid="confirm"' not in html
    assert not ExamResult.objects.exists() and not ReferenceResult.objects.exists()


def test_the_save_is_all_or_nothing_when_a_row_fails_on_the_way(cast):
    """A change already written is rolled back when a later row cannot be saved."""
    stored = ExamResult.objects.create(school=cast.school_a, procedure="ege", subject="Русский язык", grade=11, year=2022, average_score=60)
    rows = [
        ParsedResult("Результаты", "A2", cast.school_a.pk, "", "ege", "Русский язык", 11, 2022, average_score=Decimal("63.9")),
        ParsedResult("Результаты", "A3", cast.school_a.pk, "", "ege", "Физика", 12, 2022, average_score=Decimal("40")),
    ]
    preview = exam_result_import_preview(municipality=cast.muni, results=rows, references=[])
    with pytest.raises(ValidationError) as error:
        exam_result_import(municipality=cast.muni, results=rows, references=[], fingerprint=preview.fingerprint, user=cast.coordinator)
    assert "Класс — от 1 до 11." in str(error.value)
    stored.refresh_from_db()
    assert stored.average_score == Decimal("60")
    assert ExamResult.objects.count() == 1


def test_a_stale_preview_is_refused(client, cast):
    stored = ExamResult.objects.create(school=cast.school_a, procedure="ege", subject="Русский язык", grade=11, year=2022, average_score=60)
    client.force_login(cast.coordinator)
    response = upload(client, template_file(
        ["Калининская СОШ", "ЕГЭ", "Русский язык", 11, 2022, 63.9, None, None],
        ["Калининская СОШ", "ЕГЭ", "Физика", 11, 2022, 44.8, None, None],
    ))
    # Someone else corrects the same result before the coordinator confirms.
    stored.average_score = Decimal("61")
    stored.save()
    refused = confirm(client, response)
    assert refused.status_code == 409
    assert "Результаты изменились после проверки файла" in refused.content.decode()
    stored.refresh_from_db()
    assert stored.average_score == Decimal("61")
    assert ExamResult.objects.count() == 1


def test_a_preview_is_refused_when_a_new_result_appeared_meanwhile(client, cast):
    client.force_login(cast.coordinator)
    response = upload(client, template_file(["Калининская СОШ", "ЕГЭ", "Физика", 11, 2022, 44.8, None, None]))
    ExamResult.objects.create(school=cast.school_a, procedure="ege", subject="Физика", grade=11, year=2022, average_score=50)
    assert confirm(client, response).status_code == 409
    assert ExamResult.objects.get().average_score == Decimal("50")


def test_pressing_save_twice_saves_once(client, cast):
    client.force_login(cast.coordinator)
    response = upload(client, template_file(["Калининская СОШ", "ЕГЭ", "Физика", 11, 2022, 44.8, None, None]))
    assert confirm(client, response).status_code == 302
    second = client.post(reverse("results:result_import_confirm"), {"payload": response.context["payload"]}, follow=True)
    assert "Эти результаты уже сохранены." in second.content.decode()
    assert ExamResult.objects.count() == 1


def test_a_coordinator_cannot_import_into_another_municipalitys_schools(client, cast):
    client.force_login(cast.coordinator)
    # By name: the other municipality's school is not among the coordinator's.
    response = upload(client, template_file([cast.school_other.short_name, "ЕГЭ", "Физика", 11, 2022, 44.8, None, None]))
    assert response.status_code == 400
    assert "ОО не найдена среди школ муниципалитета" in response.content.decode()
    # By a forged payload, signed as the portal signs it: the service checks the school again.
    forged = signing.dumps(
        {
            "user": cast.coordinator.pk,
            "municipality": cast.muni.pk,
            "nonce": "x",
            "fingerprint": "",
            "results": [ParsedResult("Результаты", "A2", cast.school_other.pk, "чужая", "ege", "Физика", 11, 2022, average_score=Decimal("44.8")).to_payload()],
            "references": [],
        },
        salt=IMPORT_SALT,
        compress=True,
    )
    refused = client.post(reverse("results:result_import_confirm"), {"payload": forged})
    assert refused.status_code == 409
    assert "не найдена среди школ муниципалитета" in refused.content.decode()
    # Another coordinator's preview is not this one's to confirm.
    client.force_login(cast.coordinator_other)
    own = upload(client, template_file([cast.school_other.short_name, "ЕГЭ", "Физика", 11, 2022, 44.8, None, None]))
    client.force_login(cast.coordinator)
    assert confirm(client, own).status_code == 403
    assert not ExamResult.objects.exists()


def test_a_tampered_payload_is_refused(client, cast):
    client.force_login(cast.coordinator)
    response = upload(client, template_file(["Калининская СОШ", "ЕГЭ", "Физика", 11, 2022, 44.8, None, None]))
    payload = response.context["payload"]
    refused = client.post(reverse("results:result_import_confirm"), {"payload": payload[:-3] + "abc"})
    assert refused.status_code == 400 and "повреждены или изменены" in refused.content.decode()
    assert not ExamResult.objects.exists()


@pytest.mark.parametrize("role", ["chair", "curator", "director_a", "region_viewer", "coordinator_other"])
def test_only_the_coordinator_of_the_municipality_writes(client, cast, role):
    client.force_login(getattr(cast, role))
    response = upload(client, template_file(["Калининская СОШ", "ЕГЭ", "Физика", 11, 2022, 44.8, None, None]))
    if role == "coordinator_other":
        assert response.status_code == 400  # his own import, where school A does not exist
    else:
        assert response.status_code == 403
    assert not ExamResult.objects.exists()


def test_the_form_refuses_what_is_not_a_workbook(client, cast):
    client.force_login(cast.coordinator)
    response = upload(client, b"PK\x03\x04 not really a zip")
    assert response.status_code == 400
    assert "Это не файл Excel (.xlsx)" in response.content.decode()
    old = upload(client, b"\xd0\xcf\x11\xe0", name="результаты.xls")
    assert "старого формата .xls" in old.content.decode()


def test_the_template_has_its_sheets_lists_and_reads_back(client, cast):
    client.force_login(cast.coordinator)
    response = client.get(reverse("results:result_import_template"))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Результаты", "Средние", "Инструкция", "Списки"]
    assert [c.value for c in workbook["Результаты"][1]] == TEMPLATE_HEADER
    assert [c.value for c in workbook["Средние"][1]] == ["Уровень", "Процедура", "Предмет", "Класс", "Год", "Средний балл", "Доля не справившихся, %"]
    assert workbook["Списки"].sheet_state == "hidden"
    lists = workbook["Списки"]
    assert {lists.cell(r, 1).value for r in range(2, 4)} == {cast.school_a.short_name, cast.school_b.short_name}
    assert cast.school_other.short_name not in {c.value for c in lists["A"]}
    validated = {str(rng) for dv in workbook["Результаты"].data_validations.dataValidation for rng in dv.sqref.ranges}
    assert {"A2:A1001", "B2:B1001", "C2:C1001", "D2:D1001", "E2:E1001"} <= validated
    # Filled in, the template reads back as it was written.
    results, averages = workbook["Результаты"], workbook["Средние"]
    results.append([cast.school_a.short_name, "ЕГЭ", "Русский язык", 11, 2023, 68.4, 3.5, 14])
    averages.append(["регион", "ЕГЭ", "Русский язык", 11, 2023, 64.89, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    preview = upload(client, buffer.getvalue())
    assert preview.status_code == 200, preview.context["parsed"].errors
    confirm(client, preview)
    row = ExamResult.objects.get()
    assert (row.average_score, row.failed_share, row.participants) == (Decimal("68.4"), Decimal("3.5"), 14)
    assert ReferenceResult.objects.get().region == cast.muni.region


def test_the_register_export_reads_back_unchanged(client, cast):
    ExamResult.objects.create(school=cast.school_a, procedure="ege", subject="Русский язык", grade=11, year=2022, average_score=60, participants=12)
    ExamResult.objects.create(school=cast.school_b, procedure="oge", subject="Математика", grade=9, year=2023, participants=0)
    ReferenceResult.objects.create(level="region", region=cast.muni.region, municipality=cast.muni, procedure="ege", subject="Русский язык", grade=11, year=2022, average_score=Decimal("65.15"))
    client.force_login(cast.coordinator)
    exported = client.get(reverse("results:result_export"))
    response = upload(client, exported.content)
    assert response.status_code == 200, response.context["parsed"].errors
    preview = response.context["preview"]
    assert len(preview.unchanged) == 3 and not preview.has_writes
