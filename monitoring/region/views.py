"""The region's cabinet: the page, its Excel and its PDF summary, all from one `region_cabinet`."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe

from schnor_portal.dates import format_date
from schnor_portal.db_router import use_replica
from schnor_portal.markup import escape
from schnor_portal.xlsx import attachment, xlsx_response

from .exports import TITLE, summary_pdf, summary_sheet
from .selectors import MINUS, header_bands, region_cabinet


def _cabinet(request):
    return region_cabinet(user=request.user, sort=request.GET.get("sort", ""), today=timezone.localdate())


def _cells_html(cells, table_key) -> str:
    """A row's figure cells, written here rather than by template tags per cell.

    Forty municipalities × thirty-odd figures is 1,400 cells: through the template's tags they
    were most of the page's time. The markup is the one the template wrote.
    """
    parts = []
    for position, cell in enumerate(cells, start=1):
        classes = []
        if cell.value is not None and cell.label[:1] == MINUS:
            classes.append("text-danger ")
        if table_key != "plan" or position > 3:
            classes.append("text-end text-nowrap")
        label, title = escape(cell.label), escape(cell.title)
        titled = f' title="{title}"' if cell.title else ""
        if cell.url:
            named = f' aria-label="{label} ({title})"' if cell.title else ""
            inner = f'<a href="{escape(cell.url)}"{named}>{label}</a>'
        else:
            inner = f'<span class="text-body-secondary">{label}</span>'
        parts.append(f'<td class="{"".join(classes)}"{titled}>{inner}</td>')
    return mark_safe("".join(parts))


def _headers(columns, sort):
    """Each column's sort link: the first click sorts as the column reads best (names A→Я, figures
    largest first), the next reverses; `aria` marks the one column the rows are sorted by."""
    headers = []
    for column in columns:
        if sort == column.key:
            aria, next_sort, arrow = "ascending", f"-{column.key}", "▲"
        elif sort == f"-{column.key}":
            aria, next_sort, arrow = "descending", column.key, "▼"
        else:
            aria, next_sort, arrow = "", f"-{column.key}" if column.numeric else column.key, ""
        direction = "по убыванию" if next_sort.startswith("-") else "по возрастанию"
        headers.append(
            {"column": column, "aria": aria, "sort": next_sort, "arrow": arrow, "action": f"Сортировать {direction}"}
        )
    return headers


@login_required
@use_replica
def cabinet(request):
    data = _cabinet(request)
    tables = [
        ("plan", "Планы и исполнение контрольных точек", ("name", "plan", "work")),
        ("lists", "Школы в списках ШНОР по годам", ("name", "lists")),
        ("results", "Разрыв результатов с регионом по предметам", ("name", "results")),
    ]
    shown = []
    for key, title, groups in tables:
        columns = [column for group in groups for column in data.of_group(group)]
        if len(columns) == 1 and key != "plan":
            continue  # no list year or no subject in the region: the table would be names alone
        shown.append(
            {
                "key": key,
                "title": title,
                "headers": _headers(columns, data.sort),
                "bands": header_bands(columns),
                "rows": [
                    (row.municipality, _cells_html(row.cells(columns)[1:], key), row.figures["name"]) for row in data.rows
                ],
            }
        )
    query = f"?sort={data.sort}"
    return render(
        request,
        "monitoring/region/cabinet.html",
        {"cabinet": data, "tables": shown, "title": TITLE, "sort_query": query},
    )


@login_required
@use_replica
def cabinet_xlsx(request):
    data = _cabinet(request)
    return xlsx_response(f"Сводная справка {data.region.name} {format_date(data.today)}.xlsx", summary_sheet(data))


@login_required
@use_replica
def cabinet_pdf(request):
    data = _cabinet(request)
    return attachment(summary_pdf(data), f"Сводная справка {data.region.name} {format_date(data.today)}.pdf", "application/pdf")
