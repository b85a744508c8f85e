from decimal import Decimal

import pytest

from monitoring.models import ReferenceResult
from monitoring.results.selectors import reference_map, school_results
from tests.factories import ExamResultFactory, MunicipalityFactory, ReferenceResultFactory, SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def town():
    municipality = MunicipalityFactory()
    return municipality, SchoolFactory(municipality=municipality), SchoolFactory(municipality=municipality)


def test_it_computes_the_municipal_mean_when_none_was_entered(town):
    municipality, a, b = town
    ExamResultFactory(school=a, average_score=Decimal("60.5"))
    ExamResultFactory(school=b, average_score=Decimal("70"))
    ExamResultFactory(school=b, year=2022, average_score=None, participants=0)
    ExamResultFactory(school=SchoolFactory(), average_score=Decimal("10"))  # another municipality

    refs = reference_map(municipality)

    ref = refs[("ege", "Русский язык", 11, 2023)]
    assert ref.municipality == Decimal("65.25")
    assert ref.municipality_computed is True
    assert ("ege", "Русский язык", 11, 2022) not in refs  # «-» is no score


def test_it_prefers_the_entered_municipal_average_and_adds_the_region(town):
    municipality, a, _ = town
    ExamResultFactory(school=a, average_score=Decimal("60.5"))
    ReferenceResult.objects.create(
        level="municipality", municipality=municipality, procedure="ege", subject="Русский язык", grade=11, year=2023,
        average_score=Decimal("63.1"),
    )
    ReferenceResultFactory(municipality=municipality, average_score=Decimal("64.89"))
    # The same region quoted by a neighbour: its figure is its own business.
    ReferenceResultFactory(municipality=MunicipalityFactory(region=municipality.region), average_score=Decimal("99"))

    ref = reference_map(municipality)[("ege", "Русский язык", 11, 2023)]

    assert (ref.municipality, ref.municipality_computed, ref.region) == (Decimal("63.1"), False, Decimal("64.89"))


def test_it_gives_every_year_of_the_procedure_with_gaps_and_dashes(town):
    _, a, _ = town
    ExamResultFactory(school=a, subject="Физика", year=2021, average_score=Decimal("43.3"))
    ExamResultFactory(school=a, subject="Физика", year=2023, average_score=None, participants=0)
    ExamResultFactory(school=a, subject="Русский язык", year=2022, average_score=Decimal("20"))
    ExamResultFactory(school=a, procedure="oge", grade=9, subject="Математика", year=2023, average_score=Decimal("3.3"))

    series = school_results(a)

    assert [(s.procedure, s.subject) for s in series] == [("oge", "Математика"), ("ege", "Русский язык"), ("ege", "Физика")]
    physics = series[2]
    assert [p.year for p in physics.points] == [2021, 2022, 2023]
    assert [p.score for p in physics.points] == [Decimal("43.3"), None, None]
    assert [p.nobody for p in physics.points] == [False, False, True]
    russian = series[1]
    assert russian.points[1].below_threshold is True  # 20 < 24, the ЕГЭ minimum
    assert series[0].points == [series[0].points[0]] and series[0].scale.maximum == 5


@pytest.mark.parametrize("subjects", [1, 12])
def test_it_reads_a_school_in_a_fixed_number_of_queries(town, django_assert_num_queries, subjects):
    _, a, _ = town
    for year in (2021, 2022, 2023):
        for subject in ("Русский язык", "Физика", "Химия", "Биология", "История", "География")[: subjects // 2 or 1]:
            ExamResultFactory(school=a, subject=subject, year=year)
            ExamResultFactory(school=a, procedure="oge", grade=9, subject=subject, year=year, average_score=Decimal("3.5"))
    # The school's rows, the municipal and regional averages entered, the municipal means computed.
    with django_assert_num_queries(4):
        school_results(a)
