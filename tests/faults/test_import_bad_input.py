"""Plan, list and results imports fed broken, protected, empty, huge and odd files: a Russian message, nothing saved.

Each file goes through the real upload page as the coordinator. Whatever it is, the answer is the
form again (400) or a preview without a «save» button, with a message that says what is wrong in
words a coordinator understands, and no plan, section, activity, list or entry appears.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from monitoring.models import ExamResult, ReferenceResult
from roadmaps.models import Activity, Plan, PlanSection
from schnor_portal.xlsx import MAX_CELL_CHARS, XlsxError, check_zip_upload
from schools.models import SchoolList, SchoolListEntry
from tests.roadmaps.docx_builders import demo_docx, demo_xlsx

from . import bad_files as bad

PLAN_FORM = {"kind": "roadmap", "title": "Дорожная карта 2025", "period_start": "01.01.2025", "period_end": "31.12.2025"}
LIST_FORM = {"year": 2023, "category": "shnor", "title": "ШНОР-2023", "source": "Письмо"}

PROTECTED = "защищён паролем"
NOT_OFFICE = "не документ Word (.docx) и не таблица Excel (.xlsx)"
TOO_COMPLEX = "Файл слишком сложный для загрузки"
PART_TOO_BIG = "одна из его частей после распаковки занимает больше 20 МБ"
LONG = "Я" * 20_000


def long_cell(address):
    return f"В ячейке {address} на листе «Лист1» текст длиннее 10 000 знаков"


def plan_rows(content="Совещание", result="Справка"):
    return [bad.PLAN_HEADERS, ["1", content, "Май", "Руководители ОО", result]]


def list_rows(name="БОУ «Калининская СОШ»", note=""):
    return [bad.LIST_HEADERS, [1, name, "ШНОР", "", "", "", "нет", note]]


RESULT_FORM = {"procedure": "ege", "grade": ""}
RESULT_HEADERS = ["ОО", "Процедура", "Предмет", "Класс", "Год", "Средний балл"]

PLAN_CASES = {
    "empty": (lambda: b"", "plan.docx", "Файл пустой"),
    "truncated-docx": (lambda: demo_docx("uglegorsk")[:5000], "plan.docx", "повреждён"),
    "truncated-xlsx": (lambda: demo_xlsx("uglegorsk")[:3000], "plan.xlsx", "повреждён"),
    "password-docx": (bad.encrypted_office, "plan.docx", PROTECTED),
    "password-xlsx": (bad.encrypted_office, "plan.xlsx", PROTECTED),
    "cp1251-text-as-xlsx": (lambda: bad.text_in("cp1251", [bad.PLAN_HEADERS, ["1", "Совещание", "Май"]]), "plan.xlsx", NOT_OFFICE),
    "utf16-text-as-docx": (lambda: bad.text_in("utf-16", [bad.PLAN_HEADERS]), "plan.docx", NOT_OFFICE),
    "html-as-docx": (lambda: "<html><body>План</body></html>".encode("koi8-r"), "plan.docx", NOT_OFFICE),
    "pdf-as-docx": (lambda: b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\n", "plan.docx", "Это PDF"),
    "zip-bomb-docx": (lambda: bad.zip_bomb("word/document.xml"), "plan.docx", TOO_COMPLEX),
    "zip-bomb-xlsx": (lambda: bad.zip_bomb("xl/worksheets/sheet1.xml"), "plan.xlsx", TOO_COMPLEX),
    "300-members": (lambda: bad.many_members("word/part"), "plan.docx", TOO_COMPLEX),
    "dense-docx": (lambda: bad.plan_dense("docx"), "plan.docx", "Файл слишком большой для загрузки: в нём больше 100 000"),
    "dense-xlsx": (lambda: bad.plan_dense("xlsx"), "plan.xlsx", "Файл слишком большой для загрузки: в нём больше 100 000"),
    "10000-rows-docx": (bad.plan_docx_huge, "plan.docx", "больше 5000 строк"),
    "10000-rows-xlsx": (bad.plan_xlsx_huge, "plan.xlsx", "больше 5000 строк"),
    "malformed-docx": (bad.plan_docx_malformed, "plan.docx", "Не удалось прочитать документ Word"),
    "no-table-docx": (bad.plan_docx_without_table, "plan.docx", "нет ни одной таблицы"),
    "formulas-xlsx": (bad.plan_xlsx_formulas, "plan.xlsx", "В таблице плана нет ни одного мероприятия"),
    "all-merged-xlsx": (bad.plan_xlsx_merged, "plan.xlsx", "не найдена таблица плана"),
    "over-10-mb": (lambda: b"PK\x03\x04" + b"\x00" * (10 * 1024 * 1024 + 1), "plan.docx", "больше 10 МБ"),
    "wrong-extension": (lambda: demo_docx("uglegorsk"), "plan.pdf", "Загрузите документ Word (.docx) или таблицу Excel (.xlsx)"),
    "shared-string-bomb-xlsx": (lambda: bad.shared_string_bomb(plan_rows(content=bad.SHARED)), "plan.xlsx", PART_TOO_BIG),
    "part-bomb-docx": (bad.docx_part_bomb, "plan.docx", PART_TOO_BIG),
    "long-cell-xlsx": (lambda: bad._xlsx(plan_rows(content=LONG)), "plan.xlsx", long_cell("B2")),
    "long-shared-string-xlsx": (lambda: bad.with_shared_string(plan_rows(result=bad.SHARED), LONG), "plan.xlsx", long_cell("E2")),
}

LIST_CASES = {
    "empty": (lambda: b"", "Файл пустой"),
    "truncated": (lambda: bad.list_ok()[:2000], "повреждён"),
    "password": (bad.encrypted_office, PROTECTED),
    "cp1251-csv": (lambda: bad.text_in("cp1251", [bad.LIST_HEADERS, [1, "БОУ «Калининская СОШ»", "ШНОР"]]), "повреждён, защищён паролем или сохранён в другом формате"),
    "utf16-csv": (lambda: bad.text_in("utf-16", [bad.LIST_HEADERS]), "повреждён, защищён паролем или сохранён в другом формате"),
    "docx-as-xlsx": (lambda: demo_docx("uglegorsk"), "Не удалось прочитать файл Excel"),
    "zip-bomb": (lambda: bad.zip_bomb("xl/worksheets/sheet1.xml"), TOO_COMPLEX),
    "300-members": (lambda: bad.many_members("xl/worksheets/sheet"), TOO_COMPLEX),
    "malformed": (bad.list_malformed, "Не удалось прочитать файл Excel"),
    "10000-rows": (bad.list_huge, "больше 1000 строк после заголовка"),
    "formulas": (bad.list_formulas, "не указано наименование ОО"),
    "merged": (bad.list_merged, "не указано наименование ОО"),
    "merged-header": (lambda: bad.list_merged(header=True), "Не найдена строка заголовка"),
    "no-header": (lambda: bad._xlsx([["Просто текст"], ["ещё текст"]]), "Не найдена строка заголовка"),
    "over-10-mb": (lambda: b"PK\x03\x04" + b"\x00" * (10 * 1024 * 1024 + 1), "Файл больше 10 МБ"),
    "shared-string-bomb": (lambda: bad.shared_string_bomb(list_rows(name=bad.SHARED)), PART_TOO_BIG),
    "long-cell": (lambda: bad._xlsx(list_rows(note=LONG)), long_cell("H2")),
    "long-shared-string": (lambda: bad.with_shared_string(list_rows(name=bad.SHARED), LONG), long_cell("B2")),
}



def result_rows(school="БОУ «Калининская СОШ»", subject="Математика"):
    return [RESULT_HEADERS, [school, "ЕГЭ", subject, 11, 2024, 50]]


# The other bad results files are in tests/monitoring/results/test_import_bad_input.py.
RESULT_CASES = {
    "shared-string-bomb": (lambda: bad.shared_string_bomb(result_rows(school=bad.SHARED)), PART_TOO_BIG),
    "long-cell": (lambda: bad._xlsx(result_rows(subject=LONG)), long_cell("C2")),
    "long-shared-string": (lambda: bad.with_shared_string(result_rows(school=bad.SHARED), LONG), long_cell("A2")),
}


def counts():
    return (Plan.objects.count(), PlanSection.objects.count(), Activity.objects.count(),
            SchoolList.objects.count(), SchoolListEntry.objects.count())


@pytest.fixture
def coordinator(cast, client):
    client.force_login(cast.coordinator)
    return client


@pytest.mark.parametrize("case", sorted(PLAN_CASES))
def test_a_bad_plan_file_gets_a_russian_message_and_saves_nothing(coordinator, case):
    build, name, message = PLAN_CASES[case]
    before = counts()
    response = coordinator.post(reverse("roadmaps:plan_import"), {**PLAN_FORM, "file": SimpleUploadedFile(name, build())})
    page = response.content.decode()
    assert response.status_code == 400, case
    assert message in page, (case, page[page.find("invalid-feedback"):][:600])
    assert 'name="payload"' not in page  # no preview to confirm
    assert counts() == before


@pytest.mark.parametrize("case", sorted(LIST_CASES))
def test_a_bad_list_file_gets_a_russian_message_and_saves_nothing(coordinator, case):
    build, message = LIST_CASES[case]
    before = counts()
    response = coordinator.post(reverse("schools:schoollist_import"), {**LIST_FORM, "file": SimpleUploadedFile("список.xlsx", build())})
    page = response.content.decode()
    assert response.status_code in (200, 400), case
    assert message in page, (case, page[:3000])
    assert 'name="payload"' not in page  # nothing that could be confirmed
    assert counts() == before


def test_a_good_list_file_still_passes(coordinator, cast):
    response = coordinator.post(reverse("schools:schoollist_import"), {**LIST_FORM, "file": SimpleUploadedFile("список.xlsx", bad.list_ok())})
    assert 'name="payload"' in response.content.decode()


@pytest.mark.parametrize("case", sorted(RESULT_CASES))
def test_a_bomb_or_a_huge_cell_in_a_results_file_is_refused(coordinator, case):
    build, message = RESULT_CASES[case]
    before = (ExamResult.objects.count(), ReferenceResult.objects.count())
    upload = SimpleUploadedFile("результаты.xlsx", build())
    response = coordinator.post(reverse("results:result_import"), {**RESULT_FORM, "file": upload})
    page = response.content.decode()
    assert response.status_code == 400, case
    assert message in page, (case, page[page.find("<main"):][:3000])
    assert 'name="payload"' not in page
    assert (ExamResult.objects.count(), ReferenceResult.objects.count()) == before


def test_a_cell_is_measured_in_characters_up_to_the_limit():
    # Cyrillic takes two bytes a character in the file: the limit counts what the user typed.
    check_zip_upload(bad._xlsx([["Наименование"], ["Я" * MAX_CELL_CHARS]]))
    check_zip_upload(bad.with_shared_string([["Наименование"], [bad.SHARED]], "Я" * MAX_CELL_CHARS))
    with pytest.raises(XlsxError, match="В ячейке A2 на листе «Лист1»"):
        check_zip_upload(bad._xlsx([["Наименование"], ["Я" * (MAX_CELL_CHARS + 1)]]))
    with pytest.raises(XlsxError, match="В ячейке A3 на листе «Лист1»"):
        check_zip_upload(bad.with_shared_string([["Наименование"], ["Школа"], [bad.SHARED]], "Я" * (MAX_CELL_CHARS + 1)))
