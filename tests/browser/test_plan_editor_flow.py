"""The coordinator adds an activity in place, changes its deadline and sees its control points."""

import pytest

from roadmaps.models import Plan
from schnor_portal.demo.loader import load_demo


@pytest.fixture
def demo(transactional_db):
    load_demo()


def login(page, live_server, username):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")


def test_it_adds_an_activity_changes_its_deadline_and_shows_its_points(demo, live_server, page, screenshot):
    plan = Plan.objects.get(municipality__name="Углегорский муниципальный округ")
    login(page, live_server, "coordinator_ugl")
    page.goto(f"{live_server.url}/plans/{plan.pk}/")

    page.get_by_role("button", name="+ Добавить мероприятие в раздел 1", exact=True).first.click()
    form = page.locator("form[hx-post]")
    form.locator("[name=number]").fill("1.15")
    form.locator("[name=content]").fill("Пробное ОГЭ по математике в 9-х классах")
    form.locator("[name=deadline_text]").fill("Апрель 2025 г")
    form.locator("[name=executors_text]").fill("Руководители ШНОР, кураторы")
    form.locator("[name=expected_result]").fill("Не менее 90 % обучающихся 9-х классов написали пробное ОГЭ")
    page.get_by_text("Портал понимает").wait_for()
    assert "01.04.2025–30.04.2025" in form.inner_text()
    form.get_by_role("button", name="Сохранить").click()
    page.locator("form[hx-post]").wait_for(state="detached")
    row = page.locator("tr", has_text="Пробное ОГЭ по математике")
    screenshot(page, "editor_activity_added")

    # No ORM calls between browser steps: the live server shares the SQLite database.
    points_url = live_server.url + row.get_by_role("link", name="КТ — контрольные точки мероприятия 1.15").get_attribute("href")
    page.goto(points_url)
    assert page.locator("table tbody tr").count() == 5  # four ШНОР and the municipality
    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    row = page.locator("tr", has_text="Пробное ОГЭ по математике")
    screenshot(page, "editor_before_change")

    row.get_by_role("button", name="Изменить мероприятие 1.15").click()
    edit = page.locator("form[hx-post]")
    edit.locator("[name=deadline_text]").fill("Ежеквартально")
    edit.get_by_role("button", name="Сохранить").click()
    # Wait for the row that replaces the form (the form itself also mentions «Ежеквартально»).
    page.locator("form[hx-post]").wait_for(state="detached")
    assert page.locator("tr", has_text="Пробное ОГЭ").locator("td").nth(2).inner_text() == "Ежеквартально"

    page.goto(points_url)
    screenshot(page, "editor_activity_points")
    assert page.get_by_text("4 срок").is_visible()
    rows = page.locator("table tbody tr")
    assert rows.count() == 20  # four quarters × (four schools + the municipality)
    assert page.get_by_text("31.03.2025").first.is_visible()
    screenshot(page, "editor_activity_points")

