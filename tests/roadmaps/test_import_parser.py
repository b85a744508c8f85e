"""Reading plan tables from .docx and .xlsx: the three source documents' layouts, header and row
variants, levels from a three-column header, sections' tasks and indicators, numbering warnings
and files that are no plan at all. Pure: no database."""

import io
import zipfile
from datetime import date

import docx
import pytest

from roadmaps.executors import Executor
from roadmaps.import_services import plan_file_parse
from roadmaps.importers import ParsedPlan, PlanFileError, parse_plan

from .docx_builders import P, Bold, Span, T, build_docx, build_xlsx, demo_docx, demo_plan, demo_xlsx, expected_contract

HEADER = ["№ п/п", "Мероприятия", "Сроки", "Ответственные", "Планируемый результат"]


def _contract(data, **period):
    return parse_plan(data, **period).contract()


# --- the three source documents --------------------------------------------------------------

@pytest.mark.parametrize("file", ["omsk", "uglegorsk", "yakovlevsky"])
@pytest.mark.parametrize("build", [demo_docx, demo_xlsx], ids=["docx", "xlsx"])
def test_it_reads_each_demo_plan_as_transcribed(file, build):
    assert _contract(build(file))["sections"] == expected_contract(demo_plan(file))


def test_it_reads_omsk_cluster_headings_written_as_a_merged_first_row():
    parsed = parse_plan(demo_docx("omsk", headings="row"))
    assert parsed.contract()["sections"] == expected_contract(demo_plan("omsk"))
    assert [(s.kind, s.cluster_number) for s in parsed.sections] == [("cluster", n) for n in (1, 2, 3, 4)]
    assert parsed.sections[0].cluster_name == (
        "общеобразовательные организации, демонстрирующие положительную динамику образовательных результатов обучающихся"
    )


def test_it_warns_about_the_missing_number_of_omsk_cluster_one():
    # Cluster table 1 of seed 000 goes 9, 11: the numbers are kept and the gap is reported.
    warnings = parse_plan(demo_docx("omsk")).warnings
    assert len(warnings) == 1
    assert "пропущен номер 10" in warnings[0] and "1 кластер" in warnings[0]


def test_it_keeps_uglegorsk_parts_and_drops_omsk_chapter_heading():
    ugl = parse_plan(demo_docx("uglegorsk"))
    parts = [(i, s.number) for i, s in enumerate(ugl.sections) if s.kind == "part"]
    assert parts == [(0, "I"), (3, "II")]
    assert [s.parent for s in ugl.sections] == [None, 0, 0, None, 3, 3, 3, 3, 3]
    assert ugl.title.startswith("Муниципальная дорожная карта по сопровождению ШНОР")
    # «Раздел III. Целевые ориентиры…» heads all of seed 000's tables: a chapter, not a part.
    omsk = parse_plan(demo_docx("omsk"))
    assert all(s.kind == "cluster" and s.parent is None for s in omsk.sections)


def test_it_reads_yakovlevsky_bold_section_rows_with_their_numbers_as_written():
    parsed = parse_plan(demo_docx("yakovlevsky"))
    assert [s.number for s in parsed.sections] == ["1.", "2.", "3.", "4.", "5.", "6."]
    assert parsed.title.startswith("План - график («дорожная карта»)")
    assert parsed.warnings == []


def test_it_reads_deadlines_against_the_period():
    parsed = parse_plan(demo_docx("uglegorsk"), period_start=date(2025, 1, 1), period_end=date(2025, 12, 31))
    by_number = {a.number: a for s in parsed.sections for a in s.activities}
    assert by_number["2.10"].deadline_kind == "dates"
    assert by_number["2.10"].deadline_windows == [(date(2025, 9, 1), date(2025, 9, 30))]
    assert by_number["2.13"].deadline_kind == "on_demand"
    assert by_number["1.11"].deadline_kind == "on_schedule"
    assert by_number["1.3"].deadline_windows[0] == (date(2025, 1, 1), date(2025, 3, 25))
    assert parse_plan(demo_docx("uglegorsk")).sections[1].activities[0].deadline_kind == ""


# --- header variants -------------------------------------------------------------------------

@pytest.mark.parametrize(
    "header",
    [
        ["№", "Мероприятие", "Срок", "Ответственный", "Результат"],
        ["№ п/п", "Содержание мероприятия", "Сроки исполнения", "Ответственный исполнитель", "Ожидаемые результаты"],
        ["N п/п", "Наименование мероприятия", "Срок исполнения", "Исполнители", "Ожидаемый результат"],
        ["№\u00a0п/п", "Основные мероприятия", "Сроки реализации", "Ответственные:", "Планируемый результат"],
    ],
)
def test_it_recognises_header_variants(header):
    row = ["1.1", "Мониторинг успеваемости", "Ежеквартально", "Руководители ШНОР, кураторы", "Не менее 20 %"]
    activity = _contract(build_docx([T(header, [Span("1. Мониторинг"), row])]))["sections"][0]["activities"][0]
    assert activity == {
        "number": "1.1",
        "content": "Мониторинг успеваемости",
        "deadline": "Ежеквартально",
        "executors": [{"level": "school", "name": "Руководители ШНОР"}, {"level": "municipality", "name": "кураторы"}],
        "result": "Не менее 20 %",
    }


def test_it_finds_the_header_in_any_order_and_below_title_rows():
    blocks = [T([], [
        Span("ПЛАН МЕРОПРИЯТИЙ НА 2025 ГОД"),
        ["", "", "", "", ""],
        ["Ожидаемый результат", "Ответственные", "Срок", "Мероприятие", "№"],
        ["Справка", "Кураторы", "Май 2025", "Анализ ВПР", "1"],
    ])]
    for data in (build_docx(blocks), build_xlsx(blocks)):
        parsed = parse_plan(data)
        assert parsed.contract()["sections"][0]["activities"] == [
            {"number": "1", "content": "Анализ ВПР", "deadline": "Май 2025",
             "executors": [{"level": "municipality", "name": "Кураторы"}], "result": "Справка"}
        ]
        assert parsed.title == "ПЛАН МЕРОПРИЯТИЙ НА 2025 ГОД"


def test_it_skips_a_row_that_numbers_the_columns():
    blocks = [T(HEADER, [["1", "2", "3", "4", "5"], ["1", "Анализ ВПР", "Май 2025", "Кураторы", "Справка"]])]
    activities = parse_plan(build_docx(blocks)).sections[0].activities
    assert [a.content for a in activities] == ["Анализ ВПР"]


def test_it_gives_levels_from_a_three_column_executor_header():
    header = [
        ["№", "Мероприятие", "Сроки", "Ответственные", "Ответственные", "Ответственные", "Результат"],
        ["", "", "", "Регион", "Район", "ОО", ""],
    ]
    merges = [((0, 0), (1, 0)), ((0, 1), (1, 1)), ((0, 2), (1, 2)), ((0, 3), (0, 5)), ((0, 6), (1, 6))]
    rows = [
        ["1.1", "Курсы повышения квалификации", "Март 2025", "ГАУ ДПО ПК ИРО", "Управление образования", "Руководители ОО", "100 % педагогов"],
        # Each column's words would say otherwise; the column decides.
        ["1.2", "Стажировки", "Апрель 2025", "", "Руководители ШНОР", "Руководители ШНОР, кураторы", "Отчёт"],
    ]
    for data in (build_docx([T(header, [Span("1. Кадры"), *rows], merge_header=merges)]),
                 build_xlsx([T(header, [Span("1. Кадры"), *rows], merge_header=merges)])):
        parsed = parse_plan(data)
        first, second = parsed.sections[0].activities
        assert [(e.level, e.name) for e in first.executors] == [
            ("region", "ГАУ ДПО ПК ИРО"), ("municipality", "Управление образования"), ("school", "Руководители ОО")
        ]
        assert first.executors_text == "Регион: ГАУ ДПО ПК ИРО; Район: Управление образования; ОО: Руководители ОО"
        assert [(e.level, e.name) for e in second.executors] == [
            ("municipality", "Руководители ШНОР"), ("school", "Руководители ШНОР"), ("school", "кураторы")
        ]
        assert first.result == "100 % педагогов" and first.deadline == "Март 2025"
        assert parsed.warnings == []


def test_it_reads_level_columns_without_a_merged_title_above_them():
    header = ["№", "Мероприятие", "Срок", "Региональный уровень", "Муниципалитет", "Школа", "Результат"]
    row = ["1", "Семинар", "Май 2025", "ИРО", "", "Директор", "Протокол"]
    activity = parse_plan(build_docx([T(header, [row])])).sections[0].activities[0]
    assert [(e.level, e.name) for e in activity.executors] == [("region", "ИРО"), ("school", "Директор")]


# --- sections --------------------------------------------------------------------------------

def test_it_puts_tasks_and_indicators_lines_into_their_section():
    rows = [
        Span("1. Повышение квалификации\nЗадачи: обучить педагогов ШНОР\nПоказатели: доля обученных педагогов"),
        ["1.1", "Курсы", "Март 2025", "Кураторы", "100 %"],
        Span("2. Мониторинг"),
        Span("Задачи: выявить дефициты;\nпровести анализ"),
        Span("Показатели:\nчисло справок\nдоля школ"),
        ["2.1", "Анализ ВПР", "Май 2025", "Кураторы", "Справка"],
    ]
    sections = _contract(build_docx([T(HEADER, rows)]))["sections"]
    assert [(s["number"], s["title"], s["tasks"], s["indicators"]) for s in sections] == [
        ("1", "Повышение квалификации", "обучить педагогов ШНОР", "доля обученных педагогов"),
        ("2", "Мониторинг", "выявить дефициты;\nпровести анализ", "число справок\nдоля школ"),
    ]
    assert [len(s["activities"]) for s in sections] == [1, 1]


def test_it_reads_a_part_row_inside_the_table_and_nests_what_follows():
    rows = [
        Span("Раздел I. Комплекс мероприятий"),
        Span("1. Образовательные результаты"),
        ["1.1", "Тренировочные работы", "По графику", "Руководители ШНОР", "Справка"],
        Span("Раздел II. Циклограмма управленческих мер"),
        Span("1. Организационная деятельность"),
        ["1.1", "Актуализация документов", "Не позднее 01 апреля 2025", "Кураторы", "Документы"],
    ]
    parsed = parse_plan(build_docx([T(HEADER, rows)]))
    assert [(s.kind, s.number, s.title, s.parent) for s in parsed.sections] == [
        ("part", "I", "Раздел I. Комплекс мероприятий", None),
        ("section", "1", "Образовательные результаты", 0),
        ("part", "II", "Раздел II. Циклограмма управленческих мер", None),
        ("section", "1", "Организационная деятельность", 2),
    ]
    # Numbers restart under each part: no duplicate warning across parts.
    assert parsed.warnings == []


def test_it_reads_cluster_heading_variants():
    rows = [
        Span("Кластер 2. Школы, впервые вошедшие в список (МБОУ «СОШ № 1»)"),
        ["1", "Анализ", "Май 2025", "Кураторы", "Справка"],
        Span("III кластер – зона риска"),
        ["1", "Визиты", "Июнь 2025", "Кураторы", "Справка"],
    ]
    parsed = parse_plan(build_docx([T(HEADER, rows)]))
    assert [(s.number, s.cluster_number, s.cluster_name) for s in parsed.sections] == [
        ("2", 2, "Школы, впервые вошедшие в список"),
        ("3", 3, "зона риска"),
    ]


def test_it_tells_a_numbered_title_row_from_an_activity_without_details():
    rows = [
        Bold(["1.", "Нормативное обеспечение", "", "", ""]),  # bold: a section
        ["1.1.", "Разработка положения", "Январь 2025", "Рабочая группа", "Положение"],
        ["2", "Информационное обеспечение", "", "", ""],  # the next rows are numbered under it
        ["2.1", "Раздел на сайте", "Постоянно", "ОО", "Раздел создан"],
        ["2.2", "Обновление раздела", "", "", ""],  # a sub-number: an activity, details missing
        Bold(["3", "Кадровое обеспечение", "", "", ""]),  # bold alone makes it a section
        ["1", "Анализ дефицитов", "Май 2025", "Кураторы", "Справка"],
        ["2", "Курсы", "", "", ""],  # neither bold nor followed by 2.x: an activity
        ["3", "Стажировки", "Июнь 2025", "Кураторы", "Отчёт"],
    ]
    parsed = parse_plan(build_docx([T(HEADER, rows)]))
    assert [(s.number, s.title, [a.number for a in s.activities]) for s in parsed.sections] == [
        ("1.", "Нормативное обеспечение", ["1.1."]),
        ("2", "Информационное обеспечение", ["2.1", "2.2"]),
        ("3", "Кадровое обеспечение", ["1", "2", "3"]),
    ]
    assert any("2.2 не указан срок" in w for w in parsed.warnings)
    assert any("2.2 не указаны ответственные" in w for w in parsed.warnings)


def test_it_puts_rows_without_any_heading_into_one_section():
    parsed = parse_plan(build_docx([T(HEADER, [["1", "Анализ ВПР", "Май 2025", "Кураторы", "Справка"]])]))
    assert [(s.number, s.title, len(s.activities)) for s in parsed.sections] == [("", "Мероприятия плана", 1)]


def test_it_reads_every_table_and_a_table_continued_without_its_header():
    blocks = [
        P("Раздел I. Мероприятия"),
        T(HEADER, [Span("1. Первый"), ["1.1", "А", "Май 2025", "Кураторы", "Итог"]]),
        T([], [["1.2", "Б", "Июнь 2025", "Кураторы", "Итог"], Span("2. Второй"), ["2.1", "В", "Июль 2025", "ОО", "Итог"]]),
        P("Раздел II. Циклограмма"),
        T(["№", "Основные мероприятия", "Сроки исполнения", "Ожидаемый результат"], [["1.1", "Г", "Август 2025", "Итог"]]),
    ]
    parsed = parse_plan(build_docx(blocks))
    assert [(s.number, [a.content for a in s.activities]) for s in parsed.sections] == [
        ("I", []), ("1", ["А", "Б"]), ("2", ["В"]), ("II", ["Г"]),
    ]
    assert parsed.sections[3].activities[0].executors == []


def test_it_continues_vertically_merged_cells():
    document = build_docx([T(HEADER, [["1", "А", "В течение года", "Кураторы", "Итог"], ["2", "Б", "", "Кураторы", "Итог"]])])
    doc = docx.Document(io.BytesIO(document))
    table = doc.tables[0]
    table.cell(1, 2).merge(table.cell(2, 2))  # one deadline for both rows, as Word merges it
    buffer = io.BytesIO()
    doc.save(buffer)
    activities = parse_plan(buffer.getvalue()).sections[0].activities
    assert [(a.number, a.deadline) for a in activities] == [("1", "В течение года"), ("2", "В течение года")]


def test_it_reads_a_column_split_in_two_under_one_title_once():
    # Seed 001's «Ответственные» spans two grid columns; some rows repeat the text in both.
    header = ["№ п/п", "Мероприятия", "Сроки", "Ответственные", "Ответственные", "Планируемый результат"]
    rows = [
        ["1.6", "Платформы", "Ежеквартально", "Руководители ШНОР", "Руководители ШНОР", "Динамика"],
        ["1.7", "Оценивание", "Ежеквартально", "Руководители ШНОР", "кураторы", "Динамика"],
    ]
    parsed = parse_plan(build_docx([T(header, rows, merge_header=[((0, 3), (0, 4))])]))
    first, second = parsed.sections[0].activities
    assert first.executors_text == "Руководители ШНОР" and first.result == "Динамика"
    assert [e.name for e in second.executors] == ["Руководители ШНОР", "кураторы"]


def test_it_joins_a_row_broken_by_a_page_to_the_activity_it_continues():
    # As seed 000 (cluster 3, item 2) and seed 002 (item 1.4) print them.
    header = ["№", "Содержание мероприятия", "сроки", "Ожидаемые результаты", "Ответственный исполнитель"]
    rows = [
        ["2", "Организация муниципальной", "Май 2023 г", "Наличие объективной информации для", "Муниципальный"],
        ["", "перепроверки ВПР педагогами начальной и основной школы", "", "принятия управленческих решений",
         "координатор ШНОР, муниципальные кураторы"],
        ["3", "Нормативное регулирование", "Январь, 2024", "Заключение договоров о сетевом", "Управление образования"],
        ["", "", "", "партнерства", ""],
    ]
    parsed = parse_plan(build_docx([T(header, rows)]))
    second, third = parsed.sections[0].activities
    assert (second.content, second.result, second.deadline) == (
        "Организация муниципальной перепроверки ВПР педагогами начальной и основной школы",
        "Наличие объективной информации для принятия управленческих решений",
        "Май 2023 г",
    )
    assert second.executors_text == "Муниципальный координатор ШНОР, муниципальные кураторы"
    assert [e.name for e in second.executors] == ["Муниципальный координатор ШНОР", "муниципальные кураторы"]
    assert third.result == "Заключение договоров о сетевом партнерства"
    assert [w.split(":")[0] for w in parsed.warnings] == ["Таблица 1, строка 3", "Таблица 1, строка 5"]
    assert all("присоединена к мероприятию" in w for w in parsed.warnings)


# --- numbering warnings ----------------------------------------------------------------------

def test_it_keeps_and_warns_about_duplicate_missing_and_disordered_numbers():
    rows = [
        Span("1. Раздел"),
        ["1.1", "А", "Май 2025", "Кураторы", "Итог"],
        ["1.1", "Б", "Май 2025", "Кураторы", "Итог"],
        ["1.4", "В", "Май 2025", "Кураторы", "Итог"],
        ["1.2", "Г", "Май 2025", "Кураторы", "Итог"],
        ["", "Д", "Май 2025", "Кураторы", "Итог"],
    ]
    parsed = parse_plan(build_docx([T(HEADER, rows)]))
    assert [a.number for a in parsed.sections[0].activities] == ["1.1", "1.1", "1.4", "1.2", ""]
    assert parsed.warnings == [
        "Таблица 1, строка 7: у мероприятия нет номера.",
        "Раздел «1 Раздел»: номер 1.1 повторяется (Таблица 1, строка 3 и Таблица 1, строка 4).",
        "Раздел «1 Раздел»: пропущены номера 1.2, 1.3 (перед 1.4, Таблица 1, строка 5).",
        "Раздел «1 Раздел»: номер 1.2 идёт не по порядку (Таблица 1, строка 6).",
    ]


def test_it_names_excel_rows_as_excel_does():
    blocks = [P("Дорожная карта на 2025 год"), T(HEADER, [["1", "А", "Май 2025", "Кураторы", "Итог"], ["1", "Б", "", "Кураторы", "Итог"]])]
    warnings = parse_plan(build_xlsx(blocks, sheet_title="Дорожная карта")).warnings
    assert "Лист «Дорожная карта», строка 4: у мероприятия 1 не указан срок." in warnings


# --- the payload the preview signs -----------------------------------------------------------

def test_it_round_trips_through_the_preview_payload():
    parsed = parse_plan(demo_docx("uglegorsk"))
    again = ParsedPlan.from_dict(parsed.to_dict())
    assert again.contract() == parsed.contract()
    assert [s.parent for s in again.sections] == [s.parent for s in parsed.sections]
    assert again.sections[1].activities[2].executors[0] == Executor("school", "role", "Руководители ШНОР")


def test_it_refuses_a_payload_whose_parent_points_forward():
    data = parse_plan(demo_docx("uglegorsk")).to_dict()
    data["sections"][0]["parent"] = 3
    with pytest.raises(ValueError):
        ParsedPlan.from_dict(data)


# --- files that are no plan ------------------------------------------------------------------

def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Файл пустой."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "защищён паролем или сохранён в старом формате"),
        (b"%PDF-1.7 ...", "Это PDF"),
        ("Мероприятие;Сроки\n1;Май".encode(), "Это не документ Word (.docx) и не таблица Excel (.xlsx)."),
        (b"PK\x03\x04 broken", "Это не файл Word (.docx) или Excel (.xlsx)"),
        (_zip({"readme.txt": "x"}), "Это архив, но не документ Word"),
        (_zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"}), "OpenDocument"),
        (_zip({f"word/media/{i}.png": "x" for i in range(250)}), "Файл слишком сложный для загрузки"),
        (_zip({"word/document.xml": "<w:document/>"}), "Не удалось прочитать документ Word"),
        (build_docx([P("Приказ"), P("Утвердить план.")]), "В документе нет ни одной таблицы"),
        (build_docx([T(["№ п/п", "Основные риски проекта", "Пути их минимизации"], [["1", "Риск", "Меры"]])]),
         "не найдена таблица плана"),
        (build_docx([T(HEADER, [])]), "нет ни одного мероприятия"),
        (build_xlsx([T(["Школа", "Ученики"], [["СОШ № 1", "80"]])]), "не найдена таблица плана"),
    ],
    ids=["empty", "ole", "pdf", "csv", "broken-zip", "foreign-zip", "odt", "too-many-members", "broken-docx",
         "no-table", "no-plan-table", "header-only", "xlsx-no-plan"],
)
def test_it_refuses_files_that_hold_no_plan_with_a_clear_message(data, message):
    with pytest.raises(PlanFileError) as error:
        plan_file_parse(data=data)
    assert message in str(error.value)


def test_it_refuses_a_zip_bomb_before_opening_it():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<" + b"a" * (120 * 1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < 1024 * 1024  # small on disk, 120 MB inflated
    with pytest.raises(PlanFileError) as error:
        plan_file_parse(data=data)
    assert "слишком сложный" in str(error.value)


# --- the table's layout: column order and headings as printed ------------------------------------

def test_it_keeps_the_columns_order_and_headings_as_printed_with_the_level_group():
    header = [
        ["№ п/п", "Наименование мероприятия", "Сроки\nреализации", "Ответственные", "Ответственные", "Ответственные", "Ожидаемый результат"],
        ["", "", "", "Регион", "Район", "ОО", ""],
    ]
    merges = [((0, 0), (1, 0)), ((0, 1), (1, 1)), ((0, 2), (1, 2)), ((0, 3), (0, 5)), ((0, 6), (1, 6))]
    rows = [["1.1", "Курсы", "Март 2025", "ИРО", "Управление образования", "Руководители ОО", "100 % педагогов"]]
    expected = [
        {"key": "number", "heading": "№ п/п", "group": ""},
        {"key": "content", "heading": "Наименование мероприятия", "group": ""},
        {"key": "deadline", "heading": "Сроки реализации", "group": ""},
        {"key": "executors_region", "heading": "Регион", "group": "Ответственные"},
        {"key": "executors_municipality", "heading": "Район", "group": "Ответственные"},
        {"key": "executors_school", "heading": "ОО", "group": "Ответственные"},
        {"key": "result", "heading": "Ожидаемый результат", "group": ""},
    ]
    for data in (build_docx([T(header, [Span("1. Кадры"), *rows], merge_header=merges)]),
                 build_xlsx([T(header, [Span("1. Кадры"), *rows], merge_header=merges)])):
        parsed = parse_plan(data)
        assert parsed.columns == expected
        # The preview carries the layout to the confirmation; the --json contract does not change.
        assert type(parsed).from_dict(parsed.to_dict()).columns == expected
        assert set(parsed.contract()) == {"sections", "warnings"}


def test_it_keeps_a_result_before_the_executors_as_the_source_orders_them():
    header = ["№", "Содержание работы", "Срок", "Планируемые результаты", "Ответственный исполнитель"]
    rows = [["1", "Семинар", "Май 2025", "Протокол", "Кураторы"]]
    parsed = parse_plan(build_xlsx([T(header, rows)]))
    assert [(c["key"], c["heading"]) for c in parsed.columns] == [
        ("number", "№"), ("content", "Содержание работы"), ("deadline", "Срок"),
        ("result", "Планируемые результаты"), ("executors", "Ответственный исполнитель"),
    ]


def test_a_section_title_merged_over_the_row_is_no_activity():
    """«1. | Нормативно-правовое обеспечение» merged from the content column to the end: a section
    with its number as written, not an activity whose deadline and result repeat the title."""
    document = docx.Document()
    table = document.add_table(rows=3, cols=5)
    for i, text in enumerate(["№", "Мероприятие", "Сроки", "Ответственные", "Результат"]):
        table.cell(0, i).text = text
    table.cell(1, 0).paragraphs[0].add_run("1.").bold = True
    table.cell(1, 1).merge(table.cell(1, 4)).paragraphs[0].add_run("Нормативно-правовое обеспечение\nЗадачи: принять положение").bold = True
    for i, text in enumerate(["1.1.", "Приказ", "Март 2025", "Кураторы", "Приказ"]):
        table.cell(2, i).text = text
    buffer = io.BytesIO()
    document.save(buffer)
    section = parse_plan(buffer.getvalue()).sections[0]
    assert (section.number, section.title, section.tasks) == ("1.", "Нормативно-правовое обеспечение", "принять положение")
    assert [(a.number, a.deadline) for a in section.activities] == [("1.1.", "Март 2025")]
