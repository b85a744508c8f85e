"""Rendering of the reports a user ordered (a school's, a plan's execution): the task's service.

Ordering one is `services.report_file_request`; `tasks.report_file_render_task` claims the row and
calls `report_file_render` here, which imports no task, so tasks and services need not import
each other.
"""

import logging
import uuid

from django.core.files.base import ContentFile
from django.utils import timezone

from .models import ReportFile
from .pdf import render_report_pdf
from .selectors import plan_report_data, school_report_data

logger = logging.getLogger(__name__)


def _progress(report_file: ReportFile, percent: int, status=ReportFile.Status.RUNNING):
    ReportFile.objects.filter(pk=report_file.pk).update(progress=percent, status=status)


def report_file_render(*, report_file: ReportFile) -> ReportFile:
    """Render the report and store it; a failure is recorded on the row, never lost."""
    if report_file.is_finished:
        return report_file
    try:
        _progress(report_file, 10)
        today = timezone.localdate()
        # The report shows what its owner may see, as their pages do.
        period = {
            "period_start": report_file.period_start,
            "period_end": report_file.period_end,
            "today": today,
            "user": report_file.owner,
        }
        if report_file.kind == ReportFile.Kind.SCHOOL:
            context = school_report_data(school=report_file.school, **period)
            template = "reports/school_report_pdf.html"
        else:
            context = plan_report_data(plan=report_file.plan, **period)
            template = "reports/plan_report_pdf.html"
        _progress(report_file, 40)
        pdf_bytes = render_report_pdf(template, context)
        _progress(report_file, 90)
        report_file.file.save(f"{report_file.kind}-{uuid.uuid4().hex}.pdf", ContentFile(pdf_bytes), save=False)
        report_file.status = ReportFile.Status.DONE
        report_file.progress = 100
    except Exception as error:
        logger.exception("report file %s failed", report_file.pk)
        report_file.status = ReportFile.Status.FAILED
        report_file.error = f"Не удалось сформировать отчёт: {error}"
    report_file.finished_at = timezone.now()
    report_file.save(update_fields=["file", "status", "progress", "error", "finished_at"])
    return report_file
