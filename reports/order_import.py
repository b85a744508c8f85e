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

from .importers import OrderFileError, ParsedOrder, parse_order
from .importers import order_text
from .models import Order, OrderAppendix
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
    warnings: list[str] = field(default_factory=list)


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
            note="из состава рабочей группы в загруженном приказе",
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


def order_import(*, municipality: Municipality, parsed: ParsedOrder, user=None, token=None) -> OrderImportResult:
    """Save the parsed order as a draft of the municipality with everything it holds; all or nothing.

    `token` names the web preview: a second confirmation of it raises OrderAlreadyImported with the
    order the first one made, so a preview makes one order at most.
    """
    if token and (existing := Order.objects.filter(import_token=token).first()):
        raise OrderAlreadyImported(existing)
    try:
        return _order_import(municipality=municipality, parsed=parsed, user=user, token=token)
    except (IntegrityError, ValidationError):
        # A concurrent confirmation won the race: the unique token refused this one.
        existing = Order.objects.filter(import_token=token).first() if token else None
        if existing is None:
            raise
        raise OrderAlreadyImported(existing) from None


@transaction.atomic
def _order_import(*, municipality, parsed, user, token) -> OrderImportResult:
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
    for point in parsed.points:
        number = int(point.number)
        if number in seen_numbers:
            result.warnings.append(f"Пункт {number} повторяется: его текст добавлен к предыдущему пункту с этим номером.")
            existing = order.points.get(number=number)
            order_point_save(order=order, point=existing, data={"text": existing.text + "\n" + point.text})
            continue
        seen_numbers.add(number)
        executors_text = "; ".join(point.executors)
        named = people.in_text(executors_text)
        due = order_text.deadline_date(point.deadline) if point.executors else None
        saved = order_point_save(
            order=order,
            data={
                "number": number,
                "text": point.text,
                "responsible": named[0] if len(named) == 1 else None,
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
    for appendix in parsed.appendices:
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
                person = people.ensure(member.name, member.position)
                WorkingGroupMember.objects.create(
                    group=group, position=position, person=person, post=member.position,
                    role_in_group="" if member.role == "член" else member.role,
                )
            result.working_groups.append(group)
            data.update(kind=OrderAppendix.Kind.WORKING_GROUP, working_group=group)
        else:
            if appendix.kind == "schools":
                for name in appendix.schools:
                    matches = index.match(name)
                    if len(matches) == 1:
                        listed_schools.append(schools_by_pk[matches[0].pk])
                    else:
                        result.warnings.append(f"Школа «{name}» не найдена в реестре муниципалитета.")
            text = "\n".join(appendix.schools) if appendix.kind == "schools" else appendix.text
            data.update(kind=OrderAppendix.Kind.TEXT, text=text or appendix.title or "Приложение без текста")
        order_appendix_save(order=order, data=data)
    if listed_schools:
        for plan in result.plans:
            plan.schools.add(*listed_schools)
        result.schools_matched = listed_schools
    result.people_created = people.created
    order.refresh_from_db()
    return result


def order_import_check(*, municipality: Municipality, parsed: ParsedOrder) -> dict:
    """What order_import would match, without saving: the person of each executor, signatory and
    member, each listed school, each void, and an order that already holds this number and date.
    Read with the same matching as order_import, so the preview shows what the save will do."""
    people = _People(municipality)
    points = []
    for point in parsed.points:
        executors = [{"text": text, "people": people.in_text(text)} for text in point.executors]
        named = people.in_text("; ".join(point.executors))
        points.append({
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
    for appendix in parsed.appendices:
        plan = None
        if appendix.kind == "plan" and appendix.plan is not None:
            plan_title = appendix.title or appendix.plan.title or title
            start, end = _plan_period(plan_title, order_date)
            plan = {"title": plan_title, "kind": Plan.Kind(_plan_kind(plan_title)).label, "start": start, "end": end}
        schools = []
        for name in appendix.schools:
            matches = index.match(name)
            schools.append({"name": name, "school": matches[0].short_name if len(matches) == 1 else ""})
        members = [{"member": m, "person": people.lookup(m.name)} for m in appendix.members]
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
