"""Issue 17, «Done when»: a municipality starts from an empty database with one command and the pages.

The command makes the region administrator and prints a one-time link; everything after it is done
in the browser: the municipality and its coordinator, the coordinator's requisites, school register,
people and accounts, the imported plan and its approval order, the chair's signature, and the
director who sees their school's control points. Every invitation is read from the letter the
portal sent (the locmem outbox; letters go on commit, which `transactional_db` lets happen).
"""

import io
import re
from datetime import date

import openpyxl
import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from tests.roadmaps.docx_builders import P, Span, T, build_docx

PASSWORD = "Onboard-Str0ng-Pass-2026"
REGION = "Омская область"
ADMIN_EMAIL = "admin@obr.example.ru"
COORDINATOR_EMAIL = "coordinator@rpol.example.ru"
CHAIR_EMAIL = "chair@rpol.example.ru"
CURATOR_EMAIL = "curator@rpol.example.ru"
DIRECTOR_EMAIL = "director.kalinino@rpol.example.ru"
MUNICIPALITY = "Русско-Полянский муниципальный район"
AUTHORITY = "Комитет по образованию Администрации Русско-Полянского муниципального района Омской области"
SCHOOLS = [
    # (short name, full name, kind, settlement, director, school e-mail, pupils)
    ("БОУ «Калининская СОШ»", "Бюджетное общеобразовательное учреждение «Калининская средняя общеобразовательная школа»",
     "СОШ", "с. Калинино", "Иванова Анна Петровна", "kalinino@rpol.example.ru", 80),
    ("БОУ «Цветочинская СОШ»", "Бюджетное общеобразовательное учреждение «Цветочинская средняя общеобразовательная школа»",
     "СОШ", "с. Цветочное", "Петров Сергей Николаевич", "cvetochnoe@rpol.example.ru", 112),
    ("БОУ «Хлебодаровская ООШ»", "Бюджетное общеобразовательное учреждение «Хлебодаровская основная общеобразовательная школа»",
     "ООШ", "с. Хлебодаровка", "Сидорова Мария Ивановна", "hlebodarovka@rpol.example.ru", 45),
]
PLAN_SCHOOLS = SCHOOLS[:2]  # the third school is in the register but not in the plan
PLAN_YEAR = date.today().year + 1  # every deadline still ahead: the points wait, none overdue


@pytest.fixture
def admin_link(transactional_db):
    """The one command of the README: the region's administrator and the link it prints."""
    out = io.StringIO()
    call_command("create_region_admin", region=REGION, email=ADMIN_EMAIL, stdout=out)
    printed = out.getvalue()
    assert f"Регион «{REGION}» создан." in printed
    links = re.findall(r"https?://\S+", printed)
    assert len(links) == 1, printed
    return links[0]


def local(link, live_server):
    """The letters' links are built from PORTAL_BASE_URL; the test's server listens elsewhere."""
    assert link.startswith(settings.PORTAL_BASE_URL + "/accounts/password/set/"), link
    return live_server.url + link[len(settings.PORTAL_BASE_URL):]


def letter_to(address):
    letters = [m for m in mail.outbox if address in m.to]
    assert len(letters) == 1, [(m.to, m.subject) for m in mail.outbox]
    return letters[0]


def invitation_link(address):
    links = re.findall(r"https?://\S+/accounts/password/set/\S+", letter_to(address).body)
    assert len(links) == 1
    return links[0]


def wait_for_letter(page, address):
    """Letters leave after COMMIT, in the live server's thread, just before the redirect's page."""
    for _ in range(50):
        if any(address in m.to for m in mail.outbox):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"no letter to {address}: {[(m.to, m.subject) for m in mail.outbox]}")


def set_password_and_log_in(browser, live_server, link, username):
    """Open the one-time link in a browser of one's own, set the password, sign in."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # data-confirm buttons ask first
    page.goto(local(link, live_server))
    assert page.get_by_role("heading", name="Задайте пароль").is_visible()
    assert page.get_by_text(f"Имя для входа: {username}").is_visible()
    page.fill("#id_new_password1", PASSWORD)
    page.fill("#id_new_password2", PASSWORD)
    page.get_by_role("button", name="Сохранить пароль").click()
    page.get_by_role("heading", name="Пароль сохранён").wait_for()
    page.get_by_role("link", name="Войти").click()
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    # The link works once: a second visit says so.
    other = context.new_page()
    other.goto(local(link, live_server))
    assert other.get_by_role("heading", name="Ссылка недействительна").is_visible()
    other.close()
    return page


def menu(page, top, item=None):
    nav = page.locator("nav")
    if item is None:
        nav.get_by_role("link", name=top, exact=True).click()
        return
    nav.get_by_role("button", name=top, exact=True).or_(nav.get_by_role("link", name=top, exact=True)).first.click()
    nav.get_by_role("link", name=item, exact=True).click()


def fill_register_template(template, path):
    """The coordinator's way: the downloaded template (an example row under its header) filled in."""
    workbook = openpyxl.load_workbook(template)
    sheet = workbook.worksheets[0]
    header = next(row for row in sheet.iter_rows(max_row=10) if any(cell.value == "Полное наименование" for cell in row))
    columns = {cell.value: cell.column for cell in header if cell.value}
    assert {"Краткое наименование", "Вид", "Населённый пункт", "ФИО директора", "E-mail", "Число обучающихся"} <= set(columns)
    top = header[0].row
    assert sheet.max_row > top, "the template of an empty register shows an example row"
    sheet.delete_rows(top + 1, sheet.max_row - top)
    for number, (short, full, kind, settlement, director, email, pupils) in enumerate(SCHOOLS, start=1):
        values = {
            "№": number, "Полное наименование": full, "Краткое наименование": short, "Вид": kind,
            "Населённый пункт": settlement, "Городская/сельская": "сельская", "ФИО директора": director,
            "E-mail": email, "Число обучающихся": pupils,
        }
        for title, value in values.items():
            sheet.cell(top + number, columns[title], value)
    workbook.save(path)


def plan_docx(path):
    path.write_bytes(build_docx([
        P(f"Дорожная карта по сопровождению школ с низкими образовательными результатами на {PLAN_YEAR} год", bold=True),
        T(["№", "Мероприятия", "Сроки", "Ответственные", "Результат"], [
            Span("1. Методическая поддержка школ"),
            ["1.1", "Анализ результатов ВПР и ОГЭ в школе", f"Март {PLAN_YEAR} г", "Руководители ОО", "Аналитическая справка"],
            ["1.2", "Педагогический совет по итогам полугодия", f"Октябрь {PLAN_YEAR} г", "Руководители ОО", "Протокол педсовета"],
        ]),
    ]))


def test_a_municipality_starts_from_an_empty_database(admin_link, live_server, browser, screenshot, tmp_path):
    # --- 1. The region administrator: the municipality and its first coordinator -------------
    admin = set_password_and_log_in(browser, live_server, admin_link, ADMIN_EMAIL)
    menu(admin, "Муниципалитеты")
    assert admin.get_by_role("heading", name=f"Муниципалитеты: {REGION}").is_visible()
    admin.get_by_role("link", name="Подключить муниципалитет").click()
    admin.fill("#id_name", MUNICIPALITY)
    admin.fill("#id_authority_name", AUTHORITY)
    admin.fill("#id_authority_header", "АДМИНИСТРАЦИЯ РУССКО-ПОЛЯНСКОГО\nМУНИЦИПАЛЬНОГО РАЙОНА\nКОМИТЕТ ПО ОБРАЗОВАНИЮ")
    admin.fill("#id_place", "р.п. Русская Поляна")
    admin.fill("#id_head_position", "Председатель Комитета")
    admin.select_option("#id_time_zone", "Asia/Omsk")
    admin.get_by_role("button", name="Сохранить").click()
    admin.get_by_role("heading", name=MUNICIPALITY).wait_for()
    assert admin.get_by_text("подключён. Создайте учётную запись его координатора").is_visible()

    admin.get_by_role("link", name="Создать учётную запись координатора").click()
    admin.fill("#id_last_name", "Кузнецова")
    admin.fill("#id_first_name", "Ольга")
    admin.fill("#id_middle_name", "Викторовна")
    admin.fill("#id_position", "Главный специалист Комитета")
    admin.fill("#id_email", COORDINATOR_EMAIL)
    admin.get_by_role("button", name="Создать и отправить приглашение").click()
    admin.get_by_text(f"приглашение отправлено на {COORDINATOR_EMAIL}").wait_for()
    assert admin.locator("table", has_text=COORDINATOR_EMAIL).is_visible()
    screenshot(admin, "onboarding_1_region_admin_municipality")
    wait_for_letter(admin, COORDINATOR_EMAIL)
    letter = letter_to(COORDINATOR_EMAIL)
    assert "Роль: Муниципальный координатор." in letter.body
    assert f"({MUNICIPALITY})" in letter.body and f"Имя для входа: {COORDINATOR_EMAIL}" in letter.body
    admin.context.close()

    # --- 2. The coordinator: requisites, school register, people, accounts --------------------
    coordinator = set_password_and_log_in(browser, live_server, invitation_link(COORDINATOR_EMAIL), COORDINATOR_EMAIL)

    menu(coordinator, "Школы")
    coordinator.get_by_test_id("register-import").click()
    assert coordinator.get_by_role("heading", name="Загрузка реестра школ из Excel").is_visible()
    with coordinator.expect_download() as download:
        coordinator.get_by_role("link", name="Скачать шаблон .xlsx").click()
    assert download.value.suggested_filename == f"Реестр школ — {MUNICIPALITY}.xlsx"
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    register = tmp_path / "Реестр школ.xlsx"
    fill_register_template(template, register)
    coordinator.set_input_files("#id_file", str(register))
    coordinator.get_by_role("button", name="Проверить файл").click()
    coordinator.get_by_role("heading", name="Проверка файла реестра школ").wait_for()
    summary = coordinator.get_by_test_id("summary")
    assert "Будет добавлено школ: 3, изменено: 0" in summary.inner_text()
    for short, _, _, _, director, _, _ in SCHOOLS:
        assert director in summary.inner_text()
        assert coordinator.get_by_test_id("preview").locator("tr", has_text=short).is_visible()
    screenshot(coordinator, "onboarding_2_register_preview")
    coordinator.get_by_test_id("confirm").click()
    coordinator.get_by_text("Реестр загружен: добавлено школ — 3, изменено — 0; добавлено людей (директоров): 3.").wait_for()
    for short, *_ in SCHOOLS:
        assert coordinator.get_by_role("link", name=short).first.is_visible()

    # People: the chair and the curator (the directors came with the register).
    people = [
        ("Смирнов", "Игорь", "Алексеевич", "Председатель Комитета", CHAIR_EMAIL),
        ("Волкова", "Елена", "Сергеевна", "Методист Комитета, куратор ШНОР", CURATOR_EMAIL),
    ]
    for last, first, middle, position, email in people:
        menu(coordinator, "Муниципалитет", "Люди")
        coordinator.get_by_role("link", name="Добавить человека").click()
        coordinator.fill("#id_last_name", last)
        coordinator.fill("#id_first_name", first)
        coordinator.fill("#id_middle_name", middle)
        coordinator.fill("#id_position", position)
        coordinator.fill("#id_organisation", AUTHORITY)
        coordinator.fill("#id_email", email)
        coordinator.get_by_role("button", name="Сохранить").click()
        coordinator.get_by_text(f"«{last} {first} {middle}» добавлен(а) в список людей.").wait_for()
    rows = coordinator.locator("table tbody tr")
    assert rows.count() == 6  # the coordinator, three directors, the chair, the curator

    # Requisites: the chair (now among the people) signs the orders.
    menu(coordinator, "Муниципалитет", "Реквизиты органа управления")
    assert coordinator.locator("#id_authority_name").input_value() == AUTHORITY
    coordinator.fill("#id_place", "р.п. Русская Поляна Омской области")
    coordinator.select_option("#id_head", label="Смирнов И.А.")
    coordinator.get_by_role("button", name="Сохранить").click()
    coordinator.get_by_text("Реквизиты сохранены").wait_for()

    # Accounts with invitations: the chair, the curator, one school's director.
    director_short = SCHOOLS[0][0]
    accounts = [
        ("Смирнов И.А.", "chair", None, ""),
        ("Волкова Е.С.", "curator", None, ""),
        ("Иванова А.П.", "director", director_short, DIRECTOR_EMAIL),
    ]
    for person, role, school, email in accounts:
        menu(coordinator, "Муниципалитет", "Учётные записи")
        coordinator.get_by_role("link", name="Выдать учётную запись").click()
        coordinator.select_option("#id_person", label=person)
        coordinator.select_option("#id_role", role)
        if school:
            coordinator.select_option("#id_school", label=school)
        if email:
            coordinator.fill("#id_email", email)
        coordinator.get_by_role("button", name="Создать и отправить приглашение").click()
        coordinator.get_by_text("Учётная запись создана, приглашение отправлено на").wait_for()
    table = coordinator.locator("table")
    for address in (COORDINATOR_EMAIL, CHAIR_EMAIL, CURATOR_EMAIL, DIRECTOR_EMAIL):
        assert table.get_by_text(address).first.is_visible()
    screenshot(coordinator, "onboarding_3_accounts")
    for address in (CHAIR_EMAIL, CURATOR_EMAIL, DIRECTOR_EMAIL):
        wait_for_letter(coordinator, address)
    assert f"Роль: Руководитель ОО, {director_short}." in letter_to(DIRECTOR_EMAIL).body

    # --- 3. The plan: import, its schools, the approval order ---------------------------------
    menu(coordinator, "Планы")
    coordinator.get_by_role("link", name="Импорт из Word или Excel").click()
    plan_file = tmp_path / "Дорожная карта.docx"
    plan_docx(plan_file)
    coordinator.set_input_files("#id_file", str(plan_file))
    coordinator.fill("#id_period_start", f"01.01.{PLAN_YEAR}")
    coordinator.fill("#id_period_end", f"31.12.{PLAN_YEAR}")
    coordinator.get_by_role("button", name="Проверить файл").click()
    summary = coordinator.get_by_test_id("import-summary")
    summary.wait_for()
    assert "Разделов: 1" in summary.inner_text() and "мероприятий: 2" in summary.inner_text()
    assert summary.locator(".badge").all_inner_texts() == ["ОО: 2"]  # both rows are the schools' to do
    coordinator.get_by_role("button", name="Создать план").click()
    coordinator.get_by_text("создан черновиком: разделов — 1, мероприятий — 2; контрольные точки появятся, когда план будет утверждён").wait_for()
    plan_url = coordinator.url
    assert coordinator.get_by_test_id("plan-schools").get_by_text("Школы плана: 0").is_visible()

    coordinator.get_by_role("link", name="Изменить план", exact=True).click()
    for short, *_ in PLAN_SCHOOLS:
        coordinator.get_by_label(short).check()
    coordinator.get_by_role("button", name="Сохранить").click()
    coordinator.wait_for_url(plan_url)
    assert coordinator.get_by_test_id("plan-schools").get_by_text(f"Школы плана: {len(PLAN_SCHOOLS)}").is_visible()

    coordinator.get_by_role("button", name="Приказ об утверждении").click()
    coordinator.get_by_text("Проект приказа об утверждении готов").wait_for()
    order_url = coordinator.url
    problems = coordinator.locator("#sign-problems").inner_text()
    assert "Укажите номер документа" in problems and "Укажите дату документа" in problems
    assert "Укажите подписанта" not in problems  # taken from the requisites
    coordinator.get_by_role("link", name="Изменить реквизиты").click()
    assert coordinator.locator("#id_signatory_name").input_value() == "И.А. Смирнов"
    coordinator.fill("#id_number", "12-о")
    order_date = date.today().strftime("%d.%m.%Y")
    coordinator.fill("#id_date", order_date)
    coordinator.get_by_role("button", name="Сохранить").click()
    coordinator.wait_for_url(order_url)
    assert coordinator.locator("#sign-problems").count() == 0
    assert coordinator.get_by_role("heading", name=re.compile(r"№ 12-о")).is_visible()
    screenshot(coordinator, "onboarding_4_order_ready")
    coordinator.context.close()

    # --- 4. The chair signs: the plan comes into force ---------------------------------------
    chair = set_password_and_log_in(browser, live_server, invitation_link(CHAIR_EMAIL), CHAIR_EMAIL)
    chair.goto(order_url)
    chair.get_by_role("button", name="Подписать").click()
    done = chair.get_by_text("Документ подписан: PDF сохранён, утверждённые планы вступили в силу")
    done.wait_for(timeout=60_000)
    # Two school-level activities × the plan's two schools; nothing at the municipality's level.
    assert "создано контрольных точек: 4 (школ: 2, муниципальный уровень: 0)" in done.inner_text()
    assert chair.locator("[data-status=signed]").is_visible()
    screenshot(chair, "onboarding_5_order_signed")
    chair.goto(plan_url)
    assert chair.get_by_text("Утверждён: ").is_visible()
    chair.context.close()

    # --- 5. The director sees the school's points on «Моя школа» ------------------------------
    director = set_password_and_log_in(browser, live_server, invitation_link(DIRECTOR_EMAIL), DIRECTOR_EMAIL)
    menu(director, "Моя школа")
    assert director.get_by_role("heading", name="Моя школа").is_visible()
    assert director.get_by_text(f"{director_short} · сегодня").is_visible()
    assert director.get_by_text("Контрольных точек: 2").is_visible()
    later = director.get_by_test_id("group-later")
    later.locator("summary").click()
    # A folded group brings its cards when opened.
    later.get_by_text("Анализ результатов ВПР и ОГЭ в школе").wait_for()
    assert later.get_by_text("Анализ результатов ВПР и ОГЭ в школе").is_visible()
    assert later.get_by_text("Педагогический совет по итогам полугодия").is_visible()
    screenshot(director, "onboarding_6_director_my_school")
    director.context.close()
