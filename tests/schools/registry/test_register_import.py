"""Loading the school register from Excel: template, shapes of files, preview, all or nothing, once."""

import datetime
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Person, PersonRole
from schools.models import School, SchoolYearData
from schools.registry import importer
from schools.registry.forms import current_school_year
from tests import factories as f

def url():
    return reverse("schools:school_import")


def xlsx(rows, title="Школы"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("реестр.xlsx", buffer.getvalue())


def upload(client, rows, year=2025):
    return client.post(url(), {"year": year, "file": xlsx(rows)})


def payload_of(response):
    match = re.search(r'name="payload" value="([^"]+)"', response.content.decode())
    return match.group(1) if match else None


@pytest.fixture
def register(cast):
    """School A with a full name and a director; school B plain."""
    cast.school_a.full_name = "Бюджетное общеобразовательное учреждение «Калининская средняя общеобразовательная школа»"
    cast.school_a.settlement = "с. Калинино"
    cast.school_a.director = f.PersonFactory(municipality=cast.muni, last_name="Петрова", first_name="Мария", middle_name="Ивановна")
    cast.school_a.save()
    return cast


# Another municipality's shape: its own header wording, another column order, a title above.
OTHER_SHAPE = [
    ["Реестр общеобразовательных организаций на 01.09.2025"],
    [],
    ["Ф.И.О. руководителя", "Тип местности", "Наименование ОО", "Вид ОО", "Численность обучающихся", "Электронная почта", "Малокомплектная", "Является филиалом (головная школа)", "Населённый пункт (поселение)"],
    ["Сидоров Пётр Андреевич", "сельская", "МБОУ «Новая СОШ»", "СОШ", 140, "new@school.ru", "нет", "", "с. Новое"],
    ["", "с", "Ивановский филиал МБОУ «Новая СОШ»", "", "12", "", "да", "МБОУ «Новая СОШ»", "д. Ивановка"],
    ["Петрова Мария Ивановна", "", "БОУ «Калининская СОШ»", "", 95, "", "", "", ""],
]


# ------------------------------------------------------------------------------------ parser


def test_the_parsers_codes_agree_with_the_models():
    assert importer.KIND_LABELS == dict(School.Kind.choices)
    assert importer.LOCALITY_LABELS == dict(School.Locality.choices)


@pytest.mark.parametrize(
    "title, column",
    [
        ("Полное наименование ОО (по уставу)", "full_name"),
        ("Краткое наименование", "short_name"),
        ("Сокращённое наименование", "short_name"),
        ("Наименование образовательной организации", "name"),
        ("Вид", "kind"),
        ("Тип местности", "locality"),
        ("Городская/сельская", "locality"),
        ("Малокомплектная (да/нет)", "is_small"),
        ("Филиал (какой школы)", "branch_of"),
        ("Населённый пункт", "settlement"),
        ("ФИО директора", "director"),
        ("Руководитель", "director"),
        ("E-mail", "email"),
        ("Адрес электронной почты", "email"),
        ("Число обучающихся", "pupils"),
        ("Обучающихся 9-х классов", None),
        ("Кураторы", None),
    ],
)
def test_it_recognises_the_wording_of_headers(title, column):
    assert importer.column_of(title) == column


@pytest.mark.parametrize(
    "cell, kind",
    [("СОШ", "secondary"), ("Средняя общеобразовательная школа", "secondary"), ("ООШ", "basic"), ("НОШ", "primary"),
     ("гимназия", "gymnasium"), ("Лицей", "lyceum"), ("школа-интернат", "boarding"), ("филиал", "branch"),
     ("СОШ (средняя)", "secondary"), ("", ""), ("детский сад", None)],
)
def test_it_reads_a_kind(cell, kind):
    assert importer.parse_kind(cell) == kind


def test_it_splits_a_directors_name():
    assert importer.split_person_name("Иванова Анна Петровна") == ("Иванова", "Анна", "Петровна")
    assert importer.split_person_name("Иванова А.П.") == ("Иванова", "А.", "П.")
    assert importer.split_person_name("Иванова  А. П.") == ("Иванова", "А.", "П.")


# ------------------------------------------------------------------------------------ template


def test_the_template_reads_back_with_nothing_to_change(register, client):
    client.force_login(register.coordinator)
    response = client.get(reverse("schools:school_import_template"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Школы", "Инструкция"]
    rows = list(workbook["Школы"].iter_rows(values_only=True))
    assert list(rows[0]) == importer.TEMPLATE_HEADERS
    assert {row[2] for row in rows[1:]} == {register.school_a.short_name, register.school_b.short_name}

    back = client.post(url(), {"year": current_school_year(datetime.date.today()), "file": SimpleUploadedFile("t.xlsx", response.content)})
    page = back.content.decode()
    assert back.status_code == 200, page
    assert "Изменений нет" in page and payload_of(back) is None


def test_a_corrected_template_changes_only_the_corrected_cell(register, client):
    client.force_login(register.coordinator)
    template = openpyxl.load_workbook(io.BytesIO(client.get(reverse("schools:school_import_template")).content))
    sheet = template["Школы"]
    for row in sheet.iter_rows(min_row=2):
        if row[2].value == register.school_a.short_name:
            row[5].value = "с. Калинино-2"
    buffer = io.BytesIO()
    template.save(buffer)
    year = current_school_year(datetime.date.today())
    response = client.post(url(), {"year": year, "file": SimpleUploadedFile("t.xlsx", buffer.getvalue())})
    page = response.content.decode()
    assert "изменено: 1" in page and "без изменений: 1" in page
    client.post(url(), {"payload": payload_of(response)})
    register.school_a.refresh_from_db()
    assert register.school_a.settlement == "с. Калинино-2"
    assert register.school_a.history.first().history_change_reason.startswith("Загрузка реестра из Excel")


# ------------------------------------------------------------------------------------ preview and save


def test_it_reads_another_column_order_and_saves_what_it_showed(register, client):
    client.force_login(register.coordinator)
    response = upload(client, OTHER_SHAPE)
    page = response.content.decode()
    assert response.status_code == 200, page
    assert "заголовок в строке 3" in page
    assert "Будет добавлено школ: 2, изменено: 1" in page
    assert "Сидоров Пётр Андреевич" in page and "новый человек" in page
    assert not School.objects.filter(short_name="МБОУ «Новая СОШ»").exists()  # the preview saves nothing

    response = client.post(url(), {"payload": payload_of(response)})
    assert response.status_code == 302 and response.url == reverse("schools:school_list")
    new = School.objects.get(municipality=register.muni, short_name="МБОУ «Новая СОШ»")
    assert (new.kind, new.locality, new.is_small, new.email, new.settlement) == ("secondary", "rural", False, "new@school.ru", "с. Новое")
    assert new.year_data.get(year=2025).pupils_total == 140
    branch = School.objects.get(short_name="Ивановский филиал МБОУ «Новая СОШ»")
    assert (branch.branch_of, branch.kind, branch.is_small, branch.locality) == (new, "branch", True, "rural")
    register.school_a.refresh_from_db()
    assert register.school_a.year_data.get(year=2025).pupils_total == 95


def test_the_director_becomes_a_person_of_the_municipality(register, client):
    client.force_login(register.coordinator)
    client.post(url(), {"payload": payload_of(upload(client, OTHER_SHAPE))})
    new = School.objects.get(short_name="МБОУ «Новая СОШ»")
    director = new.director
    assert (director.municipality, director.last_name, director.first_name, director.middle_name) == (
        register.muni, "Сидоров", "Пётр", "Андреевич",
    )
    assert director.school == new
    assert PersonRole.objects.filter(person=director, kind=PersonRole.Kind.DIRECTOR).exists()
    # Matched by full name: the director already in the portal is not made twice.
    assert Person.objects.filter(last_name="Петрова").count() == 1
    register.school_a.refresh_from_db()
    assert register.school_a.director.last_name == "Петрова"


def test_an_existing_person_becomes_the_director_by_full_name(register, client):
    person = f.PersonFactory(municipality=register.muni, last_name="Орлова", first_name="Ольга", middle_name="Олеговна")
    client.force_login(register.coordinator)
    rows = [["Краткое наименование", "ФИО директора"], [register.school_b.short_name, "Орлова Ольга Олеговна"]]
    client.post(url(), {"payload": payload_of(upload(client, rows))})
    register.school_b.refresh_from_db()
    assert register.school_b.director == person
    assert Person.objects.filter(last_name="Орлова").count() == 1


def test_a_reimport_updates_changed_fields_only(register, client):
    client.force_login(register.coordinator)
    client.post(url(), {"payload": payload_of(upload(client, OTHER_SHAPE))})
    new = School.objects.get(short_name="МБОУ «Новая СОШ»")
    School.objects.filter(pk=new.pk).update(note="записано вручную")
    changed = [row[:] for row in OTHER_SHAPE]
    changed[3][5] = "info@school.ru"
    response = upload(client, changed)
    page = response.content.decode()
    assert "Будет добавлено школ: 0, изменено: 1, без изменений: 2" in page
    assert "new@school.ru" in page and "info@school.ru" in page
    client.post(url(), {"payload": payload_of(response)})
    new.refresh_from_db()
    assert (new.email, new.note, new.settlement) == ("info@school.ru", "записано вручную", "с. Новое")
    assert School.objects.filter(municipality=register.muni).count() == 4


def test_it_names_every_bad_row_and_saves_nothing(register, client):
    client.force_login(register.coordinator)
    rows = [
        ["Краткое наименование", "Вид", "Городская/сельская", "Малокомплектная", "E-mail", "Число обучающихся", "Филиал"],
        ["МБОУ «Хорошая СОШ»", "СОШ", "городская", "нет", "", 10, ""],
        ["МБОУ «Плохая школа»", "детский сад", "в лесу", "может быть", "нет-почты", "много", ""],
        ["МБОУ «Третья СОШ»", "", "", "", "", "", "МБОУ «Несуществующая СОШ»"],
        ["МБОУ «Хорошая СОШ»", "СОШ", "городская", "", "", "", ""],
    ]
    response = upload(client, rows)
    page = response.content.decode()
    assert response.status_code == 400 and payload_of(response) is None
    assert "Строка 3: неизвестный вид «детский сад»" in page
    assert "Строка 3: непонятная местность «в лесу»" in page
    assert "Строка 3: непонятное значение «малокомплектная» «может быть»" in page
    assert "Строка 3: e-mail «нет-почты» записан с ошибкой" in page
    assert "Строка 3: число обучающихся «много»" in page
    assert "Строка 4: головная школа «МБОУ «Несуществующая СОШ»» не найдена" in page
    assert "Строка 4: новая школа: не указана местность" in page
    assert "Строка 5: школа «МБОУ «Хорошая СОШ»» уже есть в строке 2." in page
    assert "Строка 2" not in page.split("import-errors")[1].split("</div>")[0]
    assert not School.objects.filter(short_name="МБОУ «Хорошая СОШ»").exists()


def test_a_change_after_the_preview_refuses_the_whole_file(register, client):
    client.force_login(register.coordinator)
    response = upload(client, OTHER_SHAPE)
    SchoolYearData.objects.create(school=register.school_a, year=2025, pupils_total=90)  # someone edits the card meanwhile
    refused = client.post(url(), {"payload": payload_of(response)})
    assert refused.status_code == 400
    assert "после проверки файла изменено: обучающихся" in refused.content.decode()
    assert not School.objects.filter(short_name="МБОУ «Новая СОШ»").exists()
    assert not Person.objects.filter(last_name="Сидоров").exists()


def test_a_preview_is_saved_once_from_any_session(register, client, django_user_model):
    client.force_login(register.coordinator)
    payload = payload_of(upload(client, OTHER_SHAPE))
    client.post(url(), {"payload": payload})
    client.logout()
    client.force_login(register.coordinator)  # a new session
    again = client.post(url(), {"payload": payload}, follow=True)
    assert "уже загружен" in again.content.decode()
    assert School.objects.filter(short_name="МБОУ «Новая СОШ»").count() == 1
    assert Person.objects.filter(last_name="Сидоров").count() == 1


# ------------------------------------------------------------------------------------ who may


def test_another_municipalitys_coordinator_cannot_import_into_this_one(register, client):
    client.force_login(register.coordinator)
    payload = payload_of(upload(client, OTHER_SHAPE))
    client.force_login(register.coordinator_other)
    response = client.post(url(), {"payload": payload})
    assert response.status_code == 403
    assert not School.objects.filter(short_name="МБОУ «Новая СОШ»").exists()
    # Their own upload goes to their own municipality and matches only its schools.
    response = upload(client, [["Краткое наименование", "Городская/сельская"], [register.school_a.short_name, "городская"]])
    assert "Будет добавлено школ: 1" in response.content.decode()
    client.post(url(), {"payload": payload_of(response)})
    register.school_a.refresh_from_db()
    assert register.school_a.locality == "rural"
    assert School.objects.get(municipality=register.other, short_name=register.school_a.short_name).kind == "secondary"


@pytest.mark.parametrize("role", ["chair", "curator", "director_a", "region_viewer"])
def test_only_the_coordinator_loads_the_register(register, client, role):
    client.force_login(getattr(register, role))
    assert client.get(url()).status_code == 403
    assert client.get(reverse("schools:school_import_template")).status_code == 403
    assert client.post(url(), {"year": 2025, "file": xlsx(OTHER_SHAPE)}).status_code == 403


def test_the_school_list_links_the_import_for_the_coordinator_only(register, client):
    client.force_login(register.coordinator)
    assert reverse("schools:school_import") in client.get(reverse("schools:school_list")).content.decode()
    client.force_login(register.chair)
    assert reverse("schools:school_import") not in client.get(reverse("schools:school_list")).content.decode()


# ------------------------------------------------------------------------------------ queries


def _rows(n):
    header = ["Краткое наименование", "Вид", "Городская/сельская", "ФИО директора", "Число обучающихся"]
    return [header] + [[f"МБОУ «Школа {i}»", "СОШ", "сельская", f"Директоров{i} Иван Иванович", i] for i in range(n)]


def test_the_preview_takes_the_same_queries_at_3_rows_and_at_30(register, client, django_assert_num_queries):
    client.force_login(register.coordinator)
    for i in range(30):
        f.SchoolFactory(municipality=register.muni, short_name=f"МБОУ «Школа {i}»")
    upload(client, _rows(3))  # warm the session and the templates
    # session, user, municipality, schools with pupils, people
    with django_assert_num_queries(5):
        assert upload(client, _rows(3)).status_code == 200
    with django_assert_num_queries(5):
        assert upload(client, _rows(30)).status_code == 200
