"""Redis stops: every page still serves, nobody is logged out, queued work waits and the user is told.

A private redis-server (never the shared one) is the cache and the Celery broker here; it is
stopped after the portal has used it, so pooled connections break as they would in production.
"""

import shutil
import time

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import cache
from django.urls import reverse
from kombu import pools

from bench.faults.harness import PrivateRedis
from reports.models import ReportFile
from reports.tasks import report_file_render_task, report_files_resume_task
from tests.test_object_urls_scoping import OBJECT_URLS, PLAIN_URLS, cast  # noqa: F401 — the walk's cast

ROLES = ["coordinator", "chair", "curator", "director_a", "region_viewer"]
NOT_PAGES = {"accounts:logout"}  # POST only


@pytest.fixture
def private_redis():
    if not shutil.which("redis-server"):
        pytest.skip("нет redis-server (пакет redis-server): отказ Redis не проверить")
    server = PrivateRedis(6391)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_stopped(private_redis, settings):
    """The cache and the broker on the private Redis, used once while it runs, then the server stopped."""
    from schnor_portal.celery import app

    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": private_redis.url,
            "OPTIONS": django_settings.REDIS_CACHE_OPTIONS,
        }
    }
    cache.set("schnor-faults-warm", "да", 30)
    assert cache.get("schnor-faults-warm") == "да"
    previous = {key: app.conf[key] for key in ("broker_url", "result_backend", "task_always_eager")}

    def use_broker(url, backend, eager):
        # The result backend too: in production it is the same Redis, and a sender that waits on it
        # (a task that keeps its result) would hang for ~20 s before the page answers.
        app.conf.broker_url, app.conf.result_backend, app.conf.task_always_eager = url, backend, eager
        app._backend_cache = None  # Celery caches the backend object, per thread unless thread-safe
        app._local.__dict__.pop("backend", None)
        settings.CELERY_TASK_ALWAYS_EAGER = eager
        # Celery keeps its connection and producer pools per broker URL: start both afresh.
        pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    use_broker(private_redis.url, private_redis.url, False)
    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=3)
    private_redis.stop()
    yield private_redis
    use_broker(previous["broker_url"], previous["result_backend"], previous["task_always_eager"])


def page_urls(cast):
    for name, (objects, mode) in OBJECT_URLS.items():
        if mode != "post":
            yield name, reverse(name, args=[getattr(cast, objects[0]).pk])
    for name in sorted(PLAIN_URLS - NOT_PAGES):
        yield name, reverse(name)


def test_every_page_serves_with_redis_stopped(cast, client, redis_stopped):
    assert cache.get("schnor-faults-warm") is None  # a miss, not an error
    cache.set("schnor-faults-after", 1)  # skipped, not an error
    client.raise_request_exception = False  # a broken page is a 500 in the list, not the end of the walk
    failures = []
    for role in ROLES:
        client.force_login(getattr(cast, role))
        for name, url in page_urls(cast):
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)  # read to the end: the test client then closes the file
            status = response.status_code
            if status >= 500:
                failures.append((role, name, status))
    assert not failures


def test_login_and_sessions_do_not_need_redis(cast, client, redis_stopped):
    response = client.post(reverse("accounts:login"), {"username": "coordinator", "password": "demo"})
    assert response.status_code == 302
    assert client.get(reverse("monitoring:dashboard")).status_code == 200


def test_a_report_ordered_while_the_queue_is_down_is_made_later(transactional_db, cast, client, redis_stopped):
    # transactional_db: the order is committed as in production, so its on_commit dispatch runs at once.
    client.force_login(cast.coordinator)
    url = reverse("reports:plan_report", args=[cast.plan.pk])
    response = client.post(url, {"period_start": "01.01.2025", "period_end": "31.12.2025"}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "очередь фоновых задач сейчас недоступна" in page and "будет сформирован автоматически" in page
    report_file = ReportFile.objects.get(status=ReportFile.Status.PENDING)  # kept, not lost

    # Redis is back; the beat's sweep finds the report that waited and queues it.
    redis_stopped.start()
    ReportFile.objects.filter(pk=report_file.pk).update(created_at=report_file.created_at.replace(year=2020))
    assert report_files_resume_task() == {"queued_again": 1, "abandoned": 0}
    queued = redis.Redis.from_url(redis_stopped.url)
    deadline = time.monotonic() + 10
    while not queued.llen("celery") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert queued.llen("celery") == 1
    # What a worker does with it; a second copy of the same order renders nothing twice.
    report_file_render_task(report_file.pk)
    report_file_render_task(report_file.pk)
    report_file.refresh_from_db()
    assert report_file.status in (ReportFile.Status.DONE, ReportFile.Status.FAILED)
    assert report_file.status == ReportFile.Status.DONE, report_file.error
