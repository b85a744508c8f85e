"""Background work of reports: a task fetches its row and calls the service (STYLE §6)."""

from celery import shared_task

from .models import ReportFile
from .services import report_file_render


@shared_task
def report_file_render_task(report_file_id: int):
    report_file = ReportFile.objects.select_related("school", "plan", "owner").filter(pk=report_file_id).first()
    if report_file is not None:
        report_file_render(report_file=report_file)
