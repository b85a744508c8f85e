"""The morning digest: one letter a day to each responsible person, in their municipality's morning.

The beat runs hourly (schnor_portal/celery.py); a municipality gets its letters in the hour when
its local clock shows the configured send hour (8:00 by default), so Omsk (UTC+6) and Sakhalin
(UTC+11) each hear at their own eight. Whom a point concerns:

* a school's point — the school's director; a municipal point — the coordinators; a regional point
  (the region body's own, in a 3-level plan) — the region's viewers;
* overdue more than N days (escalation) — also the school's curator; more than 2N — the coordinators.

Each letter lists, once per point: returned for rework, overdue (with days), due today, due in
the next days; then the escalated points of others.

Exactly one letter per person and local day, whatever dies when (HC sendreports, made crash-safe):

1. the (user, day) DigestLog row is created, committed, unsent — the day's letter is owed;
2. in one transaction the row is locked (SELECT … FOR UPDATE, sent_at IS NULL), the letter is
   handed to the mail server up to the dot that ends it (schnor_portal/emails.py), sent_at is set,
   and the transaction commits;
3. the dot goes: the mail server delivers the letter.

A worker killed before the commit leaves the row unsent (PostgreSQL rolls the transaction back
when the connection drops) and the mail server drops the unfinished letter; the next run sends it.
A second worker running the same digest at the same time — a redelivered task, a beat that fired
twice — waits on the lock and then finds the row sent. Every hourly run from the send hour to the
end of the local day sends what is still owed, so a letter missed at eight (Redis down, the worker
killed, a failed send) goes at the next hour.

What no design removes (the mail server and PostgreSQL cannot commit together) is a kill while the
COMMIT is on its way: the row is sent, the dot is not, the letter is lost. That window is kept to
one local round trip: the transaction commits without waiting for the WAL flush
(synchronous_commit off for it alone), which a PostgreSQL crash — not a worker's — could undo, and
then the letter goes again with the same Message-ID (fixed per person and day), recognisable as a copy.
"""

import datetime
import logging
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from monitoring.models import ControlPoint, DigestLog, ReminderSettings
from schnor_portal.emails import letter_prepare
from schools.access import current_assignment_q
from schools.models import CuratorAssignment, Municipality

log = logging.getLogger(__name__)
Status = ControlPoint.Status


def reminder_settings_for(municipality: Municipality, *, create=False) -> ReminderSettings:
    """The municipality's settings; the defaults (unsaved) until the coordinator first opens them."""
    try:
        return municipality.reminder_settings
    except ReminderSettings.DoesNotExist:
        if create:
            return ReminderSettings.objects.get_or_create(municipality=municipality)[0]
        return ReminderSettings(municipality=municipality)


def ru_days(n: int) -> str:
    """1 день, 2 дня, 5 дней, 11 дней, 21 день."""
    if n % 10 == 1 and n % 100 != 11:
        word = "день"
    elif 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        word = "дня"
    else:
        word = "дней"
    return f"{n} {word}"


def ru_days_after_more_than(n: int) -> str:
    """«более 1 дня», «более 3 дней», «более 21 дня»: the genitive after «более»."""
    return f"{n} {'дня' if n % 10 == 1 and n % 100 != 11 else 'дней'}"


@dataclass
class DigestItem:
    control_point: ControlPoint
    url: str
    days_overdue: int = 0
    place: str = ""  # a regional point names its municipality too: the region reads many

    @property
    def where(self):
        return self.place or self.control_point.executor_level_label

    @property
    def days_overdue_label(self):
        return ru_days(self.days_overdue)


@dataclass
class Digest:
    user: User
    email: str
    local_date: datetime.date
    settings: ReminderSettings
    returned: list = field(default_factory=list)
    overdue: list = field(default_factory=list)
    due_today: list = field(default_factory=list)
    due_soon: list = field(default_factory=list)
    escalated: list = field(default_factory=list)
    _seen: set = field(default_factory=set)

    def add(self, section: str, item: DigestItem):
        """Each point once per letter, in the first section it was put in (own duties before escalation)."""
        if item.control_point.pk in self._seen:
            return
        self._seen.add(item.control_point.pk)
        getattr(self, section).append(item)

    @property
    def size(self):
        return len(self.returned) + len(self.overdue) + len(self.due_today) + len(self.due_soon) + len(self.escalated)


@dataclass
class SendReport:
    municipalities: list = field(default_factory=list)  # at their send hour (or forced)
    late: list = field(default_factory=list)  # past it today: only letters still owed go
    sent: int = 0
    already_sent: int = 0
    without_email: int = 0
    failed: int = 0


def _email_of(user: User) -> str:
    return user.email or (user.person.email if user.person_id and user.person else "")


def _url(cp: ControlPoint) -> str:
    return settings.PORTAL_BASE_URL + reverse("monitoring:control_point_detail", args=[cp.pk])


def digests_for_municipality(
    *, municipality: Municipality, local_date: datetime.date, reminder_settings: ReminderSettings | None = None
) -> list[Digest]:
    """Build (not send) the digests of one municipality for one local day, in three queries."""
    rs = reminder_settings or reminder_settings_for(municipality)
    horizon = local_date + datetime.timedelta(days=rs.days_ahead)
    escalate_after = rs.escalation_days
    points = list(
        ControlPoint.objects.filter(municipality=municipality)
        .exclude(status__in=ControlPoint.CLOSED_STATUSES)
        .filter(Q(due_date__lte=horizon) | Q(status=Status.REWORK))
        .select_related("activity", "school")
        .order_by("due_date", "pk")
    )
    users = list(User.objects.filter(is_active=True, municipality=municipality).select_related("person"))
    region_viewers = list(
        User.objects.filter(is_active=True, role=Role.REGION, region_id=municipality.region_id).select_related("person")
    ) if any(cp.regional for cp in points) else []
    directors = defaultdict(list)
    coordinators = []
    curator_by_person = {}
    for user in users:
        if user.role == Role.DIRECTOR and user.school_id:
            directors[user.school_id].append(user)
        elif user.role == Role.COORDINATOR:
            coordinators.append(user)
        elif user.role == Role.CURATOR and user.person_id:
            curator_by_person[user.person_id] = user
    curators = defaultdict(list)
    for school_id, person_id in CuratorAssignment.objects.filter(
        current_assignment_q(local_date), school__municipality=municipality, curator_id__in=list(curator_by_person)
    ).values_list("school_id", "curator_id"):
        curators[school_id].append(curator_by_person[person_id])

    digests: dict[int, Digest] = {}

    def digest_of(user):
        if user.pk not in digests:
            digests[user.pk] = Digest(user=user, email=_email_of(user), local_date=local_date, settings=rs)
        return digests[user.pk]

    for cp in points:
        place = f"{cp.executor_level_label}, {municipality.name}" if cp.regional else ""
        item = DigestItem(cp, _url(cp), days_overdue=max(0, (local_date - cp.due_date).days), place=place)
        if cp.school_id:
            responsible = directors.get(cp.school_id, [])
        else:
            responsible = region_viewers if cp.regional else coordinators
        # A report on the curator's desk is not the school's to do: it is not the reporter's reminder.
        if cp.status != Status.SUBMITTED:
            if cp.status == Status.REWORK:
                section = "returned"
            elif cp.due_date < local_date:
                section = "overdue"
            elif cp.due_date == local_date:
                section = "due_today"
            else:
                section = "due_soon"
            for user in responsible:
                digest_of(user).add(section, item)
        if cp.school_id and item.days_overdue > escalate_after:
            for user in curators.get(cp.school_id, []):
                digest_of(user).add("escalated", item)
            if item.days_overdue > 2 * escalate_after:
                for user in coordinators:
                    digest_of(user).add("escalated", item)
    return [d for d in digests.values() if d.size]


# A letter lists at most this many points a section; the rest are one click away in the register,
# filtered the same way. A coordinator of a large municipality may have hundreds overdue: a letter
# of hundreds of items is neither read nor accepted by every mail server.
DIGEST_SECTION_LIMIT = 25
DIGEST_SECTIONS = ("returned", "overdue", "due_today", "due_soon", "escalated")


def _section_links(digest: Digest) -> dict:
    """The register filtered to each section (the register scopes it to the reader, as always)."""
    register = settings.PORTAL_BASE_URL + reverse("monitoring:register")
    day = digest.local_date
    soon_from, soon_to = day + datetime.timedelta(days=1), day + datetime.timedelta(days=digest.settings.days_ahead)
    still_open = [status for status in ControlPoint.Status.values if status not in ControlPoint.CLOSED_STATUSES]
    queries = {
        "returned": {"status": ControlPoint.Status.REWORK.value},
        "overdue": {"overdue": "yes"},
        "due_today": {"due_from": day.isoformat(), "due_to": day.isoformat(), "status": still_open},
        "due_soon": {"due_from": soon_from.isoformat(), "due_to": soon_to.isoformat(), "status": still_open},
        "escalated": {"overdue": "yes", "level": "school"},
    }
    if digest.user.role == Role.REGION:
        # The region's register holds every municipality's points: its letter is about its own.
        for query in queries.values():
            query.setdefault("level", "region")
    return {name: f"{register}?{urlencode(query, doseq=True)}" for name, query in queries.items()}


def _message(digest: Digest) -> EmailMultiAlternatives:
    context = {
        "limit": f":{DIGEST_SECTION_LIMIT}",
        "more": {name: max(0, len(getattr(digest, name)) - DIGEST_SECTION_LIMIT) for name in DIGEST_SECTIONS},
        "links": _section_links(digest),
        "digest": digest,
        "date": digest.local_date.strftime("%d.%m.%Y"),
        "base_url": settings.PORTAL_BASE_URL,
        "register_url": settings.PORTAL_BASE_URL + reverse("monitoring:register"),
        "escalation_days": digest.settings.escalation_days,
        "escalation_label": ru_days_after_more_than(digest.settings.escalation_days),
        "soon_title": "Срок завтра"
        if digest.settings.days_ahead == 1
        else f"Срок в ближайшие {ru_days(digest.settings.days_ahead)}",
    }
    subject = f"Портал ШНОР: контрольные точки на {context['date']}"
    text = render_to_string("monitoring/control/email/digest.txt", context)
    html = render_to_string("monitoring/control/email/digest.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, to=[digest.email], headers={"Message-ID": _message_id(digest)}
    )
    message.attach_alternative(html, "text/html")
    return message


def _message_id(digest: Digest) -> str:
    """The same for every attempt at one person's letter of one day, so a repeat is recognisable."""
    host = urlsplit(settings.PORTAL_BASE_URL).hostname or "localhost"
    return f"<digest-{digest.user.pk}-{digest.local_date:%Y%m%d}@{host}>"


def digest_send(digest: Digest, report: SendReport):
    """Send one person's letter of the day unless it has gone; see the module docstring for the order.

    Call it outside any transaction (the task and the command do): the commit in step 2 must be a
    real one before the letter's final dot goes.
    """
    if not digest.email:
        report.without_email += 1
        log.info("Сводка для %s не отправлена: нет адреса эл. почты", digest.user.username)
        return
    # Step 1, committed on its own: the row to lock exists; a concurrent run gets the same row.
    DigestLog.objects.get_or_create(user=digest.user, local_date=digest.local_date, defaults={"items": digest.size})
    letter = None
    sent_at = timezone.now()
    try:
        with transaction.atomic():
            claim = (
                DigestLog.objects.select_for_update()
                .filter(user=digest.user, local_date=digest.local_date, sent_at__isnull=True)
                .first()
            )
            if claim is None:
                report.already_sent += 1
                return
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit = off")
            letter = letter_prepare(_message(digest))
            claim.sent_at = sent_at
            claim.items = digest.size
            claim.save(update_fields=["sent_at", "items"])
        letter.finish()
    except Exception:
        if letter is not None:
            letter.abort()
        # The letter did not go (or the server refused it after the dot): give the day back, so
        # the task's retry or the next hourly run sends it. A row another run has sent stays.
        DigestLog.objects.filter(user=digest.user, local_date=digest.local_date).filter(
            Q(sent_at__isnull=True) | Q(sent_at=sent_at)
        ).delete()
        report.failed += 1
        log.exception("Сводка для %s не отправлена", digest.user.username)
        return
    report.sent += 1


def digests_send(*, now: datetime.datetime | None = None, force=False, municipality_ids=None) -> SendReport:
    """Send what is owed of today's digests in every municipality whose local clock has reached its send hour.

    Without `force` a municipality is looked at from its send hour until its local midnight, so
    letters a failure held back at the send hour go at the next hourly run; with `force`, now.
    """
    now = now or timezone.now()
    report = SendReport()
    region_digests: dict[int, Digest] = {}
    municipalities = Municipality.objects.select_related("reminder_settings").order_by("name")
    if municipality_ids is not None:
        municipalities = municipalities.filter(pk__in=municipality_ids)
    for municipality in municipalities:
        rs = reminder_settings_for(municipality)
        local = now.astimezone(zoneinfo.ZoneInfo(municipality.time_zone))
        if not rs.enabled or (not force and local.hour < rs.send_hour):
            continue
        (report.municipalities if force or local.hour == rs.send_hour else report.late).append(municipality.name)
        local_date = local.date()
        # Those whose letter went: counted without a lock or a query each (runs repeat hourly).
        sent = set(
            DigestLog.objects.filter(
                user__municipality=municipality, local_date=local_date, sent_at__isnull=False
            ).values_list("user_id", flat=True)
        )
        for digest in digests_for_municipality(municipality=municipality, local_date=local_date, reminder_settings=rs):
            if digest.user.municipality_id is None:
                # A region's viewer hears of several municipalities' regional points: one letter a day
                # (DigestLog is per person and day), so their sections are gathered first.
                _gather(region_digests, digest)
            elif digest.user.pk in sent:
                report.already_sent += 1
            else:
                digest_send(digest, report)
    for digest in region_digests.values():
        digest_send(digest, report)
    return report


def _gather(digests: dict, digest: Digest):
    mine = digests.get(digest.user.pk)
    if mine is None:
        digests[digest.user.pk] = digest
        return
    for section in DIGEST_SECTIONS:
        for item in getattr(digest, section):
            mine.add(section, item)
