"""Each page of the load test once at a time, in one process: what a request costs without concurrency.

    .venv/bin/python bench/page_timings.py                      # this checkout
    .venv/bin/python bench/page_timings.py --app-dir /tmp/old   # an export of an earlier commit

Runs against the bench database with the production settings of bench/run.py, logged in as the
seeded accounts (m01_…, m00_region); prints the median of a few requests per page after a
warm-up, in milliseconds, and the size of the page. A figure here is the floor under the p95 of
the load test: the load test adds the other users' requests on the same two cores.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5


def pages():
    """(account, request name, path) of what the load test asks for."""
    from django.urls import reverse

    from accounts.models import User
    from roadmaps.models import Plan

    coordinator = User.objects.get(username="m01_coordinator")
    director = User.objects.get(username="m01_director01")
    plan = Plan.objects.filter(municipality_id=coordinator.municipality_id).first()
    register = reverse("monitoring:register")
    last = "?page=999999"  # Paginator.get_page turns a page past the end into the last one
    return [
        ("m01_coordinator", "dashboard", reverse("monitoring:dashboard")),
        ("m01_coordinator", "register", register),
        ("m01_coordinator", "register, filtered", register + "?status=planned&status=in_progress&overdue=yes&sort=school"),
        ("m01_coordinator", "register, last page", register + last),
        ("m01_coordinator", "plan_page", reverse("roadmaps:plan_detail", args=[plan.pk])),
        ("m01_chair", "plan_page (reader)", reverse("roadmaps:plan_detail", args=[plan.pk])),
        ("m01_coordinator", "school_card", reverse("schools:school_detail", args=[director.school_id])),
        ("m01_director01", "my_school", reverse("monitoring:my_school")),
        ("m01_curator1", "curator_home", reverse("monitoring:curator_home")),
        ("m00_region", "region_dashboard", reverse("monitoring:dashboard")),
        ("m00_region", "region_register", register),
        ("m00_region", "region_register, last page", register + last),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app-dir", type=Path, default=ROOT, help="the checkout whose code serves the pages")
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    from run import BENCH_ENV

    os.environ.update(BENCH_ENV)
    sys.path.insert(0, str(options.app_dir))
    os.chdir(options.app_dir)
    import django

    django.setup()
    from django.test import Client

    from accounts.models import User

    clients = {}
    print(f"{'страница':32} {'мс (медиана)':>13} {'КБ':>7}")
    for username, name, path in pages():
        client = clients.get(username)
        if client is None:
            client = clients[username] = Client()
            client.force_login(User.objects.get(username=username))
        client.get(path)
        times = []
        for _ in range(RUNS):
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}")
        print(f"{name:32} {statistics.median(times):13.0f} {len(response.content) / 1024:7.0f}")


if __name__ == "__main__":
    main()
