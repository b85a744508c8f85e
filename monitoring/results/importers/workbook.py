"""Results of a municipality's schools from an Excel workbook, in either layout. Pure Python.

Each visible sheet is read as the template (a header row «ОО | Процедура | Предмет | Класс | Год |
Средний балл | …», see results_long) or as the source documents' tables «school × subject × year»
(see results_wide); the instructions sheet and sheets with neither are passed over and named.
Schools are looked for among the given municipality's only, so a file cannot reach another's.

The view checks the upload (schnor_portal.xlsx.check_zip_upload) and reads it with
results_sheets.read_workbook; the service (monitoring.results.services) compares with the database
and saves what the coordinator confirmed.
"""

from typing import Iterable, Sequence

from schools.lists.importer import SchoolRef

from .long_table import find_header, parse_long
from .parsed import ParseResult
from .reading import ParseContext
from .sheets import SheetGrid
from .wide_table import find_tables, parse_wide

INSTRUCTION_TITLES = ("инструкция", "как заполнять", "справка")

NOTHING_FOUND = (
    "В файле не найдено ни одной таблицы результатов: ни заголовка шаблона «ОО | Процедура | Предмет | "
    "Класс | Год | Средний балл | …», ни таблицы «школа × предмет × год» со строкой годов (2021, 2022, …) "
    "под названиями школ. Скачайте шаблон и сравните."
)


def parse_results(
    sheets: Sequence[SheetGrid], *, schools: Iterable[SchoolRef], procedure: str, grade: int | None = None
) -> ParseResult:
    """Read every sheet; `procedure` and `grade` stand for tables and rows that do not name theirs."""
    ctx = ParseContext(schools=schools, procedure=procedure, grade=grade)
    for grid in sheets:
        if not grid.values or grid.title.strip().lower().startswith(INSTRUCTION_TITLES):
            continue
        header = find_header(grid)
        if header is not None:
            parse_long(grid, *header, ctx)
            continue
        tables = find_tables(grid)
        if tables:
            parse_wide(grid, tables, ctx)
            continue
        ctx.result.skipped_sheets.append(grid.title)
    result = ctx.result
    if not result.tables:
        result.file_errors.append(NOTHING_FOUND)
    elif result.ok and not result.results and not result.references:
        result.file_errors.append("В таблицах файла нет ни одного значения: загружать нечего.")
    return result
