"""The results import fed broken, protected, empty, huge and odd files: a Russian message, nothing saved.

The same bad files as the plan and list imports (tests/faults/bad_files.py), through the results
upload page as the coordinator: the form again or a preview without «save», a message that says
what is wrong, and no result written.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from monitoring.models import ExamResult, ReferenceResult
from tests.faults import bad_files as bad
from tests.roadmaps.docx_builders import demo_docx

FORM = {"procedure": "ege", "grade": ""}
TEMPLATE = ["ОО", "Процедура", "Предмет", "Класс", "Год", "Средний балл"]
UNREADABLE = "Не удалось прочитать файл Excel"
NOT_XLSX = "повреждён, защищён паролем или сохранён в другом формате"


def template_rows(n, school="БОУ «Калининская СОШ»"):
    return [TEMPLATE] + [[school, "ЕГЭ", "Математика", 11, 2000 + i % 25, 50] for i in range(n)]


CASES = {
    "empty": (lambda: b"", "Файл пустой"),
    "truncated": (lambda: bad._xlsx(template_rows(3))[:2500], NOT_XLSX),
    "password": (bad.encrypted_office, NOT_XLSX),
    "cp1251-csv": (lambda: bad.text_in("cp1251", template_rows(3)), NOT_XLSX),
    "utf16-csv": (lambda: bad.text_in("utf-16", template_rows(3)), NOT_XLSX),
    "docx-as-xlsx": (lambda: demo_docx("uglegorsk"), UNREADABLE),
    "zip-bomb": (lambda: bad.zip_bomb("xl/worksheets/sheet1.xml"), "Файл слишком сложный для загрузки"),
    "300-members": (lambda: bad.many_members("xl/worksheets/sheet"), "Файл слишком сложный для загрузки"),
    "malformed": (lambda: bad._replace_member(bad._xlsx(template_rows(3)), "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row>"), UNREADABLE),
    "dense": (lambda: bad.plan_dense("xlsx"), "Файл слишком большой для загрузки: в нём больше 100 000 ячеек"),
    "10000-rows-unknown-school": (lambda: bad._xlsx(template_rows(10_000, school="МБОУ «Нет такой СОШ»")), "Нет такой СОШ"),
    "formulas": (lambda: bad._xlsx([TEMPLATE, ["БОУ «Калининская СОШ»", "ЕГЭ", "Математика", 11, 2024, "=40+10"]]), "формул"),
    "merged-header": (lambda: bad._xlsx(template_rows(3), merges=["A1:F1"]), "не найдено ни одной таблицы результатов"),
    "no-table": (lambda: bad._xlsx([["Результаты будут позже"]]), "не найдено ни одной таблицы результатов"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_bad_results_file_gets_a_russian_message_and_saves_nothing(cast, client, case):
    build, message = CASES[case]
    client.force_login(cast.coordinator)
    before = (ExamResult.objects.count(), ReferenceResult.objects.count())
    response = client.post(reverse("results:result_import"), {**FORM, "file": SimpleUploadedFile("результаты.xlsx", build())})
    page = response.content.decode()
    assert response.status_code == 400, case
    assert message in page, (case, page[page.find("<main"):][:4000])
    assert 'name="payload"' not in page
    assert (ExamResult.objects.count(), ReferenceResult.objects.count()) == before
