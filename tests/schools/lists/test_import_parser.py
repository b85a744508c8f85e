"""The pure parser of a year's list: header variants, values, bad rows, name matching.

Names and values are those of seed 000 (Omsk, приказ № 87): the history table writes full names,
the research table writes «Сильно неуспевающие ↓ + необъективность».
"""

import unittest

from schools.lists.importer import (
    CATEGORY_LABELS,
    CLUSTER_LABELS,
    TEMPLATE_HEADERS,
    TREND_LABELS,
    SchoolRef,
    normalise_name,
    parse_cluster,
    parse_objectivity,
    parse_school_list,
    parse_trend,
)
from schools.models import SchoolList, SchoolListEntry

SCHOOLS = [
    SchoolRef(
        1,
        "БОУ «Калининская СОШ»",
        "Бюджетное общеобразовательное учреждение «Калининская средняя общеобразовательная школа»",
    ),
    SchoolRef(
        2,
        "БОУ «Русскополянская школа №2»",
        "Бюджетное общеобразовательное учреждение «Русскополянская школа №2 имени Героя Советского Союза Г.Г. Светецкого»",
    ),
    SchoolRef(3, "БОУ «Цветочинская СОШ»", "Бюджетное общеобразовательное учреждение «Цветочинская средняя общеобразовательная школа»"),
    SchoolRef(4, "БОУ «Русскополянская гимназия №1»", "Бюджетное общеобразовательное учреждение «Русскополянская гимназия №1»"),
    SchoolRef(5, "МБОУ СОШ № 1 с. Новосысоевка", "", "НСОШ 1"),
    SchoolRef(6, "МБОУ СОШ № 2 с. Новосысоевка", "", "НСОШ 2"),
]


def parse(rows, category="shnor", list_label="ПРШ"):
    return parse_school_list([("Лист1", rows)], schools=SCHOOLS, category=category, list_label=list_label)


class TestCodes(unittest.TestCase):
    def test_it_uses_the_codes_of_the_models(self):
        assert CATEGORY_LABELS == {value: label for value, label in SchoolList.Category.choices}
        assert CLUSTER_LABELS == {value: label for value, label in SchoolListEntry.FiokoCluster.choices}
        assert TREND_LABELS == {value: label for value, label in SchoolListEntry.Trend.choices}


class TestHeader(unittest.TestCase):
    def test_it_reads_the_template_header(self):
        result = parse([TEMPLATE_HEADERS, [1, "БОУ «Калининская СОШ»", "ШНОР", "низкие результаты ОГЭ", "Умеренно неуспевающие", "↑", "нет", ""]])
        assert result.ok, result.errors
        assert result.header_line == 1
        [row] = result.to_save
        assert (row.school_id, row.fioko_cluster, row.trend, row.objectivity_issue) == (1, "moderate", "up", False)
        assert row.markers == ["низкие результаты ОГЭ"]

    def test_it_finds_the_header_on_row_3_with_usual_variants_in_any_order(self):
        rows = [
            ["Список ШНОР Русско-Полянского МР на 2023 год"],
            [],
            ["Тренд", "Наименование образовательной организации", "№ п/п", "Причины включения", "Необъективность", "Кластер"],
            ["↓", "БОУ «Цветочинская СОШ»", 1, "низкие результаты ОГЭ по математике два года подряд", "нет", "Сильно неуспевающие"],
        ]
        result = parse(rows)
        assert result.ok, result.errors
        assert result.header_line == 3
        assert result.columns["name"] == "Наименование образовательной организации"
        assert result.columns["markers"] == "Причины включения"
        [row] = result.rows
        assert (row.line, row.number, row.school_id, row.trend, row.fioko_cluster) == (4, "1", 3, "down", "strong")

    def test_it_accepts_short_titles(self):
        for name_title in ("ОО", "Школа", "Наименование", "Наименование ОО (как в реестре)"):
            result = parse([[name_title, "Кластер ФИОКО"], ["БОУ «Калининская СОШ»", ""]])
            assert result.ok, (name_title, result.errors)

    def test_it_reads_a_bare_list_of_names_under_a_specific_title(self):
        result = parse([["Наименование ОО"], ["БОУ «Калининская СОШ»"], ["БОУ «Цветочинская СОШ»"]])
        assert result.ok, result.errors
        assert [row.school_id for row in result.rows] == [1, 3]

    def test_it_reports_a_missing_header(self):
        result = parse([["Школа"], ["БОУ «Калининская СОШ»"]] + [[]] * 10)
        assert not result.ok
        assert "Не найдена строка заголовка" in result.errors[0]

    def test_it_does_not_look_past_row_10(self):
        rows = [[f"строка {i}"] for i in range(10)] + [TEMPLATE_HEADERS, [1, "БОУ «Калининская СОШ»"]]
        assert "Не найдена строка заголовка" in parse(rows).errors[0]

    def test_it_reports_a_column_given_twice(self):
        result = parse([["Наименование", "ОО", "Маркеры"], ["БОУ «Калининская СОШ»", "", ""]])
        assert "Столбец «Наименование ОО» встречается в заголовке дважды (столбцы A и B)" in result.errors[0]

    def test_it_reads_the_first_sheet_that_has_a_header(self):
        sheets = [("Пояснения", [["Текст"]]), ("Данные", [TEMPLATE_HEADERS, [1, "БОУ «Калининская СОШ»"]])]
        result = parse_school_list(sheets, schools=SCHOOLS, category="shnor")
        assert result.ok and result.sheet == "Данные"


class TestRows(unittest.TestCase):
    def test_it_skips_blank_and_numbered_empty_rows(self):
        result = parse([TEMPLATE_HEADERS, [1, "БОУ «Калининская СОШ»"], [], [None, "  "], [3], [4, "БОУ «Цветочинская СОШ»"]])
        assert result.ok, result.errors
        assert [(row.line, row.school_id) for row in result.rows] == [(2, 1), (6, 3)]

    def test_it_names_every_bad_row_with_its_problem(self):
        rows = [
            ["Отчёт"],
            [],
            [],
            TEMPLATE_HEADERS,
            [1, "БОУ «Калининская СОШ»", "", "", "Умеренно неуспевающие"],
            [2, "БОУ «Цветочинская СОШ»"],
            [3, "", "", "низкие результаты ВПР"],
            [4, "БОУ «Русскополянская гимназия №1»"],
            [5, "БОУ «Русскополянская школа №2»", "", "", "слабые"],
            [6, "МБОУ СОШ № 1 с. Новосысоевка", "", "", "", "скачками"],
            [7, "МБОУ СОШ № 2 с. Новосысоевка", "", "", "", "", "может быть"],
            [8, "НСОШ 1"],
            [9, "Школа искусств"],
            [10, "БОУ «Калининская СОШ»", "школа-партнёр"],
        ]
        errors = parse(rows).errors
        assert "Строка 7: не указано наименование ОО." in errors
        assert (
            "Строка 9: неизвестный кластер ФИОКО «слабые»; допустимо: Сильно неуспевающие, Умеренно неуспевающие (или пусто)."
            in errors
        )
        assert any(e.startswith("Строка 10: неизвестная динамика «скачками»; допустимо: ↑, ↓, →") for e in errors)
        assert any(e.startswith("Строка 11: непонятное значение признаков необъективности «может быть»") for e in errors)
        assert "Строка 12: ОО «МБОУ СОШ № 1 с. Новосысоевка» уже есть в строке 10." in errors
        assert any(e.startswith("Строка 13: ОО «Школа искусств» не найдена среди школ муниципалитета") for e in errors)
        assert any(e.startswith("Строка 14: неизвестная категория «школа-партнёр»") for e in errors)
        assert not any(e.startswith(("Строка 5:", "Строка 6:", "Строка 8:")) for e in errors)

    def test_it_reads_markers_one_per_line(self):
        result = parse(
            [TEMPLATE_HEADERS, [1, "БОУ «Калининская СОШ»", "", "низкие результаты ОГЭ по математике\n- низкие результаты ЕГЭ по русскому языку; ВПР\n\n"]]
        )
        assert result.rows[0].markers == ["низкие результаты ОГЭ по математике", "низкие результаты ЕГЭ по русскому языку", "ВПР"]

    def test_it_reads_the_research_table_cluster_cell(self):
        result = parse(
            [
                ["ОО", "Кластер"],
                ["БОУ «Русскополянская школа № 2»", "Сильно неуспевающие ↓ + необъективность"],
                ["БОУ «Калининская СОШ»", "↑ Умеренно неуспевающие"],
                ["БОУ «Цветочинская СОШ»", "Сильно неуспевающие ↓ (слабая управленческая команда)"],
            ]
        )
        assert result.ok, result.errors
        assert [(r.fioko_cluster, r.trend, r.objectivity_issue, r.note) for r in result.rows] == [
            ("strong", "down", True, ""),
            ("moderate", "up", False, ""),
            ("strong", "down", False, "слабая управленческая команда"),
        ]

    def test_it_refuses_a_trend_that_contradicts_the_cluster_arrow(self):
        result = parse([["ОО", "Кластер", "Динамика"], ["БОУ «Калининская СОШ»", "↑ Умеренно неуспевающие", "отрицательная"]])
        assert "не совпадает со стрелкой" in result.errors[0]

    def test_it_keeps_rows_of_another_category_out_of_the_list(self):
        result = parse(
            [
                TEMPLATE_HEADERS,
                [1, "БОУ «Калининская СОШ»", "ПРШ"],
                [2, "БОУ «Цветочинская СОШ»", "зона риска", "", "непонятно"],
                [3, "Итого по району"],
            ]
        )
        assert result.ok, result.errors
        assert [row.school_id for row in result.to_save] == [1]
        assert [row.line for row in result.skipped] == [3, 4]
        assert "категория «зона риска»" in result.rows[1].skipped

    def test_it_refuses_a_file_without_schools(self):
        assert parse([TEMPLATE_HEADERS, [1]]).errors == ["В файле нет ни одной строки со школой для этого списка."]

    def test_it_refuses_a_note_too_long_for_the_list(self):
        result = parse([TEMPLATE_HEADERS, [1, "БОУ «Калининская СОШ»", "", "", "", "", "", "я" * 501]])
        assert "примечание длиннее 500 символов" in result.errors[0]


class TestValues(unittest.TestCase):
    def test_it_reads_trend_arrows_and_words(self):
        cases = {
            "↑": "up",
            "↓": "down",
            "→": "stable",
            "Положительная": "up",
            "отрицательная динамика": "down",
            "без изменений": "stable",
            "↑ положительная": "up",
            "": "",
            None: "",
        }
        for value, expected in cases.items():
            assert parse_trend(value) == expected, value
        assert parse_trend("вбок") is None
        assert parse_trend("↑↓") is None

    def test_it_reads_objectivity_variants(self):
        for value in ("да", "Да", "+", "1", 1, 1.0, True, "есть"):
            assert parse_objectivity(value) is True, value
        for value in ("нет", "-", "−", "0", 0, False, None, ""):
            assert parse_objectivity(value) is False, value
        assert parse_objectivity("возможно") is None

    def test_it_reads_cluster_names_in_any_case(self):
        assert parse_cluster("сильно неуспевающие").cluster == "strong"
        assert parse_cluster("УМЕРЕННО НЕУСПЕВАЮЩИЕ").cluster == "moderate"
        assert parse_cluster("").cluster == ""
        assert parse_cluster("3 кластер").cluster is None


class TestMatching(unittest.TestCase):
    def test_it_normalises_quotes_case_numbers_and_spaces(self):
        same = [
            "БОУ «Русскополянская школа №2»",
            'боу "Русскополянская школа № 2"',
            "БОУ 'Русскополянская  школа N2'",
            "БОУ “Русскополянская школа N 2”",
        ]
        assert len({normalise_name(name) for name in same}) == 1

    def test_it_matches_short_full_and_abbreviated_names(self):
        rows = [
            ["ОО", "Маркеры"],
            ["Бюджетное общеобразовательное учреждение «Калининская средняя общеобразовательная школа»", ""],
            ["Бюджетное общеобразовательное учреждение «Русскополянская школа №2 имени Героя Советского Союза Г.Г. Светецкого»", ""],
            ["БОУ «Русскополянская гимназия № 1»", ""],
            ["нсош 1", ""],
            ["Цветочинская СОШ", ""],
        ]
        result = parse(rows)
        assert result.ok, result.errors
        assert [row.school_id for row in result.rows] == [1, 2, 4, 5, 3]
        assert result.rows[0].school_name == "БОУ «Калининская СОШ»"

    def test_it_lists_unmatched_names_with_the_closest_schools(self):
        result = parse([["ОО", "Маркеры"], ["БОУ «Калинская СОШ»", ""], ["Школа искусств № 5", ""], ["БОУ «Калининская СОШ»", ""]])
        unmatched = {u.name: u for u in result.unmatched}
        assert set(unmatched) == {"БОУ «Калинская СОШ»", "Школа искусств № 5"}
        assert unmatched["БОУ «Калинская СОШ»"].line == 2
        assert unmatched["БОУ «Калинская СОШ»"].suggestions[0] == "БОУ «Калининская СОШ»"
        assert unmatched["Школа искусств № 5"].suggestions == ()
        assert "Строка 2: ОО «БОУ «Калинская СОШ»» не найдена среди школ муниципалитета; возможно: «БОУ «Калининская СОШ»»" in result.errors[0]

    def test_it_refuses_a_name_that_fits_two_schools(self):
        schools = SCHOOLS + [SchoolRef(7, "МБОУ «Калининская СОШ»")]
        result = parse_school_list([("Лист1", [["ОО", "Маркеры"], ["Калининская СОШ", ""]])], schools=schools, category="shnor")
        assert "подходит к нескольким школам" in result.errors[0]
        assert not result.unmatched
