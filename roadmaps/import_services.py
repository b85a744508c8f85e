"""Import a plan from a Word or Excel file: read it (checked, then parsed by roadmaps.importers)
and save what the coordinator confirmed as a draft plan, in one transaction.

Which schools the new plan covers. A document names its schools only in cluster headings
(«1 кластер - … (БОУ «Хлебодаровская СОШ»)»): each of the municipality's schools whose short
name appears there joins that cluster. The plan's own schools («все школы плана») are the
schools of its clusters, else the municipality's latest ШНОР list — as load_demo does — so that
school-level activities get a control point per school at once; the coordinator edits both later.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from simple_history.utils import bulk_create_with_history

from clusters.models import Cluster, ClusterMembership
from monitoring.control.services import control_points_sync_for_plan
from schnor_portal.xlsx import XlsxError, check_zip_upload
from schools.models import Municipality, School, SchoolList

from .importers import ParsedPlan, PlanFileError, check_signature, parse_plan
from .models import Activity, ActivityExecutor, ExecutorLevel, Plan, PlanSection
from .targets import parse_target


def plan_file_parse(*, data: bytes, period_start: date | None = None, period_end: date | None = None) -> ParsedPlan:
    """Check the upload (size, zip bomb) before anything opens it, then read its plan table."""
    check_signature(data)
    try:
        check_zip_upload(data, what="файл Word (.docx) или Excel (.xlsx)")
    except XlsxError as error:
        raise PlanFileError(str(error)) from None
    return parse_plan(data, period_start=period_start, period_end=period_end)


@dataclass
class ImportResult:
    plan: Plan
    sections: int
    activities: int
    executors: int
    clusters: int
    memberships: int
    control_points: int


def _name_key(text):
    text = re.sub(r"[«»“”„\"']", "", text.lower().replace("ё", "е"))
    return " ".join(text.replace("№", "№ ").split())


def _cluster_schools(schools, heading):
    heading = _name_key(heading)
    # «… № 1» must not be found inside «… № 12».
    return [
        s for s in schools
        if _name_key(s.short_name) and re.search(re.escape(_name_key(s.short_name)) + r"(?!\d)", heading)
    ]


def _plan_schools(municipality, clusters_schools):
    if clusters_schools:
        return clusters_schools
    latest = (
        SchoolList.objects.filter(municipality=municipality, category=SchoolList.Category.SHNOR)
        .order_by("-year")
        .first()
    )
    return list(latest.entries.values_list("school_id", flat=True)) if latest else []


def _result_before_executors(columns) -> bool:
    """Whether the document puts «Ожидаемый результат» before «Ответственные» (the portal's flag)."""
    keys = [c["key"] for c in columns]
    result = keys.index("result") if "result" in keys else None
    executors = next((i for i, key in enumerate(keys) if key.startswith("executors")), None)
    return result is not None and executors is not None and result < executors


class AlreadyImported(Exception):
    """The preview was confirmed before (the button pressed twice, the page sent again, another session)."""

    def __init__(self, plan: Plan):
        super().__init__(f"plan {plan.pk} was already imported from this preview")
        self.plan = plan


def plan_import(
    *, municipality: Municipality, title: str, kind: str, start: date, end: date, parsed: ParsedPlan, user=None, token=None
) -> ImportResult:
    """Save the parsed plan as a draft of the municipality, with its control points.

    `token` names the preview: a second confirmation of it raises AlreadyImported with the plan the
    first one made, so a preview makes one plan at most.
    """
    if token and (existing := Plan.objects.filter(import_token=token).first()):
        raise AlreadyImported(existing)
    try:
        return _plan_import(
            municipality=municipality, title=title, kind=kind, start=start, end=end, parsed=parsed, user=user, token=token
        )
    except IntegrityError:
        existing = Plan.objects.filter(import_token=token).first() if token else None
        if existing is None:
            raise
        raise AlreadyImported(existing) from None


def _plan_import(*, municipality, title, kind, start, end, parsed, user, token) -> ImportResult:
    with transaction.atomic():
        plan = Plan(
            municipality=municipality,
            kind=kind,
            title=title,
            period_start=start,
            period_end=end,
            status=Plan.Status.DRAFT,
            import_token=token or None,
            # The source's column order and headings, so the plan prints as its document does.
            columns=parsed.columns,
            result_before_executors=_result_before_executors(parsed.columns),
        )
        # The token's uniqueness is the database's to enforce: a race ends in IntegrityError above.
        plan.full_clean(exclude=["import_token"])
        plan.save()

        schools = list(School.objects.filter(municipality=municipality))
        clusters: dict[int, Cluster] = {}
        memberships = []
        member_ids = set()
        section_objs: list[PlanSection] = []
        for index, parsed_section in enumerate(parsed.sections):
            cluster = None
            cluster_index = parsed.cluster_of(index)
            if cluster_index is not None:
                head = parsed.sections[cluster_index]
                cluster = clusters.get(head.cluster_number)
                if cluster is None:
                    cluster = Cluster.objects.create(
                        plan=plan,
                        number=head.cluster_number,
                        name=head.cluster_name[:500] or head.title[:500],
                        description=head.title,
                    )
                    clusters[head.cluster_number] = cluster
                    for school in _cluster_schools(schools, head.title):
                        if school.pk not in member_ids:  # a school sits in one cluster of a plan
                            member_ids.add(school.pk)
                            memberships.append(ClusterMembership(cluster=cluster, school=school, reason="по заголовку кластера в документе"))
            section_objs.append(
                PlanSection.objects.create(
                    plan=plan,
                    parent=section_objs[parsed_section.parent] if parsed_section.parent is not None else None,
                    position=index + 1,
                    number=parsed_section.number[:20],
                    title=parsed_section.title or "Мероприятия плана",
                    tasks=parsed_section.tasks,
                    indicators=parsed_section.indicators,
                    cluster=cluster,
                )
            )
        if memberships:
            bulk_create_with_history(memberships, ClusterMembership, default_user=user)
        plan.schools.set(_plan_schools(municipality, sorted(member_ids)))

        activities, executor_lists, activity_clusters = [], [], []
        for index, parsed_section in enumerate(parsed.sections):
            cluster_index = parsed.cluster_of(index)
            cluster = clusters[parsed.sections[cluster_index].cluster_number] if cluster_index is not None else None
            for position, a in enumerate(parsed_section.activities, start=1):
                target = parse_target(a.result)
                if cluster is not None:
                    scope = Activity.Scope.CLUSTERS
                elif any(e.level == ExecutorLevel.SCHOOL for e in a.executors):
                    scope = Activity.Scope.ALL_SCHOOLS
                else:
                    scope = Activity.Scope.MUNICIPALITY
                activities.append(
                    Activity(
                        section=section_objs[index],
                        position=position,
                        number=a.number[:20],
                        content=a.content,
                        deadline_text=a.deadline[:500],
                        executors_text=a.executors_text,
                        expected_result=a.result,
                        target_comparator=target.comparator if target else "",
                        target_value=target.value if target else None,
                        target_unit=target.unit[:50] if target else "",
                        scope=scope,
                    )
                )
                executor_lists.append(a.executors)
                activity_clusters.append(cluster)
        activities = bulk_create_with_history(activities, Activity, default_user=user)
        Activity.clusters.through.objects.bulk_create(
            [
                Activity.clusters.through(activity_id=activity.pk, cluster_id=cluster.pk)
                for activity, cluster in zip(activities, activity_clusters)
                if cluster is not None
            ]
        )
        executors = [
            ActivityExecutor(activity=activity, position=position, level=e.level, kind=e.kind, name=e.name[:500])
            for activity, parsed_executors in zip(activities, executor_lists)
            for position, e in enumerate(parsed_executors, start=1)
        ]
        bulk_create_with_history(executors, ActivityExecutor, default_user=user)
        synced = control_points_sync_for_plan(plan=plan)
    return ImportResult(
        plan=plan,
        sections=len(section_objs),
        activities=len(activities),
        executors=len(executors),
        clusters=len(clusters),
        memberships=len(memberships),
        control_points=synced.created,
    )
