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


def _executor_targets(activity: Activity, plan: Plan) -> list[int | None]:
    """One target per school for school-level executors, one (None) for the municipality's."""
    levels = {e.level for e in activity.executor_set.all()}
    targets: list[int | None] = []
    if ExecutorLevel.SCHOOL in levels:
        targets.extend(_schools_in_scope(activity, plan))
    if not levels or levels - {ExecutorLevel.SCHOOL} or activity.scope == Activity.Scope.MUNICIPALITY:
        targets.append(None)
    return targets


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
    wanted = {
        (school_id, due): start
        for start, due in activity_windows(activity, plan)
        for school_id in _executor_targets(activity, plan)
    }
    result = SyncResult()
    existing = {}
    for cp in activity.control_points.all():
        existing[(cp.school_id, cp.original_due_date or cp.due_date)] = cp

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
            window_start=start,
            due_date=due,
        )
        for (school_id, due), start in wanted.items()
        if (school_id, due) not in existing
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
