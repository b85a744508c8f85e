"""The services the portal scales on, exercised for real when the environment names them."""

import os
import uuid

import pytest
from django.core.cache import cache
from django.db import connection


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="DATABASE_URL не указывает на PostgreSQL: тесты идут на SQLite")
def test_it_runs_on_postgresql(db):
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_encoding")
        assert cursor.fetchone()[0] == "UTF8"


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL не задан: кэш в памяти, задачи Celery выполняются сразу")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis по адресу {url} недоступен: {error}")
    return url


def test_it_caches_in_redis(redis_url):
    key = f"schnor-test-{uuid.uuid4()}"
    cache.set(key, "кластер 3", timeout=30)
    assert cache.get(key) == "кластер 3"
    cache.delete(key)


def test_it_sends_celery_tasks_to_redis_when_configured(redis_url, settings):
    from schnor_portal.celery import app

    assert app.conf.broker_url == redis_url
    assert not settings.CELERY_TASK_ALWAYS_EAGER
