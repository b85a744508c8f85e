"""Importing a year's list from Excel: template, preview, confirm with a signed payload, refusals."""

import io
import re

import openpyxl
import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from schools.lists.importer import TEMPLATE_HEADERS, ParsedRow
from schools.lists.services import school_list_import
from schools.models import SchoolList, SchoolListEntry
from tests import factories as f

IMPORT_URL = "schools:schoollist_import"


def xlsx(rows, title="Список"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("список.xlsx", buffer.getvalue())


def upload(client, rows, **fields):
    data = {"year": 2023, "category": "shnor", "title": "ШНОР-2023", "source": "Письмо Минобразования", **fields}
    return client.post(reverse(IMPORT_URL), {**data, "file": xlsx(rows)})


def payload_of(response):
    match = re.search(r'name="payload" value="([^"]+)"', response.content.decode())
    return match.group(1) if match else None


GOOD_ROWS = [
    ["Список ШНОР на 2023 год"],
    [],
    TEMPLATE_HEADERS,
    [1, "БОУ «Калининская СОШ»", "ШНОР", "низкие результаты ОГЭ по математике\nнизкие результаты ЕГЭ по русскому языку", "↑ Умеренно неуспевающие", "", "нет", ""],
    [2, "Бюджетное общеобразовательное учреждение «Цветочинская средняя общеобразовательная школа»", "", "низкие результаты ОГЭ по математике два года подряд", "Сильно неуспевающие", "отрицательная", "да", "слабая управленческая команда"],
]


@pytest.fixture
def named(cast):
    cast.school_b.full_name = "Бюджетное общеобразовательное учреждение «Цветочинская средняя общеобразовательная школа»"
    cast.school_b.save()
    return cast


# ------------------------------------------------------------------------------------ template


def test_it_gives_a_template_that_opens_in_excel(cast, client):
    client.force_login(cast.coordinator)
    response = client.get(reverse("schools:schoollist_import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Список", "Инструкция"]
    rows = list(workbook["Список"].iter_rows(values_only=True))
    assert list(rows[0]) == ["№", "Наименование ОО", "Категория", "Маркеры", "Кластер ФИОКО", "Динамика", "Признаки необъективности", "Примечание"]
    assert len(rows) == 2 and rows[1][1] in {cast.school_a.short_name, cast.school_b.short_name}
    instructions = {row[0]: row for row in workbook["Инструкция"].iter_rows(values_only=True)}
    assert "Сильно неуспевающие, Умеренно неуспевающие" in instructions["Кластер ФИОКО"][3]
    assert "да, нет, +, −, 1, 0" in instructions["Признаки необъективности"][3]
    assert "↑, ↓, →" in instructions["Динамика"][3]


def test_it_reads_its_own_template_back(cast, client):
    client.force_login(cast.coordinator)
    template = client.get(reverse("schools:schoollist_import_template")).content
    response = client.post(
        reverse(IMPORT_URL), {"year": 2023, "category": "shnor", "file": SimpleUploadedFile("Шаблон.xlsx", template)}
    )
    assert response.status_code == 200, response.content.decode()
    assert payload_of(response)


# ------------------------------------------------------------------------------------ preview and save


def test_it_previews_a_good_file_then_saves_exactly_its_rows(named, client):
    client.force_login(named.coordinator)
    response = upload(client, GOOD_ROWS)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Сохранить список" in page and "заголовок в строке 3" in page
    assert page.count("в порядке") == 2
    assert not SchoolList.objects.exists()

    response = client.post(reverse(IMPORT_URL), {"payload": payload_of(response)})
    school_list = SchoolList.objects.get()
    assert response.status_code == 302 and response.url == reverse("schools:schoollist_detail", args=[school_list.pk])
    assert (school_list.municipality, school_list.year, school_list.category, school_list.title, school_list.source) == (
        named.muni,
        2023,
        "shnor",
        "ШНОР-2023",
        "Письмо Минобразования",
    )
    entries = {e.school: e for e in school_list.entries.all()}
    assert set(entries) == {named.school_a, named.school_b}
    a, b = entries[named.school_a], entries[named.school_b]
    assert a.marker_list == ["низкие результаты ОГЭ по математике", "низкие результаты ЕГЭ по русскому языку"]
    assert (a.fioko_cluster, a.trend, a.objectivity_issue, a.note) == ("moderate", "up", False, "")
    assert (b.fioko_cluster, b.trend, b.objectivity_issue, b.note) == ("strong", "down", True, "слабая управленческая команда")


def test_it_saves_nothing_from_a_file_with_one_bad_row(named, client):
    client.force_login(named.coordinator)
    rows = GOOD_ROWS + [[3, "БОУ «Калининская СОШ»", "", "", "Слабые"]]
    response = upload(client, rows)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Строка 6: неизвестный кластер ФИОКО «Слабые»; допустимо: Сильно неуспевающие, Умеренно неуспевающие" in page
    assert "Строка 6: ОО «БОУ «Калининская СОШ»» уже есть в строке 4." in page
    assert "Сохранить список" not in page and payload_of(response) is None
    assert not SchoolList.objects.exists()


def test_it_lists_the_names_it_did_not_find_with_suggestions(named, client):
    client.force_login(named.coordinator)
    response = upload(client, [TEMPLATE_HEADERS, [1, "БОУ «Калинская СОШ»"], [2, "Лицей № 7"]])
    page = response.content.decode()
    unmatched = _text(re.search(r'data-testid="unmatched">(.*?)</div>', page, re.S).group(1))
    assert "строка 2: «БОУ «Калинская СОШ»» — возможно, «БОУ «Калининская СОШ»»" in unmatched
    assert "строка 3: «Лицей № 7» — похожих нет" in unmatched
    assert not SchoolList.objects.exists()


def _text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip()


def test_it_refuses_a_file_that_is_not_xlsx(cast, client):
    client.force_login(cast.coordinator)
    data = {"year": 2023, "category": "shnor"}
    response = client.post(reverse(IMPORT_URL), {**data, "file": SimpleUploadedFile("список.xlsx", b"just text")})
    assert response.status_code == 400
    assert "Это не файл Excel (.xlsx)" in response.content.decode()
    response = client.post(reverse(IMPORT_URL), {**data, "file": SimpleUploadedFile("список.xls", b"\xd0\xcf\x11\xe0")})
    assert "Это файл старого формата .xls" in response.content.decode()


def test_it_refuses_a_tampered_payload(named, client):
    client.force_login(named.coordinator)
    payload = payload_of(upload(client, GOOD_ROWS))
    data = signing.loads(payload, salt="schools.schoollist_import")
    data["rows"][0]["school_id"] = named.school_other.pk
    forged = signing.dumps(data, salt="another.salt", compress=True)
    for bad in (payload[:-3] + "abc", forged, "не подпись"):
        response = client.post(reverse(IMPORT_URL), {"payload": bad})
        assert response.status_code == 400
        assert "Данные предпросмотра повреждены или изменены" in response.content.decode()
    assert not SchoolList.objects.exists()


def test_it_refuses_an_expired_payload(named, client, monkeypatch):
    client.force_login(named.coordinator)
    payload = payload_of(upload(client, GOOD_ROWS))
    later = signing.time.time() + 61 * 60
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = client.post(reverse(IMPORT_URL), {"payload": payload})
    assert response.status_code == 400 and "Предпросмотр устарел" in response.content.decode()
    assert not SchoolList.objects.exists()


def test_it_refuses_a_payload_signed_for_another_user(named, client):
    client.force_login(named.coordinator)
    payload = payload_of(upload(client, GOOD_ROWS))
    client.force_login(f.UserFactory(username="coordinator2", role=Role.COORDINATOR, municipality=named.muni))
    response = client.post(reverse(IMPORT_URL), {"payload": payload})
    assert response.status_code == 400 and "другим пользователем" in response.content.decode()
    assert not SchoolList.objects.exists()


def test_it_refuses_an_existing_year_unless_asked_to_replace(named, client):
    old = f.SchoolListFactory(municipality=named.muni, year=2023, category="shnor", title="ПРШ 2023", source="старый")
    f.SchoolListEntryFactory(school_list=old, school=named.school_a, markers="старый маркер")
    extra = f.SchoolFactory(municipality=named.muni, short_name="БОУ «Сибирская СОШ»")
    f.SchoolListEntryFactory(school_list=old, school=extra)
    client.force_login(named.coordinator)

    response = upload(client, GOOD_ROWS)
    assert response.status_code == 400
    assert "Список «ПРШ 2023» за 2023 год уже есть (2 ОО)" in response.content.decode()
    assert payload_of(response) is None

    response = upload(client, GOOD_ROWS, replace="on", title="")
    assert "его состав будет заменён школами из файла" in response.content.decode()
    assert client.post(reverse(IMPORT_URL), {"payload": payload_of(response)}).status_code == 302
    old.refresh_from_db()
    assert SchoolList.objects.get() == old
    assert (old.title, old.source) == ("ПРШ 2023", "Письмо Минобразования")
    assert set(old.entries.values_list("school", flat=True)) == {named.school_a.pk, named.school_b.pk}
    assert old.entries.get(school=named.school_a).markers.startswith("низкие результаты ОГЭ")


def test_it_refuses_at_confirm_a_list_created_after_the_preview(named, client):
    client.force_login(named.coordinator)
    payload = payload_of(upload(client, GOOD_ROWS))
    f.SchoolListFactory(municipality=named.muni, year=2023, category="shnor")
    response = client.post(reverse(IMPORT_URL), {"payload": payload})
    assert response.status_code == 400
    assert "за 2023 год уже есть" in response.content.decode()
    assert not SchoolListEntry.objects.exists()


# ------------------------------------------------------------------------------------ access


@pytest.mark.parametrize("role", ["chair", "curator", "director_a", "region_viewer"])
def test_it_lets_only_the_coordinator_import(cast, client, role):
    client.force_login(getattr(cast, role))
    query = {"municipality": cast.muni.pk}
    assert client.get(reverse(IMPORT_URL), query).status_code == 403
    assert client.get(reverse("schools:schoollist_import_template"), query).status_code == 403
    response = client.post(f"{reverse(IMPORT_URL)}?municipality={cast.muni.pk}", {"year": 2023, "category": "shnor", "file": xlsx(GOOD_ROWS)})
    assert response.status_code == 403
    assert not SchoolList.objects.exists()


def test_it_hides_another_municipality_from_its_import(cast, client):
    client.force_login(cast.coordinator_other)
    assert client.get(reverse(IMPORT_URL), {"municipality": cast.muni.pk}).status_code == 404
    assert client.get(reverse("schools:schoollist_import_template"), {"municipality": cast.muni.pk}).status_code == 404


def test_it_matches_names_only_among_the_own_municipalitys_schools(cast, client):
    client.force_login(cast.coordinator_other)
    response = upload(client, [TEMPLATE_HEADERS, [1, cast.school_a.short_name]])
    assert "не найдена среди школ муниципалитета" in response.content.decode()


# ------------------------------------------------------------------------------------ the service


def _row(line, school, **values):
    return ParsedRow(line=line, name=school.short_name, school_id=school.pk, **values)


def test_the_service_saves_all_or_nothing(cast):
    rows = [_row(2, cast.school_a), _row(3, cast.school_b, fioko_cluster="weird")]
    with pytest.raises(ValidationError) as error:
        school_list_import(municipality=cast.muni, year=2023, category="shnor", title="", source="", rows=rows)
    assert "Строка 3:" in error.value.messages[0]
    assert not SchoolList.objects.exists() and not SchoolListEntry.objects.exists()


def test_the_service_refuses_foreign_and_repeated_schools(cast):
    rows = [_row(2, cast.school_a), _row(3, cast.school_other), _row(4, cast.school_a)]
    with pytest.raises(ValidationError) as error:
        school_list_import(municipality=cast.muni, year=2023, category="shnor", title="", source="", rows=rows)
    assert error.value.messages == [
        f"Строка 3: ОО «{cast.school_other.short_name}» не найдена среди школ муниципалитета.",
        f"Строка 4: ОО «{cast.school_a.short_name}» уже есть в строке 2.",
    ]
    assert not SchoolList.objects.exists()
