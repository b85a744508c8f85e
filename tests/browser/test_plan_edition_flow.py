"""A plan in force changes only through a draft edition approved by the chair's order.

The coordinator opens the Omsk plan in force, «Внести изменения», adds a row and deletes one in the
draft, reads the comparison and drafts the approval order; the chair signs it. The new edition is
in force, the old order's appendix still shows the old edition, and control points were created
and cancelled as the comparison said.
"""

import re
from datetime import date

import pytest

from monitoring.models import ControlPoint
from reports.models import Order
from roadmaps.models import Activity, Plan
from schnor_portal.demo.loader import load_demo

NEW_ROW = "Муниципальная олимпиада по функциональной грамотности для обучающихся 8-х классов"


@pytest.fixture
def demo(transactional_db):
    load_demo()


def login(browser, live_server, username):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # data-confirm / hx-confirm
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    return page


def _number(page, test_id) -> int:
    return int(page.get_by_test_id(test_id).inner_text())


def test_a_plan_in_force_changes_through_a_signed_edition(demo, live_server, browser, screenshot):
    # What the test needs to know before the browser starts (no ORM calls between browser steps:
    # the live server shares the database).
    plan = Plan.objects.filter(municipality__name__startswith="Русско-Полянский", status=Plan.Status.APPROVED).order_by("pk").first()
    old_order = plan.approved_by
    assert old_order is not None and old_order.is_signed
    rows = list(Activity.objects.filter(section__plan=plan).select_related("section").order_by("section__position", "position"))
    numbers = [a.number for a in rows]
    doomed = next(a for a in rows if a.number and numbers.count(a.number) == 1 and ControlPoint.objects.filter(activity=a).exists())
    points_before = ControlPoint.objects.count()
    year = max(plan.period_end.year, date.today().year)

    coordinator = login(browser, live_server, "coordinator")
    coordinator.goto(f"{live_server.url}/plans/{plan.pk}/")
    # A plan in force shows no edit controls.
    assert coordinator.get_by_role("link", name="Изменить план", exact=True).count() == 0
    assert coordinator.get_by_role("button", name=re.compile(r"^\+ Добавить мероприятие")).count() == 0
    coordinator.get_by_role("link", name="Внести изменения").click()
    coordinator.get_by_label("Сдвинуть период и годы в сроках на N лет").fill("0")
    coordinator.get_by_role("button", name="Создать черновик новой редакции").click()
    coordinator.get_by_text("Создан черновик новой редакции").wait_for()
    draft_url = coordinator.url
    assert coordinator.get_by_text("черновик", exact=True).first.is_visible()

    # A row added to the first section: numbered at once with the section's prefix.
    coordinator.get_by_role("button", name=re.compile(r"^\+ Добавить мероприятие в раздел")).first.click()
    form = coordinator.locator("form[hx-post]")
    form.locator("[name=content]").fill(NEW_ROW)
    form.locator("[name=deadline_text]").fill(f"Декабрь {year} г")
    if form.locator("[name=executors_text]").count():
        form.locator("[name=executors_text]").fill("Руководители ШНОР")
    form.get_by_role("button", name="Сохранить").click()
    coordinator.locator("form[hx-post]").wait_for(state="detached")
    added = coordinator.locator("tr", has_text=NEW_ROW)
    assert added.locator("td").first.inner_text().strip() != ""

    # A row deleted.
    delete = coordinator.get_by_role("button", name=f"Удалить мероприятие {doomed.number}", exact=True)
    delete.click()
    delete.wait_for(state="detached")
    screenshot(coordinator, "edition_draft_edited")

    # The comparison: one row added, one removed, and the effect on control points.
    coordinator.get_by_role("link", name="Сравнить с действующей редакцией").click()
    assert NEW_ROW in coordinator.get_by_test_id("rows-added").inner_text()
    assert doomed.content[:60] in coordinator.get_by_test_id("rows-removed").inner_text()
    created = _number(coordinator, "points-created")
    cancelled = _number(coordinator, "points-cancelled")
    flagged = _number(coordinator, "points-flagged")
    assert created > 0 and cancelled + flagged > 0
    screenshot(coordinator, "edition_comparison")

    coordinator.get_by_role("button", name="Приказ об утверждении").click()
    coordinator.get_by_text("Проект приказа об утверждении готов").wait_for()
    order_url = coordinator.url
    assert "Об утверждении в новой редакции" in coordinator.content()
    assert f"№ {old_order.number}" in coordinator.content()  # «признать утратившим силу приказ от … № …»
    coordinator.get_by_role("link", name="Изменить реквизиты").click()
    coordinator.fill("#id_number", "77-э")
    coordinator.fill("#id_date", date.today().strftime("%d.%m.%Y"))
    coordinator.get_by_role("button", name="Сохранить").click()
    coordinator.wait_for_url(order_url)
    assert coordinator.locator("#sign-problems").count() == 0
    coordinator.context.close()

    chair = login(browser, live_server, "chair")
    chair.goto(order_url)
    chair.get_by_role("button", name="Подписать").click()
    chair.get_by_text("Документ подписан").wait_for(timeout=60_000)
    screenshot(chair, "edition_order_signed")
    # The old order's appendix opens the old edition, as it was signed.
    chair.goto(f"{live_server.url}/orders/{old_order.pk}/")
    chair.locator("#appendices").get_by_role("link", name=re.compile(re.escape(plan.title[:30]))).first.click()
    chair.wait_for_url(re.compile(rf"/plans/{plan.pk}/$"))
    assert chair.get_by_text("утратил силу", exact=True).first.is_visible()
    assert chair.locator("tr", has_text=doomed.content[:60]).count() >= 1
    assert chair.locator("tr", has_text=NEW_ROW).count() == 0
    chair.context.close()

    plan.refresh_from_db()
    edition = Plan.objects.get(replaces=plan)
    order = Order.objects.get(appendices__plan=edition)
    assert order.status == Order.Status.SIGNED and draft_url.endswith(f"/plans/{edition.pk}/")
    assert (plan.status, edition.status, edition.approved_by) == (Plan.Status.SUPERSEDED, Plan.Status.APPROVED, order)
    assert old_order.appendices.get().plan_id == plan.pk
    assert ControlPoint.objects.count() - points_before == created - cancelled
    new_row = Activity.objects.get(section__plan=edition, content=NEW_ROW)
    # Numbered at once: its section's prefix and the next number.
    assert re.fullmatch(r"(\d+\.)*\d+", new_row.number) and ControlPoint.objects.filter(activity=new_row).exists()
    # What stays with the old edition are only points a school worked on, each waiting for a decision.
    assert not ControlPoint.objects.filter(activity__section__plan=plan, needs_decision=False, status="planned", report_text="").exists()
