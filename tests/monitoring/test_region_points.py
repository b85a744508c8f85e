"""The region's own points (issue #22): in a 3-level plan the region body (ИРО) reports on its own point.

Sync makes them, the region's accounts report them, the municipality's coordinator accepts them,
the register, the dashboard and the region's home show them apart from the municipality's.
"""

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from monitoring.control import workflow
from monitoring.control.reminders import digests_for_municipality
from monitoring.control.remind import control_point_remind_recipients
from monitoring.control.selectors import control_point_filter_for_user, dashboard_for_user, decorate
from monitoring.control.services import control_points_sync_for_plan
from monitoring.models import ControlPoint, Notification
from roadmaps.models import Activity, ActivityExecutor
from schnor_portal.inbox import inbox_for_user
from schools.access import can_report_control_point, can_review_control_point
from tests import factories as f
from tests.monitoring.conftest import set_state

D = datetime.date
Status = ControlPoint.Status
QUARTERLY = "Ежеквартально, не позднее 25 числа последнего месяца квартала"
IRO = "ГАУ ДПО ПК ИРО"


def executors(activity, *levels):
    names = {"region": IRO, "municipality": "Управление образования", "school": "Руководители ОО"}
    for position, level in enumerate(levels, start=1):
        ActivityExecutor.objects.create(activity=activity, position=position, level=level, kind="organisation", name=names[level])
    return activity


def row(cast, *levels, deadline="Апрель-май 2025 г", scope=Activity.Scope.ALL_SCHOOLS):
    activity = f.ActivityFactory(section=cast.section, deadline_text=deadline, scope=scope)
    return executors(activity, *levels)


def targets(activity):
    """(school, regional) of each point of the activity, sorted; None sorts as 0."""
    return sorted(
        (cp.school_id or 0, cp.regional) for cp in ControlPoint.objects.filter(activity=activity)
    )


@pytest.fixture
def plan(cast):
    # The cast's own point rows would be deleted by a sync of their activity: sync only new rows.
    cast.plan.schools.set([cast.school_a, cast.school_b])
    ActivityExecutor.objects.create(activity=cast.activity, position=1, level="school", kind="role", name="Руководители")
    return cast.plan


@pytest.fixture
def regional(cast):
    """An open regional point of a 3-level row of municipality A, due in ten days."""
    activity = row(cast, "region", "municipality", "school")
    today = timezone.localdate()
    return f.ControlPointFactory(activity=activity, school=None, regional=True, due_date=today + datetime.timedelta(days=10))


@pytest.fixture
def other_region_viewer(cast):
    return f.UserFactory(username="region_other", role=Role.REGION, municipality=None, region=cast.other.region)


# --- sync ---------------------------------------------------------------------------------------


def test_a_three_level_row_gets_school_municipal_and_regional_points_per_window(cast, plan):
    activity = row(cast, "region", "municipality", "school", deadline=QUARTERLY)
    control_points_sync_for_plan(plan=plan)
    points = ControlPoint.objects.filter(activity=activity)
    assert points.count() == 4 * (2 + 1 + 1)
    regional = points.filter(regional=True)
    assert regional.count() == 4
    assert set(regional.values_list("school_id", "municipality_id")) == {(None, cast.muni.pk)}
    assert points.filter(school__isnull=True, regional=False).count() == 4
    assert "регион" in str(regional.first())


@pytest.mark.parametrize(
    ("levels", "scope", "expected"),
    [
        (("region",), Activity.Scope.MUNICIPALITY, "r"),
        (("region",), Activity.Scope.ALL_SCHOOLS, "r"),
        (("region", "school"), Activity.Scope.ALL_SCHOOLS, "sr"),
        (("region", "school"), Activity.Scope.MUNICIPALITY, "mr"),
        (("region", "municipality"), Activity.Scope.MUNICIPALITY, "mr"),
    ],
)
def test_the_region_gets_its_own_point_and_the_municipality_keeps_one_only_when_it_executes(
    cast, plan, levels, scope, expected
):
    activity = row(cast, *levels, scope=scope)
    control_points_sync_for_plan(plan=plan)
    wanted = []
    if "s" in expected:
        wanted += [(cast.school_a.pk, False), (cast.school_b.pk, False)]
    if "m" in expected:
        wanted.append((0, False))
    if "r" in expected:
        wanted.append((0, True))
    assert targets(activity) == sorted(wanted)


@pytest.mark.parametrize(
    ("levels", "scope", "schools", "municipal"),
    [
        (("school", "municipality"), Activity.Scope.ALL_SCHOOLS, 2, 1),
        (("school",), Activity.Scope.ALL_SCHOOLS, 2, 0),
        (("municipality",), Activity.Scope.MUNICIPALITY, 0, 1),
        (("school",), Activity.Scope.MUNICIPALITY, 0, 1),
        ((), Activity.Scope.ALL_SCHOOLS, 0, 1),
    ],
)
def test_two_level_plans_get_the_points_they_always_had(cast, plan, levels, scope, schools, municipal):
    activity = row(cast, *levels, scope=scope)
    control_points_sync_for_plan(plan=plan)
    points = ControlPoint.objects.filter(activity=activity)
    assert points.filter(school__isnull=False).count() == schools
    assert points.filter(school__isnull=True).count() == municipal
    assert not points.filter(regional=True).exists()


def test_a_second_sync_changes_nothing(cast, plan):
    row(cast, "region", "municipality", "school", deadline=QUARTERLY)
    row(cast, "region", scope=Activity.Scope.MUNICIPALITY)
    first = control_points_sync_for_plan(plan=plan)
    again = control_points_sync_for_plan(plan=plan)
    assert (again.created, again.deleted, again.flagged) == (0, 0, 0)
    assert again.kept == first.created + first.kept


def test_the_migration_marks_a_reported_point_of_a_region_only_row_so_the_sync_keeps_it(cast, plan):
    """Before regional points, a region-only row had one municipal point; the region's report on it
    survives the change as the regional point (not flagged, not doubled)."""
    only_region = row(cast, "region", scope=Activity.Scope.MUNICIPALITY)
    both = row(cast, "region", "municipality", scope=Activity.Scope.MUNICIPALITY)
    due = D(2025, 5, 31)
    old = f.ControlPointFactory(activity=only_region, school=None, due_date=due, window_start=D(2025, 4, 1))
    set_state(old, status=Status.IN_PROGRESS, report_text="Семинар проведён")
    kept_municipal = f.ControlPointFactory(activity=both, school=None, due_date=due, window_start=D(2025, 4, 1))
    migration = importlib.import_module("monitoring.migrations.0012_control_point_regional")
    migration.mark_region_only_points(apps, None)
    old.refresh_from_db()
    kept_municipal.refresh_from_db()
    assert old.regional and not kept_municipal.regional
    result = control_points_sync_for_plan(plan=plan)
    assert result.flagged == 0
    assert targets(only_region) == [(0, True)]
    assert ControlPoint.objects.get(activity=only_region).report_text == "Семинар проведён"
    assert targets(both) == [(0, False), (0, True)]


# --- who acts -----------------------------------------------------------------------------------


def test_the_region_viewer_reports_and_the_coordinator_accepts(cast, regional):
    viewer = cast.region_viewer
    cp = workflow.control_point_report(control_point=regional, user=viewer, version=regional.version, report_text="Проведён семинар ИРО")
    cp = workflow.control_point_submit(control_point=cp, user=viewer, version=cp.version)
    assert cp.status == Status.SUBMITTED
    # The coordinator reviews it, as a municipal report; the curator of a school does not.
    submitted = Notification.objects.filter(control_point=cp, kind=Notification.Kind.SUBMITTED)
    assert set(submitted.values_list("user__username", flat=True)) == {"coordinator"}
    assert not can_review_control_point(viewer, cp) and not can_review_control_point(cast.curator, cp)
    with pytest.raises(PermissionDenied):
        workflow.control_point_accept(control_point=cp, user=viewer, version=cp.version)
    cp = workflow.control_point_return(control_point=cp, user=cast.coordinator, version=cp.version, comment="Приложите программу")
    returned = Notification.objects.filter(control_point=cp, kind=Notification.Kind.RETURNED)
    assert set(returned.values_list("user__username", flat=True)) == {"region"}
    cp = workflow.control_point_submit(control_point=cp, user=viewer, version=cp.version)
    cp = workflow.control_point_accept(control_point=cp, user=cast.coordinator, version=cp.version)
    assert cp.status == Status.DONE and cp.accepted_by == cast.coordinator
    assert cp.history.filter(history_user=viewer, history_change_reason="Отправлено на проверку").exists()


def test_the_region_administrator_may_report_too(cast, regional):
    assert can_report_control_point(cast.region_admin, regional)


def test_a_director_the_curator_and_the_chair_cannot_report_a_regional_point(cast, regional):
    for user in (cast.director_a, cast.curator, cast.chair):
        assert not can_report_control_point(user, regional)
        with pytest.raises(PermissionDenied):
            workflow.control_point_report(control_point=regional, user=user, version=regional.version, report_text="x")


def test_the_region_viewer_cannot_report_a_school_or_a_municipal_point(cast, client):
    for cp in (cast.cp_a, cast.cp_muni):
        assert not can_report_control_point(cast.region_viewer, cp)
        with pytest.raises(PermissionDenied):
            workflow.control_point_report(control_point=cp, user=cast.region_viewer, version=cp.version, report_text="x")
    client.force_login(cast.region_viewer)
    response = client.post(reverse("monitoring:control_point_report", args=[cast.cp_a.pk]), {"version": 1, "report_text": "x"})
    assert response.status_code == 403
    cast.cp_a.refresh_from_db()
    assert cast.cp_a.report_text == ""


def test_the_point_page_gives_the_region_viewer_the_report_form(cast, regional, client):
    client.force_login(cast.region_viewer)
    url = reverse("monitoring:control_point_detail", args=[regional.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="report-form"' in page and "Региональный уровень" in page
    response = client.post(
        reverse("monitoring:control_point_report", args=[regional.pk]),
        {"version": regional.version, "report_text": "Проведено", "action": "submit"},
    )
    assert response.status_code == 302
    regional.refresh_from_db()
    assert regional.status == Status.SUBMITTED
    # A director of the municipality reads the point but gets no form.
    client.force_login(cast.director_a)
    assert client.get(url).status_code == 404  # a director sees only their school's points
    client.force_login(cast.coordinator)
    assert 'data-testid="review-form"' in client.get(url).content.decode()


def test_a_region_account_of_another_region_gets_404(cast, regional, client, other_region_viewer):
    assert not can_report_control_point(other_region_viewer, regional)
    client.force_login(other_region_viewer)
    assert client.get(reverse("monitoring:control_point_detail", args=[regional.pk])).status_code == 404
    response = client.post(reverse("monitoring:control_point_report", args=[regional.pk]), {"version": 1, "report_text": "x"})
    assert response.status_code == 404


def test_reminders_go_to_the_region_viewer(cast, regional, other_region_viewer):
    set_state(regional, due_date=timezone.localdate() - datetime.timedelta(days=3))
    assert control_point_remind_recipients(regional) == [cast.region_viewer]
    digests = {d.user.username: d for d in digests_for_municipality(municipality=cast.muni, local_date=timezone.localdate())}
    assert [item.control_point.pk for item in digests["region"].overdue] == [regional.pk]
    assert digests["region"].overdue[0].where == f"региональный уровень, {cast.muni.name}"
    assert "region_other" not in digests
    coordinator = digests.get("coordinator")
    assert coordinator is None or regional.pk not in [i.control_point.pk for i in coordinator.overdue]


# --- where users look ---------------------------------------------------------------------------


def test_the_register_filters_the_regional_level_apart_from_the_municipal(cast, regional):
    def pks(level):
        return set(control_point_filter_for_user(user=cast.coordinator, filters={"level": level}).qs.values_list("pk", flat=True))

    assert pks("region") == {regional.pk}
    assert pks("municipality") == {cast.cp_muni.pk}
    assert pks("school") == {cast.cp_a.pk, cast.cp_b.pk}
    # The municipal executor filter names the municipality's bodies, never the region's point.
    named = control_point_filter_for_user(user=cast.coordinator, filters={"executor": "Управление образования"})
    assert regional.pk not in set(named.qs.values_list("pk", flat=True))


def _regional_register_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("monitoring:register"), {"level": "region"})
    return len(queries), len(response.context["points"])


def test_the_regional_register_costs_the_same_for_one_and_many(cast, client):
    activity = row(cast, "region", "municipality")
    f.ControlPointFactory(activity=activity, school=None, regional=True, due_date=D(2025, 1, 1))
    client.force_login(cast.region_viewer)
    one, shown = _regional_register_queries(client)
    assert shown == 1
    for i in range(1, 12):
        f.ControlPointFactory(activity=activity, school=None, regional=True, due_date=D(2025, 1, 1) + datetime.timedelta(days=i))
    many, shown = _regional_register_queries(client)
    assert (many, shown) == (one, 12)


def test_the_row_names_the_region_body_or_the_level(cast, regional):
    unnamed = f.ControlPointFactory(activity=row(cast, "municipality"), school=None, regional=True)
    rows = decorate(list(control_point_filter_for_user(user=cast.coordinator, filters={"level": "region"}).qs), timezone.localdate())
    labels = {cp.pk: cp.executor_label for cp in rows}
    assert labels == {regional.pk: IRO, unnamed.pk: "региональный уровень"}


def test_the_dashboard_counts_the_region_apart(cast, regional, client):
    today = timezone.localdate()
    set_state(regional, due_date=today - datetime.timedelta(days=2))
    set_state(cast.cp_muni, due_date=today - datetime.timedelta(days=2))
    ActivityExecutor.objects.create(activity=cast.activity, position=9, level="municipality", kind="role", name="Отдел образования")
    d = dashboard_for_user(user=cast.coordinator, today=today)
    assert d.by_level["region"] == 1
    assert d.by_level["municipality"] == 1
    executors = {r["name"]: r["overdue"] for r in d.by_executor}
    # The regional row's municipal executor («Управление образования») has no overdue point of its own.
    assert executors == {"Отдел образования": 1}
    region_row = next(r for r in d.by_school if r.get("regional"))
    assert region_row["overdue"] == 1 and region_row["query"] == "level=region"
    client.force_login(cast.coordinator)
    page = client.get(reverse("monitoring:dashboard")).content.decode()
    assert 'data-figure="overdue-region">1<' in page


def _region_points(cast, n, today):
    activity = row(cast, "region", "municipality")
    for i in range(n):
        for due, status in (
            (today - datetime.timedelta(days=5 + i), Status.REWORK),
            (today - datetime.timedelta(days=30 + i), Status.PLANNED),
            (today + datetime.timedelta(days=3 + i % 10), Status.IN_PROGRESS),
        ):
            cp = f.ControlPointFactory(activity=activity, school=None, regional=True, due_date=due)
            set_state(cp, status=status)


def test_the_region_home_lists_its_own_points(cast, regional, client):
    today = timezone.localdate()
    returned = f.ControlPointFactory(activity=regional.activity, school=None, regional=True, due_date=today + datetime.timedelta(days=30))
    set_state(returned, status=Status.REWORK)
    overdue = f.ControlPointFactory(activity=regional.activity, school=None, regional=True, due_date=today - datetime.timedelta(days=4))
    set_state(cast.cp_muni, due_date=today - datetime.timedelta(days=4))  # the municipality's, not the region's
    lists = {item.key: item for item in inbox_for_user(user=cast.region_viewer, today=today).lists}
    assert [cp.pk for cp in lists["region-returned"].items] == [returned.pk]
    assert [cp.pk for cp in lists["region-overdue"].items] == [overdue.pk]
    assert [cp.pk for cp in lists["region-due-soon"].items] == [regional.pk]
    client.force_login(cast.region_viewer)
    page = client.get("/").content.decode()
    for cp in (returned, overdue, regional):
        assert reverse("monitoring:control_point_detail", args=[cp.pk]) in page
    assert cast.muni.name in page
    # The figure opens the register filtered to exactly the list.
    register = client.get(reverse("monitoring:register") + "?" + lists["region-overdue"].query)
    assert [cp.pk for cp in register.context["points"]] == [overdue.pk]


def test_a_region_without_3_level_plans_has_no_point_lists(cast):
    assert inbox_for_user(user=cast.region_viewer, today=timezone.localdate()).lists == []


def _home_queries(client):
    client.get("/")  # the region's cached sums warm, as any second visit finds them
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    return len(queries), {item.key: item.total for item in response.context["inbox"].lists}


def test_the_region_home_costs_the_same_for_one_and_many(cast, client):
    today = timezone.localdate()
    client.force_login(cast.region_viewer)
    _region_points(cast, 1, today)
    one, totals = _home_queries(client)
    assert totals == {"region-returned": 1, "region-overdue": 2, "region-due-soon": 1}
    _region_points(cast, 7, today)
    many, totals = _home_queries(client)
    assert totals == {"region-returned": 8, "region-overdue": 16, "region-due-soon": 8}
    assert many == one
