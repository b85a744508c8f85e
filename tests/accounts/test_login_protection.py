"""Wrong passwords: after five in a row the user name is locked from that address for a while (django-axes)."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

LOGIN = "accounts:login"


def attempt(client, username, password, address="10.1.1.1"):
    return client.post(reverse(LOGIN), {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client, username, times, address="10.1.1.1"):
    """Wrong passwords: the form again with its error, and the lockout page from the fifth on."""
    for n in range(1, times + 1):
        response = attempt(client, username, "неверный", address)
        assert response.status_code == (200 if n < 5 else 429)
    return response


def test_it_locks_the_name_after_five_wrong_passwords_even_for_the_right_one(cast, client, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert "Неверное имя пользователя или пароль" in fail(client, "coordinator", 4).content.decode()
    assert attempt(client, "coordinator", "неверный").status_code == 429  # the fifth
    response = attempt(client, "coordinator", "demo")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Вход временно заблокирован" in page and "Повторите вход через 15 минут" in page
    assert "_auth_user_id" not in client.session


def test_it_does_not_lock_a_colleague_behind_the_same_address(cast, client):
    fail(client, "coordinator", 5)
    response = attempt(client, "chair", "demo")
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(cast.chair.pk)


def test_the_owner_can_still_log_in_from_another_address(cast, client):
    fail(client, "coordinator", 5, address="10.9.9.9")
    response = attempt(client, "coordinator", "demo", address="10.1.1.1")
    assert response.status_code == 302


def test_a_right_password_before_the_limit_resets_the_count(cast, client):
    fail(client, "coordinator", 4)
    assert attempt(client, "coordinator", "demo").status_code == 302
    client.post(reverse("accounts:logout"))
    fail(client, "coordinator", 4)
    assert attempt(client, "coordinator", "demo").status_code == 302


def test_the_lock_ends_after_the_cool_off_and_tries_during_it_prolong_it(cast, client):
    fail(client, "coordinator", 5)
    # Ten minutes later: still locked, and this try starts the fifteen minutes again.
    AccessAttempt.objects.update(attempt_time=datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=10))
    assert attempt(client, "coordinator", "demo").status_code == 429
    # Sixteen minutes after the last try the name is free.
    AccessAttempt.objects.update(attempt_time=datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=16))
    assert attempt(client, "coordinator", "demo").status_code == 302


@pytest.mark.parametrize("minutes, text", [(1, "1 минуту"), (3, "3 минуты"), (15, "15 минут"), (21, "21 минуту"), (11, "11 минут")])
def test_the_wait_is_said_in_russian(minutes, text):
    from accounts.lockout import ru_minutes

    assert ru_minutes(minutes) == text
