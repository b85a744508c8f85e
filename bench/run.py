"""`make bench`: the portal under load on PostgreSQL, as in production, and the in-process timings.

Steps: the bench database (created and migrated if missing, seeded once with seed_scale up to a
million control points) copied afresh for the run (BENCH_DB_run; the seeded one is never loaded),
the bench's Redis database emptied, collectstatic, gunicorn (bench/gunicorn.conf.py, DEBUG=0), locust
headless with BENCH_USERS users in a region's role mix (bench/locustfile.py, bench/mix.py), then the PDF, import and deadline timings in this
process. Writes bench/results/latest.json; the last line on stdout is the JSON line of figures.

Environment: BENCH_DB (schnor_bench), BENCH_PORT (8765), BENCH_DURATION seconds of load (300)
measured after BENCH_WARMUP seconds (30),
BENCH_USERS (20), BENCH_WAIT (think time, "3,8" seconds), BENCH_REGION (0: no region's viewer
among the users; by default it is one of them), BENCH_WORKERS (2 per core),
BENCH_REDIS_URL (redis://127.0.0.1:6379/9), BENCH_SPAWN_RATE (users started per second, 2 per core),
BENCH_APP_DIR (the checkout gunicorn serves; by default this one — another one, e.g. an export of
an earlier commit, gives the «before» figure of a change under the same load).
"""

import datetime
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
VENV_BIN = Path(sys.executable).parent
MIN_POINTS = 1_000_000

# The region's cabinet (another page of the region's viewer); its p95 is null where the checkout has none.
REGION_CABINET = "region:cabinet"

DB_NAME = os.environ.get("BENCH_DB", "schnor_bench")
# Each run loads a fresh copy of the seeded database: the load reports, sends and accepts points,
# and a run on the database the previous runs left had other cards to report on than the first
# (half as many report saves after a day of runs), so runs were not comparable.
RUN_DB_NAME = f"{DB_NAME}_run"
PORT = os.environ.get("BENCH_PORT", "8765")
DURATION = int(os.environ.get("BENCH_DURATION", "300"))
USERS = int(os.environ.get("BENCH_USERS", "20"))
REGION = os.environ.get("BENCH_REGION", "1") != "0"
WARMUP = int(os.environ.get("BENCH_WARMUP", "30"))
# Users started per second (BENCH_SPAWN_RATE): each login hashes a password (PBKDF2, about half a
# second of a core), so logins come no faster than the server's cores hash them — two per core;
# at ten a second 150 logins queued up behind four workers past locust's 60 s timeout.
SPAWN_RATE = float(os.environ.get("BENCH_SPAWN_RATE") or 2 * os.cpu_count())
PG = "postgres://postgres@127.0.0.1:5432/"
APP_DIR = Path(os.environ.get("BENCH_APP_DIR") or ROOT)

# Production settings from the environment (.env.example), with what a local HTTP run needs: in
# production TLS ends at the proxy in front of gunicorn; here there is none, so no redirect to
# https and cookies without «Secure»; the test client's host for the in-process timings.
BENCH_ENV = {
    "DJANGO_SETTINGS_MODULE": "schnor_portal.settings",
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-secret-key-9f3c1e7a2b6d4e8f0a1c3e5b7d9f2a4c6e8b0d2f",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    # A server refuses to start with links to 127.0.0.1 (schnor_portal/checks.py, schnor.E002).
    "PORTAL_BASE_URL": "https://shnor.example.ru",
    "DATABASE_URL": PG + DB_NAME,
    "CONN_MAX_AGE": "60",
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"),
    "STATIC_ROOT": str(ROOT / "artifacts" / "bench-static"),
    "MEDIA_ROOT": str(ROOT / "artifacts" / "bench-media"),
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "SECURE_SSL_REDIRECT": "0",
    "LOG_LEVEL": "WARNING",
}


# The machine's own zone, read before Django is set up: setup sets the process's TZ to the portal's
# TIME_ZONE, and the log's clock jumped from the machine's hours to Moscow's halfway through a run.
MACHINE_ZONE = datetime.datetime.now().astimezone().tzinfo


def say(text):
    print(f"[bench {datetime.datetime.now(MACHINE_ZONE):%H:%M:%S}] {text}", file=sys.stderr, flush=True)


def ensure_database():
    import psycopg

    with psycopg.connect(PG + "postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone():
            say(f"создаю базу {DB_NAME}")
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
        # The database sits in memory (on SSD in production): with the default 4, meant for spinning
        # disks, the planner scans a municipality's 30,000 points to find its ten open due-date
        # requests instead of looking each one up (bench/README.md).
        conn.execute(f'ALTER DATABASE "{DB_NAME}" SET random_page_cost = 1.1')


def fresh_run_database():
    """The run's copy of the seeded database, made anew (a file copy: 15 s for 2 GB), and the
    bench's cache emptied: what it kept was counted on the previous run's data."""
    import psycopg
    import redis

    with psycopg.connect(PG + "postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{RUN_DB_NAME}"')
        conn.execute(f'CREATE DATABASE "{RUN_DB_NAME}" TEMPLATE "{DB_NAME}" STRATEGY FILE_COPY')
        # A database's settings stay with it, not with its copies.
        conn.execute(f'ALTER DATABASE "{RUN_DB_NAME}" SET random_page_cost = 1.1')
    redis.Redis.from_url(BENCH_ENV["REDIS_URL"]).flushdb()
    return PG + RUN_DB_NAME


def django_setup():
    os.environ.update(BENCH_ENV)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def ensure_seed():
    from django.core.management import call_command

    from monitoring.models import ControlPoint
    from schnor_portal.scale.guard import seed_present

    call_command("migrate", "--noinput", verbosity=0)
    points = ControlPoint.objects.count()
    if points >= MIN_POINTS:
        say(f"в базе {points} контрольных точек: seed_scale не нужен")
        return None
    say(f"в базе {points} контрольных точек: строю данные seed_scale (40 × 30 × 3)")
    started = time.monotonic()
    call_command("seed_scale", *(["--flush"] if seed_present() else []))
    return round(time.monotonic() - started)


def write_targets(path: Path):
    """Accounts and pages for locust: the people of as many municipalities as the role mix needs.

    A team per municipality (bench/mix.py): its coordinator, its chair, its busiest curator and
    directors spread over its schools, municipalities m01, m02, … in order; past the seeded 40
    municipalities locust's users share accounts (locustfile cycles through them).
    """
    from django.urls import NoReverseMatch, reverse

    from accounts.models import Role
    from mix import municipalities_needed, role_mix
    from roadmaps.models import Plan
    from schnor_portal.scale.guard import seed_users
    from schools.access import visible_schools

    plans = {}

    def plan_url(user):
        if user.municipality_id not in plans:
            plan = Plan.objects.filter(municipality_id=user.municipality_id, status=Plan.Status.APPROVED).first()
            plans[user.municipality_id] = reverse("roadmaps:plan_detail", args=[plan.pk])
        return plans[user.municipality_id]

    def school_pages(user):
        ids = list(visible_schools(user).order_by("pk").values_list("pk", flat=True))
        return {"school_ids": ids, "schools": [reverse("schools:school_detail", args=[pk]) for pk in ids]}

    mix = role_mix(USERS, region=REGION)
    users = list(seed_users().select_related("school").order_by("username"))
    municipality_ids = sorted({u.municipality_id for u in users if u.municipality_id})
    chosen = set(municipality_ids[: max(1, municipalities_needed(mix))])
    by_role = {role: [u for u in users if u.role == role] for role in Role.values}

    def of_chosen(role, count):
        """Accounts of the chosen municipalities first, then any others, `count` at most."""
        ordered = [u for u in by_role[role] if u.municipality_id in chosen] + [
            u for u in by_role[role] if u.municipality_id not in chosen
        ]
        return ordered[: max(count, 1)]

    # Directors: round-robin over the chosen municipalities, schools spread over each list.
    directors_by_municipality = {}
    for user in by_role[Role.DIRECTOR]:
        directors_by_municipality.setdefault(user.municipality_id, []).append(user)
    spread = [group[::7] for mid, group in sorted(directors_by_municipality.items()) if mid in chosen]
    directors = [group[i] for i in range(max(map(len, spread), default=0)) for group in spread if i < len(group)]
    targets = {
        "password": os.environ.get("BENCH_PASSWORD", "scale-demo"),
        "mix": mix,
        "urls": {
            "login": reverse("accounts:login"),
            "dashboard": reverse("monitoring:dashboard"),
            "register": reverse("monitoring:register"),
            "my_school": reverse("monitoring:my_school"),
            "curator_home": reverse("monitoring:curator_home"),
            "region_cabinet": _optional_url(REGION_CABINET, NoReverseMatch),
        },
        "coordinators": [
            {"username": u.username, "plan": plan_url(u), **school_pages(u)} for u in of_chosen(Role.COORDINATOR, mix["coordinators"])
        ],
        "chairs": [{"username": u.username, "plan": plan_url(u), **school_pages(u)} for u in of_chosen(Role.CHAIR, mix["chairs"])],
        # The busiest curator of each municipality: each run accepts some of the reports in their
        # queues, and a run after many others still finds reports to accept.
        "curators": [{"username": u.username, **school_pages(u)} for u in _busiest_curators(by_role[Role.CURATOR], chosen, mix["curators"])],
        "directors": [
            {"username": u.username, "plan": plan_url(u), "school": reverse("schools:school_detail", args=[u.school_id])}
            for u in directors[: max(mix["directors"], 1)]
        ],
        "region": [{"username": u.username} for u in by_role[Role.REGION][:1]],
    }
    path.write_text(json.dumps(targets, ensure_ascii=False, indent=1), encoding="utf-8")
    return targets


def _optional_url(name, missing):
    from django.urls import reverse

    try:
        return reverse(name)
    except missing:
        return None


def _busiest_curators(curators, municipalities, n):
    """The curator with the longest queue in each chosen municipality, then the next ones."""
    from monitoring.models import ControlPoint
    from schools.access import curator_school_ids

    def queue(user):
        return ControlPoint.objects.filter(status=ControlPoint.Status.SUBMITTED, school__in=curator_school_ids(user)).count()

    ranked = sorted(
        (u for u in curators if u.municipality_id in municipalities), key=lambda u: (-queue(u), u.username)
    )
    first, seen = [], set()
    for user in ranked:
        if user.municipality_id not in seen:
            seen.add(user.municipality_id)
            first.append(user)
    rest = [u for u in ranked if u not in first] + [u for u in curators if u.municipality_id not in municipalities]
    return (first + rest)[: max(n, 1)]


def collectstatic():
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", verbosity=0)


def start_gunicorn(log, run_env):
    env = {**os.environ, **run_env, "BENCH_PORT": PORT}
    process = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "-c", str(ROOT / "bench" / "gunicorn.conf.py"), "schnor_portal.wsgi:application"],
        cwd=APP_DIR, env=env, stdout=log, stderr=log, start_new_session=True,
    )
    url = f"http://127.0.0.1:{PORT}/accounts/login/"
    for _ in range(120):
        if process.poll() is not None:
            raise SystemExit(f"gunicorn остановился при запуске (код {process.returncode}), см. {log.name}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.5)
    process.terminate()
    raise SystemExit(f"gunicorn не ответил на {url} за минуту")


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def run_locust(targets_path: Path, csv_prefix: Path, log, server) -> dict:
    """Run the load; returns what the cores did meanwhile (bench/machine_load.py)."""
    from machine_load import LoadSampler

    env = {
        **os.environ,
        "BENCH_TARGETS": str(targets_path),
        "BENCH_WARMUP": str(WARMUP),
        "BENCH_USERS": str(USERS),
        "BENCH_REGION": "1" if REGION else "0",
        "BENCH_USERS_FILE": str(RESULTS / "users.json"),
    }
    command = [
        str(VENV_BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
        # The figures start WARMUP seconds after the last login: the run lasts the logins longer.
        "--users", str(USERS), "--spawn-rate", str(SPAWN_RATE),
        "--run-time", f"{DURATION + WARMUP + int(USERS / SPAWN_RATE) + 1}s",
        "--host", f"http://127.0.0.1:{PORT}", "--csv", str(csv_prefix), "--csv-full-history", "--only-summary",
        "--bench-users", str(USERS), "--stop-timeout", "10",
    ]
    (RESULTS / "users.json").unlink(missing_ok=True)
    locust = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    sampler = LoadSampler({"gunicorn": server.pid, "locust": locust.pid}, PG + RUN_DB_NAME, RUN_DB_NAME)
    sampler.start()
    returncode = locust.wait()
    load = sampler.stop()
    # Exit code 1 means «some requests failed»: the figures say how many, it is not a crash.
    if returncode not in (0, 1):
        raise SystemExit(f"locust завершился с кодом {returncode}, см. {log.name}")
    return load


def main():
    sys.path.insert(0, str(ROOT / "bench"))
    from figures import error_rate, missed_targets, p95_figures, read_failures, read_stats, users_that_ran

    RESULTS.mkdir(parents=True, exist_ok=True)
    ensure_database()
    django_setup()
    from django.db import connections

    from accounts.models import User
    from inprocess import deadline_phrases_per_second, import_preview_seconds, order_pdf_seconds
    from monitoring.models import ControlPoint

    seed_seconds = ensure_seed()
    say("collectstatic")
    collectstatic()
    targets_path = RESULTS / "targets.json"
    targets = write_targets(targets_path)
    points = ControlPoint.objects.count()
    connections.close_all()  # a template cannot be copied while anyone is connected to it
    say(f"копия базы для прогона: {RUN_DB_NAME}")
    run_env = {**BENCH_ENV, "DATABASE_URL": fresh_run_database()}
    # In production beat counts the dashboards' sums and the register's most opened counts every
    # five minutes (monitoring/tasks.py); a freshly started bench has had no beat, and its first
    # region page would count a million points. The task is run by the checkout served, as beat
    # would run it: a «before» checkout warms what it knew how to warm.
    say("сводные цифры «Контроля исполнения» и реестра, как их считает beat")
    subprocess.run(
        [sys.executable, "manage.py", "shell", "--verbosity", "0", "-c", "from monitoring.tasks import warm_dashboard_sums_task; warm_dashboard_sums_task()"],
        cwd=APP_DIR, env={**os.environ, **run_env}, check=True,
    )

    load_before = os.getloadavg()
    csv_prefix = RESULTS / "locust"
    with open(RESULTS / "gunicorn.log", "w") as gunicorn_log, open(RESULTS / "locust.log", "w") as locust_log:
        say(f"gunicorn на порту {PORT}")
        server = start_gunicorn(gunicorn_log, run_env)
        try:
            say(f"locust: {USERS} пользователей ({targets['mix']}), {DURATION} с")
            load = run_locust(targets_path, csv_prefix, locust_log, server)
        finally:
            stop(server)
    load_after = os.getloadavg()
    stats = read_stats(csv_prefix)
    users_ran = users_that_ran(RESULTS / "users.json")

    say("печать приказа, импорт .docx, разбор сроков")
    # The pages rendered in this process read the manifest of the checkout as it is now: a template
    # changed during the minutes of load (a working tree being edited) may name a new static file.
    collectstatic()
    coordinator = User.objects.get(username=targets["coordinators"][0]["username"])
    pdf_seconds, pdf_pages = order_pdf_seconds(coordinator.municipality)
    import_seconds, import_rows = import_preview_seconds(coordinator)
    phrases_per_second, phrases = deadline_phrases_per_second()

    line = {
        "control_points": points,
        "users": users_ran["logged_in"],
        **p95_figures(stats),
        "error_rate": error_rate(stats),
        "order_pdf_150_rows_s": pdf_seconds,
        "import_docx_200_rows_s": import_seconds,
        "deadline_phrases_per_s": phrases_per_second,
    }
    details = {
        "figures": line,
        "missed_targets": missed_targets(line, wait=os.environ.get("BENCH_WAIT", "3,8")),
        "users_requested": USERS,
        "role_mix": targets["mix"],
        "login_failed": users_ran["login_failed"],
        "measured_at": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "load_before": load_before, "load_after": load_after, "during_load": load},
        "gunicorn_workers": int(os.environ.get("BENCH_WORKERS") or 2 * os.cpu_count()),
        "duration_s": DURATION,
        "warmup_s": WARMUP,
        "spawn_rate": SPAWN_RATE,
        "think_time_s": os.environ.get("BENCH_WAIT", "3,8"),
        "region_viewer": REGION,
        "seed_seconds": seed_seconds,
        "requests": stats,
        "failures": read_failures(csv_prefix),
        "order_pdf_pages": pdf_pages,
        "import_rows_previewed": import_rows,
        "deadline_phrases_in_corpus": phrases,
    }
    (RESULTS / "latest.json").write_text(json.dumps(details, ensure_ascii=False, indent=1), encoding="utf-8")
    say(
        f"ядра во время нагрузки: занято {load['cores_busy']} из {os.cpu_count()}, из них стенд {load['cores_bench']}, "
        f"прочие процессы машины {load['cores_other_work']}; стенд по частям: "
        + ", ".join(f"{name} {cores}" for name, cores in load["cores_bench_parts"].items())
    )
    for missed in details["missed_targets"]:
        say(f"цель не достигнута: {missed}")
    say(f"подробности: {RESULTS / 'latest.json'}")
    print(json.dumps(line, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
