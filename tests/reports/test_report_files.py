"""School and plan reports are rendered by a Celery task (eager here) with progress; the page polls it."""

import datetime

import pytest
from django.urls import reverse

from monitoring.models import ControlPoint
from reports.models import ReportFile
from reports.tasks import report_file_render_task

from .conftest import poppler, squash


def test_a_school_report_is_rendered_and_downloaded(cast, client, django_capture_on_commit_callbacks):
    ControlPoint.objects.filter(pk=cast.cp_a.pk).update(status=ControlPoint.Status.DONE, report_text="Проведено 3 тренировочных ОГЭ")
    client.force_login(cast.director_a)
    url = reverse("reports:school_report", args=[cast.school_a.pk])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url, {"period_start": "01.01.2025", "period_end": "31.12.2025"})
    assert len(callbacks) == 1
    report_file = ReportFile.objects.get()
    assert response.url == reverse("reports:report_file_detail", args=[report_file.pk])
    report_file.refresh_from_db()
    assert (report_file.status, report_file.progress, report_file.owner) == ("done", 100, cast.director_a)
    page = client.get(response.url).content.decode()
    assert reverse("reports:report_file_download", args=[report_file.pk]) in page and "hx-trigger" not in page
    download = client.get(reverse("reports:report_file_download", args=[report_file.pk]))
    data = b"".join(download.streaming_content)
    assert data.startswith(b"%PDF")
    path = report_file.file.path
    text = squash(poppler("pdftotext", "-raw", path, "-"))
    for expected in ("Аналитическая справка", "Проведено 3 тренировочных ОГЭ", cast.school_a.full_name, "25.03.2025", "выполнено"):
        assert squash(expected) in text, expected


def test_a_plan_report_counts_completion_and_overdue(cast, client, django_capture_on_commit_callbacks):
    client.force_login(cast.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:plan_report", args=[cast.plan.pk]), {"period_start": "01.01.2025", "period_end": "31.12.2025"})
    report_file = ReportFile.objects.get()
    assert report_file.status == "done"
    text = poppler("pdftotext", "-raw", report_file.file.path, "-")
    assert squash(cast.plan.title) in squash(text)
    assert "Исполнение плана" in text and "По разделам" in text and "По кластерам" in text and "По школам" in text
    assert "Просроченные контрольные точки" in text
    assert response.status_code == 302


def test_a_pending_report_is_polled_every_two_seconds(cast, client):
    report_file = ReportFile.objects.create(
        owner=cast.curator, kind="school", school=cast.school_a, period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2025, 12, 31)
    )
    client.force_login(cast.curator)
    page = client.get(reverse("reports:report_file_detail", args=[report_file.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page and reverse("reports:report_file_status", args=[report_file.pk]) in page
    assert client.get(reverse("reports:report_file_download", args=[report_file.pk])).status_code == 404
    report_file_render_task(report_file.pk)
    partial = client.get(reverse("reports:report_file_status", args=[report_file.pk])).content.decode()
    assert "Скачать PDF" in partial and "hx-trigger" not in partial


def test_a_report_is_only_its_owners(cast, client):
    report_file = ReportFile.objects.create(
        owner=cast.curator, kind="school", school=cast.school_a, period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2025, 12, 31)
    )
    client.force_login(cast.coordinator)
    for name in ("reports:report_file_detail", "reports:report_file_status", "reports:report_file_download"):
        assert client.get(reverse(name, args=[report_file.pk])).status_code == 404


@pytest.mark.parametrize("role, school, status", [("director_a", "school_b", 404), ("curator", "school_b", 404), ("coordinator_other", "school_a", 404), ("chair", "school_b", 200)])
def test_a_school_report_follows_who_sees_the_school(cast, client, role, school, status):
    client.force_login(getattr(cast, role))
    assert client.get(reverse("reports:school_report", args=[getattr(cast, school).pk])).status_code == status


def test_the_period_is_checked_in_russian(cast, client):
    client.force_login(cast.coordinator)
    response = client.post(reverse("reports:plan_report", args=[cast.plan.pk]), {"period_start": "31.12.2025", "period_end": "01.01.2025"})
    assert response.context["form"].errors["period_end"] == ["Конец периода раньше начала."]
    assert not ReportFile.objects.exists()


def test_a_failure_is_recorded_not_lost(cast, monkeypatch):
    import reports.report_files as report_files

    def broken(*args, **kwargs):
        raise RuntimeError("шрифт не найден")

    monkeypatch.setattr(report_files, "render_report_pdf", broken)
    report_file = ReportFile.objects.create(
        owner=cast.curator, kind="school", school=cast.school_a, period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2025, 12, 31)
    )
    report_file_render_task(report_file.pk)
    report_file.refresh_from_db()
    assert report_file.status == "failed" and "шрифт не найден" in report_file.error
