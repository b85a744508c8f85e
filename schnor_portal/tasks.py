"""The heartbeat: beat queues it every minute, a worker runs it and writes the time to Redis.

A fresh time in the cache proves the whole chain at once (beat schedules, the broker delivers, a
worker runs), which `app.control.ping` cannot: it answers for the worker only and waits a second
for it on every request. /health/ (schnor_portal/health.py) reads it.
"""

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_KEY = "schnor:celery-heartbeat"
# Kept a day: an old time still tells the admin when beat or the worker stopped.
HEARTBEAT_KEEP_SECONDS = 24 * 3600


# expires: queued while no worker runs, a heartbeat is stale within a minute; a worker that comes
# back must not work through an hour of them.
@shared_task(ignore_result=True, expires=55)
def heartbeat_task():
    cache.set(HEARTBEAT_KEY, timezone.now().isoformat(), HEARTBEAT_KEEP_SECONDS)
