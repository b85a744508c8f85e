"""The morning digest sends each person's letter once, whatever dies when (monitoring/control/reminders.py).

A run killed at any step leaves the (user, day) row unsent or sent, never «claimed and lost»;
the next run — the task redelivered, the next hour's beat — sends exactly what is owed. The
kill of a real worker is bench/faults/digest_worker_kill.py; here the states it can leave.
"""

import datetime
import time
from unittest import mock

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from accounts.models import Role
from monitoring.control.reminders import digests_send
from monitoring.models import DigestLog
from tests import factories as f

from .conftest import run_together

UTC = datetime.timezone.utc
# 08:00 in Omsk (UTC+6) on 23.11.2026.
OMSK_EIGHT = datetime.datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
TODAY = datetime.date(2026, 11, 23)
HOUR = datetime.timedelta(hours=1)


def region(directors=3):
    """One Omsk municipality, `directors` schools each with a point due today and a director with e-mail."""
    muni = f.MunicipalityFactory(time_zone="Asia/Omsk")
    activity = f.ActivityFactory(section=f.PlanSectionFactory(plan=f.PlanFactory(municipality=muni)))
    users = []
    for n in range(directors):
        school = f.SchoolFactory(municipality=muni)
        f.ControlPointFactory(activity=activity, school=school, due_date=TODAY)
        users.append(
            f.UserFactory(
                username=f"director{n}", role=Role.DIRECTOR, municipality=muni, school=school, email=f"d{n}@example.ru"
            )
        )
    return users


def addresses():
    return sorted(address for message in mail.outbox for address in message.to)


@pytest.mark.django_db
def test_a_letter_a_killed_run_owed_goes_once_at_the_next_run():
    users = region()
    # A worker killed after the row was made and before its commit left this behind.
    DigestLog.objects.create(user=users[0], local_date=TODAY)
    report = digests_send(now=OMSK_EIGHT + datetime.timedelta(minutes=20))
    assert report.sent == 3 and addresses() == ["d0@example.ru", "d1@example.ru", "d2@example.ru"]
    assert not DigestLog.objects.filter(sent_at__isnull=True).exists()
    assert digests_send(now=OMSK_EIGHT + HOUR).sent == 0
    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_a_letter_held_back_at_eight_goes_at_nine_and_only_then():
    region(directors=2)
    assert digests_send(now=OMSK_EIGHT - HOUR).municipalities == []  # 07:00: not yet
    real_send = EmailMultiAlternatives.send

    def refuse_d1(message, *args, **kwargs):
        if message.to == ["d1@example.ru"]:
            raise OSError("SMTP недоступен")
        return real_send(message, *args, **kwargs)

    with mock.patch.object(EmailMultiAlternatives, "send", refuse_d1):
        at_eight = digests_send(now=OMSK_EIGHT)
    assert (at_eight.sent, at_eight.failed) == (1, 1)
    at_nine = digests_send(now=OMSK_EIGHT + HOUR)
    assert at_nine.late and (at_nine.sent, at_nine.already_sent) == (1, 1)
    assert digests_send(now=OMSK_EIGHT + 2 * HOUR).sent == 0
    assert addresses() == ["d0@example.ru", "d1@example.ru"]
    # The next local day starts over at its own eight, not at midnight.
    assert digests_send(now=OMSK_EIGHT + 17 * HOUR).sent == 0


@pytest.mark.django_db
def test_every_attempt_at_one_letter_has_the_same_message_id():
    (user,) = region(directors=1)
    digests_send(now=OMSK_EIGHT)
    DigestLog.objects.all().delete()  # as if the commit after «250 OK» had been lost
    digests_send(now=OMSK_EIGHT + HOUR)
    first, again = mail.outbox
    assert first.message()["Message-ID"] == f"<digest-{user.pk}-20261123@127.0.0.1>"
    assert first.extra_headers["Message-ID"] == again.extra_headers["Message-ID"] == f"<digest-{user.pk}-20261123@127.0.0.1>"


def test_two_runs_at_the_same_moment_send_each_letter_once(postgres):
    region(directors=6)
    real_send = EmailMultiAlternatives.send

    def slow_send(message, *args, **kwargs):
        # A mail server's conversation takes time; the other run meets the held row lock meanwhile.
        time.sleep(0.05)
        return real_send(message, *args, **kwargs)

    with mock.patch.object(EmailMultiAlternatives, "send", slow_send):
        results = run_together(*[lambda: digests_send(now=OMSK_EIGHT)] * 3)
    assert [kind for kind, _ in results] == ["ok"] * 3, results
    reports = [report for _, report in results]
    assert sum(r.sent for r in reports) == 6 and sum(r.failed for r in reports) == 0
    assert addresses() == sorted(f"d{n}@example.ru" for n in range(6))
    assert DigestLog.objects.filter(sent_at__isnull=False).count() == 6
