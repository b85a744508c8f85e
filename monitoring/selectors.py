"""Reads of the execution pages, each in a fixed number of queries whatever the number of points.

Everything starts from `schools.access.visible_control_points` (or `visible_schools`): a figure
never counts a point its reader may not open.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from clusters.models import ClusterMembership
from roadmaps.models import ActivityExecutor, ExecutorLevel
from schools.access import (
    can_record_visit,
    visible_control_points,
    visible_plans,
    visible_schools,
    visible_visits,
)

from .filters import OPEN_STATUSES, ControlPointFilter
from .models import ControlPoint, ControlPointComment, DueDateChangeRequest, Evidence, MonitoringVisit, Notification

Status = ControlPoint.Status
IN_WORK_STATUSES = (Status.IN_PROGRESS, Status.SUBMITTED, Status.REWORK)
DUE_SOON_DAYS = 14


# --- rows ---------------------------------------------------------------------------------------

def control_point_rows(queryset: QuerySet[ControlPoint]) -> QuerySet[ControlPoint]:
    """What a row shows: the activity as written, its plan and section, the school, municipal executors."""
    return queryset.select_related("activity", "activity__section", "activity__section__plan", "school").prefetch_related(
        Prefetch(
            "activity__executor_set",
            queryset=ActivityExecutor.objects.filter(level=ExecutorLevel.MUNICIPALITY).order_by("position"),
            to_attr="municipal_executors",
        )
    )


def decorate(points, today: datetime.date):
    """Per-row derived facts, computed once in Python: days overdue, executor label."""
    for cp in points:
        cp.overdue_days = cp.days_overdue(today)
        cp.is_late_done = cp.completed_late
        if cp.school_id:
            cp.executor_label = cp.school.short_name
        else:
            names = [e.name for e in getattr(cp.activity, "municipal_executors", [])]
            cp.executor_label = "; ".join(names) or "муниципальный уровень"
    return points


def control_point_filter_for_user(*, user, filters=None, today=None, queryset=None) -> ControlPointFilter:
    """The register's FilterSet over the user's points: `.qs` is the list, `.form` the panel."""
    today = today or timezone.localdate()
    base = queryset if queryset is not None else visible_control_points(user)
    return ControlPointFilter(filters or {}, queryset=control_point_rows(base), user=user, today=today)


def control_point_counts(today, prefix=""):
    """done / in work / overdue / planned (mutually exclusive, cancelled left out), done late, total."""
    p = prefix
    due, status = f"{p}due_date", f"{p}status"
    key = f"{p}pk" if p else "pk"
    open_q = ~Q(**{f"{status}__in": ControlPoint.CLOSED_STATUSES})
    overdue = open_q & Q(**{f"{due}__lt": today})
    return {
        "total": Count(key, filter=~Q(**{status: Status.CANCELLED})),
        "done": Count(key, filter=Q(**{status: Status.DONE})),
        "done_late": Count(key, filter=Q(**{status: Status.DONE, f"{p}completed_at__date__gt": F(due)})),
        "in_work": Count(key, filter=Q(**{f"{status}__in": IN_WORK_STATUSES, f"{due}__gte": today})),
        "planned": Count(key, filter=Q(**{status: Status.PLANNED, f"{due}__gte": today})),
        "overdue": Count(key, filter=overdue),
        "submitted": Count(key, filter=Q(**{status: Status.SUBMITTED})),
        "due_soon": Count(
            key, filter=open_q & Q(**{f"{due}__gte": today, f"{due}__lte": today + datetime.timedelta(days=DUE_SOON_DAYS)})
        ),
    }


def _percent(done, total):
    return round(100 * done / total) if total else None


# --- «Моя школа» ----------------------------------------------------------------------------------

@dataclass
class PointGroup:
    key: str
    title: str
    points: list = field(default_factory=list)
    expanded: bool = True


def _card_rows(queryset):
    return control_point_rows(queryset).prefetch_related(
        Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at", "pk")),
        Prefetch(
            "comments",
            queryset=ControlPointComment.objects.select_related("author", "author__person").order_by("-created_at", "-pk"),
            to_attr="recent_comments",
        ),
        Prefetch(
            "due_date_requests",
            queryset=DueDateChangeRequest.objects.filter(status=DueDateChangeRequest.Status.REQUESTED),
            to_attr="open_requests",
        ),
    )


def school_points_for_user(*, user, school, filters=None, today=None):
    """The school's control points for «Моя школа», filtered and grouped by what needs doing first."""
    today = today or timezone.localdate()
    base = _card_rows(visible_control_points(user).filter(school=school))
    filterset = ControlPointFilter(filters or {}, queryset=base, user=user, today=today)
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    groups = {
        "overdue": PointGroup("overdue", "Просрочено"),
        "soon": PointGroup("soon", f"Срок в ближайшие {DUE_SOON_DAYS} дней"),
        "later": PointGroup("later", "Позже", expanded=False),
        "done": PointGroup("done", "Выполнено", expanded=False),
        "cancelled": PointGroup("cancelled", "Отменено", expanded=False),
    }
    for cp in decorate(list(filterset.qs), today):
        if cp.status == Status.DONE:
            key = "done"
        elif cp.status == Status.CANCELLED:
            key = "cancelled"
        elif cp.due_date < today:
            key = "overdue"
        elif cp.due_date <= soon:
            key = "soon"
        else:
            key = "later"
        groups[key].points.append(cp)
    groups["done"].points.sort(key=lambda cp: (cp.due_date, cp.pk), reverse=True)
    return filterset, [g for g in groups.values() if g.points or g.key in ("overdue", "soon")]


def control_point_card(control_point: ControlPoint, today=None) -> ControlPoint:
    """One card, as the list shows it (after an htmx save)."""
    today = today or timezone.localdate()
    return decorate(list(_card_rows(ControlPoint.objects.filter(pk=control_point.pk))), today)[0]


# --- curator's «Мои школы» ----------------------------------------------------------------------

def curator_home_for_user(*, user, today=None) -> dict:
    today = today or timezone.localdate()
    schools = list(
        visible_schools(user)
        .annotate(**control_point_counts(today, prefix="control_points__"))
        .order_by("short_name", "pk")
    )
    for school in schools:
        school.percent_done = _percent(school.done, school.total)
    queue = decorate(
        list(
            _card_rows(visible_control_points(user).filter(status=Status.SUBMITTED)).order_by(
                F("submitted_at").asc(nulls_last=True), "due_date", "pk"
            )
        ),
        today,
    )
    visits = list(
        visible_visits(user).select_related("school", "visitor").order_by("-date", "-pk")[:10]
    )
    return {"schools": schools, "queue": queue, "visits": visits, "today": today}


# --- coordinator's «Контроль исполнения» --------------------------------------------------------

@dataclass
class Dashboard:
    today: datetime.date
    period_from: datetime.date | None
    period_to: datetime.date | None
    totals: dict
    by_school: list
    by_level: dict
    by_executor: list
    by_section: list
    by_cluster: list
    due_soon: list
    due_soon_total: int
    requests: list
    period_query: str


def _period_query(period_from, period_to):
    parts = []
    if period_from:
        parts.append(f"due_from={period_from.isoformat()}")
    if period_to:
        parts.append(f"due_to={period_to.isoformat()}")
    return "&".join(parts)


def dashboard_for_user(*, user, today=None, period_from=None, period_to=None, due_soon_limit=15) -> Dashboard:
    """Every figure of the dashboard in nine queries; each figure has the register filter behind it."""
    today = today or timezone.localdate()
    base = visible_control_points(user)
    if period_from:
        base = base.filter(due_date__gte=period_from)
    if period_to:
        base = base.filter(due_date__lte=period_to)
    counts = control_point_counts(today)

    totals = base.aggregate(
        **counts,
        needs_decision=Count("pk", filter=Q(needs_decision=True)),
        rescheduled=Count("pk", filter=Q(original_due_date__isnull=False) & ~Q(original_due_date=F("due_date"))),
    )
    totals["percent_done"] = _percent(totals["done"], totals["total"])

    by_school = list(
        base.values("school_id", "school__short_name").annotate(**counts).order_by(F("school__short_name").asc(nulls_last=True))
    )
    by_level = {"school": 0, "municipality": 0}
    for row in by_school:
        row["percent_done"] = _percent(row["done"], row["total"])
        row["query"] = f"school={row['school_id']}" if row["school_id"] else "level=municipality"
        by_level["municipality" if row["school_id"] is None else "school"] += row["overdue"]

    by_executor = list(
        ActivityExecutor.objects.filter(level=ExecutorLevel.MUNICIPALITY)
        .filter(activity__control_points__in=base.filter(school__isnull=True))
        .values("name")
        .annotate(**control_point_counts(today, prefix="activity__control_points__"))
        .filter(overdue__gt=0)
        .order_by("-overdue", "name")
    )

    by_section = list(
        base.values(
            "activity__section_id",
            "activity__section__number",
            "activity__section__title",
            "activity__section__plan__period_start",
            "activity__section__plan__period_end",
        )
        .annotate(**counts)
        .order_by("activity__section__plan__period_start", "activity__section__plan_id", "activity__section__position")
    )
    for row in by_section:
        row["percent_done"] = _percent(row["done"], row["total"])
        row["query"] = f"section={row['activity__section_id']}"

    by_cluster = _cluster_rows(user, base, counts)

    soon_end = today + datetime.timedelta(days=DUE_SOON_DAYS)
    soon_qs = base.filter(status__in=OPEN_STATUSES, due_date__gte=today, due_date__lte=soon_end)
    due_soon = decorate(list(control_point_rows(soon_qs).order_by("due_date", "pk")[:due_soon_limit]), today)

    requests = list(
        DueDateChangeRequest.objects.filter(
            status=DueDateChangeRequest.Status.REQUESTED, control_point__in=visible_control_points(user)
        )
        .select_related("control_point", "control_point__activity", "control_point__school", "requested_by", "requested_by__person")
        .order_by("requested_at", "pk")
    )
    return Dashboard(
        today=today,
        period_from=period_from,
        period_to=period_to,
        totals=totals,
        by_school=by_school,
        by_level=by_level,
        by_executor=by_executor,
        by_section=by_section,
        by_cluster=by_cluster,
        due_soon=due_soon,
        due_soon_total=totals["due_soon"],
        requests=requests,
        period_query=_period_query(period_from, period_to),
    )


def _cluster_rows(user, base, counts):
    """Completion per cluster: the points of the cluster's schools in the cluster's plan (two queries)."""
    memberships = list(
        ClusterMembership.objects.filter(cluster__plan__in=visible_plans(user))
        .select_related("cluster", "cluster__plan")
        .order_by("-cluster__plan__period_start", "cluster__plan_id", "cluster__number")
    )
    if not memberships:
        return []
    per_school_plan = {
        (row["school_id"], row["activity__section__plan_id"]): row
        for row in base.filter(school__isnull=False).values("school_id", "activity__section__plan_id").annotate(**counts)
    }
    rows = {}
    for membership in memberships:
        cluster = membership.cluster
        row = rows.setdefault(cluster.pk, {"cluster": cluster, "schools": 0, **{k: 0 for k in counts}})
        row["schools"] += 1
        found = per_school_plan.get((membership.school_id, cluster.plan_id))
        if found:
            for key in counts:
                row[key] += found[key]
    result = list(rows.values())
    for row in result:
        row["percent_done"] = _percent(row["done"], row["total"])
        row["query"] = f"cluster={row['cluster'].pk}"
    return result


# --- one control point --------------------------------------------------------------------------

TRACKED_FIELDS = {
    "status": "статус",
    "due_date": "срок",
    "original_due_date": "первоначальный срок",
    "window_start": "начало окна",
    "report_text": "что сделано",
    "achieved_value": "достигнутое значение",
    "needs_decision": "требует решения",
    "cancel_reason": "причина отмены",
}


@dataclass
class HistoryEntry:
    when: datetime.datetime
    user: object
    action: str
    changes: list


def _history_value(name, value):
    if value in (None, ""):
        return "—"
    if name == "status":
        return Status(value).label if value in Status.values else value
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, str) and len(value) > 120:
        return value[:120] + "…"
    return str(value)


def control_point_history(control_point: ControlPoint) -> list[HistoryEntry]:
    """Who changed what and when, newest first (one query)."""
    records = list(
        control_point.history.select_related("history_user", "history_user__person").order_by("history_date", "history_id")
    )
    entries, previous = [], None
    for record in records:
        if previous is None:
            action, changes = "Создана", []
        else:
            delta = record.diff_against(previous, included_fields=list(TRACKED_FIELDS))
            changes = [
                (TRACKED_FIELDS[c.field], _history_value(c.field, c.old), _history_value(c.field, c.new))
                for c in delta.changes
            ]
            action = record.history_change_reason or "Изменена"
        if previous is None or changes or record.history_change_reason:
            entries.append(HistoryEntry(record.history_date, record.history_user, action, changes))
        previous = record
    entries.reverse()
    return entries


def control_point_page(*, control_point: ControlPoint, today=None) -> dict:
    today = today or timezone.localdate()
    decorate([control_point], today)
    return {
        "comments": list(
            control_point.comments.select_related("author", "author__person").order_by("created_at", "pk")
        ),
        "evidence": list(control_point.evidence.select_related("uploaded_by", "uploaded_by__person").order_by("uploaded_at", "pk")),
        "requests": list(
            control_point.due_date_requests.select_related(
                "requested_by", "requested_by__person", "decided_by", "decided_by__person"
            ).order_by("-requested_at", "-pk")
        ),
        "executors": list(control_point.activity.executor_set.order_by("position")),
        "history": control_point_history(control_point),
    }


# --- visits, notifications ----------------------------------------------------------------------

def visit_list_for_school(*, school, user) -> dict:
    """For the school card: the school's visits with their files, and whether the user may add one."""
    visits = list(
        visible_visits(user)
        .filter(school=school)
        .select_related("visitor")
        .prefetch_related("files")
        .order_by("-date", "-pk")
    )
    return {"visits": visits, "can_add_visit": can_record_visit(user, school)}


def visit_page(*, visit: MonitoringVisit) -> dict:
    return {"files": list(visit.files.select_related("uploaded_by", "uploaded_by__person").order_by("uploaded_at", "pk"))}


def notification_list_for_user(*, user, limit=200) -> list[Notification]:
    return list(
        Notification.objects.filter(user=user)
        .select_related("control_point", "control_point__activity", "control_point__school")
        .order_by("-created_at", "-pk")[:limit]
    )
