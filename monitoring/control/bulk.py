"""Bulk actions of the register: the coordinator reminds, moves the due date of, or cancels many points.

Each action reuses the one-point service (remind.control_point_remind, workflow.control_point_move_due_date,
workflow.control_point_cancel), so every point's history records the change exactly as a single
action would, by whom and when.

The selection comes from the page as «id:version» pairs. Every id is checked again here, not
trusted from the page: one id the user may not read makes the whole batch a 404, one they may read
but not coordinate a 403, so a forged id never half-applies a batch. The versions are the page's
optimistic lock: if any selected point changed since the page was built, the batch is refused and
the changed points are named, as a single point's form refuses a stale version.

Moving and cancelling are all or nothing (one transaction, rows locked in id order so two batches
cannot deadlock). Reminding is per point: a letter is not undone by a later refusal, so each point
is its own transaction, and a point that is closed, was reminded within the hour or has nobody to
write to is skipped and reported while the others go.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404

from monitoring.models import ControlPoint
from schools.access import can_coordinate_control_point, can_manage, visible_control_points

from . import remind, workflow

REMIND, MOVE, CANCEL = "remind", "move", "cancel"
ACTIONS = {
    REMIND: "Напомнить исполнителям",
    MOVE: "Перенести срок",
    CANCEL: "Отменить с причиной",
}
# The most a batch takes: the register shows 50 a page, and «выбрать все» takes one page.
MAX_POINTS = 200

NO_BULK = "Действия с несколькими контрольными точками выполняет только муниципальный координатор."
NOTHING_SELECTED = "Не выбрано ни одной контрольной точки: отметьте точки в реестре."
TOO_MANY = f"За один раз можно выбрать не больше {MAX_POINTS} контрольных точек."
BAD_SELECTION = "Не удалось прочитать выбранные точки: обновите страницу реестра и выберите их снова. Ничего не сохранено."
CHANGED = "Пока вы выбирали, точки изменились: {points}. Обновите реестр, проверьте их и повторите. Ничего не сохранено."


def may_bulk(user) -> bool:
    """Whether the register offers the checkboxes: a coordinator of a municipality (or an administrator).

    Only a hint for the page; each point is checked with `can_coordinate_control_point` on POST.
    """
    if user.is_authenticated and user.is_superuser:
        return True
    return user.is_authenticated and user.municipality_id is not None and can_manage(user, user.municipality_id)


def parse_selection(values) -> dict[int, int]:
    """«id:version» pairs from the page, in the order given; a malformed one refuses the batch."""
    selection: dict[int, int] = {}
    for value in values:
        pk, _, version = (value or "").partition(":")
        if not (pk.isdigit() and version.isdigit()):
            raise ValidationError(BAD_SELECTION, code="selection")
        selection[int(pk)] = int(version)
    if not selection:
        raise ValidationError(NOTHING_SELECTED, code="empty")
    if len(selection) > MAX_POINTS:
        raise ValidationError(TOO_MANY, code="too_many")
    return selection


def point_label(cp: ControlPoint) -> str:
    where = cp.executor_level_label
    return f"{cp.activity.number} {cp.activity.content[:60]} ({where}, срок {cp.due_date:%d.%m.%Y})".strip()


def selected_points(user, selection: dict[int, int], *, lock: bool = False) -> list[ControlPoint]:
    """Every selected point, or none: 404 if any is outside what the user reads, 403 if any is not theirs to coordinate."""
    queryset = visible_control_points(user).filter(pk__in=list(selection)).select_related(
        "activity", "activity__section__plan", "school", "municipality"
    )
    if lock:
        # of=("self",): PostgreSQL cannot lock the nullable side of the join to the school.
        queryset = queryset.select_for_update(of=("self",))
    points = list(queryset.order_by("pk"))
    if len(points) != len(selection):
        raise Http404("Контрольная точка не найдена.")
    if not all(can_coordinate_control_point(user, cp) for cp in points):
        raise PermissionDenied(NO_BULK)
    return points


def refuse_changed(points: list[ControlPoint], selection: dict[int, int]) -> None:
    changed = [cp for cp in points if cp.version != selection[cp.pk]]
    if changed:
        raise ValidationError(CHANGED.format(points="; ".join(point_label(cp) for cp in changed)), code="conflict")


def _apply_all(user, selection: dict[int, int], act) -> list[ControlPoint]:
    """Lock, check the versions, apply `act` to each point; an error on one undoes them all."""
    points = selected_points(user, selection, lock=True)
    refuse_changed(points, selection)
    done = []
    for cp in points:
        try:
            done.append(act(cp, selection[cp.pk]))
        except ValidationError as error:
            # Named, so the coordinator knows which point stopped the batch.
            raise ValidationError(
                f"{point_label(cp)}: {' '.join(error.messages)} Ничего не сохранено.", code=error.code
            ) from error
    return done


@transaction.atomic
def bulk_move_due_date(*, user, selection: dict[int, int], due_date: datetime.date) -> list[ControlPoint]:
    return _apply_all(
        user,
        selection,
        lambda cp, version: workflow.control_point_move_due_date(control_point=cp, user=user, version=version, due_date=due_date),
    )


@transaction.atomic
def bulk_cancel(*, user, selection: dict[int, int], reason: str) -> list[ControlPoint]:
    if not (reason or "").strip():
        raise ValidationError("Укажите причину отмены.", code="reason_required")
    return _apply_all(
        user,
        selection,
        lambda cp, version: workflow.control_point_cancel(control_point=cp, user=user, version=version, reason=reason),
    )


@dataclass
class RemindReport:
    sent: list = field(default_factory=list)  # (label, RemindResult)
    skipped: list = field(default_factory=list)  # (label, why)


def bulk_remind(*, user, selection: dict[int, int], now: datetime.datetime | None = None) -> RemindReport:
    """One reminder per point, each in its own transaction; a point that cannot be reminded is skipped."""
    points = selected_points(user, selection)
    refuse_changed(points, selection)
    report = RemindReport()
    for cp in points:
        try:
            result = remind.control_point_remind(control_point=cp, user=user, now=now)
        except ValidationError as error:
            report.skipped.append((point_label(cp), " ".join(error.messages)))
        else:
            report.sent.append((point_label(cp), result))
    return report
