"""Writes of the school register: the register imported from Excel, all or nothing.

The rows come back from the browser signed (schools/registry/import_views.py); the database may
have changed in the hour the signature is valid, so every row is checked again here under a lock
on the municipality, and the values each change was shown against must still be the portal's.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Person, PersonRole
from schools.models import Municipality, School, SchoolYearData

from .importer import FIELD_LABELS, person_key

SCHOOL_FIELDS = ("short_name", "full_name", "kind", "branch_of", "settlement", "locality", "is_small", "email")
CHANGE_REASON = "Загрузка реестра из Excel · {token}"


class AlreadyImported(Exception):
    """The preview was confirmed before (the button pressed twice, the page sent again, another session)."""


@dataclass
class RegisterImportResult:
    created: int = 0
    updated: int = 0
    people_created: int = 0


def _current(school: School, key: str, pupils: dict[int, int | None]):
    if key == "branch_of":
        return school.branch_of_id
    if key == "director":
        return school.director_id
    if key == "pupils":
        return pupils.get(school.pk)
    return getattr(school, key)


def _full_clean(obj, line, **kwargs):
    try:
        obj.full_clean(**kwargs)
    except ValidationError as error:
        problems = "; ".join(message for messages in error.message_dict.values() for message in messages)
        raise ValidationError(f"Строка {line}: {problems}")


def school_register_import(*, municipality: Municipality, rows: list[dict], year: int, token: str) -> RegisterImportResult:
    """Create and change the schools of the file's rows (payloads of importer.RegisterRow).

    `token` names the preview: its saves carry it as their history's change reason, and a second
    confirmation of the same preview, from any session, raises AlreadyImported. Confirmations of
    one municipality are serialised by a lock on its row, so two cannot both pass that check.
    """
    reason = CHANGE_REASON.format(token=token)
    with transaction.atomic():
        Municipality.objects.select_for_update().get(pk=municipality.pk)
        if School.history.filter(municipality_id=municipality.pk, history_change_reason=reason).exists():
            raise AlreadyImported()
        ids = [row["school_id"] for row in rows if row["action"] == "update"]
        schools = School.objects.select_for_update().filter(municipality=municipality).in_bulk(ids)
        pupils = dict(SchoolYearData.objects.filter(school_id__in=ids, year=year).values_list("school_id", "pupils_total"))
        errors = []
        for row in rows:
            school = schools.get(row["school_id"]) if row["action"] == "update" else None
            if row["action"] == "update" and school is None:
                errors.append(f"Строка {row['line']}: школа «{row['name']}» удалена из реестра после проверки файла.")
                continue
            if school is None:
                if School.objects.filter(municipality=municipality, short_name=row["set"]["short_name"]).exists():
                    errors.append(f"Строка {row['line']}: школа «{row['set']['short_name']}» уже есть в реестре.")
                continue
            moved = [key for key, value in row["before"].items() if _current(school, key, pupils) != value]
            if moved:
                labels = ", ".join(FIELD_LABELS[key] for key in moved)
                errors.append(f"Строка {row['line']}: у школы «{school.short_name}» после проверки файла изменено: {labels}.")
        if errors:
            raise ValidationError(
                errors + ["Реестр изменился после проверки файла (возможно, этот файл уже загружен): загрузите его ещё раз."]
            )

        result = RegisterImportResult()
        people: dict[str, Person] = {}
        by_line: dict[int, School] = {}
        branches: list[tuple[School, int, int]] = []
        for row in rows:
            school = schools.get(row["school_id"]) or School(municipality=municipality)
            for key, value in row["set"].items():
                if key == "branch_of":
                    school.branch_of_id = value
                elif key in SCHOOL_FIELDS:
                    setattr(school, key, value)
            if row["director"]:
                school.director = _director(municipality, row, people, result, reason)
            _full_clean(school, row["line"], validate_constraints=False, validate_unique=False)
            school._change_reason = reason
            school.save()
            if school.director_id and school.director.school_id is None:
                school.director.school = school
                school.director._change_reason = reason
                school.director.save(update_fields=["school"])
            by_line[row["line"]] = school
            if row["branch_line"] is not None:
                branches.append((school, row["branch_line"], row["line"]))
            if row["pupils"] is not None:
                _set_pupils(school, year, row["pupils"], row["line"])
            if row["action"] == "create":
                result.created += 1
            else:
                result.updated += 1
        for school, head_line, line in branches:
            school.branch_of = by_line[head_line]
            _full_clean(school, line, validate_constraints=False, validate_unique=False)
            school._change_reason = reason
            school.save(update_fields=["branch_of"])
    return result


def _director(municipality, row, people, result, reason) -> Person:
    if row["director_id"]:
        person = Person.objects.filter(municipality=municipality, pk=row["director_id"]).first()
        if person is not None:
            return person
    last, first, middle = row["director"]
    key = person_key(" ".join(p for p in (last, first, middle) if p))
    if key in people:
        return people[key]
    person = Person(municipality=municipality, last_name=last, first_name=first, middle_name=middle, position="Директор")
    _full_clean(person, row["line"])
    person._change_reason = reason
    person.save()
    PersonRole.objects.create(person=person, kind=PersonRole.Kind.DIRECTOR)
    people[key] = person
    result.people_created += 1
    return person


def _set_pupils(school, year, pupils, line):
    data = SchoolYearData.objects.filter(school=school, year=year).first() or SchoolYearData(school=school, year=year)
    data.pupils_total = pupils
    _full_clean(data, line, validate_constraints=False, validate_unique=False)
    data.save()
