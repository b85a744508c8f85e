"""A session ends after eight hours without a request, and its cookie with the browser.

School staff share computers. A request moves the session's end forward, writing the session row at
most once a minute (accounts.middleware.SessionRenewalMiddleware): one UPDATE and nothing else; the
tests below measure that. The test settings turn the renewal off for the page tests' query counts,
so these tests turn it back on.
"""

import datetime
import re

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

EIGHT_HOURS = 8 * 60 * 60


@pytest.fixture
def renewing(settings):
    settings.SESSION_RENEW_SECONDS = 60
    return settings


def session_row(client):
    return Session.objects.get(session_key=client.session.session_key)


def idle_for(client, seconds):
    """Make the last request `seconds` ago: the row's end is then that long before now + the idle limit."""
    end = timezone.now() + datetime.timedelta(seconds=EIGHT_HOURS - seconds)
    Session.objects.filter(session_key=client.session.session_key).update(expire_date=end)


def test_the_idle_limit_is_eight_hours_and_the_cookie_dies_with_the_browser(settings):
    assert settings.SESSION_COOKIE_AGE == EIGHT_HOURS
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    store = SessionStore()
    assert store.get_expiry_age() == EIGHT_HOURS and store.get_expire_at_browser_close() is True


def test_a_session_idle_longer_than_the_limit_is_logged_out(cast, client, renewing):
    client.force_login(cast.coordinator)
    assert client.get(reverse("home")).status_code == 200
    idle_for(client, EIGHT_HOURS + 60)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_each_request_moves_the_end_forward(cast, client, renewing):
    client.force_login(cast.coordinator)
    idle_for(client, EIGHT_HOURS - 60)  # a minute before the end
    before = timezone.now()
    assert client.get(reverse("home")).status_code == 200
    end = session_row(client).expire_date
    assert before + datetime.timedelta(seconds=EIGHT_HOURS) <= end <= timezone.now() + datetime.timedelta(seconds=EIGHT_HOURS)
    # Another seven hours without a request: still inside the limit counted from that request.
    idle_for(client, 7 * 60 * 60)
    assert client.get(reverse("home")).status_code == 200


def test_without_renewal_the_same_activity_would_not_have_kept_it(cast, client, settings):
    # The counterpart of the test above: what the renewal buys.
    settings.SESSION_RENEW_SECONDS = None
    client.force_login(cast.coordinator)
    idle_for(client, EIGHT_HOURS - 60)
    client.get(reverse("home"))
    assert session_row(client).expire_date < timezone.now() + datetime.timedelta(minutes=2)


def test_the_idle_limit_follows_the_setting(cast, client, renewing):
    renewing.SESSION_COOKIE_AGE = 30 * 60
    client.force_login(cast.coordinator)
    assert client.get(reverse("home")).status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)  # the last request 30 min + 1 s ago
    )
    assert client.get(reverse("home")).status_code == 302


def test_the_session_cookie_has_no_expiry_date(cast, client):
    response = client.post(reverse("accounts:login"), {"username": "coordinator", "password": "demo"})
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["expires"] == "" and cookie["max-age"] == ""


def test_without_expiry_at_browser_close_the_cookie_lasts_the_idle_limit(cast, client, settings):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = False
    response = client.post(reverse("accounts:login"), {"username": "coordinator", "password": "demo"})
    assert response.cookies["sessionid"]["max-age"] == EIGHT_HOURS


def test_renewal_costs_one_update_of_the_session_row_and_nothing_else(cast, client, settings):
    client.force_login(cast.coordinator)
    url = reverse("home")
    client.get(url)  # warm up whatever a first request loads once

    def statements(renew):
        settings.SESSION_RENEW_SECONDS = 0 if renew else None  # 0: this request renews
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        # The session's SELECT carries the time of the request: compare the statements without it.
        return [re.sub(r"'\d{4}-\d\d-\d\d[^']*'", "'…'", q["sql"]) for q in captured.captured_queries]

    without, with_renewal = statements(False), statements(True)
    extra = [sql for sql in with_renewal if sql not in without]
    # The session backend saves inside atomic(): a savepoint here, where each test runs in a
    # transaction; its own BEGIN/COMMIT on a server.
    writes = [sql for sql in extra if not sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len(writes) == 1 and writes[0].startswith('UPDATE "django_session" SET'), extra
    assert len(with_renewal) - len(without) == len(extra) <= 3
    assert not any(sql.startswith(("UPDATE", "INSERT", "DELETE")) for sql in without)


def writes_of(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured.captured_queries if q["sql"].startswith("UPDATE")]


def test_the_session_is_written_at_most_once_a_minute(cast, client, renewing):
    """Pages a minute apart renew; pages in between write nothing (a page of a replica stays a read)."""
    client.force_login(cast.coordinator)
    url = reverse("home")
    assert len(writes_of(client, url)) == 1  # the first page after signing in
    end = session_row(client).expire_date
    assert writes_of(client, url) == [] and writes_of(client, url) == []
    assert session_row(client).expire_date == end
    session = client.session
    session["_renewed_at"] -= 61  # the last renewal a minute and a second ago
    session.save()
    assert len(writes_of(client, url)) == 1
    assert session_row(client).expire_date > end


def test_a_visitor_who_is_not_signed_in_gets_no_session(db, client, renewing):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200 and "sessionid" not in response.cookies
