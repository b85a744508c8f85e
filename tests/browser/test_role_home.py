"""Each demo role logs in through the real login page and sees its own home page."""

import pytest

from schnor_portal.demo.loader import load_demo

HOMES = [
    ("coordinator", "Русско-Полянский муниципальный район", "Планы муниципалитета"),
    ("chair", "Русско-Полянский муниципальный район", "Планы муниципалитета"),
    ("curator", "Русско-Полянский муниципальный район", "Мои школы"),
    ("director", "БОУ «Калининская СОШ»", "Контрольные точки школы"),
    ("coordinator_ugl", "Углегорский муниципальный округ", "Планы муниципалитета"),
    ("director_yak", "МБОУ СОШ № 1 с. Новосысоевка", "Контрольные точки школы"),
]


@pytest.fixture
def demo(transactional_db):
    load_demo()


@pytest.mark.parametrize(("username", "heading", "section"), HOMES)
def test_it_logs_each_role_in_to_its_home_page(demo, live_server, page, screenshot, username, heading, section):
    page.goto(live_server.url + "/")
    assert page.locator("h2", has_text="Вход").is_visible()
    page.fill("#id_username", username)
    page.fill("#id_password", "demo")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    assert page.locator("h1", has_text=heading).is_visible()
    assert page.locator("h2.h5", has_text=section).is_visible()
    screenshot(page, f"home_{username}")


def test_it_refuses_a_wrong_password_next_to_the_form(demo, live_server, page, screenshot):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "coordinator")
    page.fill("#id_password", "неверный")
    page.click("button[type=submit]")
    assert page.get_by_text("Неверное имя пользователя или пароль").is_visible()
    screenshot(page, "login_error")


def test_it_fits_a_phone_screen(demo, live_server, browser, screenshot):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU")
    phone = context.new_page()
    phone.goto(live_server.url + "/accounts/login/")
    phone.fill("#id_username", "director")
    phone.fill("#id_password", "demo")
    phone.click("button[type=submit]")
    phone.wait_for_url(live_server.url + "/")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"страница шире экрана телефона: {width}px"
    screenshot(phone, "home_director_phone")
    context.close()
