"""Each page of the load test once at a time, in one process: what a request costs without concurrency.

    .venv/bin/python bench/page_timings.py                      # this checkout
    .venv/bin/python bench/page_timings.py --app-dir /tmp/old   # an export of an earlier commit
    .venv/bin/python bench/page_timings.py --json               # and a JSON line of the figures

Runs against the bench database with the production settings of bench/run.py, logged in as the
seeded accounts (m01_…, m00_region); prints the median of a few requests per page after a
warm-up, in milliseconds, and the size of the page. A figure here is the floor under the p95 of
the load test: the load test adds the other users' requests on the same two cores.

Because the machine is shared and its speed drifts from minute to minute, the same run measures
the floor (bench/floor_urls.py): a logged-in page with the base template and the navigation and no
queries of its own. Each page's cost is printed as a multiple of it; the goals are 40 ms and 3×
the floor. For the three slowest pages the run names what the time goes to: SQL (the database's
answer, as the connection timed it), templates (rendering, less the SQL run from inside it) and
the rest — Python in the view, the middleware, the forms and filters.
"""

import argparse
import json
import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5
# The floor is the divisor of every ratio: three times the runs, so that one slow moment of a shared
# machine does not move every ratio of the run.
FLOOR_RUNS = 3 * RUNS
GOAL_MS = 40
GOAL_FLOOR_RATIO = 3


def pages():
    """(account, request name, path) of what the load test asks for; the floor first."""
    from django.urls import NoReverseMatch, reverse

    from accounts.models import User
    from roadmaps.models import Plan

    coordinator = User.objects.get(username="m01_coordinator")
    director = User.objects.get(username="m01_director01")
    plan = Plan.objects.filter(municipality_id=coordinator.municipality_id).first()
    register = reverse("monitoring:register")
    last = "?page=999999"  # Paginator.get_page turns a page past the end into the last one
    listed = [
        ("m01_coordinator", "floor", reverse("bench_floor")),
        ("m01_coordinator", "dashboard", reverse("monitoring:dashboard")),
        ("m01_coordinator", "register", register),
        ("m01_coordinator", "register, filtered", register + "?status=planned&status=in_progress&overdue=yes&sort=school"),
        ("m01_coordinator", "register, last page", register + last),
        ("m01_coordinator", "plan_page", reverse("roadmaps:plan_detail", args=[plan.pk])),
        ("m01_chair", "plan_page (reader)", reverse("roadmaps:plan_detail", args=[plan.pk])),
        ("m01_coordinator", "school_card", reverse("schools:school_detail", args=[director.school_id])),
        ("m01_director01", "my_school", reverse("monitoring:my_school")),
        ("m01_curator1", "curator_home", reverse("monitoring:curator_home")),
        ("m00_region", "floor (region)", reverse("bench_floor")),
        ("m00_region", "region_dashboard", reverse("monitoring:dashboard")),
        ("m00_region", "region_register", register),
        ("m00_region", "region_register, last page", register + last),
    ]
    try:
        listed.append(("m00_region", "region_cabinet", reverse("region:cabinet")))
    except NoReverseMatch:
        pass  # a checkout without the region's cabinet
    return listed


@contextmanager
def spent():
    """Time of one request split into SQL, templates (less their SQL) and the rest."""
    from django.db import connection
    from django.template.backends.django import Template
    from django.test.utils import CaptureQueriesContext

    split = {"template_s": 0.0, "template_sql_s": 0.0}
    render = Template.render
    depth = {"n": 0}

    def timed_render(self, context=None, request=None):
        if depth["n"]:
            return render(self, context, request)
        depth["n"] += 1
        before = len(queries.captured_queries)
        started = time.perf_counter()
        try:
            return render(self, context, request)
        finally:
            depth["n"] -= 1
            split["template_s"] += time.perf_counter() - started
            split["template_sql_s"] += sum(float(q["time"]) for q in queries.captured_queries[before:])

    Template.render = timed_render
    try:
        with CaptureQueriesContext(connection) as queries:
            yield split
    finally:
        Template.render = render
    split["queries"] = len(queries.captured_queries)
    split["sql_s"] = sum(float(q["time"]) for q in queries.captured_queries)


def measure(client, path, runs_wanted=RUNS):
    """(median ms, response, breakdown of the median run)."""
    client.get(path)
    runs = []
    for _ in range(runs_wanted):
        with spent() as split:
            started = time.perf_counter()
            response = client.get(path)
            total = time.perf_counter() - started
        runs.append((total, split))
    if response.status_code != 200:
        raise SystemExit(f"{path}: HTTP {response.status_code}")
    total, split = sorted(runs, key=lambda run: run[0])[len(runs) // 2]
    ms = statistics.median(run[0] for run in runs) * 1000
    sql = split["sql_s"] * 1000
    template = (split["template_s"] - split["template_sql_s"]) * 1000
    breakdown = {
        "queries": split["queries"],
        "sql_ms": round(sql, 1),
        "template_ms": round(template, 1),
        "python_ms": round(total * 1000 - sql - template, 1),
    }
    return ms, response, breakdown


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app-dir", type=Path, default=ROOT, help="the checkout whose code serves the pages")
    parser.add_argument("--json", action="store_true", help="print a JSON line of the figures last")
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    from run import BENCH_ENV

    os.environ.update(BENCH_ENV)
    sys.path.insert(0, str(options.app_dir))
    os.chdir(options.app_dir)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    # The pages link their static files through the manifest that make bench's collectstatic writes.
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", "--noinput", verbosity=0)
    from django.test.utils import override_settings

    from accounts.models import User

    results = []
    with override_settings(ROOT_URLCONF="floor_urls"):
        clients = {}
        print(f"{'страница':32} {'мс (медиана)':>13} {'× пол':>6} {'КБ':>7}")
        floors = {}
        for username, name, path in pages():
            client = clients.get(username)
            if client is None:
                client = clients[username] = Client()
                client.force_login(User.objects.get(username=username))
            ms, response, breakdown = measure(client, path, FLOOR_RUNS if name.startswith("floor") else RUNS)
            if name.startswith("floor"):
                floors[username] = ms
            floor = floors.get(username) or floors["m01_coordinator"]
            ratio = ms / floor
            flags = []
            if not name.startswith("floor"):
                if ms > GOAL_MS:
                    flags.append(f"> {GOAL_MS} мс")
                if ratio > GOAL_FLOOR_RATIO:
                    flags.append(f"> {GOAL_FLOOR_RATIO}× пола")
            print(f"{name:32} {ms:13.0f} {ratio:6.1f} {len(response.content) / 1024:7.0f}  {', '.join(flags)}")
            results.append({"page": name, "ms": round(ms, 1), "floor_ratio": round(ratio, 2), **breakdown})

    slowest = sorted((r for r in results if not r["page"].startswith("floor")), key=lambda r: -r["ms"])[:3]
    print("\nТри самые медленные страницы — на что уходит время (медианный запрос):")
    for r in slowest:
        print(
            f"  {r['page']}: {r['ms']:.0f} мс = SQL {r['sql_ms']:.0f} мс ({r['queries']} запросов)"
            f" + шаблоны {r['template_ms']:.0f} мс + Python {r['python_ms']:.0f} мс"
        )
    if options.json:
        print(json.dumps({"floor_ms": round(floors["m01_coordinator"], 1), "pages": results}, ensure_ascii=False))


if __name__ == "__main__":
    main()
