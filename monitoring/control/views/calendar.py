"""«Календарь сроков»: the settings page (signed in) and the feed itself (the token is the credential).

The feed view reads neither the session nor `request.user`: a calendar program has no session,
and a browser that has one must get the token owner's feed, not its own. 404 for an unknown or
changed token and for a switched-off account: the same answer, so a token cannot be probed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from accounts.models import REGION_ROLES
from monitoring.control.calendar_feed import (
    FEED_LIMIT,
    FEED_ROLES,
    MUNICIPALITY_HORIZON_DAYS,
    calendar_feed_by_token,
    calendar_feed_for_user,
    calendar_feed_rotate,
    calendar_feed_touch,
    calendar_for_feed,
    feed_url,
)
from schools.access import MUNICIPALITY_WIDE_ROLES


def _has_feed(user) -> bool:
    return user.is_active and user.role in FEED_ROLES


@login_required
def calendar_settings(request):
    user = request.user
    context = {"has_feed": _has_feed(user), "limit": FEED_LIMIT, "horizon": MUNICIPALITY_HORIZON_DAYS}
    if context["has_feed"]:
        feed = calendar_feed_for_user(user=user)
        url = feed_url(feed)
        context |= {
            "feed": feed,
            "feed_url": url,
            # Phones subscribe when a webcal:// link is tapped (iPhone, Android calendar apps).
            "webcal_url": "webcal://" + url.split("://", 1)[1],
            "municipality_wide": user.role in MUNICIPALITY_WIDE_ROLES,
            "region_points": user.role in REGION_ROLES,
        }
    return render(request, "monitoring/control/calendar.html", context)


@login_required
@require_POST
def calendar_rotate(request):
    if not _has_feed(request.user):
        return redirect("monitoring:calendar_settings")
    calendar_feed_rotate(user=request.user)
    messages.success(
        request,
        "Ссылка сменена: прежняя больше не работает. Скопируйте новую и замените подписку в своём календаре.",
    )
    return redirect("monitoring:calendar_settings")


@require_safe  # GET, and HEAD that some calendar programs send first
def calendar_feed(request, token):
    feed = calendar_feed_by_token(token)
    if feed is None:
        raise Http404("Календарь не найден.")
    now = timezone.now()
    body = calendar_for_feed(feed=feed, now=now)
    calendar_feed_touch(feed, now)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    # The feed is one person's list behind a secret URL: no proxy or shared cache keeps a copy.
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
