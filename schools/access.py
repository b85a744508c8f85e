"""Who may see what: every view starts here.

Each `visible_*` returns the queryset a user may read, scoped by role and municipality;
`get_*_for_user` fetch one object through it, so "does not exist" and "not yours" are the
same 404 (as Django's admin reads `get_object` through `get_queryset`).
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import REGION_ROLES, Person, Role, User
from clusters.models import Cluster
from monitoring.models import ControlPoint, Evidence, MonitoringVisit, VisitFile
from reports.models import Order, OrderAppendix, OrderPoint, ReportFile
from roadmaps.models import Activity, Plan, PlanSection, WorkingGroup, WorkingGroupMember

from .models import CuratorAssignment, Municipality, School

MUNICIPALITY_WIDE_ROLES = (Role.COORDINATOR, Role.CHAIR)


def _is_anonymous(user):
    return not user.is_authenticated or not user.is_active


def visible_municipalities(user) -> QuerySet[Municipality]:
    qs = Municipality.objects.all()
    if _is_anonymous(user):
        return qs.none()
    if user.is_superuser:
        return qs
    if user.role in REGION_ROLES:
        return qs.filter(region_id=user.region_id) if user.region_id else qs.none()
    if user.role and user.municipality_id:
        return qs.filter(pk=user.municipality_id)
    return qs.none()


def current_assignment_q(today, prefix=""):
    """A curator assignment in force on `today`; `prefix` reaches it through a relation."""
    return (Q(**{f"{prefix}start_date__isnull": True}) | Q(**{f"{prefix}start_date__lte": today})) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": today})
    )


def curator_school_ids(user, today=None):
    """Schools a curator looks after today; empty when the account has no person.

    One filter over the assignments: the person and the dates must hold for the same
    assignment, not for any two assignments of the school.
    """
    if not user.person_id:
        return School.objects.none().values("pk")
    today = today or timezone.localdate()
    own_current = CuratorAssignment.objects.filter(
        current_assignment_q(today), curator_id=user.person_id, school__municipality_id=user.municipality_id
    )
    return School.objects.filter(pk__in=own_current.values("school_id")).values("pk")


def visible_schools(user) -> QuerySet[School]:
    qs = School.objects.all()
    if _is_anonymous(user):
        return qs.none()
    if user.is_superuser:
        return qs
    if user.role in MUNICIPALITY_WIDE_ROLES or user.role in REGION_ROLES:
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
    """Signed orders are the municipality's public documents; a draft is the coordinator's and the
    chair's until the chair signs it (a director or the region must not read a text still changing)."""
    orders = Order.objects.filter(municipality__in=visible_municipalities(user))
    if _is_anonymous(user) or user.is_superuser or user.role in MUNICIPALITY_WIDE_ROLES:
        return orders
    return orders.exclude(status=Order.Status.DRAFT)


def control_point_scope(user, prefix="") -> Q:
    """The control points a user may read, as a condition reached through `prefix` («control_point__»).

    Records of points (requests, evidence) filter through it with a join on their own point,
    where `control_point__in=visible_control_points(user)` would have PostgreSQL hash the
    municipality's 30,000 points to keep ten requests.
    """
    if _is_anonymous(user):
        return Q(**{f"{prefix}pk__in": []})
    if user.is_superuser:
        return Q()
    if user.role in MUNICIPALITY_WIDE_ROLES or user.role in REGION_ROLES:
        return Q(**{f"{prefix}municipality__in": visible_municipalities(user)})
    if user.role in (Role.CURATOR, Role.DIRECTOR):
        return Q(**{f"{prefix}municipality_id": user.municipality_id, f"{prefix}school__in": visible_schools(user)})
    return Q(**{f"{prefix}pk__in": []})


def visible_control_points(user) -> QuerySet[ControlPoint]:
    return ControlPoint.objects.filter(control_point_scope(user))


def sees_whole_municipality(user) -> bool:
    """Whether the user may read municipality-wide figures (overview, «Работает ли план»).

    A curator or a director sees only some schools, and a total over some schools would pass
    for the municipality's, so they are kept out rather than shown a partial sum.
    """
    if _is_anonymous(user):
        return False
    return user.is_superuser or user.role in MUNICIPALITY_WIDE_ROLES or user.role in REGION_ROLES


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


def own_school(user) -> School:
    """A director's own school, where `visible_schools` lets a director see it (404 otherwise).

    No query: the account comes with its school (accounts.backends.PortalBackend), and «Моя
    школа», the busy hour's most visited page, needs only its name.
    """
    school = user.school if user.role == Role.DIRECTOR and user.school_id and not _is_anonymous(user) else None
    if school is None or school.municipality_id != user.municipality_id:
        raise Http404("Школа не найдена")
    return school


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


# --- Execution (monitoring): who may act on a control point, its evidence, visits -----------------
# Appended for the execution tracking; the workflow (monitoring/control/workflow.py) asks these before
# every change, views ask them for their buttons. Reading stays with `visible_control_points`.


def _acts_in(user, municipality_id) -> bool:
    return user.is_authenticated and user.is_active and user.municipality_id == municipality_id


def reports_for_region(user, control_point) -> bool:
    """A region account of the point's municipality's region, on one of the region body's own points."""
    if _is_anonymous(user) or user.role not in REGION_ROLES or not user.region_id:
        return False
    if not control_point.regional or control_point.school_id is not None:
        return False
    # The point's municipality is loaded with it on every page that asks (get_control_point_for_user).
    return control_point.municipality.region_id == user.region_id


def can_report_control_point(user, control_point) -> bool:
    """The director reports their own school's points; the region's accounts the region body's points
    (ИРО in a 3-level plan); the coordinator any point of the municipality."""
    if can_manage(user, control_point.municipality_id):
        return True
    if user.is_authenticated and user.role in REGION_ROLES:
        return reports_for_region(user, control_point)
    return (
        _acts_in(user, control_point.municipality_id)
        and user.role == Role.DIRECTOR
        and control_point.school_id is not None
        and user.school_id == control_point.school_id
    )


def can_review_control_point(user, control_point) -> bool:
    """The curator of the point's school today accepts or returns its report; so may the coordinator."""
    if can_manage(user, control_point.municipality_id):
        return True
    return (
        _acts_in(user, control_point.municipality_id)
        and user.role == Role.CURATOR
        and control_point.school_id is not None
        and curator_school_ids(user).filter(pk=control_point.school_id).exists()
    )


def can_coordinate_control_point(user, control_point) -> bool:
    """Cancel, keep after a plan change, move the due date: the municipality's coordinator only."""
    return can_manage(user, control_point.municipality_id)


@dataclass(frozen=True)
class ControlPointRights:
    report: bool = False
    review: bool = False
    coordinate: bool = False

    @property
    def comment(self) -> bool:
        return self.report or self.review

    @property
    def any(self) -> bool:
        return self.report or self.review or self.coordinate


def control_point_rights(user, control_point) -> ControlPointRights:
    return ControlPointRights(
        report=can_report_control_point(user, control_point),
        review=can_review_control_point(user, control_point),
        coordinate=can_coordinate_control_point(user, control_point),
    )


def get_control_point_for_user(user, pk, write=False) -> ControlPoint:
    """A visible control point (404 otherwise); with write=True, 403 unless the user may act on it at all."""
    control_point = get_object_or_404(
        visible_control_points(user).select_related(
            "activity", "activity__section", "activity__section__plan", "municipality", "school", "accepted_by"
        ),
        pk=pk,
    )
    if write and not control_point_rights(user, control_point).any:
        raise PermissionDenied("Эту контрольную точку вы можете только просматривать.")
    return control_point


def get_evidence_for_user(user, pk, write=False) -> Evidence:
    """Evidence of a visible control point; write (removal) is for those who report the point."""
    evidence = get_object_or_404(
        Evidence.objects.filter(control_point_scope(user, "control_point__")).select_related("control_point"), pk=pk
    )
    if write and not can_report_control_point(user, evidence.control_point):
        raise PermissionDenied("Удалять подтверждающие документы может только тот, кто отчитывается по точке.")
    return evidence


def visible_visits(user) -> QuerySet[MonitoringVisit]:
    """Visits to the schools the user sees: the school's director reads the findings about it too."""
    return MonitoringVisit.objects.filter(school__in=visible_schools(user))


def can_record_visit(user, school) -> bool:
    """The curator of the school today or the coordinator records and edits its visits."""
    if can_manage(user, school.municipality_id):
        return True
    return (
        _acts_in(user, school.municipality_id)
        and user.role == Role.CURATOR
        and curator_school_ids(user).filter(pk=school.pk).exists()
    )


def get_visit_for_user(user, pk, write=False) -> MonitoringVisit:
    visit = get_object_or_404(
        visible_visits(user).select_related("school", "school__municipality", "visitor", "created_by"), pk=pk
    )
    if write and not can_record_visit(user, visit.school):
        raise PermissionDenied("Изменять визит может куратор школы или муниципальный координатор.")
    return visit


def get_visit_file_for_user(user, pk) -> VisitFile:
    return get_object_or_404(VisitFile.objects.filter(visit__in=visible_visits(user)).select_related("visit"), pk=pk)


# --- Orders (reports): who prepares, signs, reports on and accepts an order's points ----------------
# Appended for the order editor. Reading stays with `visible_orders`; the coordinator prepares,
# only the chair of the municipality signs; a signed order is refused by the services themselves.


SIGN_REFUSED = "Подписывает документы только председатель (начальник) органа управления образованием."


def can_sign_orders(user, municipality_id) -> bool:
    return _acts_in(user, municipality_id) and user.role == Role.CHAIR


def require_sign(user, municipality_id):
    if not can_sign_orders(user, municipality_id):
        raise PermissionDenied(SIGN_REFUSED)


def get_order_for_user(user, pk, write=False) -> Order:
    order = get_object_or_404(
        visible_orders(user).select_related("municipality", "replaces", "superseded_by", "signed_by", "signatory"), pk=pk
    )
    if write:
        require_manage(user, order.municipality_id)
    return order


def get_order_point_for_user(user, pk, write=False) -> OrderPoint:
    point = get_object_or_404(
        OrderPoint.objects.filter(order__in=visible_orders(user)).select_related(
            "order", "order__municipality", "responsible", "reported_by", "accepted_by"
        ),
        pk=pk,
    )
    if write:
        require_manage(user, point.order.municipality_id)
    return point


def get_order_appendix_for_user(user, pk, write=False) -> OrderAppendix:
    appendix = get_object_or_404(
        OrderAppendix.objects.filter(order__in=visible_orders(user)).select_related("order", "order__municipality"), pk=pk
    )
    if write:
        require_manage(user, appendix.order.municipality_id)
    return appendix


def can_report_order_point(user, point) -> bool:
    """The responsible person's own account reports on a controlled point; so may the coordinator."""
    municipality_id = point.order.municipality_id
    if can_manage(user, municipality_id):
        return True
    return _acts_in(user, municipality_id) and point.responsible_id is not None and user.person_id == point.responsible_id


def can_accept_order_points(user, municipality_id) -> bool:
    """The chair, who signed, or the coordinator accepts the execution of controlled points."""
    return can_manage(user, municipality_id) or can_sign_orders(user, municipality_id)


def visible_report_files(user) -> QuerySet[ReportFile]:
    """A generated report belongs to whoever asked for it."""
    if _is_anonymous(user):
        return ReportFile.objects.none()
    return ReportFile.objects.filter(owner=user)


def get_report_file_for_user(user, pk) -> ReportFile:
    return get_object_or_404(visible_report_files(user).select_related("school", "plan"), pk=pk)


# --- Setting a municipality up: the region administrator, people and accounts ------------------
# The region administrator connects the municipalities of their region and names each one's first
# coordinator; the coordinator keeps the municipality's requisites, people and accounts. Beyond
# one's region or municipality such a record does not exist (404), as everywhere above.

REGION_ADMIN_REFUSED = "Муниципалитеты региона подключает и изменяет только региональный администратор."


def is_region_admin(user) -> bool:
    return not _is_anonymous(user) and user.role == Role.REGION_ADMIN and bool(user.region_id)


def require_region_admin(user):
    if not is_region_admin(user):
        raise PermissionDenied(REGION_ADMIN_REFUSED)


def administered_municipalities(user) -> QuerySet[Municipality]:
    """Municipalities the user connects and edits: those of the region administrator's region."""
    if not is_region_admin(user):
        return Municipality.objects.none()
    return Municipality.objects.filter(region_id=user.region_id)


def get_municipality_for_region_admin(user, pk) -> Municipality:
    return get_object_or_404(administered_municipalities(user).select_related("region", "head"), pk=pk)


def visible_accounts(user) -> QuerySet[User]:
    """Accounts the user keeps: the coordinator those of the municipality, the region administrator
    those of the region (its municipalities' and its own level's). A superuser's account is kept in
    /admin/ only: nobody below may switch it off."""
    accounts = User.objects.filter(is_superuser=False)
    if _is_anonymous(user):
        return accounts.none()
    if user.is_superuser:
        return accounts
    if is_region_admin(user):
        return accounts.filter(Q(municipality__region_id=user.region_id) | Q(region_id=user.region_id))
    if user.role == Role.COORDINATOR and user.municipality_id:
        return accounts.filter(municipality_id=user.municipality_id)
    return accounts.none()


def get_account_for_user(user, pk) -> User:
    return get_object_or_404(visible_accounts(user).select_related("municipality", "person", "school", "region"), pk=pk)


def visible_people(user) -> QuerySet[Person]:
    """The municipality's people are kept by its coordinator; other roles work with them through the
    plan, orders and schools, not through this list."""
    if _is_anonymous(user):
        return Person.objects.none()
    if user.is_superuser:
        return Person.objects.all()
    if user.role == Role.COORDINATOR and user.municipality_id:
        return Person.objects.filter(municipality_id=user.municipality_id)
    return Person.objects.none()


def get_person_for_user(user, pk) -> Person:
    return get_object_or_404(visible_people(user).select_related("municipality", "school"), pk=pk)


# --- Working groups (roadmaps): the municipality's documents, read like its plans ------------------
# Appended for the working group pages; the coordinator keeps them, every role of the municipality
# (and the region) reads them, as plans.


def visible_working_groups(user) -> QuerySet[WorkingGroup]:
    return WorkingGroup.objects.filter(municipality__in=visible_municipalities(user))


def get_working_group_for_user(user, pk, write=False) -> WorkingGroup:
    group = get_object_or_404(visible_working_groups(user).select_related("municipality", "plan"), pk=pk)
    if write:
        require_manage(user, group.municipality_id)
    return group


def get_working_group_member_for_user(user, pk, write=False) -> WorkingGroupMember:
    member = get_object_or_404(
        WorkingGroupMember.objects.filter(group__in=visible_working_groups(user)).select_related(
            "group", "group__municipality", "person"
        ),
        pk=pk,
    )
    if write:
        require_manage(user, member.group.municipality_id)
    return member
