#!/usr/bin/env python
"""PostgreSQL is restarted under load: requests in flight fail with the Russian page, then all is well by itself.

The portal runs as in production — gunicorn, DEBUG=0, persistent connections (CONN_MAX_AGE=60)
with CONN_HEALTH_CHECKS — against a private PostgreSQL cluster this script creates (initdb in a
temporary directory, its own port). --users logged-in clients request the coordinator's pages
without pause; after a few seconds the cluster is restarted (pg_ctl restart -m fast: every
connection is cut), later stopped for a few seconds and started again. gunicorn is never
restarted. It passes when every answer was 200 or the Russian 503 page, and every request after
the database came back was 200 again.

    .venv/bin/python bench/faults/postgres_restart.py
    .venv/bin/python bench/faults/postgres_restart.py --users 12 --outage 5

Never touches the shared PostgreSQL on 5432.
"""

import argparse
import http.cookiejar
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.faults import harness as h  # noqa: E402

PAGES = ["/", "/execution/", "/execution/register/", "/plans/", "/schools/", "/orders/"]
RUSSIAN_503 = "Портал временно недоступен"


def seed():
    """The demo data (three municipalities) and a session cookie per client, made in the database."""
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    call_command("load_demo", verbosity=0, allow_production=True)  # DEBUG=0: a throwaway database
    user = get_user_model().objects.get(username="coordinator")
    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store["_auth_user_backend"] = "accounts.backends.PortalBackend"
    store["_auth_user_hash"] = user.get_session_auth_hash()
    store.create()
    return store.session_key


class Load:
    """Clients asking for pages in a loop; every answer is kept with its time and what it said."""

    def __init__(self, base, session_key, users):
        self.base, self.session_key, self.users = base, session_key, users
        self.answers = []  # (time, status, russian_503)
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def client(self, index):
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        opener.addheaders = [("Cookie", f"sessionid={self.session_key}")]
        n = index
        while not self.stop.is_set():
            url = self.base + PAGES[n % len(PAGES)]
            n += 1
            try:
                with opener.open(url, timeout=30) as response:
                    status, body = response.status, response.read().decode("utf-8", "replace")
            except urllib.error.HTTPError as error:
                status, body = error.code, error.read().decode("utf-8", "replace")
            except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
                status, body = f"no answer: {error}", ""
            with self.lock:
                self.answers.append((time.monotonic(), status, RUSSIAN_503 in body))
            time.sleep(0.02)  # a person clicks; this is load, not a flood

    def start(self):
        self.threads = [threading.Thread(target=self.client, args=(i,), daemon=True) for i in range(self.users)]
        for thread in self.threads:
            thread.start()

    def finish(self):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def between(self, start, end):
        with self.lock:
            return [a for a in self.answers if start <= a[0] < end]


def tally(answers):
    return dict(Counter(str(status) for _, status, _ in answers))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=8, help="одновременных клиентов")
    parser.add_argument("--outage", type=float, default=4, help="секунд, что база остановлена во втором сбое")
    parser.add_argument("--workers", type=int, default=3, help="процессов gunicorn")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="schnor-faults-pg-restart-"))
    h.say(f"Рабочий каталог: {work}")
    port = h.free_port(8790)
    with h.PrivatePostgres(5440) as pg, h.scratch_database(pg.url, "schnor") as db:
        env = h.portal_env(DATABASE_URL=db, CONN_MAX_AGE=60, STATIC_ROOT=work / "static", MEDIA_ROOT=work / "media",
                           LOG_LEVEL="WARNING")
        h.migrate(env)
        h.say("  статика…")
        h.manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        h.setup_django(env)
        session_key = seed()
        from django.db import connections

        connections.close_all()  # the script's own session must not hold the database during restarts
        server = h.gunicorn(env, port, work / "gunicorn.log", workers=args.workers).start()
        base = f"http://127.0.0.1:{port}"
        h.wait_for(lambda: _up(base), timeout=60, what="gunicorn")
        load = Load(base, session_key, args.users)
        try:
            load.start()
            time.sleep(4)
            phases = {}
            t0 = time.monotonic()
            h.say("Перезапуск PostgreSQL (pg_ctl restart -m fast)…")
            pg.restart("fast")
            t1 = time.monotonic()
            time.sleep(4)
            h.say(f"Остановка PostgreSQL на {args.outage} с…")
            t2 = time.monotonic()
            pg.stop("fast")
            time.sleep(args.outage)
            pg.start()
            t3 = time.monotonic()
            time.sleep(6)
            t4 = time.monotonic()
        finally:
            load.finish()
            server.stop()
        # After each return of the database, a moment for the clients' requests then in flight.
        settle = 1.0
        phases = {
            "before": load.between(0, t0),
            "restart": load.between(t0, t1 + settle),
            "between": load.between(t1 + settle, t2),
            "stopped": load.between(t2, t3 + settle),
            "after": load.between(t3 + settle, t4 + 60),
        }
        gunicorn_restarts = _worker_boots(work / "gunicorn.log")
    statuses = {name: tally(answers) for name, answers in phases.items()}
    bad = [a for answers in phases.values() for a in answers if a[1] not in (200, 503) or (a[1] == 503 and not a[2])]
    recovered = all(a[1] == 200 for name in ("between", "after") for a in phases[name])
    result = {
        "scenario": "postgres_restart",
        "users": args.users,
        "statuses": statuses,
        "answers_not_200_or_russian_503": len(bad),
        "all_200_after_each_return": recovered,
        "gunicorn_worker_boots": gunicorn_restarts,
    }
    h.say(str(result))
    h.summary(result, ok=bool(not bad and recovered and phases["after"] and phases["between"]))


def _up(base):
    try:
        with urllib.request.urlopen(base + "/accounts/login/", timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError):
        return False


def _worker_boots(log_path):
    return sum(1 for line in Path(log_path).read_text(errors="replace").splitlines() if "Booting worker" in line)


if __name__ == "__main__":
    main()
