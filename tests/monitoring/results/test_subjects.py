from decimal import Decimal

import pytest

from monitoring.results.subjects import (
    SUBJECTS,
    canonical_subject,
    format_average,
    format_score,
    is_below_threshold,
    scale_for,
    subject_order,
    suggest_subject,
)


@pytest.mark.parametrize(
    "written, expected",
    [
        ("Русский язык", "Русский язык"),
        ("  русский   ЯЗЫК ", "Русский язык"),
        ("Математика (профиль)", "Математика (профиль)"),
        ("профильная математика", "Математика (профиль)"),
        ("Математика базовая", "Математика (база)"),
        ("Информатика и ИКТ", "Информатика"),
        ("Английский", "Английский язык"),
        ("Обществознание", "Обществознание"),
        ("Физкультура", None),
        ("", None),
        (None, None),
    ],
)
def test_it_names_each_subject_once(written, expected):
    assert canonical_subject(written) == expected


def test_it_suggests_the_closest_subject_for_a_typo():
    assert suggest_subject("Физкика") == "Физика"
    assert suggest_subject("Обществозанние") == "Обществознание"
    assert suggest_subject("Астрология древних") is None


def test_it_orders_subjects_as_the_source_tables_do():
    names = ["Литература", "Физика", "Русский язык", "Труд"]
    assert sorted(names, key=subject_order) == ["Русский язык", "Физика", "Литература", "Труд"]
    assert SUBJECTS[0] == "Русский язык"


@pytest.mark.parametrize(
    "procedure, subject, maximum, threshold",
    [
        ("ege", "Русский язык", 100, 24),
        ("ege", "Математика (профиль)", 100, 27),
        ("ege", "Обществознание", 100, 42),
        ("ege", "Математика (база)", 5, 3),
        ("oge", "Математика", 5, 3),
        ("vpr", "Окружающий мир", 5, 3),
        ("regional", "Читательская грамотность", 100, None),
    ],
)
def test_it_knows_the_scale_and_threshold_of_each_procedure(procedure, subject, maximum, threshold):
    scale = scale_for(procedure, subject)
    assert scale.maximum == maximum
    assert scale.threshold == (Decimal(threshold) if threshold is not None else None)


def test_it_marks_scores_below_the_threshold_only():
    assert is_below_threshold("ege", "Литература", Decimal("3")) is True  # НСОШ 2, 2021 in document 002
    assert is_below_threshold("ege", "Литература", Decimal("32")) is False
    assert is_below_threshold("oge", "Математика", Decimal("2.9")) is True
    assert is_below_threshold("oge", "Математика", None) is False


@pytest.mark.parametrize(
    "value, procedure, printed",
    [
        ("71.00", "ege", "71"),
        ("68.40", "ege", "68,4"),
        ("66.17", "ege", "66,17"),
        ("4.00", "ege", "4"),
        ("4.00", "oge", "4,0"),
        ("3.68", "oge", "3,68"),
        ("3.00", "oge", "3,0"),
    ],
)
def test_it_prints_scores_as_the_source_tables_do(value, procedure, printed):
    assert format_score(Decimal(value), procedure) == printed


def test_it_prints_nothing_for_no_score():
    assert format_score(None, "ege") == ""


def test_it_prints_computed_averages_with_two_decimals():
    assert [format_average(Decimal(v)) for v in ("3.8", "3.63", "65.25")] == ["3,80", "3,63", "65,25"]
    assert format_average(None) == ""
