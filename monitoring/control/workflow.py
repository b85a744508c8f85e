"""Status transitions of a control point: one function per action, each checking who acts and on what.

    запланировано → в работе → на проверке → выполнено
                                    ↓   ↑
                                на доработке
    any status → отменено (coordinator, with a reason)

«Просрочено» is never stored: it is an open point whose date in force has passed
(`ControlPoint.is_overdue`). «Выполнено с нарушением срока» is derived from `completed_at`
against the date in force.

Who may act is decided in schools/access.py: the director reports their own school's points up
to «на проверке»; the region's accounts do the same for the region body's own points (regional);
the school's curator (today) accepts or returns; the coordinator may do all of it in the
municipality, municipal and regional points included, and alone cancels, keeps a point flagged
after a plan change and moves due dates. The chair reads; the region reads the rest.

Every change is checked against the version the user loaded (optimistic lock, as HC's
sendreports claims a row): the row is locked, its version compared, then bumped. A second save
from the same page is refused with `CONFLICT` and the first one stays. Each save writes a history
record with the user and what was done (django-simple-history).
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from monitoring.models import ControlPoint, ControlPointComment, DueDateChangeRequest, Evidence, Notification
from schools.access import can_coordinate_control_point, can_report_control_point, can_review_control_point

from .evidence import CheckedFile, evidence_add
from .notifications import coordinators, notifications_mark_handled, notify, reporters, reviewers

Status = ControlPoint.Status

CONFLICT = (
    "Эту контрольную точку уже изменил другой пользователь, пока вы с ней работали: ваши изменения не сохранены. "
    "Обновите страницу, посмотрите, что изменилось, и повторите."
)
REPORTABLE = (Status.PLANNED, Status.IN_PROGRESS, Status.REWORK)
# The statuses a reporter may choose when saving a report, from each current one.
REPORT_STATUSES = {
    Status.PLANNED: (Status.PLANNED, Status.IN_PROGRESS),
    Status.IN_PROGRESS: (Status.IN_PROGRESS,),
    Status.REWORK: (Status.REWORK,),
}

NO_REPORT = (
    "Отчитываться по этой точке может руководитель её школы (по точке регионального уровня — учётная запись "
    "региона) или муниципальный координатор."
)
NO_REVIEW = "Принимать и возвращать отчёты может куратор школы или муниципальный координатор."
NO_COORDINATE = "Это решение принимает муниципальный координатор."


def _require(allowed: bool, message: str):
    if not allowed:
        raise PermissionDenied(message)


def _lock(control_point: ControlPoint, version) -> ControlPoint:
    """The point's row, locked until the transaction ends, if nobody changed it since `version`."""
    # of=("self",): PostgreSQL cannot lock the nullable side of the join to the school.
    current = (
        ControlPoint.objects.select_for_update(of=("self",))
        .select_related("activity", "school", "municipality")
        .get(pk=control_point.pk)
    )
    try:
        loaded = int(version)
    except (TypeError, ValueError):
        loaded = None
    if loaded != current.version:
        raise ValidationError(CONFLICT, code="conflict")
    return current


def _save(control_point: ControlPoint, user, reason: str):
    control_point.version += 1
    control_point._history_user = user
    control_point._change_reason = reason
    control_point.clean()  # the row's own rules (a cancel has a reason, the window is ordered)
    control_point.save()


def _point_label(cp: ControlPoint) -> str:
    where = cp.executor_level_label
    return f"{cp.activity.number} {cp.activity.content[:80]} ({where}, срок {cp.due_date:%d.%m.%Y})".strip()


def _comment(cp: ControlPoint, user, text: str) -> ControlPointComment:
    comment = ControlPointComment(control_point=cp, author=user, text=text)
    comment._history_user = user
    comment.save()
    return comment


@transaction.atomic
def control_point_report(
    *,
    control_point: ControlPoint,
    user,
    version,
    report_text: str,
    achieved_value: Decimal | None = None,
    status: str | None = None,
    files: list[CheckedFile] = (),
    links: list[str] = (),
) -> ControlPoint:
    """Save what was done: the text, the achieved value (when the activity has a target), evidence.

    A point reported on while «запланировано» moves to «в работе»: work has visibly started.
    """
    _require(can_report_control_point(user, control_point), NO_REPORT)
    cp = _lock(control_point, version)
    if cp.status not in REPORTABLE:
        raise ValidationError(
            f"Отчёт в статусе «{cp.get_status_display()}» изменить нельзя.", code="status"
        )
    new_status = status or cp.status
    if new_status not in REPORT_STATUSES[cp.status]:
        raise ValidationError(
            f"Из статуса «{cp.get_status_display()}» нельзя перейти в «{Status(new_status).label}».", code="transition"
        )
    before = (cp.report_text, cp.achieved_value, cp.status)
    cp.report_text = (report_text or "").strip()
    cp.achieved_value = achieved_value if cp.activity.target_value is not None else None
    if new_status == Status.PLANNED and (cp.report_text or cp.achieved_value is not None or files or links):
        new_status = Status.IN_PROGRESS
    cp.status = new_status
    if before == (cp.report_text, cp.achieved_value, cp.status) and not files and not links:
        return cp  # nothing to save: no new version, no empty history record
    _save(cp, user, "Отчёт сохранён")
    evidence_add(control_point=cp, user=user, files=files, links=links)
    return cp


@transaction.atomic
def control_point_submit(*, control_point: ControlPoint, user, version) -> ControlPoint:
    """Hand the report to the curator («Отправить на проверку»)."""
    _require(can_report_control_point(user, control_point), NO_REPORT)
    cp = _lock(control_point, version)
    if cp.status not in REPORTABLE:
        raise ValidationError(
            f"Отправить на проверку можно только точку в работе или на доработке, а она «{cp.get_status_display()}».",
            code="status",
        )
    if not cp.report_text.strip():
        raise ValidationError("Опишите, что сделано, прежде чем отправлять отчёт на проверку.", code="report_required")
    if cp.activity.target_value is not None and cp.achieved_value is None:
        raise ValidationError(
            f"У мероприятия есть целевое значение ({cp.activity.target_label}): укажите достигнутое значение.",
            code="value_required",
        )
    cp.status = Status.SUBMITTED
    cp.submitted_at = timezone.now()
    _save(cp, user, "Отправлено на проверку")
    notifications_mark_handled(control_point=cp, kinds=[Notification.Kind.RETURNED])
    notify(
        users=reviewers(cp),
        kind=Notification.Kind.SUBMITTED,
        control_point=cp,
        text=f"Отчёт на проверке: {_point_label(cp)}",
        actor=user,
    )
    return cp


@transaction.atomic
def control_point_accept(*, control_point: ControlPoint, user, version, comment: str = "") -> ControlPoint:
    """Accept the report: the point is done.

    `completed_at` is when the school handed in the report that was accepted, not when the
    curator got to it: a school that reported on time is not late because the check was.
    """
    _require(can_review_control_point(user, control_point), NO_REVIEW)
    cp = _lock(control_point, version)
    if cp.status != Status.SUBMITTED:
        raise ValidationError(
            f"Принять можно только отчёт на проверке, а точка «{cp.get_status_display()}».", code="status"
        )
    now = timezone.now()
    cp.status = Status.DONE
    cp.completed_at = cp.submitted_at or now
    cp.accepted_by = user
    cp.accepted_at = now
    _save(cp, user, "Отчёт принят")
    notifications_mark_handled(control_point=cp, kinds=[Notification.Kind.SUBMITTED])
    if comment.strip():
        _comment(cp, user, comment.strip())
    notify(
        users=reporters(cp),
        kind=Notification.Kind.ACCEPTED,
        control_point=cp,
        text=f"Отчёт принят: {_point_label(cp)}",
        actor=user,
    )
    return cp


@transaction.atomic
def control_point_return(*, control_point: ControlPoint, user, version, comment: str) -> ControlPoint:
    """Return the report for rework with a comment the director sees."""
    _require(can_review_control_point(user, control_point), NO_REVIEW)
    if not (comment or "").strip():
        raise ValidationError("Напишите, что нужно доработать: без комментария вернуть отчёт нельзя.", code="comment_required")
    cp = _lock(control_point, version)
    if cp.status != Status.SUBMITTED:
        raise ValidationError(
            f"Вернуть на доработку можно только отчёт на проверке, а точка «{cp.get_status_display()}».", code="status"
        )
    cp.status = Status.REWORK
    _save(cp, user, "Возвращено на доработку")
    notifications_mark_handled(control_point=cp, kinds=[Notification.Kind.SUBMITTED])
    _comment(cp, user, comment.strip())
    notify(
        users=reporters(cp),
        kind=Notification.Kind.RETURNED,
        control_point=cp,
        text=f"Возвращено на доработку: {_point_label(cp)}. Комментарий: {comment.strip()[:200]}",
        actor=user,
    )
    return cp


@transaction.atomic
def control_point_cancel(*, control_point: ControlPoint, user, version, reason: str) -> ControlPoint:
    _require(can_coordinate_control_point(user, control_point), NO_COORDINATE)
    if not (reason or "").strip():
        raise ValidationError("Укажите причину отмены.", code="reason_required")
    cp = _lock(control_point, version)
    if cp.status == Status.CANCELLED:
        raise ValidationError("Точка уже отменена.", code="status")
    cp.status = Status.CANCELLED
    cp.cancel_reason = reason.strip()
    cp.needs_decision = False
    _save(cp, user, "Отменено")
    notifications_mark_handled(control_point=cp, kinds=[Notification.Kind.SUBMITTED, Notification.Kind.RETURNED, Notification.Kind.DUE_DATE_REQUESTED])
    notify(
        users=reporters(cp),
        kind=Notification.Kind.CANCELLED,
        control_point=cp,
        text=f"Контрольная точка отменена: {_point_label(cp)}. Причина: {cp.cancel_reason[:200]}",
        actor=user,
    )
    return cp


@transaction.atomic
def control_point_keep(*, control_point: ControlPoint, user, version) -> ControlPoint:
    """Keep a point the plan no longer produces (it has a report): the flag is cleared, the point stays."""
    _require(can_coordinate_control_point(user, control_point), NO_COORDINATE)
    cp = _lock(control_point, version)
    if not cp.needs_decision:
        raise ValidationError("Эта точка не ждёт решения.", code="status")
    cp.needs_decision = False
    _save(cp, user, "Оставлено после изменения плана")
    return cp


@transaction.atomic
def control_point_comment(*, control_point: ControlPoint, user, text: str) -> ControlPointComment:
    """Add to the thread. A comment changes no field of the point, so it needs no version."""
    _require(
        can_report_control_point(user, control_point) or can_review_control_point(user, control_point),
        "Комментировать могут руководитель школы, её куратор, координатор и — по точке региона — регион.",
    )
    text = (text or "").strip()
    if not text:
        raise ValidationError("Комментарий пустой.", code="empty")
    comment = _comment(control_point, user, text)
    cp = control_point
    audience = reporters(cp) + reviewers(cp)
    notify(
        users=audience,
        kind=Notification.Kind.COMMENT,
        control_point=cp,
        text=f"{user.display_name}: «{text[:150]}» — {_point_label(cp)}",
        actor=user,
    )
    return comment


@transaction.atomic
def control_point_request_due_date(
    *, control_point: ControlPoint, user, version, requested_date: datetime.date, reason: str
) -> DueDateChangeRequest:
    """Ask the coordinator for a later due date («Запросить перенос срока»)."""
    _require(can_report_control_point(user, control_point), NO_REPORT)
    if not (reason or "").strip():
        raise ValidationError("Укажите причину переноса срока.", code="reason_required")
    cp = _lock(control_point, version)
    if cp.status in ControlPoint.CLOSED_STATUSES:
        raise ValidationError(f"Точка «{cp.get_status_display()}»: переносить её срок незачем.", code="status")
    if requested_date <= cp.due_date:
        raise ValidationError(
            f"Новый срок должен быть позже действующего ({cp.due_date:%d.%m.%Y}).", code="date"
        )
    if cp.due_date_requests.filter(status=DueDateChangeRequest.Status.REQUESTED).exists():
        raise ValidationError("Запрос на перенос срока уже ждёт решения координатора.", code="pending")
    request = DueDateChangeRequest(
        control_point=cp,
        current_due_date=cp.due_date,
        requested_date=requested_date,
        reason=reason.strip(),
        requested_by=user,
    )
    request._history_user = user
    request.save()
    notify(
        users=coordinators(cp.municipality_id),
        kind=Notification.Kind.DUE_DATE_REQUESTED,
        control_point=cp,
        text=f"Запрос на перенос срока на {requested_date:%d.%m.%Y}: {_point_label(cp)}",
        actor=user,
    )
    return request


def _lock_request(cp: ControlPoint, request: DueDateChangeRequest) -> DueDateChangeRequest:
    current = DueDateChangeRequest.objects.select_for_update().get(pk=request.pk)
    if current.control_point_id != cp.pk:
        raise ValidationError("Запрос относится к другой контрольной точке.", code="mismatch")
    if current.status != DueDateChangeRequest.Status.REQUESTED:
        raise ValidationError(f"По запросу уже есть решение: {current.get_status_display()}.", code="decided")
    return current


def _decide(request: DueDateChangeRequest, user, status, comment):
    request.status = status
    request.decided_by = user
    request.decided_at = timezone.now()
    request.comment = (comment or "").strip()
    request._history_user = user
    request.save()


def _move_due_date(cp: ControlPoint, new_date: datetime.date, user):
    """The one way a due date moves: `original_due_date` keeps the first date, `due_date` is the date in force."""
    if cp.status in ControlPoint.CLOSED_STATUSES:
        raise ValidationError(f"Точка уже «{cp.get_status_display()}»: срок не переносится.", code="status")
    if cp.original_due_date is None:
        cp.original_due_date = cp.due_date
    cp.due_date = new_date
    _save(cp, user, f"Срок перенесён на {new_date:%d.%m.%Y}")


@transaction.atomic
def control_point_move_due_date(*, control_point: ControlPoint, user, version, due_date: datetime.date) -> ControlPoint:
    """The coordinator moves the date in force without a request (the register's bulk «Перенести срок»).

    The same move and history record as a granted request; the executors are told, since nobody
    of them asked for it. A point already due on that date is left as it is: no empty version.
    """
    _require(can_coordinate_control_point(user, control_point), NO_COORDINATE)
    cp = _lock(control_point, version)
    if cp.due_date == due_date and cp.status not in ControlPoint.CLOSED_STATUSES:
        return cp
    _move_due_date(cp, due_date, user)
    notify(
        users=reporters(cp),
        kind=Notification.Kind.DUE_DATE_DECIDED,
        control_point=cp,
        text=f"Координатор перенёс срок на {due_date:%d.%m.%Y}: {_point_label(cp)}",
        actor=user,
    )
    return cp


@transaction.atomic
def control_point_grant_due_date(
    *, control_point: ControlPoint, user, version, request: DueDateChangeRequest, comment: str = ""
) -> ControlPoint:
    """Move the due date: `original_due_date` keeps the first date, `due_date` is the date in force."""
    _require(can_coordinate_control_point(user, control_point), NO_COORDINATE)
    cp = _lock(control_point, version)
    request = _lock_request(cp, request)
    _move_due_date(cp, request.requested_date, user)
    _decide(request, user, DueDateChangeRequest.Status.GRANTED, comment)
    notifications_mark_handled(control_point=cp, kinds=[Notification.Kind.DUE_DATE_REQUESTED])
    notify(
        users=[request.requested_by],
        kind=Notification.Kind.DUE_DATE_DECIDED,
        control_point=cp,
        text=f"Срок перенесён на {cp.due_date:%d.%m.%Y}: {_point_label(cp)}",
        actor=user,
    )
    return cp


@transaction.atomic
def control_point_refuse_due_date(
    *, control_point: ControlPoint, user, version, request: DueDateChangeRequest, comment: str
) -> DueDateChangeRequest:
    _require(can_coordinate_control_point(user, control_point), NO_COORDINATE)
    if not (comment or "").strip():
        raise ValidationError("Напишите, почему в переносе отказано.", code="comment_required")
    cp = _lock(control_point, version)
    request = _lock_request(cp, request)
    _decide(request, user, DueDateChangeRequest.Status.REFUSED, comment)
    notifications_mark_handled(control_point=cp, kinds=[Notification.Kind.DUE_DATE_REQUESTED])
    notify(
        users=[request.requested_by],
        kind=Notification.Kind.DUE_DATE_DECIDED,
        control_point=cp,
        text=f"В переносе срока отказано: {_point_label(cp)}. {request.comment[:200]}",
        actor=user,
    )
    return request


@transaction.atomic
def control_point_remove_evidence(*, control_point: ControlPoint, user, version, evidence: Evidence) -> ControlPoint:
    """Take a wrong file or link off a report that is not yet with the curator."""
    _require(can_report_control_point(user, control_point), NO_REPORT)
    cp = _lock(control_point, version)
    if evidence.control_point_id != cp.pk:
        raise ValidationError("Документ относится к другой контрольной точке.", code="mismatch")
    if cp.status not in REPORTABLE:
        raise ValidationError(
            f"Отчёт «{cp.get_status_display()}»: его документы удалить нельзя.", code="status"
        )
    name = evidence.original_name or evidence.link
    stored = evidence.file.name if evidence.file else ""
    storage = evidence.file.storage if evidence.file else None
    evidence._history_user = user
    evidence.delete()
    _save(cp, user, f"Удалён документ «{name[:100]}»")
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))
    return cp
