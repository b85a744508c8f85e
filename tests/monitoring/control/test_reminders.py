"""The morning digest: one letter per person and day, escalation, each municipality's own morning."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command

from accounts.models import Role
from monitoring.control.reminders import digests_send, ru_days
from monitoring.models import ControlPoint, DigestLog, ReminderSettings
from monitoring.tasks import send_digests_task
from tests import factories as f
from tests.monitoring.conftest import set_state

UTC = datetime.timezone.utc
# 08:00 in Omsk (UTC+6, municipality A of the cast) on 23.11.2026.
OMSK_EIGHT = datetime.datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
TODAY = datetime.date(2026, 11, 23)


@pytest.fixture
def people(cast):
    for role in ("director_a", "director_b", "curator", "coordinator", "chair", "coordinator_other"):
        user = getattr(cast, role)
        user.email = f"{role}@example.ru"
        user.save()
    # Nothing is due unless a test says so.
    ControlPoint.objects.update(due_date=datetime.date(2027, 6, 1))
    return cast


def letters_to(address):
    return [m for m in mail.outbox if address in m.to]


def test_it_sends_one_letter_a_day_however_often_it_runs(people):
    set_state(people.cp_a, due_date=TODAY + datetime.timedelta(days=3))
    set_state(people.cp_b, due_date=TODAY)
    first = digests_send(now=OMSK_EIGHT)
    again = digests_send(now=OMSK_EIGHT + datetime.timedelta(minutes=5))
    assert first.sent == 2 and again.sent == 0 and again.already_sent == 2
    assert len(letters_to("director_a@example.ru")) == 1
    assert len(letters_to("director_b@example.ru")) == 1
    assert DigestLog.objects.filter(local_date=TODAY).count() == 2
    # The next morning is another day.
    digests_send(now=OMSK_EIGHT + datetime.timedelta(days=1))
    assert len(letters_to("director_a@example.ru")) == 2


def test_it_writes_in_russian_with_absolute_links_and_dates(people):
    set_state(people.cp_a, due_date=TODAY - datetime.timedelta(days=5))
    set_state(people.cp_b, status=ControlPoint.Status.REWORK, due_date=TODAY + datetime.timedelta(days=20))
    digests_send(now=OMSK_EIGHT)
    (letter,) = letters_to("director_a@example.ru")
    assert letter.subject == "Портал ШНОР: контрольные точки на 23.11.2026"
    assert "ПРОСРОЧЕНО (1)" in letter.body
    assert "срок 18.11.2026, просрочено на 5 дней" in letter.body
    assert f"http://127.0.0.1:8000/execution/points/{people.cp_a.pk}/" in letter.body
    html, mime = letter.alternatives[0]
    assert mime == "text/html" and "просрочено на 5 дней" in html and f'href="http://127.0.0.1:8000/execution/points/{people.cp_a.pk}/"' in html
    (returned,) = letters_to("director_b@example.ru")
    assert "ВОЗВРАЩЕНО НА ДОРАБОТКУ (1)" in returned.body


def test_it_lists_due_today_and_in_the_next_days(people):
    set_state(people.cp_a, due_date=TODAY)
    set_state(people.cp_muni, due_date=TODAY + datetime.timedelta(days=7))
    set_state(people.cp_b, due_date=TODAY + datetime.timedelta(days=8))  # beyond 7 days: not yet
    digests_send(now=OMSK_EIGHT)
    assert "СРОК СЕГОДНЯ (1)" in letters_to("director_a@example.ru")[0].body
    (coordinator,) = letters_to("coordinator@example.ru")
    assert "СРОК В БЛИЖАЙШИЕ 7 ДНЕЙ (1)" in coordinator.body  # the municipal point is the coordinator's
    assert not letters_to("director_b@example.ru")
    assert not letters_to("chair@example.ru")


@pytest.mark.parametrize(
    "days_overdue, curator, coordinator",
    [(7, False, False), (8, True, False), (14, True, False), (15, True, True)],
)
def test_it_escalates_to_the_curator_after_n_and_the_coordinator_after_2n_days(people, days_overdue, curator, coordinator):
    set_state(people.cp_a, due_date=TODAY - datetime.timedelta(days=days_overdue))
    digests_send(now=OMSK_EIGHT)
    assert len(letters_to("director_a@example.ru")) == 1
    curator_letters = letters_to("curator@example.ru")
    coordinator_letters = letters_to("coordinator@example.ru")
    assert bool(curator_letters) is curator
    assert bool(coordinator_letters) is coordinator
    for letter in curator_letters + coordinator_letters:
        assert "ПРОСРОЧЕНО БОЛЕЕ 7 ДНЕЙ В ШКОЛАХ (1)" in letter.body
        assert f"просрочено на {ru_days(days_overdue)}" in letter.body
        assert "БОУ «Калининская СОШ»" in letter.body


def test_it_follows_the_municipalitys_escalation_setting(people):
    ReminderSettings.objects.create(municipality=people.muni, escalation_days=3)
    set_state(people.cp_a, due_date=TODAY - datetime.timedelta(days=4))
    digests_send(now=OMSK_EIGHT)
    assert "ПРОСРОЧЕНО БОЛЕЕ 3 ДНЕЙ В ШКОЛАХ" in letters_to("curator@example.ru")[0].body


def test_it_sends_at_eight_in_each_municipalitys_own_zone(people):
    set_state(people.cp_other, due_date=datetime.date(2026, 11, 24))
    director_other = f.UserFactory(
        username="director_other", role=Role.DIRECTOR, municipality=people.other, school=people.school_other,
        email="director_other@example.ru",
    )
    # 20:00 UTC on 23.11 is 07:00 on 24.11 in Sakhalin (UTC+11), 02:00 in Omsk: nobody yet.
    assert digests_send(now=datetime.datetime(2026, 11, 23, 20, 0, tzinfo=UTC)).municipalities == []
    # 21:00 UTC is 08:00 on 24.11 in Sakhalin: its people get the letter dated by their own day.
    report = digests_send(now=datetime.datetime(2026, 11, 23, 21, 0, tzinfo=UTC))
    assert report.municipalities == [people.other.name]
    (letter,) = letters_to(director_other.email)
    assert "на 24.11.2026" in letter.subject and "СРОК СЕГОДНЯ (1)" in letter.body
    assert DigestLog.objects.get(user=director_other).local_date == datetime.date(2026, 11, 24)
    # Omsk's eight comes at 02:00 UTC.
    assert people.muni.name in digests_send(now=datetime.datetime(2026, 11, 24, 2, 0, tzinfo=UTC)).municipalities


def test_it_keeps_quiet_when_switched_off_or_at_another_hour(people):
    set_state(people.cp_a, due_date=TODAY)
    ReminderSettings.objects.create(municipality=people.muni, enabled=False)
    digests_send(now=OMSK_EIGHT)
    assert not mail.outbox
    ReminderSettings.objects.filter(municipality=people.muni).update(enabled=True, send_hour=9)
    digests_send(now=OMSK_EIGHT)
    assert not mail.outbox
    digests_send(now=OMSK_EIGHT + datetime.timedelta(hours=1))
    assert letters_to("director_a@example.ru")


def test_it_gives_the_day_back_when_a_letter_fails(people):
    set_state(people.cp_a, due_date=TODAY)
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("SMTP недоступен")):
        report = digests_send(now=OMSK_EIGHT)
    assert report.failed == 1 and not DigestLog.objects.exists()
    assert digests_send(now=OMSK_EIGHT).sent == 1


def test_it_skips_people_without_an_address(people):
    people.director_a.email = ""
    people.director_a.save()
    set_state(people.cp_a, due_date=TODAY)
    report = digests_send(now=OMSK_EIGHT)
    assert report.without_email == 1 and not mail.outbox and not DigestLog.objects.exists()


def test_it_does_not_remind_the_school_of_a_report_waiting_for_its_curator(people):
    set_state(people.cp_a, status=ControlPoint.Status.SUBMITTED, due_date=TODAY - datetime.timedelta(days=2))
    digests_send(now=OMSK_EIGHT)
    assert not letters_to("director_a@example.ru")


def test_the_task_and_the_command_send_the_same_digest(people):
    set_state(people.cp_a, due_date=TODAY)
    result = send_digests_task.apply(kwargs={"now": OMSK_EIGHT.isoformat()}).get()
    assert result["sent"] == 1 and result["municipalities"] == [people.muni.name]
    call_command("send_digest", "--now", OMSK_EIGHT.isoformat())
    assert len(letters_to("director_a@example.ru")) == 1


def test_the_beat_runs_the_digest_every_hour():
    from schnor_portal.celery import app

    entry = app.conf.beat_schedule["monitoring-morning-digest"]
    assert entry["task"] == "monitoring.tasks.send_digests_task"
    assert entry["schedule"].minute == {0} and len(entry["schedule"].hour) == 24


def test_ru_days():
    assert [ru_days(n) for n in (1, 2, 5, 11, 12, 21, 22, 25, 101, 111)] == [
        "1 день", "2 дня", "5 дней", "11 дней", "12 дней", "21 день", "22 дня", "25 дней", "101 день", "111 дней",
    ]


def test_a_long_section_is_cut_at_25_with_a_link_to_the_rest(people):
    from monitoring.control.reminders import DIGEST_SECTION_LIMIT, Digest, DigestItem, _message, reminder_settings_for

    cp = people.cp_a
    set_state(cp, due_date=TODAY - datetime.timedelta(days=5))
    digest = Digest(user=people.coordinator, email="coordinator@example.ru", local_date=TODAY,
                    settings=reminder_settings_for(people.coordinator.municipality))
    # The same point thirty times stands for thirty points: what is counted is the letter's lines.
    digest.overdue = [DigestItem(cp, f"http://127.0.0.1:8000/execution/points/{cp.pk}/", days_overdue=5)] * 30
    digest.due_today = [DigestItem(cp, "http://x/", days_overdue=0)] * 3
    letter = _message(digest)
    assert DIGEST_SECTION_LIMIT == 25
    assert "ПРОСРОЧЕНО (30)" in letter.body  # the heading counts them all
    assert letter.body.count(f"/execution/points/{cp.pk}/") == 25
    assert "- и ещё 5, весь список: http://127.0.0.1:8000/execution/register/?overdue=yes" in letter.body
    assert "и ещё" not in letter.body.split("СРОК СЕГОДНЯ")[1]  # a short section is whole
    html, _ = letter.alternatives[0]
    assert html.count(f"/execution/points/{cp.pk}/") == 25 and "и ещё 5 — весь список в реестре" in html


def test_letters_say_they_are_automatic(people):
    set_state(people.cp_a, due_date=TODAY)
    digests_send(now=OMSK_EIGHT)
    (letter,) = letters_to("director_a@example.ru")
    assert letter.extra_headers["Auto-Submitted"] == "auto-generated"
    assert "Auto-Submitted: auto-generated" in letter.message().as_string()
