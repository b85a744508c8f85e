"""Points with a responsible person and a due date are tracked: due, overdue, reported, accepted."""

import datetime

import pytest
from django.urls import reverse

from reports.models import OrderPoint
from reports.services import order_sign

from .. import factories as f


@pytest.fixture
def controlled(ready_order, cast):
    """The signed order; its point 3 is the curator's, due long ago."""
    point = OrderPoint.objects.create(
        order=ready_order, number=3, text="Разместить приказ на сайте.", responsible=cast.curator.person,
        responsible_text="Соколова", due_date=datetime.date(2025, 4, 17),
    )
    order_sign(order=ready_order, user=cast.chair)
    point.refresh_from_db()
    return point


def test_the_status_moves_from_overdue_to_reported_to_accepted(controlled, cast, client):
    today = datetime.date(2026, 1, 1)
    assert controlled.control_status(today) == OrderPoint.ControlStatus.OVERDUE
    assert controlled.control_status(datetime.date(2025, 4, 1)) == OrderPoint.ControlStatus.DUE
    client.force_login(cast.curator)
    client.post(reverse("reports:point_report", args=[controlled.pk]), {f"p{controlled.pk}-report_text": "Размещён 15.04."})
    controlled.refresh_from_db()
    assert controlled.report_text == "Размещён 15.04." and controlled.reported_by == cast.curator
    assert controlled.control_status(today) == OrderPoint.ControlStatus.REPORTED
    client.force_login(cast.chair)
    client.post(reverse("reports:point_accept", args=[controlled.pk]), {"action": "accept"})
    controlled.refresh_from_db()
    assert controlled.accepted_by == cast.chair and controlled.control_status(today) == OrderPoint.ControlStatus.ACCEPTED


def test_a_report_can_be_returned(controlled, cast, client):
    client.force_login(cast.coordinator)
    client.post(reverse("reports:point_report", args=[controlled.pk]), {f"p{controlled.pk}-report_text": "Сделано."})
    client.force_login(cast.chair)
    client.post(reverse("reports:point_accept", args=[controlled.pk]), {"action": "return"})
    controlled.refresh_from_db()
    assert controlled.reported_at is None and controlled.report_text == "Сделано."


@pytest.mark.parametrize("role", ["director_a", "region_viewer"])
def test_only_the_responsible_or_the_coordinator_reports(controlled, cast, client, role):
    client.force_login(getattr(cast, role))
    response = client.post(reverse("reports:point_report", args=[controlled.pk]), {f"p{controlled.pk}-report_text": "x"})
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["curator", "director_a", "region_viewer"])
def test_only_the_chair_or_the_coordinator_accepts(controlled, cast, client, role):
    client.force_login(getattr(cast, role))
    assert client.post(reverse("reports:point_accept", args=[controlled.pk])).status_code == 403


def test_an_empty_report_or_a_draft_point_is_refused(ready_order, controlled, cast, client):
    client.force_login(cast.curator)
    response = client.post(reverse("reports:point_report", args=[controlled.pk]), {f"p{controlled.pk}-report_text": ""}, follow=True)
    assert "Напишите, что сделано." in response.content.decode()
    draft_point = OrderPoint.objects.create(
        order=cast.order_other, number=1, text="x", responsible_text="кто-то", due_date=datetime.date(2025, 1, 1)
    )
    client.force_login(cast.coordinator_other)
    response = client.post(reverse("reports:point_report", args=[draft_point.pk]), {f"p{draft_point.pk}-report_text": "x"}, follow=True)
    assert "отчитываться можно после подписания" in response.content.decode()


def test_the_order_page_offers_the_forms_to_whom_they_belong(controlled, cast, client):
    client.force_login(cast.curator)
    page = client.get(reverse("reports:order_detail", args=[controlled.order_id])).content.decode()
    assert reverse("reports:point_report", args=[controlled.pk]) in page
    assert 'data-control="overdue"' in page
    client.force_login(cast.director_a)
    page = client.get(reverse("reports:order_detail", args=[controlled.order_id])).content.decode()
    assert reverse("reports:point_report", args=[controlled.pk]) not in page


def test_the_list_counts_overdue_controlled_points(controlled, cast, client):
    client.force_login(cast.chair)
    response = client.get(reverse("reports:order_list"))
    row = next(o for o in response.context["orders"] if o.pk == controlled.order_id)
    # Point 2 (due 01.05.2025, no report) and point 3 (due 17.04.2025) are overdue today.
    assert (row.n_controlled, row.n_overdue) == (2, 2)
    assert 'data-overdue="2"' in response.content.decode()
    client.force_login(cast.curator)
    client.post(reverse("reports:point_report", args=[controlled.pk]), {f"p{controlled.pk}-report_text": "Сделано."})
    client.force_login(cast.chair)
    row = next(o for o in client.get(reverse("reports:order_list")).context["orders"] if o.pk == controlled.order_id)
    assert row.n_overdue == 1


@pytest.mark.parametrize("n", [3, 30])
def test_the_order_list_takes_the_same_queries_for_3_and_30_orders(cast, client, django_assert_num_queries, n):
    person = f.PersonFactory(municipality=cast.muni)
    for i in range(n - 1):
        order = f.OrderFactory(municipality=cast.muni, number=str(100 + i), date=datetime.date(2024, 1, 1), status="signed",
                               superseded_by=cast.order if i % 2 else None)
        OrderPoint.objects.create(order=order, number=1, text="x", responsible=person, due_date=datetime.date(2024, 2, 1))
    client.force_login(cast.chair)
    # session, user (municipality joined), unread notifications (the bell), the orders (one query with the counts
    # and the «утратил силу» marker)
    with django_assert_num_queries(4):
        response = client.get(reverse("reports:order_list"))
    assert len(response.context["orders"]) == n
    assert response.content.decode().count("data-void") == (n - 1) // 2
