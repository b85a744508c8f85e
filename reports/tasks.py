"""Background work of reports: a task fetches its row and calls the service (STYLE §6).

The queue (Redis) may be down when a report is ordered: the row is saved anyway, the page tells
the user it will be made later, and `report_files_resume_task` (beat, every two minutes) queues
again whatever has waited too long. However often a file is queued, one worker renders it: the
task claims the row (pending → running) before it starts.
"""

import datetime
import logging

from celery import shared_task
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

from .models import ReportFile
from .report_files import report_file_render

log = logging.getLogger(__name__)

# A report waiting this long was most likely never queued (the queue was down when it was ordered).
RESUME_AFTER = datetime.timedelta(minutes=2)
# Rendering takes seconds; a report «running» this long lost its worker.
ABANDONED_AFTER = datetime.timedelta(hours=1)
ABANDONED = "Формирование отчёта прервалось (фоновый обработчик был остановлен). Закажите отчёт ещё раз."


# ignore_result: the row holds the outcome; and with a result backend the sender would subscribe to
# the result in Redis, which with Redis down retries for ~20 s before the page can answer.
@shared_task(ignore_result=True)
def report_file_render_task(report_file_id: int):
    claimed = ReportFile.objects.filter(pk=report_file_id, status=ReportFile.Status.PENDING).update(
        status=ReportFile.Status.RUNNING
    )
    if not claimed:
        return  # finished, or another worker has it: a report queued twice is rendered once
    report_file = ReportFile.objects.select_related("school", "plan", "owner").get(pk=report_file_id)
    report_file_render(report_file=report_file)


def report_file_enqueue(report_file: ReportFile) -> bool:
    """Queue the rendering; False (and `report_file.queued = False`) when the queue is unreachable."""
    try:
        report_file_render_task.delay(report_file.pk)
        queued = True
    except (BrokerError, RedisError, OSError):
        log.warning("Очередь недоступна: отчёт %s будет поставлен в очередь позже", report_file.pk, exc_info=True)
        queued = False
    report_file.queued = queued
    return queued


@shared_task(ignore_result=True)
def report_files_resume_task():
    """Queue again the reports nobody has taken for RESUME_AFTER; fail the ones abandoned mid-render."""
    now = timezone.now()
    waiting = list(
        ReportFile.objects.filter(status=ReportFile.Status.PENDING, created_at__lt=now - RESUME_AFTER)
        .order_by("created_at")
        .values_list("pk", flat=True)
    )
    for pk in waiting:
        report_file_render_task.delay(pk)
    abandoned = ReportFile.objects.filter(
        Q(status=ReportFile.Status.RUNNING) & Q(created_at__lt=now - ABANDONED_AFTER)
    ).update(status=ReportFile.Status.FAILED, error=ABANDONED, finished_at=now)
    return {"queued_again": len(waiting), "abandoned": abandoned}
