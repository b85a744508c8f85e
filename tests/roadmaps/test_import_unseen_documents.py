"""Issue 18: documents nobody here has seen, read as a person reads them. Each document is built in
the test (docx_builders), laid out the way municipal plans are: several people on one line, two
levels sharing one noun, numbered groups inside a section, rows broken across pages, a section's
tasks written as rows, a preamble between the title and the table, and rows the importer is
unsure of (kept, and named in a warning). Pure: no database."""

import pytest

from roadmaps.importers import parse_plan

from .docx_builders import P, Bold, Span, T, build_docx, build_xlsx

HEADER = ["№ п/п", "Мероприятия", "Сроки", "Ответственные", "Планируемый результат"]


def _executors(activity):
    return [(e.level, e.kind, e.name) for e in activity.executors]


# --- executors -------------------------------------------------------------------------------

def test_it_reads_several_people_on_one_line_and_levels_sharing_one_noun():
    rows = [
        ["1", "Анализ ВПР", "Май 2025", "Иванова А.А. Петров Б.Б. Сидоров В.В.", "Справка"],
        ["2", "Семинар", "Июнь 2025", "А.А. Иванова Б.Б. Петров", "Протокол"],
        ["3", "Визиты в школы", "Октябрь 2025", "Муниципальный и школьные кураторы", "Отчёт"],
        ["4", "Стратегическая сессия", "Ноябрь 2025", "региональный и муниципальный координаторы", "Программа"],
        ["5", "Проектные команды", "Декабрь 2025", "муниципальные и школьные команды", "Проекты"],
    ]
    contract = parse_plan(build_docx([T(HEADER, rows)])).contract()
    executors = [a["executors"] for a in contract["sections"][0]["activities"]]
    m = "municipality"
    assert executors == [
        [{"level": m, "name": "Иванова А.А."}, {"level": m, "name": "Петров Б.Б."}, {"level": m, "name": "Сидоров В.В."}],
        [{"level": m, "name": "А.А. Иванова"}, {"level": m, "name": "Б.Б. Петров"}],
        [{"level": m, "name": "Муниципальный куратор"}, {"level": "school", "name": "Школьные кураторы"}],
        [{"level": "region", "name": "региональный координатор"}, {"level": m, "name": "муниципальный координатор"}],
        [{"level": m, "name": "муниципальные команды"}, {"level": "school", "name": "школьные команды"}],
    ]


# --- numbered groups inside a section ----------------------------------------------------------

@pytest.mark.parametrize("build", [build_docx, build_xlsx], ids=["docx", "xlsx"])
def test_it_nests_a_numbered_group_row_under_its_section(build):
    rows = [
        Bold(["I.", "Организационные меры", "", "", ""]),
        ["1.1", "Приказ о кураторах", "Январь 2025", "Управление образования", "Приказ"],
        Bold(["II.", "Кадровое обеспечение", "", "", ""]),
        ["2.1", "Подготовка кадров", "", "", ""],
        ["2.1.1", "Курсы повышения квалификации", "Март 2025", "Кураторы", "100 % педагогов"],
        ["2.1.2", "Стажировки", "Апрель 2025", "Кураторы", "Отчёт"],
        Span("2.2 Наставничество"),
        ["2.2.1", "Пары наставников", "Май 2025", "Руководители ОО", "Приказы школ"],
        Bold(["III.", "Мониторинг", "", "", ""]),
        ["3.1", "Анализ ВПР", "Июнь 2025", "Кураторы", "Справка"],
        ["IV", "Работа с родителями", "", "", ""],  # a Roman number heads a section, bold or not
        ["1", "Лекторий", "Сентябрь 2025", "Руководители ОО", "Протоколы"],
    ]
    parsed = parse_plan(build([T(HEADER, rows)]))
    assert [(s.number, s.title, s.parent, [a.number for a in s.activities]) for s in parsed.sections] == [
        ("I.", "Организационные меры", None, ["1.1"]),
        ("II.", "Кадровое обеспечение", None, []),
        ("2.1", "Подготовка кадров", 1, ["2.1.1", "2.1.2"]),
        ("2.2", "Наставничество", 1, ["2.2.1"]),
        ("III.", "Мониторинг", None, ["3.1"]),
        ("IV", "Работа с родителями", None, ["1"]),
    ]
    assert parsed.warnings == []
    # The JSON contract stays flat: the same keys, one entry per section.
    assert [set(s) for s in parsed.contract()["sections"]] == [{"number", "title", "tasks", "indicators", "activities"}] * 6


def test_it_nests_groups_under_a_section_of_a_part():
    rows = [
        Span("Раздел II. Методическое сопровождение"),
        Span("2. Работа с педагогами"),
        ["2.1", "Подготовка кадров", "", "", ""],
        ["2.1.1", "Курсы", "Март 2025", "Кураторы", "Удостоверения"],
        Span("3. Работа с родителями"),
        ["3.1", "Лекторий", "Апрель 2025", "ОО", "Протоколы"],
    ]
    parsed = parse_plan(build_docx([T(HEADER, rows)]))
    assert [(s.kind, s.number, s.parent) for s in parsed.sections] == [
        ("part", "II", None), ("section", "2", 0), ("section", "2.1", 1), ("section", "3", 0),
    ]
    assert parsed.depth(2) == 2


# --- a table broken across pages ---------------------------------------------------------------

def test_it_joins_rows_that_go_on_with_the_activity_above_and_says_why():
    rows = [
        ["1", "Проведение семинаров для педагогов", "Март 2025", "Кураторы", "Проведено 4 семинара"],
        ["", "(по отдельному графику)", "", "", ""],
        ["2", "Организация работы:", "Апрель 2025", "Руководители ОО", "Отчёт"],
        ["", "- с родителями обучающихся;", "", "", ""],
        ["", "- с обучающимися группы риска", "", "", ""],
        ["3", "Анализ результатов ВПР", "Май 2025", "Муниципальный координатор", "Справка"],
        ["", "", "", "Руководители ОО", "и протоколы"],
        ["4", "Участие обучающихся в конкурсах и", "Июнь 2025", "Кураторы", "Участие"],
        ["", "Олимпиадах регионального уровня", "", "", ""],
        ["5", "Круглый стол", "Сентябрь 2025", "Кураторы", "Протокол"],
        ["", "А также консультации директоров", "", "", ""],
        ["", "Информирование родителей", "Октябрь 2025", "Руководители ОО", "Публикации"],
    ]
    parsed = parse_plan(build_docx([T(HEADER, rows)]))
    activities = parsed.sections[0].activities
    assert [(a.number, a.content) for a in activities] == [
        ("1", "Проведение семинаров для педагогов (по отдельному графику)"),
        ("2", "Организация работы:\n- с родителями обучающихся;\n- с обучающимися группы риска"),
        ("3", "Анализ результатов ВПР"),
        ("4", "Участие обучающихся в конкурсах и Олимпиадах регионального уровня"),
        ("5", "Круглый стол А также консультации директоров"),
        # A row with its own details that nothing ties to the row above is an activity, kept.
        ("", "Информирование родителей"),
    ]
    third = activities[2]
    assert third.result == "Справка и протоколы"
    assert _executors(third) == [("municipality", "role", "Муниципальный координатор"), ("school", "role", "Руководители ОО")]
    assert parsed.warnings == [
        "Таблица 1, строка 3: строка без номера начинается с «(по» — она присоединена к мероприятию 1 "
        "как его продолжение (перенос строки таблицы).",
        "Таблица 1, строка 5: строка без номера начинается с «-» — она присоединена к мероприятию 2 "
        "как его продолжение (перенос строки таблицы).",
        "Таблица 1, строка 6: строка без номера начинается с «-» — она присоединена к мероприятию 2 "
        "как его продолжение (перенос строки таблицы).",
        "Таблица 1, строка 8: строка без номера и без содержания (заполнены только другие столбцы) — она "
        "присоединена к мероприятию 3 как его продолжение (перенос строки таблицы).",
        "Таблица 1, строка 10: строка без номера идёт за текстом мероприятия, оборванным на полуслове — она "
        "присоединена к мероприятию 4 как его продолжение (перенос строки таблицы).",
        "Таблица 1, строка 12: строка без номера начинается с «А» — она присоединена к мероприятию 5 "
        "как его продолжение (перенос строки таблицы).",
        "Таблица 1, строка 13: у мероприятия нет номера.",
    ]


def test_it_joins_a_table_that_starts_with_the_rest_of_a_broken_row():
    # The page broke the table in two Word tables; the second has no header.
    blocks = [
        T(HEADER, [["1", "Организация муниципальной", "Май 2025", "Муниципальный", "Наличие информации для"]]),
        T([], [["", "перепроверки ВПР", "", "координатор", "принятия решений"],
               ["2", "Семинар", "Июнь 2025", "Кураторы", "Протокол"]]),
        T([], [["Ф.И.О.", "Должность", "Телефон", "Подпись", "Дата"]]),  # as wide, but no plan rows
    ]
    parsed = parse_plan(build_docx(blocks))
    first, second = parsed.sections[0].activities
    assert (first.content, first.executors_text, first.result) == (
        "Организация муниципальной перепроверки ВПР", "Муниципальный координатор", "Наличие информации для принятия решений",
    )
    assert second.number == "2"
    assert parsed.warnings == [
        "Таблица 2, строка 1: строка без номера начинается со строчной буквы — она присоединена к мероприятию 1 "
        "как его продолжение (перенос строки таблицы).",
        "Таблица 3: таблица без строки заголовка не прочитана — она не похожа на продолжение таблицы плана выше; "
        "если это её продолжение, добавьте строку заголовка.",
    ]


def test_it_puts_a_task_list_written_as_rows_into_the_section():
    rows = [
        Span("1. Повышение квалификации"),
        Span("Задачи:"),
        Span("1) обеспечить курсы для педагогов ШНОР;"),
        Span("2) Организовать стажировки на базе школ-лидеров."),
        ["1.1", "Курсы", "Март 2025", "Кураторы", "100 %"],
        Span("2. Мониторинг"),
        ["", "Задачи раздела:", "", "", ""],
        ["1)", "Выявить дефициты", "", "", ""],
        ["2)", "Провести анализ", "", "", ""],
        ["", "Показатели:", "", "", ""],
        ["", "- доля школ с положительной динамикой", "", "", ""],
        ["2.1", "Анализ ВПР", "Май 2025", "Кураторы", "Справка"],
        ["2.2", "Анализ ОГЭ", "Июль 2025", "Кураторы", "Справка"],
    ]
    parsed = parse_plan(build_docx([T(HEADER, rows)]))
    assert [(s["number"], s["title"], s["tasks"], s["indicators"], [a["number"] for a in s["activities"]])
            for s in parsed.contract()["sections"]] == [
        ("1", "Повышение квалификации",
         "1) обеспечить курсы для педагогов ШНОР;\n2) Организовать стажировки на базе школ-лидеров.", "", ["1.1"]),
        ("2", "Мониторинг", "1) Выявить дефициты\n2) Провести анализ", "- доля школ с положительной динамикой",
         ["2.1", "2.2"]),
    ]
    assert parsed.warnings == []


def test_it_warns_when_a_list_item_could_be_an_activity_and_never_takes_a_sub_number():
    rows = [
        Span("1. Кадры"),
        Span("Задачи:"),
        ["1", "Обучить педагогов", "", "", ""],  # «1» with no details: a task, but said so
        ["2", "Провести анализ", "", "", ""],
        ["1.1", "Курсы", "", "", ""],  # a sub-number is an activity's, details missing
        ["1.2", "Стажировки", "Май 2025", "Кураторы", "Отчёт"],
    ]
    parsed = parse_plan(build_docx([T(HEADER, rows)]))
    assert parsed.sections[0].tasks == "1 Обучить педагогов\n2 Провести анализ"
    assert [a.number for a in parsed.sections[0].activities] == ["1.1", "1.2"]
    assert parsed.warnings[:2] == [
        f"Таблица 1, строка {row}: строка {n} без сроков, ответственных и результата прочитана как пункт задач "
        f"раздела — проверьте, не мероприятие ли это."
        for row, n in ((4, 1), (5, 2))
    ]


def test_it_ends_a_task_list_at_a_section_that_rows_are_numbered_under():
    rows = [
        Span("Задачи:"),  # before any section: warned, no list opened
        Span("1. Кадры"),
        Span("Задачи: обучить педагогов"),
        ["2.", "Мониторинг", "", "", ""],
        ["2.1", "Анализ ВПР", "Май 2025", "Кураторы", "Справка"],
    ]
    parsed = parse_plan(build_docx([T(HEADER, rows)]))
    assert [(s.number, s.title, s.tasks) for s in parsed.sections] == [
        ("1", "Кадры", "обучить педагогов"), ("2.", "Мониторинг", ""),
    ]
    assert parsed.warnings == ["Таблица 1, строка 2: строка «Задачи:» не относится ни к одному разделу."]


# --- the plan's title --------------------------------------------------------------------------

@pytest.mark.parametrize("build", [build_docx, build_xlsx], ids=["docx", "xlsx"])
def test_it_takes_the_heading_lines_not_the_preamble_as_the_title(build):
    blocks = [
        P("УТВЕРЖДЕН приказом Управления образования от 28.03.2025 № 111"),
        P("План мероприятий («дорожная карта»)", bold=True),
        P("по сопровождению школ с низкими образовательными результатами", bold=True),
        P("на 2025 год", bold=True),
        P("В целях реализации региональной программы поддержки школ с низкими результатами обучения "
          "и повышения качества образования приказываю:"),
        T(HEADER, [["1", "Анализ ВПР", "Май 2025", "Кураторы", "Справка"]]),
    ]
    assert parse_plan(build(blocks)).title == (
        "План мероприятий («дорожная карта») по сопровождению школ с низкими образовательными результатами на 2025 год"
    )


def test_it_passes_over_a_long_paragraph_between_the_title_and_the_table():
    blocks = [
        P("ДОРОЖНАЯ КАРТА ПО СОПРОВОЖДЕНИЮ ШНОР НА 2025 ГОД"),
        P("Настоящий план разработан с учётом результатов мониторинга и определяет мероприятия, сроки и "
          "ответственных за их исполнение. " * 4),
        P("Раздел I. Мероприятия"),
        T(HEADER, [Span("1. Кадры"), ["1.1", "Курсы", "Март 2025", "Кураторы", "Удостоверения"]]),
    ]
    parsed = parse_plan(build_docx(blocks))
    assert parsed.title == "ДОРОЖНАЯ КАРТА ПО СОПРОВОЖДЕНИЮ ШНОР НА 2025 ГОД"
    assert [s.title for s in parsed.sections] == ["Кадры"]  # a lone «Раздел I» paragraph is a chapter


def test_it_takes_no_title_from_running_text_alone():
    blocks = [
        P("В соответствии с приказом министерства образования от 11.10.2023 № 1408 приказываю:"),
        P("1. Утвердить план мероприятий (прилагается)."),
        T(HEADER, [["1", "Анализ ВПР", "Май 2025", "Кураторы", "Справка"]]),
    ]
    assert parse_plan(build_docx(blocks)).title == ""


# --- rows the importer is unsure of --------------------------------------------------------------

def test_it_keeps_and_names_the_rows_it_is_unsure_of():
    rows = [
        ["1", "Анализ ВПР", "Май 2025", "Кураторы", "Справка"],
        Span("Итоговые мероприятия"),  # no number, not bold: read as a section, warned
        ["7", "", "", "", ""],  # a number alone: kept as an activity
        ["8", "Отчёт", "Декабрь 2025", "Кураторы", "Отчёт"],
        Span("—"),  # nothing to read: the only row left out, warned
    ]
    parsed = parse_plan(build_docx([T(HEADER, rows)]))
    assert [(s.title, [a.number for a in s.activities]) for s in parsed.sections] == [
        ("Мероприятия плана", ["1"]), ("Итоговые мероприятия", ["7", "8"]),
    ]
    assert parsed.warnings == [
        "Таблица 1, строка 3: строка «Итоговые мероприятия» без номера и без сроков прочитана как заголовок "
        "раздела — проверьте, не мероприятие ли это.",
        "Таблица 1, строка 4: у мероприятия 7 нет содержания.",
        "Таблица 1, строка 4: у мероприятия 7 не указан срок.",
        "Таблица 1, строка 4: у мероприятия 7 не указаны ответственные.",
        "Таблица 1, строка 6: строка «—» пропущена — в ней нет текста.",
    ]
