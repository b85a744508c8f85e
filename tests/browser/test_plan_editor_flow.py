"""The coordinator adds an activity in place in a draft edition, changes its deadline, and sees its
control points once the edition is in force."""

import pytest

from roadmaps.deadlines import parse_deadline
from roadmaps.models import Activity, Plan
from roadmaps.services import plan_approve, plan_new_edition
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
    # Rows are edited in a draft: the plan in force changes only by a new edition.
    plan = plan_new_edition(plan=Plan.objects.get(municipality__name="Углегорский муниципальный округ", status=Plan.Status.APPROVED))
    year = plan.period_start.year
    quarters = parse_deadline("Ежеквартально", plan.period_start, plan.period_end).windows
    login(page, live_server, "coordinator_ugl")
    page.goto(f"{live_server.url}/plans/{plan.pk}/")

    page.get_by_role("button", name="+ Добавить мероприятие в раздел 1", exact=True).first.click()
    form = page.locator("form[hx-post]")
    form.locator("[name=number]").fill("1.15")
    form.locator("[name=content]").fill("Пробное ОГЭ по математике в 9-х классах")
    form.locator("[name=deadline_text]").fill(f"Апрель {year} г")
    form.locator("[name=executors_text]").fill("Руководители ШНОР, кураторы")
    form.locator("[name=expected_result]").fill("Не менее 90 % обучающихся 9-х классов написали пробное ОГЭ")
    page.get_by_text("Портал понимает").wait_for()
    assert f"01.04.{year}–30.04.{year}" in form.inner_text()
    form.get_by_role("button", name="Сохранить").click()
    page.locator("form[hx-post]").wait_for(state="detached")
    row = page.locator("tr", has_text="Пробное ОГЭ по математике")
    screenshot(page, "editor_activity_added")

    # A draft is not tracked: no control points until the edition is in force.
    points_url = live_server.url + row.get_by_role("link", name="КТ — контрольные точки мероприятия 1.15").get_attribute("href")
    page.goto(points_url)
    assert page.get_by_text("План ещё не утверждён: контрольные точки появятся после утверждения.").is_visible()
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

    # What the chair's signature of the approval order does (the whole order flow:
    # tests/browser/test_plan_edition_flow.py).
    plan_approve(plan=plan)
    page.goto(points_url)
    screenshot(page, "editor_activity_points")
    rows = page.locator("table tbody tr")
    assert rows.count() == len(quarters) * 5  # every quarter × (four schools + the municipality)
    assert page.get_by_text(quarters[0][1].strftime("%d.%m.%Y")).first.is_visible()
    assert Activity.objects.get(section__plan=plan, number="1.15").control_points.count() == len(quarters) * 5
