"""Reads of the municipal overview, each in a fixed number of queries whatever the number of schools.

The page answers the chair's questions in order: how many schools are on the lists and who came and
went; how far the plan is done; whether its quantitative targets were reached (overview_targets);
in what staff and social context the listed schools work (overview_context).

Lists come from schools.lists.selectors (statuses are derived there once), completion figures from
monitoring.control.selectors.control_point_counts (the dashboard's definitions), so a figure here never
disagrees with the same figure on another page.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, QuerySet
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.utils import timezone

from monitoring.control.selectors import control_point_counts
from monitoring.models import ControlPoint
from roadmaps.models import Activity, Plan
from schools.access import visible_control_points, visible_plans
from schools.lists.selectors import ListInfo, category_history, lists_of, status_kind
from schools.models import Municipality, SchoolList

from .context import ContextTable, school_context
from .numbers import percent
from .targets import IndicatorSummary, Targets, plan_indicator_summary, plan_targets

CATEGORY_ORDER = list(SchoolList.Category.values)


# --- which plan and which year ----------------------------------------------------------------------


def with_points_flag(plans: QuerySet[Plan]) -> QuerySet[Plan]:
    """`has_points` on each plan: whether any of its activities has a control point.

    Asked per activity of the plan, an index probe each until one has a point. Counting the
    points read a municipality's 30,000 for each plan; an Exists over the points joined up to
    their plan PostgreSQL answered by scanning every activity of the region for each plan (18 ms
    for a region's forty).
    """
    with_points = Activity.objects.filter(section__plan_id=OuterRef("pk")).filter(
        Exists(ControlPoint.objects.filter(activity_id=OuterRef("pk")))
    )
    return plans.annotate(has_points=Exists(with_points))


def plan_options(*, user, municipality: Municipality) -> list[Plan]:
    """The municipality's plans the user may read, each with whether it has control points (one query)."""
    return list(with_points_flag(visible_plans(user).filter(municipality=municipality)).order_by("-period_start", "pk"))


def current_plan(plans: list[Plan], today: datetime.date) -> Plan | None:
    """The approved plan in force today; a plan that has control points before one that has none.

    Yakovlevsky's project and its schedule are both approved for 2024–2027; the points (the work
    that is tracked) belong to the schedule, so the schedule is the one to show by default.
    """
    if not plans:
        return None

    def rank(plan):
        return (
            plan.status == Plan.Status.APPROVED,
            plan.period_start <= today <= plan.period_end,
            plan.has_points,
            plan.period_start,
        )

    return max(plans, key=rank)


def choose_plan(plans: list[Plan], pk, today: datetime.date) -> Plan | None:
    """The plan asked for by `pk` (a plan of another municipality is a 404), else the current one."""
    if pk in (None, ""):
        return current_plan(plans, today)
    for plan in plans:
        if str(plan.pk) == str(pk):
            return plan
    raise Http404("План не найден.")


def plan_scope_ids(plans: list[Plan], plan: Plan | None) -> list[int]:
    """The plan and the plans that are part of it: a project's points live in its schedule (seed 002)."""
    if plan is None:
        return []
    return [plan.pk] + [p.pk for p in plans if p.part_of_id == plan.pk]


def plan_option_label(plan: Plan) -> str:
    title = plan.title if len(plan.title) <= 70 else plan.title[:69] + "…"
    return f"{plan.get_kind_display()}, {plan.period_label} ({plan.get_status_display()}): {title}"


# --- lists by year ----------------------------------------------------------------------------------


@dataclass
class SchoolMention:
    pk: int
    name: str
    note: str = ""  # «впервые», «вернулась»


@dataclass
class ListCell:
    """One category's list in one year: how many schools, who entered, who left since the list before."""

    category: str
    list_pk: int
    label: str
    count: int
    entered: list[SchoolMention] = field(default_factory=list)
    left: list[SchoolMention] = field(default_factory=list)

    @property
    def category_label(self):
        return SchoolList.Category(self.category).label


@dataclass
class ListYearRow:
    year: int
    cells: list  # ListCell or None, aligned with ListsOverview.categories

    @property
    def present(self):
        return [cell for cell in self.cells if cell is not None]


@dataclass
class ListsOverview:
    categories: list[tuple[str, str]]  # (category, how the municipality calls it)
    rows: list[ListYearRow]  # newest year first
    infos: list[ListInfo]

    @property
    def years(self):
        return sorted({info.year for info in self.infos})

    def schools_on(self, year: int) -> dict[int, list[str]]:
        """Schools on any list of the year → the names of those lists (a school may be on two)."""
        on: dict[int, list[str]] = defaultdict(list)
        for info in sorted(self.infos, key=lambda i: CATEGORY_ORDER.index(i.category)):
            if info.year == year:
                for school_id in info.school_ids:
                    on[school_id].append(info.label)
        return dict(on)

    def names_on(self, year: int) -> dict[int, str]:
        names = {}
        for info in self.infos:
            if info.year == year:
                names.update(info.school_names)
        return names


def _category_name(municipality, category):
    if category == SchoolList.Category.SHNOR and municipality.list_label:
        return municipality.list_label
    label = SchoolList.Category(category).label
    return label[:1].upper() + label[1:]


def lists_overview(*, municipality: Municipality) -> ListsOverview:
    """Every list year: schools per category, who entered (first time or back) and who left (one query)."""
    infos = lists_of(municipality)
    categories = sorted({info.category for info in infos}, key=CATEGORY_ORDER.index)
    cells: dict[tuple[int, str], ListCell] = {}
    for category in categories:
        history = category_history(infos, category)
        of_category = [info for info in infos if info.category == category]
        names = {}
        for info in of_category:
            names.update(info.school_names)
            cells[(info.year, category)] = ListCell(
                category=category, list_pk=info.pk, label=info.label, count=len(info.school_ids)
            )
        for school_id in history.on_years:
            for year, status in history.statuses(school_id).items():
                kind = status_kind(status)
                cell = cells[(year, category)]
                if kind in ("first", "back"):
                    cell.entered.append(SchoolMention(school_id, names[school_id], status.label))
                elif kind == "left":
                    cell.left.append(SchoolMention(school_id, names[school_id]))
    for cell in cells.values():
        cell.entered.sort(key=lambda m: m.name)
        cell.left.sort(key=lambda m: m.name)
    years = sorted({info.year for info in infos}, reverse=True)
    rows = [ListYearRow(year=year, cells=[cells.get((year, c)) for c in categories]) for year in years]
    return ListsOverview(
        categories=[(c, _category_name(municipality, c)) for c in categories], rows=rows, infos=infos
    )


# --- completion of the plan -------------------------------------------------------------------------


def _with_derived(row: dict) -> dict:
    """On time = done minus done late (the dashboard's «с нарушением срока»); due so far = done + overdue."""
    row["on_time"] = row["done"] - row["done_late"]
    row["due_so_far"] = row["done"] + row["overdue"]
    row["percent_done"] = percent(row["done"], row["total"])
    row["percent_on_time"] = percent(row["on_time"], row["due_so_far"])
    return row


@dataclass
class Completion:
    totals: dict
    by_year: list[dict]
    by_school: list[dict]

    @property
    def empty(self):
        return not self.totals["total"]


def plan_points(*, user, municipality, plan_ids) -> QuerySet[ControlPoint]:
    return visible_control_points(user).filter(municipality=municipality, activity__section__plan_id__in=plan_ids)


def plan_completion(*, points, today: datetime.date) -> Completion:
    """Totals, per year of the due date and per executor (three queries)."""
    counts = control_point_counts(today)
    totals = _with_derived(points.aggregate(**counts))
    by_year = [
        _with_derived(row)
        for row in points.annotate(due_year=ExtractYear("due_date")).values("due_year").annotate(**counts).order_by("due_year")
    ]
    by_school = [
        _with_derived(row)
        # The schools, then the municipality's own points, then the region body's (3-level plans).
        for row in points.values("school_id", "school__short_name", "regional")
        .annotate(**counts)
        .order_by(F("school__short_name").asc(nulls_last=True), "regional")
    ]
    return Completion(totals=totals, by_year=by_year, by_school=by_school)


# --- the page ---------------------------------------------------------------------------------------


@dataclass
class MunicipalOverview:
    municipality: Municipality
    plans: list[Plan]
    plan: Plan | None
    year: int | None
    lists: ListsOverview
    completion: Completion | None
    targets: Targets | None
    indicators: IndicatorSummary | None
    context: ContextTable | None


def overview_year(lists: ListsOverview, asked) -> int | None:
    """The year asked for if it has a list; otherwise the newest list year."""
    years = lists.years
    try:
        asked = int(asked)
    except (TypeError, ValueError):
        asked = None
    if asked in years:
        return asked
    return years[-1] if years else None


def municipal_overview(*, user, municipality, plan_pk=None, year=None, today=None) -> MunicipalOverview:
    """Everything the page shows: plans, lists, completion, targets, indicators, context — 13 queries in all."""
    today = today or timezone.localdate()
    plans = plan_options(user=user, municipality=municipality)
    plan = choose_plan(plans, plan_pk, today)
    lists = lists_overview(municipality=municipality)
    chosen_year = overview_year(lists, year)
    completion = targets = indicators = None
    if plan is not None:
        ids = plan_scope_ids(plans, plan)
        points = plan_points(user=user, municipality=municipality, plan_ids=ids)
        completion = plan_completion(points=points, today=today)
        targets = plan_targets(points=points, plan_ids=ids)
        indicators = plan_indicator_summary(plan_ids=ids)
    context = school_context(lists=lists, year=chosen_year) if chosen_year else None
    return MunicipalOverview(
        municipality=municipality,
        plans=plans,
        plan=plan,
        year=chosen_year,
        lists=lists,
        completion=completion,
        targets=targets,
        indicators=indicators,
        context=context,
    )
