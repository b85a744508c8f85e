"""The plan's quantitative targets against what was achieved, and its indicators in one line.

A target is read from an activity's expected result (roadmaps/targets.py); what was achieved is the
`achieved_value` of the activity's done control points, per executor, the latest one deciding.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q

from monitoring.models import ControlPoint, IndicatorValue, PlanIndicator
from roadmaps.models import Activity

from .numbers import number_label

Status = ControlPoint.Status
Comparator = Activity.Comparator


# --- quantitative targets against the achieved values -----------------------------------------------


def meets_target(comparator: str, target: Decimal, value: Decimal | None) -> bool | None:
    """None when nothing was reported. A plain figure («100 % педагогов», «4 мероприятия») is a floor:
    the plans write the least they expect, so more than the figure meets it too."""
    if value is None or target is None:
        return None
    if comparator == Comparator.AT_MOST:
        return value <= target
    return value >= target


def _meets_target_q():
    """The SQL form of `meets_target` over a control point and its activity."""
    target = F("activity__target_value")
    return Q(status=Status.DONE, achieved_value__isnull=False) & (
        (Q(activity__target_comparator=Comparator.AT_MOST) & Q(achieved_value__lte=target))
        | (~Q(activity__target_comparator=Comparator.AT_MOST) & Q(achieved_value__gte=target))
    )


@dataclass
class TargetExecutorRow:
    """One executor (a school, or the municipality when school_id is None) of a target activity."""

    school_id: int | None
    name: str
    total: int
    done: int
    reported: int  # done points with an achieved value
    achieved: int  # of them, meeting the target
    last_value: Decimal | None = None
    last_due: datetime.date | None = None
    last_meets: bool | None = None

    @property
    def last_value_label(self):
        return number_label(self.last_value)


@dataclass
class TargetRow:
    activity: Activity
    executors: list[TargetExecutorRow]

    @property
    def total(self):
        return sum(e.total for e in self.executors)

    @property
    def done(self):
        return sum(e.done for e in self.executors)

    @property
    def reported(self):
        return sum(e.reported for e in self.executors)

    @property
    def achieved(self):
        return sum(e.achieved for e in self.executors)

    @property
    def with_last_value(self):
        return sum(1 for e in self.executors if e.last_value is not None)

    @property
    def meeting_now(self):
        """Executors whose latest reported value meets the target."""
        return sum(1 for e in self.executors if e.last_meets)


@dataclass
class Targets:
    rows: list[TargetRow]

    @property
    def reported(self):
        return sum(r.reported for r in self.rows)

    @property
    def achieved(self):
        return sum(r.achieved for r in self.rows)

    @property
    def with_points(self):
        return [r for r in self.rows if r.total]

    @property
    def without_points(self):
        return [r for r in self.rows if not r.total]


def plan_targets(*, points, plan_ids) -> Targets:
    """Activities with a target, each with its executors' points and reported values (three queries)."""
    activities = list(
        Activity.objects.filter(section__plan_id__in=plan_ids, target_value__isnull=False)
        .select_related("section")
        .order_by("section__plan__period_start", "section__plan_id", "section__position", "position")
    )
    if not activities:
        return Targets(rows=[])
    target_points = points.filter(activity__in=[a.pk for a in activities])
    counts = (
        target_points.values("activity_id", "school_id", "school__short_name")
        .annotate(
            total=Count("pk", filter=~Q(status=Status.CANCELLED)),
            done=Count("pk", filter=Q(status=Status.DONE)),
            reported=Count("pk", filter=Q(status=Status.DONE, achieved_value__isnull=False)),
            achieved=Count("pk", filter=_meets_target_q()),
        )
        .order_by()
    )
    executors: dict[int, dict] = defaultdict(dict)
    for row in counts:
        executors[row["activity_id"]][row["school_id"]] = TargetExecutorRow(
            school_id=row["school_id"],
            name=row["school__short_name"] or "Муниципальный уровень",
            total=row["total"],
            done=row["done"],
            reported=row["reported"],
            achieved=row["achieved"],
        )
    by_pk = {a.pk: a for a in activities}
    latest = target_points.filter(status=Status.DONE, achieved_value__isnull=False).order_by("due_date", "pk")
    for activity_id, school_id, due_date, value in latest.values_list("activity_id", "school_id", "due_date", "achieved_value"):
        executor = executors[activity_id][school_id]  # ordered by due date: the last one wins
        activity = by_pk[activity_id]
        executor.last_value, executor.last_due = value, due_date
        executor.last_meets = meets_target(activity.target_comparator, activity.target_value, value)
    rows = []
    for activity in activities:
        found = executors.get(activity.pk, {})
        ordered = sorted(found.values(), key=lambda e: (e.school_id is None, e.name))
        rows.append(TargetRow(activity=activity, executors=ordered))
    return Targets(rows=rows)


# --- the plan's indicators, in one line ------------------------------------------------------------


@dataclass
class IndicatorSummary:
    total: int  # indicators of the plan
    measured: int  # with a target and a value of their latest period
    achieved: int  # of them, every value of the latest period meets the target


def plan_indicator_summary(*, plan_ids) -> IndicatorSummary:
    """«Показатели плана: достигнуто N из M», judged on each indicator's latest period (two queries)."""
    indicators = {i.pk: i for i in PlanIndicator.objects.filter(plan_id__in=plan_ids)}
    latest: dict[int, tuple] = {}
    for indicator_id, period_start, value in (
        IndicatorValue.objects.filter(indicator_id__in=list(indicators))
        .order_by("indicator_id", "period_start")
        .values_list("indicator_id", "period_start", "value")
    ):
        start, values = latest.get(indicator_id, (None, []))
        if start != period_start:
            start, values = period_start, []
        values.append(value)
        latest[indicator_id] = (start, values)
    measured = achieved = 0
    for indicator_id, (_, values) in latest.items():
        indicator = indicators[indicator_id]
        if indicator.target_value is None:
            continue
        measured += 1
        achieved += all(indicator.is_achieved(v) for v in values)
    return IndicatorSummary(total=len(indicators), measured=measured, achieved=achieved)
