import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring.models import ControlPoint
from tests import factories as f


def figure(response, name):
    page = response.content.decode()
    marker = f'data-figure="{name}">'
    start = page.index(marker) + len(marker)
    return int(page[start : page.index("<", start)])


@pytest.fixture
def today():
    return timezone.localdate()


def test_it_counts_the_coordinators_control_points_by_due_date(cast, client, today):
    ControlPoint.objects.filter(pk=cast.cp_a.pk).update(due_date=today - datetime.timedelta(days=3))
    ControlPoint.objects.filter(pk=cast.cp_b.pk).update(due_date=today + datetime.timedelta(days=5))
    ControlPoint.objects.filter(pk=cast.cp_muni.pk).update(
        due_date=today - datetime.timedelta(days=30), status=ControlPoint.Status.DONE
    )
    client.force_login(cast.coordinator)
    response = client.get(reverse("home"))
    assert figure(response, "overdue") == 1
    assert figure(response, "due_soon") == 1
    assert figure(response, "done") == 1
    assert figure(response, "schools") == 2
    assert figure(response, "plans") == 1


def test_it_shows_a_director_only_the_own_schools_figures(cast, client, today):
    ControlPoint.objects.filter(pk__in=[cast.cp_a.pk, cast.cp_b.pk, cast.cp_other.pk]).update(
        due_date=today - datetime.timedelta(days=1)
    )
    client.force_login(cast.director_a)
    response = client.get(reverse("home"))
    assert figure(response, "overdue") == 1
    assert figure(response, "schools") == 1
    assert cast.school_a.short_name in response.content.decode()
    assert cast.school_b.short_name not in response.content.decode()


def test_it_shows_a_curator_the_assigned_schools_rows(cast, client):
    client.force_login(cast.curator)
    page = client.get(reverse("home")).content.decode()
    assert cast.school_a.short_name in page
    assert cast.school_b.short_name not in page


def test_it_counts_schools_on_the_latest_list(cast, client):
    f.SchoolListEntryFactory(school_list=f.SchoolListFactory(municipality=cast.muni, year=2021), school=cast.school_a)
    latest = f.SchoolListFactory(municipality=cast.muni, year=2022)
    f.SchoolListEntryFactory(school_list=latest, school=cast.school_b)
    client.force_login(cast.chair)
    page = client.get(reverse("home")).content.decode()
    assert "В списках 2022 года" in page
    assert "ШНОР: 1" in page


# session, user (municipality, person and school joined), unread notifications (the bell), then
# the page: schools, latest list year, plans, control points, orders, and either the rows of the
# role's table or the plan table (or the list-year breakdown when a list exists).
# The inbox adds its own (tests/test_home_inbox.py names them); with the cast's data here some of its
# lists are empty and cost nothing.
@pytest.mark.parametrize(("role", "queries"), [("coordinator", 17), ("chair", 15), ("curator", 11), ("director_a", 13)])
def test_it_runs_a_fixed_number_of_queries_at_3_and_30_rows(cast, client, django_assert_num_queries, role, queries):
    user = getattr(cast, role)
    client.force_login(user)
    for rows in (3, 30):
        while cast.muni.schools.count() < rows:
            school = f.SchoolFactory(municipality=cast.muni)
            f.CuratorAssignmentFactory(school=school, curator=cast.curator.person)
            f.ControlPointFactory(activity=cast.activity, school=school)
            f.PlanFactory(municipality=cast.muni)
        with django_assert_num_queries(queries):
            assert client.get(reverse("home")).status_code == 200
