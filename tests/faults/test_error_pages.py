"""When the server fails, the user reads Russian; when the database is away, the page says so and needs no database."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.urls import reverse


@pytest.fixture
def page_errors(client):
    client.raise_request_exception = False  # see what the user sees, as in production
    return client


def test_a_lost_database_gives_the_russian_503_page_without_touching_it(cast, page_errors):
    page_errors.force_login(cast.coordinator)
    refused = OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')
    # Every attempt to reach the database fails, from the session middleware on — the error page
    # included: had it needed the database, rendering it would have raised instead of answering.
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=refused):
        response = page_errors.get(reverse("monitoring:dashboard"))
    assert response.status_code == 503 and response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Портал временно недоступен" in page and "Сервер базы данных перезапускается" in page
    assert '<html lang="ru">' in page


def test_the_portal_recovers_by_itself_on_the_next_request(cast, page_errors):
    page_errors.force_login(cast.coordinator)
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=OperationalError("server closed the connection")):
        assert page_errors.get(reverse("monitoring:dashboard")).status_code == 503
    assert page_errors.get(reverse("monitoring:dashboard")).status_code == 200


def test_any_other_failure_is_the_russian_500_page(cast, page_errors):
    page_errors.force_login(cast.coordinator)
    with mock.patch("schnor_portal.views.home_summary_for_user", side_effect=RuntimeError("ошибка в коде")):
        response = page_errors.get(reverse("home"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Ошибка на сервере" in page and "ошибка в коде" not in page  # nothing of the inside shown


def test_a_500_is_mailed_to_the_admins(cast, page_errors, settings):
    from django.core import mail

    settings.ADMINS = [("Иван Петров", "it@example.ru")]  # ADMINS="Иван Петров <it@example.ru>"
    page_errors.force_login(cast.coordinator)
    with mock.patch("schnor_portal.views.home_summary_for_user", side_effect=RuntimeError("ошибка в коде")):
        assert page_errors.get(reverse("home")).status_code == 500
    (letter,) = [m for m in mail.outbox if m.to == ["it@example.ru"]]  # one, not one per logger
    assert letter.subject.startswith("[Портал ШНОР] ERROR") and "Internal Server Error: /" in letter.subject
    assert "ошибка в коде" in letter.body
