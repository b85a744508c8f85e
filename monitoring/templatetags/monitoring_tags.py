import datetime

from django import template
from django.urls import reverse
from django.utils import timezone

from monitoring.control.filters import OPEN_STATUSES
from monitoring.control.notifications import unread_notification_count
from monitoring.control.reminders import ru_days as _ru_days
from monitoring.control.point_html import STATUS_CLASSES, card_summary_html, filesize as _filesize, queue_summary_html, status_badges_html
from monitoring.control.selectors import DUE_SOON_DAYS
from monitoring.results.subjects import format_score

register = template.Library()



@register.simple_tag
def status_badges(cp):
    """A point's status and flags, as every page shows them (monitoring/control/point_html.py)."""
    return status_badges_html(cp)


@register.simple_tag
def card_summary(cp):
    """What a card on «Моя школа» says of its point (monitoring/control/point_html.py)."""
    return card_summary_html(cp)


@register.simple_tag
def queue_summary(cp):
    """What a row of the curator's queue says of its point (monitoring/control/point_html.py)."""
    return queue_summary_html(cp)


@register.filter
def score(value, procedure=""):
    return format_score(value, procedure)


@register.filter
def status_class(status):
    return STATUS_CLASSES.get(status, "text-bg-secondary")


@register.filter
def ru_days(n):
    return _ru_days(int(n or 0))


@register.filter
def filesize(size):
    return _filesize(size)


@register.inclusion_tag("monitoring/control/partials/notification_bell.html", takes_context=True)
def notification_bell(context):
    """The bell with the unread count: one COUNT query, kept on the request for a second use."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    count = getattr(request, "_unread_notifications", None)
    if count is None:
        count = request._unread_notifications = unread_notification_count(user)
    return {"show": True, "count": count}


FIGURE_FILTERS = {
    # home figure → the register filter behind it (see monitoring/control/filters.FIGURE_QUERIES)
    "overdue": "overdue=yes",
    "submitted": "status=submitted",
    "done": "status=done",
    "total": "status=planned&status=in_progress&status=submitted&status=rework&status=done",
}
DIRECTOR_ANCHORS = {"overdue": "#overdue", "due_soon": "#soon", "done": "#done"}


@register.simple_tag(takes_context=True)
def execution_link(context, kind, school=None):
    """The page behind a figure of the home page: «Моя школа» for a director, the filtered register for others.

    {% execution_link "overdue" %}, {% execution_link "due_soon" school=s.pk %}
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.role == "director" and user.school_id and school in (None, user.school_id):
        if kind == "submitted":
            return reverse("monitoring:my_school") + "?status=submitted"
        return reverse("monitoring:my_school") + DIRECTOR_ANCHORS.get(kind, "")
    if kind == "submitted" and not school and user is not None and user.is_authenticated and user.role == "curator":
        return reverse("monitoring:curator_home")  # the curator's review queue
    if kind == "due_soon":
        today = timezone.localdate()
        query = f"due_from={today.isoformat()}&due_to={(today + datetime.timedelta(days=DUE_SOON_DAYS)).isoformat()}&" + "&".join(
            f"status={s}" for s in OPEN_STATUSES
        )
    else:
        query = FIGURE_FILTERS.get(kind, "")
    if school:
        query = f"{query}&school={int(school)}" if query else f"school={int(school)}"
    return reverse("monitoring:register") + (f"?{query}" if query else "")
