"""A letter counts as sent when the caller commits: the SMTP dot that ends it goes only after (schnor_portal/emails.py).

A real (small) SMTP server from bench/faults/smtp_sink.py keeps what a real one would deliver.
"""

import datetime
import time
from unittest import mock

import pytest
from django.core.mail import EmailMessage

from bench.faults.smtp_sink import SmtpSink
from monitoring.control.reminders import digests_send
from monitoring.models import DigestLog
from schnor_portal.emails import letter_prepare

from .test_digest_exactly_once import OMSK_EIGHT, region


@pytest.fixture
def smtp(tmp_path, settings):
    with SmtpSink(tmp_path, delay=0) as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", sink.port, False
        settings.EMAIL_TIMEOUT = 10
        yield sink


def stored(sink):
    return [path.read_bytes() for path in sorted(sink.directory.glob("*.eml"))]


def letter():
    # A line with a lone dot inside the text must not end the letter early (dot-stuffing).
    return EmailMessage("Сводка", "Первая строка\n.\nпоследняя строка", "portal@example.ru", ["d@example.ru"])


def test_a_finished_letter_is_delivered_whole(smtp):
    pending = letter_prepare(letter())
    assert stored(smtp) == []  # held by the server, not delivered, until the dot
    pending.finish()
    (data,) = stored(smtp)
    assert b"Subject: =?utf-8?b?" in data and b"\r\n.\r\n" in data


def test_an_aborted_letter_is_thrown_away_by_the_server(smtp):
    letter_prepare(letter()).abort()
    # Wait for the server to see the connection end, one way or the other.
    for _ in range(500):
        if smtp.dropped or stored(smtp):
            break
        time.sleep(0.01)
    assert smtp.dropped == 1 and stored(smtp) == []


@pytest.mark.django_db
def test_a_digest_that_dies_before_its_commit_sends_nothing_then_once(smtp):
    region(directors=1)
    # The process «dies» between handing the letter over and committing its row.
    with mock.patch.object(DigestLog, "save", side_effect=KeyboardInterrupt):
        with pytest.raises(KeyboardInterrupt):
            digests_send(now=OMSK_EIGHT)
    assert stored(smtp) == []
    assert not DigestLog.objects.filter(sent_at__isnull=False).exists()
    assert digests_send(now=OMSK_EIGHT + datetime.timedelta(hours=1)).sent == 1
    assert digests_send(now=OMSK_EIGHT + datetime.timedelta(hours=2)).sent == 0
    assert len(stored(smtp)) == 1
