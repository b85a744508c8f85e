"""Celery tasks of the execution tracking: interfaces that call monitoring/control/reminders.py."""

import datetime

from celery import shared_task

from monitoring.control.counts import register_counts_warm
from monitoring.control.reminders import digests_send
from monitoring.control.selectors import dashboard_sums_warm


# acks_late + reject_on_worker_lost: the broker keeps the task until it has finished, so a worker
# killed in the middle of the digest hands it to the next worker (or to itself after a restart,
# once CELERY_VISIBILITY_TIMEOUT passes). The digest sends each letter once however often it runs.
@shared_task(bind=True, max_retries=3, default_retry_delay=600, acks_late=True, reject_on_worker_lost=True)
def send_digests_task(self, now: str | None = None, force: bool = False, municipality_ids: list[int] | None = None):
    """Hourly: send what is owed of the morning digests in the municipalities past their send hour.

    `now` (ISO 8601 with offset) is for a replay and for tests; letters that failed to go are
    retried later, and the (user, day) row keeps the others from going twice.
    """
    moment = datetime.datetime.fromisoformat(now) if now else None
    report = digests_send(now=moment, force=force, municipality_ids=municipality_ids)
    if report.failed:
        raise self.retry()
    return {
        "municipalities": report.municipalities,
        "late": report.late,
        "sent": report.sent,
        "already_sent": report.already_sent,
        "without_email": report.without_email,
    }


@shared_task(ignore_result=True)
def warm_dashboard_sums_task():
    """Every few minutes: count what changed of each municipality's dashboard sums and of the
    register's most opened counts, before anyone opens a page
    (monitoring.control.selectors.dashboard_sums_warm, monitoring.control.counts.register_counts_warm).
    Idempotent; a run missed is only a slower first page. Returns the municipalities warmed."""
    warmed = dashboard_sums_warm()
    register_counts_warm()
    return warmed
