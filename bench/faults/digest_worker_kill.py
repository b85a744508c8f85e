#!/usr/bin/env python
"""The Celery worker is killed (SIGKILL) in the middle of the morning digest and restarted.

A real worker (prefork, as in production) sends the digest of one municipality of --people
directors through a private Redis to a slow SMTP server run by the script (bench/faults/smtp_sink.py,
it keeps what a real one would deliver); the script kills the worker after a chosen number of
letters plus a random pause — the whole worker with its children, or only the pool process that
runs the task — starts it again and waits until the day is done. Each round is another local day.
It passes when every person got exactly one letter every day.

    .venv/bin/python bench/faults/digest_worker_kill.py            # 5 rounds, 40 people
    .venv/bin/python bench/faults/digest_worker_kill.py --people 100 --delay 0.05

Needs: PostgreSQL at FAULTS_POSTGRES (default postgres://postgres@127.0.0.1:5432; a database
schnor_faults_digest is created and dropped), redis-server on PATH (a private one on port 6390+).
"""

import argparse
import datetime
import email
import email.policy
import os
import random
import signal
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.faults import harness as h  # noqa: E402
from bench.faults.smtp_sink import SmtpSink  # noqa: E402

UTC = datetime.timezone.utc
FIRST_DAY = datetime.date(2026, 11, 23)


def seed(people):
    from accounts.models import Role
    from tests import factories as f

    muni = f.MunicipalityFactory(name="Муниципалитет для проверки сбоев", time_zone="Asia/Omsk")
    activity = f.ActivityFactory(section=f.PlanSectionFactory(plan=f.PlanFactory(municipality=muni)))
    for n in range(people):
        school = f.SchoolFactory(municipality=muni)
        # Due on the first day, overdue on the next ones: on every day of the run each has a letter.
        f.ControlPointFactory(activity=activity, school=school, due_date=FIRST_DAY)
        f.UserFactory(username=f"director{n:03}", role=Role.DIRECTOR, municipality=muni, school=school,
                      email=f"director{n:03}@example.ru")


_parsed = {}


def letters(mail_dir):
    """(recipient, local day) of every letter the sink accepted, from its Message-ID."""
    for path in Path(mail_dir).glob("*.eml"):
        if path not in _parsed:
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            day = str(message["Message-ID"]).split("-")[2].split("@")[0]
            _parsed[path] = (str(message["To"]), day)
    return list(_parsed.values())


def letters_of(mail_dir, day):
    return [to for to, d in letters(mail_dir) if d == f"{day:%Y%m%d}"]


def broker_idle(redis_url, queue):
    import redis

    client = redis.Redis.from_url(redis_url)
    return client.llen(queue) == 0 and client.hlen("unacked") == 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=40)
    parser.add_argument("--delay", type=float, default=0.05,
                        help="секунд ждёт почтовый сервер перед ответом на DATA и на точку в конце письма")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--random-rounds", type=int, default=5, help="сколько ещё дней с убийством в случайный момент")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    people = args.people
    # (what is killed, after how many letters of the day)
    plan = [("worker", 1), ("worker", people // 2), ("child", people // 3), ("worker", people - 1)]
    plan += [(rng.choice(["worker", "worker", "child"]), rng.randint(1, people - 1)) for _ in range(args.random_rounds)]

    work = Path(tempfile.mkdtemp(prefix="schnor-faults-digest-"))
    mail_dir = work / "mail"
    mail_dir.mkdir()
    queue = f"faults-digest-{uuid.uuid4().hex[:6]}"
    rounds = []
    h.say(f"Рабочий каталог: {work}")
    with (
        h.PrivateRedis(6390) as redis_server,
        h.scratch_database(h.SHARED_POSTGRES, "schnor_faults_digest") as db,
        SmtpSink(mail_dir, delay=args.delay) as smtp,
    ):
        env = h.portal_env(
            DJANGO_SETTINGS_MODULE="bench.faults.faults_settings",
            DATABASE_URL=db,
            REDIS_URL=redis_server.url,
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=smtp.port,
            EMAIL_USE_TLS=0,
            CELERY_VISIBILITY_TIMEOUT=5,
            PORTAL_BASE_URL="https://shnor.example.ru",
        )
        h.migrate(env)
        h.setup_django(env)
        from monitoring.models import DigestLog
        from monitoring.tasks import send_digests_task

        seed(people)
        worker = h.celery_worker(env, queue, work / "worker.log").start()
        try:
            for index, (target, after) in enumerate(plan):
                day = FIRST_DAY + datetime.timedelta(days=index)
                eight_in_omsk = datetime.datetime.combine(day, datetime.time(2, 0), tzinfo=UTC)
                send_digests_task.apply_async(kwargs={"now": eight_in_omsk.isoformat()}, queue=queue)
                h.wait_for(lambda: len(letters_of(mail_dir, day)) >= after, timeout=120, every=0.02,
                           what=f"{after} писем за {day:%d.%m.%Y}")
                time.sleep(rng.uniform(0, 3 * args.delay))  # anywhere in the next letter's exchange
                if target == "worker":
                    worker.kill_all()
                    at_kill = len(letters_of(mail_dir, day))
                    owed = DigestLog.objects.filter(local_date=day, sent_at__isnull=True).count()
                    h.say(f"{day:%d.%m.%Y}: воркер убит (SIGKILL) после {at_kill} писем из {people}; перезапуск")
                    worker = h.celery_worker(env, queue, work / "worker.log").start()
                else:
                    (child,) = h.wait_for(worker.children, timeout=30, what="процесс пула")
                    os.kill(child, signal.SIGKILL)
                    at_kill = len(letters_of(mail_dir, day))
                    owed = DigestLog.objects.filter(local_date=day, sent_at__isnull=True).count()
                    h.say(f"{day:%d.%m.%Y}: процесс пула убит (SIGKILL) после {at_kill} писем из {people}")
                started = time.monotonic()
                h.wait_for(lambda: DigestLog.objects.filter(local_date=day, sent_at__isnull=False).count() == people,
                           timeout=180, what=f"все письма за {day:%d.%m.%Y}")
                h.wait_for(lambda: broker_idle(redis_server.url, queue), timeout=120, what="пустая очередь")
                time.sleep(1)  # a redelivered copy that is still running finishes its (empty) pass
                per_person = Counter(letters_of(mail_dir, day))
                rounds.append({
                    "day": f"{day:%d.%m.%Y}",
                    "killed": target,
                    "letters_at_kill": at_kill,
                    # rows made but not committed as sent when it died: the letter being sent
                    "unsent_rows_at_kill": owed,
                    "letters": sum(per_person.values()),
                    "people_with_one_letter": sum(1 for n in per_person.values() if n == 1),
                    "duplicates": sum(n - 1 for n in per_person.values() if n > 1),
                    "recovered_in_s": round(time.monotonic() - started, 1),
                })
                h.say(f"    после перезапуска: {rounds[-1]}")
        finally:
            worker.stop()
            from django.db import connections

            connections.close_all()
        dropped = smtp.dropped
    ok = all(r["letters"] == people and r["people_with_one_letter"] == people and not r["duplicates"] for r in rounds)
    h.summary({"scenario": "digest_worker_kill", "people": people, "rounds": rounds,
               "letters_cut_off_by_a_kill": dropped}, ok)


if __name__ == "__main__":
    main()
