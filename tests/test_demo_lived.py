"""The demo lives up to today: each municipality has a current edition approved the real way and a
history of reports, returns, reviews and lateness written through the workflow.

The demo is loaded once for the module inside a transaction that is rolled back (as
tests/reports/test_demo_pdfs.py does): the life takes a while to live.
"""

import datetime
import re

import pytest
from django.db import connection, transaction
from django.db.models import F, OuterRef, Subquery
from django.test import Client
from django.utils import timezone

from accounts.models import Role, User
from monitoring.control.selectors import dashboard_for_user
from monitoring.models import ControlPoint, DueDateChangeRequest, Notification
from reports.models import Order
from roadmaps.models import Activity, Plan
from schnor_portal.demo.lived import shift_date, shift_years, years_to_today
from schnor_portal.demo.loader import load_demo
from schnor_portal.inbox import inbox_for_user
from schools.models import Municipality

Status = ControlPoint.Status
SEED_ORDERS = {
    "Русско-Полянский муниципальный район": ("87", datetime.date(2023, 4, 4)),
    "Углегорский муниципальный округ": ("5.04.32-111-А/25", datetime.date(2025, 3, 28)),
    "Яковлевский муниципальный округ": ("229-ра", datetime.date(2024, 2, 29)),
}

pytestmark = pytest.mark.django_db


# --- the pure helpers ----------------------------------------------------------------------------

def test_shift_years_moves_only_the_years_of_the_period():
    assert shift_years("Октябрь, 2024, 2025, 2026", 2, 2024, 2027) == "Октябрь, 2026, 2027, 2028"
    assert shift_years("До 31 декабря 2023 г", 3, 2023, 2024) == "До 31 декабря 2026 г"
    assert shift_years("Март 2023г", 3, 2023, 2024) == "Март 2026г"
    # Day numbers, document numbers and years outside the period are not years of the plan.
    assert shift_years("не позднее 25 числа, приказ № 2023 от 2019 года", 1, 2023, 2024) == (
        "не позднее 25 числа, приказ № 2024 от 2019 года"
    )
    assert shift_years("Постоянно", 3, 2023, 2024) == "Постоянно"


def test_shift_date_keeps_the_day_or_the_end_of_february():
    assert shift_date(datetime.date(2024, 2, 29), 2) == datetime.date(2026, 2, 28)
    assert shift_date(datetime.date(2023, 4, 4), 3) == datetime.date(2026, 4, 4)


def test_years_to_today_picks_the_latest_period_that_holds_today():
    today = datetime.date(2026, 12, 3)
    assert years_to_today(datetime.date(2023, 1, 1), datetime.date(2024, 12, 31), today) == 3
    assert years_to_today(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31), today) == 1
    assert years_to_today(datetime.date(2024, 1, 1), datetime.date(2027, 12, 31), today) == 2
    # A period that already begins this year, or lies ahead, stays where it is.
    assert years_to_today(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31), today) == 0
    assert years_to_today(datetime.date(2027, 1, 1), datetime.date(2027, 12, 31), today) == 0


# --- the demo's life -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def lived(django_db_setup, django_db_blocker):
    """Yields inside the transaction so that every test reads the loaded demo; rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        assert "test" in str(connection.settings_dict["NAME"]), "the module fixture must write to the test database"
        first = load_demo()
        yield first
        transaction.set_rollback(True)


@pytest.fixture
def demo(lived, db):
    return lived


def test_every_municipality_lived(demo):
    assert sorted(demo.lived) == sorted(SEED_ORDERS)


@pytest.mark.parametrize("name", SEED_ORDERS)
def test_a_current_edition_is_in_force_by_a_signed_order_and_the_documents_stay(demo, name):
    today = timezone.localdate()
    number, date = SEED_ORDERS[name]
    seed_order = Order.objects.get(municipality__name=name, number=number)
    assert seed_order.date == date and seed_order.is_signed
    edition = Plan.objects.get(municipality__name=name, replaces__isnull=False)
    assert edition.status == Plan.Status.APPROVED
    assert edition.period_start <= today <= edition.period_end
    assert edition.replaces.status == Plan.Status.SUPERSEDED
    order = edition.approved_by
    assert order.is_signed and order.pdf_sha256 and order.date < today
    assert order.signed_by.role == Role.CHAIR
    assert seed_order.superseded_by == order
    # The edition's deadlines name the edition's years, not the document's.
    texts = " ".join(Activity.objects.filter(section__plan=edition).values_list("deadline_text", flat=True))
    years = {int(y) for y in re.findall(r"(?<!\d)20\d\d(?!\d)", texts)}
    assert years and years <= set(range(edition.period_start.year, edition.period_end.year + 1)), years
    # Every tracked point belongs to the plan in force: nothing of the old edition lies overdue.
    assert not ControlPoint.objects.filter(municipality__name=name).exclude(activity__section__plan=edition).exclude(
        status__in=ControlPoint.CLOSED_STATUSES
    ).exists()


@pytest.mark.parametrize("suffix", ["", "_ugl", "_yak"])
def test_the_dashboard_shows_every_kind_of_figure(demo, suffix):
    coordinator = User.objects.get(username=f"coordinator{suffix}")
    today = timezone.localdate()
    totals = dashboard_for_user(user=coordinator, today=today).totals
    for figure in ("done", "done_late", "submitted", "overdue", "planned"):
        assert totals[figure] > 0, (figure, totals)
    # «Due soon» is what the calendar gives: Yakovlevsky's rows are yearly, and most fortnights of
    # its year hold none. The figure is the points open and due in the next 14 days, no more.
    soon = ControlPoint.objects.filter(
        municipality=coordinator.municipality,
        due_date__gte=today,
        due_date__lte=today + datetime.timedelta(days=14),
    ).exclude(status__in=ControlPoint.CLOSED_STATUSES)
    assert totals["due_soon"] == soon.count(), totals
    if suffix != "_yak":
        assert totals["due_soon"] > 0, totals
    # Far from a wall of red: most past points were done.
    assert totals["done"] > 2 * totals["overdue"], totals


@pytest.mark.parametrize("suffix", ["", "_ugl", "_yak"])
def test_each_director_has_a_return_and_each_curator_reports_to_check(demo, suffix):
    today = timezone.localdate()
    director = User.objects.get(username=f"director{suffix}")
    returned = ControlPoint.objects.filter(school=director.school, status=Status.REWORK)
    assert returned.exists()
    assert returned.first().comments.exists()  # the curator said what to rework
    inbox = {item.key: item for item in inbox_for_user(user=director, today=today).lists}
    assert inbox["returned"].total >= 1
    client = Client()
    client.force_login(director)
    assert "Возвращены на доработку" in client.get("/").content.decode()

    curator = User.objects.get(username=f"curator{suffix}")
    review = {item.key: item for item in inbox_for_user(user=curator, today=today).lists}["review"]
    assert review.total >= 1


def test_the_region_reported_its_own_points_and_finds_the_returned_one_at_home(demo):
    """Yakovlevsky's plan names ГАУ ДПО ПК ИРО among the executors: the region's viewer reported its points."""
    today = timezone.localdate()
    viewer = User.objects.get(username="region_yak")
    assert viewer.role == Role.REGION and viewer.municipality_id is None and viewer.region.name == "Приморский край"
    assert Client().login(username="region_yak", password="demo")
    # Omsk's plan names its region's institute (БОУ ДПО «ИРООО») once too; Uglegorsk's plan has two levels.
    in_force = ControlPoint.objects.filter(regional=True, activity__section__plan__status=Plan.Status.APPROVED)
    assert set(in_force.values_list("municipality__name", flat=True)) == {
        "Яковлевский муниципальный округ", "Русско-Полянский муниципальный район",
    }
    regional = in_force.filter(municipality__name="Яковлевский муниципальный округ")
    past = regional.filter(due_date__lt=today)
    assert {Status.DONE, Status.REWORK} <= set(past.values_list("status", flat=True))
    reported = ControlPoint.history.filter(id__in=past.values("pk"), history_change_reason="Отправлено на проверку")
    assert set(reported.values_list("history_user__username", flat=True)) == {"region_yak"}
    assert {cp.accepted_by.role for cp in past.filter(status=Status.DONE)} == {Role.COORDINATOR}
    returned = past.filter(status=Status.REWORK).first()
    assert returned.comments.filter(author__role=Role.COORDINATOR).exists()
    assert Notification.objects.filter(user=viewer, kind=Notification.Kind.RETURNED, control_point=returned).exists()
    lists = {item.key: item for item in inbox_for_user(user=viewer, today=today).lists}
    assert returned.pk in [cp.pk for cp in lists["region-returned"].items]
    client = Client()
    client.force_login(viewer)
    page = client.get("/").content.decode()
    assert "Точки региона: возвращены на доработку" in page and f"/execution/points/{returned.pk}/" in page


def test_points_follow_their_dates(demo):
    today = timezone.localdate()
    now = timezone.now()
    soon = today + datetime.timedelta(days=14)
    later = ControlPoint.objects.filter(due_date__gt=soon).exclude(status=Status.CANCELLED)
    # Far points are planned (a few started early): nothing is accepted or returned before its time.
    assert set(later.values_list("status", flat=True)) <= {Status.PLANNED, Status.IN_PROGRESS}
    for cp in ControlPoint.objects.filter(status=Status.DONE):
        assert cp.submitted_at <= cp.accepted_at <= now
        assert cp.completed_at == cp.submitted_at and cp.report_text and cp.accepted_by_id
    # Lateness comes from real dates: some on time, some late.
    done = ControlPoint.objects.filter(status=Status.DONE)
    late = [cp for cp in done if cp.completed_late]
    assert 0 < len(late) < done.count() / 3
    # History is spread over the months lived, not stamped with the moment of loading.
    history = ControlPoint.history.filter(history_change_reason="Отчёт принят")
    assert history.filter(history_date__lt=now - datetime.timedelta(days=60)).exists()
    assert not ControlPoint.history.filter(history_date__gt=now).exists()
    assert not Notification.objects.filter(created_at__gt=now).exists()
    # A point of a plan in force begins its history with its creation: none of its steps is dated
    # before it (those the edition took over from the document's plan were made at loading).
    created = ControlPoint.history.filter(history_type="+", id=OuterRef("id"))
    in_force = ControlPoint.objects.filter(activity__section__plan__status=Plan.Status.APPROVED).values("pk")
    steps = ControlPoint.history.filter(id__in=in_force).exclude(history_type="+").annotate(
        made_at=Subquery(created.order_by("history_id").values("history_date")[:1])
    )
    assert not steps.filter(history_date__lt=F("made_at")).exists()


def test_reports_read_as_a_school_writes_them(demo):
    texts = list(ControlPoint.objects.filter(status=Status.DONE, school__isnull=False).values_list("report_text", flat=True))
    assert texts and all(any("а" <= ch <= "я" for ch in text.lower()) for text in texts)
    assert len(set(texts)) > len(texts) / 2  # not one sentence repeated


def test_due_date_requests_are_answered_and_waiting(demo):
    statuses = set(DueDateChangeRequest.objects.values_list("status", flat=True))
    assert {DueDateChangeRequest.Status.GRANTED, DueDateChangeRequest.Status.REQUESTED} <= statuses
    moved = ControlPoint.objects.filter(original_due_date__isnull=False)
    assert moved.exists() and all(cp.due_date > cp.original_due_date for cp in moved)


def test_old_notifications_are_read_and_recent_ones_new(demo):
    now = timezone.now()
    assert not Notification.objects.filter(read_at__isnull=True, created_at__lt=now - datetime.timedelta(days=11)).exists()
    assert Notification.objects.filter(read_at__isnull=True).exists()


def test_a_second_load_changes_nothing(demo):
    counts = (
        ControlPoint.history.count(), Notification.objects.count(), Order.objects.count(), Plan.objects.count(),
        DueDateChangeRequest.objects.count(),
    )
    statuses = list(ControlPoint.objects.order_by("pk").values_list("pk", "status", "due_date", "version"))
    again = load_demo()
    assert again.created == {} and again.updated == {} and again.lived == []
    assert counts == (
        ControlPoint.history.count(), Notification.objects.count(), Order.objects.count(), Plan.objects.count(),
        DueDateChangeRequest.objects.count(),
    )
    assert statuses == list(ControlPoint.objects.order_by("pk").values_list("pk", "status", "due_date", "version"))
    assert Municipality.objects.count() == 3
