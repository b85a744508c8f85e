import datetime

import pytest

from clusters.models import Cluster, ClusterMembership
from monitoring.control.services import control_points_sync_for_plan
from monitoring.models import ControlPoint, Evidence
from roadmaps.models import Activity, ActivityExecutor
from tests import factories as f

D = datetime.date


@pytest.fixture
def plan(db):
    plan = f.PlanFactory(period_start=D(2025, 1, 1), period_end=D(2025, 12, 31))
    plan.schools.set([f.SchoolFactory(municipality=plan.municipality) for _ in range(3)])
    return plan


def activity_with(plan, deadline, levels, scope=Activity.Scope.ALL_SCHOOLS):
    activity = f.ActivityFactory(section=f.PlanSectionFactory(plan=plan), deadline_text=deadline, scope=scope)
    for i, level in enumerate(levels, start=1):
        ActivityExecutor.objects.create(activity=activity, position=i, level=level, kind="role", name=f"исполнитель {i}")
    return activity


def points(activity):
    """(school, start, due) of each point; the municipality's own point (school None) last."""
    return sorted(
        ((cp.school_id, cp.window_start, cp.due_date) for cp in ControlPoint.objects.filter(activity=activity)),
        key=lambda p: (p[0] is None, p[0] or 0, p[2]),
    )


def test_it_creates_one_point_per_school_and_one_for_the_municipality(plan):
    activity = activity_with(plan, "Апрель-май 2025 г", ["school", "municipality"])
    result = control_points_sync_for_plan(plan=plan)
    schools = sorted(plan.schools.values_list("pk", flat=True))
    window = (D(2025, 4, 1), D(2025, 5, 31))
    assert points(activity) == [(pk, *window) for pk in schools] + [(None, *window)]
    assert result.created == 4
    assert {cp.municipality_id for cp in ControlPoint.objects.all()} == {plan.municipality_id}


def test_it_repeats_per_quarter(plan):
    activity = activity_with(plan, "Ежеквартально, не позднее 25 числа последнего месяца квартала", ["municipality"], Activity.Scope.MUNICIPALITY)
    control_points_sync_for_plan(plan=plan)
    assert points(activity) == [
        (None, D(2025, 1, 1), D(2025, 3, 25)),
        (None, D(2025, 4, 1), D(2025, 6, 25)),
        (None, D(2025, 7, 1), D(2025, 9, 25)),
        (None, D(2025, 10, 1), D(2025, 12, 25)),
    ]


def test_it_limits_cluster_activities_to_the_clusters_schools(plan):
    cluster = Cluster.objects.create(plan=plan, number=1, name="Впервые в списке")
    first = plan.schools.order_by("pk").first()
    ClusterMembership.objects.create(cluster=cluster, school=first)
    activity = activity_with(plan, "Май 2025", ["school"], Activity.Scope.CLUSTERS)
    activity.clusters.set([cluster])
    control_points_sync_for_plan(plan=plan)
    assert points(activity) == [(first.pk, D(2025, 5, 1), D(2025, 5, 31))]


def test_it_creates_nothing_for_a_schedule_it_cannot_date(plan):
    activity = activity_with(plan, "По отдельному графику", ["school"])
    control_points_sync_for_plan(plan=plan)
    assert points(activity) == []


def test_it_changes_nothing_when_run_again(plan):
    activity_with(plan, "Ежеквартально", ["school"])
    control_points_sync_for_plan(plan=plan)
    again = control_points_sync_for_plan(plan=plan)
    assert (again.created, again.deleted, again.flagged) == (0, 0, 0)
    assert again.kept == 12


def test_it_keeps_every_reported_point_when_the_deadline_changes(plan):
    activity = activity_with(plan, "Апрель 2025", ["school"])
    control_points_sync_for_plan(plan=plan)
    reported, with_evidence, untouched = ControlPoint.objects.filter(activity=activity).order_by("school_id")
    reported.status = ControlPoint.Status.SUBMITTED
    reported.report_text = "Проведено 3 тренировочных мероприятия"
    reported.save()
    Evidence.objects.create(control_point=with_evidence, link="https://school.example.ru/report")

    activity.deadline_text = "Сентябрь 2025"
    activity.save()
    result = control_points_sync_for_plan(plan=plan)

    assert (result.created, result.deleted, result.flagged) == (3, 1, 2)
    assert not ControlPoint.objects.filter(pk=untouched.pk).exists()
    kept = ControlPoint.objects.filter(pk__in=[reported.pk, with_evidence.pk])
    assert all(cp.needs_decision for cp in kept)
    assert ControlPoint.objects.get(pk=reported.pk).report_text == "Проведено 3 тренировочных мероприятия"
    assert ControlPoint.objects.filter(activity=activity, due_date=D(2025, 9, 30)).count() == 3
