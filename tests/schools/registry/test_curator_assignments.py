"""Assigning a curator to a school and ending the assignment."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import PersonRole
from schools.access import curator_school_ids
from schools.models import CuratorAssignment
from tests import factories as f


def add_url(school):
    return reverse("schools:school_curator_add", args=[school.pk])


def end_url(assignment):
    return reverse("schools:curator_assignment_end", args=[assignment.pk])


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def orlova(cast):
    person = f.PersonFactory(municipality=cast.muni, last_name="Орлова", first_name="Мария", middle_name="Сергеевна")
    PersonRole.objects.create(person=person, kind=PersonRole.Kind.CURATOR)
    return person


def test_it_assigns_a_curator_with_russian_dates(cast, client, orlova):
    client.force_login(cast.coordinator)
    response = client.post(add_url(cast.school_b), {"curator": orlova.pk, "start_date": "01.09.2025", "end_date": "31.05.2026"})
    assert response.status_code == 302 and response.url == reverse("schools:school_detail", args=[cast.school_b.pk])
    assignment = CuratorAssignment.objects.get(curator=orlova)
    assert (assignment.school, assignment.start_date, assignment.end_date) == (
        cast.school_b, datetime.date(2025, 9, 1), datetime.date(2026, 5, 31)
    )
    assert messages_of(response) == ["Орлова М.С. — куратор школы с 01.09.2025 по 31.05.2026."]
    assert assignment.history.first().history_user == cast.coordinator


def test_it_starts_today_by_default_and_shows_dates_as_the_portal_does(cast, client):
    client.force_login(cast.coordinator)
    page = client.get(add_url(cast.school_a)).content.decode()
    assert f'value="{cast.muni.today():%d.%m.%Y}"' in page
    assert 'placeholder="ДД.ММ.ГГГГ"' in page


def test_it_lists_the_municipalitys_curators_first(cast, client, orlova):
    f.PersonFactory(municipality=cast.muni, last_name="Абрамова", position="методист")
    f.PersonFactory(municipality=cast.other, last_name="Чужая")
    client.force_login(cast.coordinator)
    field = client.get(add_url(cast.school_a)).context["form"].fields["curator"]
    labels = [label for value, label in field.choices if value]
    assert labels[0] == "Орлова Мария Сергеевна — куратор"
    assert "Абрамова Анна Петровна — методист" in labels
    assert not any("Чужая" in label for label in labels)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"start_date": "01.09.2025", "end_date": "01.06.2025"}, "end_date", "Дата окончания раньше даты начала."),
        ({"start_date": "31.02.2025"}, "start_date", "Введите правильную дату."),
        ({"start_date": ""}, "start_date", "Обязательное поле."),
    ],
)
def test_it_explains_wrong_dates_in_russian(cast, client, orlova, values, field, message):
    client.force_login(cast.coordinator)
    response = client.post(add_url(cast.school_a), {"curator": orlova.pk, **values})
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert not CuratorAssignment.objects.filter(curator=orlova).exists()


def test_it_refuses_a_curator_of_another_municipality(cast, client):
    stranger = f.PersonFactory(municipality=cast.other)
    client.force_login(cast.coordinator)
    response = client.post(add_url(cast.school_a), {"curator": stranger.pk, "start_date": "01.09.2025"})
    assert response.context["form"].errors["curator"] == [
        "Выберите корректный вариант. Вашего варианта нет среди допустимых значений."
    ]


def test_it_refuses_an_overlapping_assignment_of_the_same_curator(cast, client):
    client.force_login(cast.coordinator)
    person = cast.curator.person  # on A since 01.03.2023 without end
    response = client.post(add_url(cast.school_a), {"curator": person.pk, "start_date": "01.09.2025"})
    assert response.context["form"].errors["curator"] == ["Этот куратор уже закреплён за школой на эти даты (с 01.03.2023)."]
    # On B the old assignment ended on 01.01.2022: a new one from 2025 is fine, one reaching back is not.
    response = client.post(add_url(cast.school_b), {"curator": person.pk, "start_date": "01.06.2021"})
    assert response.context["form"].errors["curator"] == [
        "Этот куратор уже закреплён за школой на эти даты (с 01.01.2021 по 01.01.2022)."
    ]
    assert client.post(add_url(cast.school_b), {"curator": person.pk, "start_date": "01.09.2025"}).status_code == 302


def test_it_ends_an_assignment_today_and_the_curator_keeps_the_school_only_until_then(cast, client):
    assignment = CuratorAssignment.objects.get(school=cast.school_a)
    client.force_login(cast.coordinator)
    response = client.post(end_url(assignment))
    today = cast.muni.today()
    assert response.status_code == 302 and response.url == reverse("schools:school_detail", args=[cast.school_a.pk])
    assignment.refresh_from_db()
    assert assignment.end_date == today
    assert messages_of(response) == [f"Закрепление куратора Соколова А.П. завершено {today:%d.%m.%Y}."]
    assert assignment.history.first().history_user == cast.coordinator
    # The end date is the assignment's last day: the curator keeps the school today, not tomorrow.
    def schools_on(day):
        return set(curator_school_ids(cast.curator, today=day).values_list("pk", flat=True))

    assert cast.school_a.pk in schools_on(today)
    assert cast.school_a.pk not in schools_on(today + datetime.timedelta(days=1))


def test_it_does_not_end_an_assignment_twice_or_before_it_starts(cast, client, orlova):
    ended = CuratorAssignment.objects.get(school=cast.school_b)
    future = f.CuratorAssignmentFactory(school=cast.school_b, curator=orlova, start_date=datetime.date(2999, 1, 1))
    client.force_login(cast.coordinator)
    response = client.post(end_url(ended), follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Закрепление куратора Соколова А.П. уже завершено 01.01.2022."]
    ended.refresh_from_db()
    assert ended.end_date == datetime.date(2022, 1, 1)
    response = client.post(end_url(future), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Закрепление куратора Орлова М.С. начнётся только 01.01.2999: завершить его раньше начала нельзя."
    ]
    future.refresh_from_db()
    assert future.end_date is None


def test_it_ends_assignments_only_by_post(cast, client):
    assignment = CuratorAssignment.objects.get(school=cast.school_a)
    client.force_login(cast.coordinator)
    assert client.get(end_url(assignment)).status_code == 405
    assignment.refresh_from_db()
    assert assignment.end_date is None
