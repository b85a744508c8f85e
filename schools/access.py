"""Who may see what: every view starts here.

Each `visible_*` returns the queryset a user may read, scoped by role and municipality;
`get_*_for_user` fetch one object through it, so "does not exist" and "not yours" are the
same 404 (as Django's admin reads `get_object` through `get_queryset`).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Role
from clusters.models import Cluster
from monitoring.models import ControlPoint
from reports.models import Order
from roadmaps.models import Activity, Plan, PlanSection

from .models import Municipality, School

MUNICIPALITY_WIDE_ROLES = (Role.COORDINATOR, Role.CHAIR)


def _is_anonymous(user):
    return not user.is_authenticated or not user.is_active


def visible_municipalities(user) -> QuerySet[Municipality]:
    qs = Municipality.objects.all()
    if _is_anonymous(user):
        return qs.none()
    if user.is_superuser:
        return qs
    if user.role == Role.REGION:
        return qs.filter(region_id=user.region_id) if user.region_id else qs.none()
    if user.role and user.municipality_id:
        return qs.filter(pk=user.municipality_id)
    return qs.none()


def _active_assignment_q(today, prefix=""):
    return (Q(**{f"{prefix}start_date__isnull": True}) | Q(**{f"{prefix}start_date__lte": today})) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": today})
    )


def curator_school_ids(user, today=None):
    """Schools a curator looks after today; empty when the account has no person."""
    if not user.person_id:
        return School.objects.none().values("pk")
    today = today or timezone.localdate()
    return (
        School.objects.filter(municipality_id=user.municipality_id, curator_assignments__curator_id=user.person_id)
        .filter(_active_assignment_q(today, "curator_assignments__"))
        .values("pk")
    )


def visible_schools(user) -> QuerySet[School]:
    qs = School.objects.all()
    if _is_anonymous(user):
        return qs.none()
    if user.is_superuser:
        return qs
    if user.role in MUNICIPALITY_WIDE_ROLES or user.role == Role.REGION:
        return qs.filter(municipality__in=visible_municipalities(user))
    if user.role == Role.CURATOR:
        return qs.filter(pk__in=curator_school_ids(user))
    if user.role == Role.DIRECTOR and user.school_id:
        return qs.filter(pk=user.school_id, municipality_id=user.municipality_id)
    return qs.none()


def visible_plans(user) -> QuerySet[Plan]:
    """Plans are the municipality's public documents: every role of it may read them."""
    return Plan.objects.filter(municipality__in=visible_municipalities(user))


def visible_orders(user) -> QuerySet[Order]:
    return Order.objects.filter(municipality__in=visible_municipalities(user))


def visible_control_points(user) -> QuerySet[ControlPoint]:
    qs = ControlPoint.objects.all()
    if _is_anonymous(user):
        return qs.none()
    if user.is_superuser:
        return qs
    if user.role in MUNICIPALITY_WIDE_ROLES or user.role == Role.REGION:
        return qs.filter(municipality__in=visible_municipalities(user))
    if user.role in (Role.CURATOR, Role.DIRECTOR):
        return qs.filter(municipality_id=user.municipality_id, school__in=visible_schools(user))
    return qs.none()


def can_manage(user, municipality_id) -> bool:
    """Whether the user keeps the municipality's reference data and plans (the coordinator's job)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.role == Role.COORDINATOR and user.municipality_id == municipality_id


def managed_municipality(user) -> Municipality:
    """The municipality a new record of this user goes to; refuses users who keep none."""
    if not user.municipality_id or not can_manage(user, user.municipality_id):
        raise PermissionDenied("Добавлять и изменять данные может только муниципальный координатор.")
    return user.municipality


def require_manage(user, municipality_id):
    if not can_manage(user, municipality_id):
        raise PermissionDenied("Добавлять и изменять данные может только муниципальный координатор.")


def get_school_for_user(user, pk, write=False) -> School:
    school = get_object_or_404(visible_schools(user).select_related("municipality", "director", "branch_of"), pk=pk)
    if write:
        require_manage(user, school.municipality_id)
    return school


def get_plan_for_user(user, pk, write=False) -> Plan:
    plan = get_object_or_404(
        visible_plans(user).select_related("municipality", "approved_by", "replaces", "replaced_by", "part_of"), pk=pk
    )
    if write:
        require_manage(user, plan.municipality_id)
    return plan


def visible_clusters(user) -> QuerySet[Cluster]:
    return Cluster.objects.filter(plan__in=visible_plans(user))


def get_cluster_for_user(user, pk, write=False) -> Cluster:
    cluster = get_object_or_404(visible_clusters(user).select_related("plan", "plan__municipality"), pk=pk)
    if write:
        require_manage(user, cluster.plan.municipality_id)
    return cluster


def get_section_for_user(user, pk, write=False) -> PlanSection:
    section = get_object_or_404(
        PlanSection.objects.filter(plan__in=visible_plans(user)).select_related("plan", "plan__municipality", "cluster"),
        pk=pk,
    )
    if write:
        require_manage(user, section.plan.municipality_id)
    return section


def get_activity_for_user(user, pk, write=False) -> Activity:
    activity = get_object_or_404(
        Activity.objects.filter(section__plan__in=visible_plans(user)).select_related(
            "section", "section__plan", "section__plan__municipality", "section__cluster"
        ),
        pk=pk,
    )
    if write:
        require_manage(user, activity.section.plan.municipality_id)
    return activity
