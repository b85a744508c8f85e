"""The dashboard and the register cost the same number of queries at 3 points as at 30.

Queries of a request (named so that a new one has to be justified):
  session, user (municipality, person and school joined), the bell's unread count — 3 for every page;
  register: the municipalities' stamps, and for those whose stamp moved the stamps of their
    schools' points and of their own (two) and the count of the units whose stamp moved (the
    counts are cached per municipality and per school, counts.py), the page's ids, its rows,
    municipal executors of the rows (prefetch), and the panel's choices: plans, sections,
    clusters, schools, municipal executor names — 12; sorted by school, one more: the names of the schools counted, which place the
    page among them (selectors._school_sorted_page);
  dashboard: the municipalities' stamps (the keys of their cached sums), and for one whose stamp
    moved the stamps of its schools' points and of its own (two), the counts per school and
    activity in one pass and its municipal executors, kept with the counts (none of the four when
    cached: 8 then), school names, sections with their plans, clusters, their memberships, the next
    14 days, their municipal executors, due-date requests — 12.
"""

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring.models import ControlPointComment, DueDateChangeRequest, Evidence
from roadmaps.models import ActivityExecutor
from tests import factories as f
from tests.monitoring.conftest import set_state

PAGE = 3
REGISTER = PAGE + 12
REGISTER_BY_SCHOOL = REGISTER + 1
DASHBOARD = PAGE + 12


def _points(cast, n):
    """n points spread over both schools and the municipality, some due soon, some overdue, with executors."""
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(cast.muni.time_zone))
    # The cast's own three: one due soon, one overdue, one later — every list of the pages has rows.
    set_state(cast.cp_a, due_date=today + datetime.timedelta(days=2), status="submitted", report_text="Сделано")
    set_state(cast.cp_b, due_date=today - datetime.timedelta(days=5))
    set_state(cast.cp_muni, due_date=today + datetime.timedelta(days=40))
    sections = [f.PlanSectionFactory(plan=cast.plan) for _ in range(3)]
    for i in range(n - 3):  # the cast already has three
        activity = f.ActivityFactory(section=sections[i % 3])
        ActivityExecutor.objects.create(activity=activity, position=1, level="municipality", kind="role", name=f"Отдел {i % 4}")
        school = (cast.school_a, cast.school_b, None)[i % 3]
        cp = f.ControlPointFactory(activity=activity, school=school, due_date=today + datetime.timedelta(days=i - n // 2))
        if i % 2:
            # Open due-date requests, by an account with a person and by one without: the dashboard
            # lists them with their points, activities, schools and authors' names.
            DueDateChangeRequest.objects.create(
                control_point=cp, current_due_date=cp.due_date, requested_date=cp.due_date + datetime.timedelta(days=30),
                reason="Перенос проверки", requested_by=cast.curator if i % 4 == 1 else cast.director_a,
            )


@pytest.mark.parametrize("n", [3, 30])
def test_the_register_costs_a_fixed_number_of_queries(cast, client, django_assert_num_queries, n):
    _points(cast, n)
    client.force_login(cast.coordinator)
    url = reverse("monitoring:register")
    with django_assert_num_queries(REGISTER_BY_SCHOOL):
        response = client.get(url, {"sort": "school"})
    assert len(response.context["points"]) == n


@pytest.mark.parametrize("n", [3, 30])
def test_the_filtered_register_costs_the_same(cast, client, django_assert_num_queries, n):
    _points(cast, n)
    client.force_login(cast.coordinator)
    with django_assert_num_queries(REGISTER):
        response = client.get(
            reverse("monitoring:register"), {"overdue": "no", "status": ["planned", "submitted"], "level": "school", "sort": "-due"}
        )
    assert response.context["points"]


@pytest.mark.parametrize("n", [3, 30])
def test_the_dashboard_costs_a_fixed_number_of_queries(cast, client, django_assert_num_queries, n):
    _points(cast, n)
    client.force_login(cast.coordinator)
    with django_assert_num_queries(DASHBOARD):
        response = client.get(reverse("monitoring:dashboard"))
    assert response.context["d"].totals["total"] == n
    assert len(response.context["d"].requests) == (n - 3) // 2


@pytest.mark.parametrize("n", [3, 30])
def test_my_school_and_the_curator_page_cost_a_fixed_number_of_queries(cast, client, django_assert_num_queries, n):
    _points(cast, n)
    client.force_login(cast.director_a)
    # its points (three columns, to group and count them), the cards shown with their municipal
    # executors, evidence, comments, open due-date requests; the panel's sections (the only choice
    # list it shows). The director's school comes with the account (schools.access.own_school). A
    # group shows at most 30 cards, so the page does not grow with the school's points.
    with django_assert_num_queries(PAGE + 7):
        response = client.get(reverse("monitoring:my_school"))
    assert cast.cp_a.pk in [cp.pk for g in response.context["groups"] for cp in g.points]
    client.force_login(cast.curator)
    # schools, their stamps and the counts of those not kept under their stamp (the dashboard's
    # entries, dashboard.school_sums); the queue with executors, evidence, comments, requests;
    # visits; may the user review and record visits (one check each, for the whole page).
    with django_assert_num_queries(PAGE + 11):
        response = client.get(reverse("monitoring:curator_home"))
    assert [cp.pk for cp in response.context["queue"]] == [cast.cp_a.pk]
    # Kept: the schools' counts are read, not counted again.
    with django_assert_num_queries(PAGE + 10):
        again = client.get(reverse("monitoring:curator_home"))
    assert [(s.pk, s.total, s.submitted) for s in again.context["schools"]] == [
        (s.pk, s.total, s.submitted) for s in response.context["schools"]
    ]


def test_the_rows_leave_the_plans_passport_unread(cast, client):
    """A plan's passport (goal, tasks, background…) is paragraphs long; fifty rows of a register or
    of «Моя школа» do not read it fifty times."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _points(cast, 6)
    type(cast.plan).objects.filter(pk=cast.plan.pk).update(background="Проблемные зоны. " * 500, goal="Цель. " * 300)
    for user, url in ((cast.coordinator, "monitoring:register"), (cast.director_a, "monitoring:my_school")):
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(url)).status_code == 200
        rows = [q["sql"] for q in queries.captured_queries if 'FROM "monitoring_controlpoint"' in q["sql"] and '"roadmaps_plan"' in q["sql"]]
        assert rows
        assert not [sql for sql in rows if '"roadmaps_plan"."background"' in sql or '"roadmaps_plan"."goal"' in sql]


@pytest.mark.parametrize("n", [3, 30])
def test_the_report_form_reads_its_point_once(cast, client, django_assert_num_queries, n):
    """The form (htmx, into the card) and «Отмена» read the point with what its card shows once:
    session and user (a card has no page around it, so no bell), the point with its activity,
    section, plan, municipality and school (the access check), then only what the card adds —
    municipal executors, evidence, comments, open due-date requests."""
    _points(cast, n)
    for i in range(n):
        Evidence.objects.create(control_point=cast.cp_b, link=f"https://school.example.ru/doc{i}", uploaded_by=cast.director_b)
        ControlPointComment.objects.create(control_point=cast.cp_b, author=cast.coordinator, text=f"Замечание {i}")
    client.force_login(cast.director_b)
    for name in ("monitoring:control_point_report", "monitoring:control_point_row"):
        with django_assert_num_queries(7):
            response = client.get(reverse(name, args=[cast.cp_b.pk]), HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        assert f'id="cp-{cast.cp_b.pk}"' in response.content.decode()
