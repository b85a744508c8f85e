"""The coordinator adds a plan row with the keyboard alone, and focus follows the htmx swaps."""

import pytest

from roadmaps.models import Plan
from roadmaps.services import plan_new_edition
from schnor_portal.demo.loader import load_demo

from .demo_points import a_point_to_report_heads_my_school
from .test_plan_editor_flow import login

ACTIVE = "() => { const e = document.activeElement; return [e.tagName, e.name || '', (e.innerText || e.value || '').trim(), !!e.closest('form[hx-post]')]; }"


@pytest.fixture
def demo(transactional_db):
    load_demo()


def tab_to(page, wanted, limit=400):
    """Press Tab until `wanted(tag, name, text, in_form)` holds for the focused element."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if wanted(*page.evaluate(ACTIVE)):
            return
    raise AssertionError(f"not reached with {limit} Tabs; focus on {page.evaluate(ACTIVE)}")


def test_a_plan_row_is_added_with_the_keyboard_alone(demo, live_server, page):
    # Rows are added to a draft: the plan in force changes only by a new edition.
    plan = plan_new_edition(plan=Plan.objects.get(municipality__name="Углегорский муниципальный округ", status=Plan.Status.APPROVED))
    login(page, live_server, "coordinator_ugl")
    page.goto(f"{live_server.url}/plans/{plan.pk}/")

    # The skip link is the first stop and leads past the menu into the page.
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE)[2] == "Перейти к содержанию"
    page.keyboard.press("Enter")
    tab_to(page, lambda tag, name, text, in_form: tag == "BUTTON" and text.startswith("+ Добавить мероприятие"))
    page.keyboard.press("Enter")

    # The form opened by htmx takes focus on its first field.
    page.locator("form[hx-post]").wait_for()
    page.wait_for_function("() => document.activeElement.closest('form[hx-post]') !== null")
    tag, name, _, _ = page.evaluate(ACTIVE)
    assert tag in ("INPUT", "TEXTAREA") and name == "number"
    values = {
        "number": "1.15",
        "content": "Пробное ОГЭ по математике в 9-х классах",
        "deadline_text": "Апрель 2025 г",
        "executors_text": "Руководители ШНОР, кураторы",
    }
    page.keyboard.type(values["number"])
    for field in ("content", "deadline_text", "executors_text"):
        tab_to(page, lambda tag, name, text, in_form, field=field: name == field, limit=30)
        page.keyboard.type(values[field])
    tab_to(page, lambda tag, name, text, in_form: tag == "BUTTON" and text == "Сохранить" and in_form, limit=60)
    page.keyboard.press("Enter")

    page.locator("form[hx-post]").wait_for(state="detached")
    assert page.locator("tr", has_text="Пробное ОГЭ по математике").count() == 1
    # Focus stays in the table, on the saved row, not on the page's <body>.
    page.wait_for_function("() => document.activeElement !== document.body")
    assert page.evaluate("() => document.activeElement.closest('tr') !== null")


def test_the_director_reports_on_a_control_point_with_the_keyboard_alone(demo, live_server, page):
    a_point_to_report_heads_my_school()
    # Logging in, too, is typed: Tab to a field, type, Enter.
    page.goto(live_server.url + "/accounts/login/")
    tab_to(page, lambda tag, name, text, in_form: name == "username", limit=30)
    page.keyboard.type("director")
    tab_to(page, lambda tag, name, text, in_form: name == "password", limit=5)
    page.keyboard.type("demo")
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/")
    page.goto(live_server.url + "/execution/my-school/")

    tab_to(page, lambda tag, name, text, in_form: tag == "BUTTON" and text == "Заполнить отчёт")
    card_id = page.evaluate("() => document.activeElement.closest('[data-testid=cp-card]').id")
    page.keyboard.press("Enter")
    form = page.locator(f"#{card_id} [data-testid=report-form]")
    form.wait_for()
    # The form opened by htmx takes focus on its first field.
    page.wait_for_function("() => document.activeElement.closest('[data-testid=report-form]') !== null")

    # Sent empty: nothing is saved, focus goes to the first invalid field, which says so.
    tab_to(page, lambda tag, name, text, in_form: tag == "BUTTON" and text == "Отправить на проверку", limit=40)
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.getAttribute('aria-invalid') === 'true'")
    assert page.locator(f"#{card_id}").get_attribute("data-status") in ("planned", "in_progress", "rework")
    values = {"report_text": "Проведён педсовет по итогам пробного ОГЭ, 24 участника", "achieved_value": "1"}
    for field in [n for n in ("achieved_value", "report_text") if form.locator(f"[name={n}][aria-invalid=true]").count()]:
        if page.evaluate(ACTIVE)[1] != field:  # the first invalid field already has focus
            tab_to(page, lambda tag, name, text, in_form, field=field: name == field, limit=40)
        page.keyboard.type(values[field])
    tab_to(page, lambda tag, name, text, in_form: tag == "BUTTON" and text == "Отправить на проверку", limit=40)
    page.keyboard.press("Enter")

    card = page.locator(f"#{card_id}[data-status=submitted]")
    card.wait_for()
    assert "на проверке" in card.inner_text()
    assert "Отчёт отправлен куратору на проверку" in card.inner_text()
    # Focus is back in the card, not lost on <body>.
    page.wait_for_function("() => document.activeElement !== document.body")


def test_the_director_opens_a_folded_group_with_the_keyboard_and_keeps_their_place(demo, live_server, page):
    login(page, live_server, "director")
    page.goto(live_server.url + "/execution/my-school/")
    done = page.get_by_test_id("group-done")
    assert done.locator("[data-testid=cp-card]").count() == 0

    tab_to(page, lambda tag, name, text, in_form: tag == "SUMMARY" and text.startswith("Выполнено"))
    page.keyboard.press("Enter")
    # The cards come by htmx; focus stays on the group's heading, the next Tab goes into its first card.
    done.locator("[data-testid=cp-card]").first.wait_for()
    assert page.evaluate(ACTIVE)[0] == "SUMMARY"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('[data-testid=group-done] [data-testid=cp-card]') !== null")
