"""The results register: what the user may see, filtered and sorted, and its Excel export."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from monitoring.results.exports import result_register_sheets
from monitoring.results.register import decorate_results, result_filter_for_user, result_references
from schnor_portal.dates import format_date
from schnor_portal.xlsx import xlsx_response
from schools.access import can_manage

PER_PAGE = 50
SORT_COLUMNS = ("school", "procedure", "subject", "grade", "year", "score")


def _sees_several_municipalities(user):
    return user.reads_several_municipalities


def _sort_headers(current):
    """Per column: the sort its header link sets and the arrow it shows now."""
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
def result_list(request):
    user = request.user
    filterset = result_filter_for_user(user=user, filters=request.GET)
    page = Paginator(filterset.qs, PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    results = decorate_results(rows, result_references(rows))
    sort = (filterset.form.cleaned_data.get("sort") or [""])[0] if filterset.is_valid() else ""
    return render(
        request,
        "monitoring/results/register.html",
        {
            "filter": filterset,
            "page": page,
            "results": results,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "sort_headers": _sort_headers(sort),
            "show_municipality": _sees_several_municipalities(user),
            "show_school": "school" in filterset.filters,
            # A column without a single value on the page only takes room (the export keeps them all).
            "show_share": any(row.failed_share is not None for row in results),
            "show_municipal_average": any(row.averages.municipality is not None for row in results),
            "show_regional_average": any(row.averages.region is not None for row in results),
            "can_import": bool(user.municipality_id) and can_manage(user, user.municipality_id),
        },
    )


@login_required
def result_export(request):
    """Every row of the register as filtered (all pages), the averages they compare with on a second sheet."""
    filterset = result_filter_for_user(user=request.user, filters=request.GET)
    results = list(filterset.qs)
    references = result_references(results)
    sheets = result_register_sheets(
        decorate_results(results, references), references, with_municipality=_sees_several_municipalities(request.user)
    )
    return xlsx_response(f"Результаты {format_date(timezone.localdate())}.xlsx", *sheets)
