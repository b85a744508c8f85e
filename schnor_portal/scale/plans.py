"""Each municipality's approved plan: clusters from the list history, sections, ~100 activities, executors.

Which control points a plan has is decided here exactly as `monitoring.control.services.control_points_sync`
decides it (windows of the deadline × executors in scope); tests/test_seed_scale.py runs the sync
on a seeded plan and expects it to find nothing to change.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from simple_history.utils import bulk_create_with_history

from clusters.models import Cluster, ClusterMembership
from monitoring.control.services import executor_targets, target_key
from roadmaps.deadlines import parse_deadline
from roadmaps.executors import split_executors
from roadmaps.models import Activity, ActivityExecutor, Plan, PlanSection
from roadmaps.targets import parse_target
from schools.models import SchoolList, SchoolListEntry

from .plan_shape import (
    CHOSEN_PHRASES,
    CLUSTER_PART,
    CLUSTER_PHRASES,
    CLUSTER_ROWS,
    CLUSTERS,
    MAIN_SECTIONS,
    SCHOOL_PHRASES,
    activity_pool,
    manual_windows,
    municipal_phrase,
)
from .region import MunicipalityCast
from .spec import SeedSpec


@dataclass
class PlannedActivity:
    """What the control points of one activity need to know about it."""

    activity: Activity
    windows: tuple  # ((start or None, due), …) as control_points_sync reads them
    targets: list  # (school id or None, regional) pairs, as control_points_sync chooses them
    has_target: bool
    target_value: Decimal | None


@dataclass
class PlannedMunicipality:
    cast: MunicipalityCast
    plan: Plan
    activities: list = field(default_factory=list)

    @property
    def point_count(self) -> int:
        return sum(len(a.windows) * len(a.targets) for a in self.activities)


def _cluster_members(cast: MunicipalityCast) -> dict[int, list[tuple[int, str]]]:
    """Cluster number → [(school id, reason)], by the list history, as «Предложить распределение» reads it."""
    years = sorted({y for y, _ in cast.lists})
    latest = cast.latest_listed
    previous = cast.lists.get((years[-2], SchoolList.Category.SHNOR), []) if len(years) > 1 else []
    members = {1: [], 2: [], 3: [], 4: []}
    for pk in latest:
        if pk not in previous:
            members[1].append((pk, f"Впервые в списке ШНОР {years[-1]} года."))
        elif cast.trends.get(pk) == SchoolListEntry.Trend.UP:
            members[3].append((pk, "Повторно в списке, динамика результатов положительная."))
        else:
            members[2].append((pk, f"В списке ШНОР {years[-2]} и {years[-1]} годов."))
    for pk in cast.latest_risk:
        members[4].append((pk, f"В списке «зона риска» {years[-1]} года."))
    return members


def _targets(levels: set, scope: str, school_ids: list[int]) -> list:
    """`monitoring.control.services._executor_targets`, over ids known here instead of prefetched rows;
    each target as the (school id, regional) pair its points are stored with."""
    in_scope = sorted(school_ids) if scope != Activity.Scope.MUNICIPALITY else []
    return [target_key(t) for t in executor_targets(levels, scope, in_scope)]


def _windows(text: str, manual: list, spec: SeedSpec) -> tuple:
    deadline = parse_deadline(text, spec.plan_start, spec.plan_end)
    if deadline.windows:
        return deadline.windows
    return tuple(
        (datetime.date.fromisoformat(start) if start else None, datetime.date.fromisoformat(due)) for start, due in manual
    )


def plans_create(spec: SeedSpec, casts: list[MunicipalityCast]) -> list[PlannedMunicipality]:
    school_pool, municipal_pool = activity_pool()
    executors_cache: dict[str, list] = {}

    plans = []
    for cast in casts:
        genitive = cast.municipality.authority_name.split("Администрации ", 1)[-1]
        years = f"{spec.plan_start.year}–{spec.plan_end.year} годы" if spec.years > 1 else f"{spec.plan_start.year} год"
        plans.append(
            Plan(
                municipality=cast.municipality,
                kind=Plan.Kind.ROADMAP,
                title=(
                    "Дорожная карта по повышению качества образования в общеобразовательных организациях "
                    f"{genitive} на {years}"
                ),
                period_start=spec.plan_start,
                period_end=spec.plan_end,
                status=Plan.Status.APPROVED,
                goal="Повышение качества образования в школах с низкими образовательными результатами.",
                version=2,
            )
        )
    bulk_create_with_history(plans, Plan, batch_size=500, default_date=spec.approved_at)

    planned = [PlannedMunicipality(cast=cast, plan=plan) for cast, plan in zip(casts, plans)]
    clusters, memberships, plan_schools = [], [], []
    members_by_plan = {}
    for item in planned:
        members = _cluster_members(item.cast)
        members_by_plan[item.plan.pk] = members
        for number, name, criterion, description in CLUSTERS:
            cluster = Cluster(plan=item.plan, number=number, name=name, criterion=criterion, description=description)
            clusters.append(cluster)
            memberships.extend((cluster, pk, reason) for pk, reason in members[number])
        plan_schools.extend(Plan.schools.through(plan_id=item.plan.pk, school_id=s.pk) for s in item.cast.schools)
    bulk_create_with_history(clusters, Cluster, batch_size=500, default_date=spec.approved_at)
    bulk_create_with_history(
        [ClusterMembership(cluster=c, school_id=pk, reason=reason) for c, pk, reason in memberships],
        ClusterMembership,
        batch_size=1000,
        default_date=spec.approved_at,
    )
    Plan.schools.through.objects.bulk_create(plan_schools, batch_size=2000)
    clusters_by_plan = {}
    for cluster in clusters:
        clusters_by_plan.setdefault(cluster.plan_id, []).append(cluster)

    # Sections first (their ids are the activities' parents): the top level, then the cluster tables
    # inside «Раздел II», which need their part's id.
    top, nested, layout = [], [], []
    for item in planned:
        position = 0
        for number, title, rows in MAIN_SECTIONS:
            position += 1
            section = PlanSection(plan=item.plan, position=position, number=number, title=title)
            top.append(section)
            layout.append((item, section, None, rows))
        position += 1
        part = PlanSection(plan=item.plan, position=position, number=CLUSTER_PART[0], title=CLUSTER_PART[1])
        top.append(part)
        for cluster in clusters_by_plan[item.plan.pk]:
            position += 1
            section = PlanSection(
                plan=item.plan, parent=part, position=position, number="", title=f"{cluster.number} кластер: {cluster.name}",
                cluster=cluster,
            )
            nested.append(section)
            layout.append((item, section, cluster, CLUSTER_ROWS))
    bulk_create_with_history(top, PlanSection, batch_size=1000, default_date=spec.approved_at)
    for section in nested:
        section.parent_id = section.parent.pk
    bulk_create_with_history(nested, PlanSection, batch_size=1000, default_date=spec.approved_at)

    activities, pending = [], []
    for item in planned:
        rng = spec.rng("activities", item.cast.index)
        schools_pool = list(school_pool)
        municipal = list(municipal_pool)
        rng.shuffle(schools_pool)
        rng.shuffle(municipal)
        counters = {"S": 0, "C": 0, "X": 0, "M": 0}
        all_school_ids = [s.pk for s in item.cast.schools]
        members = members_by_plan[item.plan.pk]
        for owner, section, cluster, rows in (entry for entry in layout if entry[0] is item):
            prefix = "" if cluster else section.number.rstrip(".") + "."
            for position, kind in enumerate(rows, start=1):
                n = counters[kind]
                counters[kind] += 1
                if kind == "M":
                    row = municipal[n % len(municipal)]
                    phrase = municipal_phrase(n, spec.plan_start, spec.plan_end)
                    scope, chosen = Activity.Scope.MUNICIPALITY, []
                else:
                    row = schools_pool[(counters["S"] + counters["C"] + counters["X"] - 1) % len(schools_pool)]
                    if kind == "S":
                        phrase, scope = SCHOOL_PHRASES[n % len(SCHOOL_PHRASES)], Activity.Scope.ALL_SCHOOLS
                        chosen = all_school_ids
                    elif kind == "C":
                        phrase, scope = CLUSTER_PHRASES[n % len(CLUSTER_PHRASES)], Activity.Scope.CLUSTERS
                        chosen = [pk for pk, _ in members[cluster.number]]
                    else:
                        phrase, scope = CHOSEN_PHRASES[n % len(CHOSEN_PHRASES)], Activity.Scope.SCHOOLS
                        chosen = sorted(rng.sample(all_school_ids, min(3, len(all_school_ids))))
                manual = manual_windows(spec.plan_start, spec.plan_end) if phrase == "По отдельному графику" else []
                target = parse_target(row.expected_result)
                activity = Activity(
                    section=section,
                    position=position,
                    number=f"{prefix}{position}",
                    content=row.content,
                    deadline_text=phrase,
                    executors_text=row.executors_text,
                    expected_result=row.expected_result,
                    target_comparator=target.comparator if target else "",
                    target_value=target.value if target else None,
                    target_unit=target.unit if target else "",
                    scope=scope,
                    manual_windows=manual,
                )
                activities.append(activity)
                if row.executors_text not in executors_cache:
                    executors_cache[row.executors_text] = split_executors(row.executors_text)
                executors = executors_cache[row.executors_text]
                levels = {e.level for e in executors}
                pending.append((item, activity, executors, cluster, chosen, levels))
    bulk_create_with_history(activities, Activity, batch_size=1000, default_date=spec.approved_at)

    executor_rows, cluster_links, school_links = [], [], []
    for item, activity, executors, cluster, chosen, levels in pending:
        for position, e in enumerate(executors, start=1):
            executor_rows.append(ActivityExecutor(activity=activity, position=position, level=e.level, kind=e.kind, name=e.name))
        if activity.scope == Activity.Scope.CLUSTERS:
            cluster_links.append(Activity.clusters.through(activity_id=activity.pk, cluster_id=cluster.pk))
        elif activity.scope == Activity.Scope.SCHOOLS:
            school_links.extend(Activity.schools.through(activity_id=activity.pk, school_id=pk) for pk in chosen)
        item.activities.append(
            PlannedActivity(
                activity=activity,
                windows=_windows(activity.deadline_text, activity.manual_windows, spec),
                targets=_targets(levels, activity.scope, chosen),
                has_target=activity.target_value is not None,
                target_value=activity.target_value,
            )
        )
    bulk_create_with_history(executor_rows, ActivityExecutor, batch_size=2000, default_date=spec.approved_at)
    Activity.clusters.through.objects.bulk_create(cluster_links, batch_size=2000)
    Activity.schools.through.objects.bulk_create(school_links, batch_size=2000)
    return planned
