"""The digest through a real Celery worker: another process, Redis as the broker, PostgreSQL rows.

The worker is started here (`celery -A schnor_portal worker --pool=solo --concurrency=1`) on a
queue of its own, with the file-based e-mail backend, so the letters it sends can be read back.
It needs Redis (REDIS_URL, as .ci/run sets it) and a database another process can reach:
PostgreSQL with committed rows (transactional_db); on SQLite the test is skipped.
"""

import datetime
import email
import email.policy
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from accounts.models import Role
from monitoring.models import DigestLog
from tests import factories as f

ROOT = Path(__file__).resolve().parents[3]
UTC = datetime.timezone.utc


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL не задан: без Redis задачи Celery выполняются в процессе, настоящий воркер не проверить")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis по адресу {url} недоступен: {error}")
    return url


def _database_url():
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"], safe="")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _letters(directory: Path):
    """Messages the file-based backend wrote: one file per connection, messages split by a rule."""
    messages = []
    for path in sorted(directory.glob("*.log")):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk.strip(), policy=email.policy.default))
    return messages


@pytest.fixture
def worker(redis_url, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("База — SQLite: воркер в другом процессе не увидит данные теста; нужен PostgreSQL (DATABASE_URL)")
    queue = f"schnor-test-{uuid.uuid4().hex[:8]}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    log_path = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "schnor_portal.settings",
        "SECRET_KEY": "worker-test-only-secret-key-long-enough-for-the-weak-key-check-0123456789",
        "DEBUG": "0",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": redis_url,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PORTAL_BASE_URL": "https://shnor.example.ru",
        # libpq names the worker's sessions, so the teardown can wait for exactly them to end.
        "PGAPPNAME": queue,
    }
    celery = Path(sys.executable).with_name("celery")
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(celery), "-A", "schnor_portal", "worker", "--pool=solo", "--concurrency=1", "-Q", queue,
             "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        yield {"queue": queue, "mail": mail_dir, "log": log_path, "process": process}
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        _end_sessions(queue)


def _end_sessions(application_name):
    """Wait until the worker's PostgreSQL sessions are gone, ending any that outlive the process.

    A backend notices its client is gone only when it next reads from the socket; until then the
    test database has «another session» and dropping it at the end of the run fails or waits.
    """
    query = "SELECT pid FROM pg_stat_activity WHERE application_name = %s AND pid <> pg_backend_pid()"
    with connection.cursor() as cursor:
        for _ in range(50):
            cursor.execute(query, [application_name])
            if not cursor.fetchall():
                return
            time.sleep(0.1)
        cursor.execute(f"SELECT pg_terminate_backend(pid) FROM ({query}) AS left_over", [application_name])


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_each_digest_once(worker, settings):
    from monitoring.tasks import send_digests_task

    assert not settings.CELERY_TASK_ALWAYS_EAGER, "с REDIS_URL задачи должны идти через брокер"
    muni = f.MunicipalityFactory(time_zone="Asia/Sakhalin")
    school = f.SchoolFactory(municipality=muni, short_name="МБОУ СОШ № 5")
    director = f.UserFactory(username="d5", role=Role.DIRECTOR, municipality=muni, school=school, email="d5@example.ru")
    coordinator = f.UserFactory(username="k5", role=Role.COORDINATOR, municipality=muni, email="k5@example.ru")
    plan = f.PlanFactory(municipality=muni)
    activity = f.ActivityFactory(section=f.PlanSectionFactory(plan=plan))
    local_day = datetime.date(2026, 11, 24)
    school_point = f.ControlPointFactory(activity=activity, school=school, due_date=local_day)
    f.ControlPointFactory(activity=activity, school=None, due_date=local_day - datetime.timedelta(days=3))

    eight_in_sakhalin = datetime.datetime(2026, 11, 23, 21, 0, tzinfo=UTC).isoformat()
    try:
        first = send_digests_task.apply_async(kwargs={"now": eight_in_sakhalin}, queue=worker["queue"]).get(timeout=120)
        second = send_digests_task.apply_async(kwargs={"now": eight_in_sakhalin}, queue=worker["queue"]).get(timeout=60)
    except Exception:
        print(worker["log"].read_text(errors="replace"))
        raise
    assert muni.name in first["municipalities"]
    assert first["sent"] == 2 and second["sent"] == 0 and second["already_sent"] == 2

    letters = _letters(worker["mail"])
    assert sorted(str(m["To"]) for m in letters) == ["d5@example.ru", "k5@example.ru"]
    by_address = {str(m["To"]): m for m in letters}
    school_letter = by_address["d5@example.ru"]
    assert str(school_letter["Subject"]).strip() == "Портал ШНОР: контрольные точки на 24.11.2026"
    text = school_letter.get_body(preferencelist=("plain",)).get_content()
    assert "СРОК СЕГОДНЯ (1)" in text
    assert f"https://shnor.example.ru/execution/points/{school_point.pk}/" in text
    coordinator_text = by_address["k5@example.ru"].get_body(preferencelist=("plain",)).get_content()
    assert "ПРОСРОЧЕНО (1)" in coordinator_text and "просрочено на 3 дня" in coordinator_text
    assert set(DigestLog.objects.values_list("user__username", "local_date")) == {("d5", local_day), ("k5", local_day)}
    assert director.pk and coordinator.pk
