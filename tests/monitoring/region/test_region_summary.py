"""The summary upward: Excel and PDF carry the page's figures, cell for cell."""

import datetime
import io
from decimal import Decimal
import shutil
import subprocess

import openpyxl
import pytest
from django.urls import reverse

from monitoring.region.exports import TITLE, column_heading
from monitoring.region.selectors import gap_column_key, list_column_key
from schnor_portal.dates import format_date_long
from tests import factories as f


def workbook(response):
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))


def test_the_workbook_holds_the_page_figures(region, client):
    client.force_login(region.viewer)
    page = client.get(reverse("region:cabinet"), {"sort": "-name"}).context["cabinet"]
    response = client.get(reverse("region:cabinet_xlsx"), {"sort": "-name"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    ws = workbook(response).active
    values = [list(row) for row in ws.iter_rows(values_only=True)]
    assert values[1][0] == f"{TITLE}. Омская область"
    headers, body = values[2], values[3:]
    assert list(headers[: len(page.columns)]) == [column_heading(c) for c in page.columns]
    assert len(body) == len(page.rows) == 2
    # Same order as the page (sorted the same way), same figures: numbers as numbers, words as words.
    for row, cells in zip(page.rows, body):
        for column, value in zip(page.columns, cells):
            figure = row.figures.get(column.key)
            if figure is None:
                expected = "—"
            elif column.numeric and figure.value is not None:
                expected = figure.value
            else:
                expected = figure.label
            if isinstance(expected, Decimal):
                value, expected = Decimal(str(value)), expected.normalize()  # Excel keeps a number, not its zeros
            elif isinstance(value, datetime.datetime):
                value = value.date()  # a date cell reads back as midnight
            assert value == expected, (row.municipality.name, column.key)
    b, a = body
    keys = [c.key for c in page.columns]
    assert a[0] == region.a.name and a[keys.index("done")] == 2 and a[keys.index("on_time")] == 33
    assert float(a[keys.index(gap_column_key("oge", 9, "Математика"))]) == pytest.approx(-0.2)
    assert b[keys.index(list_column_key(2024, "on"))] == "—"
    assert b[keys.index("plan")] == "нет утверждённого плана"


def test_the_pdf_renders_the_region_and_its_figures(region, client, tmp_path):
    client.force_login(region.admin)
    response = client.get(reverse("region:cabinet_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = response.content
    assert data.startswith(b"%PDF")
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed: the PDF's text cannot be read back")
    path = tmp_path / "summary.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Сводная справка о реализации муниципальных программ поддержки ШНОР" in " ".join(text.split())
    # A name wraps in its narrow column: its first word is on one line.
    assert "Омская область" in text and "Алексеевский" in text and "Борисовский" in text and "Чужой" not in text
    assert f"по состоянию на {format_date_long(region.today)}" in " ".join(text.split())  # «3 декабря 2026 г.»
    assert "−0,20" in text and "+2,50" in text and "33 %" in text
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    width, height = (float(v) for v in info.split("Page size:")[1].split("pts")[0].split(" x "))
    assert width > height  # landscape A4


def test_a_region_with_no_municipality_yet_has_an_empty_page_workbook_and_pdf(db, client):
    """A region administrator's first day: nothing connected, nothing to fail on."""
    client.force_login(f.UserFactory(username="new_region", role="region_admin", municipality=None, region=f.RegionFactory(name="Курская область")))
    page = client.get(reverse("region:cabinet"))
    assert page.status_code == 200 and "нет подключённых муниципалитетов" in page.content.decode()
    ws = workbook(client.get(reverse("region:cabinet_xlsx"))).active
    assert ws.cell(2, 1).value == f"{TITLE}. Курская область" and ws.max_row == 3
    assert client.get(reverse("region:cabinet_pdf")).content.startswith(b"%PDF")


def test_many_subjects_are_split_into_tables_that_fit_the_page(region, client, tmp_path):
    from monitoring.results.subjects import SUBJECTS

    from .conftest import reference

    for subject in SUBJECTS[4:14]:  # ten ЕГЭ subjects more: twelve results columns in all
        reference(region.a, "municipality", "ege", subject, 11, 2025, "60")
        reference(region.a, "region", "ege", subject, 11, 2025, "58")
    client.force_login(region.viewer)
    data = client.get(reverse("region:cabinet_pdf")).content
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed: the PDF's text cannot be read back")
    path = tmp_path / "summary.pdf"
    path.write_bytes(data)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split())
    assert "по предметам (часть 1)" in text and "по предметам (часть 2)" in text and "(часть 3)" not in text
