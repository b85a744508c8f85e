"""Reads for orders: the list, the order as it is printed, its canonical content, the reports' data."""

import datetime
import hashlib
import json
import zoneinfo
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet, prefetch_related_objects

from clusters.models import ClusterMembership
from monitoring.models import ControlPoint
from roadmaps.layout import NUMBER, cell_text, header_rows, printed_columns
from roadmaps.models import Plan, WorkingGroupMember
from roadmaps.selectors import plan_table
from schnor_portal.dates import format_date, format_date_long
from schools.access import visible_control_points, visible_orders
from schools.models import SchoolListEntry

from .models import OPERATIVE_WORD, AppendixApproval, Order, OrderAppendix, OrderPoint
from .verification_codes import group_code, normalise_code

BLANK_DATE = "__________"
BLANK_NUMBER = "______"


def _controlled_q(prefix=""):
    return Q(**{f"{prefix}due_date__isnull": False}) & (
        Q(**{f"{prefix}responsible__isnull": False}) | ~Q(**{f"{prefix}responsible_text": ""})
    )


def order_list_for_user(*, user, today) -> QuerySet[Order]:
    """All orders the user may read, newest first, with the figures the list shows: one query."""
    overdue = _controlled_q("points__") & Q(
        points__due_date__lt=today, points__reported_at__isnull=True, points__accepted_at__isnull=True
    )
    return (
        visible_orders(user)
        .select_related("municipality", "superseded_by", "replaces")
        .annotate(
            n_points=Count("points", distinct=True),
            n_controlled=Count("points", filter=_controlled_q("points__"), distinct=True),
            n_overdue=Count("points", filter=overdue & Q(status=Order.Status.SIGNED), distinct=True),
        )
        .order_by("municipality__name", "-date", "-pk")
    )


def order_controlled_points(*, order: Order) -> list[OrderPoint]:
    return [p for p in order.points.select_related("responsible", "reported_by", "accepted_by").order_by("number") if p.is_controlled]


# --- The order as printed ------------------------------------------------------------------


def appendix_heading(order: Order, appendix: OrderAppendix) -> list[str]:
    """«Приложение № 2», «к распоряжению», «от 29.02.2024 № 229-ра» — the lines printed top right."""
    first = f"Приложение № {appendix.number}" if appendix.number else "Приложение"
    date = format_date(order.date) or BLANK_DATE
    return [first, f"к {order.kind_dative}", f"от {date} № {order.number or BLANK_NUMBER}"]


@dataclass
class PrintedStamp:
    """One approval stamp as printed: the word, the position lines, the signature and the date."""

    word: str
    lines: list[str]
    name: str = ""
    date_line: str = ""
    signed: bool = True  # a signature line before the name («УТВЕРЖДАЮ», «СОГЛАСОВАНО»)

    @property
    def signature_line(self) -> str:
        if self.signed:
            return f"____________ {self.name}".rstrip()
        return self.name


@dataclass
class PrintedAppendix:
    appendix: OrderAppendix
    heading: list[str]
    title: str
    landscape: bool = False
    approval: bool = False  # the order's single legacy stamp, printed when the appendix has none of its own
    stamps_left: list = field(default_factory=list)
    stamps_right: list = field(default_factory=list)
    plan: Plan | None = None
    rows: list = field(default_factory=list)
    columns: list = field(default_factory=list)
    head: list = field(default_factory=list)
    widths: list = field(default_factory=list)
    passport: list = field(default_factory=list)
    background: list = field(default_factory=list)
    outcomes: list = field(default_factory=list)
    risks: list = field(default_factory=list)
    team: list = field(default_factory=list)
    criteria: list = field(default_factory=list)
    members: list = field(default_factory=list)
    clusters: list = field(default_factory=list)
    schools: list = field(default_factory=list)
    paragraphs: list = field(default_factory=list)

    @property
    def stamps(self):
        return self.stamps_left + self.stamps_right


PASSPORT_LABELS = [
    ("title", "Наименование проекта"),
    ("responsible_body", "Муниципальный орган, осуществляющий управление в области образования, ответственный за разработку проекта"),
    ("approving_official", "Должностное лицо, утвердившее проект"),
    ("developers", "Основные разработчики проекта"),
    ("executors", "Исполнители проекта"),
    ("co_executors", "Соисполнители проекта"),
    ("idea", "Основная идея проекта"),
    ("goal", "Цель проекта"),
    ("tasks", "Основные задачи проекта"),
    ("period_text", "Срок реализации проекта"),
    ("funding", "Объёмы и источники финансирования проекта"),
    ("expected_results", "Ожидаемые результаты проекта"),
]
LIST_FIELDS = ("tasks", "expected_results")


def _lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _plan_passport(plan: Plan):
    if not (plan.goal or plan.idea or plan.tasks or plan.expected_results):
        return []
    rows = []
    for name, label in PASSPORT_LABELS:
        value = getattr(plan, name)
        if not value:
            continue
        if name == "title":
            value = f"«{value.strip('«»')}»"
        rows.append({"label": label, "value": _lines(value) if name in LIST_FIELDS else value, "is_list": name in LIST_FIELDS})
    return rows


def _section_label(section):
    number = (section.number or "").strip()
    if number and number not in section.title:
        return number, section.title
    return "", section.title


# The plan table's width on a landscape A4 page between the print CSS's margins (297 − 30 − 15 mm):
# column widths are computed in millimetres against it and handed to the template as percentages.
PLAN_TABLE_MM = 252.0
# Widths of 12 pt Liberation Serif glyphs, roughly: a digit is half an em, a point or a comma a
# quarter; a letter, on average, a little more than a digit. Plus the cell's padding and border.
DIGIT_MM, STOP_MM, CHAR_MM, CELL_PADDING_MM = 2.12, 1.06, 2.3, 3.5
BOLD = 1.1
# A column need not fit a longer unbreakable word than this: hyphenation takes over.
LONGEST_WORD_MM = 45.0
# How much room a column's text deserves relative to its length: content reads best wide, a level
# column («Регион», «ОО») holds short names.
COLUMN_WEIGHT = {"content": 1.15, "deadline": 0.8, "result": 1.0, "executors": 0.9}
LEVEL_WEIGHT = 0.7


def _word_mm(word: str) -> float:
    return sum(DIGIT_MM if ch.isdigit() else STOP_MM if ch in ".,:;" else CHAR_MM for ch in word)


def _longest_word_mm(texts) -> float:
    """The widest unbreakable run: «01.09.2025-30.09.2025» is one (no line break between a hyphen
    and a digit), so a deadline column that holds it must be at least as wide."""
    return min(max((_word_mm(word) for text in texts for word in str(text).split()), default=0.0), LONGEST_WORD_MM)


def column_widths(columns, activities, section_numbers=(), total_mm: float = PLAN_TABLE_MM) -> list[str]:
    """Widths for any column set, from what the columns hold: «37.5%» per column.

    The number column is as wide as the longest number; every other column gets a share of the
    rest by its average text length to the power ¾ (row height goes with length over width: a
    longer text needs more room, though a little less than in proportion, so short columns stay readable),
    never less than its heading's longest word or, for a deadline, its longest word («Ежеквартально»).
    """
    activities = list(activities)
    numbers = [a.number for a in activities] + list(section_numbers)
    number_mm = min(max(12.0, CELL_PADDING_MM + _longest_word_mm(numbers)), 26.0)
    mm: dict[int, float] = {}
    minimum: dict[int, float] = {}
    weight: dict[int, float] = {}
    for index, column in enumerate(columns):
        if column.key == NUMBER:
            # «№ п/п» on one line, as documents print it; bold glyphs run about a tenth wider.
            mm[index] = min(max(number_mm, CELL_PADDING_MM + BOLD * _word_mm(column.heading)), 26.0)
            continue
        texts = [cell_text(a, column) for a in activities]
        filled = [t for t in texts if t.strip()] or [column.heading]
        average = sum(min(len(t), 600) for t in filled) / len(filled)
        factor = LEVEL_WEIGHT if column.level else COLUMN_WEIGHT.get(column.key, 1.0)
        weight[index] = factor * max(average, 16) ** 0.75
        words = [column.heading] + (texts if column.key == "deadline" else [])
        minimum[index] = CELL_PADDING_MM + BOLD * _longest_word_mm(words)
    rest = max(total_mm - sum(mm.values()), 0.0)
    # Columns that would fall below their minimum get it; the others share what remains, again.
    pinned: dict[int, float] = {}
    while True:
        free = {i: w for i, w in weight.items() if i not in pinned}
        room = rest - sum(pinned.values())
        total_weight = sum(free.values()) or 1.0
        short = {i: minimum[i] for i, w in free.items() if room * w / total_weight < minimum[i]}
        if not short or len(short) == len(free):
            for i, w in free.items():
                mm[i] = max(room * w / total_weight, 0.0)
            break
        pinned.update(short)
    mm.update(pinned)
    total = sum(mm.values()) or 1.0
    return [f"{100 * mm[i] / total:.2f}%" for i in range(len(columns))]


def _printed_plan(printed: PrintedAppendix, plan: Plan):
    rows = [row for row in plan_table(plan=plan) if row["kind"] != "add"]
    activities = [row["activity"] for row in rows if row["kind"] == "activity"]
    # Level columns read each activity's executors: one query for all of them, not one per row.
    prefetch_related_objects(activities, "executor_set")
    columns = printed_columns(plan, activities)
    for row in rows:
        if row["kind"] == "section":
            section = row["section"]
            row["number"], row["title"] = _section_label(section)
            row["tasks"] = _lines(section.tasks)
            row["indicators"] = _lines(section.indicators)
        else:
            row["cells"] = [cell_text(row["activity"], column) for column in columns]
    printed.plan = plan
    printed.rows = rows
    printed.columns = columns
    printed.head = header_rows(columns)
    printed.widths = column_widths(columns, activities, [row["number"] for row in rows if row["kind"] == "section"])
    printed.passport = _plan_passport(plan)
    printed.background = _lines(plan.background)
    printed.outcomes = list(plan.outcomes.order_by("position"))
    printed.risks = list(plan.risks.order_by("position"))
    printed.team = list(plan.team.order_by("position"))
    printed.criteria = _lines(plan.effectiveness_criteria)
    printed.landscape = True
    if not printed.title:
        printed.title = plan.title


BLANK_STAMP_DATE = "«___» ____________ 20___ г."


def printed_stamp(approval: AppendixApproval) -> PrintedStamp:
    """The stamp as the document prints it. A person's stamp («УТВЕРЖДАЮ», «СОГЛАСОВАНО») has a
    signature line and a date line, blank to be filled in by hand when no date is known; «УТВЕРЖДЕН
    приказом … от …» usually carries its date in its text, so the date is added only when it is not."""
    signed = approval.is_signed_stamp
    lines = _lines(approval.position_text)
    date_line = format_date_long(approval.date) if approval.date else approval.date_text.strip()
    if not signed and date_line:
        text = approval.position_text
        if approval.date and (format_date(approval.date) in text or date_line in text):
            date_line = ""
        elif approval.date_text and approval.date_text.strip() in text:
            date_line = ""
        elif approval.date:
            date_line = f"от {date_line}"
    if signed and not date_line:
        date_line = BLANK_STAMP_DATE
    return PrintedStamp(
        word=approval.get_word_display(), lines=lines, name=approval.name.strip(), date_line=date_line, signed=signed
    )


def _member_line(member: WorkingGroupMember, last: bool) -> str:
    text = f"{member.person.short_name}, {member.post.strip().rstrip(';.')}"
    return text + ("." if last else ";")


def printed_appendices(order: Order) -> list[PrintedAppendix]:
    appendices = (
        order.appendices.select_related("plan", "working_group", "school_list")
        .prefetch_related(Prefetch("approvals", queryset=AppendixApproval.objects.order_by("position", "pk")))
        .order_by("position")
    )
    appendices = list(appendices)
    # An imported order keeps its first stamp in the order's single stamp too (Order.approval_*):
    # when that stamp stands on an appendix already, it is not printed a second time elsewhere.
    stamped = {(a.get_word_display(), a.name.strip()) for appendix in appendices for a in appendix.approvals.all()}
    legacy = bool(order.approval_kind) and (order.get_approval_kind_display(), order.approval_name.strip()) not in stamped
    result = []
    for appendix in appendices:
        printed = PrintedAppendix(appendix=appendix, heading=appendix_heading(order, appendix), title=appendix.title)
        for approval in appendix.approvals.all():
            stamp = printed_stamp(approval)
            (printed.stamps_left if approval.side == "left" else printed.stamps_right).append(stamp)
        if appendix.kind == OrderAppendix.Kind.PLAN and appendix.plan:
            _printed_plan(printed, appendix.plan)
            # The order's single stamp predates stamps per appendix: it prints where it always did,
            # unless the appendix carries stamps of its own.
            printed.approval = legacy and not printed.stamps
        elif appendix.kind == OrderAppendix.Kind.WORKING_GROUP and appendix.working_group:
            members = list(
                appendix.working_group.members.select_related("person").order_by("position")
            )
            printed.members = [_member_line(m, i == len(members) - 1) for i, m in enumerate(members)]
            printed.title = printed.title or appendix.working_group.title
        elif appendix.kind == OrderAppendix.Kind.CLUSTER_LIST and appendix.plan:
            memberships = Prefetch(
                "memberships", queryset=ClusterMembership.objects.select_related("school").order_by("school__short_name")
            )
            printed.clusters = [
                {"number": c.number, "name": c.name, "schools": [m.school.short_name for m in c.memberships.all()]}
                for c in appendix.plan.clusters.prefetch_related(memberships).order_by("number")
            ]
            printed.title = printed.title or f"Кластеры: {appendix.plan.title}"
        elif appendix.kind == OrderAppendix.Kind.SCHOOL_LIST and appendix.school_list:
            entries = SchoolListEntry.objects.filter(school_list=appendix.school_list).select_related("school")
            printed.schools = [e.school.full_name or e.school.short_name for e in entries.order_by("school__short_name")]
            printed.title = printed.title or f"Список {appendix.school_list}"
        elif appendix.kind == OrderAppendix.Kind.TEXT:
            printed.paragraphs = _lines(appendix.text)
        result.append(printed)
    return result


def order_print_context(order: Order) -> dict:
    points = list(order.points.order_by("number"))
    return {
        "order": order,
        "header_lines": _lines(order.header),
        "title_lines": _lines(order.title),
        "preamble_paragraphs": _lines(order.preamble),
        "points": points,
        "signatory_lines": _lines(order.signatory_position),
        "approval_lines": _lines(order.approval_position),
        "appendices": printed_appendices(order),
        "date_text": format_date(order.date) or BLANK_DATE,
        "number_text": order.number or BLANK_NUMBER,
    }


# --- Canonical content: what the verification code covers -----------------------------------


def _appendix_canonical(printed: PrintedAppendix) -> dict:
    # What was added later (executors per level, sections' tasks and indicators, stamps) enters the
    # content only when present, so that the content hash of orders signed before stays the same.
    levels = [c for c in printed.columns if c.level]
    lines = []
    for row in printed.rows:
        if row["kind"] == "section":
            lines.append(["section", row["number"], row["title"]])
            if row.get("tasks") or row.get("indicators"):
                lines.append(["section_goals", row.get("tasks", []), row.get("indicators", [])])
        else:
            a = row["activity"]
            line = ["activity", a.number, a.content, a.deadline_text, a.executors_text, a.expected_result]
            if levels:
                line.append([[c.key, cell_text(a, c)] for c in levels])
            lines.append(line)
    lines += [["passport", r["label"], r["value"]] for r in printed.passport]
    lines += [["outcome", o.result, o.effect] for o in printed.outcomes]
    lines += [["risk", r.risk, r.mitigation] for r in printed.risks]
    lines += [["team", t.name, t.post, t.duties] for t in printed.team]
    lines += [["criteria", c] for c in printed.criteria]
    lines += [["member", m] for m in printed.members]
    lines += [["cluster", c["number"], c["name"], c["schools"]] for c in printed.clusters]
    lines += [["school", s] for s in printed.schools]
    lines += [["text", p] for p in printed.paragraphs]
    if printed.background:
        lines.append(["background", printed.background])
    content = {"heading": printed.heading, "title": printed.title, "kind": printed.appendix.kind, "lines": lines}
    if printed.stamps:
        content["stamps"] = [[s.word, s.lines, s.name, s.date_line] for s in printed.stamps]
    return content


def order_canonical_content(order: Order) -> dict:
    """Everything the printed order says, as plain data; its SHA-256 is the verification code."""
    context = order_print_context(order)
    return {
        "kind": order.kind,
        "header": context["header_lines"],
        "date": order.date.isoformat() if order.date else "",
        "number": order.number,
        "place": order.place,
        "title": order.title,
        "preamble": order.preamble,
        "operative_word": order.operative_word,
        "points": [[p.number, p.text] for p in context["points"]],
        "signatory": [order.signatory_position, order.signatory_name],
        "approval": [order.approval_kind, order.approval_position, order.approval_name],
        "appendices": [_appendix_canonical(a) for a in context["appendices"]],
    }


def order_content_hash(order: Order) -> str:
    canonical = json.dumps(order_canonical_content(order), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --- New orders ----------------------------------------------------------------------------

def order_defaults(municipality) -> dict:
    """A new order's requisites as the municipality's authority prints them."""
    return {
        "header": municipality.authority_header,
        "place": municipality.place,
        "signatory_position": municipality.head_position,
        "signatory_name": _initials_first(municipality.head) if municipality.head_id else "",
        "signatory": municipality.head_id,
        "operative_word": OPERATIVE_WORD,
        "kind": Order.Kind.ORDER,
    }


def _initials_first(person) -> str:
    """«Т.И. Буц», as a signature is printed (the list form is «Буц Т.И.»)."""
    initials = "".join(f"{p.strip()[0]}." for p in (person.first_name, person.middle_name) if p.strip())
    if " " in person.first_name.strip():
        return person.short_name
    return f"{initials} {person.last_name}".strip()


# --- Reports ----------------------------------------------------------------------------------

def school_report_data(*, school, period_start, period_end, today, user) -> dict:
    """The school's points the user may see (whoever ordered the report), as of `today`."""
    points = list(
        visible_control_points(user).filter(school=school, due_date__range=(period_start, period_end))
        .exclude(status=ControlPoint.Status.CANCELLED)
        .select_related("activity", "activity__section", "activity__section__plan", "accepted_by")
        .order_by("activity__section__plan_id", "due_date", "activity__section__position", "activity__position")
    )
    by_status = {label: 0 for value, label in ControlPoint.Status.choices if value != ControlPoint.Status.CANCELLED}
    for cp in points:
        by_status[cp.get_status_display()] += 1
    rows = [{"cp": cp, "overdue": cp.is_overdue(today)} for cp in points]
    return {
        "school": school,
        "period_start": period_start,
        "period_end": period_end,
        "today": today,
        "rows": rows,
        "total": len(points),
        "done": sum(1 for cp in points if cp.status == ControlPoint.Status.DONE),
        "overdue": sum(1 for r in rows if r["overdue"]),
        "by_status": by_status,
        "visits": list(school.visits.filter(date__range=(period_start, period_end)).select_related("visitor")),
    }


def _completion(groups):
    result = []
    for label, counts in groups:
        total = counts["total"]
        result.append({**counts, "label": label, "percent": round(100 * counts["done"] / total) if total else 0})
    return result


def plan_report_data(*, plan, period_start, period_end, today, user) -> dict:
    """The plan's execution as the user who ordered the report may see it: a director's report counts
    their own school, a curator's their schools; the «По школам» table never names another school."""
    points = list(
        visible_control_points(user).filter(activity__section__plan=plan, due_date__range=(period_start, period_end))
        .exclude(status=ControlPoint.Status.CANCELLED)
        .select_related("activity", "activity__section", "activity__section__cluster", "school")
        .order_by("due_date", "pk")
    )
    by_section, by_cluster, by_school = {}, {}, {}

    def add(bucket, key, label, cp):
        entry = bucket.setdefault(key, (label, {"total": 0, "done": 0, "overdue": 0}))[1]
        entry["total"] += 1
        if cp.status == ControlPoint.Status.DONE:
            entry["done"] += 1
        elif cp.due_date < today:
            entry["overdue"] += 1

    for cp in points:
        section = cp.activity.section
        number, title = _section_label(section)
        add(by_section, (section.position, section.pk), f"{number} {title}".strip(), cp)
        cluster = section.cluster
        if cluster is None:
            add(by_cluster, (1, 0), "Вне кластеров", cp)
        else:
            add(by_cluster, (0, cluster.number), f"{cluster.number} кластер: {cluster.name}", cp)
        if cp.school_id:
            add(by_school, (0, cp.school.short_name), cp.school.short_name, cp)
        elif cp.regional:
            add(by_school, (2, ""), "Региональный уровень", cp)
        else:
            add(by_school, (1, ""), "Муниципальный уровень", cp)
    overdue = [cp for cp in points if cp.is_overdue(today)]
    sections = _completion(by_section[k] for k in sorted(by_section))
    clusters = _completion(by_cluster[k] for k in sorted(by_cluster))
    schools = _completion(by_school[k] for k in sorted(by_school))
    return {
        "plan": plan,
        "period_start": period_start,
        "period_end": period_end,
        "today": today,
        "total": len(points),
        "done": sum(1 for cp in points if cp.status == ControlPoint.Status.DONE),
        "sections": sections,
        "clusters": clusters,
        "schools": schools,
        "tables": [("По разделам", sections), ("По кластерам", clusters), ("По школам", schools)],
        "overdue": overdue,
    }


# --- Public verification by code -------------------------------------------------------------
# Deliberately public: no user, no schools.access. The code printed on a signed order opens the
# least that proves the paper: who issued what, signed by whom and when, the PDF's SHA-256 and
# whether the order still has force. Points, appendices, other people and ids stay behind the login.


@dataclass(frozen=True)
class PublicOrderFacts:
    code: str  # grouped, as printed
    authority_lines: tuple[str, ...]
    kind: str
    number: str
    date: datetime.date
    title: str
    signatory_position: str
    signatory_name: str
    signed_at: datetime.datetime | None  # in the municipality's time zone; None if signed on paper only
    pdf_sha256: str  # empty when the portal keeps no PDF of the order: there is nothing to compare
    is_directive: bool
    void_since: datetime.date | None = None
    void_by: str = ""  # «приказа от 4 апреля 2023 г. № 15»: kind, date and number, nothing else

    @property
    def signed_at_text(self) -> str:
        """«28 марта 2025 г., 10:15 (UTC+3)»: the offset, as a reader may be in another zone."""
        if self.signed_at is None:
            return ""
        minutes = int(self.signed_at.utcoffset().total_seconds() // 60)
        hours, rest = divmod(abs(minutes), 60)
        offset = f"UTC{'+' if minutes >= 0 else '−'}{hours}" + (f":{rest:02d}" if rest else "")
        return f"{format_date_long(self.signed_at.date())}, {self.signed_at:%H:%M} ({offset})"

    @property
    def void_text(self) -> str:
        if not self.void_since:
            return ""
        verb = "Утратило" if self.is_directive else "Утратил"
        return f"{verb} силу с {format_date_long(self.void_since)} в связи с изданием {self.void_by}"


def order_public_facts(*, code: str) -> PublicOrderFacts | None:
    """The public facts of the signed order with this code (typed in any case, with or without
    dashes); None for a malformed code, an unknown one and a draft alike."""
    canonical = normalise_code(code)
    if canonical is None:
        return None
    order = (
        Order.objects.select_related("municipality", "superseded_by")
        .filter(status=Order.Status.SIGNED, verification_code=canonical)
        .first()
    )
    if order is None:
        return None
    zone = zoneinfo.ZoneInfo(order.municipality.time_zone)
    facts = {}
    if order.superseded_by_id:
        by = order.superseded_by
        facts = {"void_since": order.superseded_on or by.date, "void_by": f"{by.kind_genitive} от {format_date_long(by.date)} № {by.number}"}
    return PublicOrderFacts(
        code=group_code(canonical),
        authority_lines=tuple(_lines(order.header)),
        kind=order.get_kind_display(),
        number=order.number,
        date=order.date,
        title=order.title,
        signatory_position=order.signatory_position,
        signatory_name=order.signatory_name,
        signed_at=order.signed_at.astimezone(zone) if order.signed_at else None,
        pdf_sha256=order.pdf_sha256 if order.pdf else "",
        is_directive=order.kind == Order.Kind.DIRECTIVE,
        **facts,
    )
