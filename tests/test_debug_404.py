"""Under DEBUG (`make run`) the portal answers a wrong address and a refused page with its own Russian
pages, as a server does; Django's technical 404 page stays for a superuser (a developer)."""

import pytest
from django.test import override_settings
from django.urls import reverse

from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cast")]

TECHNICAL = "Using the URLconf"


@override_settings(DEBUG=True)
def test_an_unknown_address_gets_the_russian_page(client, cast):
    client.force_login(cast.director_a)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "Страница не найдена" in text and TECHNICAL not in text
    assert "<nav" in text  # the portal's page with its menu, not a bare text


@override_settings(DEBUG=True)
def test_an_anonymous_visitor_gets_it_too(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "Страница не найдена" in response.content.decode()


@override_settings(DEBUG=True)
def test_an_object_out_of_reach_gets_the_russian_page(client, cast):
    client.force_login(cast.director_a)
    response = client.get(reverse("schools:school_detail", args=[cast.school_other.pk]))
    assert response.status_code == 404
    text = response.content.decode()
    assert "Страница не найдена" in text and "Page not found" not in text


@override_settings(DEBUG=True)
def test_a_refused_page_is_the_russian_403(client, cast):
    client.force_login(cast.director_a)
    response = client.get(reverse("schools:school_add"))
    assert response.status_code == 403
    assert "Нет доступа" in response.content.decode()


@override_settings(DEBUG=True)
def test_a_missing_slash_is_still_added_first(client, cast):
    client.force_login(cast.director_a)
    response = client.get("/schools")
    assert response.status_code == 301 and response["Location"] == "/schools/"


@override_settings(DEBUG=True)
def test_a_superuser_keeps_the_technical_page(client):
    client.force_login(f.UserFactory(username="developer", is_superuser=True, is_staff=True))
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and TECHNICAL in response.content.decode()


def test_without_debug_nothing_changes(client, cast):
    client.force_login(cast.director_a)
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "Страница не найдена" in response.content.decode()
