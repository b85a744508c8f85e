import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schnor_portal.settings")

app = Celery("schnor_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic schedules live here, in one place.
app.conf.beat_schedule = {
    # Hourly, on the hour (UTC): each municipality gets its digest when its own clock shows the
    # send hour from its reminder settings (8:00 by default), from UTC+6 to UTC+11.
    "monitoring-morning-digest": {
        "task": "monitoring.tasks.send_digests_task",
        "schedule": crontab(minute=0),
    },
    # Every minute: proves beat and a worker run (read by /health/, schnor_portal/health.py).
    "portal-heartbeat": {
        "task": "schnor_portal.tasks.heartbeat_task",
        "schedule": 60.0,
    },
    # Every five minutes: the dashboards' sums and the register's most opened counts counted ahead
    # of their readers, the first of a day and after a deploy included (monitoring/tasks.py).
    "monitoring-warm-dashboard-sums": {
        "task": "monitoring.tasks.warm_dashboard_sums_task",
        "schedule": crontab(minute="*/5"),
    },
    # Reports ordered while the queue was down, queued again once it is back (reports/tasks.py).
    "reports-resume-waiting": {
        "task": "reports.tasks.report_files_resume_task",
        "schedule": crontab(minute="*/2"),
    },
}
