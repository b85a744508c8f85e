"""seed_scale, run tiny: what it builds, that it builds the same twice, that it keeps out of real data.

Speed is measured in bench/, never here.
"""

import datetime
import hashlib

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F
from django.http import Http404

from accounts.models import Role, User
from monitoring.control.services import control_points_sync_for_plan
from monitoring.models import ControlPoint, ControlPointComment, Evidence, ExamResult, Notification
from roadmaps.models import Activity, Plan
from schnor_portal.scale.region import SEED_REGION_NAME
from schools.access import get_control_point_for_user, visible_control_points, visible_schools
from schools.models import CuratorAssignment, Municipality, School, SchoolList

from . import factories as f

TODAY = "2026-11-24"
TINY = ("--municipalities", "2", "--schools", "3", "--years", "1", "--seed", "7", "--today", TODAY, "--no-progress")
Status = ControlPoint.Status


def _seed(*extra):
    call_command("seed_scale", *TINY, *extra, verbosity=0)


def _fingerprint() -> str:
    """Everything that must not change between two runs with the same seed, by natural keys (ids may)."""
    # A moved point may share its new date with the next occurrence: the first date breaks the tie.
    points = ControlPoint.objects.order_by(
        "municipality__name", "activity__section__position", "activity__position", "school__short_name", "regional",
        "due_date",
        F("original_due_date").asc(nulls_first=True),
    ).values_list(
        "municipality__name", "activity__number", "activity__content", "activity__deadline_text", "school__short_name",
        "window_start", "due_date", "original_due_date", "status", "report_text", "achieved_value", "submitted_at",
        "completed_at", "accepted_by__username", "accepted_at", "version", "regional",
    )
    people = User.objects.order_by("username").values_list("username", "role", "last_name", "first_name", "school__short_name")
    comments = ControlPointComment.objects.order_by(
        "control_point__municipality__name", "control_point__activity__section__position", "control_point__activity__position",
        "control_point__school__short_name", "control_point__regional", "control_point__due_date",
        F("control_point__original_due_date").asc(nulls_first=True),
        "created_at", "text",
    ).values_list("control_point__activity__number", "control_point__due_date", "author__username", "text", "created_at")
    digest = hashlib.sha256()
    for row in (*points, *people, *comments):
        digest.update(repr(row).encode())
    return digest.hexdigest()


@pytest.mark.django_db
def test_it_builds_a_region_with_every_role_status_and_history():
    _seed()

    municipalities = Municipality.objects.filter(region__name=SEED_REGION_NAME)
    assert municipalities.count() == 2
    assert School.objects.filter(municipality__in=municipalities).count() == 6
    for municipality in municipalities:
        plan = Plan.objects.get(municipality=municipality)
        assert plan.status == Plan.Status.APPROVED
        assert 90 <= Activity.objects.filter(section__plan=plan).count() <= 110
        # A third of the schools on the year's list, the plan's clusters built from it.
        assert SchoolList.objects.filter(municipality=municipality, category="shnor").get().entries.count() == 1
        assert plan.clusters.filter(memberships__isnull=False).exists()
        # The points are exactly those the portal's own sync wants: it finds nothing to add or remove.
        result = control_points_sync_for_plan(plan=plan)
        assert (result.created, result.deleted, result.flagged) == (0, 0, 0)
        assert result.kept > 0

    # The region body's rows (ГАУ ДПО ПК ИРО) have the region's own points, reported by its viewer.
    regional = ControlPoint.objects.filter(regional=True)
    assert regional.exists() and not regional.filter(school__isnull=False).exists()
    reporters = ControlPoint.history.filter(id__in=regional.values("pk"), history_change_reason="Отправлено на проверку")
    assert set(reporters.values_list("history_user__role", flat=True)) <= {Role.REGION}

    roles = set(User.objects.filter(municipality__in=municipalities).values_list("role", flat=True))
    assert roles == {Role.COORDINATOR, Role.CHAIR, Role.CURATOR, Role.DIRECTOR}
    assert User.objects.filter(role=Role.REGION, region__name=SEED_REGION_NAME).exists()
    assert CuratorAssignment.objects.filter(school__municipality__in=municipalities, end_date__isnull=True).exists()

    statuses = dict(ControlPoint.objects.values_list("status").annotate(n=Count("pk")))
    assert set(statuses) == set(Status.values)
    assert ControlPoint.objects.filter(needs_decision=True).exists()
    assert ControlPoint.objects.filter(original_due_date__isnull=False).exists()
    assert ControlPointComment.objects.exists() and Evidence.objects.exists() and Notification.objects.exists()
    assert not School.objects.filter(municipality__in=municipalities, exam_results__isnull=True).exists()
    assert set(ExamResult.objects.values_list("procedure", flat=True)) == {"oge", "ege"}


@pytest.mark.django_db
def test_it_gives_every_point_a_history_and_timestamps_that_agree_with_its_status():
    _seed()
    now = datetime.datetime.fromisoformat(f"{TODAY}T12:00:00+06:00")
    points = ControlPoint.objects.all()

    history = ControlPoint.history.model.objects
    assert history.values("id").distinct().count() == points.count()
    created = history.filter(history_type="+")
    assert created.count() == points.count()
    done = points.filter(status=Status.DONE)
    assert not done.filter(completed_at__isnull=True).exists()
    assert not done.filter(accepted_by__isnull=True).exists()
    assert not done.filter(accepted_at__isnull=True).exists()
    assert history.filter(history_change_reason="Отчёт принят").count() == done.count()
    submitted = points.filter(status=Status.SUBMITTED)
    assert not submitted.filter(submitted_at__isnull=True).exists()
    assert not submitted.filter(completed_at__isnull=False).exists()
    assert not points.filter(status=Status.PLANNED).exclude(report_text="").exists()
    assert not points.filter(status=Status.CANCELLED, cancel_reason="").exists()
    for field in ("submitted_at", "completed_at", "accepted_at", "updated_at"):
        assert not points.filter(**{f"{field}__gt": now}).exists(), field
    # Version counts the saves, as the workflow bumps it: created, reported, submitted, accepted.
    assert set(done.filter(original_due_date__isnull=True).values_list("version", flat=True)) == {4}


@pytest.mark.django_db
def test_a_coordinator_of_one_seeded_municipality_sees_nothing_of_another():
    _seed()
    first, second = Municipality.objects.filter(region__name=SEED_REGION_NAME).order_by("pk")
    coordinator = User.objects.get(role=Role.COORDINATOR, municipality=first)
    own = visible_control_points(coordinator)
    assert own.exists()
    assert not own.filter(municipality=second).exists()
    assert not visible_schools(coordinator).filter(municipality=second).exists()
    others = ControlPoint.objects.filter(municipality=second)
    with pytest.raises(Http404):
        get_control_point_for_user(coordinator, others.first().pk)

    director = User.objects.filter(role=Role.DIRECTOR, municipality=first).first()
    assert set(visible_control_points(director).values_list("school_id", flat=True)) == {director.school_id}
    curator = User.objects.filter(role=Role.CURATOR, municipality=first).first()
    assigned = set(
        CuratorAssignment.objects.filter(curator=curator.person, end_date__isnull=True).values_list("school_id", flat=True)
    )
    assert set(visible_control_points(curator).values_list("school_id", flat=True)) == assigned


@pytest.mark.django_db
def test_the_same_seed_builds_the_same_region_and_a_rerun_needs_flush(client):
    _seed()
    before = _fingerprint()
    with pytest.raises(CommandError, match="--flush"):
        _seed()
    _seed("--flush")
    assert _fingerprint() == before
    assert Municipality.objects.filter(region__name=SEED_REGION_NAME).count() == 2
    assert client.login(username="m01_coordinator", password="scale-demo")

    call_command("seed_scale", *TINY[:-3], "--seed", "8", "--today", TODAY, "--no-progress", "--flush", verbosity=0)
    assert _fingerprint() != before


@pytest.mark.django_db
def test_it_refuses_a_database_with_real_data_unless_forced():
    real = f.MunicipalityFactory(name="Русско-Полянский муниципальный район")
    f.ControlPointFactory(activity=f.ActivityFactory(section=f.PlanSectionFactory(plan=f.PlanFactory(municipality=real))))
    with pytest.raises(CommandError, match="рабочие"):
        _seed()
    assert not Municipality.objects.filter(region__name=SEED_REGION_NAME).exists()

    _seed("--force")
    _seed("--force", "--flush")
    # The flush took only the seed's rows: the real municipality and its point are still there.
    assert ControlPoint.objects.filter(municipality=real).count() == 1
    assert Municipality.objects.filter(region__name=SEED_REGION_NAME).count() == 2
