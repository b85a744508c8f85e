"""The cabinet on paper and in Excel: «Сводная справка о реализации муниципальных программ поддержки ШНОР».

Both are written from the `Cabinet` the page shows (selectors.region_cabinet), cell for cell:
a figure is its number (a date, a percentage, a gap) where it has one, else the page's words.
"""

import logging
import mimetypes
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from schnor_portal.dates import format_date_long
from schnor_portal.xlsx import Sheet

from .selectors import Cabinet, header_bands

# WeasyPrint reports every layout step at INFO, even on import: keep the server log for what matters.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from weasyprint import HTML  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

TITLE = "Сводная справка о реализации муниципальных программ поддержки ШНОР"
# Relative URLs of the print template resolve against this address; it is never contacted.
PRINT_BASE_URL = "https://print.invalid/"
FONTS_URL = PRINT_BASE_URL + "static/fonts/"
# Subject columns per results table on a landscape A4 page, beside the municipality's name.
PDF_SUBJECTS_PER_TABLE = 8


def column_heading(column) -> str:
    """A header that says what the column is without the page's grouping: «2025 год: вошли»."""
    return f"{column.band}: {column.label}" if column.band else column.label


def cell_value(column, figure):
    """What a spreadsheet cell holds: the number for a figure that has one, else the page's text."""
    if column.numeric and figure.value is not None:
        return figure.value
    return figure.label


def summary_sheet(cabinet: Cabinet) -> Sheet:
    columns = cabinet.columns
    return Sheet(
        title="Сводная справка",
        caption=f"{TITLE}. {cabinet.region.name}",
        note=f"По состоянию на {format_date_long(cabinet.today)}. Контрольные точки — по плану в силе; "
        "доля в срок — выполненные в срок из выполненных и просроченных; разрыв с регионом — средний балл "
        "муниципалитета минус средний по региону в единицах предмета (отметка или балл).",
        headers=[column_heading(column) for column in columns],
        rows=[[cell_value(column, figure) for column, figure in zip(columns, row.cells(columns))] for row in cabinet.rows],
        widths=[28, 40, 24, 22] + [12] * (len(columns) - 4),
    )


class FontsOnlyFetcher(URLFetcher):
    """Serves the portal's own fonts (static/fonts/) and nothing else: no text printed here can make
    the server fetch a URL (as reports/pdf.py does for orders)."""

    def fetch(self, url, headers=None):
        if not url.startswith(FONTS_URL):
            raise ValueError(f"Печать не загружает внешние ресурсы: {url}")
        relative = unquote(urlsplit(url).path).removeprefix("/static/")
        if ".." in relative.split("/"):
            raise ValueError(f"Недопустимый путь: {url}")
        path = finders.find(relative)
        if not path:
            raise ValueError(f"Нет такого шрифта: {relative}")
        with open(path, "rb") as fh:
            body = fh.read()
        return URLFetcherResponse(url, body=body, headers={"Content-Type": mimetypes.guess_type(path)[0] or "font/ttf"})


def _chunks(items, size):
    return [items[start : start + size] for start in range(0, len(items), size)] or [[]]


def summary_pdf(cabinet: Cabinet) -> bytes:
    """Landscape A4: the plan and the points, the lists by year, the results gap (split to fit the page)."""
    name = cabinet.of_group("name")
    results = cabinet.of_group("results")
    tables = [
        ("Планы и исполнение контрольных точек", name + cabinet.of_group("plan") + cabinet.of_group("work")),
    ]
    if cabinet.list_years:
        tables.append(("Школы в списках ШНОР по годам", name + cabinet.of_group("lists")))
    for number, part in enumerate(_chunks(results, PDF_SUBJECTS_PER_TABLE), start=1) if results else ():
        suffix = f" (часть {number})" if len(results) > PDF_SUBJECTS_PER_TABLE else ""
        tables.append((f"Разрыв результатов с регионом по предметам{suffix}", name + part))
    html = render_to_string(
        "monitoring/region/summary_pdf.html",
        {
            "title": TITLE,
            "cabinet": cabinet,
            "date_label": format_date_long(cabinet.today),
            "fonts_url": FONTS_URL,
            "tables": [
                {
                    "title": title,
                    "columns": columns,
                    "bands": header_bands(columns),
                    "rows": [(row.municipality, list(zip(columns, row.cells(columns)))) for row in cabinet.rows],
                }
                for title, columns in tables
            ],
        },
    )
    return HTML(string=html, base_url=PRINT_BASE_URL, url_fetcher=FontsOnlyFetcher()).write_pdf()
