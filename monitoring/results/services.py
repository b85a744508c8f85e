"""Writes of results: a parsed file compared with what is stored, then saved all or nothing.

A value the file leaves empty keeps what is stored (a wide table gives no participants, a template
row may give only the share); «-» says nobody took the subject and clears the score. Rows the
file does not name are never touched.

The preview's fingerprint is a hash of what was stored, at preview time, under every key the file
names. The confirmation recomputes it under row locks: if anyone changed one of those results
in between, nothing is saved and the coordinator sees the new comparison instead of overwriting.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from simple_history.utils import bulk_create_with_history

from monitoring.models import ExamResult, Procedure, ReferenceResult
from monitoring.results.importers.parsed import ParsedReference, ParsedResult
from schools.models import Municipality, School

from .subjects import is_below_threshold

STALE = (
    "Результаты изменились после проверки файла (их сохранил кто-то другой или этот же файл уже загружен): "
    "ничего не сохранено. Загрузите файл ещё раз и проверьте, что изменится."
)


@dataclass(frozen=True)
class Values:
    average_score: Decimal | None = None
    failed_share: Decimal | None = None
    participants: int | None = None

    @property
    def nobody(self) -> bool:
        return self.participants == 0 and self.average_score is None and self.failed_share is None

    def stamp(self) -> list:
        def text(value):
            return None if value is None else format(Decimal(value).normalize(), "f")

        return [text(self.average_score), text(self.failed_share), self.participants]


@dataclass
class Change:
    kind: str  # create | update | same
    target: str  # result | reference
    sheet: str
    cell: str
    owner: str  # the school's short name, or «муниципалитет» / «регион (Приморский край)»
    procedure: str
    subject: str
    grade: int
    year: int
    new: Values
    old: Values | None = None

    @property
    def procedure_label(self) -> str:
        return Procedure(self.procedure).label

    @property
    def below_threshold(self) -> bool:
        return self.target == "result" and is_below_threshold(self.procedure, self.subject, self.new.average_score)

    def _differs(self, name: str) -> bool:
        return self.old is not None and getattr(self.old, name) != getattr(self.new, name)

    # For the preview's «было → станет», per column.
    @property
    def differs_score(self) -> bool:
        return self._differs("average_score") or self._differs("nobody")

    @property
    def differs_share(self) -> bool:
        return self._differs("failed_share")

    @property
    def differs_participants(self) -> bool:
        return self._differs("participants")


@dataclass
class ImportPreview:
    changes: list[Change] = field(default_factory=list)
    fingerprint: str = ""

    def _of(self, kind: str) -> list[Change]:
        return [change for change in self.changes if change.kind == kind]

    @property
    def creates(self) -> list[Change]:
        return self._of("create")

    @property
    def updates(self) -> list[Change]:
        return self._of("update")

    @property
    def unchanged(self) -> list[Change]:
        return self._of("same")

    @property
    def has_writes(self) -> bool:
        return any(change.kind != "same" for change in self.changes)


def _result_key(obj) -> tuple:
    return (obj.school_id, obj.procedure, obj.subject, obj.grade, obj.year)


def _reference_key(obj) -> tuple:
    return (obj.level, obj.procedure, obj.subject, obj.grade, obj.year)


def _values(obj) -> Values:
    return Values(obj.average_score, obj.failed_share, getattr(obj, "participants", None))


def _merged_result(old: Values | None, row: ParsedResult) -> Values:
    if row.nobody:
        return Values(None, None, 0)
    old = old or Values()
    score = row.average_score if row.average_score is not None else old.average_score
    share = row.failed_share if row.failed_share is not None else old.failed_share
    participants = row.participants if row.participants is not None else old.participants
    if participants == 0 and (score is not None or share is not None):
        participants = None  # a stored «-» gives way to the file's score; the count is not known
    return Values(score, share, participants)


def _merged_reference(old: Values | None, row: ParsedReference) -> Values:
    old = old or Values()
    return Values(
        row.average_score if row.average_score is not None else old.average_score,
        row.failed_share if row.failed_share is not None else old.failed_share,
    )


def _schools(municipality: Municipality, results: list[ParsedResult]) -> dict[int, str]:
    """The municipality's schools among the rows' ids; a foreign or deleted one refuses the import."""
    ids = {row.school_id for row in results}
    names = dict(School.objects.filter(municipality=municipality, pk__in=ids).values_list("pk", "short_name"))
    foreign = [row for row in results if row.school_id not in names]
    if foreign:
        raise ValidationError(
            [f"Лист «{row.sheet}», ячейка {row.cell}: ОО «{row.school_name}» не найдена среди школ муниципалитета." for row in foreign[:20]]
        )
    return names


def _stored(municipality, results, references, *, lock=False):
    """What is stored under the file's keys: {key: row} for results and for averages."""
    exam = ExamResult.objects.filter(
        school_id__in={row.school_id for row in results},
        procedure__in={row.procedure for row in results},
        year__in={row.year for row in results},
    )
    averages = ReferenceResult.objects.filter(
        Q(level=ReferenceResult.Level.MUNICIPALITY, municipality=municipality)
        | Q(level=ReferenceResult.Level.REGION, municipality=municipality),
        procedure__in={row.procedure for row in references},
        year__in={row.year for row in references},
    )
    if lock:
        exam, averages = exam.select_for_update(), averages.select_for_update()
    stored_results = {_result_key(obj): obj for obj in exam} if results else {}
    stored_references = {_reference_key(obj): obj for obj in averages} if references else {}
    return stored_results, stored_references


def _compare(municipality, results, references, stored_results, stored_references, school_names) -> ImportPreview:
    preview = ImportPreview()
    stamp = []
    region_label = f"регион ({municipality.region.name})" if municipality.region_id else "регион"
    for row in results:
        obj = stored_results.get(row.key)
        old = _values(obj) if obj is not None else None
        new = _merged_result(old, row)
        kind = "create" if old is None else "same" if old == new else "update"
        preview.changes.append(
            Change(kind, "result", row.sheet, row.cell, school_names[row.school_id], row.procedure, row.subject, row.grade, row.year, new, old)
        )
        stamp.append(["r", list(row.key), old.stamp() if old else None])
    for row in references:
        obj = stored_references.get(row.key)
        old = _values(obj) if obj is not None else None
        new = _merged_reference(old, row)
        kind = "create" if old is None else "same" if old == new else "update"
        owner = region_label if row.level == ReferenceResult.Level.REGION else f"муниципалитет ({municipality.name})"
        preview.changes.append(
            Change(kind, "reference", row.sheet, row.cell, owner, row.procedure, row.subject, row.grade, row.year, new, old)
        )
        stamp.append(["m", list(row.key), old.stamp() if old else None])
    stamp.sort(key=lambda item: json.dumps(item, ensure_ascii=False))
    preview.fingerprint = hashlib.sha256(json.dumps(stamp, ensure_ascii=False).encode()).hexdigest()
    return preview


def exam_result_import_preview(
    *, municipality: Municipality, results: Iterable[ParsedResult], references: Iterable[ParsedReference]
) -> ImportPreview:
    """What saving the file would create, change and leave as is; reads only."""
    results, references = list(results), list(references)
    names = _schools(municipality, results)
    stored_results, stored_references = _stored(municipality, results, references)
    return _compare(municipality, results, references, stored_results, stored_references, names)


def exam_result_import(
    *,
    municipality: Municipality,
    results: Iterable[ParsedResult],
    references: Iterable[ParsedReference],
    fingerprint: str,
    user=None,
) -> ImportPreview:
    """Save the file's results and averages in one transaction, or nothing when anything changed since the preview."""
    results, references = list(results), list(references)
    try:
        with transaction.atomic():
            names = _schools(municipality, results)
            # Locked until the commit: a save of the same results by someone else waits for ours
            # and then sees the change (no-op lock on SQLite, whose writes are serialised anyway).
            stored_results, stored_references = _stored(municipality, results, references, lock=True)
            preview = _compare(municipality, results, references, stored_results, stored_references, names)
            if preview.fingerprint != fingerprint:
                raise ValidationError(STALE)
            _write(municipality, preview, results, references, stored_results, stored_references, user)
    except IntegrityError:
        # A result the preview saw as new was created by someone else before our insert.
        raise ValidationError(STALE)
    return preview


def _apply(obj, values: Values) -> None:
    obj.average_score = values.average_score
    obj.failed_share = values.failed_share
    if hasattr(obj, "participants"):
        obj.participants = values.participants


def _checked(obj):
    try:
        # The foreign keys were checked above, one query for all; validating them per row would
        # cost a query each.
        obj.full_clean(exclude=["school", "municipality", "region"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        problems = "; ".join(message for messages in error.message_dict.values() for message in messages)
        raise ValidationError(f"{obj}: {problems}")
    return obj


def _write(municipality, preview, results, references, stored_results, stored_references, user) -> None:
    changes = iter(preview.changes)
    new_results, new_references = [], []
    for row in results:
        change = next(changes)
        if change.kind == "create":
            obj = ExamResult(school_id=row.school_id, procedure=row.procedure, subject=row.subject, grade=row.grade, year=row.year)
            _apply(obj, change.new)
            new_results.append(_checked(obj))
        elif change.kind == "update":
            obj = stored_results[row.key]
            _apply(obj, change.new)
            obj._history_user = user
            _checked(obj).save()
    for row in references:
        change = next(changes)
        if change.kind == "create":
            region = {"region_id": municipality.region_id} if row.level == ReferenceResult.Level.REGION else {}
            obj = ReferenceResult(
                level=row.level, municipality=municipality, procedure=row.procedure, subject=row.subject, grade=row.grade, year=row.year, **region
            )
            _apply(obj, change.new)
            new_references.append(_checked(obj))
        elif change.kind == "update":
            obj = stored_references[row.key]
            _apply(obj, change.new)
            obj._history_user = user
            _checked(obj).save()
    if new_results:
        bulk_create_with_history(new_results, ExamResult, batch_size=500, default_user=user)
    if new_references:
        bulk_create_with_history(new_references, ReferenceResult, batch_size=500, default_user=user)
