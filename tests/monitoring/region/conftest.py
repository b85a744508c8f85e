"""A small region to read the cabinet against: two municipalities of one region, one of another.

Алексеевский (A): an approved plan in force with one point of each kind, a draft and a superseded
plan whose points must not count, ШНОР lists of 2024–2026, ОГЭ and ЕГЭ results against the region.
Борисовский (B): no plan, a 2026 list, one ОГЭ comparison. Чужой (C, another region): everything,
so that a figure of it leaking into the region's cabinet shows.
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from accounts.models import Role
from monitoring.models import ControlPoint, ReferenceResult
from reports.models import Order
from roadmaps.models import Plan
from schools.models import SchoolList, SchoolListEntry
from tests import factories as f

Status = ControlPoint.Status


def point(activity, school, due, status=Status.PLANNED, **fields):
    return f.ControlPointFactory(activity=activity, school=school, due_date=due, status=status, **fields)


def at(day: datetime.date, hour=12):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def plan_with_points(municipality, today, *, status=Plan.Status.APPROVED, order=None, school=None):
    """A plan of the municipality with, for its school: done on time, done late, overdue, on review,
    planned ahead and cancelled — so done 2, late 1, overdue 1, on review 1, total 5."""
    plan = f.PlanFactory(
        municipality=municipality,
        status=status,
        approved_by=order,
        period_start=datetime.date(today.year, 1, 1),
        period_end=datetime.date(today.year, 12, 31),
    )
    activity = f.ActivityFactory(section=f.PlanSectionFactory(plan=plan))
    school = school or f.SchoolFactory(municipality=municipality)
    month_ago = today - datetime.timedelta(days=30)
    point(activity, school, month_ago, Status.DONE, submitted_at=at(today - datetime.timedelta(days=40)), completed_at=at(today - datetime.timedelta(days=40)))
    point(activity, school, month_ago, Status.DONE, submitted_at=at(today - datetime.timedelta(days=10)), completed_at=at(today - datetime.timedelta(days=10)))
    point(activity, school, today - datetime.timedelta(days=5))
    point(activity, None, today + datetime.timedelta(days=10), Status.SUBMITTED, submitted_at=at(today - datetime.timedelta(days=2)))
    point(activity, school, today + datetime.timedelta(days=30))
    point(activity, school, today + datetime.timedelta(days=30), Status.CANCELLED, cancel_reason="Отменено приказом")
    return plan


def shnor_list(municipality, year, schools):
    school_list = SchoolList.objects.create(municipality=municipality, year=year, category=SchoolList.Category.SHNOR)
    for school in schools:
        SchoolListEntry.objects.create(school_list=school_list, school=school)
    return school_list


def signed_order(municipality, number, date):
    return f.OrderFactory(municipality=municipality, status=Order.Status.SIGNED, number=number, date=date)


def result(school, procedure, subject, grade, year, score):
    return f.ExamResultFactory(school=school, procedure=procedure, subject=subject, grade=grade, year=year, average_score=Decimal(score))


def reference(municipality, level, procedure, subject, grade, year, score):
    return ReferenceResult.objects.create(
        level=level,
        municipality=municipality,
        region=municipality.region if level == "region" else None,
        procedure=procedure,
        subject=subject,
        grade=grade,
        year=year,
        average_score=Decimal(score),
    )


@pytest.fixture
def region(db):
    home = f.RegionFactory(name="Омская область")
    away = f.RegionFactory(name="Сахалинская область")
    a = f.MunicipalityFactory(region=home, name="Алексеевский муниципальный район")
    b = f.MunicipalityFactory(region=home, name="Борисовский муниципальный район")
    c = f.MunicipalityFactory(region=away, name="Чужой муниципальный округ")
    today = a.today()  # the region's pages count on its clock (Omsk), not the server's

    s1, s2, s3 = (f.SchoolFactory(municipality=a, short_name=f"СОШ № {n}") for n in (1, 2, 3))
    order = signed_order(a, "12", datetime.date(today.year, 1, 15))
    plan = plan_with_points(a, today, order=order, school=s1)
    # Neither a draft nor a superseded plan is in force: their points do not count.
    plan_with_points(a, today, status=Plan.Status.DRAFT, school=s1)
    plan_with_points(a, today, status=Plan.Status.SUPERSEDED, school=s2)
    shnor_list(a, 2024, [s1, s2])
    shnor_list(a, 2025, [s2, s3])
    shnor_list(a, 2026, [s3, s1])  # s3 a second year, s1 back, s2 left
    result(s1, "oge", "Математика", 9, 2025, "3.40")
    result(s2, "oge", "Математика", 9, 2025, "3.60")  # no municipal average entered: the schools' mean 3,50
    reference(a, "region", "oge", "Математика", 9, 2025, "3.70")
    reference(a, "region", "oge", "Математика", 9, 2024, "3.10")  # an older year: not the one shown
    reference(a, "municipality", "oge", "Математика", 9, 2024, "3.90")
    reference(a, "municipality", "ege", "Русский язык", 11, 2025, "65.00")
    reference(a, "region", "ege", "Русский язык", 11, 2025, "62.50")

    b1 = f.SchoolFactory(municipality=b, short_name="Борисовская СОШ")
    shnor_list(b, 2026, [b1])
    reference(b, "municipality", "oge", "Математика", 9, 2025, "3.80")
    reference(b, "region", "oge", "Математика", 9, 2025, "3.70")

    c1 = f.SchoolFactory(municipality=c, short_name="Чужая СОШ")
    plan_with_points(c, today, order=signed_order(c, "5", datetime.date(today.year, 2, 1)), school=c1)
    shnor_list(c, 2023, [c1])
    reference(c, "municipality", "oge", "Физика", 9, 2026, "4.00")
    reference(c, "region", "oge", "Физика", 9, 2026, "3.00")

    return SimpleNamespace(
        today=today, home=home, away=away, a=a, b=b, c=c, plan=plan, order=order, lists=SchoolList.objects,
        viewer=f.UserFactory(username="region_viewer", role=Role.REGION, municipality=None, region=home),
        admin=f.UserFactory(username="region_admin", role=Role.REGION_ADMIN, municipality=None, region=home),
        viewer_away=f.UserFactory(username="region_away", role=Role.REGION, municipality=None, region=away),
        coordinator=f.UserFactory(username="coordinator_a", role=Role.COORDINATOR, municipality=a),
        chair=f.UserFactory(username="chair_a", role=Role.CHAIR, municipality=a),
        superuser=f.UserFactory(username="root", role="", municipality=None, is_superuser=True, is_staff=True),
    )
