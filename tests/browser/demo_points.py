"""Arranging the lived demo for a browser test."""

import datetime

from accounts.models import User
from monitoring.models import ControlPoint


def a_point_to_report_heads_my_school(username="director") -> ControlPoint:
    """The lived demo's school has reported on its past points: one not yet begun is made the most
    overdue, so that it heads «Моя школа» with «Заполнить отчёт»."""
    points = ControlPoint.objects.filter(school_id=User.objects.get(username=username).school_id)
    fresh = points.filter(status=ControlPoint.Status.PLANNED, report_text="").order_by("due_date").first()
    earliest = points.order_by("due_date").values_list("due_date", flat=True).first()
    due = earliest - datetime.timedelta(days=1)
    # A point with a window («в течение февраля») must keep its window opening before its deadline.
    window_start = min(fresh.window_start, due) if fresh.window_start else None
    ControlPoint.objects.filter(pk=fresh.pk).update(due_date=due, window_start=window_start)
    return fresh
