"""What needs each role today, for the home page: oldest and most urgent first, each item a link.

Every list is read through schools/access.py and costs one query however long it is; its figure
comes from one aggregate over the user's points (`inbox_counts`), so the page's query count does
not grow with the rows. A list shows its first INBOX_LIMIT items and says how many more the
register (filtered the same way, `query`) holds; lists the register cannot filter (due-date
requests, orders, visits) are shown whole or paged on the home page itself.
"""

import datetime
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q
from django.utils import timezone

from accounts.models import REGION_ROLES, Role
from monitoring.control.filters import OPEN_STATUSES
from monitoring.control.reminders import reminder_settings_for, ru_days_after_more_than
from monitoring.control.selectors import DUE_SOON_DAYS, control_point_rows, decorate
from monitoring.models import ControlPoint, DueDateChangeRequest, Notification
from monitoring.region.selectors import region_inbox
from reports.models import Order, OrderAppendix, OrderPoint
from reports.services import _ADDRESSED_TO_PLAN_SCHOOLS, ORDER_READY_KIND, order_ready_text
from roadmaps.models import Activity, Plan
from schools.access import control_point_scope, visible_control_points, visible_orders, visible_visits

Status = ControlPoint.Status
INBOX_LIMIT = 10
REQUESTS_PER_PAGE = 20
# The executor of a point with no school, by its `regional` flag.
LEVEL_NAMES = {False: "Муниципальный уровень", True: "Региональный уровень"}
LEVEL_QUERIES = {False: "municipality", True: "region"}
# A director hears back about a due-date request for this long after the decision.
ANSWERS_DAYS = 30


@dataclass
class InboxList:
    """One list of the inbox: `total` is the figure, `items` its first rows, `query` the register filter."""

    key: str
    title: str
    total: int = 0
    items: list = field(default_factory=list)
    query: str = ""
    note: str = ""

    @property
    def more(self) -> int:
        return self.total - len(self.items)


@dataclass
class Inbox:
    lists: list = field(default_factory=list)
    requests_page: object = None
    answers: list = field(default_factory=list)
    visits: list = field(default_factory=list)
    orders_ready: list = field(default_factory=list)
    orders_preparing: list = field(default_factory=list)
    overdue_by_executor: list = field(default_factory=list)
    escalation_days: int | None = None
    region: object = None  # the region's accounts: monitoring.region.selectors.RegionInbox


def _open_query(first: datetime.date, last: datetime.date | None = None) -> str:
    parts = [f"due_from={first.isoformat()}"] + ([f"due_to={last.isoformat()}"] if last else [])
    return "&".join(parts + [f"status={s}" for s in OPEN_STATUSES])


def _overdue_q(today):
    return Q(due_date__lt=today) & ~Q(status__in=ControlPoint.CLOSED_STATUSES)


def _escalated_q(today, days):
    """A school's point overdue more than `days` days (as the digest escalates, monitoring/control/reminders.py)."""
    return _overdue_q(today) & Q(due_date__lt=today - datetime.timedelta(days=days), school__isnull=False)


def _escalated_query(today, days) -> str:
    return f"overdue=yes&level=school&due_to={(today - datetime.timedelta(days=days + 1)).isoformat()}"


def _point_list(points, key, title, total, query, order, today, note=""):
    items = decorate(list(control_point_rows(points).order_by(*order)[:INBOX_LIMIT]), today) if total else []
    return InboxList(key, title, total, items, query, note)


def _escalation_days(user) -> int | None:
    if not user.municipality_id:
        return None
    return reminder_settings_for(user.municipality).escalation_days


def inbox_for_user(*, user, today: datetime.date, page_number=None) -> Inbox:
    """The role's lists; the region's accounts get the cabinet and the municipalities gone quiet, a user
    without a role nothing (their home is the figures)."""
    inbox = Inbox()
    role = user.role if not user.is_superuser else None
    if role in REGION_ROLES and user.region_id:
        # The region answers for its municipalities (the cabinet, who went quiet) and reports on the
        # region body's own points of their plans: those it must do today come first.
        inbox.region = region_inbox(user=user, today=today)
        inbox.lists = _region_point_lists(user, today)
        return inbox
    if role not in (Role.DIRECTOR, Role.CURATOR, Role.CHAIR, Role.COORDINATOR):
        return inbox
    points = visible_control_points(user)
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    counts = {
        "rework": Count("pk", filter=Q(status=Status.REWORK)),
        "submitted": Count("pk", filter=Q(status=Status.SUBMITTED)),
        "overdue": Count("pk", filter=_overdue_q(today)),
        "due_soon": Count("pk", filter=Q(status__in=OPEN_STATUSES, due_date__gte=today, due_date__lte=soon)),
        "needs_decision": Count("pk", filter=Q(needs_decision=True)),
    }
    if role in (Role.CHAIR, Role.COORDINATOR):
        # The chair hears of a point overdue more than N days; the coordinator, as in the digest, after 2N.
        days = _escalation_days(user)
        inbox.escalation_days = days * (2 if role == Role.COORDINATOR else 1)
        counts["escalated"] = Count("pk", filter=_escalated_q(today, inbox.escalation_days))
    n = points.aggregate(**counts)

    if role == Role.DIRECTOR:
        inbox.lists = [
            _point_list(
                points.filter(status=Status.REWORK), "returned", "Возвращены на доработку", n["rework"],
                "status=rework", ("due_date", "pk"), today,
            ),
            _point_list(
                points.filter(_overdue_q(today)), "overdue", "Просрочены", n["overdue"], "overdue=yes", ("due_date", "pk"), today
            ),
            _point_list(
                points.filter(status__in=OPEN_STATUSES, due_date__gte=today, due_date__lte=soon),
                "due_soon", f"Срок в ближайшие {DUE_SOON_DAYS} дней", n["due_soon"], _open_query(today, soon),
                ("due_date", "pk"), today,
            ),
        ]
        since = timezone.now() - datetime.timedelta(days=ANSWERS_DAYS)
        # Recent first: an answer is news, not a task; all of the last 30 days, never cut.
        inbox.answers = list(
            DueDateChangeRequest.objects.filter(
                control_point_scope(user, "control_point__"),
                status__in=[DueDateChangeRequest.Status.GRANTED, DueDateChangeRequest.Status.REFUSED],
                decided_at__gte=since,
            )
            .select_related("control_point", "control_point__activity")
            .order_by("-decided_at", "-pk")
        )
    elif role == Role.CURATOR:
        inbox.lists = [
            _point_list(
                points.filter(status=Status.SUBMITTED), "review", "Отчёты на проверку", n["submitted"], "status=submitted",
                (F("submitted_at").asc(nulls_last=True), "due_date", "pk"), today,
            ),
            _point_list(
                points.filter(status=Status.REWORK), "returned", "Возвращены на доработку, ещё не отправлены снова",
                n["rework"], "status=rework", ("due_date", "pk"), today,
            ),
        ]
        inbox.visits = list(
            visible_visits(user).filter(date__gte=today).select_related("school", "visitor").order_by("date", "pk")
        )
    else:
        escalated = _point_list(
            points.filter(_escalated_q(today, inbox.escalation_days)), "escalated",
            f"Просрочены более {ru_days_after_more_than(inbox.escalation_days)}", n["escalated"],
            _escalated_query(today, inbox.escalation_days), ("due_date", "pk"), today,
        )
        inbox.orders_ready, inbox.orders_preparing = _drafts(user)
        if role == Role.CHAIR:
            inbox.lists = [escalated]
        else:
            requests = DueDateChangeRequest.objects.filter(
                control_point_scope(user, "control_point__"), status=DueDateChangeRequest.Status.REQUESTED
            ).select_related("control_point", "control_point__activity", "control_point__school", "requested_by__person")
            inbox.requests_page = Paginator(requests.order_by("requested_at", "pk"), REQUESTS_PER_PAGE).get_page(page_number)
            inbox.lists = [
                _point_list(
                    points.filter(needs_decision=True), "needs_decision", "Требуют решения после изменения плана",
                    n["needs_decision"], "needs_decision=yes", ("due_date", "pk"), today,
                ),
                escalated,
            ]
            inbox.overdue_by_executor = [
                {
                    "school_id": row["school_id"],
                    "name": row["school__short_name"] or LEVEL_NAMES[row["regional"]],
                    "overdue": row["n"],
                    "query": f"overdue=yes&school={row['school_id']}" if row["school_id"] else f"overdue=yes&level={LEVEL_QUERIES[row['regional']]}",
                }
                for row in points.filter(_overdue_q(today))
                .values("school_id", "school__short_name", "regional")
                .annotate(n=Count("pk"))
                .order_by("-n", F("school__short_name").asc(nulls_first=True))
            ]
    return inbox


def _region_point_lists(user, today) -> list[InboxList]:
    """The region body's own points (regional, in 3-level plans): returned, overdue, due soon."""
    points = visible_control_points(user).filter(school__isnull=True, regional=True)
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    open_soon = Q(status__in=OPEN_STATUSES, due_date__gte=today, due_date__lte=soon)
    n = points.aggregate(
        any=Count("pk"),
        rework=Count("pk", filter=Q(status=Status.REWORK)),
        overdue=Count("pk", filter=_overdue_q(today)),
        due_soon=Count("pk", filter=open_soon),
    )
    if not n["any"]:
        return []  # no 3-level plan in the region: nothing of its own to report
    rows = points.select_related("municipality")
    return [
        _point_list(
            rows.filter(status=Status.REWORK), "region-returned", "Точки региона: возвращены на доработку", n["rework"],
            "level=region&status=rework", ("due_date", "pk"), today,
        ),
        _point_list(
            rows.filter(_overdue_q(today)), "region-overdue", "Точки региона: просрочены", n["overdue"],
            "level=region&overdue=yes", ("due_date", "pk"), today,
        ),
        _point_list(
            rows.filter(open_soon), "region-due-soon", f"Точки региона: срок в ближайшие {DUE_SOON_DAYS} дней",
            n["due_soon"], f"level=region&{_open_query(today, soon)}", ("due_date", "pk"), today,
        ),
    ]


# --- Drafts: ready to sign or still being prepared ------------------------------------------------


def _drafts(user):
    """The municipality's drafts split by `order_sign_problems`, oldest first, in four queries.

    The rules are those of reports/services.py `order_sign_problems`, read for all drafts at once
    (tests/test_home_inbox.py checks both agree); the chair's unread «готов к подписи»
    notifications mark the new ones.
    """
    drafts = list(
        visible_orders(user)
        .filter(status=Order.Status.DRAFT)
        .select_related("replaces")
        .annotate(has_points=Exists(OrderPoint.objects.filter(order=OuterRef("pk"))))
        .prefetch_related(Prefetch("appendices", queryset=OrderAppendix.objects.select_related("plan")))
        .order_by("date", "pk")
    )
    if not drafts:
        return [], []
    problems = drafts_sign_problems(drafts)
    ready = [o for o in drafts if not problems[o.pk]]
    preparing = [o for o in drafts if problems[o.pk]]
    for order in preparing:
        order.sign_problems = problems[order.pk]
    unread = set()
    if ready and user.role == Role.CHAIR:
        unread = set(
            Notification.objects.filter(
                user=user, kind=ORDER_READY_KIND, read_at__isnull=True, text__in=[order_ready_text(o) for o in ready]
            ).values_list("text", flat=True)
        )
    for order in ready:
        order.is_new = order_ready_text(order) in unread
    return ready, preparing


def drafts_sign_problems(drafts) -> dict:
    """`order_sign_problems` for many drafts (loaded as `_drafts` loads them) in two queries."""
    plan_ids = {a.plan_id for o in drafts for a in o.appendices.all() if a.kind == OrderAppendix.Kind.PLAN and a.plan_id}
    schoolless = set(
        Plan.objects.filter(pk__in=plan_ids, schools__isnull=True)
        .filter(Exists(Activity.objects.filter(_ADDRESSED_TO_PLAN_SCHOOLS, section__plan=OuterRef("pk"))))
        .values_list("pk", flat=True)
    ) if plan_ids else set()
    numbered = [o for o in drafts if o.number and o.date]
    taken = {}
    if numbered:
        for pk, municipality_id, kind, number, date in Order.objects.filter(
            municipality_id__in={o.municipality_id for o in numbered}, number__in={o.number for o in numbered}
        ).values_list("pk", "municipality_id", "kind", "number", "date"):
            taken.setdefault((municipality_id, kind, number, date), set()).add(pk)
    result = {}
    for order in drafts:
        problems = []
        if not order.number.strip():
            problems.append("Укажите номер документа: без номера его нельзя подписать.")
        if not order.date:
            problems.append("Укажите дату документа: без даты его нельзя подписать.")
        if not order.has_points:
            problems.append("В документе нет ни одного пункта.")
        if not order.header.strip():
            problems.append("Введите шапку бланка: наименование органа.")
        if not (order.signatory_position.strip() and order.signatory_name.strip()):
            problems.append("Укажите подписанта: должность и «И.О. Фамилия».")
        appendices = list(order.appendices.all())
        numbers = [a.number for a in appendices]
        if len(appendices) > 1 and None in numbers:
            problems.append("Приложений несколько: у каждого должен быть номер.")
        if len([x for x in numbers if x is not None]) != len({x for x in numbers if x is not None}):
            problems.append("Номера приложений повторяются.")
        for appendix in appendices:
            if appendix.kind == OrderAppendix.Kind.PLAN and appendix.plan and appendix.plan.status == Plan.Status.SUPERSEDED:
                problems.append(f"План «{appendix.plan.title}» утратил силу: утвердить его нельзя.")
        for plan in sorted({a.plan for a in appendices if a.kind == OrderAppendix.Kind.PLAN and a.plan_id in schoolless}, key=lambda p: p.pk):
            problems.append(
                f"План «{plan.title}» адресован школам, но школы плана не выбраны: откройте план → «Изменить план» → «Школы плана»."
            )
        if order.replaces_id and not order.replaces.is_signed:
            problems.append("Документ, который заменяет этот, ещё не подписан.")
        if order.number and order.date and taken.get((order.municipality_id, order.kind, order.number, order.date), set()) - {order.pk}:
            problems.append(f"{order.get_kind_display()} с номером {order.number} от этой даты уже есть.")
        result[order.pk] = problems
    return result
