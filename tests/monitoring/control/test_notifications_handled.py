"""A notice asking for a step stops being «новое» once the step is taken, and the curator's queue
heading counts the reports still on review after a row is accepted or returned in place."""

import datetime
import re

from django.urls import reverse

from monitoring.control import workflow
from monitoring.models import ControlPoint, Notification

Kind = Notification.Kind


def _submitted(cast):
    cp = workflow.control_point_report(control_point=cast.cp_a, user=cast.director_a, version=cast.cp_a.version, report_text="Сделано")
    return workflow.control_point_submit(control_point=cp, user=cast.director_a, version=cp.version)


def _unread(user, kind):
    return Notification.objects.filter(user=user, kind=kind, read_at__isnull=True).count()


def test_a_report_on_review_is_read_for_every_reviewer_once_returned(cast):
    cp = _submitted(cast)
    assert _unread(cast.curator, Kind.SUBMITTED) == 1
    other_notice = Notification.objects.create(user=cast.curator, kind=Kind.SUBMITTED, control_point=cast.cp_b, text="другая точка")
    workflow.control_point_return(control_point=cp, user=cast.coordinator, version=cp.version, comment="Приложите протокол")
    assert _unread(cast.curator, Kind.SUBMITTED) == 1  # only the other point's notice is still new
    other_notice.refresh_from_db()
    assert other_notice.read_at is None
    # The return itself is news to the director until the report goes back.
    assert _unread(cast.director_a, Kind.RETURNED) == 1
    cp.refresh_from_db()
    cp = workflow.control_point_report(control_point=cp, user=cast.director_a, version=cp.version, report_text="Сделано, протокол приложен")
    workflow.control_point_submit(control_point=cp, user=cast.director_a, version=cp.version)
    assert _unread(cast.director_a, Kind.RETURNED) == 0


def test_an_accepted_report_is_no_longer_news(cast):
    cp = _submitted(cast)
    workflow.control_point_accept(control_point=cp, user=cast.curator, version=cp.version)
    assert not Notification.objects.filter(control_point=cp, kind=Kind.SUBMITTED, read_at__isnull=True).exists()


def test_a_decided_due_date_request_is_read_for_the_coordinators(cast):
    cp = cast.cp_a
    request = workflow.control_point_request_due_date(
        control_point=cp, user=cast.director_a, version=cp.version,
        requested_date=cp.due_date + datetime.timedelta(days=10), reason="Курсы",
    )
    assert _unread(cast.coordinator, Kind.DUE_DATE_REQUESTED) == 1
    cp.refresh_from_db()
    workflow.control_point_grant_due_date(control_point=cp, user=cast.coordinator, version=cp.version, request=request)
    assert _unread(cast.coordinator, Kind.DUE_DATE_REQUESTED) == 0


def test_the_queue_heading_follows_a_return_in_place(cast, client):
    cp = _submitted(cast)
    client.force_login(cast.curator)
    page = client.get(reverse("monitoring:curator_home")).content.decode()
    assert re.search(r'id="queue-total"[^>]*>1<', page)
    row = client.post(
        reverse("monitoring:control_point_return", args=[cp.pk]),
        {"version": cp.version, "comment": "Доработать"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "Возвращено на доработку" in row
    assert re.search(r'id="queue-total"[^>]*hx-swap-oob="true"[^>]*>0<', row)
    assert ControlPoint.objects.get(pk=cp.pk).status == ControlPoint.Status.REWORK
    page = client.get(reverse("monitoring:curator_home")).content.decode()
    assert re.search(r'id="queue-total"[^>]*>0<', page)
