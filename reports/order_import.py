"""Import a whole order from Word: check and read the file (reports.importers, pure), then save
what was read as a draft order in one transaction — its points, its appendices, the plans they
hold (roadmaps.import_services.plan_import), the working group and its people, the schools of a
school list matched against the register. The order stays a draft: only the chair's signature
in the portal puts it, and the plans it approves, in force.
"""

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Person
from roadmaps.import_services import plan_import
from roadmaps.importers import PlanFileError, check_signature
from roadmaps.models import Plan, WorkingGroup, WorkingGroupMember
from schnor_portal.xlsx import XlsxError, check_zip_upload
from schools.lists.importer import SchoolIndex, SchoolRef
from schools.models import Municipality, School
from schools.registry.importer import parse_kind

from .importers import OrderFileError, ParsedOrder, parse_order
from .importers import order_text
from .models import AppendixApproval, Order, OrderAppendix
from .selectors import order_defaults
from .services import order_appendix_save, order_point_save, order_save

MISSING = "(не указано в файле)"
KIND = {"приказ": Order.Kind.ORDER, "распоряжение": Order.Kind.DIRECTIVE, "постановление": Order.Kind.DIRECTIVE}
APPROVAL = {"УТВЕРЖДАЮ": Order.ApprovalKind.APPROVE, "СОГЛАСОВАНО": Order.ApprovalKind.AGREE}
PLAN_KINDS = (
    (re.compile(r"план\s*[-–]?\s*график", re.IGNORECASE), Plan.Kind.SCHEDULE),
    (re.compile(r"проект", re.IGNORECASE), Plan.Kind.PROJECT),
    (re.compile(r"программ", re.IGNORECASE), Plan.Kind.SUPPORT_PROGRAMME),
    (re.compile(r"план\s+мероприятий", re.IGNORECASE), Plan.Kind.ACTION_PLAN),
)
NEW = "new"  # a choice of the preview: make a new person rather than link an existing one
STALE_CHOICE = (
    "Предпросмотр больше не соответствует данным портала: выбранного в нём человека в муниципалитете уже нет. "
    "Загрузите файл ещё раз."
)
URBAN_WORDS = re.compile(r"(\bг\.|\bгород|\bгородск)", re.IGNORECASE)


def order_file_parse(*, data: bytes) -> ParsedOrder:
    """Check the upload (type, size, zip bomb) before anything opens it, then read the order."""
    try:
        check_signature(data)
        check_zip_upload(data, what="документ Word (.docx)")
    except (PlanFileError, XlsxError) as error:
        message = str(error).replace(" и не таблица Excel (.xlsx)", "").replace(" или таблицей Excel (.xlsx)", "")
        raise OrderFileError(message.replace("Загрузите план", "Загрузите приказ")) from None
    names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    if "word/document.xml" not in names:
        raise OrderFileError("Это не документ Word (.docx): приказ загружается документом Word.")
    return parse_order(data)


@dataclass
class OrderImportResult:
    order: Order
    plans: list[Plan] = field(default_factory=list)
    working_groups: list[WorkingGroup] = field(default_factory=list)
    people_created: int = 0
    controlled_points: int = 0
    schools_matched: list[School] = field(default_factory=list)
    schools_created: list[School] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


APPROVAL_WORDS = {
    "УТВЕРЖДАЮ": AppendixApproval.Word.APPROVE,
    "СОГЛАСОВАНО": AppendixApproval.Word.AGREE,
    "УТВЕРЖДЕН": AppendixApproval.Word.APPROVED,
    "УТВЕРЖДЕНО": AppendixApproval.Word.APPROVED_NEUTER,
    "УТВЕРЖДЕНА": AppendixApproval.Word.APPROVED_FEMININE,
}


def _save_approvals(appendix: OrderAppendix, approvals) -> None:
    """Every stamp the parser read over this appendix, in its order: the print shows them all."""
    for position, approval in enumerate(approvals, start=1):
        word = APPROVAL_WORDS.get(approval.word.upper())
        if word is None:
            continue
        try:
            when = date.fromisoformat(approval.date) if approval.date else None
        except ValueError:  # a date the parser kept as written
            when = None
        AppendixApproval.objects.create(
            appendix=appendix,
            position=position,
            word=word,
            position_text=approval.position,
            name=approval.name[:200],
            date=when,
            date_text="" if when or not approval.date else approval.date[:100],
        )


def _number(text: str) -> int | None:
    return int(text) if text and text.isdigit() else None


def _plan_kind(title: str) -> str:
    for pattern, kind in PLAN_KINDS:
        if pattern.search(title):
            return kind
    return Plan.Kind.ROADMAP


def _plan_period(title: str, order_date: date | None) -> tuple[date, date]:
    """The years the plan's title names («на период до 2024 года», «на 2024 – 2027 годы»), else
    the order's year; the coordinator corrects the period on the draft if need be."""
    base = order_date or date.today()
    years = [y for y in order_text.years_in(title) if base.year - 1 <= y <= base.year + 10]
    start_year = min(years + [base.year]) if years else base.year
    end_year = max(years + [base.year]) if years else base.year
    start = base if start_year == base.year else date(start_year, 1, 1)
    return start, date(end_year, 12, 31)


class _People:
    """The municipality's people by surname and initials; a surname matches in any case ending
    («Тамонову» is Тамонова), initials must agree."""

    def __init__(self, municipality):
        self.municipality = municipality
        self.people = list(Person.objects.filter(municipality=municipality))
        self.created = 0

    @staticmethod
    def _same_surname(a: str, b: str) -> bool:
        a, b = a.lower().replace("ё", "е"), b.lower().replace("ё", "е")
        if len(a) < 4 or len(b) < 4:
            return a == b
        return a[:-1] == b[:-1] or a.startswith(b[:-1]) and len(a) - len(b) <= 2 or b.startswith(a[:-1]) and len(b) - len(a) <= 2

    def find(self, surname: str, initials: str) -> Person | None:
        found = []
        for person in self.people:
            mine = "".join(p.strip()[0] for p in (person.first_name, person.middle_name) if p.strip())
            if self._same_surname(person.last_name, surname) and (not initials or not mine or mine == initials):
                found.append(person)
        return found[0] if len(found) == 1 else None

    def in_text(self, text: str) -> list[Person]:
        people = []
        for surname, initials in order_text.name_keys(text):
            person = self.find(surname, initials)
            if person and person not in people:
                people.append(person)
        return people

    def lookup(self, name: str) -> Person | None:
        """The person a member line names, if the municipality has them; else ensure() adds one."""
        keys = order_text.name_keys(name)
        if keys:
            return self.find(*keys[0])
        surname, first, middle = (name.split() + ["", "", ""])[:3] if name.split() else (name, "", "")
        return self.find(surname, first[:1] + middle[:1])

    def ensure(self, name: str, position: str) -> Person:
        if (person := self.lookup(name)) is not None:
            return person
        return self.create(name, position)

    def create(self, name: str, position: str, note: str = "из состава рабочей группы в загруженном приказе") -> Person:
        """A new person even if one of the same name exists: the coordinator said it is someone else."""
        keys = order_text.name_keys(name)
        words = name.split()
        if keys:
            surname, initials = keys[0]
            first, middle = (f"{initials[0]}." if initials else ""), (f"{initials[1]}." if len(initials) > 1 else "")
        else:  # «Иванова Анна Петровна», written in full
            surname, first, middle = (words + ["", "", ""])[:3] if words else (name, "", "")
        person = Person(
            municipality=self.municipality,
            last_name=surname[:100],
            first_name=first[:100],
            middle_name=middle[:100],
            position=position[:500],
            note=note,
        )
        person.full_clean()
        person.save()
        self.people.append(person)
        self.created += 1
        return person


class OrderAlreadyImported(Exception):
    """The preview was confirmed before (the button pressed twice, the page sent again, another session)."""

    def __init__(self, order: Order):
        super().__init__(f"order {order.pk} was already imported from this preview")
        self.order = order


@dataclass
class ImportChoices:
    """What the coordinator decided in the web preview, keyed by the place of each thing in the parsed
    order (the browser never sends names, only these keys and pks, checked again on save).

    responsible: point index → "" (link nobody), NEW, or a Person pk; a point not named keeps its match.
    members: "appendix index-member index" → NEW or a Person pk; a member not named keeps its match.
    create_schools: "appendix index-school index" → the locality of the school to add to the register.
    """

    responsible: dict[int, str] = field(default_factory=dict)
    members: dict[str, str] = field(default_factory=dict)
    create_schools: dict[str, str] = field(default_factory=dict)


def _chosen_people(municipality, choices: ImportChoices) -> dict[str, Person]:
    """The people the preview chose, all still of this municipality, or the preview is stale."""
    wanted = {v for v in [*choices.responsible.values(), *choices.members.values()] if v and v != NEW}
    if not all(v.isdigit() for v in wanted):
        raise ValidationError(STALE_CHOICE)
    found = {str(p.pk): p for p in Person.objects.filter(municipality=municipality, pk__in=[int(v) for v in wanted])}
    if len(found) != len(wanted):
        raise ValidationError(STALE_CHOICE)
    return found


def school_locality_guess(name: str) -> str:
    """What the preview proposes for a school to create: urban when its name names a town."""
    return School.Locality.URBAN if URBAN_WORDS.search(name) else School.Locality.RURAL


def _school_create(municipality, name: str, locality: str) -> School:
    if locality not in School.Locality.values:
        raise ValidationError(f"Для школы «{name}» не выбрана местность: загрузите файл ещё раз.")
    short_name = name.strip()[:200]
    # Added since the preview (by hand, or by another import): link it rather than fail on the unique name.
    existing = School.objects.filter(municipality=municipality, short_name=short_name).first()
    if existing is not None:
        return existing
    school = School(
        municipality=municipality, full_name=name.strip()[:500], short_name=short_name,
        kind=parse_kind(name) or School.Kind.SCHOOL, locality=locality,
        note="добавлена из загруженного приказа: проверьте вид, местность и реквизиты",
    )
    school.full_clean()
    school.save()
    return school


def import_note_text(places: list[tuple[str, str]]) -> str:
    """The note an imported order keeps: each part the importer did not understand, with its place."""
    return "\n".join(f"{place}: {text}" if place else text for place, text in places)


def order_import(
    *, municipality: Municipality, parsed: ParsedOrder, user=None, token=None,
    choices: ImportChoices | None = None, note: list[tuple[str, str]] | None = None,
) -> OrderImportResult:
    """Save the parsed order as a draft of the municipality with everything it holds; all or nothing.

    `token` names the web preview: a second confirmation of it raises OrderAlreadyImported with the
    order the first one made, so a preview makes one order at most. `choices` are the preview's
    corrections (people, schools to create); `note` the parser's warnings with their places, kept on
    the order so that nothing the document says is lost (the parser's own warnings when not given).
    """
    if token and (existing := Order.objects.filter(import_token=token).first()):
        raise OrderAlreadyImported(existing)
    try:
        return _order_import(
            municipality=municipality, parsed=parsed, user=user, token=token,
            choices=choices or ImportChoices(),
            note=note if note is not None else [("", w) for w in parsed.warnings],
        )
    except (IntegrityError, ValidationError):
        # A concurrent confirmation won the race: the unique token refused this one.
        existing = Order.objects.filter(import_token=token).first() if token else None
        if existing is None:
            raise
        raise OrderAlreadyImported(existing) from None


@transaction.atomic
def _order_import(*, municipality, parsed, user, token, choices, note) -> OrderImportResult:
    defaults = order_defaults(municipality)
    approval = next((a for ap in parsed.appendices for a in ap.approval if a.word in APPROVAL), None)
    title = parsed.title or next((a.title for a in parsed.appendices if a.title), "") or "Заголовок не распознан"
    order_date = date.fromisoformat(parsed.date) if parsed.date else None
    kind = KIND.get(parsed.kind, Order.Kind.ORDER)
    result_warnings = []
    if parsed.kind == "постановление":
        result_warnings.append("Постановление сохранено как распоряжение: в портале два вида документа.")
    order = Order(
        municipality=municipality,
        kind=kind,
        header="\n".join(parsed.authority) or defaults["header"] or municipality.authority_name or municipality.name,
        number=parsed.number[:100],
        date=order_date,
        place=(parsed.place or defaults["place"])[:200],
        title=title,
        preamble=parsed.preamble,
        operative_word=f"{parsed.operative_word}:" if parsed.operative_word else "",
        # A file of appendices only names no signatory: the authority's head, else a blank to fill in.
        signatory_position=(parsed.signatory_position or defaults["signatory_position"] or MISSING)[:300],
        signatory_name=(parsed.signatory_name or defaults["signatory_name"] or MISSING)[:200],
        approval_kind=APPROVAL[approval.word] if approval else "",
        approval_position=(approval.position if approval else "")[:300],
        approval_name=(approval.name if approval else "")[:200],
        import_token=token or None,
    )
    people = _People(municipality)
    chosen = _chosen_people(municipality, choices)
    signatory = people.in_text(parsed.signatory_name)
    order.signatory = signatory[0] if len(signatory) == 1 else None
    if order.signatory is None and not parsed.signatory_name and defaults["signatory"]:
        order.signatory_id = defaults["signatory"]
    voids = []
    for void in parsed.voids:
        candidates = Order.objects.filter(municipality=municipality, number=void.number)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", void.date or ""):
            candidates = candidates.filter(date=void.date)
        found = list(candidates[:2])
        if len(found) == 1:
            voids.append(found[0])
        else:
            result_warnings.append(f"Документ № {void.number} от {void.date} не найден в портале: отметка «утратил силу» не связана.")
    try:
        order = order_save(order=order, data={}, voids=voids)
    except ValidationError as error:
        raise ValidationError(["Приказ не сохранён: " + " ".join(error.messages)]) from None
    result = OrderImportResult(order=order, warnings=result_warnings)

    seen_numbers = set()
    for point_index, point in enumerate(parsed.points):
        number = int(point.number)
        if number in seen_numbers:
            result.warnings.append(f"Пункт {number} повторяется: его текст добавлен к предыдущему пункту с этим номером.")
            existing = order.points.get(number=number)
            order_point_save(order=order, point=existing, data={"text": existing.text + "\n" + point.text})
            continue
        seen_numbers.add(number)
        executors_text = "; ".join(point.executors)
        named = people.in_text(executors_text)
        responsible = named[0] if len(named) == 1 else None
        if point_index in choices.responsible:
            choice = choices.responsible[point_index]
            if choice == NEW:
                if not order_text.name_keys(executors_text):
                    raise ValidationError(f"В пункте {number} нет фамилии исполнителя: новым человеком его не добавить.")
                responsible = people.create(executors_text, "", note="исполнитель пункта загруженного приказа")
            else:
                responsible = chosen.get(choice)
        due = order_text.deadline_date(point.deadline) if point.executors else None
        saved = order_point_save(
            order=order,
            data={
                "number": number,
                "text": point.text,
                "responsible": responsible,
                "responsible_text": executors_text[:500],
                "deadline_text": point.deadline[:200],
                "due_date": due,
            },
        )
        result.controlled_points += saved.is_controlled

    index = SchoolIndex(
        SchoolRef(pk=s.pk, short_name=s.short_name, full_name=s.full_name, abbreviation="")
        for s in School.objects.filter(municipality=municipality)
    )
    schools_by_pk = {s.pk: s for s in School.objects.filter(municipality=municipality)}
    listed_schools = []
    numbered = len(parsed.appendices) > 1
    for appendix_index, appendix in enumerate(parsed.appendices):
        # A school list or a plan's cluster table: each school named is linked, or created when asked.
        for school_index, name in enumerate(appendix.schools):
            matches = index.match(name)
            key = f"{appendix_index}-{school_index}"
            if len(matches) == 1:
                listed_schools.append(schools_by_pk[matches[0].pk])
            elif key in choices.create_schools:
                school = _school_create(municipality, name, choices.create_schools[key])
                result.schools_created.append(school)
                listed_schools.append(school)
            else:
                result.warnings.append(f"Школа «{name}» не найдена в реестре муниципалитета.")
        data = {"number": _number(appendix.number) if numbered or appendix.number else None, "title": appendix.title}
        if appendix.kind == "plan" and appendix.plan is not None:
            plan_title = appendix.title or appendix.plan.title or title
            start, end = _plan_period(plan_title, order_date)
            imported = plan_import(
                municipality=municipality, title=plan_title[:1000], kind=_plan_kind(plan_title),
                start=start, end=end, parsed=appendix.plan, user=user,
            )
            result.plans.append(imported.plan)
            data.update(kind=OrderAppendix.Kind.PLAN, plan=imported.plan)
        elif appendix.kind == "working_group":
            group = WorkingGroup.objects.create(
                municipality=municipality, plan=result.plans[-1] if result.plans else None,
                title=appendix.title or "Рабочая группа",
            )
            for position, member in enumerate(appendix.members, start=1):
                choice = choices.members.get(f"{appendix_index}-{position - 1}")
                if choice == NEW:
                    person = people.create(member.name, member.position)
                elif choice:
                    person = chosen[choice]
                else:
                    person = people.ensure(member.name, member.position)
                WorkingGroupMember.objects.create(
                    group=group, position=position, person=person, post=member.position,
                    role_in_group="" if member.role == "член" else member.role,
                )
            result.working_groups.append(group)
            data.update(kind=OrderAppendix.Kind.WORKING_GROUP, working_group=group)
        else:
            text = "\n".join(appendix.schools) if appendix.kind == "schools" else appendix.text
            data.update(kind=OrderAppendix.Kind.TEXT, text=text or appendix.title or "Приложение без текста")
        saved_appendix = order_appendix_save(order=order, data=data)
        _save_approvals(saved_appendix, appendix.approval)
    if listed_schools:
        for plan in result.plans:
            plan.schools.add(*listed_schools)
        result.schools_matched = listed_schools
    result.people_created = people.created
    note_text = import_note_text(list(note) + [("При сохранении", w) for w in result.warnings])
    if note_text:
        order.import_note = note_text
        order.save(update_fields=["import_note"])
    order.refresh_from_db()
    return result


def order_import_check(*, municipality: Municipality, parsed: ParsedOrder) -> dict:
    """What order_import would match, without saving: the person of each executor, signatory and
    member, each listed school, each void, and an order that already holds this number and date.
    Read with the same matching as order_import, so the preview shows what the save will do."""
    people = _People(municipality)
    points = []
    for point_index, point in enumerate(parsed.points):
        executors = [{"text": text, "people": people.in_text(text)} for text in point.executors]
        named = people.in_text("; ".join(point.executors))
        points.append({
            "key": point_index,
            # «новый человек» is offered only when the executors name someone by surname.
            "can_create": bool(order_text.name_keys("; ".join(point.executors))),
            "point": point,
            "executors": executors,
            "responsible": named[0] if len(named) == 1 else None,
            "due_date": order_text.deadline_date(point.deadline) if point.executors else None,
        })
    signatory = people.in_text(parsed.signatory_name)
    index = SchoolIndex(
        SchoolRef(pk=s.pk, short_name=s.short_name, full_name=s.full_name, abbreviation="")
        for s in School.objects.filter(municipality=municipality)
    )
    order_date = date.fromisoformat(parsed.date) if parsed.date else None
    title = parsed.title or next((a.title for a in parsed.appendices if a.title), "")
    numbered = len(parsed.appendices) > 1
    appendices = []
    for appendix_index, appendix in enumerate(parsed.appendices):
        plan = None
        if appendix.kind == "plan" and appendix.plan is not None:
            plan_title = appendix.title or appendix.plan.title or title
            start, end = _plan_period(plan_title, order_date)
            plan = {"title": plan_title, "kind": Plan.Kind(_plan_kind(plan_title)).label, "start": start, "end": end}
        schools = []
        for school_index, name in enumerate(appendix.schools):
            matches = index.match(name)
            schools.append({
                "key": f"{appendix_index}-{school_index}", "name": name,
                "school": matches[0].short_name if len(matches) == 1 else "",
                "locality": school_locality_guess(name),
            })
        members = [
            {"key": f"{appendix_index}-{member_index}", "member": m, "person": people.lookup(m.name)}
            for member_index, m in enumerate(appendix.members)
        ]
        appendices.append({
            "appendix": appendix,
            "number": _number(appendix.number) if numbered or appendix.number else None,
            "plan": plan,
            "schools": schools,
            "members": members,
        })
    voids = []
    for void in parsed.voids:
        candidates = Order.objects.filter(municipality=municipality, number=void.number)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", void.date or ""):
            candidates = candidates.filter(date=void.date)
        found = list(candidates[:2])
        voids.append({"void": void, "order": found[0] if len(found) == 1 else None})
    return {
        "points": points,
        "people": people.people,
        "signatory": signatory[0] if len(signatory) == 1 else None,
        "appendices": appendices,
        "voids": voids,
        "existing": order_import_existing(municipality=municipality, parsed=parsed),
    }


def order_import_existing(*, municipality: Municipality, parsed: ParsedOrder) -> Order | None:
    """The municipality's order with this kind, number and date: the file cannot be saved again."""
    if not parsed.number or not parsed.date:
        return None
    kind = KIND.get(parsed.kind, Order.Kind.ORDER)
    return Order.objects.filter(municipality=municipality, kind=kind, number=parsed.number[:100], date=parsed.date).first()
