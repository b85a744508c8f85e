"""Only the chair's signature puts a plan in force: the coordinator prepares the approval order.

A new edition of a plan approved by a signed order cannot be put in force by the coordinator
alone (once «Новая редакция» then «Утвердить» superseded the plan the chair had signed).
"""

import ast
import datetime
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, reverse

from monitoring.models import ControlPoint
from reports.models import Order, OrderAppendix
from reports.services import order_for_plan_approval, order_sign_problems
from roadmaps.models import Plan

from .. import factories as f

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def in_force(cast):
    """The cast's plan, approved by a signed order № 87, with a row that makes control points."""
    order = f.OrderFactory(
        municipality=cast.muni, number="87", date=datetime.date(2023, 4, 4), status=Order.Status.SIGNED,
        title="Об утверждении муниципальной дорожной карты",
    )
    Plan.objects.filter(pk=cast.plan.pk).update(status=Plan.Status.APPROVED, approved_by=order)
    cast.plan.refresh_from_db()
    return order


def _edition(cast, client):
    client.force_login(cast.coordinator)
    client.post(reverse("roadmaps:plan_new_edition", args=[cast.plan.pk]))
    return Plan.objects.get(replaces=cast.plan)


def test_there_is_no_approval_without_an_order():
    with pytest.raises(NoReverseMatch):
        reverse("roadmaps:plan_approve", args=[1])


def test_only_the_signing_service_approves_plans():
    """`plan_approve` is called from reports.services.order_sign and nowhere else."""
    callers = set()
    for app in ("accounts", "clusters", "monitoring", "reports", "roadmaps", "schnor_portal", "schools"):
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts or "scale" in path.parts or "demo" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "plan_approve":
                    callers.add(path.relative_to(ROOT).as_posix())
    assert callers == {"reports/services.py"}


def test_the_coordinator_prepares_the_order_for_a_new_edition(cast, client, in_force):
    edition = _edition(cast, client)
    response = client.post(reverse("reports:order_for_plan", args=[edition.pk]))
    order = Order.objects.get(appendices__plan=edition)
    assert response.url == reverse("reports:order_detail", args=[order.pk])
    assert order.status == Order.Status.DRAFT and order.municipality == cast.muni
    assert order.title.startswith("Об утверждении в новой редакции дорожной карты «")
    texts = list(order.points.order_by("number").values_list("text", flat=True))
    assert texts[0].startswith("Утвердить в новой редакции дорожную карту «") and texts[0].endswith("(приложение).")
    assert texts[1] == f"Признать утратившим силу приказ от 04.04.2023 № 87 «{in_force.title}»."
    assert texts[2] == "Контроль за исполнением настоящего приказа оставляю за собой."
    assert list(order.voids.all()) == [in_force]
    assert order.appendices.get().kind == OrderAppendix.Kind.PLAN
    # Nothing is in force yet: the old edition still rules and the draft has no points.
    cast.plan.refresh_from_db()
    edition.refresh_from_db()
    assert (cast.plan.status, edition.status) == (Plan.Status.APPROVED, Plan.Status.DRAFT)
    assert not ControlPoint.objects.filter(activity__section__plan=edition).exists()


def test_asking_twice_opens_the_same_draft(cast, client, in_force):
    edition = _edition(cast, client)
    first = client.post(reverse("reports:order_for_plan", args=[edition.pk]))
    second = client.post(reverse("reports:order_for_plan", args=[edition.pk]))
    assert first.url == second.url
    assert Order.objects.filter(appendices__plan=edition).count() == 1


def test_the_chairs_signature_puts_the_edition_in_force(cast, client, in_force):
    edition = _edition(cast, client)
    order = order_for_plan_approval(plan=edition)
    # What the coordinator fills in before the chair signs: number, date and, here, the signatory.
    Order.objects.filter(pk=order.pk).update(
        number="12", date=datetime.date(2025, 3, 28), signatory_position="Председатель комитета", signatory_name="Т.И. Буц"
    )
    order.refresh_from_db()
    client.force_login(cast.chair)
    client.post(reverse("reports:order_sign", args=[order.pk]), {"version": order.version})
    order.refresh_from_db()
    cast.plan.refresh_from_db()
    edition.refresh_from_db()
    in_force.refresh_from_db()
    assert order.status == Order.Status.SIGNED
    assert (cast.plan.status, edition.status, edition.approved_by) == (Plan.Status.SUPERSEDED, Plan.Status.APPROVED, order)
    assert in_force.superseded_by == order
    assert ControlPoint.objects.filter(activity__section__plan=edition).exists()


def test_a_first_plan_is_approved_without_voiding_anything(cast, client):
    plan = f.PlanFactory(municipality=cast.muni, status=Plan.Status.DRAFT, kind="schedule", title="План-график 2026")
    order = order_for_plan_approval(plan=plan)
    assert order.title == "Об утверждении плана-графика «План-график 2026»"
    assert not order.voids.exists() and order.points.count() == 2
    # The cast's authority names no head: the draft is made, and signing asks for the signatory.
    assert "Укажите подписанта: должность и «И.О. Фамилия»." in order_sign_problems(order)


@pytest.mark.parametrize("role", ["chair", "curator", "director_a", "region_viewer"])
def test_no_one_but_the_coordinator_prepares_it(cast, client, role):
    plan = f.PlanFactory(municipality=cast.muni, status=Plan.Status.DRAFT)
    client.force_login(getattr(cast, role))
    assert client.post(reverse("reports:order_for_plan", args=[plan.pk])).status_code == 403
    assert not Order.objects.filter(appendices__plan=plan).exists()


def test_an_approved_plan_gets_no_second_approval(cast, client, in_force):
    client.force_login(cast.coordinator)
    response = client.post(reverse("reports:order_for_plan", args=[cast.plan.pk]), follow=True)
    assert "Приказ об утверждении готовят для черновика плана." in response.content.decode()
    assert not Order.objects.filter(appendices__plan=cast.plan).exists()


def test_the_draft_carries_the_authoritys_requisites_and_head(cast):
    head = f.PersonFactory(municipality=cast.muni, last_name="Буц", first_name="Татьяна", middle_name="Ивановна", position="Председатель Комитета")
    cast.muni.head = head
    cast.muni.head_position = "Председатель Комитета по образованию"
    cast.muni.save()
    plan = f.PlanFactory(municipality=cast.muni, status=Plan.Status.DRAFT)
    order = order_for_plan_approval(plan=plan)
    assert (order.signatory, order.signatory_name, order.signatory_position) == (head, "Т.И. Буц", "Председатель Комитета по образованию")
    assert order.header == cast.muni.authority_header and order.operative_word == "ПРИКАЗЫВАЮ:"
    assert "Укажите подписанта" not in " ".join(order_sign_problems(order))
