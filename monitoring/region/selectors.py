"""Reads of the region's cabinet: every municipality of the region side by side, in one table of figures.

One call, `region_cabinet`, feeds the page, its Excel and its PDF, so the three never disagree.
Each family of figures is read once for all the region's municipalities, grouped by municipality,
never municipality by municipality: the page costs the same number of queries for 3 municipalities
as for 40, with 300 control points or a million.

Definitions are the ones the municipal pages use, so a figure here is the figure one click away:
- Plan in force: the municipality's approved plan chosen as «Обзор муниципалитета» chooses its
  default (`overview.selectors.current_plan`: in force today, with control points, newest); its
  points are those of the plan and its parts (`plan_scope_ids`).
- Points: `control.selectors.control_point_counts` over the plan's points, summed by
  `control.dashboard.point_sums` (cached per school, as the dashboard); on time = done − done late,
  share on time = on time / (done + overdue), as on the overview.
- Last report: when the municipality last sent a report on any point (submitted_at), as of now.
- Lists: the ШНОР list (ПРШ in Omsk) of each of the region's latest list years, with the statuses of
  `schools.lists` (entered = first time or back; repeated = a second year or more in a row).
- Results gap: per procedure × subject × grade, in the latest year the region has a comparison, the
  municipality's average (entered, else the mean of its schools, `results.selectors.reference_maps`)
  minus the regional average the municipality quotes, in the subject's own units (marks or points).
"""

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from accounts.models import REGION_ROLES
from monitoring.control.dashboard import PLAN_TABLES, point_sums
from monitoring.control.selectors import control_point_counts, dashboard_cache_key, dashboard_counts
from monitoring.models import ExamResult, Procedure, ReferenceResult
from monitoring.overview.numbers import percent
from monitoring.overview.selectors import current_plan, plan_scope_ids, with_points_flag
from monitoring.results.selectors import reference_maps
from monitoring.results.subjects import subject_order
from roadmaps.models import Plan
from schnor_portal.dates import format_date
from schnor_portal.row_urls import row_url
from schools.access import visible_control_points, visible_municipalities, visible_plans
from schools.lists.selectors import category_history, lists_of_municipalities, status_kind
from schools.models import Municipality, Region, SchoolList, SchoolListEntry

REFUSED = "Кабинет региона открыт только региональному наблюдателю и региональному администратору."
# The region's latest list years shown side by side: the current one and the two before it show
# who entered, stayed and left; older years are on each municipality's own lists page.
LIST_YEARS = 3
# The cabinet's own cached figures (last reports, results gaps); its points' sums are the dashboard's.
CACHE_KEY = "region-cabinet"
MINUS = "−"


def require_region_user(user):
    """The cabinet is the region's: its viewer and its administrator, each of their own region only."""
    if not (user.is_authenticated and user.is_active and user.role in REGION_ROLES and user.region_id):
        raise PermissionDenied(REFUSED)


# --- the table's shape --------------------------------------------------------------------------


@dataclass
class Figure:
    """One cell: `value` is what sorts and what Excel gets, `label` what the page prints."""

    value: object = None
    label: str = "—"
    url: str = ""
    title: str = ""


@dataclass(frozen=True)
class Column:
    key: str  # the ?sort= value
    label: str  # the header, as the page, Excel and PDF print it
    group: str  # the table it belongs to: plan, work, lists, results
    band: str = ""  # the header above a group of columns (a list year, a procedure)
    numeric: bool = True


@dataclass
class CabinetRow:
    municipality: Municipality
    figures: dict = field(default_factory=dict)  # column key → Figure

    def cells(self, columns):
        return [self.figures.get(column.key, Figure()) for column in columns]


@dataclass
class Cabinet:
    region: Region
    today: datetime.date
    columns: list[Column]
    rows: list[CabinetRow]
    sort: str
    list_years: list[int]

    def of_group(self, group):
        return [column for column in self.columns if column.group == group]

    @property
    def has_results(self):
        return bool(self.of_group("results"))


PLAN_COLUMNS = [
    Column("name", "Муниципалитет", "name", numeric=False),
    Column("plan", "План в силе", "plan", numeric=False),
    Column("order", "Утверждён", "plan", numeric=False),
    Column("period", "Период", "plan", numeric=False),
]
WORK_COLUMNS = [
    Column("done", "Выполнено", "work"),
    Column("done_late", "С нарушением срока", "work"),
    Column("overdue", "Просрочено", "work"),
    Column("submitted", "На проверке", "work"),
    Column("on_time", "Доля в срок, %", "work"),
    Column("last_report", "Последний отчёт", "work"),
]
# The register filter behind each point figure (the dashboard's FIGURE_QUERIES, for one plan).
POINT_QUERIES = {"done": "status=done", "done_late": "late=yes", "overdue": "overdue=yes", "submitted": "status=submitted"}
LIST_FIGURES = (("on", "в списке"), ("entered", "вошли"), ("left", "вышли"), ("repeated", "повторно"))


def header_bands(columns) -> list[list]:
    """The header row above the columns: [text, span] runs of equal bands; empty when no column has one."""
    if not any(column.band for column in columns):
        return []
    runs = []
    for column in columns:
        if runs and runs[-1][0] == column.band:
            runs[-1][1] += 1
        else:
            runs.append([column.band, 1])
    return runs


def list_column_key(year, figure):
    return f"list-{year}-{figure}"


def gap_column_key(procedure, grade, subject):
    return f"gap-{procedure}-{grade}-{subject}"


# --- the figures, each family in one pass over all municipalities --------------------------------


def plans_in_force(*, user, municipalities, today) -> dict[int, tuple[Plan, list[int]]]:
    """Each municipality's plan in force and the plans its points belong to (one query).

    `current_plan` asks only whether a plan has points (`with_points_flag`).
    """
    plans = list(
        with_points_flag(visible_plans(user).filter(municipality__in=municipalities, status=Plan.Status.APPROVED))
        .select_related("approved_by")
        .order_by("-period_start", "pk")
    )
    by_municipality = defaultdict(list)
    for plan in plans:
        by_municipality[plan.municipality_id].append(plan)
    chosen = {}
    for municipality_id, own in by_municipality.items():
        plan = current_plan(own, today)
        chosen[municipality_id] = (plan, plan_scope_ids(own, plan))
    return chosen


def point_figures(*, user, scopes: dict[int, list[int]], today) -> dict[int, dict]:
    """Counts of each municipality's points of its plan in force: the dashboard's sums, per plan."""
    # The dashboard's own sums (same counts, same key): a region's first visit of the day counts its
    # points once for both pages, and the beat keeps them warm (control.selectors.dashboard_sums_warm).
    keys = list(control_point_counts(today))
    sums = point_sums(
        user=user,
        base=visible_control_points(user),
        counts=dashboard_counts(today),
        cache_key=dashboard_cache_key(today),
        tables=PLAN_TABLES,
    )
    figures = {municipality_id: dict.fromkeys(keys, 0) for municipality_id in scopes}
    for municipality_id, plan_ids in scopes.items():
        target = figures[municipality_id]
        for plan_id in plan_ids:
            row = sums.per_plan.get(plan_id)
            if row is not None:
                for key in keys:
                    target[key] += row[key]
    return figures


def last_reports(*, user, municipalities) -> dict[int, datetime.datetime]:
    """When each municipality last sent a report on a point, any plan: one query, a step down the
    index (municipality, submitted_at) per municipality (monitoring 0011), never a MAX over the
    region's points."""
    ids = sorted(m.pk for m in municipalities)
    if not ids:
        return {}
    newest = (
        visible_control_points(user)
        .filter(municipality_id=OuterRef("pk"), submitted_at__isnull=False)
        .order_by("-submitted_at")
        .values("submitted_at")[:1]
    )
    rows = Municipality.objects.filter(pk__in=ids).order_by().annotate(last=Subquery(newest)).values_list("pk", "last")
    return {pk: last for pk, last in rows if last is not None}


@dataclass
class ListYear:
    list_pk: int
    on: int = 0
    entered: int = 0
    left: int = 0
    repeated: int = 0


def list_figures(*, municipalities) -> tuple[list[int], dict[int, dict[int, ListYear]]]:
    """The region's latest ШНОР list years and, per municipality and year, who is on, entered, left, stayed.

    One query for all the region's lists; statuses come from each municipality's own history,
    as its lists page derives them (a year without a list of its own is unknown, not empty).
    Lists change a few times a year: the figures are kept until any list or entry changes (two
    index steps a view, where reading and walking every list of the region cost 25 ms).
    """
    key = f"{CACHE_KEY}:lists:{_ids_key(municipalities)}:{_history_stamp(SchoolList, SchoolListEntry)}"
    found = cache.get(key)
    if found is None:
        found = _list_figures(municipalities)
        cache.set(key, found, RESULTS_CACHE_SECONDS)
    return found


def _list_figures(municipalities):
    by_municipality = lists_of_municipalities(municipalities)
    shnor = SchoolList.Category.SHNOR
    years = sorted({info.year for infos in by_municipality.values() for info in infos if info.category == shnor})
    shown = set(years[-LIST_YEARS:])
    figures: dict[int, dict[int, ListYear]] = {}
    for municipality_id, infos in by_municipality.items():
        own = {info.year: ListYear(list_pk=info.pk, on=len(info.school_ids)) for info in infos if info.category == shnor}
        history = category_history(infos, shnor)
        for school_id in history.on_years:
            for year, status in history.statuses(school_id).items():
                kind = status_kind(status)
                cell = own[year]
                if kind in ("first", "back"):
                    cell.entered += 1
                elif kind == "left":
                    cell.left += 1
                elif kind == "repeat":
                    cell.repeated += 1
        figures[municipality_id] = {year: cell for year, cell in own.items() if year in shown}
    return sorted(shown), figures


@dataclass(frozen=True)
class SubjectKey:
    procedure: str
    subject: str
    grade: int
    year: int

    @property
    def label(self):
        return f"{self.subject}, {self.grade} кл., {self.year}"


# Results change when a coordinator imports or edits them, a few times a year; the cabinet's gaps
# (a mean over every school's results of the region) are kept until any result changes. The
# lists' figures likewise, until any list changes.
RESULTS_CACHE_SECONDS = 30 * 60


def _history_stamp(*models) -> str:
    """The newest history record of each model: one index step each, moved by any change to their rows
    (every write of results and lists, imports included, keeps history)."""
    newest = [model.history.order_by("-history_id").values_list("history_id", "history_date").first() for model in models]
    return "|".join(f"{row[0]}:{row[1].isoformat()}" if row else "-" for row in newest)


def _ids_key(municipalities) -> str:
    return hashlib.sha1(",".join(map(str, sorted(m.pk for m in municipalities))).encode()).hexdigest()


def result_gaps(*, municipalities) -> tuple[list[SubjectKey], dict[int, dict[SubjectKey, tuple]]]:
    """Per subject, the latest year any municipality of the region has a comparison, and each
    municipality's (gap, own average, regional average, own average computed) that year (three
    queries, or two index steps when nothing changed since)."""
    key = f"{CACHE_KEY}:gaps:{_ids_key(municipalities)}:{_history_stamp(ExamResult, ReferenceResult)}"
    found = cache.get(key)
    if found is None:
        found = _result_gaps(sorted(m.pk for m in municipalities))
        cache.set(key, found, RESULTS_CACHE_SECONDS)
    return found


def _result_gaps(ids):
    refs = reference_maps(ids)
    latest: dict[tuple, int] = {}
    for by_key in refs.values():
        for (procedure, subject, grade, year), reference in by_key.items():
            if reference.municipality is not None and reference.region is not None:
                key = (procedure, subject, grade)
                latest[key] = max(latest.get(key, year), year)
    procedure_order = list(Procedure.values)
    subjects = sorted(
        (SubjectKey(procedure, subject, grade, year) for (procedure, subject, grade), year in latest.items()),
        key=lambda s: (procedure_order.index(s.procedure) if s.procedure in procedure_order else 99, s.grade, subject_order(s.subject)),
    )
    gaps: dict[int, dict[SubjectKey, tuple]] = {}
    for municipality_id, by_key in refs.items():
        own = {}
        for key in subjects:
            reference = by_key.get((key.procedure, key.subject, key.grade, key.year))
            if reference and reference.municipality is not None and reference.region is not None:
                own[key] = (reference.municipality - reference.region, reference.municipality, reference.region, reference.municipality_computed)
        gaps[municipality_id] = own
    return subjects, gaps


# --- labels and links ---------------------------------------------------------------------------


def _number(value: Decimal) -> str:
    return f"{value:f}".replace(".", ",")


def gap_label(gap: Decimal) -> str:
    """«−0,21», «+3,50», «0,00»: the sign is the point of the figure, so it is always written."""
    sign = "+" if gap > 0 else (MINUS if gap < 0 else "")
    return f"{sign}{_number(abs(gap).quantize(Decimal('0.01')))}"


def _url(name, pk=None, **query):
    url = row_url(name, pk)
    query = {key: value for key, value in query.items() if value not in (None, "")}
    return f"{url}?{urlencode(query)}" if query else url


def _plan_label(plan: Plan) -> str:
    edition = " (новая редакция)" if plan.replaces_id else ""
    return f"{plan.get_kind_display()}: {plan.title}{edition}"


def _order_label(order) -> str:
    parts = [order.get_kind_display()]
    if order.number:
        parts.append(f"№ {order.number}")
    if order.date:
        parts.append(f"от {format_date(order.date)}")
    return " ".join(parts)


def _row(municipality, *, plan_info, points, last_report, lists, list_years, gaps, subjects, today) -> CabinetRow:
    overview = _url("overview:municipal", municipality=municipality.pk)
    row = CabinetRow(municipality=municipality)
    f = row.figures
    # A row's links are few, each behind many cells: each is written once per row.
    effect = None
    f["name"] = Figure(municipality.name, municipality.name, overview)
    plan, scope = plan_info if plan_info else (None, [])
    if plan is None:
        f["plan"] = Figure(None, "нет утверждённого плана", _url("roadmaps:plan_list"))
    else:
        f["plan"] = Figure(_plan_label(plan), _plan_label(plan), _url("roadmaps:plan_detail", plan.pk))
        effect = _url("overview:plan_effect", municipality=municipality.pk, plan=plan.pk)
        order = plan.approved_by
        if order is not None:
            f["order"] = Figure(order.date, _order_label(order), _url("reports:order_detail", order.pk))
        f["period"] = Figure(plan.period_start, f"{format_date(plan.period_start)} – {format_date(plan.period_end)}")
        counts = points.get(municipality.pk)
        # The register filters by one plan; a project's points in several plans are shown whole on the overview.
        if len(scope) == 1:
            register = f"{_url('monitoring:register')}?plan={plan.pk}&"
            urls = {key: register + query for key, query in POINT_QUERIES.items()}
        else:
            urls = dict.fromkeys(POINT_QUERIES, _url("overview:municipal", municipality=municipality.pk, plan=plan.pk))
        for key in POINT_QUERIES:
            value = counts[key]
            f[key] = Figure(value, str(value), urls[key])
        on_time, due_so_far = counts["done"] - counts["done_late"], counts["done"] + counts["overdue"]
        share = percent(on_time, due_so_far)
        f["on_time"] = Figure(
            share,
            f"{share} %" if share is not None else "срок не наступил" if counts["total"] else "—",
            effect,
            f"в срок {on_time} из {due_so_far}",
        )
    if last_report is not None:
        day = timezone.localdate(last_report)
        days = (today - day).days
        f["last_report"] = Figure(day, format_date(day), overview, f"{days} дн. назад" if days else "сегодня")
    else:
        f["last_report"] = Figure(None, "отчётов нет", overview)
    for year in list_years:
        cell = lists.get(year)
        list_url = _url("schools:schoollist_detail", cell.list_pk) if cell is not None else ""
        for figure, _ in LIST_FIGURES:
            if cell is None:
                f[list_column_key(year, figure)] = Figure(None, "—", "", "списка этого года в портале нет")
            else:
                value = getattr(cell, figure)
                f[list_column_key(year, figure)] = Figure(value, str(value), list_url)
    for key in subjects:
        found = gaps.get(key)
        column = gap_column_key(key.procedure, key.grade, key.subject)
        if found is None:
            f[column] = Figure()
            continue
        gap, own, region, computed = found
        if effect is not None:
            url = effect
        else:
            url = _url("results:result_list", procedure=key.procedure, subject=key.subject, grade=key.grade, year=key.year)
        own_label = f"{_number(own)}{' (среднее по школам)' if computed else ''}"
        f[column] = Figure(gap, gap_label(gap), url, f"муниципалитет {own_label}, регион {_number(region)}")
    return row


def _columns(list_years, subjects) -> list[Column]:
    columns = [*PLAN_COLUMNS, *WORK_COLUMNS]
    for year in list_years:
        columns += [Column(list_column_key(year, figure), label, "lists", band=f"{year} год") for figure, label in LIST_FIGURES]
    labels = dict(Procedure.choices)
    columns += [
        Column(gap_column_key(s.procedure, s.grade, s.subject), s.label, "results", band=labels.get(s.procedure, s.procedure))
        for s in subjects
    ]
    return columns


def sort_rows(rows: list[CabinetRow], columns: list[Column], sort: str) -> tuple[list[CabinetRow], str]:
    """Rows by a column (`-key` descending); an empty figure always last, the name breaks ties.

    An unknown key sorts by name, so an old link to a column that is gone still opens the page.
    """
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in {column.key for column in columns}:
        key, descending = "name", False
    by_name = sorted(rows, key=lambda r: r.municipality.name)
    present = [r for r in by_name if r.figures.get(key, Figure()).value is not None]
    empty = [r for r in by_name if r.figures.get(key, Figure()).value is None]
    present.sort(key=lambda r: r.figures[key].value, reverse=descending)
    return present + empty, f"-{key}" if descending else key


def region_cabinet(*, user, sort: str = "", today=None) -> Cabinet:
    """Every figure of the cabinet for the user's region, sorted: the page, Excel and PDF read this.

    Queries: municipalities, plans, the point sums (two stamp queries and, on a cache miss, one
    count), the activities of the plans in force, last reports (on a cache miss), lists, three of
    results — the same for any number of municipalities and points.
    """
    require_region_user(user)
    today = today or timezone.localdate()
    municipalities = list(visible_municipalities(user).select_related("region").order_by("name"))
    region = municipalities[0].region if municipalities else Region.objects.get(pk=user.region_id)
    plans = plans_in_force(user=user, municipalities=municipalities, today=today)
    points = point_figures(user=user, scopes={m: scope for m, (_, scope) in plans.items()}, today=today) if plans else {}
    reports = last_reports(user=user, municipalities=municipalities)
    list_years, lists = list_figures(municipalities=municipalities)
    subjects, gaps = result_gaps(municipalities=municipalities)
    rows = [
        _row(
            municipality,
            plan_info=plans.get(municipality.pk),
            points=points,
            last_report=reports.get(municipality.pk),
            lists=lists.get(municipality.pk, {}),
            list_years=list_years,
            gaps=gaps.get(municipality.pk, {}),
            subjects=subjects,
            today=today,
        )
        for municipality in municipalities
    ]
    columns = _columns(list_years, subjects)
    rows, sort = sort_rows(rows, columns, sort)
    return Cabinet(region=region, today=today, columns=columns, rows=rows, sort=sort, list_years=list_years)


# --- the home page of the region's accounts -----------------------------------------------------

QUIET_DAYS = 30


@dataclass
class RegionInbox:
    """What the region's home page asks of it: the cabinet, and which municipalities went quiet."""

    municipalities: int
    quiet: list[str]  # names of municipalities without a report for QUIET_DAYS days (or ever)
    quiet_days: int = QUIET_DAYS


def region_inbox(*, user, today) -> RegionInbox:
    """Two queries: the region's municipalities and their last reports."""
    municipalities = list(visible_municipalities(user).order_by("name").only("pk", "name"))
    reports = last_reports(user=user, municipalities=municipalities)
    since = today - datetime.timedelta(days=QUIET_DAYS)
    quiet = [m.name for m in municipalities if m.pk not in reports or timezone.localdate(reports[m.pk]) < since]
    return RegionInbox(municipalities=len(municipalities), quiet=quiet)
