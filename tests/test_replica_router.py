"""The read replica router (schnor_portal/db_router.py): its decisions, then a real streaming replica.

The unit tests drive the router's decisions without any replica. The last test starts two
throwaway PostgreSQL clusters in a temporary directory — a primary and a streaming replica made
from it with pg_basebackup — migrates the portal onto the primary and runs the portal against both
in a subprocess (this file run as a script): the dashboard's reads go to the replica, a write goes
to the primary and is read back at once, and the pages fall back to the primary when the replica
lags or stops. It is skipped, with the reason, where the PostgreSQL server binaries are missing.
"""

import glob
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


# --- Decisions, without a replica -------------------------------------------------------------------


@pytest.fixture
def router(settings, monkeypatch):
    """The router as if a replica were configured and healthy; `health` switches its state."""
    from schnor_portal import db_router

    monkeypatch.setattr(db_router, "replica_configured", lambda: True)
    health = {"usable": True, "checks": 0}

    def lag():
        health["checks"] += 1
        return 0.0 if health["usable"] else None

    monkeypatch.setattr(db_router, "replica_lag_seconds", lag)
    db_router.forget_replica_health()
    # A write seen by the router marks the rest of the context (the request) as written: each test
    # starts as a request that has written nothing.
    wrote, pinned = db_router._wrote.set(False), db_router._pinned.set(False)
    yield db_router, health
    db_router._wrote.reset(wrote)
    db_router._pinned.reset(pinned)
    db_router.forget_replica_health()


def test_reads_outside_a_marked_view_go_to_the_primary(router):
    db_router, _ = router
    assert db_router.ReplicaRouter().db_for_read(None) == "default"


def test_reads_in_a_marked_view_go_to_the_replica_and_writes_to_the_primary(router):
    db_router, _ = router

    @db_router.use_replica
    def view():
        return db_router.reading_from(), db_router.ReplicaRouter().db_for_write(None)

    assert view() == ("replica", "default")
    assert view.__name__ == "view"
    assert db_router.reading_from() == "default"


def test_a_read_after_a_write_in_the_same_request_goes_to_the_primary(router):
    db_router, _ = router
    with db_router.use_replica():
        assert db_router.reading_from() == "replica"
        db_router.ReplicaRouter().db_for_write(None)
        assert db_router.reading_from() == "default"


def test_without_a_replica_configured_everything_reads_from_the_primary(router, monkeypatch):
    db_router, _ = router
    monkeypatch.setattr(db_router, "replica_configured", lambda: False)
    with db_router.use_replica() as alias:
        assert alias is None
        assert db_router.reading_from() == "default"


def test_a_replica_that_is_down_is_skipped_and_checked_again_later(router, settings):
    db_router, health = router
    settings.REPLICA_CHECK_SECONDS = 60
    health["usable"] = False
    with db_router.use_replica():
        assert db_router.reading_from() == "default"
    # The state is remembered: no query per view while the replica is down.
    with db_router.use_replica():
        assert db_router.reading_from() == "default"
    assert health["checks"] == 1
    health["usable"] = True
    db_router.forget_replica_health()
    with db_router.use_replica():
        assert db_router.reading_from() == "replica"


def test_a_lagging_replica_is_skipped(router, settings, monkeypatch):
    db_router, _ = router
    settings.REPLICA_MAX_LAG_SECONDS = 5
    monkeypatch.setattr(db_router, "replica_lag_seconds", lambda: 7.5)
    with db_router.use_replica():
        assert db_router.reading_from() == "default"
    monkeypatch.setattr(db_router, "replica_lag_seconds", lambda: 4.0)
    db_router.forget_replica_health()
    with db_router.use_replica():
        assert db_router.reading_from() == "replica"


def test_the_replica_is_never_migrated(router):
    db_router, _ = router
    rules = db_router.ReplicaRouter()
    assert rules.allow_migrate("default", "monitoring") is True
    assert rules.allow_migrate("replica", "monitoring") is False


def _request(method, cookie=None):
    from django.test import RequestFactory

    factory = RequestFactory()
    request = factory.generic(method, "/")
    if cookie is not None:
        request.COOKIES["schnor_primary_until"] = cookie
    return request


def test_a_post_pins_the_browser_to_the_primary_for_the_sticky_seconds(router, settings):
    from django.http import HttpResponse

    db_router, _ = router
    settings.REPLICA_STICKY_SECONDS = 15
    seen = []

    def view(request):
        with db_router.use_replica():
            seen.append(db_router.reading_from())
        return HttpResponse("ok")

    middleware = db_router.ReplicaStickinessMiddleware(view)
    response = middleware(_request("POST"))
    cookie = response.cookies["schnor_primary_until"]
    assert cookie["max-age"] == 15
    assert cookie["httponly"]
    assert time.time() + 13 < float(cookie.value) <= time.time() + 16
    # The next GET of that browser reads from the primary; another browser's from the replica.
    middleware(_request("GET", cookie=cookie.value))
    middleware(_request("GET"))
    # Once the moment has passed, the browser reads from the replica again.
    middleware(_request("GET", cookie=f"{time.time() - 1:.0f}"))
    middleware(_request("GET", cookie="not-a-number"))
    assert seen == ["default", "default", "replica", "replica", "replica"]


def test_a_get_that_writes_pins_too_and_a_get_that_only_reads_sets_no_cookie(router):
    from django.http import HttpResponse

    db_router, _ = router

    def writing_view(request):
        db_router.ReplicaRouter().db_for_write(None)
        return HttpResponse("ok")

    def reading_view(request):
        return HttpResponse("ok")

    assert "schnor_primary_until" in db_router.ReplicaStickinessMiddleware(writing_view)(_request("GET")).cookies
    assert "schnor_primary_until" not in db_router.ReplicaStickinessMiddleware(reading_view)(_request("GET")).cookies


def test_the_marked_views_read_through_use_replica():
    """The heavy pages of the issue carry the mark: dashboards, registers, overviews, exports."""
    from monitoring.control.views import dashboard
    from monitoring.overview import views as overview
    from schools.registry import views as registry

    for view in (
        dashboard.dashboard,
        dashboard.register,
        dashboard.register_export,
        overview.municipal,
        overview.municipal_export,
        overview.plan_effect,
        registry.school_list,
        registry.school_export,
    ):
        closure = view
        marked = False
        while closure is not None and not marked:
            cells = [c.cell_contents for c in (closure.__closure__ or ())]
            marked = any(type(c).__name__ == "_ReplicaReads" for c in cells)
            closure = getattr(closure, "__wrapped__", None)
        assert marked, view.__qualname__


# --- A real streaming replica -------------------------------------------------------------------------


def _pg_bin():
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if all(os.path.exists(os.path.join(candidate, tool)) for tool in ("initdb", "pg_ctl", "pg_basebackup")):
            return candidate
    found = shutil.which("pg_basebackup")
    if found and shutil.which("initdb") and shutil.which("pg_ctl"):
        return os.path.dirname(found)
    return None


def _as_user():
    """The command prefix that runs the PostgreSQL tools as a user initdb accepts (not root)."""
    if os.geteuid() != 0:
        return [], None
    try:
        account = pwd.getpwnam("postgres")
    except KeyError:
        return None, "тест запущен от root, а пользователя postgres, от имени которого работает initdb, нет"
    if not shutil.which("runuser"):
        return None, "тест запущен от root, а runuser, чтобы запустить initdb от имени postgres, не найден"
    return ["runuser", "-u", "postgres", "--"], account


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_real_streaming_replica_serves_the_heavy_reads_and_falls_back_to_the_primary():
    pg_bin = _pg_bin()
    if pg_bin is None:
        pytest.skip("нет программ сервера PostgreSQL (initdb, pg_ctl, pg_basebackup): реплику не из чего запустить")
    prefix, account = _as_user()
    if prefix is None:
        pytest.skip(account)
    workdir = tempfile.mkdtemp(prefix="schnor-replica-")
    if account is not None:
        os.chown(workdir, account.pw_uid, account.pw_gid)
    primary, replica = os.path.join(workdir, "primary"), os.path.join(workdir, "replica")
    primary_port, replica_port = _free_port(), _free_port()

    def tool(name, *args):
        result = subprocess.run([*prefix, os.path.join(pg_bin, name), *args], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, f"{name} {' '.join(args)}: {result.stdout}{result.stderr}"

    def options(port):
        # fsync off: a throwaway cluster; the replica needs nothing else (hot_standby is on by default).
        return f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={workdir} -c fsync=off"

    def start(datadir, port):
        tool("pg_ctl", "-D", datadir, "-o", options(port), "-l", datadir + ".log", "-w", "-t", "30", "start")

    def stop(datadir):
        subprocess.run([*prefix, os.path.join(pg_bin, "pg_ctl"), "-D", datadir, "-m", "immediate", "-w", "stop"], capture_output=True, timeout=30)

    try:
        tool("initdb", "-D", primary, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync")
        start(primary, primary_port)
        import psycopg

        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{primary_port}/postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE schnor_replica_test")
        primary_url = f"postgres://postgres@127.0.0.1:{primary_port}/schnor_replica_test"
        replica_url = f"postgres://postgres@127.0.0.1:{replica_port}/schnor_replica_test"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "schnor_portal.settings_test",
            "DATABASE_URL": primary_url,
            "DATABASE_REPLICA_URL": replica_url,
            "REDIS_URL": "",
            # Checked at every view: the scenario changes the replica's state between two requests.
            "REPLICA_CHECK_SECONDS": "0",
            "REPLICA_MAX_LAG_SECONDS": "120",
            "REPLICA_STICKY_SECONDS": "30",
        }
        migrate = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "--database", "default"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
        )
        assert migrate.returncode == 0, migrate.stderr[-3000:]
        tool("pg_basebackup", "-h", "127.0.0.1", "-p", str(primary_port), "-U", "postgres", "-D", replica, "-R", "-X", "stream", "-c", "fast", "--no-sync")
        start(replica, replica_port)
        stop_command = [*prefix, os.path.join(pg_bin, "pg_ctl"), "-D", replica, "-m", "fast", "-w", "stop"]
        scenario = subprocess.run(
            [sys.executable, __file__, "scenario"],
            cwd=ROOT, env={**env, "REPLICA_STOP_COMMAND": json.dumps(stop_command)}, capture_output=True, text=True, timeout=180,
        )
        assert scenario.returncode == 0, scenario.stderr[-5000:]
        facts = json.loads(scenario.stdout.strip().splitlines()[-1])
    finally:
        stop(replica)
        stop(primary)
        shutil.rmtree(workdir, ignore_errors=True)

    # The dashboard's and the register's reads of control points went to the replica; the session
    # and the user (read before the view) to the primary.
    assert facts["dashboard"]["status"] == 200
    assert facts["dashboard"]["replica_point_queries"] > 0
    assert facts["dashboard"]["primary_point_queries"] == 0
    # A page that is not marked reads only from the primary.
    assert facts["plan_page"]["status"] == 200
    assert facts["plan_page"]["replica_queries"] == 0
    # The cancellation was written to the primary only; the replica (its replay paused) lags.
    assert facts["cancel"]["status"] == 302
    assert facts["cancel"]["replica_queries"] == 0
    assert facts["cancel"]["primary_writes"] > 0
    assert facts["cancel"]["sticky_cookie"]
    # Read your own writes: the coordinator who cancelled sees it at once, from the primary...
    assert facts["own_read"]["sees_cancelled"] is True
    assert facts["own_read"]["replica_queries"] == 0
    # ... while a browser that wrote nothing reads the replica, which has not replayed it yet.
    assert facts["other_read"]["sees_cancelled"] is False
    assert facts["other_read"]["replica_point_queries"] > 0
    # Lagging past REPLICA_MAX_LAG_SECONDS: the page reads from the primary, and is current.
    assert facts["lagging"]["sees_cancelled"] is True
    assert facts["lagging"]["replica_queries"] == 0
    # Replay resumed: the replica catches up and serves again.
    assert facts["caught_up"]["sees_cancelled"] is True
    assert facts["caught_up"]["replica_point_queries"] > 0
    # The replica stopped: the pages still answer, from the primary.
    assert facts["replica_down"]["dashboard_status"] == 200
    assert facts["replica_down"]["register_sees_cancelled"] is True
    assert facts["replica_down"]["replica_queries"] == 0


# --- The scenario, run in a subprocess against the two clusters ---------------------------------------


def _scenario():
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import datetime
    import re

    from django.db import connections
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment
    from django.urls import reverse

    from accounts.models import Role
    from monitoring.models import ControlPoint
    from schnor_portal import db_router
    from tests import factories as f

    setup_test_environment()
    muni = f.MunicipalityFactory(name="Муниципальный район с репликой")
    school = f.SchoolFactory(municipality=muni, short_name="МБОУ СОШ № 7")
    plan = f.PlanFactory(municipality=muni)
    activity = f.ActivityFactory(section=f.PlanSectionFactory(plan=plan))
    point = f.ControlPointFactory(activity=activity, school=school, due_date=datetime.date.today() + datetime.timedelta(days=40))
    coordinator = f.UserFactory(username="replica_coordinator", role=Role.COORDINATOR, municipality=muni)

    def on_replica(sql):
        with connections["replica"].cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()

    def wait_for_replay(sql, expected, seconds=20):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if on_replica(sql) == expected:
                return
            time.sleep(0.1)
        raise AssertionError(f"реплика не воспроизвела изменения за {seconds} с: {sql}")

    point_status = f"SELECT status FROM monitoring_controlpoint WHERE id = {point.pk}"
    wait_for_replay(f"SELECT count(*) FROM accounts_user WHERE id = {coordinator.pk}", (1,))

    def measured(client, method, url, data=None):
        """The response, the SQL sent to each server (the replica's health check left out), the seconds.

        Counted by execute wrappers, which, unlike CaptureQueriesContext, do not connect: the
        replica may be down."""
        sent = {"default": [], "replica": []}

        def recorder(alias):
            def record(execute, sql, params, many, context):
                if "pg_is_in_recovery" not in sql:
                    sent[alias].append({"sql": sql})
                return execute(sql, params, many, context)

            return record

        with connections["default"].execute_wrapper(recorder("default")), connections["replica"].execute_wrapper(recorder("replica")):
            started = time.monotonic()
            response = getattr(client, method)(url, data or {})
            seconds = time.monotonic() - started
        return response, sent["default"], sent["replica"], seconds

    def point_queries(queries):
        return sum("monitoring_controlpoint" in q["sql"] for q in queries)

    register_cancelled = reverse("monitoring:register") + "?status=cancelled"
    detail = reverse("monitoring:control_point_detail", args=[point.pk])

    def sees_cancelled(html):
        return detail in html

    facts = {}
    writer = Client()
    writer.force_login(coordinator)
    reader = Client()
    reader.force_login(coordinator)
    wait_for_replay("SELECT count(*) FROM django_session", (2,))

    response, primary, replica, _ = measured(writer, "get", reverse("monitoring:dashboard"))
    facts["dashboard"] = {
        "status": response.status_code,
        "replica_point_queries": point_queries(replica),
        "primary_point_queries": point_queries(primary),
    }
    response, primary, replica, _ = measured(writer, "get", reverse("roadmaps:plan_detail", args=[plan.pk]))
    facts["plan_page"] = {"status": response.status_code, "replica_queries": len(replica)}

    # The replica stops replaying: what is written now exists only on the primary.
    on_replica("SELECT pg_wal_replay_pause()")
    version = ControlPoint.objects.get(pk=point.pk).version
    response, primary, replica, _ = measured(
        writer, "post", reverse("monitoring:control_point_cancel", args=[point.pk]), {"version": version, "reason": "Мероприятие исключено из плана"}
    )
    facts["cancel"] = {
        "status": response.status_code,
        "replica_queries": len(replica),
        "primary_writes": sum(bool(re.match(r"\s*(UPDATE|INSERT)", q["sql"])) for q in primary),
        "sticky_cookie": bool(writer.cookies.get(db_router.STICKY_COOKIE)),
    }
    response, primary, replica, _ = measured(writer, "get", register_cancelled)
    facts["own_read"] = {"sees_cancelled": sees_cancelled(response.content.decode()), "replica_queries": len(replica)}
    response, primary, replica, _ = measured(reader, "get", register_cancelled)
    facts["other_read"] = {"sees_cancelled": sees_cancelled(response.content.decode()), "replica_point_queries": point_queries(replica)}

    time.sleep(1.2)
    with override_settings(REPLICA_MAX_LAG_SECONDS=0.5):
        db_router.forget_replica_health()
        response, primary, replica, _ = measured(reader, "get", register_cancelled)
    facts["lagging"] = {"sees_cancelled": sees_cancelled(response.content.decode()), "replica_queries": len(replica)}

    on_replica("SELECT pg_wal_replay_resume()")
    wait_for_replay(point_status, ("cancelled",))
    db_router.forget_replica_health()
    response, primary, replica, _ = measured(reader, "get", register_cancelled)
    facts["caught_up"] = {"sees_cancelled": sees_cancelled(response.content.decode()), "replica_point_queries": point_queries(replica)}

    connections["replica"].close()
    stopped = subprocess.run(json.loads(os.environ["REPLICA_STOP_COMMAND"]), capture_output=True, text=True, timeout=30)
    assert stopped.returncode == 0, stopped.stderr
    db_router.forget_replica_health()
    dashboard, _, replica_1, seconds_1 = measured(reader, "get", reverse("monitoring:dashboard"))
    register, _, replica_2, seconds_2 = measured(reader, "get", register_cancelled)
    facts["replica_down"] = {
        "dashboard_status": dashboard.status_code,
        "register_sees_cancelled": sees_cancelled(register.content.decode()),
        "replica_queries": len(replica_1) + len(replica_2),
        "seconds": round(seconds_1 + seconds_2, 2),
    }
    print(json.dumps(facts))


if __name__ == "__main__" and sys.argv[1:] == ["scenario"]:
    _scenario()
