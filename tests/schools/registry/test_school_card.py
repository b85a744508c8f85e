"""The school card: derived list statuses, control-point counts, plans, curators, manage buttons."""

import datetime
import re

import pytest
from django.urls import reverse

from monitoring.models import ControlPoint
from schools.models import SchoolList
from tests import factories as f


def card(client, school):
    response = client.get(reverse("schools:school_detail", args=[school.pk]))
    assert response.status_code == 200
    return response


def status_cells(page):
    """(year, list, status) of each row of the list history table."""
    table = re.search(r'data-testid="list-history">(.*?)</table>', page, re.S).group(1)
    rows = re.findall(r"<tr[^>]*>\s*<td>(\d{4})</td>\s*<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>", table, re.S)
    return [(int(year), name, re.sub(r"<[^>]+>", " ", status).split()) for year, name, status in rows]


@pytest.mark.usefixtures("cast_lists")
def test_it_derives_each_years_status_per_category(cast, client):
    # A is on the cast's «ПРШ 2022»; around it: on in 2019, off in 2020, on in 2021 and 2023.
    lists = {year: f.SchoolListFactory(municipality=cast.muni, year=year, title=f"ПРШ {year}") for year in (2019, 2020, 2021, 2023)}
    risk = f.SchoolListFactory(municipality=cast.muni, year=2020, category=SchoolList.Category.RISK_ZONE, title="Зона риска 2020")
    for year in (2019, 2021, 2023):
        f.SchoolListEntryFactory(school_list=lists[year], school=cast.school_a, markers="низкие результаты ОГЭ")
    f.SchoolListEntryFactory(school_list=risk, school=cast.school_a)
    # The other municipality's lists (its «ШНОР 2025») are not years of this school's history.
    client.force_login(cast.director_a)
    rows = status_cells(card(client, cast.school_a).content.decode())
    assert rows == [
        (2023, "ПРШ 2023", ["3-й", "год", "подряд"]),
        (2022, "ПРШ 2022", ["2-й", "год", "подряд"]),
        (2021, "ПРШ 2021", ["вернулась"]),
        (2020, "ПРШ 2020", ["вышла", "не", "в", "списке"]),
        (2020, "Зона риска 2020", ["впервые"]),
        (2019, "ПРШ 2019", ["впервые"]),
    ]


@pytest.mark.usefixtures("cast_lists")
def test_it_hides_the_years_before_a_school_was_ever_listed(cast, client):
    f.SchoolListFactory(municipality=cast.muni, year=2020, title="ПРШ 2020")
    f.SchoolListEntryFactory(school_list=f.SchoolListFactory(municipality=cast.muni, year=2021, title="ПРШ 2021"), school=cast.school_b)
    client.force_login(cast.coordinator)
    # B is not on the cast's «ПРШ 2022»: it left; 2020, before it was ever listed, is not shown.
    assert status_cells(card(client, cast.school_b).content.decode()) == [
        (2022, "ПРШ 2022", ["вышла", "не", "в", "списке"]),
        (2021, "ПРШ 2021", ["впервые"]),
    ]
    never = f.SchoolFactory(municipality=cast.muni)
    assert "Ни в одном списке не была." in card(client, never).content.decode()


def test_it_counts_the_schools_control_points(cast, client):
    # cp_a is open and due in March 2025: overdue. One done, one cancelled (not counted), one of B.
    f.ControlPointFactory(activity=cast.activity, school=cast.school_a, status=ControlPoint.Status.DONE)
    f.ControlPointFactory(
        activity=cast.activity, school=cast.school_a, status=ControlPoint.Status.CANCELLED, cancel_reason="Дублирует 1.2"
    )
    f.ControlPointFactory(activity=cast.activity, school=cast.school_a, due_date=datetime.date(2999, 1, 1))
    for role in ("coordinator", "director_a", "curator"):
        client.force_login(getattr(cast, role))
        counts = card(client, cast.school_a).context["control_points"]
        assert (counts["total"], counts["overdue"], counts["done"]) == (3, 1, 1), role
    page = card(client, cast.school_a).content.decode()
    assert re.search(r'data-figure="total">3<', page) and re.search(r'data-figure="overdue">1<', page)
    assert re.search(r'data-figure="done">1<', page)


def test_it_shows_the_plans_the_school_belongs_to(cast, client):
    cast.plan.schools.add(cast.school_a)
    other_plan = f.PlanFactory(municipality=cast.muni, title="План без этой школы")
    other_plan.schools.add(cast.school_b)
    client.force_login(cast.director_a)
    plans = card(client, cast.school_a).context["plans"]
    assert plans == [cast.plan]
    page = card(client, cast.school_a).content.decode()
    assert reverse("roadmaps:plan_detail", args=[cast.plan.pk]) in page
    assert "План без этой школы" not in page


def test_it_lists_current_and_past_curator_assignments(cast, client):
    client.force_login(cast.chair)
    f.CuratorAssignmentFactory(school=cast.school_b, curator=f.PersonFactory(municipality=cast.muni, last_name="Орлова"), start_date=datetime.date(2024, 9, 1))
    response = card(client, cast.school_b)
    states = [(a.curator.last_name, a.is_current) for a in response.context["curator_assignments"]]
    assert states == [("Орлова", True), ("Соколова", False)]
    page = response.content.decode()
    assert "01.01.2021" in page and "01.01.2022" in page and "завершено" in page and "действует" in page


@pytest.mark.parametrize(("role", "shown"), [("coordinator", True), ("chair", False), ("curator", False), ("director_a", False), ("region_viewer", False)])
def test_it_shows_the_manage_buttons_only_to_the_coordinator(cast, client, role, shown):
    cast.school_a.year_data.create(year=2022)
    client.force_login(getattr(cast, role))
    response = card(client, cast.school_a)
    page = response.content.decode()
    assert response.context["can_manage"] is shown
    assert ('data-testid="manage-buttons"' in page) is shown
    for url in (
        reverse("schools:school_change", args=[cast.school_a.pk]),
        reverse("schools:school_yeardata_add", args=[cast.school_a.pk]),
        reverse("schools:school_curator_add", args=[cast.school_a.pk]),
        reverse("schools:school_yeardata_change", args=[cast.school_a.year_data.get().pk]),
    ):
        assert (url in page) is shown, url
    assert ("Завершить" in page) is shown


# session, user (municipality joined), unread notifications (the bell), the school with municipality, director and parent joined,
# list entries, the municipality's lists, cluster memberships, curator assignments, year data,
# social passports, branches, plans, control-point counts.
def test_it_shows_a_full_card_in_a_fixed_number_of_queries(cast, client, django_assert_num_queries):
    client.force_login(cast.coordinator)
    school = cast.school_a
    for rows in (3, 30):
        while school.year_data.count() < rows:
            n = school.year_data.count()
            school.year_data.create(year=2000 + n, pupils_total=n, deficit_staff="high")
            school.social_passports.create(year=2000 + n, children_total=n)
            # Years far from the cast's «ПРШ 2022».
            f.SchoolListEntryFactory(school_list=f.SchoolListFactory(municipality=cast.muni, year=1900 + n), school=school)
            f.SchoolListFactory(municipality=cast.muni, year=1900 + n, category=SchoolList.Category.RISK_ZONE)
            f.CuratorAssignmentFactory(school=school, start_date=datetime.date(2000 + n, 1, 1), end_date=datetime.date(2000 + n, 6, 1))
            f.SchoolFactory(municipality=cast.muni, branch_of=school)
            f.PlanFactory(municipality=cast.muni).schools.add(school)
            f.ControlPointFactory(activity=cast.activity, school=school)
        with django_assert_num_queries(13):
            response = client.get(reverse("schools:school_detail", args=[school.pk]))
        assert len(response.context["plans"]) == rows
        assert response.content.decode().count("учебный год</h2>") == rows
