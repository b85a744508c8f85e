"""Writes of the yearly lists: a list, its schools, and a whole list imported from Excel.

Every function checks its own rules (a list per year and category, a school once per list and
only of the list's municipality) and raises ValidationError with a Russian message; views only
check who may write (schools.access.require_manage) before calling.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from schools.models import Municipality, School, SchoolList, SchoolListEntry

from .importer import ParsedRow


def _category_label(category):
    return SchoolList.Category(category).label


def _duplicate_list_error(municipality, year, category, existing=None):
    name = f" («{existing}»)" if existing is not None and existing.title else ""
    return ValidationError(
        {"year": f"Список «{_category_label(category)}» за {year} год у муниципалитета уже есть{name}: откройте его и измените."}
    )


def _check_list_unique(*, municipality, year, category, exclude_pk=None):
    existing = SchoolList.objects.filter(municipality=municipality, year=year, category=category).exclude(pk=exclude_pk).first()
    if existing is not None:
        raise _duplicate_list_error(municipality, year, category, existing)


def _save_list(school_list, *, municipality, year, category):
    school_list.full_clean(exclude=["municipality"], validate_constraints=False)
    try:
        # A savepoint: the unique constraint still catches two coordinators saving the same year
        # at once, after _check_list_unique let both through.
        with transaction.atomic():
            school_list.save()
    except IntegrityError:
        raise _duplicate_list_error(municipality, year, category)
    return school_list


def school_list_create(*, municipality: Municipality, year: int, category: str, title: str = "", source: str = "") -> SchoolList:
    _check_list_unique(municipality=municipality, year=year, category=category)
    school_list = SchoolList(municipality=municipality, year=year, category=category, title=title.strip(), source=source.strip())
    return _save_list(school_list, municipality=municipality, year=year, category=category)


def school_list_update(*, school_list: SchoolList, year: int, category: str, title: str = "", source: str = "") -> SchoolList:
    _check_list_unique(municipality=school_list.municipality, year=year, category=category, exclude_pk=school_list.pk)
    school_list.year = year
    school_list.category = category
    school_list.title = title.strip()
    school_list.source = source.strip()
    return _save_list(school_list, municipality=school_list.municipality, year=year, category=category)


def school_list_delete(*, school_list: SchoolList) -> None:
    try:
        with transaction.atomic():
            school_list.delete()
    except ProtectedError:
        raise ValidationError(
            f"Список «{school_list}» приложен к приказу: удалить его нельзя. Измените состав списка или приложение приказа."
        )


def _markers_text(markers) -> str:
    lines = markers.splitlines() if isinstance(markers, str) else markers
    return "\n".join(line.strip() for line in lines if line and line.strip())


def _check_school(school_list: SchoolList, school: School, entry: SchoolListEntry | None = None):
    if school.municipality_id != school_list.municipality_id:
        raise ValidationError({"school": "Школа относится к другому муниципалитету."})
    taken = SchoolListEntry.objects.filter(school_list=school_list, school=school)
    if entry is not None:
        taken = taken.exclude(pk=entry.pk)
    if taken.exists():
        raise ValidationError({"school": f"«{school}» уже есть в этом списке."})


def _save_entry(entry: SchoolListEntry) -> SchoolListEntry:
    entry.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        raise ValidationError({"school": f"«{entry.school}» уже есть в этом списке."})
    return entry


def school_list_entry_create(
    *,
    school_list: SchoolList,
    school: School,
    markers="",
    fioko_cluster: str = "",
    trend: str = "",
    objectivity_issue: bool = False,
    note: str = "",
) -> SchoolListEntry:
    _check_school(school_list, school)
    entry = SchoolListEntry(
        school_list=school_list,
        school=school,
        markers=_markers_text(markers),
        fioko_cluster=fioko_cluster,
        trend=trend,
        objectivity_issue=objectivity_issue,
        note=note.strip(),
    )
    return _save_entry(entry)


def school_list_entry_update(
    *,
    entry: SchoolListEntry,
    school: School,
    markers="",
    fioko_cluster: str = "",
    trend: str = "",
    objectivity_issue: bool = False,
    note: str = "",
) -> SchoolListEntry:
    _check_school(entry.school_list, school, entry)
    entry.school = school
    entry.markers = _markers_text(markers)
    entry.fioko_cluster = fioko_cluster
    entry.trend = trend
    entry.objectivity_issue = objectivity_issue
    entry.note = note.strip()
    return _save_entry(entry)


def school_list_entry_delete(*, entry: SchoolListEntry) -> None:
    entry.delete()


def school_list_import(
    *,
    municipality: Municipality,
    year: int,
    category: str,
    title: str,
    source: str,
    rows: Iterable[ParsedRow],
    replace: bool = False,
) -> SchoolList:
    """Save an imported list all-or-nothing.

    A new year and category creates the list. When the list exists, `replace` swaps its schools
    for the file's in the same transaction (the list row is locked, so two imports do not
    interleave; the removed entries stay in the change history); without it the import is
    refused. The rows are checked again here: they come back from the browser (signed, but the
    database may have changed in the hour the signature is valid).
    """
    rows = list(rows)
    errors = []
    if not rows:
        errors.append("В файле нет ни одной школы для этого списка.")
    schools = School.objects.in_bulk([row.school_id for row in rows if row.school_id is not None])
    seen: dict[int, int] = {}
    for row in rows:
        school = schools.get(row.school_id)
        if school is None or school.municipality_id != municipality.pk:
            errors.append(f"Строка {row.line}: ОО «{row.name}» не найдена среди школ муниципалитета.")
        elif row.school_id in seen:
            errors.append(f"Строка {row.line}: ОО «{school}» уже есть в строке {seen[row.school_id]}.")
        else:
            seen[row.school_id] = row.line
    if errors:
        raise ValidationError(errors)

    try:
        with transaction.atomic():
            school_list = (
                SchoolList.objects.select_for_update()
                .filter(municipality=municipality, year=year, category=category)
                .first()
            )
            if school_list is None:
                school_list = SchoolList(municipality=municipality, year=year, category=category)
            elif not replace:
                raise ValidationError(
                    f"Список «{_category_label(category)}» за {year} год уже есть («{school_list}»): "
                    "отметьте «Заменить состав существующего списка» или выберите другой год или категорию."
                )
            else:
                school_list.entries.all().delete()
            if title.strip() or school_list.pk is None:
                school_list.title = title.strip()
            if source.strip() or school_list.pk is None:
                school_list.source = source.strip()
            school_list.full_clean(exclude=["municipality"], validate_constraints=False)
            school_list.save()
            for row in rows:
                entry = SchoolListEntry(
                    school_list=school_list,
                    school=schools[row.school_id],
                    markers=_markers_text(row.markers),
                    fioko_cluster=row.fioko_cluster,
                    trend=row.trend,
                    objectivity_issue=row.objectivity_issue,
                    note=row.note.strip(),
                )
                try:
                    entry.full_clean(validate_unique=False, validate_constraints=False)
                except ValidationError as error:
                    problems = "; ".join(message for messages in error.message_dict.values() for message in messages)
                    raise ValidationError(f"Строка {row.line}: {problems}")
                entry.save()
    except IntegrityError:
        # Another import created the same year's list between our check and our insert.
        raise ValidationError(
            f"Список «{_category_label(category)}» за {year} год только что сохранил другой пользователь: "
            "откройте его или загрузите файл с заменой состава."
        )
    return school_list
