import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schnor_portal.settings")

app = Celery("schnor_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic schedules live here, in one place; the digest is added with the reminders.
app.conf.beat_schedule = {}
