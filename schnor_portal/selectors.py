"""Figures for the home page of each role; every one is read through the access module."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q

from accounts.models import Role
from monitoring.control.selectors import control_point_counts
from reports.models import Order
from roadmaps.models import Plan
from schools.access import (
    visible_control_points,
    visible_municipalities,
    visible_orders,
    visible_plans,
    visible_schools,
)
from schools.models import SchoolList, SchoolListEntry


@dataclass
class HomeSummary:
    today: datetime.date
    schools: int = 0
    list_year: int | None = None
    listed: list = field(default_factory=list)
    plans: dict = field(default_factory=dict)
    control_points: dict = field(default_factory=dict)
    orders: dict = field(default_factory=dict)
    rows: list = field(default_factory=list)
    plan_rows: list = field(default_factory=list)


def home_summary_for_user(*, user, today: datetime.date) -> HomeSummary:
    schools = visible_schools(user)
    summary = HomeSummary(today=today, schools=schools.count())

    lists = SchoolList.objects.filter(municipality__in=visible_municipalities(user))
    summary.list_year = lists.aggregate(year=Max("year"))["year"]
    if summary.list_year:
        by_category = dict(
            SchoolListEntry.objects.filter(school__in=schools, school_list__year=summary.list_year)
            .values_list("school_list__category")
            .annotate(n=Count("school", distinct=True))
        )
        summary.listed = [
            (value, label, by_category[value]) for value, label in SchoolList.Category.choices if value in by_category
        ]

    summary.plans = visible_plans(user).aggregate(
        total=Count("pk"),
        approved=Count("pk", filter=Q(status=Plan.Status.APPROVED)),
        draft=Count("pk", filter=Q(status=Plan.Status.DRAFT)),
    )
    summary.control_points = visible_control_points(user).aggregate(**control_point_counts(today))
    summary.orders = visible_orders(user).aggregate(
        total=Count("pk"),
        signed=Count("pk", filter=Q(status=Order.Status.SIGNED)),
        draft=Count("pk", filter=Q(status=Order.Status.DRAFT)),
    )

    if user.reads_several_municipalities:
        summary.rows = list(
            visible_municipalities(user)
            .select_related("region")
            .annotate(n_schools=Count("schools", distinct=True))
            .order_by("region__name", "name")
        )
    elif user.role in (Role.CURATOR, Role.DIRECTOR):
        # Only this user's control points count per school: a curator's school may have
        # municipal points too, which belong to the coordinator's page.
        summary.rows = list(
            schools.annotate(**control_point_counts(today, prefix="control_points__")).order_by("short_name")
        )
    if user.reads_several_municipalities or user.role in (Role.COORDINATOR, Role.CHAIR):
        summary.plan_rows = list(
            visible_plans(user)
            .select_related("municipality", "approved_by")
            .annotate(n_activities=Count("sections__activities"))
            .order_by("municipality__name", "-period_start", "pk")
        )
    return summary
