"""The coordinator keeps the municipality's working groups in the portal; every role of it reads them."""

import pytest
from django.urls import reverse

from roadmaps.models import WorkingGroup, WorkingGroupMember
from tests.factories import PersonFactory


def _positions(group):
    return list(group.members.order_by("position").values_list("person__last_name", "position"))


@pytest.fixture
def people(cast):
    return [
        PersonFactory(municipality=cast.muni, last_name=name, position=post)
        for name, post in (("Петрова", "начальник управления образования"), ("Сидоров", "методист"), ("Кузнецова", "директор"))
    ]


@pytest.fixture
def group(cast, people):
    group = WorkingGroup.objects.create(municipality=cast.muni, plan=cast.plan, title="Рабочая группа по реализации плана")
    for position, person in enumerate(people, start=1):
        group.members.create(position=position, person=person, post=person.position, role_in_group="член")
    return group


def test_it_keeps_a_group_from_creation_to_edits(cast, client, people):
    client.force_login(cast.coordinator)
    response = client.get(reverse("roadmaps:working_group_add") + f"?plan={cast.plan.pk}")
    assert response.status_code == 200
    response = client.post(reverse("roadmaps:working_group_add"), {"title": "Рабочая группа ШНОР", "plan": cast.plan.pk})
    group = WorkingGroup.objects.get(title="Рабочая группа ШНОР")
    assert response.status_code == 302
    assert (group.municipality, group.plan) == (cast.muni, cast.plan)

    add = reverse("roadmaps:working_group_member_add", args=[group.pk])
    for person, role in zip(people, ("председатель", "секретарь", "член")):
        # An empty post takes the person's own.
        assert client.post(add, {"person": person.pk, "post": "", "role_in_group": role}).status_code == 302
    assert _positions(group) == [("Петрова", 1), ("Сидоров", 2), ("Кузнецова", 3)]
    assert group.members.get(position=1).post == "начальник управления образования"

    third = group.members.get(position=3)
    client.post(reverse("roadmaps:working_group_member_move", args=[third.pk]), {"direction": "up"})
    assert _positions(group) == [("Петрова", 1), ("Кузнецова", 2), ("Сидоров", 3)]

    first = group.members.get(position=1)
    client.post(reverse("roadmaps:working_group_member_delete", args=[first.pk]))
    assert _positions(group) == [("Кузнецова", 1), ("Сидоров", 2)]

    member = group.members.get(position=1)
    response = client.post(
        reverse("roadmaps:working_group_member_change", args=[member.pk]),
        {"person": member.person_id, "post": "директор МБОУ СОШ № 1", "role_in_group": "заместитель председателя"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.post, member.role_in_group) == ("директор МБОУ СОШ № 1", "заместитель председателя")

    response = client.post(reverse("roadmaps:working_group_change", args=[group.pk]), {"title": "Группа ШНОР", "plan": ""})
    group.refresh_from_db()
    assert (group.title, group.plan) == ("Группа ШНОР", None)

    page = client.get(reverse("roadmaps:working_group_detail", args=[group.pk])).content.decode()
    assert page.index("Кузнецова Анна Петровна") < page.index("Сидоров Анна Петровна")


def test_it_deletes_only_an_empty_group(cast, client, group):
    client.force_login(cast.coordinator)
    client.post(reverse("roadmaps:working_group_delete", args=[group.pk]))
    assert WorkingGroup.objects.filter(pk=group.pk).exists()
    group.members.all().delete()
    response = client.post(reverse("roadmaps:working_group_delete", args=[group.pk]))
    assert response.status_code == 302
    assert not WorkingGroup.objects.filter(pk=group.pk).exists()


def test_it_hides_the_group_from_another_municipality(cast, client, group):
    client.force_login(cast.coordinator_other)
    member = group.members.first()
    assert client.get(reverse("roadmaps:working_group_detail", args=[group.pk])).status_code == 404
    assert client.get(reverse("roadmaps:working_group_change", args=[group.pk])).status_code == 404
    assert client.get(reverse("roadmaps:working_group_member_add", args=[group.pk])).status_code == 404
    assert client.get(reverse("roadmaps:working_group_member_change", args=[member.pk])).status_code == 404
    assert client.post(reverse("roadmaps:working_group_member_delete", args=[member.pk])).status_code == 404
    assert client.post(reverse("roadmaps:working_group_member_move", args=[member.pk])).status_code == 404
    assert group.title not in client.get(reverse("roadmaps:working_group_list")).content.decode()
    assert group.members.count() == 3


@pytest.mark.parametrize("role", ["director_a", "curator", "chair"])
def test_it_lets_other_roles_read_but_not_write(cast, client, group, role):
    client.force_login(getattr(cast, role))
    member = group.members.first()
    assert group.title in client.get(reverse("roadmaps:working_group_list")).content.decode()
    page = client.get(reverse("roadmaps:working_group_detail", args=[group.pk]))
    assert page.status_code == 200
    assert "Петрова Анна Петровна" in page.content.decode()
    assert "Добавить члена группы" not in page.content.decode()
    assert client.get(reverse("roadmaps:working_group_add")).status_code == 403
    assert client.post(reverse("roadmaps:working_group_change", args=[group.pk]), {"title": "x"}).status_code == 403
    assert client.post(reverse("roadmaps:working_group_delete", args=[group.pk])).status_code == 403
    assert client.post(reverse("roadmaps:working_group_member_add", args=[group.pk]), {"person": member.person_id, "post": "x"}).status_code == 403
    assert client.post(reverse("roadmaps:working_group_member_delete", args=[member.pk])).status_code == 403
    assert client.post(reverse("roadmaps:working_group_member_move", args=[member.pk]), {"direction": "down"}).status_code == 403
    assert _positions(group) == [("Петрова", 1), ("Сидоров", 2), ("Кузнецова", 3)]


def test_it_refuses_a_person_of_another_municipality(cast, client, group):
    stranger = PersonFactory(municipality=cast.other, last_name="Чужакова", position="учитель")
    client.force_login(cast.coordinator)
    response = client.post(
        reverse("roadmaps:working_group_member_add", args=[group.pk]), {"person": stranger.pk, "post": "учитель", "role_in_group": "член"}
    )
    assert response.status_code == 200
    assert "Выберите человека из списка людей своего муниципалитета." in response.content.decode()
    assert not WorkingGroupMember.objects.filter(person=stranger).exists()


def test_it_tells_namesakes_apart_by_their_post(cast, client, group):
    PersonFactory(municipality=cast.muni, last_name="Тёзкина", first_name="Анна", middle_name="Петровна", position="учитель")
    PersonFactory(municipality=cast.muni, last_name="Тёзкина", first_name="Анна", middle_name="Петровна", position="завуч")
    client.force_login(cast.coordinator)
    page = client.get(reverse("roadmaps:working_group_member_add", args=[group.pk])).content.decode()
    assert "Тёзкина Анна Петровна, учитель" in page
    assert "Тёзкина Анна Петровна, завуч" in page
    assert reverse("municipalities:person_add") in page


def test_it_links_the_groups_from_the_plan(cast, client, group):
    client.force_login(cast.coordinator)
    page = client.get(reverse("roadmaps:plan_detail", args=[cast.plan.pk])).content.decode()
    assert reverse("roadmaps:working_group_detail", args=[group.pk]) in page
    assert reverse("roadmaps:working_group_add") + f"?plan={cast.plan.pk}" in page
    client.force_login(cast.director_a)
    page = client.get(reverse("roadmaps:plan_detail", args=[cast.plan.pk])).content.decode()
    assert reverse("roadmaps:working_group_detail", args=[group.pk]) in page
    assert "Добавить рабочую группу" not in page


def test_it_offers_only_the_municipality_plans(cast, client):
    client.force_login(cast.coordinator)
    response = client.post(reverse("roadmaps:working_group_add"), {"title": "Чужая", "plan": cast.plan_other.pk})
    assert response.status_code == 200
    assert "Выберите план своего муниципалитета." in response.content.decode()
    assert client.get(reverse("roadmaps:working_group_add") + f"?plan={cast.plan_other.pk}").status_code == 404




@pytest.mark.parametrize("n_groups", [3, 30])
def test_it_lists_groups_in_constant_queries(cast, client, django_assert_num_queries, n_groups):
    person = PersonFactory(municipality=cast.muni)
    for i in range(n_groups):
        group = WorkingGroup.objects.create(municipality=cast.muni, plan=cast.plan, title=f"Группа {i}")
        group.members.create(position=1, person=person, post="методист")
    client.force_login(cast.coordinator)
    url = reverse("roadmaps:working_group_list")
    client.get(url)
    # session, user, the unread notifications badge of base.html, the groups with their plans and
    # member counts (one SELECT)
    with django_assert_num_queries(4):
        response = client.get(url)
    assert response.content.decode().count(reverse("roadmaps:plan_detail", args=[cast.plan.pk])) == n_groups
