"""The demo data is the three source documents, every plan row as written, loaded idempotently."""

import json
import re
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client

from accounts.models import Role, User
from clusters.models import Cluster
from reports.models import Order
from roadmaps.models import Activity, Plan
from schnor_portal.demo.loader import DATA_DIR, DEMO_FILES, load_demo
from schools.access import visible_schools
from schools.models import Municipality, School, SchoolListEntry

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
SEED_OF = {
    "omsk.json": "000_b4835e37d9334ce8.txt",
    "uglegorsk.json": "001_65f4778714f3eea3.txt",
    "yakovlevsky.json": "002_7e34cbe585bf4463.txt",
}


def _json_activities(data):
    def walk(sections):
        for section in sections:
            yield from section.get("activities", [])
            yield from walk(section.get("children", []))

    for plan in data["plans"]:
        for activity in walk(plan["sections"]):
            yield plan["title"], activity


def _normalise(text):
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The demo loaded once for the module (it lives a year of reports: schnor_portal/demo/lived.py),
    inside a transaction rolled back at the end; every test reads it."""
    with django_db_blocker.unblock(), transaction.atomic():
        assert "test" in str(connection.settings_dict["NAME"]), "the module fixture must write to the test database"
        yield load_demo()
        transaction.set_rollback(True)


@pytest.fixture
def demo(loaded, db):
    return loaded


def test_it_loads_the_three_municipalities_with_every_plan_row(demo):
    assert Municipality.objects.count() == 3
    rows = {
        plan.municipality.name: plan.n
        for plan in Plan.objects.filter(kind__in=["roadmap", "schedule"], replaces__isnull=True)
        .select_related("municipality")
        .annotate(n=Count("sections__activities"))
    }
    assert rows == {
        "Русско-Полянский муниципальный район": 47,
        "Углегорский муниципальный округ": 49,
        "Яковлевский муниципальный округ": 35,
    }


@pytest.mark.parametrize("file_name", DEMO_FILES)
def test_it_keeps_each_row_as_written(demo, file_name):
    data = json.loads((DATA_DIR / file_name).read_text(encoding="utf-8"))
    municipality = Municipality.objects.get(name=data["municipality"]["name"])
    expected = [
        (title, a["number"], a["content"], a["deadline"], a["executors_text"], a["result"])
        for title, a in _json_activities(data)
    ]
    stored = list(
        # The documents' own plans; the demo's current editions (tests/test_demo_lived.py) are copies.
        Activity.objects.filter(section__plan__municipality=municipality, section__plan__replaces__isnull=True)
        .order_by("section__plan__pk", "section__position", "position")
        .values_list("section__plan__title", "number", "content", "deadline_text", "executors_text", "expected_result")
    )
    assert stored == expected


def _pieces_in(text, seed):
    """How many contiguous pieces of the seed the text is made of (None if a word is missing)."""
    words = _normalise(text).split(" ")
    pieces = 0
    while words:
        for end in range(len(words), 0, -1):
            if " ".join(words[:end]) in seed:
                break
        else:
            return None
        words = words[end:]
        pieces += 1
    return pieces


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds не найден рядом с проектом: сверка с исходными документами пропущена")
@pytest.mark.parametrize("file_name", DEMO_FILES)
def test_it_matches_the_source_document(file_name):
    seed = _normalise((SEEDS / SEED_OF[file_name]).read_text(encoding="utf-8"))
    data = json.loads((DATA_DIR / file_name).read_text(encoding="utf-8"))
    for _, activity in _json_activities(data):
        for field in ("content", "deadline", "executors_text", "result"):
            # A row broken by a page break is joined in the data: at most one seam per cell.
            pieces = _pieces_in(activity[field], seed) if activity[field] else 1
            assert pieces is not None and pieces <= 2, (activity["number"], field, pieces)


def test_it_loads_twice_without_changes_or_new_history(demo):
    history_before = Activity.history.count() + School.history.count() + User.history.count()
    again = load_demo()
    assert again.created == {} and again.updated == {}
    assert Activity.history.count() + School.history.count() + User.history.count() == history_before


def test_it_reproduces_the_omsk_lists_and_clusters(demo):
    omsk = Municipality.objects.get(name="Русско-Полянский муниципальный район")
    assert omsk.schools.count() == 14
    on_list = {
        year: set(
            SchoolListEntry.objects.filter(school_list__municipality=omsk, school_list__year=year, school_list__category="shnor")
            .values_list("school__short_name", flat=True)
        )
        for year in (2020, 2021, 2022)
    }
    assert len(on_list[2020]) == 10
    assert on_list[2021] == {"БОУ «Калининская СОШ»", "БОУ «Хлебодаровская СОШ»"}
    assert len(on_list[2022]) == 7
    clusters = {c.number: set(c.schools.values_list("short_name", flat=True)) for c in Cluster.objects.filter(plan__municipality=omsk)}
    assert clusters[1] == {"БОУ «Хлебодаровская СОШ»"}
    assert clusters[2] == {"БОУ «Русскополянская гимназия №1»", "БОУ «Цветочинская СОШ»"}
    assert len(clusters[3]) == 5 and len(clusters[4]) == 2


def test_it_loads_each_documents_order(demo):
    # The documents' orders, each superseded by the order of the demo's current edition.
    seeds = Order.objects.filter(approved_plans__replaces__isnull=True).distinct()
    numbers = set(seeds.values_list("number", "date__year"))
    assert numbers == {("87", 2023), ("5.04.32-111-А/25", 2025), ("229-ра", 2024)}
    assert all(order.superseded_by_id for order in seeds)
    order = Order.objects.get(number="87")
    assert order.points.count() == 5
    assert order.approved_plans.get().kind == Plan.Kind.ROADMAP
    assert Order.objects.get(number="229-ра").appendices.count() == 3


DEMO_ACCOUNTS = [
    (suffix, role)
    for suffix in ("", "_ugl", "_yak")
    for role in (Role.COORDINATOR, Role.CHAIR, Role.CURATOR, Role.DIRECTOR)
]


@pytest.mark.parametrize(("suffix", "role"), DEMO_ACCOUNTS)
def test_it_creates_demo_accounts_that_log_in(demo, suffix, role):
    username = f"{role}{suffix}"
    user = User.objects.get(username=username)
    assert user.role == role and user.municipality_id and user.person_id
    assert Client().login(username=username, password="demo")


def test_it_gives_the_omsk_curator_two_schools_and_the_director_a_listed_school(demo):
    curator = User.objects.get(username="curator")
    assert visible_schools(curator).count() >= 2
    director = User.objects.get(username="director")
    assert director.school.list_entries.filter(school_list__category="shnor").exists()
    assert director.school.director == director.person
