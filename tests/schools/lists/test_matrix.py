"""The history matrix: schools × years of a list, «+»/«−» and the status of each cell, as the
table «ПРШ 2020 / 2021 / 2022» of приказ № 87 (seed 000) prints it; its filters and its export."""

import io
import re

import openpyxl
import pytest
from django.urls import reverse

from accounts.models import User
from schnor_portal.demo.loader import load_demo
from schools.models import SchoolList
from tests import factories as f

# The table of seed 000, section II: name → (тип местности, ПРШ 2020, ПРШ 2021, ПРШ 2022).
OMSK_TABLE = {
    "БОУ «Русскополянская школа №2»": ("Городская", "+−+"),
    "БОУ «Русскополянская СОШ №3»": ("Сельская/ малокомплектная", "+−−"),
    "БОУ «Алаботинская СОШ»": ("Сельская/ малокомплектная", "+−−"),
    "БОУ «Калининская СОШ»": ("Сельская/ малокомплектная", "+++"),
    "БОУ «Розовская СОШ»": ("Сельская/ малокомплектная", "+−+"),
    "БОУ «Хлебодаровская СОШ»": ("Сельская/ малокомплектная", "++−"),
    "БОУ «Добровольская СОШ»": ("Сельская/ малокомплектная", "+−+"),
    "БОУ «Целинная СОШ»": ("Сельская/ малокомплектная", "+−+"),
    "БОУ «Бас-Агашская ООШ»": ("Сельская/ малокомплектная", "+−−"),
    "БОУ «Волотовская ООШ»": ("Сельская/ малокомплектная", "+−−"),
    "БОУ «Русскополянская гимназия №1»": ("Городская", "−−+"),
    "БОУ «Новосанжаровская СОШ»": ("Сельская/ малокомплектная", "−−−"),
    "БОУ «Сибирская СОШ»": ("Сельская/ малокомплектная", "−−−"),
    "БОУ «Цветочинская СОШ»": ("Сельская/ малокомплектная", "−−+"),
}


def _text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip()


def matrix_rows(page):
    """name → (number, locality, marks, statuses) of each row of the matrix table."""
    rows = {}
    for school, body in re.findall(r'<tr data-school="([^"]+)">(.*?)</tr>', page, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)
        marks = "".join(re.findall(r'data-mark="([^"]+)"', body))
        statuses = [_text(cell.split("</span>", 1)[1]) if "data-status" in cell else "" for cell in cells[3:]]
        rows[school] = (int(_text(cells[0])), _text(cells[2]), marks, statuses)
    return rows


def column_titles(page):
    return [_text(th) for th in re.findall(r"<th[^>]*data-year=\"\d+\"[^>]*>(.*?)</th>", page, re.S)]


@pytest.fixture
def omsk(db, client):
    load_demo(files=("omsk.json",))
    client.force_login(User.objects.get(username="coordinator"))
    return client


def test_it_reproduces_the_omsk_table(omsk):
    page = omsk.get(reverse("schools:list_matrix")).content.decode()
    assert column_titles(page) == ["ПРШ 2020", "ПРШ 2021", "ПРШ 2022"]
    rows = matrix_rows(page)
    assert {name: (locality, marks) for name, (_, locality, marks, _) in rows.items()} == OMSK_TABLE
    assert "История списков ПРШ" in page
    assert "Всего в списке" in page and re.search(r">10</td>\s*<td[^>]*>2</td>\s*<td[^>]*>7</td>", page)


def test_it_shows_the_derived_status_of_each_cell(omsk):
    rows = matrix_rows(omsk.get(reverse("schools:list_matrix")).content.decode())
    assert rows["БОУ «Калининская СОШ»"][3] == ["впервые", "2-й год", "3-й год"]
    assert rows["БОУ «Хлебодаровская СОШ»"][3] == ["впервые", "2-й год", "вышла"]
    assert rows["БОУ «Добровольская СОШ»"][3] == ["впервые", "вышла", "вернулась"]
    assert rows["БОУ «Цветочинская СОШ»"][3] == ["", "", "впервые"]
    assert rows["БОУ «Сибирская СОШ»"][3] == ["", "", ""]


def test_it_orders_the_rows_as_the_document_groups_them(omsk):
    rows = matrix_rows(omsk.get(reverse("schools:list_matrix")).content.decode())
    by_number = [name for name, row in sorted(rows.items(), key=lambda item: item[1][0])]
    assert {name for name in by_number[:10] if OMSK_TABLE[name][1][0] == "+"} == set(by_number[:10])
    assert set(by_number[10:12]) == {"БОУ «Русскополянская гимназия №1»", "БОУ «Цветочинская СОШ»"}
    assert set(by_number[12:]) == {"БОУ «Новосанжаровская СОШ»", "БОУ «Сибирская СОШ»"}
    rows = matrix_rows(omsk.get(reverse("schools:list_matrix"), {"order": "name"}).content.decode())
    by_number = [name for name, row in sorted(rows.items(), key=lambda item: item[1][0])]
    assert by_number == sorted(OMSK_TABLE)


def test_it_filters_schools_and_years(omsk):
    url = reverse("schools:list_matrix")
    listed = matrix_rows(omsk.get(url, {"scope": "listed"}).content.decode())
    assert set(listed) == set(OMSK_TABLE) - {"БОУ «Новосанжаровская СОШ»", "БОУ «Сибирская СОШ»"}
    assert set(matrix_rows(omsk.get(url, {"locality": "urban"}).content.decode())) == {
        "БОУ «Русскополянская школа №2»",
        "БОУ «Русскополянская гимназия №1»",
    }
    assert set(matrix_rows(omsk.get(url, {"kind": "basic"}).content.decode())) == {
        "БОУ «Бас-Агашская ООШ»",
        "БОУ «Волотовская ООШ»",
    }
    page = omsk.get(url, {"year_from": 2021, "year_to": 2022}).content.decode()
    assert column_titles(page) == ["ПРШ 2021", "ПРШ 2022"]
    # The run that began in 2020 still counts when 2020 is not shown.
    assert matrix_rows(page)["БОУ «Калининская СОШ»"][2:] == ("++", ["2-й год", "3-й год"])
    page = omsk.get(url, {"category": "risk_zone", "scope": "listed"}).content.decode()
    assert column_titles(page) == ["Зона риска 2022"]
    assert {name: row[2] for name, row in matrix_rows(page).items()} == {
        "БОУ «Волотовская ООШ»": "+",
        "БОУ «Русскополянская СОШ №3»": "+",
    }


def test_it_shows_full_names_on_request(omsk):
    page = omsk.get(reverse("schools:list_matrix"), {"names": "full"}).content.decode()
    assert "Бюджетное общеобразовательное учреждение «Калининская средняя общеобразовательная школа»" in page


def test_it_ignores_a_bad_filter_value(omsk):
    response = omsk.get(reverse("schools:list_matrix"), {"kind": "castle", "year_from": "two"})
    assert response.status_code == 200
    assert len(matrix_rows(response.content.decode())) == 14


def test_it_exports_the_matrix_as_filtered(omsk):
    response = omsk.get(reverse("schools:list_matrix_export"), {"locality": "rural", "year_from": 2021})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["История списков", "Статусы", "Пояснения"]
    marks = list(workbook["История списков"].iter_rows(values_only=True))
    assert marks[0] == ("№ п/п", "Наименование образовательной организации", "Тип местности", "ПРШ 2021", "ПРШ 2022")
    body = {row[1]: row for row in marks[1:-1]}
    assert set(body) == {name for name, (locality, _) in OMSK_TABLE.items() if locality != "Городская"}
    assert body["БОУ «Калининская СОШ»"][2:] == ("Сельская/ малокомплектная", "+", "+")
    assert body["БОУ «Хлебодаровская СОШ»"][3:] == ("+", "−")
    assert body["БОУ «Цветочинская СОШ»"][3:] == ("−", "+")
    assert marks[-1][1:] == ("Всего в списке", None, 2, 5)
    statuses = {row[1]: row[3:] for row in list(workbook["Статусы"].iter_rows(values_only=True))[1:]}
    assert statuses["БОУ «Калининская СОШ»"] == ("2-й год подряд", "3-й год подряд", 3)
    assert statuses["БОУ «Хлебодаровская СОШ»"] == ("2-й год подряд", "вышла", 2)
    assert statuses["БОУ «Добровольская СОШ»"] == ("вышла", "вернулась", 2)
    notes = dict(workbook["Пояснения"].iter_rows(values_only=True))
    assert notes["Местность"] == "сельская"
    assert notes["Годы (столбцы)"] == "ПРШ 2021, ПРШ 2022"
    assert notes["+"] == "школа в списке этого года"


# ------------------------------------------------------------------------------------ queries


def _grow(cast, lists, total):
    while cast.muni.schools.count() < total:
        school = f.SchoolFactory(municipality=cast.muni)
        for year, school_list in lists.items():
            if (school.pk + year) % 2:
                f.SchoolListEntryFactory(school_list=school_list, school=school)


# session, user (municipality joined), unread notifications (the bell), the visible municipalities, the lists with their
# schools (one left join), the schools (with whether the reader may open each).
def test_it_builds_the_matrix_in_a_fixed_number_of_queries(cast, client, django_assert_num_queries):
    lists = {year: f.SchoolListFactory(municipality=cast.muni, year=year) for year in (2020, 2021, 2022)}
    client.force_login(cast.coordinator)
    for rows in (3, 30):
        _grow(cast, lists, rows)
        with django_assert_num_queries(6):
            response = client.get(reverse("schools:list_matrix"))
        assert len(matrix_rows(response.content.decode())) == rows


def test_it_keeps_the_queries_fixed_with_more_years(cast, client, django_assert_num_queries):
    client.force_login(cast.coordinator)
    for years in (range(2020, 2023), range(2010, 2025)):
        lists = {year: SchoolList.objects.get_or_create(municipality=cast.muni, year=year)[0] for year in years}
        _grow(cast, lists, 3 if len(lists) == 3 else 30)
        with django_assert_num_queries(6):
            response = client.get(reverse("schools:list_matrix"))
        assert len(column_titles(response.content.decode())) == len(lists)


# ------------------------------------------------------------------------------------ access


def test_it_shows_only_the_own_municipality(cast, client):
    f.SchoolListEntryFactory(school_list=f.SchoolListFactory(municipality=cast.other, year=2025), school=cast.school_other)
    client.force_login(cast.coordinator)
    page = client.get(reverse("schools:list_matrix")).content.decode()
    assert cast.school_other.short_name not in page
    assert 'name="municipality"' not in page
    for name in ("schools:list_matrix", "schools:list_matrix_export"):
        assert client.get(reverse(name), {"municipality": cast.other.pk}).status_code == 404


def test_it_lets_the_region_viewer_and_the_superuser_choose_a_municipality(cast, client):
    f.SchoolListEntryFactory(school_list=f.SchoolListFactory(municipality=cast.muni, year=2022), school=cast.school_a)
    f.SchoolListEntryFactory(school_list=f.SchoolListFactory(municipality=cast.other, year=2025), school=cast.school_other)
    client.force_login(cast.region_viewer)
    assert cast.school_a.short_name in client.get(reverse("schools:list_matrix")).content.decode()
    assert client.get(reverse("schools:list_matrix"), {"municipality": cast.other.pk}).status_code == 404

    client.force_login(f.UserFactory(username="admin", role="", municipality=None, is_superuser=True))
    page = client.get(reverse("schools:list_matrix")).content.decode()
    assert 'name="municipality"' in page and cast.school_a.short_name in page
    page = client.get(reverse("schools:list_matrix"), {"municipality": cast.other.pk}).content.decode()
    assert cast.school_other.short_name in page and cast.school_a.short_name not in page


def test_it_lets_a_director_read_the_matrix_without_links_to_other_schools(cast, client):
    f.SchoolListEntryFactory(school_list=f.SchoolListFactory(municipality=cast.muni, year=2022), school=cast.school_b)
    client.force_login(cast.director_a)
    page = client.get(reverse("schools:list_matrix")).content.decode()
    assert cast.school_b.short_name in page
    assert reverse("schools:school_detail", args=[cast.school_b.pk]) not in page
    assert reverse("schools:school_detail", args=[cast.school_a.pk]) in page


def test_it_sends_anonymous_visitors_to_login(db, client):
    for name in ("schools:list_matrix", "schools:list_matrix_export"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
