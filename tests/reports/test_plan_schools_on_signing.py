"""Signing an approval order: a plan addressed to schools needs its schools; the chair is told what was created."""

import pytest
from django.urls import reverse

from monitoring.models import ControlPoint
from reports.models import Order
from reports.services import order_sign, order_sign_problems
from roadmaps.models import Activity, ActivityExecutor, ExecutorLevel

from .. import factories as f

NO_SCHOOLS = "адресован школам, но школы плана не выбраны: откройте план → «Изменить план» → «Школы плана»."


def _executor(activity, level, name):
    ActivityExecutor.objects.create(activity=activity, position=activity.executor_set.count() + 1, level=level, kind="role", name=name)


@pytest.fixture
def addressed(ready_order):
    """The edition's activity is for every school of the plan, done by their directors; a second is the municipality's."""
    activity = Activity.objects.get(section__plan=ready_order.edition)
    activity.scope = Activity.Scope.ALL_SCHOOLS
    activity.save()
    _executor(activity, ExecutorLevel.SCHOOL, "Руководители ШНОР")
    municipal = f.ActivityFactory(section=activity.section, content="Совещание с руководителями ШНОР")
    _executor(municipal, ExecutorLevel.MUNICIPALITY, "Муниципальный координатор")
    return ready_order


def test_a_plan_for_schools_without_schools_cannot_be_approved(addressed):
    problems = order_sign_problems(addressed)
    assert f"План «{addressed.edition.title}» {NO_SCHOOLS}" in problems
    assert not ControlPoint.objects.filter(activity__section__plan=addressed.edition).exists()


@pytest.mark.parametrize("how", ["executor", "scope"])
def test_either_school_executors_or_the_all_schools_scope_address_the_plan_to_schools(ready_order, how):
    activity = Activity.objects.get(section__plan=ready_order.edition)
    if how == "executor":
        _executor(activity, ExecutorLevel.SCHOOL, "Руководители ОО")
    else:
        activity.scope = Activity.Scope.ALL_SCHOOLS
        activity.save()
    assert any(NO_SCHOOLS in problem for problem in order_sign_problems(ready_order))


def test_a_plan_of_the_municipality_alone_needs_no_schools(ready_order):
    activity = Activity.objects.get(section__plan=ready_order.edition)
    _executor(activity, ExecutorLevel.MUNICIPALITY, "Муниципальный координатор")
    assert order_sign_problems(ready_order) == []


def test_a_cluster_activity_names_its_schools_itself(cast, ready_order):
    activity = Activity.objects.get(section__plan=ready_order.edition)
    activity.scope = Activity.Scope.CLUSTERS
    activity.save()
    _executor(activity, ExecutorLevel.SCHOOL, "Руководители ШНОР")
    assert order_sign_problems(ready_order) == []


def test_with_its_schools_chosen_the_plan_is_signed(cast, addressed):
    addressed.edition.schools.set([cast.school_a, cast.school_b])
    assert order_sign_problems(addressed) == []
    order_sign(order=addressed, user=cast.chair)
    assert ControlPoint.objects.filter(activity__section__plan=addressed.edition, school=cast.school_b).count() == 4


def test_the_view_refuses_and_names_the_plan(cast, client, addressed):
    client.force_login(cast.chair)
    response = client.post(reverse("reports:order_sign", args=[addressed.pk]), {"version": addressed.version}, follow=True)
    assert NO_SCHOOLS in response.content.decode()
    assert Order.objects.get(pk=addressed.pk).status == Order.Status.DRAFT


def test_the_chair_is_told_how_many_points_were_created_and_for_whom(cast, client, addressed):
    addressed.edition.schools.set([cast.school_a, cast.school_b])
    client.force_login(cast.chair)
    response = client.post(reverse("reports:order_sign", args=[addressed.pk]), {"version": addressed.version}, follow=True)
    page = response.content.decode()
    # Quarterly in 2025: 4 points for each of the 2 schools and 4 for the municipality's activity; the
    # edition's row is the old plan's row, whose first-quarter points of schools A and B (due 25.03)
    # go on with it rather than being made anew.
    assert "создано контрольных точек: 10 (школ: 2, муниципальный уровень: 4); перешло из прежней редакции: 2." in page
    assert ControlPoint.objects.filter(activity__section__plan=addressed.edition).count() == 12
