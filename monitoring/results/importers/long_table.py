"""The template's layout: a header row, then one result (or one average) per row.

Sheet «Результаты»: ОО | Процедура | Предмет | Класс | Год | Средний балл | Доля не справившихся, % |
Участников. Sheet «Средние»: Уровень | Процедура | Предмет | Класс | Год | Средний балл | Доля.
Columns may stand in any order, under the usual other titles, with other columns between them (the
register's export adds its own and is read back as is).
"""

from typing import Any

from openpyxl.utils import get_column_letter

from .cells import (
    CellProblem,
    is_blank,
    is_dash,
    key,
    parse_grade,
    parse_level,
    parse_participants,
    parse_procedure,
    parse_share,
    parse_year,
)
from .parsed import ParsedReference, ParsedResult, TableInfo
from .reading import ParseContext
from .sheets import SheetGrid, address

HEADER_SEARCH_ROWS = 10

COLUMN_VARIANTS = {
    "school": (
        "ОО",
        "Наименование ОО",
        "Образовательная организация",
        "Общеобразовательная организация",
        "Наименование образовательной организации",
        "Школа",
        "Наименование школы",
        "Организация",
    ),
    "level": ("Уровень", "Уровень (муниципалитет/регион)", "Уровень среднего"),
    "procedure": ("Процедура", "Оценочная процедура", "Вид процедуры", "Вид оценочной процедуры"),
    "subject": ("Предмет", "Учебный предмет"),
    "grade": ("Класс", "Параллель"),
    "year": ("Год", "Год проведения"),
    "average_score": ("Средний балл", "Балл", "Средняя отметка", "Средний балл (отметка)", "Средний балл / отметка"),
    "failed_share": (
        "Доля не справившихся, %",
        "Доля не справившихся",
        "Доля не справившихся (%)",
        "Не справились, %",
        "Доля неуспевающих",
        "Доля неуспевающих, %",
        "Доля «2»",
        "Доля двоек",
    ),
    "participants": ("Участников", "Количество участников", "Число участников", "Участники", "Кол-во участников"),
}
TITLES = {field: variants[0] for field, variants in COLUMN_VARIANTS.items()}
HEADER_KEYS = {key(variant): field for field, variants in COLUMN_VARIANTS.items() for variant in variants}
VALUE_FIELDS = ("average_score", "failed_share", "participants")


def find_header(grid: SheetGrid) -> tuple[int, dict[str, int]] | None:
    """(row, {field: column}) of the first row that reads as the template's header."""
    for row in range(1, min(grid.max_row, HEADER_SEARCH_ROWS) + 1):
        columns: dict[str, int] = {}
        for col in range(1, grid.max_col + 1):
            field = HEADER_KEYS.get(key(grid.value(row, col)))
            if field is not None and field not in columns:
                columns[field] = col
        has_owner = "school" in columns or "level" in columns
        has_value = any(field in columns for field in VALUE_FIELDS)
        if has_owner and has_value and "subject" in columns and "year" in columns:
            return row, columns
    return None


def parse_long(grid: SheetGrid, header_row: int, columns: dict[str, int], ctx: ParseContext) -> None:
    references = "school" not in columns
    info = TableInfo(
        sheet=grid.title,
        layout="references" if references else "long",
        area=f"{address(header_row, 1)}:{address(max(grid.max_row, header_row), grid.max_col)}",
        columns=[f"«{TITLES[field]}» — столбец {get_column_letter(col)}" for field, col in columns.items()],
    )
    ctx.result.tables.append(info)
    before = (len(ctx.result.results), len(ctx.result.references))
    for row in range(header_row + 1, grid.max_row + 1):
        values = {field: ctx.read(grid, row, col) for field, col in columns.items()}
        if all(is_blank(value) for value in values.values()):
            continue
        if references:
            _reference_row(_Row(grid, row, columns, values, ctx))
        else:
            _result_row(_Row(grid, row, columns, values, ctx))
    info.results = len(ctx.result.results) - before[0]
    info.references = len(ctx.result.references) - before[1]


class _Row:
    """The cells of one row with their addresses, and the checks every row repeats."""

    def __init__(self, grid: SheetGrid, row: int, columns: dict[str, int], values: dict[str, Any], ctx: ParseContext):
        self.grid, self.sheet, self.row, self.columns, self.values, self.ctx = grid, grid.title, row, columns, values, ctx
        self.ok = True

    def cell(self, field: str) -> str:
        return address(self.row, self.columns[field]) if field in self.columns else ""

    def fail(self, field: str, message: str) -> None:
        self.ok = False
        self.ctx.error(self.sheet, self.cell(field), self.values.get(field), message)

    def parse(self, field: str, parser):
        try:
            return parser(self.values.get(field))
        except CellProblem as problem:
            self.fail(field, str(problem))
            return None

    def procedure(self) -> str | None:
        if is_blank(self.values.get("procedure")):
            return self.ctx.procedure
        return self.parse("procedure", parse_procedure)

    def subject(self) -> str | None:
        name = self.ctx.subject(self.sheet, self.cell("subject"), self.values.get("subject"))
        self.ok = self.ok and name is not None
        return name

    def grade(self, procedure: str | None) -> int | None:
        if not is_blank(self.values.get("grade")):
            return self.parse("grade", parse_grade)
        if procedure is None:
            return None
        grade = self.ctx.grade_for(procedure)
        if grade is None:
            self.fail("grade" if "grade" in self.columns else "subject", self.ctx.no_grade_message(procedure))
        return grade

    def year(self) -> int | None:
        if is_blank(self.values.get("year")):
            self.fail("year", "не указан год.")
            return None
        return self.parse("year", parse_year)

    def score(self, procedure, subject):
        if procedure is None:
            return None  # the scale depends on it; the procedure's own error is named already
        value = self.ctx.score(self.sheet, self.cell("average_score"), self.values["average_score"], procedure, subject)
        self.ok = self.ok and value is not None
        return value

    def share(self):
        percent = (self.row, self.columns["failed_share"]) in self.grid.percent
        return self.parse("failed_share", lambda value: parse_share(value, percent_format=percent))


def _result_row(r: _Row) -> None:
    sheet, values, ctx = r.sheet, r.values, r.ctx
    given = {field: values.get(field) for field in VALUE_FIELDS}
    if all(is_blank(value) for value in given.values()):
        ctx.result.empty_rows += 1  # like an empty cell of the source tables: no data
        return
    school = ctx.school(sheet, r.cell("school"), values.get("school"))
    r.ok = r.ok and school is not None
    procedure = r.procedure()
    subject = r.subject()
    grade = r.grade(procedure)
    year = r.year()

    dashes = [field for field, value in given.items() if is_dash(value)]
    numbers = [field for field, value in given.items() if not is_blank(value) and not is_dash(value)]
    score = share = participants = None
    if "average_score" in numbers:
        score = r.score(procedure, subject)
    if "failed_share" in numbers:
        share = r.share()
    if "participants" in numbers:
        participants = r.parse("participants", parse_participants)
    nobody = bool(dashes) or participants == 0
    if dashes and numbers and participants != 0:
        r.fail(dashes[0], f"«-» (никто не сдавал) в одной строке со значением в ячейке {r.cell(numbers[0])}: оставьте одно из двух.")
    elif participants == 0 and (score is not None or share is not None):
        r.fail("participants", "участников 0, а средний балл или доля указаны: исправьте число участников или уберите значения.")
    if not r.ok:
        return
    ctx.add_result(
        ParsedResult(
            sheet=sheet,
            cell=r.cell("school"),
            school_id=school.pk,
            school_name=school.short_name,
            procedure=procedure,
            subject=subject,
            grade=grade,
            year=year,
            average_score=None if nobody else score,
            failed_share=None if nobody else share,
            participants=0 if nobody else participants,
            nobody=nobody,
        )
    )


def _reference_row(r: _Row) -> None:
    sheet, values, ctx = r.sheet, r.values, r.ctx
    # «-» in an average is no average: the row says nothing, like an empty cell.
    given = {field: values.get(field) for field in ("average_score", "failed_share")}
    if all(is_blank(value) or is_dash(value) for value in given.values()):
        ctx.result.empty_rows += 1
        return
    if is_blank(values.get("level")):
        r.fail("level", "не указан уровень (муниципалитет или регион).")
        level = None
    else:
        level = r.parse("level", parse_level)
    procedure = r.procedure()
    subject = r.subject()
    grade = r.grade(procedure)
    year = r.year()
    score = share = None
    if not is_blank(given["average_score"]) and not is_dash(given["average_score"]):
        score = r.score(procedure, subject)
    if not is_blank(given["failed_share"]) and not is_dash(given["failed_share"]):
        share = r.share()
    if not r.ok:
        return
    ctx.add_reference(
        ParsedReference(
            sheet=sheet,
            cell=r.cell("level"),
            level=level,
            procedure=procedure,
            subject=subject,
            grade=grade,
            year=year,
            average_score=score,
            failed_share=share,
        )
    )

