"""Who may open the registry's write pages: the coordinator of the school's municipality only.

Readers of a school get 403 (they see it, they may not change it); anyone who does not see the
school gets 404, as on the card; an anonymous visitor goes to the login page.
"""

import datetime

import pytest
from django.urls import reverse

from schools.access import visible_schools
from schools.models import CuratorAssignment, School, SocialPassport
from tests.factories import PersonFactory

OK, FORBIDDEN, NOT_FOUND = 200, 403, 404

# role → (expected status for school A's object, [schools whose objects it must get 404 for])
MATRIX = {
    "coordinator": (OK, ["school_other"]),
    "chair": (FORBIDDEN, ["school_other"]),
    "curator": (FORBIDDEN, ["school_b", "school_other"]),
    "director_a": (FORBIDDEN, ["school_b", "school_other"]),
    "region_viewer": (FORBIDDEN, ["school_other"]),
    "coordinator_other": (NOT_FOUND, []),
    "no_role": (NOT_FOUND, ["school_b"]),
}


WRITE_URLS = [
    "schools:school_change",
    "schools:school_yeardata_add",
    "schools:school_socialpassport_add",
    "schools:school_curator_add",
    "schools:school_yeardata_change",
    "schools:school_socialpassport_change",
    "schools:curator_assignment_end",
]


def _objects(school):
    """Objects of each write URL that belong to a school."""
    return {
        "schools:school_change": school,
        "schools:school_yeardata_add": school,
        "schools:school_socialpassport_add": school,
        "schools:school_curator_add": school,
        "schools:school_yeardata_change": school.year_data.get_or_create(year=2024)[0],
        "schools:school_socialpassport_change": SocialPassport.objects.get_or_create(school=school, year=2024)[0],
        # A current assignment of another curator: it must not open school B to the cast's curator.
        "schools:curator_assignment_end": CuratorAssignment.objects.create(
            school=school, curator=PersonFactory(municipality=school.municipality), start_date=datetime.date(2024, 9, 1)
        ),
    }


def _request(client, url_name, obj):
    url = reverse(url_name, args=[obj.pk])
    # Ending an assignment is an action: POST only. The pages are opened with GET.
    return client.post(url) if url_name == "schools:curator_assignment_end" else client.get(url)


@pytest.mark.parametrize("url_name", WRITE_URLS)
def test_it_lets_only_the_coordinator_of_the_municipality_write(cast, client, url_name):
    objects = {attr: _objects(getattr(cast, attr))[url_name] for attr in ("school_a", "school_b", "school_other")}
    for role, (own_status, foreign) in MATRIX.items():
        client.force_login(getattr(cast, role))
        status = _request(client, url_name, objects["school_a"]).status_code
        if url_name == "schools:curator_assignment_end" and own_status == OK:
            assert status == 302, role  # done, back to the card
        else:
            assert status == own_status, (role, status)
        for attr in foreign:
            assert _request(client, url_name, objects[attr]).status_code == NOT_FOUND, (role, attr)
    client.logout()
    response = _request(client, url_name, objects["school_a"])
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    ("role", "status"),
    [("coordinator", OK), ("coordinator_other", OK), ("chair", FORBIDDEN), ("curator", FORBIDDEN),
     ("director_a", FORBIDDEN), ("region_viewer", FORBIDDEN), ("no_role", FORBIDDEN)],
)
def test_it_lets_only_a_coordinator_add_a_school(cast, client, role, status):
    client.force_login(getattr(cast, role))
    assert client.get(reverse("schools:school_add")).status_code == status
    data = {"short_name": "Новая", "full_name": "Новая школа", "kind": "basic", "locality": "rural"}
    response = client.post(reverse("schools:school_add"), data)
    assert School.objects.filter(short_name="Новая").exists() is (status == OK)
    if status == OK:
        school = School.objects.get(short_name="Новая")
        assert school.municipality == getattr(cast, role).municipality
    else:
        assert response.status_code == status


def test_it_sends_anonymous_visitors_to_login_from_the_add_page(db, client):
    response = client.get(reverse("schools:school_add"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ["chair", "curator", "director_a"])
def test_it_changes_nothing_on_a_readers_post(cast, client, role):
    client.force_login(getattr(cast, role))
    data = {"short_name": "Чужая правка", "full_name": "x", "kind": "basic", "locality": "rural"}
    assert client.post(reverse("schools:school_change", args=[cast.school_a.pk]), data).status_code == FORBIDDEN
    assert client.post(reverse("schools:school_yeardata_add", args=[cast.school_a.pk]), {"year": "2024"}).status_code == FORBIDDEN
    person = cast.curator.person
    response = client.post(reverse("schools:school_curator_add", args=[cast.school_b.pk]), {"curator": person.pk, "start_date": "01.09.2025"})
    assert response.status_code in (FORBIDDEN, NOT_FOUND)
    cast.school_a.refresh_from_db()
    assert cast.school_a.short_name == "БОУ «Калининская СОШ»"
    assert not cast.school_a.year_data.exists()
    assert not CuratorAssignment.objects.filter(school=cast.school_b, end_date__isnull=True).exists()


def test_it_hides_a_school_the_curator_left_even_while_another_curator_is_assigned(cast):
    # The cast's curator looked after B until 2022; B now has another, current curator.
    CuratorAssignment.objects.create(
        school=cast.school_b, curator=PersonFactory(municipality=cast.muni), start_date=datetime.date(2024, 9, 1)
    )
    assert cast.school_b not in visible_schools(cast.curator)
