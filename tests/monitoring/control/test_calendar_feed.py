"""«Календарь сроков»: the .ics feed by a secret token, what each role finds in it, and revoking the link."""

import datetime
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.models import Role
from monitoring.control.calendar_feed import calendar_feed_for_user, calendar_points_for_user, local_today
from monitoring.models import CalendarFeed, ControlPoint
from tests import factories as f
from tests.monitoring.conftest import set_state


def today_of(user):
    return local_today(user, timezone.now())


def feed_of(user):
    return calendar_feed_for_user(user=user)


def fetch(client, user):
    return client.get(reverse("monitoring:calendar_feed", args=[feed_of(user).token]))


def uids(response):
    calendar = Calendar.from_ical(response.content)
    return {str(event["UID"]) for event in calendar.walk("VEVENT")}


def uid(cp):
    return f"cp-{cp.pk}@{urlsplit(settings.PORTAL_BASE_URL).hostname}"


@pytest.fixture
def points(cast):
    """Open points of both schools, the municipality and B; one done, one cancelled, one far ahead."""
    today = today_of(cast.coordinator)
    set_state(cast.cp_a, due_date=today + datetime.timedelta(days=10))
    set_state(cast.cp_b, due_date=today - datetime.timedelta(days=3), status=ControlPoint.Status.SUBMITTED)
    set_state(cast.cp_muni, due_date=today + datetime.timedelta(days=59))
    cast.cp_a_far = f.ControlPointFactory(activity=cast.activity, school=cast.school_a, due_date=today + datetime.timedelta(days=200))
    cast.cp_a_done = f.ControlPointFactory(activity=cast.activity, school=cast.school_a, due_date=today, status=ControlPoint.Status.DONE)
    cast.cp_a_cancelled = f.ControlPointFactory(
        activity=cast.activity, school=cast.school_a, due_date=today, status=ControlPoint.Status.CANCELLED, cancel_reason="Отменено"
    )
    cast.cp_a_overdue = f.ControlPointFactory(
        activity=cast.activity, school=cast.school_a, due_date=today - datetime.timedelta(days=400), status=ControlPoint.Status.REWORK
    )
    return cast


def test_it_gives_a_director_only_their_schools_open_points(points, client):
    response = fetch(client, points.director_a)
    assert response.status_code == 200
    # Every open point of school A, however far ahead or behind; not B's, not the municipality's, not closed ones.
    assert uids(response) == {uid(points.cp_a), uid(points.cp_a_far), uid(points.cp_a_overdue)}


def test_it_gives_a_curator_the_open_points_of_their_schools_today(points, client):
    # The curator's assignment to school B has ended (tests/conftest.py): B's point on review is not theirs.
    assert uids(fetch(client, points.curator)) == {uid(points.cp_a), uid(points.cp_a_far), uid(points.cp_a_overdue)}


@pytest.mark.parametrize("role", ["coordinator", "chair"])
def test_it_gives_the_municipality_overdue_and_next_60_days(points, client, role):
    got = uids(fetch(client, getattr(points, role)))
    assert got == {uid(points.cp_a), uid(points.cp_b), uid(points.cp_muni), uid(points.cp_a_overdue)}
    assert uid(points.cp_other) not in got


def test_it_gives_one_who_acts_on_no_point_an_empty_calendar(points, client):
    response = fetch(client, points.no_role)
    assert response.status_code == 200
    assert uids(response) == set()


@pytest.mark.parametrize("role", ["region_viewer", "region_admin"])
def test_it_gives_a_regions_account_the_region_bodys_own_points(points, client, role):
    """Those it reports (ИРО in a 3-level plan), on the region's clock: not the schools' or the
    municipality's, nor another region's."""
    user = getattr(points, role)
    today = today_of(user)
    assert today == points.muni.today()  # the region's municipalities keep Omsk's clock
    own = f.ControlPointFactory(activity=points.activity, school=None, regional=True, due_date=today + datetime.timedelta(days=20))
    late = f.ControlPointFactory(activity=points.activity, school=None, regional=True, due_date=today - datetime.timedelta(days=1))
    f.ControlPointFactory(activity=points.activity, school=None, regional=True, due_date=today, status=ControlPoint.Status.DONE)
    f.ControlPointFactory(activity=points.activity_other, school=None, regional=True, due_date=today + datetime.timedelta(days=3))
    response = fetch(client, user)
    assert uids(response) == {uid(own), uid(late)}
    assert "X-WR-TIMEZONE:Asia/Omsk" in response.content.decode()
    assert "просрочено на 1 день" in " ".join(response.content.decode().replace("\r\n ", "").split())


def test_it_never_reads_the_session(points, client):
    """Signed in as director A, B's token still shows B's points and only them."""
    client.force_login(points.director_a)
    assert uids(fetch(client, points.director_b)) == {uid(points.cp_b)}


def test_it_describes_each_point(points, client):
    response = fetch(client, points.director_a)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["X-WR-TIMEZONE"]) == "Asia/Omsk"
    event = next(e for e in calendar.walk("VEVENT") if str(e["UID"]) == uid(points.cp_a))
    assert event.start == points.cp_a.due_date  # all-day, a date
    assert event.end == points.cp_a.due_date + datetime.timedelta(days=1)
    assert str(event["SUMMARY"]).startswith(f"КТ {points.activity.number}: ")
    assert str(event["SUMMARY"]).endswith(" — БОУ «Калининская СОШ»")
    description = str(event["DESCRIPTION"])
    assert "Статус: запланировано" in description
    assert "осталось 10 дней" in description
    url = settings.PORTAL_BASE_URL + reverse("monitoring:control_point_detail", args=[points.cp_a.pk])
    assert url in description and str(event["URL"]) == url
    assert event["DTSTAMP"].dt.tzinfo is not None


def test_it_keeps_the_uid_of_a_point_from_fetch_to_fetch(points, client):
    first = uids(fetch(client, points.director_a))
    set_state(points.cp_a, due_date=points.cp_a.due_date + datetime.timedelta(days=1))
    assert uids(fetch(client, points.director_a)) == first


def test_it_answers_404_to_an_unknown_token(db, client):
    assert client.get(reverse("monitoring:calendar_feed", args=["x" * 43])).status_code == 404


def test_it_answers_404_for_a_switched_off_account(points, client):
    feed = feed_of(points.director_a)
    points.director_a.is_active = False
    points.director_a.save()
    assert client.get(reverse("monitoring:calendar_feed", args=[feed.token])).status_code == 404


def test_changing_the_link_revokes_the_old_one(points, client):
    old = feed_of(points.director_a).token
    client.force_login(points.director_a)
    response = client.post(reverse("monitoring:calendar_rotate"))
    assert response.status_code == 302
    new = CalendarFeed.objects.get(user=points.director_a).token
    assert new != old and len(new) >= 32
    client.logout()
    assert client.get(reverse("monitoring:calendar_feed", args=[old])).status_code == 404
    assert client.get(reverse("monitoring:calendar_feed", args=[new])).status_code == 200
    record = CalendarFeed.history.filter(user=points.director_a).latest()
    assert record.history_user == points.director_a
    assert not hasattr(record, "token")  # the secret is not copied into the history


def test_changing_the_link_takes_a_post_with_csrf(points):
    client = Client(enforce_csrf_checks=True)
    client.force_login(points.director_a)
    old = feed_of(points.director_a).token
    assert client.get(reverse("monitoring:calendar_rotate")).status_code == 405
    assert client.post(reverse("monitoring:calendar_rotate")).status_code == 403
    assert CalendarFeed.objects.get(user=points.director_a).token == old


def test_the_settings_page_shows_the_link_and_how_to_add_it(points, client):
    client.force_login(points.director_a)
    response = client.get(reverse("monitoring:calendar_settings"))
    assert response.status_code == 200
    text = response.content.decode()
    feed = CalendarFeed.objects.get(user=points.director_a)
    assert settings.PORTAL_BASE_URL + reverse("monitoring:calendar_feed", args=[feed.token]) in text
    for client_name in ("Outlook", "Яндекс Календарь", "Телефон", "Сменить ссылку"):
        assert client_name in text
    assert "По этой ссылке календарь ещё не обращался" in text
    fetch(Client(), points.director_a)
    assert "Календарь последний раз забирал сроки" in client.get(reverse("monitoring:calendar_settings")).content.decode()


def test_the_settings_page_gives_no_link_to_those_without_points(cast, client):
    client.force_login(cast.no_role)
    response = client.get(reverse("monitoring:calendar_settings"))
    assert response.status_code == 200
    assert 'data-testid="no-feed"' in response.content.decode()
    assert not CalendarFeed.objects.filter(user=cast.no_role).exists()


def test_it_keeps_the_nearest_points_when_there_are_too_many(points):
    today = today_of(points.director_a)
    chosen, truncated = calendar_points_for_user(user=points.director_a, today=today, limit=2)
    # Upcoming first, nearest first; the overdue one and the far one are left out.
    assert [cp.pk for cp in chosen] == [points.cp_a.pk, points.cp_a_far.pk]
    assert truncated
    chosen, truncated = calendar_points_for_user(user=points.director_a, today=today, limit=3)
    assert [cp.pk for cp in chosen] == [points.cp_a.pk, points.cp_a_far.pk, points.cp_a_overdue.pk]
    assert not truncated


@pytest.mark.parametrize("extra", [0, 27])
def test_it_answers_in_the_same_queries_at_3_rows_and_at_30(points, client, django_assert_num_queries, extra):
    today = today_of(points.director_a)
    for n in range(extra):
        f.ControlPointFactory(activity=points.activity, school=points.school_a, due_date=today + datetime.timedelta(days=n))
    token = feed_of(points.director_a).token
    # The feed by its token with its owner, the upcoming points, the overdue ones, the «last fetched» mark.
    with django_assert_num_queries(4):
        response = client.get(reverse("monitoring:calendar_feed", args=[token]))
    assert len(uids(response)) == 3 + extra


def test_a_coordinators_feed_is_capped(points, client, monkeypatch):
    from monitoring.control import calendar_feed

    monkeypatch.setattr(calendar_feed, "FEED_LIMIT", 2)
    calendar = Calendar.from_ical(fetch(client, points.coordinator).content)
    assert len(calendar.walk("VEVENT")) == 2
    assert "Показаны 2 ближайших" in str(calendar["X-WR-CALDESC"])


def test_it_empties_when_the_account_loses_its_role(points, client):
    """A role changed to one without points empties the feed at the next fetch."""
    points.director_a.role = Role.REGION
    points.director_a.save()
    assert uids(fetch(client, points.director_a)) == set()


@pytest.mark.parametrize(
    "role, says",
    [
        ("coordinator", "Просроченные контрольные точки муниципалитета и сроки ближайших 60 дней"),
        ("curator", "ваших школ"),
        ("region_viewer", "регионального уровня"),
    ],
)
def test_the_settings_page_says_what_the_feed_holds(cast, client, role, says):
    client.force_login(getattr(cast, role))
    assert says in client.get(reverse("monitoring:calendar_settings")).content.decode()
