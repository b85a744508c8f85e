"""Guessing one name's password from many addresses gains nothing: 20 failures in a day lock the name.

The pair rule (5 failures for one name from one address, 15 minutes) stays; the name rule counts
axes' failure log whatever the address (accounts.lockout.LockoutHandler). Without a proxy
(TRUSTED_PROXY_COUNT=0, as in tests) the address is REMOTE_ADDR, so each try below comes from its own.
"""

import datetime
import re

import pytest
from axes.models import AccessFailureLog
from django.urls import reverse
from django.utils import timezone

from accounts.lockout import ru_wait, username_lock_end
from accounts.models import LoginEvent

LOGIN = "accounts:login"


def attempt(client, username, password, address):
    return client.post(reverse(LOGIN), {"username": username, "password": password}, REMOTE_ADDR=address)


def address(n):
    return f"10.{n // 250}.{n % 250}.1"


def fail_from_many(client, username, times, first=0):
    """Wrong passwords, each from another address: the form with its error, never the pair lock."""
    responses = [attempt(client, username, "неверный", address(first + n)) for n in range(times)]
    return responses


def lockout_text(response):
    return re.search(r'data-testid="lockout">(.*?)</div>', response.content.decode(), re.S).group(1)


def test_the_limits_are_twenty_a_day_and_five_per_address(settings):
    assert settings.AXES_USERNAME_FAILURE_LIMIT == 20
    assert settings.AXES_USERNAME_COOLOFF_TIME == datetime.timedelta(hours=24)
    assert settings.AXES_FAILURE_LIMIT == 5 and settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_rotating_addresses_locks_the_name_at_the_twentieth_failure(cast, client):
    responses = fail_from_many(client, "coordinator", 20)
    assert [r.status_code for r in responses[:19]] == [200] * 19
    assert responses[19].status_code == 429
    assert "Повторите вход через 24 часа" in responses[19].content.decode()
    # The right password from yet another address is refused too, and nobody is signed in.
    response = attempt(client, "coordinator", "demo", address(100))
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    kinds = list(LoginEvent.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds[:19] == [LoginEvent.Kind.FAILED] * 19 and kinds[19:] == [LoginEvent.Kind.LOCKED_OUT] * 2


def test_a_colleague_is_not_locked(cast, client):
    fail_from_many(client, "coordinator", 20)
    response = attempt(client, "chair", "demo", address(0))
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(cast.chair.pk)


def test_the_lock_ends_when_the_failures_are_a_day_old(cast, client):
    fail_from_many(client, "coordinator", 20)
    AccessFailureLog.objects.update(attempt_time=timezone.now() - datetime.timedelta(hours=23))
    response = attempt(client, "coordinator", "demo", address(100))
    assert response.status_code == 429
    # That refused try is a failure too: it keeps the name locked after the other twenty are gone.
    assert "Повторите вход через" in lockout_text(response)
    AccessFailureLog.objects.update(attempt_time=timezone.now() - datetime.timedelta(hours=24, minutes=1))
    assert attempt(client, "coordinator", "demo", address(101)).status_code == 302


def test_a_successful_login_starts_the_count_again(cast, client):
    fail_from_many(client, "coordinator", 19)
    assert attempt(client, "coordinator", "demo", address(50)).status_code == 302
    client.post(reverse("accounts:logout"))
    responses = fail_from_many(client, "coordinator", 19, first=60)
    assert {r.status_code for r in responses} == {200}
    assert attempt(client, "coordinator", "demo", address(90)).status_code == 302


def test_the_pair_rule_still_locks_one_address_after_five(cast, client):
    responses = [attempt(client, "coordinator", "неверный", "10.1.1.1") for _ in range(5)]
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    assert "Повторите вход через 15 минут" in lockout_text(responses[-1])
    assert attempt(client, "coordinator", "demo", "10.1.1.1").status_code == 429
    assert attempt(client, "coordinator", "demo", "10.2.2.2").status_code == 302


def test_the_page_does_not_tell_whether_the_name_exists(cast, client):
    real = fail_from_many(client, "coordinator", 20)[-1]
    made_up = fail_from_many(client, "nobody-by-this-name", 20, first=200)[-1]
    assert real.status_code == made_up.status_code == 429
    assert lockout_text(real) == lockout_text(made_up)
    assert username_lock_end("nobody-by-this-name") is not None


def test_the_limits_follow_the_settings(cast, client, settings):
    settings.AXES_USERNAME_FAILURE_LIMIT = 3
    settings.AXES_USERNAME_COOLOFF_TIME = datetime.timedelta(hours=2)
    responses = fail_from_many(client, "coordinator", 3)
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert "Повторите вход через 2 часа" in lockout_text(responses[-1])


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (datetime.timedelta(seconds=20), "1 минуту"),
        (datetime.timedelta(minutes=15), "15 минут"),
        (datetime.timedelta(minutes=59, seconds=30), "1 час"),
        (datetime.timedelta(hours=2, minutes=1), "3 часа"),
        (datetime.timedelta(hours=5), "5 часов"),
        (datetime.timedelta(hours=21), "21 час"),
        (datetime.timedelta(hours=24), "24 часа"),
    ],
)
def test_the_wait_is_said_in_russian(delta, text):
    assert ru_wait(delta) == text
