#!/usr/bin/env python
"""Redis is stopped under a running portal: pages still serve, logins work, queued work waits and is done later.

gunicorn runs with production settings and REDIS_URL pointing at a private Redis the script
starts (the cache and the Celery broker). With Redis stopped the script opens every page of the
coordinator and the director, logs in afresh, and orders a report: the page must say, in
Russian, that the report will be made later. Then Redis comes back, a Celery worker starts, the
beat's sweep (reports.tasks.report_files_resume_task) is sent as the beat would, and the report
must get made — without restarting gunicorn.

    .venv/bin/python bench/faults/redis_down.py

Needs PostgreSQL at FAULTS_POSTGRES (a database schnor_faults_redis is created and dropped) and
redis-server on PATH. Never touches the shared Redis on 6379.
"""

import datetime
import http.cookiejar
import re
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.faults import harness as h  # noqa: E402

QUEUE_DOWN = "очередь фоновых задач сейчас недоступна"


class Browser:
    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path):
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path, fields):
        token = next((c.value for c in self.jar if c.name == "csrftoken"), "")
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(self.base + path, data=data, headers={"Referer": self.base + path})
        return self._open(request)

    def _open(self, request):
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=60) as response:
                status, body, url = response.status, response.read().decode("utf-8", "replace"), response.url
        except urllib.error.HTTPError as error:
            status, body, url = error.code, error.read().decode("utf-8", "replace"), request.full_url
        return status, body, url, round(time.monotonic() - started, 2)

    def login(self, username, password="demo"):
        self.get("/accounts/login/")
        status, body, url, _ = self.post("/accounts/login/", {"username": username, "password": password})
        return status == 200 and "/accounts/login/" not in url


def pages_of(username):
    from roadmaps.models import Plan
    from schools.models import School

    plan = Plan.objects.filter(municipality__users__username=username).first()
    school = School.objects.filter(municipality__users__username=username).first()
    common = ["/", "/plans/", "/orders/", f"/plans/{plan.pk}/", f"/orders/plan/{plan.pk}/report/"]
    if username.startswith("director"):
        return common + ["/execution/my-school/"]
    return common + ["/execution/", "/execution/register/", "/schools/", f"/schools/{school.pk}/", "/schools/lists/"]


def visit_all(browser, pages):
    return {page: browser.get(page)[0] for page in pages}


def _up(base):
    try:
        return Browser(base).get("/accounts/login/")[0] == 200
    except (urllib.error.URLError, ConnectionError):
        return False


def main():
    work = Path(tempfile.mkdtemp(prefix="schnor-faults-redis-"))
    h.say(f"Рабочий каталог: {work}")
    port = h.free_port(8791)
    result = {"scenario": "redis_down"}
    with h.PrivateRedis(6392) as redis_server, h.scratch_database(h.SHARED_POSTGRES, "schnor_faults_redis") as db:
        env = h.portal_env(DATABASE_URL=db, REDIS_URL=redis_server.url, STATIC_ROOT=work / "static",
                           MEDIA_ROOT=work / "media", LOG_LEVEL="WARNING", CONN_MAX_AGE=60)
        h.migrate(env)
        h.manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        h.setup_django(env)
        from django.core.management import call_command
        from django.db import connections

        call_command("load_demo", verbosity=0, allow_production=True)  # DEBUG=0: a throwaway database
        connections.close_all()
        server = h.gunicorn(env, port, work / "gunicorn.log").start()
        worker = None
        base = f"http://127.0.0.1:{port}"
        try:
            h.wait_for(lambda: _up(base), timeout=60, what="gunicorn")
            coordinator, director = Browser(base), Browser(base)
            assert coordinator.login("coordinator") and director.login("director")
            pages = {"coordinator": pages_of("coordinator"), "director": pages_of("director")}
            result["redis_up"] = {who: visit_all(b, pages[who]) for who, b in (("coordinator", coordinator), ("director", director))}

            h.say("Redis остановлен")
            redis_server.stop()
            result["redis_down"] = {who: visit_all(b, pages[who]) for who, b in (("coordinator", coordinator), ("director", director))}
            fresh = Browser(base)
            result["login_with_redis_down"] = fresh.login("curator")
            plan_report = next(p for p in pages["coordinator"] if p.endswith("/report/"))
            status, body, url, seconds = coordinator.post(plan_report, {"period_start": "01.01.2025", "period_end": "31.12.2025"})
            result["report_order"] = {"status": status, "told_later": QUEUE_DOWN in body, "seconds": seconds}
            report_id = int(re.search(r"/files/(\d+)/", url)[1]) if re.search(r"/files/(\d+)/", url) else None

            from reports.models import ReportFile

            report = ReportFile.objects.get(pk=report_id) if report_id else ReportFile.objects.latest("pk")
            result["report_while_down"] = report.status

            h.say("Redis снова работает; воркер запущен; очередная проверка отложенных отчётов (как beat)")
            redis_server.start()
            worker = h.celery_worker(env, "celery", work / "worker.log").start()
            # Two minutes pass in the life of the report (RESUME_AFTER), not of this script.
            ReportFile.objects.filter(pk=report.pk).update(created_at=report.created_at - datetime.timedelta(minutes=3))
            connections.close_all()
            from schnor_portal.celery import app

            app.send_task("reports.tasks.report_files_resume_task")
            h.wait_for(lambda: ReportFile.objects.get(pk=report.pk).is_finished, timeout=180, every=1,
                       what="отчёт сформирован")
            result["report_after"] = ReportFile.objects.get(pk=report.pk).status
            result["after_redis_back"] = {"coordinator": visit_all(coordinator, pages["coordinator"])}
        finally:
            if worker:
                worker.stop()
            server.stop()
            connections.close_all()
    statuses = [s for phase in ("redis_up", "redis_down", "after_redis_back") for who in result[phase].values()
                for s in who.values()]
    ok = (all(s == 200 for s in statuses) and result["login_with_redis_down"] and result["report_order"]["told_later"]
          and result["report_while_down"] == "pending" and result["report_after"] == "done")
    h.summary(result, ok)


if __name__ == "__main__":
    main()
