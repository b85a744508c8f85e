"""The execution pages as each role sees them."""

import datetime
import re

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from monitoring.control import workflow
from monitoring.control.selectors import visit_list_for_school
from monitoring.models import ControlPoint, MonitoringVisit, Notification, ReminderSettings
from roadmaps.models import ActivityExecutor
from tests.monitoring.conftest import set_state

PLAIN = [
    "monitoring:my_school",
    "monitoring:curator_home",
    "monitoring:dashboard",
    "monitoring:register",
    "monitoring:register_export",
    "monitoring:notifications",
    "monitoring:reminder_settings",
]


@pytest.mark.parametrize("url_name", PLAIN)
def test_it_sends_anonymous_visitors_to_login(db, client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ["coordinator", "chair", "curator", "director_a", "region_viewer", "coordinator_other"])
def test_every_page_opens_for_every_role(cast, client, role):
    client.force_login(getattr(cast, role))
    for url_name in PLAIN:
        status = client.get(reverse(url_name)).status_code
        expected = 200 if url_name != "monitoring:reminder_settings" or role in ("coordinator", "coordinator_other") else 403
        assert status == expected, (url_name, status)


def test_my_school_groups_the_points_and_filters_them(cast, client):
    today = timezone.localdate()
    set_state(cast.cp_a, due_date=today - datetime.timedelta(days=2))
    later = ControlPoint.objects.create(activity=cast.activity, municipality=cast.muni, school=cast.school_a, due_date=today + datetime.timedelta(days=40))
    soon = ControlPoint.objects.create(activity=cast.activity, municipality=cast.muni, school=cast.school_a, due_date=today + datetime.timedelta(days=5))
    done = ControlPoint.objects.create(
        activity=cast.activity, municipality=cast.muni, school=cast.school_a, due_date=today - datetime.timedelta(days=20), status="done"
    )
    client.force_login(cast.director_a)
    response = client.get(reverse("monitoring:my_school"))
    groups = {g.key: ([cp.pk for cp in g.points], g.total) for g in response.context["groups"]}
    # The folded groups are counted; their cards come when opened (test_long_lists.py).
    assert groups == {"overdue": ([cast.cp_a.pk], 1), "soon": ([soon.pk], 1), "later": ([], 1), "done": ([], 1)}
    page = response.content.decode()
    assert cast.activity.deadline_text in page and cast.activity.expected_result in page
    assert cast.cp_b.activity.content in page  # same activity, but only school A's points are listed
    assert page.count('data-testid="cp-card"') == 2
    filtered = client.get(reverse("monitoring:my_school"), {"status": "done"})
    assert [cp.pk for g in filtered.context["groups"] for cp in g.points] == [done.pk]
    by_period = client.get(reverse("monitoring:my_school"), {"due_from": (today + datetime.timedelta(days=1)).isoformat()})
    assert sorted(cp.pk for g in by_period.context["groups"] for cp in g.points) == sorted([soon.pk, later.pk])


def test_the_director_reports_in_the_card_and_sends_it_to_the_curator(cast, client):
    client.force_login(cast.director_a)
    url = reverse("monitoring:control_point_report", args=[cast.cp_a.pk])
    form = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'data-testid="report-form"' in form and 'name="version"' in form
    response = client.post(
        url, {"version": 1, "report_text": "Проведён педсовет", "status": "in_progress", "action": "submit"}, headers={"HX-Request": "true"}
    )
    card = response.content.decode()
    assert "Отчёт отправлен куратору на проверку" in card and 'data-status="submitted"' in card
    assert Notification.objects.filter(user=cast.curator, kind="submitted", control_point=cast.cp_a).exists()


def test_submitting_without_a_report_keeps_it_saved_and_says_what_is_missing(cast, client):
    client.force_login(cast.director_a)
    response = client.post(
        reverse("monitoring:control_point_report", args=[cast.cp_a.pk]),
        {"version": 1, "report_text": "", "action": "submit"},
        headers={"HX-Request": "true"},
    )
    assert "Опишите, что сделано" in response.content.decode()
    cast.cp_a.refresh_from_db()
    assert cast.cp_a.status == "planned"


def test_the_curator_accepts_and_returns_from_the_queue(cast, client):
    cp_b_like = ControlPoint.objects.create(activity=cast.activity, municipality=cast.muni, school=cast.school_a, due_date=cast.cp_a.due_date)
    for cp in (cast.cp_a, cp_b_like):
        cp = workflow.control_point_report(control_point=cp, user=cast.director_a, version=cp.version, report_text="Сделано")
        workflow.control_point_submit(control_point=cp, user=cast.director_a, version=cp.version)
    client.force_login(cast.curator)
    page = client.get(reverse("monitoring:curator_home"))
    assert [cp.pk for cp in page.context["queue"]] == [cast.cp_a.pk, cp_b_like.pk]
    (school_row,) = page.context["schools"]
    assert (school_row.pk, school_row.in_work + school_row.overdue, school_row.done) == (cast.school_a.pk, 2, 0)
    cast.cp_a.refresh_from_db()
    accepted = client.post(
        reverse("monitoring:control_point_accept", args=[cast.cp_a.pk]), {"version": cast.cp_a.version}, headers={"HX-Request": "true"}
    )
    assert "Отчёт принят" in accepted.content.decode()
    cp_b_like.refresh_from_db()
    without_comment = client.post(
        reverse("monitoring:control_point_return", args=[cp_b_like.pk]), {"version": cp_b_like.version, "comment": ""}, headers={"HX-Request": "true"}
    )
    assert "без комментария вернуть отчёт нельзя" in without_comment.content.decode()
    client.post(
        reverse("monitoring:control_point_return", args=[cp_b_like.pk]),
        {"version": cp_b_like.version, "comment": "Приложите протокол педсовета"},
        headers={"HX-Request": "true"},
    )
    cp_b_like.refresh_from_db()
    assert cp_b_like.status == "rework"
    # The director sees the comment on «Моя школа» and gets a notification.
    client.force_login(cast.director_a)
    assert "Приложите протокол педсовета" in client.get(reverse("monitoring:my_school")).content.decode()
    assert Notification.objects.filter(user=cast.director_a, kind="returned").exists()


def test_the_point_page_shows_thread_history_and_the_right_buttons(cast, client):
    cp = workflow.control_point_report(control_point=cast.cp_a, user=cast.director_a, version=1, report_text="Сделано")
    workflow.control_point_comment(control_point=cp, user=cast.curator, text="Уточните число участников")
    cp = workflow.control_point_submit(control_point=cp, user=cast.director_a, version=cp.version)
    url = reverse("monitoring:control_point_detail", args=[cp.pk])
    client.force_login(cast.curator)
    page = client.get(url).content.decode()
    assert "Уточните число участников" in page
    assert "Отправлено на проверку" in page and "статус: в работе → на проверке" in page
    assert 'data-testid="review-form"' in page and 'data-testid="report-form"' not in page
    client.force_login(cast.chair)
    page = client.get(url).content.decode()
    assert 'data-testid="review-form"' not in page and "Добавить комментарий" not in page and "Отменить точку" not in page
    client.force_login(cast.coordinator)
    page = client.get(url).content.decode()
    assert 'data-testid="review-form"' in page and "Отменить точку" in page


def test_the_coordinator_keeps_or_cancels_a_flagged_point(cast, client):
    set_state(cast.cp_a, needs_decision=True, status="in_progress", report_text="Отчёт по старому сроку")
    set_state(cast.cp_b, needs_decision=True, status="in_progress", report_text="Отчёт")
    client.force_login(cast.coordinator)
    flagged = client.get(reverse("monitoring:register"), {"needs_decision": "yes"})
    assert sorted(cp.pk for cp in flagged.context["points"]) == sorted([cast.cp_a.pk, cast.cp_b.pk])
    client.post(reverse("monitoring:control_point_keep", args=[cast.cp_a.pk]), {"version": cast.cp_a.version})
    client.post(reverse("monitoring:control_point_cancel", args=[cast.cp_b.pk]), {"version": cast.cp_b.version, "reason": "Мероприятие исключено из плана"})
    cast.cp_a.refresh_from_db()
    cast.cp_b.refresh_from_db()
    assert (cast.cp_a.needs_decision, cast.cp_a.status) == (False, "in_progress")
    assert (cast.cp_b.needs_decision, cast.cp_b.status, cast.cp_b.cancel_reason) == (False, "cancelled", "Мероприятие исключено из плана")


def test_the_dashboard_figures_link_to_the_points_behind_them(cast, client):
    today = timezone.localdate()
    ActivityExecutor.objects.create(activity=cast.activity, position=1, level="municipality", kind="role", name="Отдел образования")
    set_state(cast.cp_a, due_date=today - datetime.timedelta(days=3))
    set_state(cast.cp_b, due_date=today + datetime.timedelta(days=3))
    set_state(cast.cp_muni, due_date=today - datetime.timedelta(days=9))
    client.force_login(cast.coordinator)
    response = client.get(reverse("monitoring:dashboard"))
    d = response.context["d"]
    assert (d.totals["overdue"], d.totals["due_soon"], d.by_level) == (2, 1, {"school": 1, "municipality": 1, "region": 0})
    assert [(r["name"], r["overdue"]) for r in d.by_executor] == [("Отдел образования", 1)]
    assert [(c["cluster"].pk, c["overdue"]) for c in d.by_cluster] == [(cast.cluster.pk, 1)]
    page = response.content.decode()
    links = set(re.findall(r'href="(/execution/register/\?[^"]*)"', page.replace("&amp;", "&")))
    assert links
    for link in links:  # every figure's link opens the register with that many points
        listed = client.get(link)
        assert listed.status_code == 200, link
    overdue = client.get(reverse("monitoring:register") + "?overdue=yes")
    assert sorted(cp.pk for cp in overdue.context["points"]) == sorted([cast.cp_a.pk, cast.cp_muni.pk])
    by_cluster = client.get(reverse("monitoring:register") + f"?overdue=yes&cluster={cast.cluster.pk}")
    assert [cp.pk for cp in by_cluster.context["points"]] == [cast.cp_a.pk]


def test_the_dashboard_counts_within_the_chosen_period(cast, client):
    set_state(cast.cp_a, due_date=datetime.date(2024, 5, 1))
    client.force_login(cast.coordinator)
    response = client.get(reverse("monitoring:dashboard"), {"from": "2024-01-01", "to": "2024-12-31"})
    assert response.context["d"].totals["total"] == 1
    assert "due_from=2024-01-01" in response.content.decode()


def test_notifications_page_marks_them_read_and_the_bell_counts_in_one_query(cast, client, django_assert_num_queries):
    Notification.objects.create(user=cast.director_a, kind="returned", control_point=cast.cp_a, text="Возвращено на доработку")
    Notification.objects.create(user=cast.director_a, kind="comment", control_point=cast.cp_a, text="Новый комментарий")
    Notification.objects.create(user=cast.curator, kind="submitted", control_point=cast.cp_a, text="Не ему")
    request = RequestFactory().get("/")
    request.user = cast.director_a
    template = Template("{% load monitoring_tags %}{% notification_bell %}{% notification_bell %}")
    with django_assert_num_queries(1):
        html = template.render(Context({"request": request}))
    assert 'data-testid="unread-count">2<' in html
    client.force_login(cast.director_a)
    page = client.get(reverse("monitoring:notifications")).content.decode()
    assert "Возвращено на доработку" in page and "Не ему" not in page and "новое" in page
    assert not Notification.objects.filter(user=cast.director_a, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=cast.curator, read_at__isnull=True).count() == 1


def test_only_the_coordinator_changes_reminder_settings(cast, client):
    client.force_login(cast.chair)
    assert client.post(reverse("monitoring:reminder_settings"), {"enabled": "on", "days_ahead": 3}).status_code == 403
    client.force_login(cast.coordinator)
    assert client.get(reverse("monitoring:reminder_settings")).status_code == 200
    assert not ReminderSettings.objects.exists()  # created on the first save
    response = client.post(
        reverse("monitoring:reminder_settings"), {"enabled": "on", "days_ahead": 3, "escalation_days": 10, "send_hour": 9}
    )
    assert response.status_code == 302
    row = ReminderSettings.objects.get(municipality=cast.muni)
    assert (row.days_ahead, row.escalation_days, row.send_hour) == (3, 10, 9)
    assert client.post(reverse("monitoring:reminder_settings"), {"days_ahead": 3, "escalation_days": 10, "send_hour": 30}).status_code == 200


def test_visits_are_recorded_by_the_curator_and_listed_for_the_school_card(cast, client):
    client.force_login(cast.curator)
    assert client.get(reverse("monitoring:visit_add", args=[cast.school_b.pk])).status_code == 404
    response = client.post(
        reverse("monitoring:visit_add", args=[cast.school_a.pk]),
        {"date": "2026-11-20", "purpose": "Посещение уроков математики", "findings": "Уроки проведены", "recommendations": "Усилить работу с ВПР"},
    )
    visit = MonitoringVisit.objects.get()
    assert response.url == reverse("monitoring:visit_detail", args=[visit.pk])
    assert visit.visitor == cast.curator.person and visit.created_by == cast.curator
    # Change with a stale version is refused.
    url = reverse("monitoring:visit_change", args=[visit.pk])
    data = {"date": "2026-11-20", "purpose": "Посещение", "version": visit.version}
    assert client.post(url, data).status_code == 302
    assert "уже изменил другой пользователь" in client.post(url, data).content.decode()
    for role, status in (("director_a", 200), ("chair", 200), ("director_b", 404), ("coordinator_other", 404)):
        client.force_login(getattr(cast, role))
        assert client.get(reverse("monitoring:visit_detail", args=[visit.pk])).status_code == status, role
    client.force_login(cast.director_a)
    assert client.get(url).status_code == 403
    context = visit_list_for_school(school=cast.school_a, user=cast.director_a)
    assert [v.pk for v in context["visits"]] == [visit.pk] and context["can_add_visit"] is False
    html = Template('{% include "monitoring/control/partials/school_visits.html" %}').render(Context({"school": cast.school_a, **context}))
    assert "Посещение" in html and "Записать визит" not in html


def test_home_figures_have_links_to_the_points_behind_them(cast, client):
    template = Template('{% load monitoring_tags %}{% execution_link "overdue" %}|{% execution_link "due_soon" school=7 %}|{% execution_link "done" %}')
    request = RequestFactory().get("/")
    request.user = cast.coordinator
    overdue, soon, done = template.render(Context({"request": request})).replace("&amp;", "&").split("|")
    assert overdue == "/execution/register/?overdue=yes" and done == "/execution/register/?status=done"
    assert soon.startswith("/execution/register/?due_from=") and soon.endswith("&school=7") and "status=rework" in soon
    client.force_login(cast.coordinator)
    assert client.get(soon.replace("school=7", f"school={cast.school_a.pk}")).status_code == 200
    request.user = cast.director_a
    assert template.render(Context({"request": request})).split("|")[0] == "/execution/my-school/#overdue"
