"""Writes on the plan's indicators and their values.

Every edit a second user could race carries the version the first one loaded (optimistic lock, as
in the plan editor): a conflict is refused with nothing saved. Each row is saved one by one so that
django-simple-history records who changed which value.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from monitoring.models import IndicatorValue, PlanIndicator
from roadmaps.models import Plan
from schools.models import School

from .selectors import SUPERSEDED, Proposal, wording_key

CONFLICT = (
    "Этот показатель уже изменил другой пользователь, пока вы его редактировали. Обновите страницу и внесите "
    "изменения заново: ваши изменения не сохранены."
)
VALUE_CONFLICT = (
    "Это значение уже изменил другой пользователь, пока вы вносили свои. Обновите страницу и внесите значения "
    "заново: ничего не сохранено."
)
INDICATOR_FIELDS = ("name", "kind", "comparator", "target_value", "unit", "per_school")


def _require_open(plan: Plan):
    if plan.status == Plan.Status.SUPERSEDED:
        raise ValidationError(SUPERSEDED, code="superseded")


def _lock_and_check(pk, version):
    current = PlanIndicator.objects.select_for_update().select_related("plan").get(pk=pk)
    if version is not None and current.version != version:
        raise ValidationError(CONFLICT, code="conflict")
    return current


@transaction.atomic
def indicator_create(*, plan: Plan, data: dict) -> PlanIndicator:
    _require_open(plan)
    Plan.objects.select_for_update().filter(pk=plan.pk).first()  # two coordinators adding at once get distinct numbers
    position = (plan.indicators.aggregate(m=Max("position"))["m"] or 0) + 1
    indicator = PlanIndicator(plan=plan, position=position, **{name: data[name] for name in INDICATOR_FIELDS})
    indicator.full_clean()
    indicator.save()
    return indicator


@transaction.atomic
def indicator_update(*, indicator: PlanIndicator, data: dict, version: int | None) -> PlanIndicator:
    current = _lock_and_check(indicator.pk, version)
    _require_open(current.plan)
    for name in INDICATOR_FIELDS:
        setattr(current, name, data[name])
    current.version += 1
    current.full_clean()
    current.save()
    return current


@transaction.atomic
def indicator_delete(*, indicator: PlanIndicator, version: int | None):
    """Delete the indicator with its values (history keeps both) and close the gap in the numbering."""
    current = _lock_and_check(indicator.pk, version)
    _require_open(current.plan)
    plan_id, position = current.plan_id, current.position
    current.delete()
    for later in PlanIndicator.objects.filter(plan_id=plan_id, position__gt=position).order_by("position"):
        later.position -= 1
        later.save(update_fields=["position"])


@transaction.atomic
def indicator_move(*, indicator: PlanIndicator, direction: int) -> PlanIndicator:
    """Swap the indicator with its neighbour above (-1) or below (+1)."""
    current = PlanIndicator.objects.select_for_update().select_related("plan").get(pk=indicator.pk)
    _require_open(current.plan)
    siblings = PlanIndicator.objects.filter(plan_id=current.plan_id)
    neighbour = (
        siblings.filter(position__lt=current.position).order_by("-position").first()
        if direction < 0
        else siblings.filter(position__gt=current.position).order_by("position").first()
    )
    if neighbour is None:
        return current
    # The position is not part of the edit form, so a move does not invalidate an open edit.
    current.position, neighbour.position = neighbour.position, current.position
    current.save(update_fields=["position"])
    neighbour.save(update_fields=["position"])
    return current


@transaction.atomic
def indicators_create_from_proposals(*, plan: Plan, chosen: list[tuple[Proposal, bool]]) -> list[PlanIndicator]:
    """Create the ticked proposals (each with its per-school choice) in one go, after the current ones."""
    _require_open(plan)
    Plan.objects.select_for_update().filter(pk=plan.pk).first()
    existing = {wording_key(name) for name in plan.indicators.values_list("name", flat=True)}
    position = plan.indicators.aggregate(m=Max("position"))["m"] or 0
    created = []
    for proposal, per_school in chosen:
        if wording_key(proposal.name) in existing:
            continue  # created meanwhile by another user: one indicator per wording
        position += 1
        indicator = PlanIndicator(
            plan=plan,
            position=position,
            name=proposal.name,
            kind=PlanIndicator.Kind.QUANTITATIVE,
            comparator=proposal.comparator,
            target_value=proposal.target_value,
            unit=proposal.unit,
            per_school=per_school,
        )
        indicator.full_clean()
        indicator.save()
        existing.add(wording_key(proposal.name))
        created.append(indicator)
    return created


@dataclass(frozen=True)
class ValueCell:
    key: str  # the school's pk or "total": errors come back under it
    school: School | None
    value: Decimal | None  # None: the cell is empty (a stored value is removed)
    note: str
    version: int | None  # the version loaded with the form; None if there was no value


@dataclass
class ValuesSaved:
    created: int = 0
    updated: int = 0
    deleted: int = 0


def indicator_values_save(
    *, indicator: PlanIndicator, period_start: datetime.date, period_end: datetime.date, cells: list[ValueCell]
) -> ValuesSaved:
    """Save a column of the grid: all cells or none; a cell changed meanwhile by someone else is refused.

    Raises ValidationError with a dict {cell key: message}, or a plain one for the whole column.
    """
    if period_end < period_start:
        raise ValidationError("Окончание периода раньше его начала.", code="period")
    try:
        return _save_values(indicator, period_start, period_end, cells)
    except IntegrityError:
        # Another user inserted a value for the same start between our check and our insert.
        raise ValidationError(VALUE_CONFLICT, code="conflict")


@transaction.atomic
def _save_values(indicator, period_start, period_end, cells) -> ValuesSaved:
    current = PlanIndicator.objects.select_for_update().select_related("plan").get(pk=indicator.pk)
    _require_open(current.plan)
    municipality_id = current.plan.municipality_id
    stored = {
        v.school_id: v
        # Ordered by pk: the model's default order joins the nullable school, which PostgreSQL cannot lock.
        for v in IndicatorValue.objects.select_for_update().filter(indicator=current, period_start=period_start).order_by("pk")
    }
    errors = {}
    for cell in cells:
        if cell.school is not None and cell.school.municipality_id != municipality_id:
            errors[cell.key] = "Школа другого муниципалитета."
            continue
        existing = stored.get(cell.school.pk if cell.school else None)
        loaded = existing.version if existing else None
        if loaded != cell.version:
            errors[cell.key] = VALUE_CONFLICT
    if errors:
        raise ValidationError(errors)
    saved = ValuesSaved()
    for cell in cells:
        existing = stored.get(cell.school.pk if cell.school else None)
        if cell.value is None:
            if existing:
                existing.delete()
                saved.deleted += 1
            continue
        if existing is None:
            IndicatorValue.objects.create(
                indicator=current,
                school=cell.school,
                period_start=period_start,
                period_end=period_end,
                value=cell.value,
                note=cell.note,
            )
            saved.created += 1
        elif (existing.value, existing.note, existing.period_end) != (cell.value, cell.note, period_end):
            existing.value, existing.note, existing.period_end = cell.value, cell.note, period_end
            existing.version += 1
            existing.full_clean()
            existing.save()
            saved.updated += 1
    return saved
