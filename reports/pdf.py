"""Printing: an order (or a report) in, PDF bytes out.

WeasyPrint gets a URL fetcher that serves only the project's own static files (the fonts and the
print CSS) and data: URLs; anything else — the network, file:// paths, media — is refused, so a
text typed into an order can never make the server fetch something.
"""

import logging
import mimetypes
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

# WeasyPrint reports every layout step at INFO, even on import: keep the server log for what matters.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from weasyprint import HTML  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

from schnor_portal.dates import format_date, format_date_long  # noqa: E402

from .selectors import order_print_context  # noqa: E402
from .verification_codes import group_code  # noqa: E402

# Relative URLs in the print templates resolve against this; it is never contacted. Under its
# static/ the fetcher serves what the static files finders find (fonts, the print CSS), so
# printing works the same with or without collectstatic and hashed file names.
PRINT_BASE_URL = "https://print.invalid/"
PRINT_STATIC_URL = PRINT_BASE_URL + "static/"
PRINT_CSS_URL = PRINT_STATIC_URL + "reports/print.css"
FALLBACK_SITE_URL = "http://127.0.0.1:8000"
# A signed order is kept as a record: PDF/A-3b («b»: its look is preserved; fonts embedded, sRGB
# output intent, XMP metadata), which WeasyPrint 70 writes itself. Drafts print the same way, so
# that what the chair reads before signing is laid out exactly as what is stored.
ORDER_PDF_VARIANT = "pdf/a-3b"


class StaticOnlyFetcher(URLFetcher):
    """Serves /static/… from the static files finders and data: URLs; refuses everything else."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if not url.startswith(PRINT_STATIC_URL):
            raise ValueError(f"Печать не загружает внешние ресурсы: {url}")
        relative = unquote(urlsplit(url).path).removeprefix("/static/")
        if not relative or ".." in relative.split("/"):
            raise ValueError(f"Недопустимый путь: {url}")
        path = finders.find(relative)
        if not path:
            raise ValueError(f"Нет такого статического файла: {relative}")
        with open(path, "rb") as fh:
            body = fh.read()
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})


def print_context(context: dict) -> dict:
    return {**context, "print_css": PRINT_CSS_URL}


def html_to_pdf(html: str, *, pdf_variant: str | None = None) -> bytes:
    options = {"pdf_variant": pdf_variant} if pdf_variant else {}
    return HTML(string=html, base_url=PRINT_BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf(**options)


def qr_svg(data: str) -> str:
    """The QR code as inline SVG (no XML declaration), sized by the print CSS."""
    return segno.make(data, error="m").svg_inline(scale=1, border=0, omitsize=True)


def site_url() -> str:
    """The portal's public address, as printed on paper.

    Always the configured one, never the Host of the request that signed: paper outlives the
    address a chair happened to use, and a forged Host header must not end up in a signed QR code.
    """
    return (settings.PORTAL_BASE_URL or FALLBACK_SITE_URL).rstrip("/")


@dataclass
class Verification:
    """What each page of a signed order carries: its requisites, the public code to type and a QR
    code of the public page that code opens."""

    code: str  # as stored, 20 characters
    url: str  # the order's public page: the QR code
    entry_url: str  # the page where the code is typed by hand

    @property
    def code_grouped(self) -> str:
        return group_code(self.code)

    def line(self, order) -> str:
        return f"{order.get_kind_display()} от {format_date(order.date)} № {order.number}"


def order_pdf_title(order) -> str:
    """The document's title in its metadata: «Приказ от 4 апреля 2023 г. № 87 «Об утверждении …»»."""
    requisites = order.get_kind_display()
    if order.date:
        requisites += f" от {format_date_long(order.date)}"
    requisites += f" № {order.number}" if order.number else " (проект)"
    title = " ".join(order.title.split())
    return f"{requisites} «{title.strip('«»')}»" if title else requisites


def order_pdf_meta(order) -> list[tuple[str, str]]:
    """What WeasyPrint writes into the PDF's metadata (Info and XMP) from <meta name=…>:
    the issuing authority as author, the title as subject, the number and date as keywords (each
    its own keyword, so an archive can search by them) and the order's date as its creation date."""
    authority = " ".join(line.strip() for line in order.header.splitlines() if line.strip())
    keywords = [order.get_kind_display()]
    if order.number:
        keywords.append(f"номер {order.number}")
    if order.date:
        keywords.append(f"дата {format_date(order.date)}")
    keywords.append(order.municipality.name)
    meta = [("author", authority), ("description", " ".join(order.title.split())), ("keywords", ", ".join(keywords))]
    if order.date:
        meta.append(("dcterms.created", order.date.isoformat()))
    meta.append(("generator", "Портал ШНОР"))
    return [(name, value) for name, value in meta if value]


def order_html(order, *, verification: Verification | None = None) -> str:
    context = order_print_context(order)
    context["pdf_title"] = order_pdf_title(order)
    context["pdf_meta"] = order_pdf_meta(order)
    context["verification"] = verification
    if verification:
        context["verification_line"] = verification.line(order)
        context["qr_svg"] = mark_safe(qr_svg(verification.url))
    return render_to_string("reports/order_pdf.html", print_context(context))


def render_order_pdf(order, *, verification: Verification | None = None) -> bytes:
    return html_to_pdf(order_html(order, verification=verification), pdf_variant=ORDER_PDF_VARIANT)


def render_report_pdf(template: str, context: dict) -> bytes:
    return html_to_pdf(render_to_string(template, print_context(context)))
