"""Merging a duplicate person: everything that named the duplicate names the one kept."""

from django.urls import reverse

from accounts.models import PersonRole, User
from schools.models import CuratorAssignment
from tests import factories as f


def test_a_duplicate_is_folded_into_the_person_kept(cast, client):
    keep = cast.curator.person  # Соколова: curator of school A, with an account
    duplicate = f.PersonFactory(municipality=cast.muni, last_name="Соколова", position="Методист", phone="+7 900 000-00-00")
    PersonRole.objects.create(person=keep, kind=PersonRole.Kind.CURATOR)
    PersonRole.objects.create(person=duplicate, kind=PersonRole.Kind.CURATOR)
    PersonRole.objects.create(person=duplicate, kind=PersonRole.Kind.METHODIST)
    f.CuratorAssignmentFactory(school=cast.school_b, curator=duplicate)
    cast.school_b.director = duplicate
    cast.school_b.save()
    cast.muni.head = duplicate
    cast.muni.save()

    client.force_login(cast.coordinator)
    response = client.post(reverse("municipalities:person_merge", args=[keep.pk]), {"duplicate": duplicate.pk})
    assert response.status_code == 302
    keep.refresh_from_db()
    assert not type(keep).objects.filter(pk=duplicate.pk).exists()
    assert sorted(keep.roles.values_list("kind", flat=True)) == ["curator", "methodist"]
    assert CuratorAssignment.objects.filter(curator=keep).count() == 3
    cast.school_b.refresh_from_db()
    cast.muni.refresh_from_db()
    assert cast.school_b.director == keep and cast.muni.head == keep  # «+» relations too
    assert (keep.position, keep.phone) == ("Методист", "+7 900 000-00-00")
    assert User.objects.get(pk=cast.curator.pk).person == keep
    record = keep.history.latest()
    assert record.history_user == cast.coordinator and "объединён с дублем" in record.history_change_reason


def test_two_accounts_are_not_merged_and_another_municipalitys_person_is_no_choice(cast, client):
    keep = cast.curator.person
    other_account = f.PersonFactory(municipality=cast.muni)
    cast.director_a.person = other_account
    cast.director_a.save()
    stranger = f.PersonFactory(municipality=cast.other)
    client.force_login(cast.coordinator)
    url = reverse("municipalities:person_merge", args=[keep.pk])
    assert "У обоих есть учётные записи" in client.post(url, {"duplicate": other_account.pk}).text
    assert client.post(url, {"duplicate": stranger.pk}).status_code == 200
    assert type(keep).objects.filter(pk__in=[other_account.pk, stranger.pk]).count() == 2
