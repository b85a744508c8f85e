"""/health/: is each part of the portal up? For the admin's monitoring, without a login.

200 when the database, Redis and the Celery chain (beat → worker, by the heartbeat of
schnor_portal/tasks.py) all answer, 503 when any does not. Only the state of each part: no
counts, no names, no error texts (they may carry host names or passwords of a DSN).
"""

import datetime
import logging

from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_redis import get_redis_connection
from django_redis.cache import RedisCache

from .tasks import HEARTBEAT_KEY

logger = logging.getLogger(__name__)

# Beat queues the heartbeat every minute: three missed in a row is a stopped beat or worker,
# not a busy one.
HEARTBEAT_MAX_AGE = datetime.timedelta(minutes=3)


def _database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 — any failure is «down»; the log keeps the reason
        logger.warning("/health/: база данных не отвечает", exc_info=True)
        return "error"
    return "ok"


def _redis_client():
    """The cache's own Redis client, or None when the cache is not Redis (a local run)."""
    if not isinstance(caches["default"], RedisCache):
        return None
    return get_redis_connection("default")


def _redis():
    try:
        client = _redis_client()
        if client is None:
            return "not configured"
        # The cache swallows Redis errors (IGNORE_EXCEPTIONS); a ping on its client does not.
        client.ping()
    except Exception:  # noqa: BLE001
        logger.warning("/health/: Redis не отвечает", exc_info=True)
        return "error"
    return "ok"


def _last_heartbeat():
    value = cache.get(HEARTBEAT_KEY)
    if not value:
        return None
    try:
        return datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


@never_cache
@require_GET
def health(request):
    database = _database()
    redis = _redis()
    heartbeat = _last_heartbeat() if redis == "ok" else None
    if settings.CELERY_TASK_ALWAYS_EAGER:
        # A local run without REDIS_URL: tasks run inside the request, there is no worker to miss.
        celery = "eager"
    elif heartbeat is None:
        celery = "no heartbeat"
    elif timezone.now() - heartbeat > HEARTBEAT_MAX_AGE:
        celery = "stale"
    else:
        celery = "ok"
    healthy = database == "ok" and redis in ("ok", "not configured") and celery in ("ok", "eager")
    body = {
        "status": "ok" if healthy else "fail",
        "database": database,
        "redis": redis,
        "celery": celery,
        "beat_last_heartbeat": heartbeat.isoformat() if heartbeat else None,
    }
    response = JsonResponse(body, status=200 if healthy else 503)
    if not healthy:
        # Said once here, as a warning. Django would log the 503 at ERROR on django.request, and
        # mail_admins would send a letter for every probe of the monitoring while a part is down.
        logger.warning("/health/: %s", body)
        response._has_been_logged = True  # django.utils.log.log_response skips a response marked so
    return response
