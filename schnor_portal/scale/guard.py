"""Tell the seed's rows from real ones, and remove a previous seed.

The seed is everything under the region `SEED_REGION_NAME`: its municipalities and all that
hangs off them, the accounts of those municipalities and the region's viewer. Real data is
anything else except superusers (a bench database may well have an admin).

Removal is plain DELETE statements, children first, each model's history rows with it: the ORM
would load a million control points to delete them and write a «-» history record for each.
A row the list below does not know (a model added later) makes the transaction fail on its
foreign key instead of being left pointing at nothing.
"""

from django.contrib.admin.models import LogEntry
from django.db import connection, transaction
from django.db.models import CASCADE, SET_NULL, Q
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import get_history_model_for_model

from accounts.models import Person, PersonRole, User
from clusters.models import Cluster, ClusterMembership
from monitoring.models import (
    ControlPoint,
    ControlPointComment,
    DigestLog,
    DueDateChangeRequest,
    Evidence,
    ExamResult,
    IndicatorValue,
    MonitoringVisit,
    Notification,
    PlanIndicator,
    ReferenceResult,
    ReminderSettings,
    VisitFile,
)
from reports.models import Order, OrderAppendix, OrderPoint, ReportFile
from roadmaps.models import (
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
from schools.models import (
    CuratorAssignment,
    Municipality,
    Region,
    School,
    SchoolList,
    SchoolListEntry,
    SchoolYearData,
    SocialPassport,
)

from .region import SEED_REGION_NAME


def seed_present() -> bool:
    return Region.objects.filter(name=SEED_REGION_NAME).exists()


def seed_users():
    return User.objects.filter(Q(municipality__region__name=SEED_REGION_NAME) | Q(region__name=SEED_REGION_NAME))


def real_data_summary() -> list[str]:
    """What in the database is not the seed's, in words; empty when there is nothing."""
    found = []
    municipalities = Municipality.objects.exclude(region__name=SEED_REGION_NAME)
    if municipalities.exists():
        names = ", ".join(municipalities.order_by("name").values_list("name", flat=True)[:3])
        found.append(f"муниципалитеты ({municipalities.count()}: {names}…)")
    users = User.objects.filter(is_superuser=False).exclude(pk__in=seed_users().values("pk"))
    if users.exists():
        found.append(f"учётные записи ({users.count()})")
    return found


def _history_of(model):
    try:
        return get_history_model_for_model(model)
    except NotHistoricalModelError:
        return None


def _detach(model, ids_sql, params, handled, cursor):
    """Rows of models this module does not list that point at rows about to go: SET_NULL ones let
    go (a login log outlives the account), CASCADE ones go too; PROTECT ones stop the flush."""
    quote = connection.ops.quote_name
    # include_hidden: relations named «+» (the login log's) are hidden from related_objects.
    relations = [f for f in model._meta.get_fields(include_hidden=True) if f.auto_created and not f.concrete and f.is_relation]
    for relation in relations:
        related = relation.related_model
        # Historical models (instance_type) keep plain ids without a constraint.
        if related in handled or relation.many_to_many or getattr(related, "instance_type", None) is not None:
            continue
        column = quote(relation.field.column)
        table = quote(related._meta.db_table)
        if relation.on_delete is SET_NULL:
            cursor.execute(f"UPDATE {table} SET {column} = NULL WHERE {column} IN ({ids_sql})", params)
        elif relation.on_delete is CASCADE:
            history = _history_of(related)
            if history is not None:
                cursor.execute(
                    f"DELETE FROM {quote(history._meta.db_table)} WHERE {quote('id')} IN "
                    f"(SELECT {quote(related._meta.pk.column)} FROM {table} WHERE {column} IN ({ids_sql}))",
                    params,
                )
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({ids_sql})", params)


def _delete(queryset, handled, *, history_filter=None) -> int:
    """DELETE the queryset's rows and their history rows, without loading either."""
    model = queryset.model
    ids_sql, params = queryset.values("pk").query.sql_with_params()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        history = _history_of(model)
        if history is not None:
            if history_filter is not None:
                history_sql, history_params = history.objects.filter(**history_filter).values("pk").query.sql_with_params()
                cursor.execute(
                    f"DELETE FROM {quote(history._meta.db_table)} WHERE {quote('history_id')} IN ({history_sql})",
                    history_params,
                )
            else:
                cursor.execute(f"DELETE FROM {quote(history._meta.db_table)} WHERE {quote('id')} IN ({ids_sql})", params)
        _detach(model, ids_sql, params, handled, cursor)
        cursor.execute(f"DELETE FROM {quote(model._meta.db_table)} WHERE {quote(model._meta.pk.column)} IN ({ids_sql})", params)
        return cursor.rowcount


def seed_flush(progress_factory=None) -> int:
    """Remove every row of the seed; returns how many control points went.

    `progress_factory(total)` gives an object whose `step()` is called after each table.
    """
    if not seed_present():
        return 0
    region = Region.objects.get(name=SEED_REGION_NAME)
    municipalities = Municipality.objects.filter(region=region)
    m_ids = list(municipalities.values_list("pk", flat=True))
    users = User.objects.filter(Q(municipality_id__in=m_ids) | Q(region=region))
    user_ids = list(users.values_list("pk", flat=True))
    in_m = {"municipality_id__in": m_ids}
    steps = [
        Notification.objects.filter(Q(control_point__municipality_id__in=m_ids) | Q(user_id__in=user_ids)),
        DigestLog.objects.filter(user_id__in=user_ids),
        ReportFile.objects.filter(
            Q(owner_id__in=user_ids) | Q(school__municipality_id__in=m_ids) | Q(plan__municipality_id__in=m_ids)
        ),
        Evidence.objects.filter(control_point__municipality_id__in=m_ids),
        ControlPointComment.objects.filter(control_point__municipality_id__in=m_ids),
        DueDateChangeRequest.objects.filter(control_point__municipality_id__in=m_ids),
        ControlPoint.objects.filter(**in_m),
        VisitFile.objects.filter(visit__school__municipality_id__in=m_ids),
        MonitoringVisit.objects.filter(school__municipality_id__in=m_ids),
        IndicatorValue.objects.filter(indicator__plan__municipality_id__in=m_ids),
        PlanIndicator.objects.filter(plan__municipality_id__in=m_ids),
        ExamResult.objects.filter(school__municipality_id__in=m_ids),
        ReferenceResult.objects.filter(Q(region=region) | Q(municipality_id__in=m_ids)),
        OrderPoint.objects.filter(order__municipality_id__in=m_ids),
        OrderAppendix.objects.filter(order__municipality_id__in=m_ids),
        Order.voids.through.objects.filter(from_order__municipality_id__in=m_ids),
        Order.objects.filter(**in_m),
        ActivityExecutor.objects.filter(activity__section__plan__municipality_id__in=m_ids),
        Activity.clusters.through.objects.filter(activity__section__plan__municipality_id__in=m_ids),
        Activity.schools.through.objects.filter(activity__section__plan__municipality_id__in=m_ids),
        Activity.objects.filter(section__plan__municipality_id__in=m_ids),
        PlanSection.objects.filter(plan__municipality_id__in=m_ids),
        ClusterMembership.objects.filter(cluster__plan__municipality_id__in=m_ids),
        Cluster.objects.filter(plan__municipality_id__in=m_ids),
        WorkingGroupMember.objects.filter(group__municipality_id__in=m_ids),
        WorkingGroup.objects.filter(**in_m),
        PlanRisk.objects.filter(plan__municipality_id__in=m_ids),
        PlanOutcome.objects.filter(plan__municipality_id__in=m_ids),
        PlanTeamMember.objects.filter(plan__municipality_id__in=m_ids),
        Plan.schools.through.objects.filter(plan__municipality_id__in=m_ids),
        Plan.objects.filter(**in_m),
        SchoolListEntry.objects.filter(school_list__municipality_id__in=m_ids),
        SchoolList.objects.filter(**in_m),
        CuratorAssignment.objects.filter(school__municipality_id__in=m_ids),
        SchoolYearData.objects.filter(school__municipality_id__in=m_ids),
        SocialPassport.objects.filter(school__municipality_id__in=m_ids),
        LogEntry.objects.filter(user_id__in=user_ids),
        User.groups.through.objects.filter(user_id__in=user_ids),
        User.user_permissions.through.objects.filter(user_id__in=user_ids),
        User.objects.filter(pk__in=user_ids),
        ReminderSettings.objects.filter(**in_m),
        PersonRole.objects.filter(person__municipality_id__in=m_ids),
        Person.objects.filter(**in_m),
        School.objects.filter(**in_m),
        Municipality.objects.filter(pk__in=m_ids),
        Region.objects.filter(pk=region.pk),
    ]
    removed_points = ControlPoint.objects.filter(**in_m).count()
    handled = {queryset.model for queryset in steps}
    progress = progress_factory(len(steps)) if progress_factory else None
    with transaction.atomic():
        for queryset in steps:
            # A point's history carries its municipality: no need to go through the million live ids.
            _delete(queryset, handled, history_filter=in_m if queryset.model is ControlPoint else None)
            if progress is not None:
                progress.step()
    return removed_points
