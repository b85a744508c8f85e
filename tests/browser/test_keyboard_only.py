"""The coordinator adds a plan row with the keyboard alone, and focus follows the htmx swaps."""

import pytest

from roadmaps.models import Plan
from schnor_portal.demo.loader import load_demo

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
    plan = Plan.objects.get(municipality__name="Углегорский муниципальный округ")
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
