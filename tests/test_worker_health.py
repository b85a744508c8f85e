"""A real Celery worker and beat, started from the project's venv as the systemd units start them,
make /health/ report the Celery chain alive; before they run it reports «no heartbeat» (503).

Everything runs in subprocesses against Redis database 15 and an SQLite file of this test (the
heartbeat touches no table; /health/ only asks the database for `SELECT 1`), so the test needs no
test database and stays well under a minute. Skipped when Redis is unreachable.

Beat's schedule is the portal's own (schnor_portal/celery.py); only its first heartbeat is made due
at start instead of a minute later (DueNowScheduler below), else the test would wait a minute.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REDIS = "redis://127.0.0.1:6379/15"
HEARTBEAT_TASK = "schnor_portal.tasks.heartbeat_task"
WAIT_SECONDS = 40
# /health/ as the portal answers it, through Django's test client in a process of its own.
HEALTH = (
    "import json, django; django.setup()\n"
    "from django.test.utils import setup_test_environment; setup_test_environment()\n"
    "from django.test import Client\n"
    "r = Client().get('/health/', secure=True)\n"
    "print(json.dumps({'status': r.status_code, 'body': r.json()}))\n"
)

try:
    from celery.beat import PersistentScheduler
except ImportError:  # pragma: no cover — celery is a requirement; the test below then fails plainly
    PersistentScheduler = object


class DueNowScheduler(PersistentScheduler):
    """The portal's beat schedule, with the heartbeat due at once rather than one interval after start."""

    def setup_schedule(self):
        super().setup_schedule()
        for entry in self.schedule.values():
            if entry.task == HEARTBEAT_TASK:
                entry.last_run_at = entry.last_run_at - entry.schedule.run_every


def _redis_or_skip():
    import redis

    try:
        client = redis.Redis.from_url(REDIS, socket_connect_timeout=1)
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis на {REDIS} недоступен ({error}): настоящий воркер и beat не проверить")
    return client


def _env(tmp_path):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "schnor_portal.settings",
        "DEBUG": "0",
        "SECRET_KEY": "worker-health-test-only-secret-key-long-enough-for-the-weak-key-check-42",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'health.sqlite3'}",
        "REDIS_URL": REDIS,
        "PORTAL_BASE_URL": "https://shnor.example.ru",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PYTHONPATH": str(ROOT),
    }


def _health(env):
    done = subprocess.run([sys.executable, "-c", HEALTH], cwd=ROOT, env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _stop(process):
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def test_a_real_worker_and_beat_make_health_report_them_alive(tmp_path):
    client = _redis_or_skip()
    from schnor_portal.tasks import HEARTBEAT_KEY

    # The cache's key as django-redis stores it (prefix «», version 1): no heartbeat before they start.
    client.delete(f":1:{HEARTBEAT_KEY}")
    env = _env(tmp_path)
    before = _health(env)
    assert before["status"] == 503 and before["body"]["celery"] == "no heartbeat", before
    assert before["body"]["redis"] == "ok" and before["body"]["database"] == "ok"

    celery = Path(sys.executable).with_name("celery")
    logs = {name: open(tmp_path / f"{name}.log", "wb") for name in ("worker", "beat")}
    started = time.monotonic()
    processes = [
        subprocess.Popen(
            [str(celery), "-A", "schnor_portal", "worker", "--pool=solo", "--concurrency=1", "--loglevel=INFO",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=env, stdout=logs["worker"], stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(
            [str(celery), "-A", "schnor_portal", "beat", "--loglevel=INFO",
             "--scheduler", "tests.test_worker_health:DueNowScheduler",
             "--schedule", str(tmp_path / "celerybeat-schedule")],
            cwd=ROOT, env=env, stdout=logs["beat"], stderr=subprocess.STDOUT,
        ),
    ]
    try:
        after = None
        while time.monotonic() - started < WAIT_SECONDS:
            for process in processes:
                assert process.poll() is None, (tmp_path / "worker.log").read_text(errors="replace") + (
                    tmp_path / "beat.log").read_text(errors="replace")
            if client.exists(f":1:{HEARTBEAT_KEY}"):
                after = _health(env)
                break
            time.sleep(0.5)
        assert after is not None, "за {} с heartbeat не появился:\n{}\n{}".format(
            WAIT_SECONDS, (tmp_path / "worker.log").read_text(errors="replace")[-3000:],
            (tmp_path / "beat.log").read_text(errors="replace")[-3000:],
        )
        assert after["status"] == 200, after
        assert after["body"]["status"] == "ok" and after["body"]["celery"] == "ok"
        assert after["body"]["beat_last_heartbeat"]
        # The heartbeat went through the broker: beat sent it and the worker ran it.
        assert HEARTBEAT_TASK in (tmp_path / "beat.log").read_text(errors="replace")
        assert HEARTBEAT_TASK in (tmp_path / "worker.log").read_text(errors="replace")
    finally:
        for process in processes:
            _stop(process)
        for log in logs.values():
            log.close()
        client.delete(f":1:{HEARTBEAT_KEY}")
    assert all(process.returncode is not None for process in processes)
