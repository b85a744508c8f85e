"""A report goes round: the director sends it with a file, the curator returns it with a comment,
the director fixes it, the curator accepts, the coordinator sees the point done."""

import pytest

from monitoring.models import ControlPoint
from schnor_portal.demo.loader import load_demo
from schools.models import School

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def point(transactional_db):
    load_demo()
    school = School.objects.get(short_name="МБОУ СОШ № 1 с. Новосысоевка")
    # Read everything the test needs before the browser starts: the live server shares the database.
    cp = (
        # The demo lives (schnor_portal/demo/lived.py): the first point nobody has reported on yet.
        ControlPoint.objects.filter(school=school, activity__target_value__isnull=True, status=ControlPoint.Status.PLANNED)
        .select_related("activity")
        .order_by("due_date")
        .first()
    )
    return cp.pk, cp.activity.content


def login(browser, live_server, username):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    return page


def test_it_takes_a_report_from_the_school_to_done(point, live_server, browser, screenshot, tmp_path):
    pk, content = point
    url = f"{live_server.url}/execution/points/{pk}/"
    evidence = tmp_path / "Протокол педсовета.pdf"
    evidence.write_bytes(PDF)

    director = login(browser, live_server, "director_yak")
    director.goto(url)
    form = director.get_by_test_id("report-form")
    form.locator("[name=report_text]").fill("Проведён педсовет, протокол № 3.")
    form.locator("input[type=file]").set_input_files(str(evidence))
    form.get_by_test_id("submit-report").click()
    director.wait_for_load_state()
    assert director.get_by_text("на проверке").first.is_visible()
    screenshot(director, "execution_director_submitted")

    curator = login(browser, live_server, "curator_yak")
    curator.goto(url)
    review = curator.get_by_test_id("review-form")
    review.locator("[name=comment]").fill("Приложите также лист регистрации участников.")
    review.get_by_role("button", name="Вернуть на доработку").click()
    curator.wait_for_load_state()
    assert curator.get_by_text("на доработке").first.is_visible()

    director.goto(url)
    assert director.get_by_text("Приложите также лист регистрации участников.").first.is_visible()
    form = director.get_by_test_id("report-form")
    form.locator("[name=report_text]").fill("Проведён педсовет, протокол № 3; лист регистрации приложен.")
    form.get_by_test_id("submit-report").click()
    director.wait_for_load_state()

    curator.goto(url)
    curator.get_by_test_id("review-form").get_by_role("button", name="Принять").click()
    curator.wait_for_load_state()
    assert curator.get_by_text("выполнено").first.is_visible()
    screenshot(curator, "execution_curator_accepted")

    coordinator = login(browser, live_server, "coordinator_yak")
    coordinator.goto(f"{live_server.url}/execution/register/?status=done")
    assert coordinator.get_by_text(content[:40]).first.is_visible()
    coordinator.goto(f"{live_server.url}/execution/")
    screenshot(coordinator, "execution_dashboard_done")
    for page in (director, curator, coordinator):
        page.context.close()
