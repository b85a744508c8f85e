"""A new edition is put in force by an order «Об утверждении в новой редакции …»: its wording, its
appendices numbered by the portal, and a signed order's appendix that never shows a later edition."""

import datetime

import pytest
from django.urls import reverse

from monitoring.models import ControlPoint
from reports.models import Order, OrderAppendix
from reports.selectors import order_content_hash
from reports.services import (
    order_appendix_delete,
    order_appendix_save,
    order_for_plan_approval,
    order_sign,
    order_sign_problems,
)
from roadmaps.editions import compare_editions
from roadmaps.models import Activity, ActivityExecutor, Plan
from roadmaps.services import activity_create, activity_delete, plan_new_edition
from tests import factories as f

D = datetime.date


def _ready(order, number, date):
    """What the coordinator fills in before the chair signs."""
    Order.objects.filter(pk=order.pk).update(
        number=number, date=date, header="КОМИТЕТ ПО ОБРАЗОВАНИЮ", signatory_position="Председатель комитета", signatory_name="Т.И. Буц"
    )
    order.refresh_from_db()
    return order


@pytest.fixture
def signed_first(cast):
    """A first plan approved through the portal by a signed order № 87 (its PDF and content hash stored)."""
    plan = f.PlanFactory(municipality=cast.muni, title="Дорожная карта 2025", status=Plan.Status.DRAFT)
    plan.schools.set([cast.school_a, cast.school_b])
    section = f.PlanSectionFactory(plan=plan, number="1.", title="Мероприятия")
    f.school_row(section, "1.1", "Мониторинг текущей успеваемости", "Март 2025 г", 1)
    f.school_row(section, "1.2", "Пробный экзамен по математике в 9-х классах", "Апрель 2025 г", 2)
    order = _ready(order_for_plan_approval(plan=plan), "87", D(2025, 1, 20))
    order = order_sign(order=order, user=cast.chair)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.APPROVED and plan.approved_by == order
    return plan, order


def test_the_edition_order_is_worded_as_the_documents_do(signed_first):
    plan, first_order = signed_first
    edition = plan_new_edition(plan=plan)
    order = order_for_plan_approval(plan=edition)
    assert order.title == "Об утверждении в новой редакции дорожной карты «Дорожная карта 2025»"
    texts = list(order.points.order_by("number").values_list("text", flat=True))
    assert texts == [
        "Утвердить в новой редакции дорожную карту «Дорожная карта 2025» (приложение).",
        f"Признать утратившим силу приказ от 20.01.2025 № 87 «{first_order.title.strip('«»')}».",
        "Контроль за исполнением настоящего приказа оставляю за собой.",
    ]
    assert list(order.voids.all()) == [first_order]
    appendix = order.appendices.get()
    assert (appendix.kind, appendix.plan, appendix.number) == (OrderAppendix.Kind.PLAN, edition, None)


def test_appendices_are_numbered_in_order_and_points_follow(signed_first, cast):
    plan, _ = signed_first
    order = order_for_plan_approval(plan=plan_new_edition(plan=plan))
    group = order_appendix_save(order=order, data={"kind": OrderAppendix.Kind.TEXT, "text": "Состав рабочей группы"})
    numbers = list(order.appendices.order_by("position").values_list("kind", "number"))
    assert numbers == [("plan", 1), ("text", 2)] and group.number == 2
    assert order.points.get(number=1).text.endswith("«Дорожная карта 2025» (приложение № 1).")
    # No number to type: a second appendix does not hold the signature up.
    assert not [p for p in order_sign_problems(_ready(order, "12", D(2025, 3, 28))) if "риложени" in p]
    # The first one removed: the one left is «приложение» again, and so is the point's reference.
    order_appendix_delete(appendix=order.appendices.get(kind=OrderAppendix.Kind.PLAN))
    assert list(order.appendices.values_list("number", flat=True)) == [None]
    order_appendix_save(order=order, data={"kind": OrderAppendix.Kind.TEXT, "text": "Список школ"})
    order_appendix_save(order=order, data={"kind": OrderAppendix.Kind.TEXT, "text": "График"})
    assert list(order.appendices.order_by("position").values_list("number", flat=True)) == [1, 2, 3]


def test_a_lone_appendix_the_document_numbered_keeps_its_number_through_signing(signed_first, cast):
    """An imported order printed «Приложение № 1» on its only appendix: signing keeps the document's words."""
    plan, _ = signed_first
    order = order_for_plan_approval(plan=plan_new_edition(plan=plan))
    OrderAppendix.objects.filter(order=order).update(number=1)
    order = order_sign(order=_ready(order, "12", D(2025, 3, 28)), user=cast.chair)
    assert list(order.appendices.values_list("number", flat=True)) == [1]


def test_signing_the_edition_puts_it_in_force_and_the_old_appendix_stays_the_old_plan(signed_first, cast, client):
    plan, first_order = signed_first
    first_hash = first_order.content_sha256
    assert first_hash and order_content_hash(first_order) == first_hash
    old_points = ControlPoint.objects.filter(activity__section__plan=plan)
    assert old_points.count() == 4  # two rows × two schools

    edition = plan_new_edition(plan=plan)
    rows = {a.number: a for a in Activity.objects.filter(section__plan=edition)}
    activity_delete(activity=rows["1.2"])
    added, _ = activity_create(
        section=rows["1.1"].section,
        data={"content": "Региональная диагностика функциональной грамотности", "deadline_text": "Октябрь 2025 г",
              "executors_text": "Руководители ШНОР", "scope": Activity.Scope.ALL_SCHOOLS},
    )
    ActivityExecutor.objects.filter(activity=added).delete()
    ActivityExecutor.objects.create(activity=added, position=1, level="school", kind="role", name="Руководители ШНОР")
    comparison = compare_editions(edition=edition, today=D(2025, 2, 1))
    assert (comparison.points.created, comparison.points.cancelled, comparison.points.kept) == (2, 2, 2)

    order = _ready(order_for_plan_approval(plan=edition), "12", D(2025, 3, 28))
    client.force_login(cast.chair)
    response = client.post(reverse("reports:order_sign", args=[order.pk]), {"version": order.version}, follow=True)
    assert "Документ подписан" in response.content.decode()
    order.refresh_from_db()
    plan.refresh_from_db()
    edition.refresh_from_db()
    first_order.refresh_from_db()
    assert order.status == Order.Status.SIGNED
    assert (plan.status, edition.status, edition.approved_by) == (Plan.Status.SUPERSEDED, Plan.Status.APPROVED, order)
    assert first_order.superseded_by == order
    # Points as the comparison said: the kept row's two carried over, the removed row's two gone.
    assert ControlPoint.objects.filter(activity__section__plan=edition, activity__number="1.1").count() == 2
    assert not ControlPoint.objects.filter(activity__section__plan=plan).exists()
    assert ControlPoint.objects.filter(activity=added).count() == 2

    # The signed order № 87 still approves the plan as it was: same appendix row, same content.
    appendix = first_order.appendices.get()
    assert appendix.plan_id == plan.pk
    assert order_content_hash(first_order) == first_hash
    client.force_login(cast.coordinator)
    old_page = client.get(reverse("roadmaps:plan_detail", args=[appendix.plan_id])).content.decode()
    assert "Пробный экзамен по математике в 9-х классах" in old_page and "Региональная диагностика" not in old_page
    verify = client.get(reverse("reports:order_verify", args=[first_order.pk]))
    assert verify.context["content_matches"]
