"""The coordinator's «Контроль исполнения» and the register of control points with its export."""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from schnor_portal.dates import format_date
from monitoring.selectors import DUE_SOON_DAYS
from schnor_portal.xlsx import xlsx_response
from schools.access import can_manage

from ..exports import register_sheet
from ..filters import OPEN_STATUSES
from ..forms import DateInput
from ..selectors import control_point_filter_for_user, dashboard_for_user, decorate

PER_PAGE = 50
# The register filter behind each figure of the dashboard (selectors._counts defines the figures).
FIGURE_QUERIES = {
    "total": "&".join(f"status={s}" for s in ("planned", "in_progress", "submitted", "rework", "done")),
    "done": "status=done",
    "done_late": "late=yes",
    "in_work": "status=in_progress&status=submitted&status=rework&overdue=no",
    "planned": "status=planned&overdue=no",
    "overdue": "overdue=yes",
    "submitted": "status=submitted",
    "needs_decision": "needs_decision=yes",
    "rescheduled": "rescheduled=yes",
}
SORT_COLUMNS = ("due", "number", "school", "status", "updated")


def _date(value):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _periods(today):
    quarter_start = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    quarter_end_month = quarter_start.month + 2
    next_month = datetime.date(today.year + (quarter_end_month // 12), quarter_end_month % 12 + 1, 1)
    return [
        ("Весь период", None, None),
        (f"{today.year} год", datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)),
        ("Этот квартал", quarter_start, next_month - datetime.timedelta(days=1)),
        (f"{today.year - 1} год", datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31)),
    ]


@login_required
def dashboard(request):
    today = timezone.localdate()
    period_from, period_to = _date(request.GET.get("from")), _date(request.GET.get("to"))
    if period_from and period_to and period_from > period_to:
        period_from, period_to = period_to, period_from
    data = dashboard_for_user(user=request.user, today=today, period_from=period_from, period_to=period_to)
    # «Due soon» inside the chosen period: the link carries the intersection of both ranges.
    soon_from = max(today, period_from) if period_from else today
    soon_to = min(today + datetime.timedelta(days=DUE_SOON_DAYS), period_to) if period_to else today + datetime.timedelta(days=DUE_SOON_DAYS)
    user = request.user
    return render(
        request,
        "monitoring/dashboard.html",
        {
            "d": data,
            "today": today,
            "due_soon_days": DUE_SOON_DAYS,
            "q": FIGURE_QUERIES,
            "period_query": ("&" + data.period_query) if data.period_query else "",
            "soon_query": f"due_from={soon_from.isoformat()}&due_to={soon_to.isoformat()}&"
            + "&".join(f"status={s}" for s in OPEN_STATUSES),
            "periods": _periods(today),
            "date_widget": DateInput(),
            "can_manage": bool(user.municipality_id) and can_manage(user, user.municipality_id),
        },
    )


def _sort_headers(current):
    headers = {}
    for column in SORT_COLUMNS:
        if current == column:
            headers[column] = {"sort": f"-{column}", "arrow": "▲"}
        elif current == f"-{column}":
            headers[column] = {"sort": column, "arrow": "▼"}
        else:
            headers[column] = {"sort": column, "arrow": ""}
    return headers


@login_required
def register(request):
    today = timezone.localdate()
    filterset = control_point_filter_for_user(user=request.user, filters=request.GET, today=today)
    page = Paginator(filterset.qs, PER_PAGE).get_page(request.GET.get("page"))
    points = decorate(list(page.object_list), today)
    sort = (filterset.form.cleaned_data.get("sort") or [""])[0] if filterset.is_valid() else ""
    return render(
        request,
        "monitoring/register.html",
        {
            "filter": filterset,
            "page": page,
            "points": points,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "sort_headers": _sort_headers(sort or "due"),
            "today": today,
        },
    )


@login_required
def register_export(request):
    """The register as filtered, every page of it, in one sheet."""
    today = timezone.localdate()
    filterset = control_point_filter_for_user(user=request.user, filters=request.GET, today=today)
    points = decorate(list(filterset.qs.select_related("accepted_by", "accepted_by__person")), today)
    return xlsx_response(f"Контрольные точки {format_date(today)}.xlsx", register_sheet(points, today=today))
