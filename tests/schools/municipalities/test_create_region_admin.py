"""`manage.py create_region_admin`: the first account of a region without /admin/ or a shell."""

import io
import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.management import CommandError, call_command
from django.utils.http import urlsafe_base64_decode

from accounts.models import Role, User
from schools.models import Region
from tests import factories as f


def _run(*args, stdin=None, monkeypatch=None):
    out = io.StringIO()
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    call_command("create_region_admin", *args, stdout=out)
    return out.getvalue()


def _link_user_and_token(output):
    uid, token = re.search(r"http://\S+/accounts/password/set/([^/]+)/([^/]+)/", output).groups()
    return User.objects.get(pk=urlsafe_base64_decode(uid).decode()), token


@pytest.mark.django_db
def test_it_creates_the_region_and_its_administrator_and_prints_a_link(settings):
    settings.PORTAL_BASE_URL = "http://shnor.example.ru"
    output = _run("--region", "Омская  область", "--email", "Admin@Omsk.example.ru")
    region = Region.objects.get(name="Омская область")
    user = User.objects.get(username="admin@omsk.example.ru")
    assert (user.role, user.region, user.email, user.municipality) == (Role.REGION_ADMIN, region, "admin@omsk.example.ru", None)
    assert not user.has_usable_password()
    assert "http://shnor.example.ru/accounts/password/set/" in output
    linked, token = _link_user_and_token(output)
    assert linked == user and default_token_generator.check_token(user, token)
    assert user.history.latest().history_change_reason == "создан командой create_region_admin"


@pytest.mark.django_db
def test_it_uses_an_existing_region():
    region = f.RegionFactory(name="Сахалинская область")
    _run("--region", "Сахалинская область", "--email", "admin@sakhalin.example.ru")
    assert Region.objects.filter(name="Сахалинская область").count() == 1
    assert User.objects.get(username="admin@sakhalin.example.ru").region == region


@pytest.mark.django_db
def test_a_second_run_says_it_exists_and_prints_a_fresh_link():
    _run("--region", "Омская область", "--email", "admin@omsk.example.ru")
    output = _run("--region", "Омская область", "--email", "ADMIN@omsk.example.ru")
    assert "уже есть" in output
    assert User.objects.filter(username__iexact="admin@omsk.example.ru").count() == 1
    user, token = _link_user_and_token(output)
    assert default_token_generator.check_token(user, token)


@pytest.mark.django_db
def test_it_reads_a_password_from_stdin(monkeypatch):
    output = _run("--region", "Омская область", "--email", "admin@omsk.example.ru", "--password-stdin", stdin="Длинный-пароль-2025\n", monkeypatch=monkeypatch)
    user = User.objects.get(username="admin@omsk.example.ru")
    assert user.check_password("Длинный-пароль-2025")
    assert "password/set" not in output


@pytest.mark.django_db
def test_it_refuses_a_weak_password(monkeypatch):
    with pytest.raises(CommandError, match="Пароль не подходит"):
        _run("--region", "Омская область", "--email", "admin@omsk.example.ru", "--password-stdin", stdin="12345\n", monkeypatch=monkeypatch)
    assert not User.objects.filter(username="admin@omsk.example.ru").exists()
    assert not Region.objects.filter(name="Омская область").exists()


@pytest.mark.django_db
def test_it_does_not_turn_another_account_into_an_administrator():
    f.UserFactory(username="coordinator@omsk.example.ru", role=Role.COORDINATOR)
    with pytest.raises(CommandError, match="уже есть"):
        _run("--region", "Омская область", "--email", "coordinator@omsk.example.ru")
    assert User.objects.get(username="coordinator@omsk.example.ru").role == Role.COORDINATOR


@pytest.mark.django_db
def test_it_refuses_a_malformed_address():
    with pytest.raises(CommandError):
        _run("--region", "Омская область", "--email", "not-an-address")
