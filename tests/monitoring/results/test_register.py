"""The results register: who sees which results, the filters, the marks, the export of exactly the
filtered set, and a fixed number of queries whatever the number of rows.

Queries of a register page (named so that a new one has to be justified):
  session, user, the bell's unread count — 3 for every page;
  the count, the page of rows (school and municipality joined), the averages of the page's rows,
  the panel's schools, the panel's subjects and years (one query for both) — 5;
  a director has no choice of schools — 4.
"""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from monitoring.models import ExamResult, ReferenceResult

PAGE = 3
REGISTER = PAGE + 5
REGISTER_DIRECTOR = PAGE + 4
SUBJECTS = ["Русский язык", "Математика (профиль)", "Физика", "Химия", "Биология"]


def result(school, subject="Русский язык", year=2023, procedure="ege", grade=11, **values):
    if not values:
        values = {"average_score": Decimal("60")}
    return ExamResult.objects.create(school=school, procedure=procedure, subject=subject, grade=grade, year=year, **values)


@pytest.fixture
def results(cast):
    """Rows of both schools of municipality A and one of municipality B, with the region's averages."""
    cast.r_a = result(cast.school_a, "Русский язык", 2022, average_score=Decimal("68.4"), participants=12)
    cast.r_a_low = result(cast.school_a, "Математика (профиль)", 2023, average_score=Decimal("22"))
    cast.r_a_nobody = result(cast.school_a, "Физика", 2023, participants=0)
    cast.r_a_oge = result(cast.school_a, "Математика", 2023, procedure="oge", grade=9, average_score=Decimal("4"), failed_share=Decimal("12.5"))
    cast.r_b = result(cast.school_b, "Русский язык", 2022, average_score=Decimal("58.2"))
    cast.r_other = result(cast.school_other, "Русский язык", 2022, average_score=Decimal("70"))
    ReferenceResult.objects.create(level="region", region=cast.muni.region, municipality=cast.muni, procedure="ege", subject="Русский язык", grade=11, year=2022, average_score=Decimal("65.15"))
    ReferenceResult.objects.create(level="municipality", municipality=cast.muni, procedure="ege", subject="Русский язык", grade=11, year=2022, average_score=Decimal("63"))
    # Another region's average of the same subject and year is not this municipality's to compare with.
    ReferenceResult.objects.create(level="region", region=cast.other.region, municipality=cast.other, procedure="ege", subject="Русский язык", grade=11, year=2022, average_score=Decimal("61"))
    return cast


def page_ids(client, **params):
    response = client.get(reverse("results:result_list"), params)
    assert response.status_code == 200
    return {row.pk for row in response.context["results"]}, response


def export_rows(client, **params):
    response = client.get(reverse("results:result_export"), params)
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook["Результаты"]
    header = [c.value for c in sheet[1]]
    return header, [dict(zip(header, [c.value for c in row])) for row in sheet.iter_rows(min_row=2)], workbook


@pytest.mark.parametrize(
    "role, expected",
    [
        ("coordinator", {"r_a", "r_a_low", "r_a_nobody", "r_a_oge", "r_b"}),
        ("chair", {"r_a", "r_a_low", "r_a_nobody", "r_a_oge", "r_b"}),
        ("region_viewer", {"r_a", "r_a_low", "r_a_nobody", "r_a_oge", "r_b"}),
        ("curator", {"r_a", "r_a_low", "r_a_nobody", "r_a_oge"}),
        ("director_a", {"r_a", "r_a_low", "r_a_nobody", "r_a_oge"}),
        ("director_b", {"r_b"}),
        ("coordinator_other", {"r_other"}),
        ("no_role", set()),
    ],
)
def test_each_role_sees_the_results_of_its_schools_only(client, results, role, expected):
    client.force_login(getattr(results, role))
    ids, _ = page_ids(client)
    assert ids == {getattr(results, name).pk for name in expected}
    _, rows, _ = export_rows(client)
    assert len(rows) == len(expected)


def test_a_director_cannot_reach_another_school_by_the_filter(client, results):
    client.force_login(results.director_a)
    ids, response = page_ids(client, school=results.school_b.pk)
    # He has no choice of schools: the parameter is not even read, his own rows stay.
    assert "school" not in response.context["filter"].form.fields
    assert 'data-testid="results"' in response.content.decode() and "<th" in response.content.decode()
    assert ids == {results.r_a.pk, results.r_a_low.pk, results.r_a_nobody.pk, results.r_a_oge.pk}
    _, rows, _ = export_rows(client, school=results.school_b.pk)
    assert {row["ОО"] for row in rows} == {results.school_a.short_name}


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"school": "school_b"}, {"r_b"}),
        ({"procedure": "oge"}, {"r_a_oge"}),
        ({"subject": "Русский язык"}, {"r_a", "r_b"}),
        ({"grade": "9"}, {"r_a_oge"}),
        ({"year": "2022"}, {"r_a", "r_b"}),
        ({"below": "yes"}, {"r_a_low"}),
        ({"below": "no"}, {"r_a", "r_a_oge", "r_b"}),
        ({"procedure": "ege", "year": "2023"}, {"r_a_low", "r_a_nobody"}),
    ],
)
def test_the_filters_and_the_export_give_the_same_rows(client, results, params, expected):
    client.force_login(results.coordinator)
    params = {key: getattr(results, value).pk if key == "school" else value for key, value in params.items()}
    ids, response = page_ids(client, **params)
    assert ids == {getattr(results, name).pk for name in expected}
    assert response.context["filter"].active_count == len(params)
    _, rows, _ = export_rows(client, **params)
    page = response.context["results"]
    assert [(row["ОО"], row["Предмет"], row["Год"]) for row in rows] == [(r.school.short_name, r.subject, r.year) for r in page]


def test_the_export_equals_the_filtered_set_across_pages(client, cast):
    for year in range(2001, 2031):
        for school in (cast.school_a, cast.school_b):
            result(school, "Физика", year, average_score=Decimal(year - 1990))
    result(cast.school_a, "Химия", 2020)
    client.force_login(cast.coordinator)
    params = {"subject": "Физика", "sort": "-score"}
    response = client.get(reverse("results:result_list"), params)
    assert response.context["page"].paginator.count == 60 and len(response.context["results"]) == 50
    second = client.get(reverse("results:result_list"), {**params, "page": 2})
    on_pages = [(r.school.short_name, r.year) for r in [*response.context["results"], *second.context["results"]]]
    _, rows, _ = export_rows(client, **params)
    assert [(row["ОО"], row["Год"]) for row in rows] == on_pages
    assert [row["Средний балл"] for row in rows[:2]] == [40, 40]  # highest first


def test_the_register_prints_scores_as_the_tables_do_and_marks_low_ones(client, results):
    client.force_login(results.coordinator)
    _, response = page_ids(client)
    html = response.content.decode()
    rows = {row.pk: row for row in response.context["results"]}
    assert rows[results.r_a_low.pk].below_threshold and not rows[results.r_a.pk].below_threshold
    assert html.count('data-testid="below-threshold"') == 1
    assert '22<span class="visually-hidden"> (ниже порога)</span>' in html
    assert ">68,4<" in html and ">4,0<" in html and ">12,5<" in html
    assert '<span title="никто не сдавал">-</span>' in html


def test_the_register_shows_the_averages_of_the_rows_municipality_and_region(client, results):
    client.force_login(results.coordinator)
    _, response = page_ids(client, subject="Русский язык")
    rows = {row.pk: row for row in response.context["results"]}
    assert rows[results.r_a.pk].averages.region == Decimal("65.15")
    assert rows[results.r_a.pk].averages.municipality == Decimal("63")
    html = response.content.decode()
    assert "по региону</th>" in html and ">65,15<" in html and ">61<" not in html
    assert "Доля не справившихся" not in html  # no row of the page has a share: the column stays out
    header, rows, workbook = export_rows(client, subject="Русский язык")
    assert header[-3:] == ["Ниже порога", "Среднее по муниципалитету", "Среднее по региону"]
    assert [(row["ОО"], row["Среднее по региону"]) for row in rows] == [
        (results.school_a.short_name, 65.15),
        (results.school_b.short_name, 65.15),
    ]
    averages = [[c.value for c in row] for row in workbook["Средние"].iter_rows()]
    assert averages[0] == ["Уровень", "Муниципалитет / регион", "Процедура", "Предмет", "Класс", "Год", "Средний балл", "Доля не справившихся, %"]
    assert sorted(averages[1:]) == sorted([
        ["муниципалитет", results.muni.name, "ЕГЭ", "Русский язык", 11, 2022, 63, None],
        ["регион", results.muni.region.name, "ЕГЭ", "Русский язык", 11, 2022, 65.15, None],
    ])


def test_the_export_has_the_page_columns_in_russian(client, results):
    client.force_login(results.coordinator)
    header, rows, _ = export_rows(client, school=results.school_a.pk, sort="subject")
    assert header == ["ОО", "Процедура", "Предмет", "Класс", "Год", "Средний балл", "Доля не справившихся, %", "Участников", "Ниже порога", "Среднее по муниципалитету", "Среднее по региону"]
    by_subject = {row["Предмет"]: row for row in rows}
    assert by_subject["Физика"]["Средний балл"] == "-" and by_subject["Физика"]["Участников"] == 0
    assert by_subject["Математика (профиль)"]["Ниже порога"] == "да"
    assert by_subject["Математика"]["Процедура"] == "ОГЭ"
    client.force_login(results.region_viewer)
    header, rows, _ = export_rows(client)
    assert header[0] == "Муниципалитет" and {row["Муниципалитет"] for row in rows} == {results.muni.name}


def test_a_director_gets_no_column_of_schools(client, results):
    def school_cells(user):
        client.force_login(user)
        response = client.get(reverse("results:result_list"))
        return response.context["show_school"], response.content.decode().count(f"<td>{results.school_a.short_name}</td>")

    assert school_cells(results.director_a) == (False, 0)  # one school: neither a column nor a choice of it
    assert school_cells(results.curator) == (True, 4)


def test_the_import_is_offered_to_the_coordinator_only(client, results):
    for role, offered in (("coordinator", True), ("chair", False), ("director_a", False), ("region_viewer", False)):
        client.force_login(getattr(results, role))
        html = client.get(reverse("results:result_list")).content.decode()
        assert (reverse("results:result_import") in html) is offered, role


def _many(cast, n):
    """n results over both schools of municipality A, with the region's averages for some of them."""
    schools = (cast.school_a, cast.school_b)
    for i in range(n):
        result(schools[i % 2], SUBJECTS[(i // 2) % len(SUBJECTS)], 2010 + i // 10, average_score=Decimal(20 + i))
        if i % 3 == 0:
            ReferenceResult.objects.get_or_create(
                level="region", region=cast.muni.region, municipality=cast.muni, procedure="ege", subject=SUBJECTS[(i // 2) % len(SUBJECTS)],
                grade=11, year=2010 + i // 10, defaults={"average_score": Decimal("50")},
            )


@pytest.mark.parametrize("n", [3, 30])
def test_the_register_costs_a_fixed_number_of_queries(client, cast, django_assert_num_queries, n):
    _many(cast, n)
    client.force_login(cast.coordinator)
    with django_assert_num_queries(REGISTER):
        response = client.get(reverse("results:result_list"), {"sort": "score"})
    assert len(response.context["results"]) == n


@pytest.mark.parametrize("n", [3, 30])
def test_the_filtered_register_costs_the_same(client, cast, django_assert_num_queries, n):
    _many(cast, n)
    client.force_login(cast.director_a)
    with django_assert_num_queries(REGISTER_DIRECTOR):
        response = client.get(reverse("results:result_list"), {"procedure": "ege", "below": "yes", "sort": "-year"})
    assert response.context["results"]
