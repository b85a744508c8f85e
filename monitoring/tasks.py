"""Celery tasks of the execution tracking: interfaces that call monitoring/reminders.py."""

import datetime

from celery import shared_task

from .reminders import digests_send


@shared_task(bind=True, max_retries=3, default_retry_delay=600)
def send_digests_task(self, now: str | None = None, force: bool = False, municipality_ids: list[int] | None = None):
    """Hourly: send the morning digests of the municipalities where it is now the send hour.

    `now` (ISO 8601 with offset) is for a replay and for tests; letters that failed to go are
    retried later, and the (user, day) claim keeps the others from going twice.
    """
    moment = datetime.datetime.fromisoformat(now) if now else None
    report = digests_send(now=moment, force=force, municipality_ids=municipality_ids)
    if report.failed:
        raise self.retry()
    return {
        "municipalities": report.municipalities,
        "sent": report.sent,
        "already_sent": report.already_sent,
        "without_email": report.without_email,
    }
