from django.db.models import Count, Prefetch, Q, QuerySet

from monitoring.control.services import activity_windows
from schools.access import visible_control_points, visible_plans

from .models import Activity, ExecutorLevel, Plan, PlanSection


def plan_list_for_user(*, user) -> QuerySet[Plan]:
    return (
        visible_plans(user)
        .select_related("municipality", "approved_by", "part_of")
        .annotate(n_activities=Count("sections__activities"))
        .order_by("municipality__name", "-period_start", "pk")
    )


def plan_table(*, plan: Plan, cluster=None) -> list[dict]:
    """The plan as its printed table: rows of sections (with depth) and their activities, in order.

    With a cluster, only what concerns it: its own tables and activities addressed to it (the
    per-cluster view of 000_b4835e37d9334ce8.txt).
    """
    # The executors are read per level (roadmaps.layout: a 3-level plan prints a column per level),
    # in one query for the whole table. An activity's clusters matter only to the view of one cluster.
    activities = Activity.objects.order_by("position").prefetch_related("executor_set")
    if cluster is not None:
        activities = activities.prefetch_related("clusters")
    sections = list(
        plan.sections.select_related("cluster").prefetch_related(Prefetch("activities", queryset=activities)).order_by("position")
    )
    children: dict[int | None, list[PlanSection]] = {}
    for section in sections:
        children.setdefault(section.parent_id, []).append(section)

    rows = []

    def concerns(section, activity):
        if cluster is None:
            return True
        return section.cluster_id == cluster.pk or any(c.pk == cluster.pk for c in activity.clusters.all())

    def walk(parent_id, depth):
        for section in children.get(parent_id, []):
            activities = [a for a in section.activities.all() if concerns(section, a)]
            start = len(rows)
            rows.append({"kind": "section", "section": section, "depth": depth})
            for activity in activities:
                rows.append({"kind": "activity", "activity": activity, "section": section})
            # A part that only holds sections («Раздел II») takes no rows of its own.
            holds_rows = activities or section.pk not in children
            if holds_rows and (cluster is None or section.cluster_id == cluster.pk):
                rows.append({"kind": "add", "section": section})
            walk(section.pk, depth + 1)
            if cluster is not None and len(rows) == start + 1:
                rows.pop()  # a section with nothing for this cluster is left out

    walk(None, 0)
    return rows


def plan_has_executors(rows) -> bool:
    return any(row["kind"] == "activity" and row["activity"].executors_text for row in rows)


TIMELINE_GROUPS = {
    "section": "по мероприятиям",
    "cluster": "по кластерам",
    "school": "по школам",
    "executor": "по уровню исполнителя",
}


def _timeline_key(point, group):
    if group == "school":
        name = point["school__short_name"]
        return (name is None, name or ""), name or "Муниципальный уровень"
    if group == "cluster":
        number = point["activity__section__cluster__number"]
        return (number is None, number or 0), f"{number} кластер" if number else "Вне кластеров"
    if group == "executor":
        municipal = point["school_id"] is None
        return (not municipal,), "Муниципальный уровень" if municipal else "Уровень ОО (школы)"
    return (
        (point["activity__section__position"], point["activity__position"]),
        f"{point['activity__number']} {point['activity__content'][:90]}".strip(),
    )


def plan_timeline(*, plan: Plan, group: str, today, user) -> dict:
    """The plan's control points the user may see, by month of their due date, rows grouped as asked:
    one query. A director's timeline holds their school's points only, a curator's their schools'."""
    from monitoring.models import ControlPoint

    months = []
    year, month = plan.period_start.year, plan.period_start.month
    while (year, month) <= (plan.period_end.year, plan.period_end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    index = {m: i for i, m in enumerate(months)}
    points = visible_control_points(user).filter(activity__section__plan=plan).exclude(status=ControlPoint.Status.CANCELLED).values(
        "activity__number", "activity__content", "activity__section__position", "activity__position",
        "activity__section__cluster__number", "school_id", "school__short_name", "due_date", "status",
    )
    rows: dict = {}
    outside = 0
    for point in points:
        key, label = _timeline_key(point, group)
        row = rows.setdefault(key, {"label": label, "cells": [{"total": 0, "done": 0, "overdue": 0} for _ in months]})
        month_index = index.get((point["due_date"].year, point["due_date"].month))
        if month_index is None:
            outside += 1
            continue
        cell = row["cells"][month_index]
        cell["total"] += 1
        if point["status"] == ControlPoint.Status.DONE:
            cell["done"] += 1
        elif point["due_date"] < today:
            cell["overdue"] += 1
    return {"months": months, "rows": [rows[k] for k in sorted(rows)], "outside": outside}


def plan_control_point_summary(*, plans, user) -> dict:
    """How many control points the plans have, for schools (and how many schools) and for the municipality."""
    points = visible_control_points(user).filter(activity__section__plan__in=plans)
    return points.aggregate(
        total=Count("pk"),
        school_points=Count("pk", filter=Q(school__isnull=False)),
        schools=Count("school", distinct=True),
        municipality=Count("pk", filter=Q(school__isnull=True)),
    )


def plan_school_points(*, plan: Plan) -> dict:
    """What approval creates for each school of the plan: a point per window of every activity «для всех
    школ плана» with school executors (cluster and chosen-school activities do not depend on the plan's schools)."""
    activities = (
        Activity.objects.filter(
            section__plan=plan, scope=Activity.Scope.ALL_SCHOOLS, executor_set__level=ExecutorLevel.SCHOOL
        )
        .distinct()
        .order_by("pk")
    )
    per_school = 0
    count = 0
    for activity in activities:
        count += 1
        per_school += len(activity_windows(activity, plan))
    return {"per_school": per_school, "activities": count}
