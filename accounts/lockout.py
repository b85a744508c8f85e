"""Login lockouts: the rule per user name that axes has no setting for, and the page a locked-out login gets.

django-axes locks a (user name, address) pair after AXES_FAILURE_LIMIT failures, for AXES_COOLOFF_TIME.
Someone guessing one name's password from many addresses would get that many tries from each, so
LockoutHandler adds a second, longer rule on axes' own failure log (AccessFailureLog, one row per
failure whatever the address): AXES_USERNAME_FAILURE_LIMIT failures for one name within
AXES_USERNAME_COOLOFF_TIME lock the name from every address. axes has one limit and one cool-off
for all its lockout parameters, hence a handler of its own rather than another parameter.
"""

import datetime
import math

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessFailureLog
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.shortcuts import render
from django.utils import timezone


def username_lock_end(username: str | None, *, now: datetime.datetime | None = None) -> datetime.datetime | None:
    """When the lock of this user name ends, or None when it is not locked.

    Failures count since the name's last successful login, as the pair rule resets on success
    (AXES_RESET_ON_SUCCESS). A name that has no account is counted the same way, so the answer
    never tells whether an account exists.
    """
    if not username:
        return None
    now = now or timezone.now()
    window = settings.AXES_USERNAME_COOLOFF_TIME
    limit = settings.AXES_USERNAME_FAILURE_LIMIT
    since = now - window
    User = get_user_model()
    last_login = (
        User._default_manager.filter(**{User.USERNAME_FIELD: username}).values_list("last_login", flat=True).first()
    )
    if last_login and last_login > since:
        since = last_login
    latest = list(
        AccessFailureLog.objects.filter(username=username, attempt_time__gt=since)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)[:limit]
    )
    if len(latest) < limit:
        return None
    # Locked while `limit` failures lie inside the window: until the oldest of the latest `limit`
    # leaves it. Each try during the lock is a failure too, so it pushes the end further.
    return latest[-1] + window


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler (AXES_HANDLER) with the per-user-name rule on top of the per-pair one."""

    def is_locked(self, request, credentials=None):
        # Asked by the authentication backend before the password is checked.
        if super().is_locked(request, credentials):
            return True
        return username_lock_end(get_client_username(request, credentials)) is not None

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or request.axes_locked_out:
            return
        # The failure that reaches the limit already gets the lockout page, as with the pair rule;
        # flagged before accounts.audit records it, so the log says «locked out» too.
        username = get_client_username(request, credentials)
        if username_lock_end(username) is not None:
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send("axes", request=request, username=username, ip_address=request.axes_ip_address)


def _ru_plural(n: int, one: str, few: str, many: str) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def ru_minutes(n: int) -> str:
    """1 минуту, 2 минуты, 5 минут, 21 минуту (the accusative after «через»)."""
    return f"{n} {_ru_plural(n, 'минуту', 'минуты', 'минут')}"


def ru_wait(delta: datetime.timedelta) -> str:
    """«через …»: minutes under an hour, whole hours (rounded up) beyond: 40 минут, 3 часа, 24 часа."""
    minutes = max(1, math.ceil(delta.total_seconds() / 60))
    if minutes < 60:
        return ru_minutes(minutes)
    hours = math.ceil(minutes / 60)
    return f"{hours} {_ru_plural(hours, 'час', 'часа', 'часов')}"


def lockout_response(request, original_response=None, credentials=None):
    """The lockout page (AXES_LOCKOUT_CALLABLE), with the longer wait of the rules that hold."""
    waits = []
    pair_limit = get_failure_limit(request, credentials)
    if AxesProxyHandler.get_failures(request, credentials) >= pair_limit:
        # The try just refused started the cool-off again: the whole of it is left.
        waits.append((get_cool_off(request) or datetime.timedelta(0), pair_limit))
    name_end = username_lock_end(get_client_username(request, credentials))
    if name_end is not None:
        waits.append((name_end - timezone.now(), settings.AXES_USERNAME_FAILURE_LIMIT))
    wait, failure_limit = max(waits, key=lambda item: item[0], default=(datetime.timedelta(0), pair_limit))
    context = {"wait": ru_wait(wait) if wait > datetime.timedelta(0) else "", "failure_limit": failure_limit}
    # 429 Too Many Requests, as axes answers by default.
    return render(request, "registration/lockout.html", context, status=429)
