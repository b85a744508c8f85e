"""axe-core over the pages with their forms OPEN: what htmx swaps in («Заполнить отчёт» on «Моя
школа», «+ Добавить мероприятие» and ✎ on a draft plan's page), the same forms showing their errors,
and the full-page forms (a new order, the results import). No serious or critical WCAG 2.1 A/AA
violation (ГОСТ Р 52872-2019), as test_accessibility.py asks of the pages as they load."""

import pytest

from roadmaps.models import Plan

from .demo_points import a_point_to_report_heads_my_school
from .test_accessibility import violations
from .test_plan_editor_flow import login
from schnor_portal.demo.loader import load_demo


@pytest.fixture
def demo(transactional_db):
    load_demo()


def _check(found, where, page):
    found[where] = violations(page)


def _failures(found):
    failures = {where: items for where, items in found.items() if items}
    return "\n".join(f"{where}: {v}" for where, items in failures.items() for v in items)


def test_the_report_form_open_and_with_its_errors(demo, live_server, page):
    found = {}
    a_point_to_report_heads_my_school()
    login(page, live_server, "director")
    page.goto(live_server.url + "/execution/my-school/")
    page.locator("[data-testid=open-report]", has_text="Заполнить отчёт").first.click()
    form = page.locator("[data-testid=report-form]")
    form.wait_for()
    _check(found, "«Заполнить отчёт» открыт", page)

    form.locator("[data-testid=submit-report]").click()
    page.locator("[data-testid=report-form] .is-invalid").first.wait_for()
    _check(found, "«Отправить на проверку» без отчёта", page)
    # The error is at the field and the field takes focus; the live region repeats the message.
    assert page.evaluate("() => document.activeElement.getAttribute('aria-invalid')") == "true"
    page.wait_for_function("() => (document.getElementById('live-region') || {}).textContent?.includes('Опишите, что сделано')")
    assert not _failures(found), _failures(found)


def test_the_plan_editor_forms_open(demo, live_server, page):
    plans = Plan.objects.filter(municipality__name="Углегорский муниципальный округ").order_by("pk")
    # Only a draft is edited in place (a plan in force changes through a draft edition): the demo's
    # draft edition if it has one, else its plan made a draft.
    plan = plans.filter(status=Plan.Status.DRAFT).first()
    if plan is None:
        plan = plans.first()
        Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.DRAFT)
    found = {}
    login(page, live_server, "coordinator_ugl")
    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    page.locator("button", has_text="+ Добавить мероприятие").first.click()
    page.locator("form[hx-post]").first.wait_for()
    _check(found, "«+ Добавить мероприятие» открыт", page)

    page.locator("form[hx-post] button[type=submit]").first.click()
    page.locator("form[hx-post] .is-invalid").first.wait_for()
    _check(found, "«+ Добавить мероприятие» с ошибками", page)

    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    page.locator("button", has_text="✎").first.click()
    page.locator("form[hx-post]").first.wait_for()
    _check(found, "✎ открыт", page)
    assert not _failures(found), _failures(found)


def test_the_full_page_forms(demo, live_server, page):
    found = {}
    login(page, live_server, "coordinator")
    for path, label in (("/orders/add/", "новый приказ"), ("/results/import/", "загрузка результатов"),
                        ("/orders/import/", "загрузка приказа")):
        page.goto(live_server.url + path)
        page.locator("main form").first.wait_for()
        _check(found, label, page)
    # The order form sent empty: its errors, too.
    page.goto(live_server.url + "/orders/add/")
    page.locator("main form [type=submit]").last.click()
    page.wait_for_load_state()
    _check(found, "новый приказ с ошибками", page)
    assert not _failures(found), _failures(found)
