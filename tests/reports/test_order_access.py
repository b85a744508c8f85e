"""The coordinator prepares, the chair signs, everyone else of the municipality reads what was signed;
a draft is the coordinator's and the chair's; other municipalities do not find the order at all."""

import datetime

import pytest
from django.urls import reverse

from reports.models import Order, OrderAppendix, OrderPoint

READERS = ["coordinator", "chair", "curator", "director_a", "director_b", "region_viewer"]
NOT_WRITERS = ["chair", "curator", "director_a", "director_b", "region_viewer"]
DRAFT_READERS = ["coordinator", "chair"]
NOT_DRAFT_READERS = ["curator", "director_a", "director_b", "region_viewer"]


def signed(order):
    """Signed as far as reading goes: the stored PDF is not needed here (orders.pdf renders one)."""
    Order.objects.filter(pk=order.pk).update(status=Order.Status.SIGNED, number=f"{order.pk}", date=datetime.date(2025, 3, 28))
    order.refresh_from_db()
    return order


@pytest.fixture
def parts(cast):
    point = OrderPoint.objects.create(order=cast.order, number=1, text="Пункт.")
    appendix = OrderAppendix.objects.create(order=cast.order, position=1, kind="text", text="Текст")
    point_other = OrderPoint.objects.create(order=cast.order_other, number=1, text="Пункт.")
    appendix_other = OrderAppendix.objects.create(order=cast.order_other, position=1, kind="text", text="Текст")
    return {"point": point, "appendix": appendix, "point_other": point_other, "appendix_other": appendix_other}


READ = ["reports:order_detail", "reports:order_pdf", "reports:order_verify"]
WRITE_ORDER = ["reports:order_change", "reports:point_add", "reports:appendix_add"]


@pytest.mark.parametrize("role", READERS)
def test_every_role_of_the_municipality_reads_its_signed_orders(cast, client, role):
    signed(cast.order)
    client.force_login(getattr(cast, role))
    for name in READ:
        assert client.get(reverse(name, args=[cast.order.pk])).status_code in (200, 302), name
    assert cast.order in client.get(reverse("reports:order_list")).context["orders"]


@pytest.mark.parametrize("role", DRAFT_READERS)
def test_the_coordinator_and_the_chair_read_a_draft(cast, client, role):
    client.force_login(getattr(cast, role))
    for name in READ:
        assert client.get(reverse(name, args=[cast.order.pk])).status_code in (200, 302), name
    assert cast.order in client.get(reverse("reports:order_list")).context["orders"]


@pytest.mark.parametrize("role", NOT_DRAFT_READERS)
def test_a_draft_does_not_exist_for_anyone_else(cast, client, parts, role):
    client.force_login(getattr(cast, role))
    for name in READ + WRITE_ORDER:
        assert client.get(reverse(name, args=[cast.order.pk])).status_code == 404, name
    assert client.get(reverse("reports:point_change", args=[parts["point"].pk])).status_code == 404
    assert client.get(reverse("reports:appendix_change", args=[parts["appendix"].pk])).status_code == 404
    assert cast.order not in client.get(reverse("reports:order_list")).context["orders"]


@pytest.mark.parametrize("role", NOT_WRITERS)
def test_only_the_coordinator_prepares(cast, client, parts, role):
    if role in NOT_DRAFT_READERS:
        signed(cast.order)  # a draft they cannot even see; a signed order they see but cannot change
    client.force_login(getattr(cast, role))
    for name in WRITE_ORDER:
        assert client.get(reverse(name, args=[cast.order.pk])).status_code == 403, name
    assert client.get(reverse("reports:point_change", args=[parts["point"].pk])).status_code == 403
    assert client.get(reverse("reports:appendix_change", args=[parts["appendix"].pk])).status_code == 403
    assert client.post(reverse("reports:point_delete", args=[parts["point"].pk])).status_code == 403
    assert client.post(reverse("reports:appendix_delete", args=[parts["appendix"].pk])).status_code == 403
    assert client.get(reverse("reports:order_add")).status_code == 403


def test_the_coordinator_opens_the_editor(cast, client, parts):
    client.force_login(cast.coordinator)
    for name in WRITE_ORDER:
        assert client.get(reverse(name, args=[cast.order.pk])).status_code == 200, name
    assert client.get(reverse("reports:point_change", args=[parts["point"].pk])).status_code == 200
    assert client.get(reverse("reports:appendix_change", args=[parts["appendix"].pk])).status_code == 200


@pytest.mark.parametrize("role", READERS + ["no_role"])
def test_another_municipalitys_order_does_not_exist(cast, client, parts, role):
    client.force_login(getattr(cast, role))
    for name in READ + WRITE_ORDER:
        assert client.get(reverse(name, args=[cast.order_other.pk])).status_code == 404, name
    for name in ["reports:order_sign", "reports:order_new_version"]:
        assert client.post(reverse(name, args=[cast.order_other.pk])).status_code == 404, name
    for name in ["reports:point_change", "reports:point_delete", "reports:point_report", "reports:point_accept"]:
        response = client.post(reverse(name, args=[parts["point_other"].pk])) if "change" not in name else client.get(reverse(name, args=[parts["point_other"].pk]))
        assert response.status_code == 404, name
    for name in ["reports:appendix_change", "reports:appendix_delete"]:
        assert client.post(reverse(name, args=[parts["appendix_other"].pk])).status_code == 404, name


def test_the_list_shows_only_the_municipalitys_orders(cast, client):
    signed(cast.order)
    signed(cast.order_other)
    client.force_login(cast.director_a)
    orders = list(client.get(reverse("reports:order_list")).context["orders"])
    assert orders == [cast.order]


def test_anonymous_visitors_go_to_login(cast, client):
    for url in [reverse("reports:order_list"), reverse("reports:order_add"), reverse("reports:order_detail", args=[cast.order.pk]),
                reverse("reports:order_pdf", args=[cast.order.pk]), reverse("reports:order_verify", args=[cast.order.pk])]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_buttons_follow_the_rights(cast, client):
    client.force_login(cast.chair)
    page = client.get(reverse("reports:order_detail", args=[cast.order.pk])).content.decode()
    assert reverse("reports:order_sign", args=[cast.order.pk]) in page
    assert reverse("reports:order_change", args=[cast.order.pk]) not in page
    client.force_login(cast.coordinator)
    page = client.get(reverse("reports:order_detail", args=[cast.order.pk])).content.decode()
    assert reverse("reports:order_change", args=[cast.order.pk]) in page
    assert reverse("reports:order_sign", args=[cast.order.pk]) not in page


def test_the_draft_pdf_is_marked_as_a_draft(cast, client):
    client.force_login(cast.chair)
    response = client.get(reverse("reports:order_pdf", args=[cast.order.pk]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert "inline" in response["Content-Disposition"]
