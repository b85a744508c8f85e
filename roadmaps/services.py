"""Writes on plans, sections and activities. Every edit that a second user could race is
checked against the version the first one loaded (optimistic lock): a conflict is refused."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from accounts.models import Person
from clusters.models import Cluster, ClusterMembership
from monitoring.control.services import (
    SyncResult,
    control_points_sync,
    control_points_sync_for_plan,
    control_points_untouched,
)
from monitoring.models import ControlPoint

from .editions import edition_pairs, shift_date, shift_manual_windows, shift_years_in_text
from .executors import ExecutorRow, executors_text, split_executors
from .layout import level_labels, plan_layout
from .models import (
    Activity,
    ActivityExecutor,
    Plan,
    PlanOutcome,
    PlanRisk,
    PlanSection,
    PlanTeamMember,
    WorkingGroup,
    WorkingGroupMember,
)
from .targets import parse_target

CONFLICT = (
    "Эту запись уже изменил другой пользователь, пока вы её редактировали. Обновите страницу и внесите "
    "изменения заново: ваши изменения не сохранены."
)


PLAN_READ_ONLY = (
    "План утверждён и действует: изменить его можно только новой редакцией — кнопка «Внести изменения» "
    "на странице плана. Изменения вступят в силу, когда председатель подпишет приказ об утверждении новой редакции."
)
PLAN_SUPERSEDED = "План утратил силу: его можно только просматривать. Изменения вносят в действующую редакцию."


def plan_read_only_reason(plan: Plan) -> str:
    """Why the plan cannot be edited, or "" for a draft; pages show it instead of edit controls."""
    if plan.status == Plan.Status.APPROVED:
        return PLAN_READ_ONLY
    if plan.status == Plan.Status.SUPERSEDED:
        return PLAN_SUPERSEDED
    return ""


def plan_require_draft(plan_id: int) -> Plan:
    """Every write on a plan, its sections and rows passes here first: a plan in force changes only
    by a new edition approved by an order. The row is locked so that a signing that approves the
    draft at the same moment waits for the edit (or the edit sees the plan already approved)."""
    current = Plan.objects.select_for_update().get(pk=plan_id)
    reason = plan_read_only_reason(current)
    if reason:
        raise ValidationError(reason, code="read_only")
    return current


def _lock_and_check(model, pk, version):
    current = model.objects.select_for_update().get(pk=pk)
    if version is not None and current.version != version:
        raise ValidationError(CONFLICT, code="conflict")
    return current


def _set_executors(activity: Activity, executors=None):
    """Store the activity's executor rows.

    Rows given as data (the editor's ExecutorRow list) are stored as given, levels included. Only a
    caller that passes text (the importer's way, scripts) has its text split; a row it names again
    keeps the person it was linked to."""
    existing = list(activity.executor_set.order_by("position"))
    if executors is None:
        linked = {(row.level, row.name): row.person_id for row in existing}
        executors = [
            ExecutorRow(e.level, e.kind, e.name, linked.get((e.level, e.name)))
            for e in split_executors(activity.executors_text)
        ]
    for position, executor in enumerate(executors, start=1):
        values = {"level": executor.level, "kind": executor.kind, "name": executor.name[:500], "person_id": executor.person_id}
        row = existing[position - 1] if position <= len(existing) else None
        if row is None:
            ActivityExecutor.objects.create(activity=activity, position=position, **values)
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            row.save()
    for row in existing[len(executors):]:
        row.delete()


def _apply_target(activity: Activity):
    """Read the target from the expected result unless the coordinator typed one."""
    if activity.target_value is None:
        target = parse_target(activity.expected_result)
        activity.target_comparator = target.comparator if target else ""
        activity.target_value = target.value if target else None
        activity.target_unit = target.unit if target else ""


def _default_scope(activity: Activity):
    if activity.section.cluster_id and activity.scope == Activity.Scope.MUNICIPALITY:
        return Activity.Scope.CLUSTERS
    return activity.scope


@transaction.atomic
def activity_create(
    *, section: PlanSection, data: dict, clusters=(), schools=(), executors=None
) -> tuple[Activity, SyncResult]:
    plan_require_draft(section.plan_id)
    position = (section.activities.aggregate(m=Max("position"))["m"] or 0) + 1
    activity = Activity(section=section, position=position, **data)
    if not activity.number.strip():
        # A row is numbered the moment it exists: an unnumbered row left a gap in the printed appendix.
        activity.number = _next_number(section)
    _apply_target(activity)
    activity.scope = _default_scope(activity)
    if executors is not None:
        executors = _checked_executors(section.plan, executors)
        activity.executors_text = _executors_text(section.plan, executors)
    activity.full_clean()
    activity.save()
    if activity.scope == Activity.Scope.CLUSTERS:
        activity.clusters.set(clusters or ([section.cluster] if section.cluster_id else []))
    if schools:
        activity.schools.set(schools)
    _set_executors(activity, executors)
    return activity, control_points_sync(activity=activity, plan=_plan_with_schools(section.plan_id))


@transaction.atomic
def activity_update(
    *, activity: Activity, data: dict, version: int, clusters=(), schools=(), executors=None
) -> tuple[Activity, SyncResult]:
    plan_require_draft(_plan_id_of_activity(activity.pk))
    current = _lock_and_check(Activity, activity.pk, version)
    text_before = current.executors_text
    for name, value in data.items():
        setattr(current, name, value)
    executors = _updated_executors(current, executors, text_before)
    if "expected_result" in data and "target_value" not in data:
        current.target_value = None
    _apply_target(current)
    current.version += 1
    current.full_clean()
    current.save()
    current.clusters.set(clusters if current.scope == Activity.Scope.CLUSTERS else [])
    current.schools.set(schools if current.scope == Activity.Scope.SCHOOLS else [])
    if executors is not None:
        _set_executors(current, executors)
    return current, control_points_sync(activity=current, plan=_plan_with_schools(current.section.plan_id))


def _checked_executors(plan: Plan, executors) -> list[ExecutorRow]:
    executors = list(executors)
    person_ids = {e.person_id for e in executors if e.person_id}
    if person_ids and Person.objects.filter(pk__in=person_ids).exclude(municipality_id=plan.municipality_id).exists():
        raise ValidationError("Ответственным можно указать только человека своего муниципалитета.", code="foreign_person")
    return executors


def _executors_text(plan: Plan, executors) -> str:
    """The text «как написано» derived from the rows, in the plan's own convention (level columns or one)."""
    return executors_text(executors, labels=level_labels(plan_layout(plan)))


def _updated_executors(current: Activity, executors, text_before: str):
    """The executor rows to store after an edit, or None to keep the stored ones.

    Rows from the editor win and the text is derived from them, unless they are the stored rows
    unchanged: then the text stays as the document wrote it. A text caller's text is split only
    when the text changed; an edit that leaves it alone (a note, a date) keeps every level."""
    if executors is None:
        return None if current.executors_text == text_before else _split_rows(current)
    plan = current.section.plan
    executors = _checked_executors(plan, executors)
    stored = [
        ExecutorRow(row.level, row.kind, row.name, row.person_id) for row in current.executor_set.order_by("position")
    ]
    # A row kept as text only was offered as the split of its text: taken unchanged, the text stays as written.
    offered = not stored and [ExecutorRow(e.level, e.kind, e.name) for e in split_executors(text_before)] == executors
    if executors != stored and not offered:
        current.executors_text = _executors_text(plan, executors)
    return executors


def _split_rows(activity: Activity) -> list[ExecutorRow]:
    linked = {(row.level, row.name): row.person_id for row in activity.executor_set.all()}
    return [ExecutorRow(e.level, e.kind, e.name, linked.get((e.level, e.name))) for e in split_executors(activity.executors_text)]


def _plan_id_of_activity(activity_pk) -> int:
    return Activity.objects.values_list("section__plan_id", flat=True).get(pk=activity_pk)


def _plan_with_schools(plan_id):
    return Plan.objects.prefetch_related("schools").get(pk=plan_id)


@transaction.atomic
def activity_delete(*, activity: Activity, version: int | None = None):
    plan_require_draft(_plan_id_of_activity(activity.pk))
    current = _lock_and_check(Activity, activity.pk, version)
    points = ControlPoint.objects.filter(activity=current)
    if points.exclude(pk__in=control_points_untouched(points).values("pk")).exists():
        raise ValidationError(
            "По мероприятию уже есть отчёты школ: удалить его нельзя. Измените срок или охват — отчёты "
            "сохранятся и будут отмечены для вашего решения.",
            code="reported",
        )
    current.delete()


@transaction.atomic
def activity_move(*, activity: Activity, direction: int):
    """Swap the activity with its neighbour above (-1) or below (+1) in the section."""
    plan_require_draft(_plan_id_of_activity(activity.pk))
    current = Activity.objects.select_for_update().get(pk=activity.pk)
    siblings = Activity.objects.filter(section_id=current.section_id)
    neighbour = (
        siblings.filter(position__lt=current.position).order_by("-position").first()
        if direction < 0
        else siblings.filter(position__gt=current.position).order_by("position").first()
    )
    if neighbour is None:
        return current
    current.position, neighbour.position = neighbour.position, current.position
    current.save(update_fields=["position"])
    neighbour.save(update_fields=["position"])
    return current


def _section_prefix(section: PlanSection) -> str:
    # «1.» and «1» number their rows «1.1», «1.2»; a cluster table or an unnumbered one «1», «2».
    if section.cluster_id or not section.number:
        return ""
    return re.sub(r"\.+$", "", section.number.strip()) + "."


def _next_number(section: PlanSection) -> str:
    """The section's prefix and the number after the highest one its rows already carry."""
    prefix = _section_prefix(section)
    highest = 0
    for number in section.activities.values_list("number", flat=True):
        tail = number.strip().rstrip(".")
        if prefix and tail.startswith(prefix):
            tail = tail[len(prefix):]
        elif prefix:
            continue
        if tail.isdigit():
            highest = max(highest, int(tail))
    return f"{prefix}{highest + 1}"


@transaction.atomic
def section_renumber(*, section: PlanSection) -> int:
    plan_require_draft(section.plan_id)
    prefix = _section_prefix(section)
    changed = 0
    for index, activity in enumerate(section.activities.order_by("position"), start=1):
        number = f"{prefix}{index}"
        if activity.number != number:
            activity.number = number
            activity.version += 1
            activity.save(update_fields=["number", "version"])
            changed += 1
    return changed


@transaction.atomic
def section_save(*, plan: Plan, section: PlanSection | None, data: dict) -> PlanSection:
    plan_require_draft(section.plan_id if section is not None and section.pk else plan.pk)
    if section is None:
        position = (plan.sections.aggregate(m=Max("position"))["m"] or 0) + 1
        section = PlanSection(plan=plan, position=position)
    for name, value in data.items():
        setattr(section, name, value)
    section.full_clean()
    section.save()
    return section


@transaction.atomic
def section_delete(*, section: PlanSection):
    plan_require_draft(section.plan_id)
    activities = Activity.objects.filter(section__in=_section_tree(section))
    points = ControlPoint.objects.filter(activity__in=activities)
    if points.exclude(pk__in=control_points_untouched(points).values("pk")).exists():
        raise ValidationError("В разделе есть мероприятия с отчётами школ: удалить раздел нельзя.", code="reported")
    section.delete()


def _section_tree(section):
    ids, frontier = [section.pk], [section.pk]
    while frontier:
        frontier = list(PlanSection.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids.extend(frontier)
    return ids


@transaction.atomic
def plan_save(*, plan: Plan, data: dict, version: int | None, schools=None) -> Plan:
    if plan.pk:
        plan_require_draft(plan.pk)
        current = _lock_and_check(Plan, plan.pk, version)
        period_changed = (data.get("period_start"), data.get("period_end")) != (current.period_start, current.period_end)
        current.version += 1
    else:
        current, period_changed = plan, False
    for name, value in data.items():
        setattr(current, name, value)
    current.full_clean()
    current.save()
    if schools is not None:
        current.schools.set(schools)
    if period_changed or schools is not None:
        control_points_sync_for_plan(plan=current)
    return current


@transaction.atomic
def plan_approve(*, plan: Plan, order=None) -> Plan:
    """Approve a plan; the edition it replaces loses force («утратил силу»)."""
    current = Plan.objects.select_for_update().get(pk=plan.pk)
    current.status = Plan.Status.APPROVED
    if order is not None:
        current.approved_by = order
    current.version += 1
    current.save()
    if current.replaces_id:
        previous = Plan.objects.select_for_update().get(pk=current.replaces_id)
        if previous.status != Plan.Status.SUPERSEDED:
            previous.status = Plan.Status.SUPERSEDED
            previous.version += 1
            previous.save()
        edition_points_carry_over(edition=current)
    control_points_sync_for_plan(plan=current)
    return current


def edition_points_carry_over(*, edition: Plan):
    """The old edition's control points go on with the new one, as the comparison page says.

    A matched row's points move to its new row (the sync that follows keeps, creates or drops them
    against the new deadline); a removed row's untouched points are deleted, and those a school
    has worked on stay and are flagged for the coordinator — nothing reported is lost.
    """
    for old_pk, new_pk in edition_pairs(edition=edition).items():
        ControlPoint.objects.filter(activity_id=old_pk).update(activity_id=new_pk)
    removed = ControlPoint.objects.filter(activity__section__plan_id=edition.replaces_id)
    untouched = list(control_points_untouched(removed).values_list("pk", flat=True))
    ControlPoint.objects.filter(pk__in=untouched).delete()
    for point in removed.exclude(pk__in=untouched).filter(needs_decision=False):
        point.needs_decision = True
        point.save(update_fields=["needs_decision", "updated_at"])


@transaction.atomic
def plan_new_edition(*, plan: Plan, years: int = 0) -> Plan:
    """Copy the plan with everything in it as a draft «в новой редакции», linked to the old one.

    With `years`, the copy's period and the explicit years of its deadlines move forward, in the
    same transaction: an edition that copied last year's dates made points overdue at signing."""
    source = Plan.objects.select_for_update().get(pk=plan.pk)
    if hasattr(source, "replaced_by"):
        raise ValidationError(
            f"У плана уже есть новая редакция: «{source.replaced_by.title}». Редактируйте её.", code="exists"
        )
    copy_fields = [
        f.name
        for f in Plan._meta.concrete_fields
        if f.name not in ("id", "status", "approved_by", "replaces", "version", "import_token")
    ]
    edition = Plan.objects.create(
        **{name: getattr(source, name) for name in copy_fields},
        status=Plan.Status.DRAFT,
        replaces=source,
    )
    if years:
        edition.period_start = shift_date(source.period_start, years)
        edition.period_end = shift_date(source.period_end, years)
        edition.save(update_fields=["period_start", "period_end"])
    edition.schools.set(source.schools.all())
    for model in (PlanRisk, PlanOutcome, PlanTeamMember):
        for row in model.objects.filter(plan=source):
            row.pk = None
            row.plan = edition
            row.save()
    clusters = {}
    for cluster in source.clusters.all():
        old_pk = cluster.pk
        members = list(ClusterMembership.objects.filter(cluster_id=old_pk))
        cluster.pk = None
        cluster.plan = edition
        cluster.save()
        clusters[old_pk] = cluster
        for member in members:
            ClusterMembership.objects.create(cluster=cluster, school_id=member.school_id, reason=member.reason)
    sections = {}
    for section in source.sections.order_by("position"):
        old_pk = section.pk
        activities = list(
            section.activities.prefetch_related("executor_set", "clusters", "schools").order_by("position")
        )
        section.pk = None
        section.plan = edition
        section.parent = sections.get(section.parent_id)
        section.cluster = clusters.get(section.cluster_id)
        section.save()
        sections[old_pk] = section
        for activity in activities:
            executors = list(activity.executor_set.all())
            activity_clusters = [clusters[c.pk] for c in activity.clusters.all() if c.pk in clusters]
            activity_schools = list(activity.schools.all())
            activity.pk = None
            activity.section = section
            activity.version = 1
            if years:
                activity.deadline_text = shift_years_in_text(activity.deadline_text, years)
                activity.manual_windows = shift_manual_windows(activity.manual_windows, years)
            activity.save()
            activity.clusters.set(activity_clusters)
            activity.schools.set(activity_schools)
            for executor in executors:
                executor.pk = None
                executor.activity = activity
                executor.save()
    # The new edition goes on measuring the same indicators: their values so far come along, so
    # the chair does not lose the baseline when the plan is reworded.
    for indicator in source.indicators.prefetch_related("values").order_by("position"):
        values = list(indicator.values.all())
        indicator.pk = None
        indicator.plan = edition
        indicator.version = 1
        indicator.save()
        for value in values:
            value.pk = None
            value.indicator = indicator
            value.version = 1
            value.save()
    return edition


def cluster_choices(plan: Plan):
    return Cluster.objects.filter(plan=plan).order_by("number")


# --- Working groups: the coordinator keeps the group and its members in order (positions 1..N) ---


WORKING_GROUP_FIELDS = ("title", "plan")
WORKING_GROUP_MEMBER_FIELDS = ("person", "post", "role_in_group")


def _lock_group(group_id) -> WorkingGroup:
    # Two coordinators' tabs adding or moving members at once would both read the same positions:
    # the group's row is locked so that positions are computed one change at a time.
    return WorkingGroup.objects.select_for_update().get(pk=group_id)


def _renumber_members(group_id):
    for position, member in enumerate(WorkingGroupMember.objects.filter(group_id=group_id).order_by("position", "pk"), start=1):
        if member.position != position:
            member.position = position
            member.save(update_fields=["position"])


@transaction.atomic
def working_group_save(*, municipality, group: WorkingGroup | None = None, data: dict) -> WorkingGroup:
    if group is None:
        group = WorkingGroup(municipality=municipality)
    for name in WORKING_GROUP_FIELDS:
        if name in data:
            setattr(group, name, data[name])
    if group.plan_id and group.plan.municipality_id != group.municipality_id:
        raise ValidationError("План другого муниципалитета выбрать нельзя.", code="foreign_plan")
    group.full_clean()
    group.save()
    return group


@transaction.atomic
def working_group_delete(*, group: WorkingGroup):
    group = _lock_group(group.pk)
    if group.members.exists():
        raise ValidationError("В группе есть члены: сначала исключите их из состава, затем удалите группу.", code="not_empty")
    group.delete()


@transaction.atomic
def working_group_member_add(*, group: WorkingGroup, data: dict) -> WorkingGroupMember:
    group = _lock_group(group.pk)
    if data["person"].municipality_id != group.municipality_id:
        raise ValidationError("Человек из другого муниципалитета не может входить в рабочую группу.", code="foreign_person")
    position = (group.members.aggregate(m=Max("position"))["m"] or 0) + 1
    member = WorkingGroupMember(group=group, position=position)
    for name in WORKING_GROUP_MEMBER_FIELDS:
        setattr(member, name, data.get(name, ""))
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def working_group_member_update(*, member: WorkingGroupMember, data: dict) -> WorkingGroupMember:
    _lock_group(member.group_id)
    if data["person"].municipality_id != member.group.municipality_id:
        raise ValidationError("Человек из другого муниципалитета не может входить в рабочую группу.", code="foreign_person")
    for name in WORKING_GROUP_MEMBER_FIELDS:
        if name in data:
            setattr(member, name, data[name])
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def working_group_member_remove(*, member: WorkingGroupMember):
    _lock_group(member.group_id)
    member.delete()
    _renumber_members(member.group_id)


@transaction.atomic
def working_group_member_move(*, member: WorkingGroupMember, direction: int) -> WorkingGroupMember:
    """Swap the member with the neighbour above (-1) or below (+1); positions stay 1..N."""
    _lock_group(member.group_id)
    _renumber_members(member.group_id)
    members = list(WorkingGroupMember.objects.filter(group_id=member.group_id).order_by("position"))
    index = next(i for i, m in enumerate(members) if m.pk == member.pk)
    other = index + (-1 if direction < 0 else 1)
    if not 0 <= other < len(members):
        return members[index]
    current, neighbour = members[index], members[other]
    current.position, neighbour.position = neighbour.position, current.position
    current.save(update_fields=["position"])
    neighbour.save(update_fields=["position"])
    return current
