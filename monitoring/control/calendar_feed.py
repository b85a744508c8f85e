"""A person's deadlines as an iCalendar feed (.ics) for Outlook, Яндекс Календарь or a phone.

The calendar program fetches the feed by its URL without signing in, every few hours, so the
URL is the credential: a per-account secret token (`CalendarFeed`), revocable by «Сменить ссылку».
The session is never read here: the feed shows what the token's owner may see, whoever asks.

Each point is an all-day VEVENT on its due date, not a VTODO with DUE: Outlook, Google and
Яндекс show the events of a subscribed calendar but ignore its to-dos, and a deadline read as a
day in the calendar is what the users asked for. Events are «free» (TRANSP:TRANSPARENT), so a
deadline does not block the day in free/busy.
"""

import datetime
import zoneinfo
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from icalendar import Calendar, Event

from accounts.models import REGION_ROLES, Role
from monitoring.models import CalendarFeed, ControlPoint
from schools.access import MUNICIPALITY_WIDE_ROLES, visible_control_points
from schools.clock import region_time_zone

from .reminders import ru_days

# Those who act on control points: their own deadlines. The region's accounts report the region
# body's own points of 3-level plans (ИРО, ЦНППМ): those, not the region's million.
FEED_ROLES = (Role.DIRECTOR, Role.CURATOR, Role.COORDINATOR, Role.CHAIR, *REGION_ROLES)
# The coordinator and the chair get the municipality's overdue points and the next 60 days,
# not the year ahead: a calendar of a whole municipality's year is noise.
MUNICIPALITY_HORIZON_DAYS = 60
# A municipality holds up to ~30,000 points a year. Each subscriber's calendar refetches the whole
# feed every few hours, and Outlook and Google give up on large feeds (~1 MB): 500 events are
# ~300 KB. The nearest upcoming points are kept first, then the most recently overdue.
FEED_LIMIT = 500
# How often a calendar should refetch (REFRESH-INTERVAL; Outlook reads X-PUBLISHED-TTL).
REFRESH = datetime.timedelta(hours=4)  # X-PUBLISHED-TTL below says the same: PT4H
SUMMARY_CONTENT_LENGTH = 80


def calendar_feed_for_user(*, user) -> CalendarFeed:
    """The account's feed, made the first time the user opens «Календарь сроков»."""
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def calendar_feed_rotate(*, user) -> CalendarFeed:
    """A new secret for the account's feed: the old URL gives 404 from this commit on."""
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first() or CalendarFeed(user=user)
    feed.rotate()
    feed._history_user = user
    feed._change_reason = "Ссылка на календарь сменена"
    feed.save()
    return feed


def calendar_feed_by_token(token: str) -> CalendarFeed | None:
    """The feed of an active account with this token; None for an unknown token or a switched-off account."""
    return (
        CalendarFeed.objects.select_related("user", "user__municipality", "user__person")
        .filter(token=token, user__is_active=True)
        .first()
    )


def calendar_feed_touch(feed: CalendarFeed, now: datetime.datetime):
    """Note when a calendar last came for the feed (shown on the settings page); no history row."""
    CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=now)


def feed_url(feed: CalendarFeed) -> str:
    return settings.PORTAL_BASE_URL + reverse("monitoring:calendar_feed", args=[feed.token])


def feed_time_zone(user) -> str:
    """The zone the user's pages count days in (schools/clock.py): the feed has no session to ask."""
    if user.municipality_id:
        return user.municipality.time_zone
    if user.region_id:
        return region_time_zone(user.region_id) or settings.TIME_ZONE
    return settings.TIME_ZONE


def local_today(user, now: datetime.datetime) -> datetime.date:
    """Today on the user's clock, whatever zone the request runs in."""
    return now.astimezone(zoneinfo.ZoneInfo(feed_time_zone(user))).date()


def calendar_points_for_user(*, user, today: datetime.date, limit: int = FEED_LIMIT) -> tuple[list[ControlPoint], bool]:
    """The open points the user must act on, nearest first, at most `limit`; and whether some were left out.

    Two queries at most: the upcoming points, then (if room is left) the overdue ones.
    """
    if not user.is_active or user.role not in FEED_ROLES:
        return [], False
    open_points = (
        visible_control_points(user)
        .exclude(status__in=ControlPoint.CLOSED_STATUSES)
        .select_related("activity", "school")
    )
    if user.role in REGION_ROLES:
        open_points = open_points.filter(regional=True)
    upcoming = open_points.filter(due_date__gte=today)
    if user.role in MUNICIPALITY_WIDE_ROLES:
        upcoming = upcoming.filter(due_date__lte=today + datetime.timedelta(days=MUNICIPALITY_HORIZON_DAYS))
    # One more than the limit tells whether anything was left out.
    points = list(upcoming.order_by("due_date", "pk")[: limit + 1])
    if len(points) <= limit:
        points += list(open_points.filter(due_date__lt=today).order_by("-due_date", "-pk")[: limit + 1 - len(points)])
    return points[:limit], len(points) > limit


# --- Building the .ics -------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    day: datetime.date
    summary: str
    description: str
    url: str
    sequence: int
    last_modified: datetime.datetime | None


def _shorten(text: str, length: int) -> str:
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0] or text[:length]
    return cut.rstrip(" ,.;:—-") + "…"


def _where(cp: ControlPoint) -> str:
    return cp.executor_level_label


def _term(cp: ControlPoint, today: datetime.date) -> str:
    if cp.due_date < today:
        return f"просрочено на {ru_days((today - cp.due_date).days)}"
    if cp.due_date == today:
        return "срок сегодня"
    return f"осталось {ru_days((cp.due_date - today).days)}"


def point_event(cp: ControlPoint, *, base_url: str, host: str, today: datetime.date) -> FeedEvent:
    url = base_url + reverse("monitoring:control_point_detail", args=[cp.pk])
    number = cp.activity.number or "—"
    lines = [
        f"Статус: {cp.get_status_display()}",
        f"Срок: {cp.due_date:%d.%m.%Y} (на {today:%d.%m.%Y}: {_term(cp, today)})",
    ]
    if cp.is_rescheduled:
        lines.append(f"Первоначальный срок: {cp.original_due_date:%d.%m.%Y}")
    lines += [f"Исполнитель: {_where(cp)}", "", f"{number} {_shorten(cp.activity.content, 500)}", "", f"Открыть на портале: {url}"]
    return FeedEvent(
        uid=f"cp-{cp.pk}@{host}",
        day=cp.due_date,
        summary=f"КТ {number}: {_shorten(cp.activity.content, SUMMARY_CONTENT_LENGTH)} — {_where(cp)}",
        description="\n".join(lines),
        url=url,
        sequence=cp.version,
        last_modified=cp.updated_at,
    )


def calendar_ics(
    *, events: list[FeedEvent], uid: str, name: str, time_zone: str, stamp: datetime.datetime, note: str = ""
) -> bytes:
    """The VCALENDAR of `events`: all-day VEVENTs (the end date is exclusive: the next day)."""
    calendar = Calendar.new(
        prodid="-//Portal SHNOR//Control point deadlines//RU",
        uid=uid,  # the same on every fetch: one calendar, refreshed
        method="PUBLISH",
        calscale="GREGORIAN",
        name=name,
        description=note or None,
    )
    # RFC 7986 asks for VALUE=DURATION; Outlook reads the older X-PUBLISHED-TTL instead.
    calendar.add("REFRESH-INTERVAL", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", "PT4H")
    # Dates are the municipality's days; the zone tells a client which «today» the feed means.
    calendar.add("X-WR-TIMEZONE", time_zone)
    stamp = stamp.astimezone(datetime.UTC)
    for item in events:
        event = Event.new(
            uid=item.uid,
            stamp=stamp,
            start=item.day,
            end=item.day + datetime.timedelta(days=1),
            summary=item.summary,
            description=item.description,
            url=item.url,
            sequence=item.sequence,
            transparency="TRANSPARENT",
            categories=["ШНОР"],
        )
        if item.last_modified is not None:
            event.add("LAST-MODIFIED", item.last_modified.astimezone(datetime.UTC))
        calendar.add_component(event)
    return calendar.to_ical()


def calendar_for_feed(*, feed: CalendarFeed, now: datetime.datetime) -> bytes:
    """The feed's body: the owner's points, as the owner would see them today in their municipality."""
    user = feed.user
    today = local_today(user, now)
    points, truncated = calendar_points_for_user(user=user, today=today, limit=FEED_LIMIT)
    base_url = settings.PORTAL_BASE_URL
    host = urlsplit(base_url).hostname or "localhost"
    note = ""
    if truncated:
        register = base_url + reverse("monitoring:register")
        note = f"Показаны {FEED_LIMIT} ближайших контрольных точек; остальные — в реестре: {register}"
    time_zone = feed_time_zone(user)
    return calendar_ics(
        events=[point_event(cp, base_url=base_url, host=host, today=today) for cp in points],
        uid=f"deadlines-{user.pk}@{host}",
        name="ШНОР: сроки контрольных точек",
        time_zone=time_zone,
        stamp=now,
        note=note,
    )
