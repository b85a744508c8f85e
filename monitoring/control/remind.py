"""«Напомнить»: the coordinator sends one point's executors a letter now, outside the morning digest.

Who gets it is who the digest would write to about the point's own duty (reminders.py): the
school's director account(s) for a school's point; for a regional point (the region body's own) the
region's viewers of the municipality's region; for a municipal point, the people named as its
municipal executors in the plan who have an account (the digest sends those to the coordinators,
but a coordinator reminding the coordinators is no reminder).

The reminder is recorded in the point's history («Напоминание отправлено: …», by whom, when),
not as a comment: a comment would mark the point as worked on, and a point nobody worked on must
still vanish when the plan changes (services.control_points_untouched). The same history row is
what refuses a second reminder within the hour: the letters are meant to nudge, not to flood.
"""

import datetime
import logging
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from monitoring.models import ControlPoint
from roadmaps.models import ExecutorLevel
from schnor_portal.emails import letter_prepare
from schools.access import can_coordinate_control_point

from .notifications import region_viewers, school_directors
from .reminders import ru_days

log = logging.getLogger(__name__)

REMIND_INTERVAL = datetime.timedelta(hours=1)
REMIND_REASON = "Напоминание отправлено"
# simple-history keeps a change reason in 100 characters.
REASON_LENGTH = 100

NO_REMIND = "Напомнить исполнителям может только муниципальный координатор."
CLOSED = "Точка закрыта (выполнена или отменена): напоминать не о чем."
TOO_SOON = "Напоминание по этой точке уже отправлено {when}. Повторить можно не раньше чем через час после него."
NOBODY = (
    "Напоминание некому отправить: у исполнителей этой точки нет действующих учётных записей с адресом "
    "эл. почты{missing}. Выдайте учётную запись или укажите адрес в разделе «Муниципалитет»."
)


@dataclass
class RemindResult:
    sent_to: list = field(default_factory=list)  # display names
    without_email: list = field(default_factory=list)


def _email_of(user: User) -> str:
    return user.email or (user.person.email if user.person_id and user.person else "")


def control_point_remind_recipients(control_point: ControlPoint) -> list[User]:
    """Active accounts that carry out the point: see the module docstring."""
    if control_point.school_id:
        return list(school_directors(control_point.school_id).select_related("person").order_by("pk"))
    if control_point.regional:
        return list(region_viewers(control_point.municipality_id).select_related("person").order_by("pk"))
    people = control_point.activity.executor_set.exclude(level=ExecutorLevel.SCHOOL).filter(person__isnull=False)
    return list(
        User.objects.filter(
            is_active=True, municipality_id=control_point.municipality_id, person_id__in=people.values("person_id")
        )
        .select_related("person")
        .order_by("pk")
    )


def _reason(names: list[str]) -> str:
    reason = f"{REMIND_REASON}: {', '.join(names)}"
    if len(reason) <= REASON_LENGTH:
        return reason
    return reason[: REASON_LENGTH - 1].rsplit(",", 1)[0] + "…"


def _letter(cp: ControlPoint, *, recipient: User, email: str, actor: User, today: datetime.date) -> EmailMessage:
    activity = cp.activity
    plan = activity.section.plan
    if cp.due_date < today:
        term = f"просрочено на {ru_days((today - cp.due_date).days)}"
    elif cp.due_date == today:
        term = "срок сегодня"
    else:
        term = f"осталось {ru_days((cp.due_date - today).days)}"
    where = cp.executor_level_label
    url = settings.PORTAL_BASE_URL + reverse("monitoring:control_point_detail", args=[cp.pk])
    body = "\n".join(
        [
            f"Здравствуйте, {recipient.display_name}!",
            "",
            f"Муниципальный координатор {actor.display_name} напоминает о контрольной точке плана "
            f"«{plan.title}»:",
            "",
            f"{activity.number} {activity.content}".strip(),
            f"Исполнитель: {where}",
            f"Срок: {cp.due_date:%d.%m.%Y} ({term})",
            f"Статус: {cp.get_status_display()}",
            "",
            f"Открыть точку на портале: {url}",
            "",
            "Письмо отправлено порталом ШНОР автоматически; отвечать на него не нужно.",
        ]
    )
    subject = f"Портал ШНОР: напоминание о контрольной точке {activity.number}, срок {cp.due_date:%d.%m.%Y}"
    return EmailMessage(subject=subject, body=body, to=[email])


def _deliver(messages: list[EmailMessage], point_pk: int):
    """After the commit: each letter on its own, so one refused address does not stop the others."""
    for message in messages:
        try:
            letter_prepare(message).finish()
        except Exception:
            log.exception("Напоминание по точке %s на %s не отправлено", point_pk, ", ".join(message.to))


@transaction.atomic
def control_point_remind(*, control_point: ControlPoint, user, now: datetime.datetime | None = None) -> RemindResult:
    """Record and send one reminder about the point to its executors; the letters go on commit."""
    if not can_coordinate_control_point(user, control_point):
        raise PermissionDenied(NO_REMIND)
    now = now or timezone.now()
    # The row lock serialises two clicks (or two coordinators) on the same point: the second
    # waits, then finds the first one's history row and is refused.
    cp = (
        ControlPoint.objects.select_for_update(of=("self",))
        .select_related("activity", "activity__section__plan", "school", "municipality")
        .get(pk=control_point.pk)
    )
    if cp.status in ControlPoint.CLOSED_STATUSES:
        raise ValidationError(CLOSED, code="closed")
    last = (
        cp.history.filter(history_change_reason__startswith=REMIND_REASON, history_date__gt=now - REMIND_INTERVAL)
        .order_by("-history_date")
        .values_list("history_date", flat=True)
        .first()
    )
    local = zoneinfo.ZoneInfo(cp.municipality.time_zone)
    if last is not None:
        raise ValidationError(TOO_SOON.format(when=f"в {last.astimezone(local):%H:%M}"), code="too_soon")

    result = RemindResult()
    addressed = []
    for recipient in control_point_remind_recipients(cp):
        if recipient.pk == user.pk:
            continue
        email = _email_of(recipient)
        (result.sent_to if email else result.without_email).append(recipient.display_name)
        if email:
            addressed.append((recipient, email))
    if not addressed:
        missing = f" (нет адреса: {', '.join(result.without_email)})" if result.without_email else ""
        raise ValidationError(NOBODY.format(missing=missing), code="nobody")

    today = now.astimezone(local).date()
    messages = [_letter(cp, recipient=r, email=e, actor=user, today=today) for r, e in addressed]
    # The history row without saving the point: its fields, version and `updated_at` stay as they
    # are, so nobody's open report form turns into a version conflict.
    ControlPoint.history.bulk_history_create(
        [cp], update=True, default_user=user, default_change_reason=_reason(result.sent_to), default_date=now
    )
    transaction.on_commit(lambda: _deliver(messages, cp.pk))
    return result
