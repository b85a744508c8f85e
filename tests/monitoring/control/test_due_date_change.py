"""«Запросить перенос срока»: the director asks, the coordinator grants or refuses; both dates stay visible."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from monitoring.control import workflow
from monitoring.control.services import control_points_sync
from monitoring.models import DueDateChangeRequest, Notification
from tests.monitoring.conftest import set_state

D = datetime.date


def _ask(cast, client, new_date, reason="Карантин в школе"):
    client.force_login(cast.director_a)
    return client.post(
        reverse("monitoring:due_date_request_add", args=[cast.cp_a.pk]),
        {"version": cast.cp_a.version, "requested_date": new_date.isoformat(), "reason": reason},
    )


def test_it_moves_the_due_date_on_grant_and_keeps_the_first_one(cast, client):
    set_state(cast.cp_a, due_date=D(2026, 12, 1))
    assert _ask(cast, client, D(2026, 12, 20)).status_code == 302
    request = DueDateChangeRequest.objects.get()
    assert request.status == "requested" and request.current_due_date == D(2026, 12, 1)
    assert Notification.objects.filter(user=cast.coordinator, kind="due_date_requested").exists()

    client.force_login(cast.coordinator)
    response = client.post(
        reverse("monitoring:due_date_request_decide", args=[request.pk]),
        {"decision": "grant", "version": cast.cp_a.version, "comment": "Согласовано"},
    )
    assert response.status_code == 302
    cast.cp_a.refresh_from_db()
    request.refresh_from_db()
    assert (cast.cp_a.original_due_date, cast.cp_a.due_date) == (D(2026, 12, 1), D(2026, 12, 20))
    assert cast.cp_a.is_rescheduled
    assert (request.status, request.decided_by, request.comment) == ("granted", cast.coordinator, "Согласовано")
    assert Notification.objects.filter(user=cast.director_a, kind="due_date_decided").exists()

    # A second move keeps the very first date as the original.
    client.force_login(cast.director_a)
    assert _ask(cast, client, D(2027, 1, 15)).status_code == 302
    cp = workflow.control_point_grant_due_date(
        control_point=cast.cp_a, user=cast.coordinator, version=cast.cp_a.version,
        request=DueDateChangeRequest.objects.get(status="requested"),
    )
    assert (cp.original_due_date, cp.due_date) == (D(2026, 12, 1), D(2027, 1, 15))

    page = client.get(reverse("monitoring:control_point_detail", args=[cp.pk])).content.decode()
    assert "срок перенесён" in page and "01.12.2026" in page and "15.01.2027" in page


def test_it_counts_the_point_against_the_date_in_force(cast, client):
    set_state(cast.cp_a, due_date=D(2026, 11, 1))  # overdue on 23.11.2026
    cp = workflow.control_point_request_due_date(
        control_point=cast.cp_a, user=cast.director_a, version=cast.cp_a.version, requested_date=D(2099, 1, 10), reason="Ремонт"
    )
    workflow.control_point_grant_due_date(
        control_point=cast.cp_a, user=cast.coordinator, version=cast.cp_a.version, request=cp
    )
    client.force_login(cast.coordinator)
    overdue = client.get(reverse("monitoring:register"), {"overdue": "yes", "school": cast.school_a.pk})
    assert overdue.context["page"].paginator.count == 0
    moved = client.get(reverse("monitoring:register"), {"rescheduled": "yes"})
    assert [p.pk for p in moved.context["points"]] == [cast.cp_a.pk]
    assert "срок перенесён" in moved.content.decode()


def test_it_refuses_with_a_comment_and_keeps_the_date(cast, client):
    request = workflow.control_point_request_due_date(
        control_point=cast.cp_a, user=cast.director_a, version=cast.cp_a.version, requested_date=D(2026, 1, 1), reason="Нет педагога"
    )
    client.force_login(cast.coordinator)
    without_comment = client.post(
        reverse("monitoring:due_date_request_decide", args=[request.pk]),
        {"decision": "refuse", "version": cast.cp_a.version, "comment": ""},
        follow=True,
    )
    assert "почему в переносе отказано" in without_comment.content.decode()
    client.post(
        reverse("monitoring:due_date_request_decide", args=[request.pk]),
        {"decision": "refuse", "version": cast.cp_a.version, "comment": "Срок установлен приказом"},
    )
    request.refresh_from_db()
    cast.cp_a.refresh_from_db()
    assert request.status == "refused" and cast.cp_a.due_date == D(2025, 3, 25) and cast.cp_a.original_due_date is None


def test_it_refuses_an_earlier_date_and_a_second_open_request(cast):
    with pytest.raises(ValidationError, match="позже действующего"):
        workflow.control_point_request_due_date(
            control_point=cast.cp_a, user=cast.director_a, version=cast.cp_a.version, requested_date=D(2025, 3, 1), reason="—"
        )
    workflow.control_point_request_due_date(
        control_point=cast.cp_a, user=cast.director_a, version=cast.cp_a.version, requested_date=D(2025, 5, 1), reason="Карантин"
    )
    with pytest.raises(ValidationError, match="уже ждёт решения"):
        workflow.control_point_request_due_date(
            control_point=cast.cp_a, user=cast.director_a, version=cast.cp_a.version, requested_date=D(2025, 6, 1), reason="Ещё"
        )


def test_it_keeps_a_moved_point_when_the_plan_is_synced_again(cast):
    """The sync matches points by their first date: a granted move does not make a new point."""
    from roadmaps.models import ActivityExecutor

    activity = cast.activity
    activity.deadline_text, activity.scope = "До 25 марта 2025 года", "schools"
    activity.save()
    activity.schools.set([cast.school_a])
    ActivityExecutor.objects.create(activity=activity, position=1, level="school", kind="role", name="Руководители ОО")
    request = workflow.control_point_request_due_date(
        control_point=cast.cp_a, user=cast.director_a, version=cast.cp_a.version, requested_date=D(2025, 4, 30), reason="Ремонт"
    )
    workflow.control_point_grant_due_date(control_point=cast.cp_a, user=cast.coordinator, version=cast.cp_a.version, request=request)
    control_points_sync(activity=activity, plan=cast.plan)
    cast.cp_a.refresh_from_db()
    assert cast.cp_a.due_date == D(2025, 4, 30)
    assert activity.control_points.filter(school=cast.school_a).count() == 1
