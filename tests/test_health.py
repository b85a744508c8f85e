"""/health/: 200 with every part up, 503 with the database or Redis down; public, no data in it."""

import datetime
from unittest import mock

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import cache
from django.utils import timezone

from bench.faults.harness import free_port
from schnor_portal.tasks import HEARTBEAT_KEY, heartbeat_task

# The shared Redis of this machine and CI, in the database the tests of this file may use.
SHARED_REDIS = "redis://127.0.0.1:6379/14"


def redis_cache(settings, url):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": django_settings.REDIS_CACHE_OPTIONS,
        }
    }


@pytest.fixture
def production_like(settings):
    """The cache on a running Redis and Celery not eager, as on a server."""
    try:
        redis.Redis.from_url(SHARED_REDIS, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip("нет Redis на 127.0.0.1:6379: /health/ с Redis не проверить")
    redis_cache(settings, SHARED_REDIS)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    yield
    cache.delete(HEARTBEAT_KEY)


def test_all_up_is_200(db, client, production_like):
    heartbeat_task()  # what the worker does when beat queues it
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert (body["database"], body["redis"], body["celery"]) == ("ok", "ok", "ok")
    assert datetime.datetime.fromisoformat(body["beat_last_heartbeat"]) <= timezone.now()
    assert "no-cache" in response["Cache-Control"]


def test_no_heartbeat_is_503(db, client, production_like):
    cache.delete(HEARTBEAT_KEY)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {
        "status": "fail", "database": "ok", "redis": "ok", "celery": "no heartbeat", "beat_last_heartbeat": None,
    }


def test_an_old_heartbeat_is_503(db, client, production_like):
    old = timezone.now() - datetime.timedelta(minutes=10)
    cache.set(HEARTBEAT_KEY, old.isoformat(), 60)
    body = client.get("/health/").json()
    assert body["celery"] == "stale" and body["status"] == "fail"
    assert body["beat_last_heartbeat"] == old.isoformat()


def test_database_down_is_503(db, client, production_like):
    heartbeat_task()
    with mock.patch("schnor_portal.health.connection.cursor", side_effect=Exception("password=secret host=db")):
        response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail" and body["database"] == "error" and body["redis"] == "ok"
    assert "secret" not in response.content.decode()  # no error text leaves the server


def test_redis_down_is_503(db, client, settings):
    redis_cache(settings, f"redis://127.0.0.1:{free_port(6392)}/0")  # nothing listens there
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body == {"status": "fail", "database": "ok", "redis": "error", "celery": "no heartbeat", "beat_last_heartbeat": None}


def test_a_local_run_without_redis_is_healthy(db, client, settings):
    # `make run`: no REDIS_URL, so the local-memory cache and eager Celery (set here: CI gives the
    # tests a REDIS_URL).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok", "database": "ok", "redis": "not configured", "celery": "eager", "beat_last_heartbeat": None,
    }


def test_it_needs_no_login_and_takes_only_get(db, client):
    assert client.get("/health/").status_code in (200, 503)  # never the login page
    assert client.post("/health/").status_code == 405


def test_beat_queues_the_heartbeat_every_minute():
    from schnor_portal.celery import app

    entry = app.conf.beat_schedule["portal-heartbeat"]
    assert entry["task"] == heartbeat_task.name == "schnor_portal.tasks.heartbeat_task"
    assert entry["schedule"] == 60.0


def test_a_failing_probe_sends_no_letter_to_admins(db, client, settings, caplog):
    from django.core import mail

    settings.ADMINS = [("Админ", "it@example.ru")]
    redis_cache(settings, f"redis://127.0.0.1:{free_port(6393)}/0")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    assert client.get("/health/").status_code == 503
    assert not mail.outbox  # the monitoring probes every minute: no letter each time
    assert any(r.levelname == "WARNING" and "/health/" in r.getMessage() for r in caplog.records)
