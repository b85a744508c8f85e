"""The coordinator's «Контроль исполнения» and the register of control points with its export."""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from monitoring.control.bulk import ACTIONS as BULK_ACTIONS, may_bulk
from monitoring.control.counts import school_counts
from monitoring.control.point_html import register_rows_html
from monitoring.control.exports import register_sheet
from monitoring.control.filters import FIGURE_QUERIES, OPEN_STATUSES
from monitoring.control.forms import DateInput
from monitoring.control.selectors import (
    DUE_SOON_DAYS,
    control_point_filter_for_user,
    dashboard_for_user,
    decorate,
    register_page,
)
from schnor_portal.dates import format_date
from schnor_portal.db_router import use_replica
from schnor_portal.filter_notes import filter_note
from schnor_portal.markup import escape
from schnor_portal.pagination import TailFastPaginator
from schnor_portal.xlsx import xlsx_response
from schools.access import can_manage

PER_PAGE = 50
TABLE_ROWS = 50
SORT_COLUMNS = ("due", "number", "school", "status", "updated")


def _with_figure_cells(page, *, register_url, period_query):
    """The figure cells of each row of a dashboard table, written here rather than by an include per row.

    Seven linked cells a row over a hundred rows was most of the page's rendering time; the
    markup is the one the table always had, the bar is the shared progress partial (one render
    per percentage).
    """
    bars = {}
    base, tail = escape(register_url), escape(period_query)
    for row in page:
        key = escape(row["query"])

        def cell(figure, css=""):
            attribute = f' class="{css}"' if css else ""
            href = f"{base}?{escape(FIGURE_QUERIES[figure])}&amp;{key}{tail}"
            return f'<td class="text-end"><a{attribute} href="{href}" data-figure="{figure}">{row[figure]}</a></td>'

        percent = row["percent_done"]
        if row["total"] and percent not in bars:
            bars[percent] = render_to_string("monitoring/control/partials/progress.html", {"percent": percent})
        row["cells"] = mark_safe(
            cell("total")
            + cell("done", "text-success")
            + cell("done_late", "text-warning-emphasis" if row["done_late"] else "text-body-secondary")
            + cell("in_work")
            + cell("planned")
            + cell("overdue", "text-danger fw-semibold" if row["overdue"] else "text-body")
            + f"<td>{bars[percent] if row['total'] else ''}</td>"
        )
    return page


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
@use_replica
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
    period_query = ("&" + data.period_query) if data.period_query else ""
    return render(
        request,
        "monitoring/control/dashboard.html",
        {
            "d": data,
            "today": today,
            "due_soon_days": DUE_SOON_DAYS,
            "q": FIGURE_QUERIES,
            "period_query": period_query,
            "soon_query": f"due_from={soon_from.isoformat()}&due_to={soon_to.isoformat()}&"
            + "&".join(f"status={s}" for s in OPEN_STATUSES),
            "periods": _periods(today),
            "date_widget": DateInput(),
            "can_manage": bool(user.municipality_id) and can_manage(user, user.municipality_id),
            # A region's dashboard has a row per school of forty municipalities: the tables are paged.
            **{
                name: _with_figure_cells(
                    Paginator(rows, TABLE_ROWS).get_page(request.GET.get(name)),
                    register_url=reverse("monitoring:register"),
                    period_query=period_query,
                )
                for name, rows in (
                    ("schools_page", data.by_school),
                    ("sections_page", data.by_section),
                    ("clusters_page", data.by_cluster),
                )
            },
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
@use_replica
def register(request):
    today = timezone.localdate()
    filterset = control_point_filter_for_user(user=request.user, filters=request.GET, today=today)
    sort = (filterset.form.cleaned_data.get("sort") or [""])[0] if filterset.is_valid() else ""
    counts = school_counts(user=request.user, queryset=filterset.qs, filters=request.GET, today=today)
    page, rows = register_page(filterset.qs, TailFastPaginator, PER_PAGE, request.GET.get("page"), counts=counts, sort=sort)
    points = decorate(rows, today)
    bulk = may_bulk(request.user)
    return render(
        request,
        "monitoring/control/register.html",
        {
            "filter": filterset,
            "page": page,
            "points": points,
            # Written in Python (monitoring/control/point_html.py): fifty rows through template tags
            # were a third of the page's time.
            "rows": register_rows_html(points, bulk=bulk),
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "sort_headers": _sort_headers(sort or "due"),
            "today": today,
            # The coordinator's checkboxes and bulk form; each point is checked again on POST.
            "bulk": bulk,
            "bulk_actions": BULK_ACTIONS,
        },
    )


@login_required
@use_replica
def register_export(request):
    """The register as filtered, every page of it, in one sheet."""
    today = timezone.localdate()
    filterset = control_point_filter_for_user(user=request.user, filters=request.GET, today=today)
    points = decorate(list(filterset.qs.select_related("accepted_by", "accepted_by__person")), today)
    note = filter_note(filterset.form, when=timezone.localtime())
    return xlsx_response(f"Контрольные точки {format_date(today)}.xlsx", register_sheet(points, today=today, note=note))
