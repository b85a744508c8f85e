"""What the portal's people do every day, for locust (headless, started by bench/run.py).

BENCH_USERS logged-in users in the role mix of a region (bench/mix.py: per municipality one
coordinator, one chair, one curator and three directors, and the region's viewer; 20 users are
3 + 3 + 3 + 10 + 1). Coordinators and chairs read the dashboard, the filtered register (and its
last page), a plan and school cards; curators work through their review queue and accept reports;
directors open «Моя школа» and save a report (now and then sending it to the curator); the
region's viewer reads the region's dashboard, register and cabinet. Forms are posted as the pages
post them: htmx headers, the CSRF token, the version the page was built from.

Which accounts and pages to use comes from the JSON that run.py writes (BENCH_TARGETS); request
names are the keys of the figures (`dashboard`, `register`, `plan_page`, …).
"""

import itertools
import json
import os
import random
import re

import gevent
from locust import FastHttpUser, between, events, task
from locust.exception import StopUser
from mix import role_mix

TARGETS = json.loads(open(os.environ["BENCH_TARGETS"], encoding="utf-8").read())
# Seconds a user spends on a page before the next action (BENCH_WAIT="min,max"): reading the
# dashboard, choosing a filter, typing a report. 3–8 s is already busier than people at work;
# "1,3" is the stress profile of bench/README.md.
WAIT = tuple(float(x) for x in os.environ.get("BENCH_WAIT", "3,8").split(","))
# The region's viewer reads 1.2 million points at once; one of the users unless BENCH_REGION=0.
REGION = os.environ.get("BENCH_REGION", "1") != "0"
MIX = role_mix(int(os.environ.get("BENCH_USERS", "20")), region=REGION)
# Where the number of users that logged in and ran is written at the end (run.py reports it).
USERS_FILE = os.environ.get("BENCH_USERS_FILE")
# Seconds of load after the last login before the figures start (BENCH_WARMUP): the first request
# of each page in each worker builds what later ones reuse (a database connection, the cached
# counts, PostgreSQL's plans and pages), as happens once after a deploy, not every day.
WARMUP = float(os.environ.get("BENCH_WARMUP", "30"))
URLS = TARGETS["urls"]
PASSWORD = TARGETS["password"]
HTMX = {"HX-Request": "true"}

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PAGE_LINK = re.compile(r"[?&;]page=(\d+)")
REPORT_BUTTON = re.compile(r'hx-get="(/[^"]+/report/)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
SELECTED_STATUS = re.compile(r'<select name="status"[^>]*>.*?<option value="(\w+)"[^>]*selected', re.S)
ACCEPT_FORM = re.compile(r'<form method="post" action="(/[^"]+/accept/)".*?name="version" value="(\d+)"', re.S)

_accounts = {role: itertools.cycle(TARGETS[role]) for role in ("coordinators", "chairs", "curators", "directors", "region")}
_logged_in = {"count": 0, "failed": 0}

REGISTER_FILTERS = (
    "",
    "?status=submitted",
    "?overdue=yes",
    "?status=planned&status=in_progress&overdue=no&sort=school",
    "?level=municipality&sort=status",
    "?late=yes&sort=-due",
    "?rescheduled=yes",
)


@events.init_command_line_parser.add_listener
def _arguments(parser):
    parser.add_argument("--bench-users", type=int, default=20, help="users whose login completes the warm-up")


class PortalUser(FastHttpUser):
    abstract = True
    wait_time = between(*WAIT)
    role = ""

    def on_start(self):
        self.account = next(_accounts[self.role])
        page = self.client.get(URLS["login"], name="login_page")
        token = CSRF_INPUT.search(page.text or "")
        failed = token is None
        if not failed:
            with self.client.post(
                URLS["login"],
                data={"username": self.account["username"], "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
                name="login",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                failed = response.status_code != 302
                if failed:
                    response.failure(f"вход не удался: {response.status_code}")
        _logged_in["failed" if failed else "count"] += 1
        # Hashing the users' passwords is a burst of CPU no page pays for every day: the figures start
        # once everyone is in (or has failed to), after the warm-up.
        if _logged_in["count"] + _logged_in["failed"] == self.environment.parsed_options.bench_users:
            gevent.spawn_later(WARMUP, self.environment.runner.stats.reset_all)
        if failed:
            # A user who could not log in does not run: `users` of the JSON line counts those who did.
            raise StopUser()

    def csrf(self):
        return next(cookie.value for cookie in self.client.cookiejar if cookie.name == "csrftoken")

    def page(self, url, name, headers=None):
        """GET a page; anything but a 200 of the portal (a login page, an error) is a failure."""
        with self.client.get(url, name=name, headers=headers, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return None
            if 'name="username"' in response.text and "/accounts/login/" in response.text:
                response.failure("сессия потеряна: страница входа")
                return None
            return response.text

    def post(self, url, data, name, saved):
        """POST a form as htmx does; `saved` tells from the returned fragment that the change went in."""
        data = {**data, "csrfmiddlewaretoken": self.csrf()}
        with self.client.post(url, data=data, name=name, headers=HTMX, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif not any(mark in response.text for mark in saved):
                response.failure("изменение не сохранено: " + re.sub(r"\s+", " ", response.text)[:300])

    def register(self, name="register"):
        """A filtered register, then (as often as not) its last page, as a user clicks through to it."""
        query = random.choice(REGISTER_FILTERS)
        if self.account.get("school_ids") and random.random() < 0.3:
            query = f"?school={random.choice(self.account['school_ids'])}&sort=-due"
        text = self.page(URLS["register"] + query, name)
        pages = [int(n) for n in PAGE_LINK.findall(text or "")]
        if pages and random.random() < 0.5:
            joiner = "&" if query else "?"
            self.page(URLS["register"] + query + f"{joiner}page={max(pages)}", name)


class Coordinator(PortalUser):
    role = "coordinators"
    abstract = MIX[role] == 0
    fixed_count = MIX[role]

    @task(3)
    def dashboard(self):
        self.page(URLS["dashboard"], "dashboard")

    @task(3)
    def filtered_register(self):
        self.register()

    @task(2)
    def plan_page(self):
        self.page(self.account["plan"], "plan_page")

    @task(2)
    def school_card(self):
        self.page(random.choice(self.account["schools"]), "school_card")


class Chair(PortalUser):
    role = "chairs"
    abstract = MIX[role] == 0
    fixed_count = MIX[role]

    @task(3)
    def dashboard(self):
        self.page(URLS["dashboard"], "dashboard")

    @task(1)
    def filtered_register(self):
        self.register()

    @task(2)
    def plan_page(self):
        self.page(self.account["plan"], "plan_page")

    @task(1)
    def school_card(self):
        self.page(random.choice(self.account["schools"]), "school_card")


class Curator(PortalUser):
    role = "curators"
    abstract = MIX[role] == 0
    fixed_count = MIX[role]

    @task(3)
    def review_queue(self):
        self.page(URLS["curator_home"], "curator_home")

    @task(2)
    def accept(self):
        text = self.page(URLS["curator_home"], "curator_home")
        forms = ACCEPT_FORM.findall(text or "")
        if forms:
            url, version = random.choice(forms)
            self.post(
                url, {"version": version, "comment": "", "next": URLS["curator_home"]}, "curator_accept", ("Отчёт принят",)
            )

    @task(1)
    def school_card(self):
        self.page(random.choice(self.account["schools"]), "school_card")

    @task(1)
    def school_points(self):
        self.page(f"{URLS['my_school']}?school={random.choice(self.account['school_ids'])}", "my_school")


class Director(PortalUser):
    role = "directors"
    abstract = MIX[role] == 0
    fixed_count = MIX[role]

    @task(3)
    def my_school(self):
        self.page(URLS["my_school"], "my_school")

    @task(2)
    def save_report(self):
        """«Заполнить отчёт» on a card: the form comes by htmx, is filled in and saved (sometimes sent)."""
        text = self.page(URLS["my_school"], "my_school")
        buttons = REPORT_BUTTON.findall(text or "")
        if not buttons:
            return
        url = random.choice(buttons)
        form = self.page(url, "report_form", headers=HTMX)
        if not form:
            return
        data = {
            "version": VERSION.search(form).group(1),
            "report_text": "Проведено заседание ШМО, протокол размещён на сайте школы. Охвачено 24 обучающихся.",
            "links": "",
            "action": "submit" if random.random() < 0.25 else "save",
        }
        status = SELECTED_STATUS.search(form)
        if status:
            data["status"] = status.group(1)
        if 'name="achieved_value"' in form:
            data["achieved_value"] = "85"
        # «сохранён, но не отправлен» (a target value missing) is a save too, as the page says.
        self.post(url, data, "director_save", ('data-testid="notice"', "Отчёт сохранён"))

    @task(1)
    def school_card(self):
        self.page(self.account["school"], "school_card")

    @task(1)
    def plan_page(self):
        self.page(self.account["plan"], "plan_page")


class RegionViewer(PortalUser):
    role = "region"
    abstract = MIX[role] == 0
    fixed_count = MIX[role]

    @task(1)
    def dashboard(self):
        self.page(URLS["dashboard"], "region_dashboard")

    @task(1)
    def filtered_register(self):
        self.register("region_register")

    @task(1)
    def cabinet(self):
        # The region's cabinet, where the checkout has one (run.py leaves its URL out otherwise).
        if URLS.get("region_cabinet"):
            self.page(URLS["region_cabinet"], "region_cabinet")
        else:
            self.dashboard()


@events.test_stop.add_listener
def _write_users(environment, **kwargs):
    if USERS_FILE:
        with open(USERS_FILE, "w", encoding="utf-8") as fh:
            json.dump({"mix": MIX, "logged_in": _logged_in["count"], "login_failed": _logged_in["failed"]}, fh)
