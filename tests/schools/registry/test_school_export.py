"""«Экспорт в Excel» of the registry: exactly the filtered and sorted schools, all pages, in Russian."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from schools.registry import views as registry
from schools.registry.exports import HEADERS
from tests import factories as f

URL = reverse("schools:school_export")


def sheet_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Школы"]
    return [list(row) for row in workbook["Школы"].iter_rows(values_only=True)]


@pytest.fixture
def export_cast(cast):
    a, b = cast.school_a, cast.school_b
    a.director = f.PersonFactory(municipality=cast.muni, last_name="Лебедева", first_name="Ольга", middle_name="Ивановна")
    a.settlement, a.is_small = "Калинино", True
    a.save()
    # A is on the cast's «ПРШ 2022» already.
    f.SchoolListEntryFactory(school_list=f.SchoolListFactory(municipality=cast.muni, year=2020, title="ПРШ 2020"), school=a)
    a.year_data.create(year=2021, pupils_total=99, deficit_staff="low")
    a.year_data.create(
        year=2022, pupils_total=80, pupils_grade9=12, pupils_grade11=5, pupils_transported=30, pedagogues_total=13,
        teachers_total=8, deficit_staff="high", deficit_transport="medium", is_resilient=True,
    )
    b.year_data.create(year=2022, pupils_total=120)
    return cast


@pytest.mark.usefixtures("cast_lists")
def test_it_exports_one_row_per_school_with_lists_curators_and_the_latest_year(export_cast, client):
    cast = export_cast
    client.force_login(cast.coordinator)
    rows = sheet_rows(client.get(URL, {"sort": "name"}))
    assert rows[0] == [header for header, _ in HEADERS]
    assert rows[0][:3] == ["Краткое наименование", "Полное наименование", "Вид"]
    assert [row[0] for row in rows[1:]] == [cast.school_a.short_name, cast.school_b.short_name]
    a = dict(zip(rows[0], rows[1]))
    assert a["Списки"] == "ПРШ 2020, ПРШ 2022"
    assert a["Кураторы"] == cast.curator.person.full_name
    assert a["Руководитель"] == "Лебедева Ольга Ивановна"
    assert a["Вид"] == "СОШ (средняя)" and a["Тип местности"] == "сельская" and a["Малокомплектная"] == "да"
    assert a["Данные за учебный год"] == "2022/2023"
    assert (a["Обучающихся всего"], a["Обучающихся 9-х классов"], a["Обучающихся 11-х классов"]) == (80, 12, 5)
    assert (a["Педагогических работников"], a["В том числе учителей"], a["Подвозимых обучающихся"]) == (13, 8, 30)
    assert (a["Дефицит кадров"], a["Дефицит инфраструктуры"], a["Транспортный дефицит"]) == ("высокий", None, "средний")
    assert a["Резильентная"] == "да"
    b = dict(zip(rows[0], rows[2]))
    assert b["Списки"] is None and b["Кураторы"] is None  # B's curator left in 2022
    assert b["Обучающихся всего"] == 120


def test_it_exports_the_filtered_set_in_the_pages_order_and_not_only_one_page(export_cast, client, monkeypatch):
    cast = export_cast
    monkeypatch.setattr(registry, "SCHOOLS_PER_PAGE", 1)
    extra = f.SchoolFactory(municipality=cast.muni, short_name="БОУ «Азовская СОШ»")
    extra.year_data.create(year=2022, pupils_total=500)
    client.force_login(cast.coordinator)
    rows = sheet_rows(client.get(URL, {"sort": "-pupils", "page": "2"}))
    assert [row[0] for row in rows[1:]] == [extra.short_name, cast.school_b.short_name, cast.school_a.short_name]
    rows = sheet_rows(client.get(URL, {"list_year": "2020"}))
    assert [row[0] for row in rows[1:]] == [cast.school_a.short_name]
    rows = sheet_rows(client.get(URL, {"q": "Нет такой"}))
    assert rows == [[header for header, _ in HEADERS]]


def test_it_links_the_export_to_the_current_filters(export_cast, client):
    client.force_login(export_cast.coordinator)
    page = client.get(reverse("schools:school_list"), {"kind": "secondary", "page": "1"}).content.decode()
    assert f'href="{URL}?kind=secondary"' in page


@pytest.mark.parametrize(("role", "expected"), [("curator", ["school_a"]), ("director_b", ["school_b"]), ("no_role", [])])
def test_it_exports_only_the_visible_schools(cast, client, role, expected):
    client.force_login(getattr(cast, role))
    rows = sheet_rows(client.get(URL))
    assert [row[0] for row in rows[1:]] == [getattr(cast, attr).short_name for attr in expected]


def test_it_adds_the_municipality_for_a_region_viewer(cast, client):
    client.force_login(cast.region_viewer)
    rows = sheet_rows(client.get(URL))
    assert rows[0][0] == "Муниципалитет"
    assert {row[0] for row in rows[1:]} == {cast.muni.name}


def test_it_sends_anonymous_visitors_to_login(db, client):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_it_names_the_file_in_russian_with_the_date(cast, client):
    client.force_login(cast.coordinator)
    disposition = client.get(URL)["Content-Disposition"]
    assert "filename*=UTF-8''%D0%A8%D0%BA%D0%BE%D0%BB%D1%8B" in disposition  # «Школы»


# session, user (its municipality joined), the schools with joins and the latest year annotated, their
# list entries, their current curator assignments, their latest year rows.
def test_it_exports_in_a_fixed_number_of_queries(cast, client, django_assert_num_queries):
    client.force_login(cast.coordinator)
    for rows in (3, 30):
        while cast.muni.schools.count() < rows:
            school = f.SchoolFactory(municipality=cast.muni, director=f.PersonFactory(municipality=cast.muni))
            year = 1900 + cast.muni.schools.count()  # far from the cast's «ПРШ 2022»
            f.SchoolListEntryFactory(school_list=f.SchoolListFactory(municipality=cast.muni, year=year), school=school)
            f.CuratorAssignmentFactory(school=school, start_date=datetime.date(2024, 9, 1))
            school.year_data.create(year=2024, pupils_total=school.pk)
        with django_assert_num_queries(6):
            response = client.get(URL, {"sort": "-pupils"})
        assert len(sheet_rows(response)) == rows + 1
