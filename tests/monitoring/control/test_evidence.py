"""Evidence: the type by content, safe names, private storage, and who may download."""

import os
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from monitoring.control.evidence import content_disposition, evidence_file_check, safe_filename
from monitoring.models import Evidence
from tests.monitoring import conftest as files


def _report(client, cast, *uploads, user=None, links=""):
    client.force_login(user or cast.director_a)
    cast.cp_a.refresh_from_db()
    return client.post(
        reverse("monitoring:control_point_report", args=[cast.cp_a.pk]),
        {"version": cast.cp_a.version, "report_text": "Проведено", "action": "save", "files": list(uploads), "links": links},
    )


@pytest.mark.parametrize(
    "name, make, content_type",
    [
        ("справка.pdf", files.pdf_bytes, "application/pdf"),
        ("фото.png", files.png_bytes, "image/png"),
        ("фото.jpeg", files.jpeg_bytes, "image/jpeg"),
        ("протокол.docx", files.docx_bytes, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("таблица.xlsx", files.xlsx_bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("план.odt", files.odt_bytes, "application/vnd.oasis.opendocument.text"),
    ],
)
def test_it_accepts_real_documents_by_their_content(upload, name, make, content_type):
    checked = evidence_file_check(upload(name, make()))
    assert checked.type.content_type == content_type
    assert checked.original_name == name


@pytest.mark.parametrize(
    "name, make, message",
    [
        ("отчёт.pdf", files.exe_bytes, "программа, а не документ"),
        ("отчёт.pdf", files.html_bytes, "веб-страница"),
        ("справка.docx", files.pdf_bytes, "по содержимому это PDF"),
        ("архив.docx", files.plain_zip_bytes, "архив ZIP"),
        ("макрос.docx", files.docm_bytes, "макросы"),
        ("битый.docx", lambda: files.docx_bytes()[:300], "повреждён"),
        ("пусто.pdf", lambda: b"", "пустой"),
    ],
)
def test_it_refuses_what_is_not_what_it_says(upload, name, make, message):
    with pytest.raises(ValidationError, match=message):
        evidence_file_check(upload(name, make()))


def test_it_refuses_files_over_the_configured_size(upload, settings):
    settings.EVIDENCE_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="больше"):
        evidence_file_check(upload("справка.pdf", files.pdf_bytes() + b" " * 200))


def test_it_shows_the_refusal_next_to_the_field_and_stores_nothing(cast, client, upload):
    response = _report(client, cast, upload("отчёт.pdf", files.exe_bytes()), upload("a.pdf", files.html_bytes()))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Файл «отчёт.pdf» — программа, а не документ" in page
    assert "Файл «a.pdf» — веб-страница" in page
    assert not Evidence.objects.exists()
    cast.cp_a.refresh_from_db()
    assert cast.cp_a.report_text == ""


def test_it_stores_files_privately_under_server_made_names(cast, client, upload):
    response = _report(client, cast, upload("../../x.pdf", files.pdf_bytes()), upload("a" * 300 + ".docx", files.docx_bytes()))
    assert response.status_code == 302
    pdf, docx = Evidence.objects.order_by("pk")
    assert pdf.original_name == "x.pdf"
    assert len(docx.original_name) == 255 and docx.original_name.endswith("a.docx")
    private_root = Path(settings.MEDIA_ROOT) / "private"
    for evidence in (pdf, docx):
        path = Path(evidence.file.path).resolve()
        assert path.is_relative_to(private_root.resolve())
        assert path.exists()
        assert ".." not in evidence.file.name and "x" != path.stem
        assert len(path.stem) == 32 and path.suffix in (".pdf", ".docx")
    with pytest.raises(ValueError):
        pdf.file.url


@pytest.mark.parametrize(
    "name, expected",
    [
        ("../../x.pdf", "x.pdf"),
        ("C:\\Users\\Иванова\\отчёт.docx", "отчёт.docx"),
        ("evil\x00name\r\n.pdf", "evilname.pdf"),
        ("\u202efdp.exe", "fdp.exe"),
        ("..", "файл"),
        ("   ", "файл"),
    ],
)
def test_it_cleans_names(name, expected):
    assert safe_filename(name) == expected


def test_it_cuts_a_long_name_keeping_its_extension():
    name = safe_filename("Справка " * 60 + ".pdf")
    assert len(name) <= 255 and name.endswith(".pdf")


def test_it_encodes_the_download_name_for_every_browser():
    header = content_disposition('Отчёт "по" мониторингу;\r\n.pdf')
    assert header.startswith('attachment; filename="')
    assert "\r" not in header and "\n" not in header
    assert "filename*=UTF-8''" + quote('Отчёт "по" мониторингу;.pdf', safe="") in header
    ascii_part = header.split('filename="')[1].split('"')[0]
    assert ascii_part.endswith(".pdf") and '"' not in ascii_part and ";" not in ascii_part


def test_it_serves_a_file_only_to_who_sees_the_point(cast, client, upload):
    _report(client, cast, upload("справка о проведении.pdf", files.pdf_bytes()), links="https://school.example.ru/news/1")
    evidence = Evidence.objects.exclude(file="").get()
    url = reverse("monitoring:evidence_download", args=[evidence.pk])
    for role in ("director_a", "curator", "coordinator", "chair", "region_viewer"):
        client.force_login(getattr(cast, role))
        response = client.get(url)
        assert response.status_code == 200, role
        assert b"".join(response.streaming_content) == files.pdf_bytes()
        assert response["Content-Type"] == "application/pdf"
        assert "filename*=UTF-8''" + quote("справка о проведении.pdf", safe="") in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
    for role in ("director_b", "coordinator_other", "no_role"):
        client.force_login(getattr(cast, role))
        assert client.get(url).status_code == 404, role
    client.logout()
    assert client.get(url).status_code == 302


def test_it_keeps_links_and_refuses_scripts_as_links(cast, client):
    response = _report(client, cast, links="https://school.example.ru/a\njavascript:alert(1)")
    assert "не ссылка на сайт" in response.content.decode()
    assert not Evidence.objects.exists()
    _report(client, cast, links="https://school.example.ru/a\n\nhttp://school.example.ru/b")
    assert list(Evidence.objects.values_list("link", flat=True)) == ["https://school.example.ru/a", "http://school.example.ru/b"]


def test_it_lets_the_reporter_remove_a_wrong_file_before_submitting(cast, client, upload):
    _report(client, cast, upload("не тот.pdf", files.pdf_bytes()))
    evidence = Evidence.objects.get()
    path = evidence.file.path
    cast.cp_a.refresh_from_db()
    client.force_login(cast.curator)
    assert client.post(reverse("monitoring:evidence_delete", args=[evidence.pk]), {"version": cast.cp_a.version}).status_code == 403
    client.force_login(cast.director_b)
    assert client.post(reverse("monitoring:evidence_delete", args=[evidence.pk]), {"version": cast.cp_a.version}).status_code == 404
    client.force_login(cast.director_a)
    response = client.post(reverse("monitoring:evidence_delete", args=[evidence.pk]), {"version": cast.cp_a.version})
    assert response.status_code == 302
    assert not Evidence.objects.exists()


def test_visit_files_follow_the_same_rules(cast, client, upload):
    client.force_login(cast.curator)
    url = reverse("monitoring:visit_add", args=[cast.school_a.pk])
    refused = client.post(url, {"date": "2026-11-20", "purpose": "Посещение уроков", "files": [upload("акт.pdf", files.html_bytes())]})
    assert "веб-страница" in refused.content.decode()
    response = client.post(
        url, {"date": "2026-11-20", "purpose": "Посещение уроков", "findings": "Уроки проведены", "files": [upload("акт.pdf", files.pdf_bytes())]}
    )
    assert response.status_code == 302
    from monitoring.models import VisitFile

    row = VisitFile.objects.get()
    assert os.path.basename(row.file.name) != "акт.pdf"
    download = reverse("monitoring:visit_file_download", args=[row.pk])
    client.force_login(cast.director_a)
    assert client.get(download).status_code == 200
    client.force_login(cast.director_b)
    assert client.get(download).status_code == 404
    client.force_login(cast.coordinator_other)
    assert client.get(download).status_code == 404
