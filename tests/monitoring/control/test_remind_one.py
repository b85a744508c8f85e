"""«Напомнить» on one point: the coordinator's letter to its executors, on commit, once an hour, in the history."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from monitoring.control.remind import REMIND_REASON, control_point_remind
from monitoring.models import ControlPoint
from roadmaps.models import ActivityExecutor, ExecutorLevel
from tests import factories as f
from tests.monitoring.conftest import set_state


@pytest.fixture
def people(cast):
    for role in ("director_a", "director_b", "curator", "coordinator", "chair"):
        user = getattr(cast, role)
        user.email = f"{role}@example.ru"
        user.save()
    return cast


def remind_url(cp):
    return reverse("monitoring:control_point_remind", args=[cp.pk])


def reminders_of(cp):
    return list(cp.history.filter(history_change_reason__startswith=REMIND_REASON))


def test_it_sends_the_schools_director_one_letter_on_commit(people, client, django_capture_on_commit_callbacks):
    client.force_login(people.coordinator)
    version = people.cp_a.version
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(remind_url(people.cp_a))
        assert mail.outbox == []  # nothing leaves before the commit
    assert response.status_code == 302
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [["director_a@example.ru"]]
    letter = mail.outbox[0]
    assert letter.extra_headers["Auto-Submitted"] == "auto-generated"
    assert people.activity.number in letter.subject and "напоминание" in letter.subject
    assert reverse("monitoring:control_point_detail", args=[people.cp_a.pk]) in letter.body
    assert people.coordinator.display_name in letter.body
    # Audited in the point's history, by the coordinator; the point itself is not changed.
    (record,) = reminders_of(people.cp_a)
    assert record.history_user == people.coordinator
    assert people.director_a.display_name in record.history_change_reason
    people.cp_a.refresh_from_db()
    assert people.cp_a.version == version
    page = client.get(reverse("monitoring:control_point_detail", args=[people.cp_a.pk])).content.decode()
    assert "Напоминание отправлено: " + people.director_a.display_name in page
    assert not people.cp_a.comments.exists()  # a reminder is no work on the point


def test_it_refuses_a_second_reminder_within_the_hour(people, client, django_capture_on_commit_callbacks):
    client.force_login(people.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(remind_url(people.cp_a))
        response = client.post(remind_url(people.cp_a), follow=True)
    assert "уже отправлено" in response.content.decode()
    assert len(mail.outbox) == 1
    assert len(reminders_of(people.cp_a)) == 1


def test_it_allows_the_next_reminder_an_hour_later(people, django_capture_on_commit_callbacks):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        control_point_remind(control_point=people.cp_a, user=people.coordinator, now=now)
        control_point_remind(control_point=people.cp_a, user=people.coordinator, now=now + datetime.timedelta(minutes=61))
    assert len(mail.outbox) == 2


@pytest.mark.parametrize("role", ["director_a", "curator", "chair"])
def test_only_the_coordinator_reminds(people, client, role):
    client.force_login(getattr(people, role))
    assert client.post(remind_url(people.cp_a)).status_code == 403
    assert mail.outbox == [] and reminders_of(people.cp_a) == []


def test_another_municipalitys_coordinator_finds_no_point(people, client):
    client.force_login(people.coordinator_other)
    assert client.post(remind_url(people.cp_a)).status_code == 404


def test_the_button_is_the_coordinators(people, client):
    url = reverse("monitoring:control_point_detail", args=[people.cp_a.pk])
    client.force_login(people.coordinator)
    assert 'data-testid="remind-form"' in client.get(url).content.decode()
    client.force_login(people.director_a)
    assert 'data-testid="remind-form"' not in client.get(url).content.decode()


def test_it_reminds_a_municipal_points_executors_with_accounts(people, django_capture_on_commit_callbacks):
    methodist = f.PersonFactory(municipality=people.muni, last_name="Орлова")
    f.UserFactory(username="methodist", role="curator", municipality=people.muni, person=methodist, email="orlova@example.ru")
    nobody = f.PersonFactory(municipality=people.muni, last_name="Без учётной записи")
    for position, (person, level) in enumerate(
        [(methodist, ExecutorLevel.MUNICIPALITY), (nobody, ExecutorLevel.MUNICIPALITY), (people.curator.person, ExecutorLevel.SCHOOL)]
    ):
        ActivityExecutor.objects.create(
            activity=people.activity, position=position, level=level, kind=ActivityExecutor.Kind.PERSON, name=person.last_name, person=person
        )
    with django_capture_on_commit_callbacks(execute=True):
        result = control_point_remind(control_point=people.cp_muni, user=people.coordinator)
    assert [m.to for m in mail.outbox] == [["orlova@example.ru"]]
    assert result.sent_to == [methodist.short_name]


def test_it_says_when_there_is_nobody_to_remind(people, client):
    people.director_a.email = ""
    people.director_a.save()
    client.force_login(people.coordinator)
    response = client.post(remind_url(people.cp_a), follow=True)
    assert "Напоминание некому отправить" in response.content.decode()
    assert mail.outbox == [] and reminders_of(people.cp_a) == []


def test_it_does_not_remind_about_a_closed_point(people, client):
    set_state(people.cp_a, status=ControlPoint.Status.DONE)
    client.force_login(people.coordinator)
    response = client.post(remind_url(people.cp_a), follow=True)
    assert "Точка закрыта" in response.content.decode()
    assert mail.outbox == []
