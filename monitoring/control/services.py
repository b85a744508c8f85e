"""Writes on control points. Reads live in selectors; access checks in schools/access.py."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef
from simple_history.utils import bulk_create_with_history

from monitoring.models import ControlPoint, ControlPointComment, Evidence
from roadmaps.deadlines import parse_deadline
from roadmaps.models import Activity, ExecutorLevel, Plan


@dataclass
class SyncResult:
    created: int = 0
    deleted: int = 0
    flagged: int = 0
    kept: int = 0

    def add(self, other):
        self.created += other.created
        self.deleted += other.deleted
        self.flagged += other.flagged
        self.kept += other.kept


def _schools_in_scope(activity: Activity, plan: Plan) -> list[int]:
    if activity.scope == Activity.Scope.ALL_SCHOOLS:
        return sorted(s.pk for s in plan.schools.all())
    if activity.scope == Activity.Scope.CLUSTERS:
        return sorted({m.school_id for c in activity.clusters.all() for m in c.memberships.all()})
    if activity.scope == Activity.Scope.SCHOOLS:
        return sorted(s.pk for s in activity.schools.all())
    return []


MUNICIPALITY = "municipality"
REGION = "region"


def executor_targets(levels: set, scope: str, school_ids) -> list:
    """Who gets a point, from the executors' levels: each school in scope, the municipality, the region.

    A region body (ИРО, the ministry) of a 3-level plan reports on its own point; the municipality
    keeps one when it executes too, when nobody is named, or when the row is the municipality's
    own (scope) unless only the region is named. A plan without region executors gets exactly
    the points it had before regional points existed.
    """
    targets: list = []
    if ExecutorLevel.SCHOOL in levels:
        targets.extend(school_ids)
    if (
        not levels
        or ExecutorLevel.MUNICIPALITY in levels
        or (scope == Activity.Scope.MUNICIPALITY and levels != {ExecutorLevel.REGION})
    ):
        targets.append(MUNICIPALITY)
    if ExecutorLevel.REGION in levels:
        targets.append(REGION)
    return targets


def _executor_targets(activity: Activity, plan: Plan) -> list:
    levels = {e.level for e in activity.executor_set.all()}
    school_ids = _schools_in_scope(activity, plan) if ExecutorLevel.SCHOOL in levels else []
    return executor_targets(levels, activity.scope, school_ids)


def target_key(target) -> tuple:
    """(school_id, regional) of a target: the point's executor as stored."""
    if target == MUNICIPALITY:
        return (None, False)
    if target == REGION:
        return (None, True)
    return (target, False)


def point_key(cp: ControlPoint) -> tuple:
    """An existing point's identity for the sync: its executor and its first due date."""
    return (cp.school_id, cp.regional, cp.original_due_date or cp.due_date)


def wanted_points(activity: Activity, plan: Plan) -> dict:
    """(school_id, regional, due) → window start, of every point the activity should have."""
    keys = [target_key(target) for target in _executor_targets(activity, plan)]
    return {(*key, due): start for start, due in activity_windows(activity, plan) for key in keys}


def control_points_untouched(queryset):
    """Control points nobody has worked on: only these may disappear when the plan changes."""
    return queryset.filter(
        status=ControlPoint.Status.PLANNED, report_text="", achieved_value__isnull=True
    ).exclude(
        Exists(Evidence.objects.filter(control_point=OuterRef("pk")))
    ).exclude(Exists(ControlPointComment.objects.filter(control_point=OuterRef("pk"))))


def activity_windows(activity: Activity, plan: Plan):
    """The windows of an activity: parsed from its deadline, else those the coordinator set."""
    deadline = parse_deadline(activity.deadline_text, plan.period_start, plan.period_end)
    if deadline.windows:
        return deadline.windows
    return tuple(
        (datetime.date.fromisoformat(start) if start else None, datetime.date.fromisoformat(due))
        for start, due in activity.manual_windows or ()
    )


def control_points_sync(*, activity: Activity, plan: Plan) -> SyncResult:
    """Make the activity's control points match its deadline windows × executors in scope.

    Nothing a school reported is lost: a point whose window vanished is deleted only when
    untouched, otherwise it is kept and flagged for the coordinator to decide.
    Only a plan in force is tracked: a draft has no control points yet, a superseded plan keeps
    the ones it had.
    """
    if plan.status != Plan.Status.APPROVED:
        return SyncResult()
    wanted = wanted_points(activity, plan)
    result = SyncResult()
    existing = {}
    for cp in activity.control_points.all():
        existing[point_key(cp)] = cp

    stale = [cp for key, cp in existing.items() if key not in wanted]
    if stale:
        untouched_ids = set(
            control_points_untouched(ControlPoint.objects.filter(pk__in=[cp.pk for cp in stale])).values_list("pk", flat=True)
        )
        ControlPoint.objects.filter(pk__in=untouched_ids).delete()
        result.deleted = len(untouched_ids)
        for cp in stale:
            if cp.pk not in untouched_ids and not cp.needs_decision:
                cp.needs_decision = True
                cp.save(update_fields=["needs_decision", "updated_at"])
                result.flagged += 1

    for key, cp in existing.items():
        if key in wanted:
            result.kept += 1
            changed = []
            if cp.window_start != wanted[key]:
                cp.window_start = wanted[key]
                changed.append("window_start")
            if cp.needs_decision:
                cp.needs_decision = False
                changed.append("needs_decision")
            if changed:
                cp.save(update_fields=[*changed, "updated_at"])

    new = [
        ControlPoint(
            activity=activity,
            municipality_id=plan.municipality_id,
            school_id=school_id,
            regional=regional,
            window_start=start,
            due_date=due,
        )
        for (school_id, regional, due), start in wanted.items()
        if (school_id, regional, due) not in existing
    ]
    if new:
        bulk_create_with_history(new, ControlPoint, batch_size=500)
    result.created = len(new)
    return result


def control_points_sync_for_plan(*, plan: Plan) -> SyncResult:
    total = SyncResult()
    activities = (
        Activity.objects.filter(section__plan=plan)
        .prefetch_related("executor_set", "clusters__memberships", "schools", "control_points")
        .order_by("section__position", "position")
    )
    plan_with_schools = Plan.objects.prefetch_related("schools").get(pk=plan.pk)
    with transaction.atomic():
        for activity in activities:
            total.add(control_points_sync(activity=activity, plan=plan_with_schools))
    return total
