"""In-app notifications (the bell) and who they go to: the people around one control point."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import Role, User
from monitoring.models import ControlPoint, Notification
from schools.access import current_assignment_q


def _active(qs):
    return qs.filter(is_active=True)


def school_directors(school_id) -> QuerySet[User]:
    return _active(User.objects.filter(role=Role.DIRECTOR, school_id=school_id))


def school_curators(school_id, municipality_id, today=None) -> QuerySet[User]:
    """Accounts of the curators assigned to the school today."""
    today = today or timezone.localdate()
    # One filter() call: both conditions must hold for the same assignment row.
    return _active(
        User.objects.filter(
            Q(person__curator_assignments__school_id=school_id)
            & current_assignment_q(today, "person__curator_assignments__"),
            role=Role.CURATOR,
            municipality_id=municipality_id,
        )
    ).distinct()


def coordinators(municipality_id) -> QuerySet[User]:
    return _active(User.objects.filter(role=Role.COORDINATOR, municipality_id=municipality_id))


def region_viewers(municipality_id) -> QuerySet[User]:
    """The region viewers of the municipality's region: they carry out the region body's points."""
    return _active(User.objects.filter(role=Role.REGION, region__municipalities=municipality_id))


def reporters(control_point: ControlPoint) -> list[User]:
    """Who reports the point: the school's director, the region's viewers for a regional point, or
    the coordinators for a municipal point."""
    if control_point.school_id:
        return list(school_directors(control_point.school_id))
    if control_point.regional:
        return list(region_viewers(control_point.municipality_id))
    return list(coordinators(control_point.municipality_id))


def reviewers(control_point: ControlPoint) -> list[User]:
    """Who checks the report: the school's curators; the coordinators when there is no curator."""
    if control_point.school_id:
        curators = list(school_curators(control_point.school_id, control_point.municipality_id))
        if curators:
            return curators
    return list(coordinators(control_point.municipality_id))


def notify(*, users, kind: str, control_point: ControlPoint | None, text: str, actor=None, order=None) -> int:
    """One notification per user, never to the one who acted."""
    seen = set()
    rows = []
    for user in users:
        if user.pk in seen or (actor is not None and user.pk == actor.pk):
            continue
        seen.add(user.pk)
        rows.append(Notification(user=user, kind=kind, control_point=control_point, order=order, text=text))
    Notification.objects.bulk_create(rows)
    return len(rows)


def notifications_mark_handled(*, control_point: ControlPoint, kinds) -> int:
    """Notices asking for a step on the point are read, for everyone who got them, once the step is taken.

    A report on review is news to every curator of the school until one of them accepts or returns
    it; a return is news to the director until the report goes back; a due-date request until the
    coordinator decides. Left unread, they would stay «новое» in the bell for work already done.
    """
    return Notification.objects.filter(control_point=control_point, kind__in=kinds, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notifications_mark_read(*, user, ids=None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


def unread_notification_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
