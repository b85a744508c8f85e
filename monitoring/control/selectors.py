"""Reads of the execution pages, each in a fixed number of queries whatever the number of points.

Everything starts from `schools.access.visible_control_points` (or `visible_schools`): a figure
never counts a point its reader may not open.
"""

import datetime
import zoneinfo
from dataclasses import dataclass, field

from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Count, F, Prefetch, Q, QuerySet, TextField, prefetch_related_objects
from django.utils import timezone

from clusters.models import Cluster, ClusterMembership
from monitoring.models import (
    ControlPoint,
    ControlPointComment,
    DueDateChangeRequest,
    Evidence,
    MonitoringVisit,
    Notification,
)
from roadmaps.models import ActivityExecutor, ExecutorLevel, Plan, PlanSection
from schools.access import (
    can_record_visit,
    control_point_scope,
    sees_whole_municipality,
    visible_control_points,
    visible_municipalities,
    visible_plans,
    visible_schools,
    visible_visits,
)
from schools.models import Municipality, School

from .dashboard import executor_sums, municipal_executors, municipal_sums, point_sums, school_sums
from .filters import OPEN_STATUSES, ControlPointFilter, SchoolPointFilter

Status = ControlPoint.Status
IN_WORK_STATUSES = (Status.IN_PROGRESS, Status.SUBMITTED, Status.REWORK)
DUE_SOON_DAYS = 14
REQUESTS_LIMIT = 50
# What the dashboard's list of due-date requests shows: the point's activity and executor, the
# dates, the reason and who asked. Its rows join five models; their other columns (the point's
# report, the activity's texts, the school's card, the accounts) were most of what was read.
REQUEST_ROW_FIELDS = (
    "control_point_id", "current_due_date", "requested_date", "reason", "status", "requested_by_id", "requested_at",
    "control_point__activity_id", "control_point__school_id", "control_point__regional",
    "control_point__activity__number", "control_point__activity__content", "control_point__school__short_name",
    "requested_by__person_id", "requested_by__first_name", "requested_by__last_name", "requested_by__username",
    "requested_by__person__last_name", "requested_by__person__first_name", "requested_by__person__middle_name",
)


# --- rows ---------------------------------------------------------------------------------------

# What no row shows of its plan and section: their long texts but the title (the plan's passport,
# paragraphs each in a real plan), which a page of fifty rows would otherwise read fifty times over.
ROW_DEFERRED = [
    f"{path}{f.name}"
    for path, model in (("activity__section__plan__", Plan), ("activity__section__", PlanSection))
    for f in model._meta.concrete_fields
    if isinstance(f, TextField) and f.name != "title"
]


def control_point_rows(queryset: QuerySet[ControlPoint]) -> QuerySet[ControlPoint]:
    """What a row shows: the activity as written, its plan and section, the school, the executors
    above the schools (municipal and regional, one prefetch; split in `decorate`)."""
    related = queryset.select_related("activity", "activity__section", "activity__section__plan", "school")
    return related.defer(*ROW_DEFERRED).prefetch_related(_upper_executors())


def _upper_executors() -> Prefetch:
    return Prefetch(
        "activity__executor_set",
        queryset=ActivityExecutor.objects.exclude(level=ExecutorLevel.SCHOOL).order_by("position"),
        to_attr="upper_executors",
    )


def register_page(queryset: QuerySet[ControlPoint], paginator_class, per_page: int, number, counts=None, sort=""):
    """A page of the register: chosen on the narrow query, then its rows read by primary key.

    Sorted by school name or filtered by lateness, the register's order needs the whole filtered
    set; joined with activities, sections and plans first (what a row shows), that set is 11,000
    wide rows to sort for fifty (70 ms where the page's own rows take 2). The page is picked from
    the points' ids alone, and only its fifty rows are read in full. `counts` (per school, from
    `counts.school_counts`), when known, spares the paginator its COUNT, and a page sorted by
    school is read from the few schools it falls in.
    """
    ids = queryset.prefetch_related(None).values_list("pk", flat=True)
    paginator = paginator_class(ids, per_page)
    if counts is None:
        page = paginator.get_page(number)
    else:
        paginator.count = sum(counts.values())  # a cached_property: what it would have counted
        if sort.lstrip("-") == "school":
            page = _school_sorted_page(ids, paginator, number, counts, descending=sort.startswith("-"))
        else:
            page = paginator.get_page(number)
    by_pk = control_point_rows(ControlPoint.objects.filter(pk__in=list(page.object_list))).in_bulk()
    return page, [by_pk[pk] for pk in page.object_list if pk in by_pk]


def _school_sorted_page(ids, paginator, number, counts, *, descending):
    """The page of a register sorted by school, from the per-school counts: the schools whose
    points the page holds, in the order the name sort puts them, and one query over their points.

    Sorting a region's 400,000 open points by school name for fifty took 350 ms; the schools of a
    page hold a few hundred. The order is the filter's own (name, school, due date, id), so the
    rows are those the plain sort would give.
    """
    try:
        number = paginator.validate_number(number)
    except PageNotAnInteger:
        number = 1
    except EmptyPage:
        number = paginator.num_pages
    bottom = (number - 1) * paginator.per_page
    top = min(bottom + paginator.per_page, paginator.count)
    if top + paginator.orphans >= paginator.count:
        top = paginator.count
    names = dict(School.objects.filter(pk__in=[pk for pk in counts if pk]).order_by().values_list("pk", "short_name"))
    schools = sorted((pk for pk in counts if pk), key=lambda pk: (names.get(pk, ""), pk), reverse=descending)
    # NULL names (the municipality's own points) come first going up and last going down, as in SQL.
    order = schools + [None] if descending else [None, *schools]
    chosen, start, skip = [], 0, 0
    for school in order:
        n = counts.get(school, 0)
        if n and start + n > bottom and start < top:
            if not chosen:
                skip = bottom - start
            chosen.append(school)
        start += n
    rows = []
    if chosen:
        in_chosen = Q(school_id__in=[pk for pk in chosen if pk])
        if None in chosen:
            in_chosen |= Q(school__isnull=True)
        rows = list(ids.filter(in_chosen)[skip : skip + (top - bottom)])
    return paginator._get_page(rows, number, paginator)


def decorate(points, today: datetime.date):
    """Per-row derived facts, computed once in Python: days overdue, executor label."""
    for cp in points:
        cp.overdue_days = cp.days_overdue(today)
        cp.is_late_done = cp.completed_late
        if cp.school_id:
            cp.executor_label = cp.school.short_name
        else:
            level = ExecutorLevel.REGION if cp.regional else ExecutorLevel.MUNICIPALITY
            names = [e.name for e in getattr(cp.activity, "upper_executors", []) if e.level == level]
            cp.executor_label = "; ".join(names) or cp.executor_level_label
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
    total: int = 0
    # The register filter that lists the whole group, when it holds more than the page shows.
    query: str = ""
    # Counted but its cards not loaded: they come when the group is opened (views.school.my_school_group).
    deferred: bool = False

    @property
    def expanded(self) -> bool:
        return self.key in OPEN_GROUPS

    @property
    def more(self) -> int:
        return self.total - len(self.points)


# Cards a group of «Моя школа» shows; a folded group fewer, as it is opened less often.
GROUP_LIMIT = 20
FOLDED_GROUP_LIMIT = 10
# The groups of «Моя школа» open on arrival, and those folded until the user opens them.
OPEN_GROUPS = ("overdue", "soon")
FOLDED_GROUPS = ("later", "done", "cancelled")


def _card_prefetches() -> tuple[Prefetch, ...]:
    """What a card shows beyond its row: files, comments (the last one), open due-date requests."""
    return (
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


def _card_rows(queryset):
    return control_point_rows(queryset).prefetch_related(*_card_prefetches())


def school_points_for_user(*, user, school, filters=None, today=None, cards_for=None):
    """The school's control points for «Моя школа», filtered and grouped by what needs doing first.

    A school has hundreds of points over a plan's years: each group shows its first cards and
    says how many more the register holds. The grouping reads three columns of every point; only
    the cards shown are loaded with what a card displays. `cards_for` names the groups whose cards
    are loaded (by default all); the others are counted and `deferred`.
    """
    today = today or timezone.localdate()
    points = visible_control_points(user).filter(school=school)
    filterset = SchoolPointFilter(filters or {}, queryset=points, user=user, today=today)
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    open_statuses = "&".join(f"status={s}" for s in OPEN_STATUSES)
    groups = {
        "overdue": PointGroup("overdue", "Просрочено", query="overdue=yes"),
        "soon": PointGroup(
            "soon",
            f"Срок в ближайшие {DUE_SOON_DAYS} дней",
            query=f"due_from={today.isoformat()}&due_to={soon.isoformat()}&{open_statuses}",
        ),
        "later": PointGroup("later", "Позже", query=f"due_from={(soon + datetime.timedelta(days=1)).isoformat()}&{open_statuses}"),
        "done": PointGroup("done", "Выполнено", query="status=done&sort=-due"),
        "cancelled": PointGroup("cancelled", "Отменено", query="status=cancelled"),
    }
    members = {key: [] for key in groups}
    for pk, status, due_date in filterset.qs.values_list("pk", "status", "due_date"):
        if status == Status.DONE:
            key = "done"
        elif status == Status.CANCELLED:
            key = "cancelled"
        elif due_date < today:
            key = "overdue"
        elif due_date <= soon:
            key = "soon"
        else:
            key = "later"
        members[key].append((due_date, pk))
    members["done"].sort(reverse=True)
    shown = {
        key: [pk for _, pk in rows[: GROUP_LIMIT if groups[key].expanded else FOLDED_GROUP_LIMIT]]
        for key, rows in members.items()
        if cards_for is None or key in cards_for
    }
    wanted = [pk for ids in shown.values() for pk in ids]
    cards = {cp.pk: cp for cp in decorate(list(_card_rows(ControlPoint.objects.filter(pk__in=wanted))), today)}
    for key, group in groups.items():
        group.total = len(members[key])
        group.deferred = key not in shown
        group.points = [cards[pk] for pk in shown.get(key, ())]
    return filterset, [g for g in groups.values() if g.total or g.key in ("overdue", "soon")]


def control_point_card(control_point: ControlPoint, today=None, *, loaded=False) -> ControlPoint:
    """One card, as the list shows it: the point read again (after an htmx save), or — `loaded`, a
    point this request has just read with its activity, section, plan and school
    (`get_control_point_for_user`) — completed in place, without reading its row twice."""
    today = today or timezone.localdate()
    if loaded:
        prefetch_related_objects([control_point], _upper_executors(), *_card_prefetches())
        return decorate([control_point], today)[0]
    return decorate(list(_card_rows(ControlPoint.objects.filter(pk=control_point.pk))), today)[0]


# --- curator's «Мои школы» ----------------------------------------------------------------------

def curator_home_for_user(*, user, today=None) -> dict:
    today = today or timezone.localdate()
    schools = list(visible_schools(user).order_by("short_name", "pk"))
    # Each school's figures as the dashboard keeps them (cached under the school's stamp).
    counted = school_sums(
        School.objects.filter(pk__in=[school.pk for school in schools]),
        base=visible_control_points(user),
        counts=dashboard_counts(today),
        cache_key=dashboard_cache_key(today),
    )
    for school in schools:
        for key, value in counted[school.pk].totals.items():
            setattr(school, key, value)
        school.percent_done = _percent(school.done, school.total)
    # The oldest reports first, a page of them; only a queue longer than that is counted apart.
    submitted = visible_control_points(user).filter(status=Status.SUBMITTED)
    if not sees_whole_municipality(user):
        # The same points, named by their schools: PostgreSQL joined a municipality's reports on
        # review before the nested scope condition kept the curator's (7 ms; with the ids, 1).
        submitted = submitted.filter(school_id__in=[school.pk for school in schools])
    queue = decorate(
        list(_card_rows(submitted).order_by(F("submitted_at").asc(nulls_last=True), "due_date", "pk")[:GROUP_LIMIT]),
        today,
    )
    queue_total = submitted.count() if len(queue) == GROUP_LIMIT else len(queue)
    visits = list(
        visible_visits(user).select_related("school", "visitor").order_by("-date", "-pk")[:10]
    )
    return {
        "schools": schools,
        "queue": queue,
        "queue_total": queue_total,
        "visits": visits,
        "today": today,
    }


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
    requests_total: int
    period_query: str
    has_regional: bool = False  # the plan has the region body's own points (3-level plans)


def _period_query(period_from, period_to):
    parts = []
    if period_from:
        parts.append(f"due_from={period_from.isoformat()}")
    if period_to:
        parts.append(f"due_to={period_to.isoformat()}")
    return "&".join(parts)


def dashboard_counts(today) -> dict:
    """What the dashboard counts of each group of points (and the region's cabinet reads of them)."""
    return {
        **control_point_counts(today),
        "needs_decision": Count("pk", filter=Q(needs_decision=True)),
        "rescheduled": Count("pk", filter=Q(original_due_date__isnull=False) & ~Q(original_due_date=F("due_date"))),
    }


def dashboard_cache_key(today, period_from=None, period_to=None) -> str:
    return f"{today.isoformat()}:{period_from or ''}:{period_to or ''}"


def dashboard_sums_warm() -> int:
    """Count what is stale of every municipality's dashboard sums for its today, and keep the rest.

    Run by Celery beat every few minutes (monitoring.tasks.warm_dashboard_sums_task): the first
    page of a day, or after a deploy, would otherwise count a region's million points while its
    reader waits (8 s in the bench); between runs a report costs the next page one school.
    """
    by_zone = {}
    for pk, zone in Municipality.objects.order_by().values_list("pk", "time_zone"):
        by_zone.setdefault(zone, []).append(pk)
    for zone, ids in by_zone.items():
        today = timezone.localdate(timezone=zoneinfo.ZoneInfo(zone))
        municipal_sums(
            Municipality.objects.filter(pk__in=ids),
            base=ControlPoint.objects.all(),
            counts=dashboard_counts(today),
            cache_key=dashboard_cache_key(today),
            refresh=True,
        )
    return sum(len(ids) for ids in by_zone.values())


# What the dashboard reads of the sums; the activity tables (a region's 80,000 rows) it does not.
DASHBOARD_TABLES = ("per_school", "per_school_plan", "per_regional_activity", "per_section", "per_executor")


def dashboard_for_user(*, user, today=None, period_from=None, period_to=None, due_soon_limit=15) -> Dashboard:
    """Every figure of the dashboard; each figure has the register filter behind it.

    The counts come from `dashboard_figures.point_sums` (one pass over the points, cached per
    municipality); the labels from small queries on schools, plans and executors.
    """
    today = today or timezone.localdate()
    base = visible_control_points(user)
    if period_from:
        base = base.filter(due_date__gte=period_from)
    if period_to:
        base = base.filter(due_date__lte=period_to)
    keys = list(control_point_counts(today))
    sums = point_sums(
        user=user,
        base=base,
        counts=dashboard_counts(today),
        cache_key=dashboard_cache_key(today, period_from, period_to),
        tables=DASHBOARD_TABLES,
    )

    totals = dict(sums.totals)
    totals["percent_done"] = _percent(totals["done"], totals["total"])

    in_reach = visible_municipalities(user)
    names = dict(School.objects.filter(municipality__in=in_reach).order_by().values_list("pk", "short_name"))
    by_school = sorted(
        ({"school_id": pk, "school__short_name": names.get(pk), **row} for pk, row in sums.per_school.items()),
        key=lambda r: (r["school_id"] is None, r["school__short_name"] or "", r["school_id"] or 0),
    )
    if sums.per_regional_activity:
        # The region body's own points: one row after the municipality's, apart from its executors.
        regional = dict.fromkeys(sums.keys, 0)
        for row in sums.per_regional_activity.values():
            for key in sums.keys:
                regional[key] += row[key]
        by_school.append({"school_id": None, "school__short_name": None, "regional": True, **regional})
    by_level = {"school": 0, "municipality": 0, "region": 0}
    for row in by_school:
        row["percent_done"] = _percent(row["done"], row["total"])
        if row["school_id"]:
            row["query"], level = f"school={row['school_id']}", "school"
        elif row.get("regional"):
            row["query"], level = "level=region", "region"
        else:
            row["query"], level = "level=municipality", "municipality"
        by_level[level] += row["overdue"]

    per_executor = sums.per_executor
    if per_executor is None:
        # A curator's schools: counted afresh, their municipality's executors read with them.
        executors = [pair for pairs in municipal_executors(in_reach).values() for pair in pairs]
        per_executor = executor_sums(executors, sums.per_municipal_activity, keys)
    by_executor = sorted(
        ({"name": name, **row} for name, row in per_executor.items() if row["overdue"] > 0),
        key=lambda r: (-r["overdue"], r["name"]),
    )

    sections = []
    labels = PlanSection.objects.filter(plan__municipality__in=in_reach).order_by().values_list(
        "pk", "number", "title", "position", "plan_id", "plan__period_start", "plan__period_end"
    )
    for section_id, number, title, position, plan_id, start, end in labels:
        counts = sums.per_section.get(section_id)
        if counts is None:
            continue
        row = {
            "activity__section_id": section_id,
            "activity__section__number": number,
            "activity__section__title": title,
            "activity__section__plan__period_start": start,
            "activity__section__plan__period_end": end,
            **counts,
        }
        sections.append(((start, plan_id, position), row))
    by_section = [row for _, row in sorted(sections, key=lambda pair: pair[0])]
    for row in by_section:
        row["percent_done"] = _percent(row["done"], row["total"])
        row["query"] = f"section={row['activity__section_id']}"

    by_cluster = _cluster_rows(user, sums.per_school_plan, keys)

    soon_end = today + datetime.timedelta(days=DUE_SOON_DAYS)
    soon_qs = base.filter(status__in=OPEN_STATUSES, due_date__gte=today, due_date__lte=soon_end)
    due_soon = decorate(list(control_point_rows(soon_qs).order_by("due_date", "pk")[:due_soon_limit]), today)

    # The oldest requests first, a page of them; only a longer list is counted apart (a region's).
    open_requests = DueDateChangeRequest.objects.filter(
        control_point_scope(user, "control_point__"), status=DueDateChangeRequest.Status.REQUESTED
    )
    requests = list(
        open_requests.select_related(
            "control_point", "control_point__activity", "control_point__school", "requested_by", "requested_by__person"
        )
        .only(*REQUEST_ROW_FIELDS)
        .order_by("requested_at", "pk")[:REQUESTS_LIMIT]
    )
    requests_total = open_requests.count() if len(requests) == REQUESTS_LIMIT else len(requests)
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
        requests_total=requests_total,
        period_query=_period_query(period_from, period_to),
        has_regional=bool(sums.per_regional_activity),
    )


@dataclass(frozen=True)
class ClusterLabel:
    """A dashboard row's cluster: its number and name, and its plan's years."""

    pk: int
    number: int
    name: str
    plan_id: int
    period_start: datetime.date
    period_end: datetime.date


def _cluster_rows(user, per_school_plan, keys):
    """Completion per cluster: the points of the cluster's schools in the cluster's plan.

    Clusters (what a row shows of them and their plan's years) and memberships are read as plain
    values: a region has 160 clusters and thousands of memberships, and a model instance each
    (with its cluster and plan) cost more than the rest of the table.
    """
    clusters = {
        row[0]: ClusterLabel(*row)
        for row in Cluster.objects.filter(plan__in=visible_plans(user))
        .order_by()
        .values_list("pk", "number", "name", "plan_id", "plan__period_start", "plan__period_end")
    }
    memberships = ClusterMembership.objects.filter(cluster_id__in=list(clusters)).order_by().values_list("cluster_id", "school_id")
    rows = {}
    ordered = sorted(clusters.values(), key=lambda c: (-c.period_start.toordinal(), c.plan_id, c.number, c.pk))
    for cluster in ordered:
        rows[cluster.pk] = {"cluster": cluster, "schools": 0, **dict.fromkeys(keys, 0)}
    for cluster_id, school_id in memberships:
        row = rows[cluster_id]
        row["schools"] += 1
        found = per_school_plan.get((school_id, row["cluster"].plan_id))
        if found:
            for key in keys:
                row[key] += found[key]
    result = [row for row in rows.values() if row["schools"]]
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
