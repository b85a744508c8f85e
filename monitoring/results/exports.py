"""Results as Excel: the register as filtered (with the averages on a second sheet) and the import template.

Both use the template's column titles, so an exported file can be corrected and loaded back: the
import reads «ОО | Процедура | Предмет | Класс | Год | Средний балл | …» wherever they stand and
passes over the columns it does not know («Ниже порога», the averages beside each row).
"""

from collections.abc import Iterable

from monitoring.models import ExamResult, ReferenceResult
from monitoring.results.importers.cells import LEVEL_LABELS, PROCEDURE_LABELS
from schnor_portal.xlsx import Sheet, Validation, attachment, workbook_bytes

from .subjects import SUBJECTS

RESULT_COLUMNS = [
    ("ОО", 40),
    ("Процедура", 12),
    ("Предмет", 24),
    ("Класс", 8),
    ("Год", 8),
    ("Средний балл", 12),
    ("Доля не справившихся, %", 14),
    ("Участников", 12),
]
REFERENCE_COLUMNS = [
    ("Уровень", 16),
    ("Процедура", 12),
    ("Предмет", 24),
    ("Класс", 8),
    ("Год", 8),
    ("Средний балл", 12),
    ("Доля не справившихся, %", 14),
]
REGISTER_EXTRA = [("Ниже порога", 10), ("Среднее по муниципалитету", 16), ("Среднее по региону", 14)]
MUNICIPALITY_COLUMN = ("Муниципалитет", 30)
OWNER_COLUMN = ("Муниципалитет / регион", 30)
TEMPLATE_ROWS = 1000  # data validation reaches this far down the template's sheets


def _score(row):
    return "-" if row.nobody_took_it else row.average_score


def result_register_sheets(
    results: Iterable[ExamResult], references: Iterable[ReferenceResult], *, with_municipality: bool
) -> list[Sheet]:
    """Expects rows of `results_register.decorate_results`: the averages and marks are on them."""
    head = [MUNICIPALITY_COLUMN] if with_municipality else []
    columns = head + RESULT_COLUMNS + REGISTER_EXTRA
    rows = []
    for row in results:
        values = [
            row.school.short_name,
            row.get_procedure_display(),
            row.subject,
            row.grade,
            row.year,
            _score(row),
            row.failed_share,
            row.participants,
            "да" if row.below_threshold else "",
            row.averages.municipality,
            row.averages.region,
        ]
        rows.append(([row.school.municipality.name] if with_municipality else []) + values)
    reference_columns = REFERENCE_COLUMNS[:1] + [OWNER_COLUMN] + REFERENCE_COLUMNS[1:]
    reference_rows = [
        [
            ref.get_level_display(),
            ref.region.name if ref.level == ReferenceResult.Level.REGION else ref.municipality.name,
            ref.get_procedure_display(),
            ref.subject,
            ref.grade,
            ref.year,
            ref.average_score,
            ref.failed_share,
        ]
        for ref in sorted(references, key=lambda r: (r.level, r.procedure, r.subject, r.grade, r.year))
    ]
    return [
        Sheet("Результаты", [title for title, _ in columns], rows, [width for _, width in columns]),
        Sheet("Средние", [title for title, _ in reference_columns], reference_rows, [width for _, width in reference_columns]),
    ]


INSTRUCTIONS = [
    ["Лист «Результаты»", "", "Один результат школы — одна строка."],
    [
        "ОО",
        "да",
        "Школа муниципалитета (выберите из списка в ячейке): краткое или полное наименование, как в реестре "
        "портала, или сокращение из ваших таблиц («НСОШ 1», «Яблон. филиал»). Школы других муниципалитетов "
        "не принимаются.",
    ],
    ["Процедура", "нет", f"{', '.join(PROCEDURE_LABELS.values())}. Пусто — процедура, выбранная при загрузке."],
    ["Предмет", "да", "Выберите из списка в ячейке; «Математика профиль», «Рус. язык» и подобные написания тоже узнаются."],
    ["Класс", "нет", "От 1 до 11. Пусто — 11 для ЕГЭ, 9 для ОГЭ, для других — класс, выбранный при загрузке."],
    ["Год", "да", "Год проведения, четыре цифры: ЕГЭ 2023 года — 2023."],
    [
        "Средний балл",
        "нет",
        "Число с запятой: 68,4 (ЕГЭ — до 100 баллов, ОГЭ, ВПР и «Математика (база)» — отметка до 5). "
        "«-» — процедура прошла, но из школы предмет никто не сдавал.",
    ],
    ["Доля не справившихся, %", "нет", "От 0 до 100; 12,5 или 12,5 %."],
    ["Участников", "нет", "Целое число. 0 вместе со «-» в среднем балле — никто не сдавал."],
    ["", "", ""],
    ["Лист «Средние»", "", "Средние по муниципалитету и по региону, с которыми сравниваются школы."],
    ["Уровень", "да", "«муниципалитет» (или район, округ) или «регион» (или край, область)."],
    ["Процедура, Предмет, Класс, Год, Средний балл, Доля", "", "Как на листе «Результаты»."],
    ["", "", ""],
    [
        "Таблицы из документов",
        "",
        "Можно загрузить и таблицу «школа × предмет × год», как в проектах и справках: строка с названиями "
        "школ (объединённая ячейка над годами школы), под ней строка годов (2021, 2022 …), ниже — по строке на "
        "предмет. Столбец «Край» или «Регион» — средние по региону, «Район», «Округ» или «Муниципалитет» — по "
        "муниципалитету; средние по региону можно написать и после предмета через «/»: «Русский язык "
        "66,17/65,15/64,89». Процедуру берём из заголовка над таблицей («Результаты ОГЭ») или из названия "
        "листа, иначе — выбранную при загрузке.",
    ],
    ["", "", ""],
    [
        "Общее",
        "",
        "Пустая ячейка — нет данных: сохранённое значение не меняется. Формулы не принимаются — вставьте "
        "значения. Перед сохранением портал покажет, что будет добавлено, что изменится (было → станет) и что "
        "останется как есть; если в файле есть ошибка, не сохранится ничего, а ошибка будет названа с листом "
        "и ячейкой.",
    ],
]


def _listed(letter: str, count: int, *, column: str) -> Validation:
    """A drop-down of the first `count` values of column `letter` of the hidden «Списки» sheet."""
    return Validation(column, "list", f"'Списки'!${letter}$2:${letter}${count + 1}", rows=TEMPLATE_ROWS)


def _number(kind: str, low, high, prompt: str, *, column: str) -> Validation:
    return Validation(column, kind, str(low), str(high), error=prompt, rows=TEMPLATE_ROWS)


def import_template_bytes(*, school_names: list[str]) -> bytes:
    columns = [school_names, list(PROCEDURE_LABELS.values()), list(SUBJECTS), list(LEVEL_LABELS.values())]
    lists = [
        [values[index] if index < len(values) else None for values in columns]
        for index in range(max(len(values) for values in columns))
    ]
    grade = "Класс — целое число от 1 до 11."
    year = "Год — четыре цифры, например 2023."
    share = "Доля — от 0 до 100."
    # «Средний балл» of a school stays free: «-» (nobody took it) is a value there, not a mistake.
    result_rules = [
        *([_listed("A", len(school_names), column="A")] if school_names else []),
        _listed("B", len(columns[1]), column="B"),
        _listed("C", len(SUBJECTS), column="C"),
        _number("whole", 1, 11, grade, column="D"),
        _number("whole", 2000, 2100, year, column="E"),
        _number("decimal", 0, 100, share, column="G"),
        _number("whole", 0, 100000, "Участников — целое число, не меньше 0.", column="H"),
    ]
    average_rules = [
        _listed("D", len(columns[3]), column="A"),
        _listed("B", len(columns[1]), column="B"),
        _listed("C", len(SUBJECTS), column="C"),
        _number("whole", 1, 11, grade, column="D"),
        _number("whole", 2000, 2100, year, column="E"),
        _number("decimal", 0, 100, "Средний балл — от 0 до 100.", column="F"),
        _number("decimal", 0, 100, share, column="G"),
    ]
    return workbook_bytes(
        Sheet(
            "Результаты", [title for title, _ in RESULT_COLUMNS], [], [width for _, width in RESULT_COLUMNS], validations=result_rules
        ),
        Sheet(
            "Средние", [title for title, _ in REFERENCE_COLUMNS], [], [width for _, width in REFERENCE_COLUMNS], validations=average_rules
        ),
        Sheet("Инструкция", ["Столбец", "Обязательно", "Что писать"], INSTRUCTIONS, [30, 12, 110]),
        Sheet("Списки", ["ОО", "Процедура", "Предмет", "Уровень"], lists, [40, 26, 30, 16], layout="data", hidden=True),
    )


def import_template_response(*, school_names: list[str]):
    return attachment(import_template_bytes(school_names=school_names), "Шаблон результатов.xlsx")
