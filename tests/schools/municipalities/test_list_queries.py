"""The lists of setting a municipality up cost the same number of queries at 3 rows and at 30."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import PersonRole, Role
from tests import factories as f


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _people(municipality, n, start):
    for i in range(start, start + n):
        person = f.PersonFactory(municipality=municipality, email=f"p{i}@example.ru")
        PersonRole.objects.create(person=person, kind=PersonRole.Kind.CURATOR)
        f.UserFactory(username=f"p{i}@example.ru", role=Role.CURATOR, municipality=municipality, person=person)


@pytest.mark.parametrize(
    ("role", "url_name"),
    [("coordinator", "municipalities:person_list"), ("coordinator", "municipalities:account_list")],
)
def test_the_coordinators_lists_do_not_grow_with_rows(cast, client, role, url_name):
    client.force_login(getattr(cast, role))
    url = reverse(url_name)
    _people(cast.muni, 3, 0)
    few = _queries(client, url)
    _people(cast.muni, 27, 3)
    assert _queries(client, url) == few


def test_the_region_lists_do_not_grow_with_rows(cast, client):
    client.force_login(cast.region_admin)
    _people(cast.muni, 3, 0)
    detail = reverse("municipalities:municipality_detail", args=[cast.muni.pk])
    few_accounts, few_municipalities = _queries(client, detail), _queries(client, reverse("municipalities:municipality_list"))
    _people(cast.muni, 27, 3)
    for i in range(27):
        f.MunicipalityFactory(region=cast.muni.region)
    assert _queries(client, detail) == few_accounts
    assert _queries(client, reverse("municipalities:municipality_list")) == few_municipalities
