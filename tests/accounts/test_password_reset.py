"""Invitation links and «Забыли пароль?»: a one-time link sets the password, once, until it expires;
the reset page answers the same whether or not the address has an account."""

import datetime
import re

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse

from accounts.invitations import password_link
from accounts.models import Role
from accounts.services import account_create
from tests import factories as f


def _path(link):
    return re.sub(r"^https?://[^/]+", "", link)


@pytest.fixture
def invited(db, django_capture_on_commit_callbacks):
    coordinator = f.UserFactory(username="coordinator", role=Role.COORDINATOR)
    with django_capture_on_commit_callbacks(execute=True):
        return account_create(email="Curator@Example.ru", role=Role.CURATOR, by=coordinator, municipality=coordinator.municipality)


def _page(client, url):
    """The page's text without its per-response CSRF token."""
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", client.get(url).text)


def _set_password(client, link, password="Кураторский-пароль-2025"):
    response = client.get(_path(link))
    assert response.status_code == 302  # Django moves the token into the session, off the URL
    return client.post(response.url, {"new_password1": password, "new_password2": password})


def test_the_invitation_link_sets_the_password_once(client, invited, mailoutbox):
    [letter] = mailoutbox
    link = re.search(r"http://\S+", letter.body).group(0)
    response = _set_password(client, link)
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_complete")
    invited.refresh_from_db()
    assert invited.check_password("Кураторский-пароль-2025")
    # Used once: the token hashed the old password and no longer matches.
    response = client.get(_path(link), follow=True)
    assert "Ссылка недействительна" in response.text
    assert not response.context["validlink"]


def test_the_link_expires(client, invited, monkeypatch, settings):
    link = password_link(invited)
    later = datetime.datetime.now() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: later)
    response = client.get(_path(link), follow=True)
    assert not response.context["validlink"]


def test_the_link_of_a_switched_off_account_does_not_work(client, invited):
    link = password_link(invited)
    invited.is_active = False
    invited.save()
    response = client.get(_path(link), follow=True)
    assert not response.context["validlink"]


def test_the_timeout_is_three_days_by_default(settings):
    assert settings.PASSWORD_RESET_TIMEOUT == 3 * 24 * 60 * 60


def test_reset_answers_the_same_whether_or_not_the_address_exists(client, invited, mailoutbox, django_capture_on_commit_callbacks):
    mailoutbox.clear()
    url = reverse("accounts:password_reset")
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(url, {"email": "curator@example.ru"})
        unknown = client.post(url, {"email": "nobody@example.ru"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == reverse("accounts:password_reset_done")
    assert _page(client, known.url) == _page(client, unknown.url)
    # Only the owner of the address hears of it; an invited account without a password is found too.
    [letter] = mailoutbox
    assert letter.to == ["curator@example.ru"]
    assert letter.subject == "Портал ШНОР: новый пароль"
    link = re.search(r"http://\S+", letter.body).group(0)
    assert _set_password(client, link).url == reverse("accounts:password_reset_complete")


def test_a_switched_off_account_gets_no_reset_letter(client, invited, mailoutbox, django_capture_on_commit_callbacks):
    mailoutbox.clear()
    invited.is_active = False
    invited.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "curator@example.ru"})
    assert mailoutbox == []


def test_the_login_page_offers_a_reset(db, client):
    response = client.get(reverse("accounts:login"))
    assert reverse("accounts:password_reset") in response.text
    assert "Забыли пароль?" in response.text
