"""Bulk cancel in the register with the keyboard alone: «выбрать все на странице», the action and its
reason, the confirmation that names the count, «Подтвердить»; axe finds nothing serious on either page."""

import pytest
from django.urls import reverse

from monitoring.models import ControlPoint
from schnor_portal.demo.loader import load_demo

from .test_accessibility import violations

FILTER = "?status=planned&sort=school"


@pytest.fixture
def demo(transactional_db):
    load_demo()


def test_the_coordinator_cancels_a_page_of_points_with_the_keyboard(demo, live_server, page, screenshot):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "coordinator")
    page.fill("#id_password", "demo")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")

    page.goto(live_server.url + reverse("monitoring:register") + FILTER)
    assert violations(page) == []
    rows = page.locator("[data-testid=register-row]")
    pks = [int(rows.nth(i).get_attribute("data-pk")) for i in range(rows.count())]
    assert pks

    # The script ticks every row; unticking one unticks «все» again (else the whole page would go).
    page.get_by_label("Выбрать все точки на странице").focus()
    page.keyboard.press("Space")
    assert page.locator("input[name=cp]:checked").count() == len(pks)
    first_box = page.locator(f"#bulk-cp-{pks[0]}")
    first_box.focus()
    page.keyboard.press("Space")
    assert not page.get_by_label("Выбрать все точки на странице").is_checked()
    assert page.locator("input[name=cp]:checked").count() == len(pks) - 1
    screenshot(page, "bulk_register")

    page.locator("#bulk-action").select_option("cancel")
    page.get_by_label("Причина (для отмены)", exact=True).focus()
    page.keyboard.type("Мероприятие исключено из плана")
    page.keyboard.press("Enter")  # submits the bulk form: the confirmation, nothing written yet
    question = page.locator("[data-testid=bulk-question]")
    question.wait_for()
    expected = len(pks) - 1
    assert f"Отменить {expected} " in question.inner_text()
    assert "Причина: Мероприятие исключено из плана" in question.inner_text()
    assert not ControlPoint.objects.filter(pk__in=pks, status=ControlPoint.Status.CANCELLED).exists()
    assert violations(page) == []
    screenshot(page, "bulk_confirm")

    page.locator("[data-testid=bulk-submit]").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/register/" in url and "bulk" not in url)
    assert "Отменено:" in page.locator(".alert").first.inner_text()
    cancelled = set(ControlPoint.objects.filter(pk__in=pks, status=ControlPoint.Status.CANCELLED).values_list("pk", flat=True))
    assert cancelled == set(pks[1:])
