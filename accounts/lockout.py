"""The page a locked-out login gets (django-axes' AXES_LOCKOUT_CALLABLE): Russian, with the wait in minutes."""

from axes.helpers import get_cool_off
from django.conf import settings
from django.shortcuts import render


def ru_minutes(n: int) -> str:
    """1 минуту, 2 минуты, 5 минут, 21 минуту (the accusative after «через»)."""
    if n % 10 == 1 and n % 100 != 11:
        word = "минуту"
    elif 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        word = "минуты"
    else:
        word = "минут"
    return f"{n} {word}"


def lockout_response(request, original_response=None, credentials=None):
    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else 0
    context = {"wait": ru_minutes(minutes) if minutes else "", "failure_limit": settings.AXES_FAILURE_LIMIT}
    # 429 Too Many Requests, as axes answers by default.
    return render(request, "registration/lockout.html", context, status=429)
