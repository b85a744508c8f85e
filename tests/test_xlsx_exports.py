"""Every Excel file the portal hands out writes a hostile text as text, never as a live formula.

A school's name, an activity or a plan title typed as «=HYPERLINK(…)» or «+1» must reach the
spreadsheet as the same text in a text cell: openpyxl would store «=…» as a formula, and Excel
runs a formula when the file is opened. All files are written by schnor_portal/xlsx.py, which
escapes by construction; this walks every export URL as the coordinator and looks at every cell.
"""

import datetime
import io
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse

from roadmaps.import_services import plan_file_parse
from roadmaps.models import PlanSection
from schnor_portal.xlsx import Sheet, workbook_bytes
from schools.lists.selectors import school_refs

from . import factories as f

LINK = '=HYPERLINK("http://evil","x")'
PLUS = "+1"
MINUS = "-1+1"
AT = "@SUM(1)"
HOSTILE = (LINK, PLUS, MINUS, AT)
ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "clusters", "monitoring", "reports", "roadmaps", "schnor_portal", "schools")


@pytest.fixture
def hostile(cast_lists):
    """The cast with hostile texts wherever an export prints what a user typed."""
    cast = cast_lists
    cast.school_a.short_name = LINK
    cast.school_a.full_name = AT
    cast.school_a.save()
    cast.school_b.short_name = PLUS
    cast.school_b.save()
    cast.plan.title = LINK
    cast.plan.save()
    cast.section.title = AT
    cast.section.save()
    cast.activity.content = MINUS
    cast.activity.expected_result = PLUS
    cast.activity.save()
    cast.cp_a.report_text = AT
    cast.cp_a.save()
    cast.school_list.title = MINUS
    cast.school_list.save()
    f.ExamResultFactory(school=cast.school_a, year=2023, participants=12)
    f.ExamResultFactory(school=cast.school_a, year=2024, average_score=Decimal("62"), participants=10)
    # A subject is free text in the table: a hostile one shows in the results exports.
    f.ExamResultFactory(school=cast.school_a, procedure="oge", subject=AT, grade=9, average_score=Decimal("4"), participants=8)
    f.ReferenceResultFactory(municipality=cast.muni)
    return cast


def _exports(cast):
    """(URL, the hostile texts that file must show) for every .xlsx download of the portal."""
    return {
        "roadmaps:plan_export": (reverse("roadmaps:plan_export", args=[cast.plan.pk]), {LINK, AT, MINUS, PLUS}),
        "monitoring:register_export": (reverse("monitoring:register_export"), {LINK, AT, MINUS}),
        "schools:school_export": (reverse("schools:school_export"), {LINK, AT, PLUS}),
        "schools:list_matrix_export": (reverse("schools:list_matrix_export"), {LINK}),
        # The template's example row is the municipality's first school.
        "schools:schoollist_import_template": (
            reverse("schools:schoollist_import_template"),
            {next(ref.short_name for ref in school_refs(municipality=cast.muni))},
        ),
        # The register template is filled with the municipality's register.
        "schools:school_import_template": (reverse("schools:school_import_template"), {LINK, AT, PLUS}),
        "results:result_export": (reverse("results:result_export"), {LINK, AT}),
        "results:result_import_template": (reverse("results:result_import_template"), {LINK, PLUS}),
        "results:school_results_export": (reverse("results:school_results_export", args=[cast.school_a.pk]), {AT}),
        "overview:municipal_export": (reverse("overview:municipal_export"), {LINK, MINUS}),
    }


EXPORTS = [
    "roadmaps:plan_export",
    "monitoring:register_export",
    "schools:school_export",
    "schools:list_matrix_export",
    "schools:schoollist_import_template",
    "schools:school_import_template",
    "results:result_export",
    "results:result_import_template",
    "results:school_results_export",
    "overview:municipal_export",
]


def _cells(content: bytes):
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            yield from row


@pytest.mark.parametrize("name", EXPORTS)
def test_an_export_writes_hostile_text_as_text(hostile, client, name):
    url, expected = _exports(hostile)[name]
    client.force_login(hostile.coordinator)
    response = client.get(url)
    assert response.status_code == 200, name
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    cells = list(_cells(response.content))
    assert cells, name
    formulas = [(c.parent.title, c.coordinate, c.value) for c in cells if c.data_type == "f"]
    assert not formulas, (name, formulas)
    texts = {c.value for c in cells if isinstance(c.value, str)}
    # The text as typed, not «'=HYPERLINK…»: escaping is in the cell's type, not in its text.
    for text in expected:
        assert any(text in value for value in texts), (name, text, sorted(texts)[:40])
        assert not any("'" + text in value for value in texts), (name, text)
    for cell in cells:
        if isinstance(cell.value, str) and cell.value.startswith(HOSTILE):
            assert cell.data_type == "s" and cell.quotePrefix, (name, cell.coordinate, cell.value)


def test_every_export_url_is_walked():
    """A new export view (xlsx_response / attachment of an .xlsx) must be added to EXPORTS above."""
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("urls.py"):
            found.update(re.findall(r'name="(\w*(?:_export|_import_template))"', path.read_text(encoding="utf-8")))
    assert found == {name.split(":")[1] for name in EXPORTS}


def test_numbers_and_dates_stay_what_they_are():
    rows = [["-5 дней", -5, 2.5, datetime.date(2025, 3, 25)], ["-5", 0, None, None]]
    content = workbook_bytes(Sheet("Лист", ["Текст", "Число", "Дробь", "Дата"], rows))
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert [c.value for c in sheet[2]] == ["-5 дней", -5, 2.5, datetime.datetime(2025, 3, 25)]
    assert [c.data_type for c in sheet[2]] == ["s", "n", "n", "d"]
    assert (sheet["A3"].value, sheet["A3"].data_type) == ("-5", "s")


def test_the_exported_plan_imports_back_with_the_same_texts(hostile, client):
    section = PlanSection.objects.create(plan=hostile.plan, position=9, number="2.", title="Сроки и формулы")
    f.ActivityFactory(section=section, number="2.1", content="'=SUM(A1)", deadline_text="Май 2025", expected_result="-5 дней")
    f.ActivityFactory(section=section, number="2.2", content=LINK, deadline_text="Июнь 2025", expected_result=AT)
    client.force_login(hostile.coordinator)
    response = client.get(reverse("roadmaps:plan_export", args=[hostile.plan.pk]))
    parsed = plan_file_parse(data=response.content)
    activities = {a.number: a for s in parsed.sections for a in s.activities}
    assert (activities["2.1"].content, activities["2.1"].result) == ("'=SUM(A1)", "-5 дней")
    assert (activities["2.2"].content, activities["2.2"].result) == (LINK, AT)
    assert activities[hostile.activity.number].content == MINUS
    assert any(s.title == AT or s.title.endswith(AT) for s in parsed.sections)


def test_no_module_but_the_shared_writer_makes_a_workbook():
    """Escaping lives in schnor_portal/xlsx.py: a workbook made anywhere else would not have it."""
    pattern = re.compile(r"\bWorkbook\s*\(|from\s+openpyxl\s+import\s+[^\n]*\bWorkbook\b")
    offenders = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if relative == "schnor_portal/xlsx.py" or "/migrations/" in relative:
                continue
            if pattern.search(path.read_text(encoding="utf-8")):
                offenders.append(relative)
    assert not offenders, f"openpyxl.Workbook() outside schnor_portal/xlsx.py: {offenders}; use Sheet / workbook_bytes"
