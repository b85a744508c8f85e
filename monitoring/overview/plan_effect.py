"""«Работает ли план»: per school and per cluster, year by year, the work done on time, the results
against the region and the municipality, the list status — and a verdict the chair reads at a glance.

Definitions (the page's legend says the same in Russian):
- Work of a year: the school's control points of the plan due that year (cancelled left out). Due so
  far = done + overdue (a point not yet due counts only once it is done); on time = done minus done
  late, where late means accepted on a day after the due date (monitoring.control.selectors.control_point_counts).
- Results of a year: every subject (procedure × subject × grade) with a score that year. The gap to
  the region is (school − region) / scale maximum × 100, i.e. percentage points of the scale (100 for
  ЕГЭ, the mark 5 for ОГЭ and ВПР), so that ЕГЭ and ОГЭ subjects can be averaged; a subject without a
  regional average counts as a result but not in the gap.
- List: the ШНОР list (ПРШ in Omsk) of the year; a year with no list in the portal is unknown.
- Verdict: work is done when at least WORK_DONE_PERCENT % of the points due so far were done on time.
  Results did not move when the school is on a list made after the plan started, or its gap in the
  latest year with results since the plan started is no better than before the plan; they moved up
  when the gap narrowed, or the school left the list after the start.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import timezone

from clusters.models import ClusterMembership
from monitoring.control.selectors import control_point_counts
from monitoring.models import ExamResult
from monitoring.results.selectors import Reference, reference_map
from monitoring.results.subjects import scale_for
from schools.access import visible_schools
from schools.lists.history import YearStatus
from schools.lists.selectors import category_history, status_short_label
from schools.models import Municipality, SchoolList

from .numbers import percent
from .selectors import choose_plan, lists_overview, plan_options, plan_points, plan_scope_ids

WORK_DONE_PERCENT = 80
MAX_YEARS = 8  # wider does not fit a 1280 px screen with three lines per school
ONE_PLACE = Decimal("0.1")


# --- figures of one year --------------------------------------------------------------------------


@dataclass
class WorkFigures:
    total: int = 0  # the year's points, cancelled left out
    done: int = 0
    on_time: int = 0
    overdue: int = 0

    @property
    def due(self) -> int:
        return self.done + self.overdue

    @property
    def percent(self) -> int | None:
        return percent(self.on_time, self.due)

    @property
    def label(self) -> str:
        if not self.total:
            return ""
        if not self.due:
            return "срок не наступил"
        return f"{self.percent} % ({self.on_time} из {self.due})"

    @property
    def level(self) -> str:
        share = self.percent
        if share is None:
            return ""
        if share >= WORK_DONE_PERCENT:
            return "good"
        return "mid" if share >= 50 else "bad"

    def add(self, other: "WorkFigures"):
        self.total += other.total
        self.done += other.done
        self.on_time += other.on_time
        self.overdue += other.overdue


def signed_percent(value: Decimal | None) -> str:
    """«−3,1 %», «+2,0 %», «0,0 %»: the sign is the point of the figure, so it is always written."""
    if value is None:
        return ""
    sign = "+" if value > 0 else ("−" if value < 0 else "")
    return f"{sign}{abs(value):.1f} %".replace(".", ",")


@dataclass
class ResultFigures:
    subjects: int = 0
    compared: int = 0  # subjects with a regional average
    below_region: int = 0
    gap_sum: Decimal = Decimal(0)
    compared_municipality: int = 0
    below_municipality: int = 0

    def add_score(self, procedure: str, subject: str, score: Decimal, reference: Reference):
        self.subjects += 1
        maximum = scale_for(procedure, subject).maximum
        if reference.region is not None and maximum:
            self.compared += 1
            self.gap_sum += (score - reference.region) / maximum * 100
            if score < reference.region:
                self.below_region += 1
        if reference.municipality is not None:
            self.compared_municipality += 1
            if score < reference.municipality:
                self.below_municipality += 1

    def add(self, other: "ResultFigures"):
        self.subjects += other.subjects
        self.compared += other.compared
        self.below_region += other.below_region
        self.gap_sum += other.gap_sum
        self.compared_municipality += other.compared_municipality
        self.below_municipality += other.below_municipality

    @property
    def mean_gap(self) -> Decimal | None:
        if not self.compared:
            return None
        return (self.gap_sum / self.compared).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)

    @property
    def gap_label(self) -> str:
        return signed_percent(self.mean_gap)


@dataclass
class ListMark:
    """A school's ШНОР status in one year; `has_list` False when the portal has no list for the year."""

    has_list: bool
    on_list: bool = False
    label: str = ""
    kind: str = ""  # first / repeat / back / left / off
    risk_zone: bool = False

    @classmethod
    def from_status(cls, status: YearStatus | None, risk_zone=False):
        if status is None:
            return cls(has_list=False, risk_zone=risk_zone)
        if status.on_list:
            kind = "first" if status.first_time else ("back" if status.came_back else "repeat")
            label = status_short_label(status) or "в списке"
            return cls(has_list=True, on_list=True, label=label, kind=kind, risk_zone=risk_zone)
        if status.left:
            return cls(has_list=True, label="вышла", kind="left", risk_zone=risk_zone)
        return cls(has_list=True, label="не в списке", kind="off", risk_zone=risk_zone)


@dataclass
class ListCount:
    """How many of a cluster's schools are on the year's list."""

    has_list: bool
    on: int = 0
    members: int = 0


@dataclass
class YearCell:
    year: int
    work: WorkFigures = field(default_factory=WorkFigures)
    results: ResultFigures = field(default_factory=ResultFigures)
    list_mark: ListMark | None = None
    list_count: ListCount | None = None


# --- the verdict ----------------------------------------------------------------------------------


class Kind:
    STALLED = "stalled"  # work done, results did not move: what the chair must see first
    AHEAD = "ahead"  # results up, work behind
    WORKING = "working"
    BEHIND = "behind"
    DONE_NO_RESULTS = "done_no_results"  # work done, nothing after the start to compare yet
    BEHIND_NO_RESULTS = "behind_no_results"
    UNKNOWN = "unknown"  # no point due yet


KIND_LABELS = {
    Kind.STALLED: "Работа выполнена, результаты не выросли",
    Kind.AHEAD: "Результаты выросли, работа отстаёт",
    Kind.WORKING: "Работа выполнена, результаты выросли",
    Kind.BEHIND: "Работа отстаёт, результаты не выросли",
    Kind.DONE_NO_RESULTS: "Работа выполнена, результатов для сравнения ещё нет",
    Kind.BEHIND_NO_RESULTS: "Работа отстаёт, результатов для сравнения ещё нет",
    Kind.UNKNOWN: "Сроки точек ещё не наступили",
}
KIND_ORDER = [
    Kind.STALLED,
    Kind.AHEAD,
    Kind.BEHIND,
    Kind.WORKING,
    Kind.BEHIND_NO_RESULTS,
    Kind.DONE_NO_RESULTS,
    Kind.UNKNOWN,
]


@dataclass
class ResultsSignal:
    up: bool | None
    reasons: list[str]
    gap_before: tuple[int, Decimal] | None = None
    gap_after: tuple[int, Decimal] | None = None


def results_signal(cells: list[YearCell], start_year: int) -> ResultsSignal:
    """Did the results move since the plan started? From the gap to the region and the lists after the start."""
    with_gap = [c for c in cells if c.results.compared]
    before = [c for c in with_gap if c.year < start_year]
    after = [c for c in with_gap if c.year >= start_year]
    gap_after = (after[-1].year, after[-1].results.mean_gap) if after else None
    # No result before the plan: its first year since the start is the baseline, if there is a later one.
    base = before[-1] if before else (after[0] if len(after) > 1 else None)
    gap_before = (base.year, base.results.mean_gap) if base else None
    reasons = []
    gap_up = None
    if gap_before and gap_after:
        gap_up = gap_after[1] > gap_before[1]
        reasons.append(
            f"разрыв с регионом {signed_percent(gap_before[1])} ({gap_before[0]}) → {signed_percent(gap_after[1])} ({gap_after[0]})"
        )
    lists_after = [c for c in cells if c.year >= start_year and c.list_mark and c.list_mark.has_list]
    latest_list = lists_after[-1] if lists_after else None
    on_list_after = left_after = False
    if latest_list is not None:
        mark = latest_list.list_mark
        if mark.on_list:
            on_list_after = True
            reasons.append(f"в списке {latest_list.year} года ({mark.label})")
        elif any(c.list_mark and c.list_mark.on_list for c in cells if c.year < latest_list.year):
            left_after = True
            reasons.append(f"не в списке {latest_list.year} года")
    if on_list_after:
        up = False
    elif gap_up is not None:
        up = gap_up
    elif left_after:
        up = True
    else:
        up = None
        reasons.append(f"результатов и списков с начала плана ({start_year}) в портале нет")
    return ResultsSignal(up=up, reasons=reasons, gap_before=gap_before, gap_after=gap_after)


@dataclass
class Verdict:
    kind: str
    work_reason: str
    results_reasons: list[str]

    @property
    def label(self):
        return KIND_LABELS[self.kind]

    @property
    def flagged(self):
        return self.kind in (Kind.STALLED, Kind.AHEAD)


def judge(work: WorkFigures, signal: ResultsSignal) -> Verdict:
    if work.due:
        work_reason = f"в срок {work.percent} % точек ({work.on_time} из {work.due})"
    elif work.total:
        work_reason = "срок ни одной точки ещё не наступил"
    else:
        work_reason = "контрольных точек плана нет"
    if not work.due:
        return Verdict(Kind.UNKNOWN, work_reason, signal.reasons)
    done = work.percent >= WORK_DONE_PERCENT
    if signal.up is None:
        kind = Kind.DONE_NO_RESULTS if done else Kind.BEHIND_NO_RESULTS
    elif done:
        kind = Kind.WORKING if signal.up else Kind.STALLED
    else:
        kind = Kind.AHEAD if signal.up else Kind.BEHIND
    return Verdict(kind, work_reason, signal.reasons)


# --- rows -----------------------------------------------------------------------------------------


@dataclass
class EffectRow:
    kind: str  # "school" or "cluster"
    pk: int
    name: str
    cells: list[YearCell]
    work: WorkFigures  # over every year shown
    signal: ResultsSignal | None = None
    verdict: Verdict | None = None
    member_kinds: list[tuple[str, str, int]] = field(default_factory=list)  # cluster: (kind, label, count)
    members: int = 0
    card_url: str = ""
    results_url: str = ""


@dataclass
class EffectGroup:
    cluster: EffectRow | None  # None: the schools of no cluster of the plan
    rows: list[EffectRow]


@dataclass
class PlanEffect:
    municipality: Municipality
    plans: list
    plan: object
    years: list[int]
    groups: list[EffectGroup]
    start_year: int | None
    has_results: bool
    has_regional: bool
    has_done: bool
    list_name: str

    @property
    def school_rows(self):
        seen, rows = set(), []
        for group in self.groups:
            for row in group.rows:
                if row.pk not in seen:
                    seen.add(row.pk)
                    rows.append(row)
        return rows

    @property
    def stalled(self):
        return [r for r in self.school_rows if r.verdict.kind == Kind.STALLED]

    @property
    def ahead(self):
        return [r for r in self.school_rows if r.verdict.kind == Kind.AHEAD]

    @property
    def kind_counts(self):
        counts = Counter(r.verdict.kind for r in self.school_rows)
        return [(kind, KIND_LABELS[kind], counts[kind]) for kind in KIND_ORDER if counts[kind]]


def effect_years(years: set[int], today: datetime.date) -> list[int]:
    """A continuous run of years with something to show, ending this year at the latest, MAX_YEARS long at most."""
    if not years:
        return []
    first, last = min(years), max(years)
    last = min(last, max(today.year, first))
    first = max(first, last - MAX_YEARS + 1)
    return list(range(first, last + 1))


def _school_cells(years, work_by_year, results_by_year, shnor_statuses, risk_years):
    return [
        YearCell(
            year=year,
            work=work_by_year.get(year, WorkFigures()),
            results=results_by_year.get(year, ResultFigures()),
            list_mark=ListMark.from_status(shnor_statuses.get(year), risk_zone=year in risk_years),
        )
        for year in years
    ]


def _total_work(cells):
    total = WorkFigures()
    for cell in cells:
        total.add(cell.work)
    return total


def _cluster_row(cluster, members: list[EffectRow], years, start_year) -> EffectRow:
    cells = []
    for index, year in enumerate(years):
        cell = YearCell(year=year, list_count=ListCount(has_list=False, members=len(members)))
        for member in members:
            member_cell = member.cells[index]
            cell.work.add(member_cell.work)
            cell.results.add(member_cell.results)
            if member_cell.list_mark.has_list:
                cell.list_count.has_list = True
                cell.list_count.on += member_cell.list_mark.on_list
        cells.append(cell)
    counts = Counter(m.verdict.kind for m in members)
    row = EffectRow(
        kind="cluster",
        pk=cluster.pk,
        name=f"{cluster.number} кластер — {cluster.name}",
        cells=cells,
        work=_total_work(cells),
        member_kinds=[(kind, KIND_LABELS[kind], counts[kind]) for kind in KIND_ORDER if counts[kind]],
        members=len(members),
    )
    row.signal = results_signal(cells, start_year)
    return row


# --- the page -------------------------------------------------------------------------------------


def _work_by_school_year(points, today):
    counts = control_point_counts(today)
    rows = (
        points.filter(school__isnull=False)
        .annotate(due_year=ExtractYear("due_date"))
        .values("school_id", "due_year")
        .annotate(total=counts["total"], done=counts["done"], done_late=counts["done_late"], overdue=counts["overdue"])
        .order_by()
    )
    work: dict[int, dict[int, WorkFigures]] = defaultdict(dict)
    for row in rows:
        work[row["school_id"]][row["due_year"]] = WorkFigures(
            total=row["total"], done=row["done"], on_time=row["done"] - row["done_late"], overdue=row["overdue"]
        )
    return work


def _results_by_school_year(*, user, school_ids):
    """The schools' scores by year, read once for all of them (not per school)."""
    rows = (
        ExamResult.objects.filter(school_id__in=school_ids, school__in=visible_schools(user), average_score__isnull=False)
        .values_list("school_id", "procedure", "subject", "grade", "year", "average_score")
        .order_by()
    )
    by_school: dict[int, list] = defaultdict(list)
    for school_id, *rest in rows:
        by_school[school_id].append(tuple(rest))
    return by_school


def _figures(scores, refs, years):
    by_year: dict[int, ResultFigures] = {}
    for procedure, subject, grade, year, score in scores:
        if year not in years:
            continue
        figures = by_year.setdefault(year, ResultFigures())
        figures.add_score(procedure, subject, score, refs.get((procedure, subject, grade, year), Reference()))
    return by_year


def plan_effect(*, user, municipality, plan_pk=None, today=None) -> PlanEffect:
    """The whole page in a fixed number of queries: plans, lists, points by school and year, cluster
    memberships, schools, results, and the three of reference_map."""
    today = today or timezone.localdate()
    plans = plan_options(user=user, municipality=municipality)
    plan = choose_plan(plans, plan_pk, today)
    lists = lists_overview(municipality=municipality)
    list_name = municipality.list_label or SchoolList.Category.SHNOR.label
    if plan is None:
        return PlanEffect(municipality, plans, None, [], [], None, False, False, False, list_name)
    plan_ids = plan_scope_ids(plans, plan)
    start_year = plan.period_start.year

    work = _work_by_school_year(plan_points(user=user, municipality=municipality, plan_ids=plan_ids), today)
    memberships = list(
        ClusterMembership.objects.filter(cluster__plan_id__in=plan_ids)
        .select_related("cluster")
        .order_by("cluster__plan__period_start", "cluster__number", "cluster_id")
    )
    shnor = category_history(lists.infos, SchoolList.Category.SHNOR)
    risk = category_history(lists.infos, SchoolList.Category.RISK_ZONE)

    # The plan's schools: those with its points, in its clusters, or on a list; results alone do not make one.
    school_ids = set(work) | {m.school_id for m in memberships} | set(shnor.on_years) | set(risk.on_years)
    scores = _results_by_school_year(user=user, school_ids=school_ids)
    years = effect_years(
        {y for by_year in work.values() for y in by_year}
        | {row[3] for school_id in school_ids for row in scores.get(school_id, [])}
        | set(shnor.years)
        | set(risk.years),
        today,
    )
    names = dict(
        visible_schools(user).filter(municipality=municipality, pk__in=school_ids).values_list("pk", "short_name")
    )
    refs = reference_map(municipality, years=years) if years else {}

    rows: dict[int, EffectRow] = {}
    for school_id in sorted(names, key=names.get):
        cells = _school_cells(
            years,
            work.get(school_id, {}),
            _figures(scores.get(school_id, []), refs, set(years)),
            shnor.statuses(school_id),
            risk.on_years.get(school_id, set()),
        )
        row = EffectRow(
            kind="school",
            pk=school_id,
            name=names[school_id],
            cells=cells,
            work=_total_work(cells),
            card_url=reverse("schools:school_detail", args=[school_id]),
            results_url=reverse("results:school_results", args=[school_id]) if scores.get(school_id) else "",
        )
        row.signal = results_signal(cells, start_year)
        row.verdict = judge(row.work, row.signal)
        rows[school_id] = row

    groups, clustered = [], set()
    by_cluster: dict[int, list] = defaultdict(list)
    clusters = {}
    for membership in memberships:
        if membership.school_id in rows:
            clusters[membership.cluster_id] = membership.cluster
            by_cluster[membership.cluster_id].append(rows[membership.school_id])
            clustered.add(membership.school_id)
    for cluster_id, cluster in clusters.items():
        members = sorted(by_cluster[cluster_id], key=lambda r: r.name)
        groups.append(EffectGroup(cluster=_cluster_row(cluster, members, years, start_year), rows=members))
    outside = [row for school_id, row in rows.items() if school_id not in clustered]
    if outside:
        groups.append(EffectGroup(cluster=None, rows=outside))

    school_cells = [cell for row in rows.values() for cell in row.cells]
    return PlanEffect(
        municipality=municipality,
        plans=plans,
        plan=plan,
        years=years,
        groups=groups,
        start_year=start_year,
        has_results=any(cell.results.subjects for cell in school_cells),
        has_regional=any(cell.results.compared for cell in school_cells),
        has_done=any(cell.work.done for cell in school_cells),
        list_name=list_name,
    )
