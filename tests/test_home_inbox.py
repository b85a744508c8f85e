"""The home page's inbox: what needs each role today, each item a link, each figure a filtered list."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring.models import ControlPoint, DueDateChangeRequest, MonitoringVisit, Notification
from reports.models import Order, OrderAppendix, OrderPoint
from reports.services import ORDER_READY_KIND, order_point_save, order_save, order_sign_problems
from schnor_portal.inbox import _drafts, drafts_sign_problems
from tests import factories as f
from tests.monitoring.conftest import set_state

Status = ControlPoint.Status
LINKED_FIGURE = re.compile(r'<a[^>]*href="([^"]+)"[^>]*data-figure="([^"]+)">(\d+)</a>')
# A figure card: the whole card is the link, the figure sits inside it.
LINKED_CARD = re.compile(r'<a class="card[^"]*" href="([^"]+)"><div class="card-body">\s*<div[^>]*>[^<]*</div><div[^>]*data-figure="(\w+)">(\d+)</div>')


@pytest.fixture
def today(cast):
    # The pages count days on the municipality's clock (Omsk), not the server's (Moscow).
    return cast.muni.today()


def days(n):
    return datetime.timedelta(days=n)


def section(page, key):
    """The HTML of one inbox card (from its data-testid to the next card)."""
    start = page.index(f'data-testid="inbox-{key}"')
    end = page.find('data-testid="inbox-', start + 1)
    return page[start : end if end != -1 else len(page)]


def linked_figures(page):
    found = LINKED_FIGURE.findall(page) + LINKED_CARD.findall(page)
    return [(html.unescape(href), name, int(n)) for href, name, n in found]


def assert_register_links_count_their_figures(client, page):
    register = reverse("monitoring:register")
    checked = 0
    for href, name, n in linked_figures(page):
        if href.startswith(register + "?"):
            listed = client.get(href).context["page"].paginator.count
            assert listed == n, (name, href, listed, n)
            checked += 1
    return checked


def test_it_puts_the_returned_reports_on_top_of_the_directors_inbox(cast, client, today):
    late = f.ControlPointFactory(activity=cast.activity, school=cast.school_a, due_date=today - days(10))
    soon = f.ControlPointFactory(activity=cast.activity, school=cast.school_a, due_date=today + days(3))
    set_state(cast.cp_a, status=Status.REWORK, due_date=today + days(20), report_text="Сделано")
    set_state(cast.cp_b, due_date=today - days(30))  # another school's: never on this page
    client.force_login(cast.director_a)
    page = client.get(reverse("home")).content.decode()
    returned, overdue, due_soon = page.index('inbox-returned"'), page.index('inbox-overdue"'), page.index('inbox-due_soon"')
    assert returned < overdue < due_soon
    assert f'href="{reverse("monitoring:control_point_detail", args=[cast.cp_a.pk])}"' in section(page, "returned")
    assert f'{reverse("monitoring:control_point_detail", args=[late.pk])}"' in section(page, "overdue")
    assert f'{reverse("monitoring:control_point_detail", args=[soon.pk])}"' in section(page, "due_soon")
    assert f'{reverse("monitoring:control_point_detail", args=[cast.cp_b.pk])}"' not in page
    assert assert_register_links_count_their_figures(client, page) >= 3


def test_it_lists_the_oldest_overdue_first_and_says_how_many_more(cast, client, today):
    set_state(cast.cp_a, due_date=today + days(40))
    for n in range(12):
        f.ControlPointFactory(activity=cast.activity, school=cast.school_a, due_date=today - days(n + 1))
    client.force_login(cast.director_a)
    page = client.get(reverse("home")).content.decode()
    overdue = section(page, "overdue")
    assert "ещё 2 — все 12 в реестре" in overdue
    dues = [datetime.datetime.strptime(d, "%d.%m.%Y").date() for d in re.findall(r"срок (\d\d\.\d\d\.\d{4})", overdue)]
    assert dues == sorted(dues) and len(dues) == 10
    assert assert_register_links_count_their_figures(client, page)


def test_it_shows_the_director_the_answers_to_due_date_requests(cast, client, today):
    granted = DueDateChangeRequest.objects.create(
        control_point=cast.cp_a, current_due_date=cast.cp_a.due_date, requested_date=today + days(30), reason="Карантин",
        requested_by=cast.director_a, status="granted", decided_by=cast.coordinator, decided_at=timezone.now(),
    )
    DueDateChangeRequest.objects.create(
        control_point=cast.cp_b, current_due_date=cast.cp_b.due_date, requested_date=today + days(30), reason="Ремонт",
        requested_by=cast.director_b, status="refused", decided_by=cast.coordinator, decided_at=timezone.now(),
    )
    client.force_login(cast.director_a)
    answers = section(client.get(reverse("home")).content.decode(), "answers")
    assert "Перенос разрешён" in answers
    assert reverse("monitoring:control_point_detail", args=[granted.control_point_id]) in answers
    assert reverse("monitoring:control_point_detail", args=[cast.cp_b.pk]) not in answers


def test_it_shows_the_curator_reports_to_review_oldest_first_returned_and_visits(cast, client, today):
    now = timezone.now()
    older = f.ControlPointFactory(activity=cast.activity, school=cast.school_a, status=Status.SUBMITTED, submitted_at=now - days(5))
    newer = f.ControlPointFactory(activity=cast.activity, school=cast.school_a, status=Status.SUBMITTED, submitted_at=now - days(1))
    set_state(cast.cp_a, status=Status.REWORK)
    set_state(cast.cp_b, status=Status.SUBMITTED, submitted_at=now - days(9))  # school B is no longer hers
    visit = MonitoringVisit.objects.create(school=cast.school_a, date=today + days(7), purpose="Посещение уроков")
    MonitoringVisit.objects.create(school=cast.school_a, date=today - days(7), purpose="Прошедший")
    client.force_login(cast.curator)
    page = client.get(reverse("home")).content.decode()
    review = section(page, "review")
    assert review.index(f"/{older.pk}/") < review.index(f"/{newer.pk}/")
    assert f"/{cast.cp_b.pk}/" not in review
    assert f"/{cast.cp_a.pk}/" in section(page, "returned")
    visits = section(page, "visits")
    assert reverse("monitoring:visit_detail", args=[visit.pk]) in visits and "Прошедший" not in visits
    assert assert_register_links_count_their_figures(client, page) >= 2


def _ready_order(muni, **fields):
    order = f.OrderFactory(municipality=muni, number=fields.pop("number", "12"), date=fields.pop("date", datetime.date(2026, 11, 1)), **fields)
    OrderPoint.objects.create(order=order, number=1, text="Утвердить план.")
    return order


def test_it_shows_the_chair_orders_to_sign_apart_from_those_being_prepared(cast, client):
    ready = _ready_order(cast.muni)
    # cast.order has no number, date or points: still being prepared
    _ready_order(cast.other)  # another municipality's
    signed = _ready_order(cast.muni, number="13")
    Order.objects.filter(pk=signed.pk).update(status=Order.Status.SIGNED)
    client.force_login(cast.chair)
    page = client.get(reverse("home")).content.decode()
    to_sign = section(page, "to-sign")
    preparing = section(page, "preparing")
    assert f'data-order="{ready.pk}"' in to_sign
    assert f'data-order="{cast.order.pk}"' in preparing and "Укажите номер" in preparing
    assert f'data-order="{signed.pk}"' not in page and f'data-order="{cast.order_other.pk}"' not in page
    assert 'data-figure="to_sign">1<' in page and 'data-figure="preparing">1<' in page


def test_the_chair_is_notified_once_when_an_order_becomes_ready_and_sees_it_under_to_sign(cast, client):
    order = cast.order
    order_point_save(order=order, data={"number": 1, "text": "Утвердить план."})
    assert not Notification.objects.filter(kind=ORDER_READY_KIND).exists()
    order.refresh_from_db()
    order = order_save(order=order, data={"number": "15", "date": datetime.date(2026, 11, 2)}, version=order.version)
    order_save(order=order, data={"preamble": "В целях…"}, version=order.version)
    notices = Notification.objects.filter(kind=ORDER_READY_KIND)
    assert [n.user for n in notices] == [cast.chair]
    assert "№ 15" in notices[0].text
    client.force_login(cast.chair)
    to_sign = section(client.get(reverse("home")).content.decode(), "to-sign")
    assert f'data-order="{order.pk}"' in to_sign and "новое" in to_sign
    assert reverse("reports:order_detail", args=[order.pk]) in to_sign
    # The bell's page names the kind in Russian and links the order.
    bell = client.get(reverse("monitoring:notifications")).content.decode()
    assert "проект приказа готов к подписи" in bell and reverse("reports:order_detail", args=[order.pk]) in bell


def test_the_batch_sign_check_agrees_with_order_sign_problems(cast):
    plan = f.PlanFactory(municipality=cast.muni)
    orders = [
        cast.order,
        _ready_order(cast.muni),
        _ready_order(cast.muni, number="12", kind=Order.Kind.DIRECTIVE),
        _ready_order(cast.muni, number="99", header=""),
        _ready_order(cast.muni, number="98", replaces=cast.order),
    ]
    with_plans = _ready_order(cast.muni, number="50")
    OrderAppendix.objects.create(order=with_plans, position=1, kind=OrderAppendix.Kind.PLAN, plan=plan, title="План")
    OrderAppendix.objects.create(order=with_plans, position=2, kind=OrderAppendix.Kind.PLAN, plan=cast.plan, title="План")
    orders.append(with_plans)
    ready, preparing = _drafts(cast.chair)
    batch = {o.pk: [] for o in ready} | {o.pk: o.sign_problems for o in preparing}
    assert set(batch) >= {o.pk for o in orders}
    for order in Order.objects.filter(status=Order.Status.DRAFT, municipality=cast.muni):
        assert batch[order.pk] == order_sign_problems(order), order
    assert drafts_sign_problems([]) == {}


def test_it_shows_the_coordinator_requests_decisions_escalations_and_overdue_by_executor(cast, client, today):
    first = DueDateChangeRequest.objects.create(
        control_point=cast.cp_a, current_due_date=cast.cp_a.due_date, requested_date=today + days(30), reason="Карантин",
        requested_by=cast.director_a,
    )
    second = DueDateChangeRequest.objects.create(
        control_point=cast.cp_b, current_due_date=cast.cp_b.due_date, requested_date=today + days(30), reason="Ремонт",
        requested_by=cast.director_b,
    )
    DueDateChangeRequest.objects.create(
        control_point=cast.cp_other, current_due_date=cast.cp_other.due_date, requested_date=today, reason="Чужой",
        requested_by=cast.coordinator_other,
    )
    set_state(cast.cp_a, due_date=today - days(20), needs_decision=True, status=Status.SUBMITTED)
    set_state(cast.cp_b, due_date=today - days(3))
    set_state(cast.cp_muni, due_date=today - days(1))
    set_state(cast.cp_other, due_date=today - days(40))
    client.force_login(cast.coordinator)
    page = client.get(reverse("home")).content.decode()
    requests = section(page, "requests")
    assert requests.index(f"/{first.control_point_id}/") < requests.index(f"/{second.control_point_id}/")
    assert "Чужой" not in page and f"/{cast.cp_other.pk}/" not in page
    assert 'data-figure="requests">2<' in requests
    assert f"/{cast.cp_a.pk}/" in section(page, "needs_decision")
    # escalated after 2 × 7 days, as the coordinator's digest: cp_a (20 days) only
    escalated = section(page, "escalated")
    assert f"/{cast.cp_a.pk}/" in escalated and f"/{cast.cp_b.pk}/" not in escalated
    by_executor = section(page, "by-executor")
    assert "Калининская" in by_executor
    assert "Муниципальный уровень" in by_executor
    # needs decision, escalated, the three executors' overdue and the four point cards
    assert assert_register_links_count_their_figures(client, page) == 9


def test_the_chairs_escalation_starts_after_the_escalation_days(cast, client, today):
    set_state(cast.cp_a, due_date=today - days(8))
    set_state(cast.cp_b, due_date=today - days(7))
    client.force_login(cast.chair)
    page = client.get(reverse("home")).content.decode()
    escalated = section(page, "escalated")
    assert f"/{cast.cp_a.pk}/" in escalated and f"/{cast.cp_b.pk}/" not in escalated
    assert 'data-figure="inbox-escalated">1<' in escalated
    assert assert_register_links_count_their_figures(client, page)


# session, user, the bell (3); the summary: schools, list year, plans, points, orders, the role's
# table or plans (6); the inbox's figures in one aggregate over the points (1); then per role —
#   director: returned, overdue, due soon, each with its rows' municipal executors (6), answers (1): 17;
#   curator: to review, returned, each with executors (4), visits (1): 15;
#   chair: reminder settings, escalated with executors, drafts, their appendices, same numbers,
#     unread notices (7): 17;
#   coordinator: reminder settings, escalated and needs decision with executors, drafts, appendices,
#     same numbers, requests count and page, overdue by executor (11): 21.
# An empty list costs nothing; a draft with a plan appendix adds one (plans without schools).
@pytest.mark.parametrize(
    ("role", "queries"), [("director_a", 17), ("curator", 15), ("chair", 17), ("coordinator", 21)]
)
def test_the_inbox_costs_a_fixed_number_of_queries_at_3_and_30_rows(cast, client, django_assert_num_queries, today, role, queries):
    user = getattr(cast, role)
    client.force_login(user)
    for rows in (3, 30):
        while cast.muni.schools.count() < rows:
            n = cast.muni.schools.count()
            school = f.SchoolFactory(municipality=cast.muni)
            f.CuratorAssignmentFactory(school=school, curator=cast.curator.person)
            for s in (school, cast.school_a):
                cp = f.ControlPointFactory(activity=cast.activity, school=s, due_date=today - days(n % 20 + 1), needs_decision=True)
                DueDateChangeRequest.objects.create(
                    control_point=cp, current_due_date=cp.due_date, requested_date=today + days(9), reason="…",
                    requested_by=cast.director_a, status=("requested", "granted")[n % 2],
                    decided_at=timezone.now() if n % 2 else None,
                )
                f.ControlPointFactory(activity=cast.activity, school=s, status=Status.REWORK, due_date=today + days(n % 10))
                f.ControlPointFactory(
                    activity=cast.activity, school=s, status=Status.SUBMITTED, due_date=today + days(3), submitted_at=timezone.now()
                )
            MonitoringVisit.objects.create(school=school, date=today + days(n), purpose="Визит")
            MonitoringVisit.objects.create(school=cast.school_a, date=today + days(n), purpose="Визит")
            _ready_order(cast.muni, number=f"{n}-a")
            f.OrderFactory(municipality=cast.muni)
        with django_assert_num_queries(queries):
            assert client.get(reverse("home")).status_code == 200
