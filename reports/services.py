"""Writes on orders. A signed order never changes: every service below that edits an order's text
locks the row and refuses a signed one; a change is a new order (`order_new_version`). Edits are
checked against the version the editor loaded (optimistic lock), as plans and activities are."""

import hashlib
import logging
import re
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from monitoring.control.notifications import notify
from roadmaps.models import Activity, ExecutorLevel, Plan
from roadmaps.services import plan_approve

from .models import AppendixApproval, Order, OrderAppendix, OrderPoint, ReportFile
from .pdf import Verification, render_order_pdf, site_url
from .point_templates import point_initial
from .selectors import order_content_hash, order_defaults
from .tasks import report_file_enqueue
from .verification_codes import group_code, new_code

logger = logging.getLogger(__name__)

CONFLICT = (
    "Документ уже изменил другой пользователь, пока вы его редактировали. Обновите страницу и внесите "
    "изменения заново: ваши изменения не сохранены."
)
SIGNED_READ_ONLY = (
    "Подписанный документ изменить нельзя: изменения оформляются новым документом "
    "(кнопка «Новая редакция» на странице документа)."
)
POINT_COPY_FIELDS = ("number", "text", "responsible", "responsible_text", "deadline_text", "due_date")
APPENDIX_COPY_FIELDS = ("position", "number", "kind", "title", "plan", "working_group", "school_list", "text")
APPROVAL_COPY_FIELDS = ("position", "word", "position_text", "name", "date", "date_text")
ORDER_SKIP_ON_COPY = {
    "id", "number", "date", "status", "replaces", "signed_by", "signed_at", "pdf", "pdf_sha256",
    "content_sha256", "verification_code", "superseded_by", "superseded_on", "version", "import_token",
}


def _lock_draft(pk, version=None) -> Order:
    current = Order.objects.select_for_update().get(pk=pk)
    if current.is_signed:
        raise ValidationError(SIGNED_READ_ONLY, code="signed")
    if version is not None and current.version != version:
        raise ValidationError(CONFLICT, code="conflict")
    return current


def _touch(order: Order):
    """A change of a point or an appendix is a change of the order: a stale order form is refused."""
    order.version += 1
    order.save(update_fields=["version"])


@transaction.atomic
def order_save(*, order: Order, data: dict, version: int | None = None, voids=None) -> Order:
    if order.pk:
        current = _lock_draft(order.pk, version)
        current.version += 1
    else:
        current = order
    was_ready = _is_ready(current)
    for name, value in data.items():
        setattr(current, name, value)
    current.full_clean()
    current.save()
    if voids is not None:
        current.voids.set(voids)
    _notify_when_ready(current, was_ready)
    return current


def next_point_number(order: Order) -> int:
    return (order.points.aggregate(m=Max("number"))["m"] or 0) + 1


@transaction.atomic
def order_point_save(
    *, order: Order, data: dict, point: OrderPoint | None = None, void_order: Order | None = None, approve_plan: Plan | None = None
) -> OrderPoint:
    """Save a point; a point made from a template may also void an order or attach the plan it approves."""
    current = _lock_draft(order.pk)
    was_ready = _is_ready(current)
    point = point or OrderPoint(order=current)
    for name, value in data.items():
        setattr(point, name, value)
    point.full_clean()
    point.save()
    if void_order is not None:
        current.voids.add(void_order)
    _touch(current)
    if approve_plan is not None:
        order_plan_appendix_ensure(order=current, plan=approve_plan)
    _notify_when_ready(current, was_ready)
    return point


@transaction.atomic
def order_point_delete(*, point: OrderPoint):
    current = _lock_draft(point.order_id)
    was_ready = _is_ready(current)
    point.delete()
    _touch(current)
    _notify_when_ready(current, was_ready)


_APPENDIX_REFERENCE = re.compile(r"\((?P<bare>приложение)\)|(?P<word>[Пп]риложени[а-я]*)\s*№\s*(?P<n>\d+)")


def _appendix_label(word: str, number: int | None) -> str:
    return f"{word} № {number}" if number else word


def _number_appendices(order: Order, added: OrderAppendix | None = None) -> bool:
    """Number the appendices in their order: several are 1, 2, …; one alone is «приложение», or
    «приложение № 1» when its document printed it so (an imported order keeps its own words).

    The points that refer to an appendix by its old number («(приложение № 2)», or «(приложение)»
    of the one that was alone) are rewritten to its new number, so the text and the appendices
    never disagree. `added` is the appendix just made: no point can refer to it yet. Returns
    whether anything changed."""
    appendices = list(OrderAppendix.objects.filter(order=order).order_by("position", "pk"))
    if len(appendices) == 1:
        wanted = {appendices[0].pk: appendices[0].number if appendices[0].number == 1 else None}
    else:
        wanted = {a.pk: index for index, a in enumerate(appendices, start=1)}
    moved = [(a, a.number, wanted[a.pk]) for a in appendices if a.number != wanted[a.pk]]
    if not moved:
        return False
    added_pk = added.pk if added is not None else None
    mapping = {old: new for a, old, new in moved if a.pk != added_pk and old is not None}
    # «(приложение)» was written when the first unnumbered appendix stood alone: it means that one.
    unnumbered = [(a, new) for a, old, new in moved if a.pk != added_pk and old is None]
    if unnumbered:
        mapping[None] = unnumbered[0][1]
    for appendix, _, new in moved:
        appendix.number = new
        appendix.save(update_fields=["number"])

    def reference(match):
        if match.group("bare"):
            return f"(приложение № {mapping[None]})" if mapping.get(None) else match.group(0)
        old = int(match.group("n"))
        if old not in mapping:
            return match.group(0)
        return _appendix_label(match.group("word"), mapping[old])

    if mapping:
        for point in OrderPoint.objects.filter(order=order):
            text = _APPENDIX_REFERENCE.sub(reference, point.text)
            if text != point.text:
                point.text = text
                point.save(update_fields=["text"])
    return True


@transaction.atomic
def order_appendices_number(*, order: Order) -> bool:
    """Number a draft's appendices now (a draft imported or made before numbering was automatic)."""
    current = _lock_draft(order.pk)
    changed = _number_appendices(current)
    if changed:
        _touch(current)
    return changed


@transaction.atomic
def order_appendix_save(*, order: Order, data: dict, appendix: OrderAppendix | None = None) -> OrderAppendix:
    current = _lock_draft(order.pk)
    was_ready = _is_ready(current)
    if appendix is None:
        appendix = OrderAppendix(order=current, position=(current.appendices.aggregate(m=Max("position"))["m"] or 0) + 1)
    for name, value in data.items():
        setattr(appendix, name, value)
    is_new = appendix.pk is None
    appendix.full_clean()
    appendix.save()
    _number_appendices(current, added=appendix if is_new else None)
    appendix.refresh_from_db(fields=["number"])
    _touch(current)
    _notify_when_ready(current, was_ready)
    return appendix


@transaction.atomic
def order_appendix_delete(*, appendix: OrderAppendix):
    current = _lock_draft(appendix.order_id)
    was_ready = _is_ready(current)
    appendix.delete()
    _number_appendices(current)
    _touch(current)
    _notify_when_ready(current, was_ready)


@transaction.atomic
def order_plan_appendix_ensure(*, order: Order, plan: Plan) -> OrderAppendix:
    """The plan as an appendix of the order (the «Утвердить план …» point needs one), numbered
    with the others in their order."""
    current = _lock_draft(order.pk)
    existing = current.appendices.filter(kind=OrderAppendix.Kind.PLAN, plan=plan).first()
    if existing:
        return existing
    last = current.appendices.aggregate(m=Max("position"))["m"] or 0
    appendix = OrderAppendix.objects.create(
        order=current, position=last + 1, kind=OrderAppendix.Kind.PLAN, plan=plan, title=plan.title
    )
    _number_appendices(current, added=appendix)
    appendix.refresh_from_db(fields=["number"])
    _touch(current)
    return appendix


# Activities that reach schools through the plan's schools: scope «все школы плана», or school-level
# executors without a scope of their own (clusters and chosen schools name their schools themselves).
_ADDRESSED_TO_PLAN_SCHOOLS = Q(scope=Activity.Scope.ALL_SCHOOLS) | (
    Q(executor_set__level=ExecutorLevel.SCHOOL) & ~Q(scope__in=[Activity.Scope.CLUSTERS, Activity.Scope.SCHOOLS])
)


def order_sign_problems(order: Order) -> list[str]:
    """Why the order cannot be signed yet, in the words the chair will read."""
    problems = []
    if not order.number.strip():
        problems.append("Укажите номер документа: без номера его нельзя подписать.")
    if not order.date:
        problems.append("Укажите дату документа: без даты его нельзя подписать.")
    if not order.points.exists():
        problems.append("В документе нет ни одного пункта.")
    if not order.header.strip():
        problems.append("Введите шапку бланка: наименование органа.")
    if not (order.signatory_position.strip() and order.signatory_name.strip()):
        problems.append("Укажите подписанта: должность и «И.О. Фамилия».")
    # The services number appendices as they are added and order_sign numbers any left over (an
    # imported draft) before it checks: these two only show on a draft that was never renumbered.
    appendices = list(order.appendices.select_related("plan"))
    numbers = [a.number for a in appendices]
    if len(appendices) > 1 and None in numbers:
        problems.append("Приложений несколько: у каждого должен быть номер.")
    if len([n for n in numbers if n is not None]) != len({n for n in numbers if n is not None}):
        problems.append("Номера приложений повторяются.")
    for appendix in appendices:
        if appendix.kind == OrderAppendix.Kind.PLAN and appendix.plan and appendix.plan.status == Plan.Status.SUPERSEDED:
            problems.append(f"План «{appendix.plan.title}» утратил силу: утвердить его нельзя.")
    plan_ids = {a.plan_id for a in appendices if a.kind == OrderAppendix.Kind.PLAN and a.plan_id}
    for plan in Plan.objects.filter(pk__in=plan_ids, schools__isnull=True).filter(
        Exists(Activity.objects.filter(_ADDRESSED_TO_PLAN_SCHOOLS, section__plan=OuterRef("pk")))
    ).order_by("pk"):
        # Approval would create no point for any school: the activities meant for «all schools of
        # the plan» would be tracked by nobody.
        problems.append(
            f"План «{plan.title}» адресован школам, но школы плана не выбраны: откройте план → «Изменить план» → «Школы плана»."
        )
    if order.replaces_id and not order.replaces.is_signed:
        problems.append("Документ, который заменяет этот, ещё не подписан.")
    if order.number and order.date:
        twin = Order.objects.filter(municipality_id=order.municipality_id, kind=order.kind, number=order.number, date=order.date)
        if twin.exclude(pk=order.pk).exists():
            problems.append(f"{order.get_kind_display()} с номером {order.number} от этой даты уже есть.")
    return problems


# --- The chair hears when a draft becomes ready to sign -------------------------------------------
# Kept as text in the bell (Notification has no order field); the home page lists the order itself
# under «На подпись» and marks it new while this notification is unread (schnor_portal/inbox.py).
ORDER_READY_KIND = "order_ready"


def order_ready_text(order: Order) -> str:
    return f"Проект готов к подписи: {order} «{order.title}»."


def _is_ready(order: Order) -> bool:
    return order.pk is not None and not order.is_signed and not order_sign_problems(order)


def _notify_when_ready(order: Order, was_ready: bool) -> int:
    """Tell the municipality's chairs when an edit leaves a draft with no sign problems: once per
    change from «not ready» to «ready», so further edits of a ready draft make no new notices."""
    if was_ready or not _is_ready(order):
        return 0
    chairs = User.objects.filter(role=Role.CHAIR, municipality_id=order.municipality_id, is_active=True)
    return notify(users=chairs, kind=ORDER_READY_KIND, control_point=None, order=order, text=order_ready_text(order))


def _mark_superseded(target: Order, by: Order):
    """The one change a signed order takes after signing: the note that it lost force."""
    if target.superseded_by_id:
        return
    target.superseded_by = by
    target.superseded_on = by.date
    target.save(update_fields=["superseded_by", "superseded_on"])


def verification_for_code(code: str) -> Verification:
    return Verification(
        code=code,
        url=site_url() + reverse("verification:order_check", args=[group_code(code)]),
        entry_url=site_url() + reverse("verification:code_form"),
    )


@transaction.atomic
def order_verification_code_ensure(*, order: Order) -> str:
    """The public code of a signed order. One marked signed outside the portal (loaded from the
    source documents) got none at signing: it gets one the first time it is printed."""
    current = Order.objects.select_for_update().get(pk=order.pk)
    if not current.is_signed:
        raise ValidationError("У проекта нет кода проверки: код выдаётся при подписании.", code="draft")
    if not current.verification_code:
        current.verification_code = new_code()
        current.save(update_fields=["verification_code"])
    order.verification_code = current.verification_code
    return current.verification_code


def order_verification(*, order: Order) -> Verification:
    """What each page of a signed order printed now carries (see order_verification_code_ensure)."""
    return verification_for_code(order.verification_code or order_verification_code_ensure(order=order))


def order_sign(*, order: Order, user, version: int | None = None) -> Order:
    """Sign: render the PDF once, store it with its SHA-256, approve the plans, void what it voids.

    The PDF is rendered before the row is locked (rendering takes seconds); under the lock the order
    must still be the one rendered — same version and same content — or signing is refused. The
    public verification code is drawn first, as it is printed on every page.
    """
    if version is not None and version != order.version:
        raise ValidationError(CONFLICT, code="conflict")
    if order_appendices_number(order=order):
        # Numbered just now (a draft from before automatic numbering, or imported): sign what is stored.
        order.refresh_from_db()
    problems = order_sign_problems(order)
    if problems:
        raise ValidationError(problems, code="not_ready")
    loaded_version = order.version
    content_hash = order_content_hash(order)
    code = new_code()
    pdf_bytes = render_order_pdf(order, verification=verification_for_code(code))
    name = default_storage.save(f"orders/{order.municipality_id}/{uuid.uuid4().hex}.pdf", ContentFile(pdf_bytes))
    try:
        with transaction.atomic():
            current = _lock_draft(order.pk, loaded_version)
            if order_content_hash(current) != content_hash:
                raise ValidationError(CONFLICT, code="conflict")
            current.pdf.name = name
            current.pdf_sha256 = hashlib.sha256(pdf_bytes).hexdigest()
            current.content_sha256 = content_hash
            current.verification_code = code
            current.status = Order.Status.SIGNED
            current.signed_by = user
            current.signed_at = timezone.now()
            current.version += 1
            current.save()
            plans = {a.plan_id for a in current.appendices.filter(kind=OrderAppendix.Kind.PLAN, plan__isnull=False)}
            plans |= set(current.approved_plans.values_list("pk", flat=True))
            for plan in Plan.objects.filter(pk__in=plans).exclude(status=Plan.Status.SUPERSEDED).order_by("pk"):
                plan_approve(plan=plan, order=current)
            for voided in current.voids.select_for_update():
                _mark_superseded(voided, current)
            if current.replaces_id:
                _mark_superseded(Order.objects.select_for_update().get(pk=current.replaces_id), current)
    except BaseException:
        default_storage.delete(name)
        raise
    return current


@transaction.atomic
def order_new_version(*, order: Order) -> Order:
    """A change of a signed order is a new order: a draft copy that replaces it."""
    source = Order.objects.select_for_update().get(pk=order.pk)
    if not source.is_signed:
        raise ValidationError("Новую редакцию создают для подписанного документа; проект можно просто изменить.", code="draft")
    existing = Order.objects.filter(replaces=source, status=Order.Status.DRAFT).first()
    if existing:
        raise ValidationError(f"Проект новой редакции уже есть: {existing} «{existing.title[:80]}». Продолжите его.", code="exists")
    fields = [f.name for f in Order._meta.concrete_fields if f.name not in ORDER_SKIP_ON_COPY]
    copy = Order.objects.create(**{name: getattr(source, name) for name in fields}, replaces=source)
    for point in source.points.order_by("number"):
        OrderPoint.objects.create(order=copy, **{name: getattr(point, name) for name in POINT_COPY_FIELDS})
    for appendix in source.appendices.prefetch_related("approvals").order_by("position"):
        twin = OrderAppendix.objects.create(order=copy, **{name: getattr(appendix, name) for name in APPENDIX_COPY_FIELDS})
        # The stamps belong to the appendix's text: a new edition of the order starts from them too.
        for stamp in appendix.approvals.all():
            AppendixApproval.objects.create(appendix=twin, **{name: getattr(stamp, name) for name in APPROVAL_COPY_FIELDS})
    return copy


# --- The order that puts a plan in force ---------------------------------------------------------

PLAN_KIND_GENITIVE = {
    "roadmap": "дорожной карты",
    "schedule": "плана-графика",
    "action_plan": "плана мероприятий",
    "project": "муниципального проекта",
    "support_programme": "программы адресной поддержки",
}


def approval_orders_of(plan: Plan):
    """Drafts that will approve the plan when signed."""
    return Order.objects.filter(
        status=Order.Status.DRAFT, appendices__kind=OrderAppendix.Kind.PLAN, appendices__plan=plan
    ).distinct()


@transaction.atomic
def order_for_plan_approval(*, plan: Plan) -> Order:
    """The draft order that approves a draft plan: only the chair's signature puts a plan in force.

    A new edition is approved «в новой редакции», and the order that approved the edition it
    replaces loses force («признать утратившим силу»), as the documents do. The coordinator adds the
    number and the date (or the chair's office does) and may edit every point before signing; a
    second call returns the draft already made.
    """
    # Lock the plan row only: PostgreSQL cannot lock the nullable side of the joined previous edition.
    current = Plan.objects.select_for_update(of=("self",)).select_related("municipality", "replaces__approved_by").get(pk=plan.pk)
    if current.status != Plan.Status.DRAFT:
        raise ValidationError("Приказ об утверждении готовят для черновика плана.", code="not_draft")
    existing = approval_orders_of(current).order_by("pk").first()
    if existing:
        return existing
    edition = current.replaces_id is not None
    kind = PLAN_KIND_GENITIVE.get(current.kind, "плана")
    title = f"Об утверждении {'в новой редакции ' if edition else ''}{kind} «{current.title.strip('«»')}»"
    requisites = order_defaults(current.municipality)
    requisites["signatory_id"] = requisites.pop("signatory")  # the form's initial is an id
    order = Order(municipality=current.municipality, title=title, **requisites)
    # A municipality that has not filled in its authority's requisites still gets its draft: the
    # blanks are the coordinator's to fill, and signing refuses them (order_sign_problems).
    order.full_clean(exclude=["header", "signatory_position", "signatory_name"])
    order.save()
    order_plan_appendix_ensure(order=order, plan=current)
    approve = point_initial("approve_plan", order, current)["text"]
    if edition:
        approve = approve.replace("Утвердить ", "Утвердить в новой редакции ", 1)
    texts = [approve]
    previous_order = current.replaces.approved_by if edition else None
    if previous_order is not None and previous_order.is_signed:
        texts.append(point_initial("void_order", order, previous_order)["text"])
        order.voids.add(previous_order)
    texts.append(point_initial("control_self", order)["text"])
    for number, text in enumerate(texts, start=1):
        OrderPoint.objects.create(order=order, number=number, text=text)
    return order


# --- Controlled points -------------------------------------------------------------------------


def _lock_point(point: OrderPoint) -> OrderPoint:
    current = OrderPoint.objects.select_for_update().select_related("order").get(pk=point.pk)
    if not current.order.is_signed:
        raise ValidationError("Пункт проекта ещё не действует: отчитываться можно после подписания.", code="draft")
    if not current.is_controlled:
        raise ValidationError("Пункт не на контроле: у него нет ответственного или срока.", code="not_controlled")
    return current


@transaction.atomic
def order_point_report(*, point: OrderPoint, user, text: str) -> OrderPoint:
    current = _lock_point(point)
    if current.accepted_at:
        raise ValidationError("Исполнение пункта уже принято: отчёт не меняется.", code="accepted")
    if not text.strip():
        raise ValidationError({"report_text": "Напишите, что сделано."})
    current.report_text = text.strip()
    current.reported_by = user
    current.reported_at = timezone.now()
    current.save(update_fields=["report_text", "reported_by", "reported_at"])
    return current


@transaction.atomic
def order_point_accept(*, point: OrderPoint, user) -> OrderPoint:
    current = _lock_point(point)
    if not current.reported_at:
        raise ValidationError("Принять можно только пункт с отчётом об исполнении.", code="not_reported")
    if current.accepted_at:
        raise ValidationError("Исполнение пункта уже принято.", code="accepted")
    current.accepted_by = user
    current.accepted_at = timezone.now()
    current.save(update_fields=["accepted_by", "accepted_at"])
    return current


@transaction.atomic
def order_point_return(*, point: OrderPoint, user) -> OrderPoint:
    """Send the report back: the point is on execution again, its text kept for the rewrite."""
    current = _lock_point(point)
    if current.accepted_at or not current.reported_at:
        raise ValidationError("Вернуть можно только отчёт, который ещё не принят.", code="not_reported")
    current.reported_at = None
    current.reported_by = None
    current.save(update_fields=["reported_at", "reported_by"])
    return current


# --- Background reports ------------------------------------------------------------------------


def report_file_request(*, owner, kind, period_start, period_end, school=None, plan=None) -> ReportFile:
    report_file = ReportFile(owner=owner, kind=kind, school=school, plan=plan, period_start=period_start, period_end=period_end)
    report_file.full_clean()
    report_file.save()
    # With the queue down the row stays pending and reports/tasks.py queues it later.
    transaction.on_commit(lambda: report_file_enqueue(report_file))
    return report_file
