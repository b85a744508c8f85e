"""Every sign-in, sign-out and refused sign-in is in the login log, with where it came from."""

import pytest
from django.urls import reverse

from accounts.models import LoginEvent
from tests import factories as f

Kind = LoginEvent.Kind
BROWSER = "Mozilla/5.0 (Windows NT 10.0) Яндекс.Браузер/24.1"


def login(client, username, password, address="10.20.30.40", **extra):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password},
        REMOTE_ADDR=address, HTTP_USER_AGENT=BROWSER, **extra,
    )


def test_a_login_and_a_logout_are_recorded_with_address_and_browser(cast, client):
    assert login(client, "coordinator", "demo").status_code == 302
    client.post(reverse("accounts:logout"), REMOTE_ADDR="10.20.30.40", HTTP_USER_AGENT=BROWSER)
    logout, signed_in = LoginEvent.objects.all()  # newest first
    assert (signed_in.kind, signed_in.user, signed_in.username) == (Kind.LOGIN, cast.coordinator, "coordinator")
    assert (signed_in.ip_address, signed_in.user_agent) == ("10.20.30.40", BROWSER)
    assert (logout.kind, logout.user, logout.ip_address) == (Kind.LOGOUT, cast.coordinator, "10.20.30.40")
    assert signed_in.at <= logout.at


def test_a_wrong_password_and_an_unknown_name_are_recorded_as_tried(cast, client):
    login(client, "coordinator", "неверный")
    login(client, "нет-такого", "demo")
    unknown, wrong = LoginEvent.objects.all()
    assert (wrong.kind, wrong.username, wrong.user) == (Kind.FAILED, "coordinator", None)
    assert (unknown.kind, unknown.username) == (Kind.FAILED, "нет-такого")
    assert "demo" not in str(list(LoginEvent.objects.values()))  # no password is ever kept


def test_tries_during_a_lockout_are_recorded_as_such(cast, client):
    for _ in range(5):
        login(client, "coordinator", "неверный")
    login(client, "coordinator", "demo")
    kinds = list(LoginEvent.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds[:4] == [Kind.FAILED] * 4
    assert kinds[-1] == Kind.LOCKED_OUT and Kind.LOGIN not in kinds


def test_behind_our_proxy_the_address_it_saw_is_recorded(cast, client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client forged the first entry; nginx appended the address it really saw.
    login(client, "coordinator", "demo", address="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.1.2.3")
    assert LoginEvent.objects.get().ip_address == "10.1.2.3"


def test_without_a_proxy_a_forged_header_is_ignored(cast, client):
    login(client, "coordinator", "demo", address="10.20.30.40", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert LoginEvent.objects.get().ip_address == "10.20.30.40"


def test_control_characters_in_the_browser_name_are_dropped(cast, client):
    client.post(
        reverse("accounts:login"), {"username": "coordinator", "password": "demo"},
        REMOTE_ADDR="10.0.0.1", HTTP_USER_AGENT="Evil\x1b[2J\x00Browser" + "x" * 900,
    )
    agent = LoginEvent.objects.get().user_agent
    assert agent.startswith("Evil[2JBrowser") and len(agent) == 500


def test_the_admin_shows_the_log_and_nobody_edits_it(cast, client):
    login(client, "coordinator", "неверный")
    admin = f.UserFactory(username="admin", role="", municipality=None, is_superuser=True, is_staff=True)
    client.force_login(admin)
    page = client.get(reverse("admin:accounts_loginevent_changelist")).content.decode()
    assert "Журнал входов" in page and "coordinator" in page and "неудачная попытка входа" in page
    assert client.get(reverse("admin:accounts_loginevent_add")).status_code == 403
    event = LoginEvent.objects.filter(kind=Kind.FAILED).get()
    assert client.post(reverse("admin:accounts_loginevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert LoginEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize("role", ["coordinator", "chair", "director_a"])
def test_role_accounts_do_not_see_the_log(cast, client, role):
    client.force_login(getattr(cast, role))
    response = client.get(reverse("admin:accounts_loginevent_changelist"))
    assert response.status_code == 302  # to the admin's login: only superusers get in
