"""Excel files of the yearly lists: the history matrix as filtered, and the import template."""


from schnor_portal.xlsx import Sheet, xlsx_response

from .importer import (
    CATEGORY_LABELS,
    CLUSTER_ALLOWED,
    HEADER_SEARCH_ROWS,
    OBJECTIVITY_ALLOWED,
    TEMPLATE_HEADERS,
    TREND_ALLOWED,
)
from .selectors import ListMatrix

LEGEND = [
    ("+", "школа в списке этого года"),
    ("−", "школы в списке этого года нет"),
    ("впервые", "в списке в первый раз"),
    ("N-й год подряд", "в списке N лет подряд, считая этот"),
    ("вышла", "была в списке прошлого года, в этом её нет"),
    ("вернулась", "снова в списке после перерыва"),
]


def list_matrix_response(matrix: ListMatrix, *, description: list[tuple[str, str]]):
    titles = [column.title for column in matrix.columns]
    head = ["№ п/п", "Наименование образовательной организации", "Тип местности"]
    marks = [
        [row.number, row.name, row.locality] + ["+" if cell.on_list else "−" for cell in row.cells]
        for row in matrix.rows
    ]
    marks.append(["", "Всего в списке", ""] + matrix.totals)
    statuses = [
        [row.number, row.name, row.locality]
        + [cell.label for cell in row.cells]
        + [row.cells[-1].status.years_on_list if row.cells else 0]
        for row in matrix.rows
    ]
    notes = list(description)
    notes += [("", "")] + list(LEGEND)
    notes += [("", "")] + [(f"Источник: {column.title}", column.source or "не указан") for column in matrix.columns]
    name_width = 70 if matrix.filters.full_names else 40
    widths = [7, name_width, 24] + [12] * len(titles)
    years = sorted({column.year for column in matrix.columns})
    span = f" {years[0]}–{years[-1]}" if len(years) > 1 else "".join(f" {year}" for year in years)
    filename = f"История списков {matrix.list_name}{span} — {matrix.municipality.name}.xlsx"
    return xlsx_response(
        filename,
        Sheet("История списков", head + titles, marks, widths),
        Sheet("Статусы", head + titles + ["Всего лет в списке"], statuses, [7, name_width, 24] + [16] * len(titles) + [12]),
        Sheet("Пояснения", ["Параметр", "Значение"], [list(note) for note in notes], [30, 90]),
    )


def import_template_response(*, example_school: str, list_label: str):
    example = [
        1,
        example_school,
        "ШНОР",
        "низкие результаты ОГЭ по математике два года подряд\nнизкие результаты ЕГЭ по русскому языку",
        "Умеренно неуспевающие",
        "↑",
        "нет",
        "",
    ]
    categories = ", ".join(CATEGORY_LABELS.values())
    if list_label and list_label not in CATEGORY_LABELS.values():
        categories += f" (ШНОР можно писать и как «{list_label}»)"
    instructions = [
        ["№", "нет", "Номер по порядку; портал его не сохраняет.", "число или пусто"],
        [
            "Наименование ОО",
            "да",
            "Наименование школы, как в реестре портала: краткое («БОУ «Калининская СОШ»»), полное или "
            "сокращение из таблиц. Кавычки, регистр, «№»/«N» и пробелы не важны.",
            "школа муниципалитета; каждая — один раз",
        ],
        [
            "Категория",
            "нет",
            "Список, в который входит школа. Строки другой категории в загружаемый список не войдут — "
            "загрузите файл ещё раз с их категорией.",
            f"{categories}; пусто — категория, выбранная при загрузке",
        ],
        ["Маркеры", "нет", "Причины включения, каждая с новой строки (Alt+Enter) или через «;».", "текст"],
        [
            "Кластер ФИОКО",
            "нет",
            "Кластер по методике ФИОКО; можно со стрелкой динамики и отметкой необъективности, как в таблице "
            "исследования: «Сильно неуспевающие ↓ + необъективность».",
            CLUSTER_ALLOWED,
        ],
        ["Динамика", "нет", "Динамика результатов.", TREND_ALLOWED],
        ["Признаки необъективности", "нет", "Есть ли признаки необъективности результатов.", OBJECTIVITY_ALLOWED],
        ["Примечание", "нет", "Любое пояснение, до 500 знаков.", "текст"],
        ["", "", "", ""],
        [
            "Общее",
            "",
            f"Заголовок может стоять в любой из первых {HEADER_SEARCH_ROWS} строк, столбцы — в любом порядке; "
            "допустимы и другие привычные названия столбцов («Наименование образовательной организации», "
            "«Причины включения», «Тренд», «Необъективность»). Пустые строки пропускаются. Замените "
            "строку-пример своими школами. Перед сохранением портал покажет, как прочитана каждая строка.",
            "",
        ],
    ]
    return xlsx_response(
        "Шаблон списка школ.xlsx",
        Sheet("Список", TEMPLATE_HEADERS, [example], [6, 45, 12, 50, 24, 12, 16, 30]),
        Sheet("Инструкция", ["Столбец", "Обязательно", "Что писать", "Допустимые значения"], instructions, [26, 12, 80, 50]),
    )
