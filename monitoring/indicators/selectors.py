"""Reads for the plan's indicators: access, the values grid, the proposals from activity targets.

Who sees a plan, a school, who manages a municipality: schools/access.py decides, this module only
composes it. The one rule added here: a superseded plan («утратил силу») is read-only.
"""

import datetime
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404

from monitoring.models import IndicatorValue, PlanIndicator
from roadmaps.models import Activity, Plan
from schnor_portal.dates import format_date
from schools.access import get_plan_for_user, require_manage, visible_plans, visible_schools
from schools.models import School

SUPERSEDED = "План утратил силу: его показатели и значения можно только просматривать."


def _require_open(plan: Plan):
    if plan.status == Plan.Status.SUPERSEDED:
        raise PermissionDenied(SUPERSEDED)


def get_plan_for_indicators(user, pk, write=False) -> Plan:
    """The plan (404 if not visible); with write=True, 403 unless the user may edit its indicators."""
    plan = get_plan_for_user(user, pk, write=write)
    if write:
        _require_open(plan)
    return plan


def get_indicator_for_user(user, pk, write=False) -> PlanIndicator:
    indicator = get_object_or_404(
        PlanIndicator.objects.filter(plan__in=visible_plans(user)).select_related("plan", "plan__municipality"), pk=pk
    )
    if write:
        require_manage(user, indicator.plan.municipality_id)
        _require_open(indicator.plan)
    return indicator


# --- Periods ------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Period:
    start: datetime.date
    end: datetime.date

    @property
    def label(self):
        if (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31) and self.start.year == self.end.year:
            return f"{self.start.year} год"
        return f"{format_date(self.start)} – {format_date(self.end)}"

    @property
    def query(self):
        return urlencode({"start": self.start.isoformat(), "end": self.end.isoformat()})


def plan_periods(plan: Plan) -> list[Period]:
    """The plan's calendar years, cut to its period.

    Calendar years because the documents set plans and results in them: «в 2025 году» and «по итогам
    2025 года» (001), «на 2024 – 2027 годы» (002), «не менее 4 мероприятий в год» (001, п. 2.11).
    A school year or a half-year is entered with its own dates and gets its own column.
    """
    return [
        Period(max(plan.period_start, datetime.date(year, 1, 1)), min(plan.period_end, datetime.date(year, 12, 31)))
        for year in range(plan.period_start.year, plan.period_end.year + 1)
    ]


def default_period(plan: Plan, today: datetime.date) -> Period:
    """The plan year under way, else the last one begun, else the first."""
    periods = plan_periods(plan)
    begun = [p for p in periods if p.start <= today]
    return begun[-1] if begun else periods[0]


# --- Wording ------------------------------------------------------------------------------------


def wording_key(text: str) -> str:
    """Compare wordings as written, ignoring case, spacing and a word broken at a line end.

    «педагогов- предметников» (001, п. 2.7) is «педагогов-предметников» (п. 2.6) cut by the page.
    """
    text = re.sub(r"(\w)-\s+(\w)", r"\1-\2", (text or "").lower())
    return " ".join(text.split()).strip(" .;,")


def format_number(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


def _source_finder(plan: Plan, activities):
    """Where a wording is found in the plan (PlanIndicator keeps no source of its own): the
    activities whose expected result it is, the project's criteria, or the plan's problem zones."""
    numbers: dict[str, list[str]] = {}
    for number, expected_result in activities:
        numbers.setdefault(wording_key(expected_result), []).append(number)
    criteria, background = wording_key(plan.effectiveness_criteria), wording_key(plan.background)

    def source_of(name: str) -> str:
        key = wording_key(name)
        if key in numbers:
            return "Ожидаемый результат, п. " + ", ".join(n for n in numbers[key] if n)
        if key and key in criteria:
            return "Критерии эффективности реализации проекта"
        if key and key in background:
            return "Обоснование плана: проблемные зоны"
        return ""

    return source_of


def _target_activities(plan: Plan):
    return (
        Activity.objects.filter(section__plan=plan, target_value__isnull=False)
        .order_by("section__position", "position")
        .values_list("number", "expected_result")
    )


# --- The grid -----------------------------------------------------------------------------------


@dataclass
class Cell:
    period: Period
    value: IndicatorValue | None
    achieved: bool | None

    @property
    def text(self):
        return format_number(self.value.value) if self.value else ""


@dataclass
class GridRow:
    school: School | None  # None: the municipality as a whole
    cells: list[Cell]


def _of_schools(n: int) -> str:
    """«из 1 школы», «из 2 школ», «из 21 школы»: after «из» the genitive, singular only for 1, 21, 31…"""
    return f"из {n} школы" if n % 10 == 1 and n % 100 != 11 else f"из {n} школ"


@dataclass
class ColumnSummary:
    period: Period
    schools: int
    entered: int
    achieved: int
    has_target: bool

    @property
    def text(self):
        if not self.entered:
            return "нет значений"
        if self.has_target:
            return f"достигнуто у {self.achieved} {_of_schools(self.schools)}"
        return f"внесено у {self.entered} {_of_schools(self.schools)}"


@dataclass
class IndicatorGrid:
    indicator: PlanIndicator
    source: str
    periods: list[Period]
    rows: list[GridRow]
    summaries: list[ColumnSummary] = field(default_factory=list)

    @property
    def has_values(self):
        return any(cell.value for row in self.rows for cell in row.cells)

    @property
    def has_target(self):
        return self.indicator.target_value is not None


def indicator_grids(*, plan: Plan, user, indicators=None) -> list[IndicatorGrid]:
    """Every indicator of the plan with its values: rows are the schools the user sees, or the total.

    Four queries whatever the number of indicators, schools and periods: indicators, the plan's
    schools, the values (their schools joined), the activities with targets (for the sources).
    The director and the curator see the rows of their own schools and the municipal totals.
    """
    if indicators is None:
        indicators = list(plan.indicators.order_by("position"))
    seen_schools = visible_schools(user).values("pk")
    plan_schools = list(plan.schools.filter(pk__in=seen_schools).order_by("short_name"))
    values = list(
        IndicatorValue.objects.filter(indicator__in=[i.pk for i in indicators])
        .filter(Q(school__isnull=True) | Q(school__in=seen_schools))
        .select_related("school")
    )
    source_of = _source_finder(plan, _target_activities(plan))
    by_indicator: dict[int, list[IndicatorValue]] = {}
    for value in values:
        by_indicator.setdefault(value.indicator_id, []).append(value)
    base_periods = plan_periods(plan)
    return [
        _grid(indicator, by_indicator.get(indicator.pk, []), plan_schools, base_periods, source_of(indicator.name))
        for indicator in indicators
    ]


def _grid(indicator, values, plan_schools, base_periods, source) -> IndicatorGrid:
    periods = sorted(set(base_periods) | {Period(v.period_start, v.period_end) for v in values})
    cells = {(v.school_id, Period(v.period_start, v.period_end)): v for v in values}
    schools = list(plan_schools)
    # A school taken off the plan keeps its values on the page rather than losing them from view.
    known = {s.pk for s in schools}
    extra = {v.school_id: v.school for v in values if v.school_id and v.school_id not in known}
    schools += sorted(extra.values(), key=lambda s: s.short_name)
    row_schools: list[School | None] = []
    if indicator.per_school or any(v.school_id for v in values):
        row_schools += schools
    if not indicator.per_school or any(v.school_id is None for v in values):
        row_schools.append(None)
    rows = []
    for school in row_schools:
        school_id = school.pk if school else None
        row_cells = []
        for period in periods:
            value = cells.get((school_id, period))
            row_cells.append(Cell(period, value, indicator.is_achieved(value.value) if value else None))
        rows.append(GridRow(school, row_cells))
    summaries = []
    school_rows = [row for row in rows if row.school is not None]
    if school_rows:
        for index, period in enumerate(periods):
            column = [row.cells[index] for row in school_rows]
            summaries.append(
                ColumnSummary(
                    period,
                    schools=len(column),
                    entered=sum(1 for c in column if c.value),
                    achieved=sum(1 for c in column if c.achieved),
                    has_target=indicator.target_value is not None,
                )
            )
    return IndicatorGrid(indicator, source, periods, rows, summaries)


# --- Entering values ----------------------------------------------------------------------------


@dataclass
class ValueRow:
    key: str  # the school's pk, or "total"
    school: School | None
    value: IndicatorValue | None  # the stored value with this period's start, if any


def indicator_value_rows(*, indicator: PlanIndicator, period_start: datetime.date) -> list[ValueRow]:
    """The cells of the values form: every school of the plan (or the total) and what is stored.

    A value is identified by its start (one per school and start, as the model's constraint says),
    so a stored value with another end is shown here too, with its own dates.
    """
    stored = {
        v.school_id: v
        for v in IndicatorValue.objects.filter(indicator=indicator, period_start=period_start).select_related("school")
    }
    rows = []
    if indicator.per_school or any(school_id for school_id in stored):
        schools = {s.pk: s for s in indicator.plan.schools.order_by("short_name")}
        for school_id, value in stored.items():
            if school_id and school_id not in schools:
                schools[school_id] = value.school
        for school in sorted(schools.values(), key=lambda s: s.short_name):
            rows.append(ValueRow(str(school.pk), school, stored.get(school.pk)))
    if not indicator.per_school or None in stored:
        rows.append(ValueRow("total", None, stored.get(None)))
    return rows


# --- Proposals from the plan's expected results -------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    key: str
    name: str
    comparator: str
    target_value: Decimal
    unit: str
    numbers: tuple[str, ...]
    per_school: bool
    exists: bool

    @property
    def target_label(self):
        prefix = "" if self.comparator == PlanIndicator.Comparator.EXACTLY else PlanIndicator.Comparator(self.comparator).label + " "
        return f"{prefix}{format_number(self.target_value)} {self.unit}".strip()


def indicator_proposals(*, plan: Plan) -> list[Proposal]:
    """One proposal per distinct expected result with a parsed target, in the plan's order.

    Rows that repeat a result («Не менее 90 % педагогов-предметников…», 001 п. 2.6–2.9) make one
    indicator. Per school unless every such row is the municipality's own work.
    """
    existing = {wording_key(name) for name in plan.indicators.values_list("name", flat=True)}
    groups: dict[tuple, dict] = {}
    activities = (
        Activity.objects.filter(section__plan=plan, target_value__isnull=False)
        .order_by("section__position", "position")
        .values_list("number", "expected_result", "target_comparator", "target_value", "target_unit", "scope")
    )
    for number, result, comparator, value, unit, scope in activities:
        comparator = comparator or PlanIndicator.Comparator.EXACTLY
        group_key = (wording_key(result), comparator, value, unit)
        group = groups.setdefault(group_key, {"name": " ".join(result.split()), "numbers": [], "per_school": False})
        group["numbers"].append(number)
        group["per_school"] |= scope != Activity.Scope.MUNICIPALITY
    proposals = []
    for (wording, comparator, value, unit), group in groups.items():
        digest = hashlib.sha1(f"{wording}|{comparator}|{value.normalize():f}|{unit}".encode()).hexdigest()[:12]
        proposals.append(
            Proposal(
                key=digest,
                name=group["name"],
                comparator=comparator,
                target_value=value,
                unit=unit,
                numbers=tuple(group["numbers"]),
                per_school=group["per_school"],
                exists=wording in existing,
            )
        )
    return proposals
