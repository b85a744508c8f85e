"""The signed order's PDF is PDF/A-3b, kept as a record: an XMP metadata stream that says so and
names the order (title, number, date), every font embedded; stored once with its SHA-256, and
`print_order` writes those very bytes."""

import hashlib
import re

import pytest
from django.core.management import call_command

from reports.pdf import ORDER_PDF_VARIANT, order_pdf_meta, order_pdf_title
from reports.services import order_sign

from .conftest import poppler


@pytest.fixture
def signed(ready_order, cast):
    return order_sign(order=ready_order, user=cast.chair)


def _stored(order) -> bytes:
    with order.pdf.open("rb") as handle:
        return handle.read()


def test_the_variant_is_an_archival_one_weasyprint_knows():
    from weasyprint.pdf import VARIANTS

    assert ORDER_PDF_VARIANT in VARIANTS and ORDER_PDF_VARIANT.startswith("pdf/a-")


def test_the_signed_pdf_has_a_pdfa_metadata_stream_with_title_number_and_date(signed, tmp_path):
    path = tmp_path / "signed.pdf"
    path.write_bytes(_stored(signed))
    info = poppler("pdfinfo", str(path))
    assert re.search(r"^Metadata Stream:\s+yes$", info, re.M), info
    xmp = poppler("pdfinfo", "-meta", str(path))
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp, xmp
    # The title names the order: kind, date as documents write it, number and its title.
    assert "<dc:title>" in xmp and "Приказ от 28 марта 2025 г. № 12" in xmp and signed.title in xmp
    assert "номер 12" in xmp and "дата 28.03.2025" in xmp
    assert "<xmp:CreateDate>2025-03-28</xmp:CreateDate>" in xmp
    assert re.search(r"^Title:\s+Приказ от 28 марта 2025 г\. № 12", info, re.M)


def test_every_font_of_the_signed_pdf_is_embedded(signed, tmp_path):
    path = tmp_path / "signed.pdf"
    path.write_bytes(_stored(signed))
    lines = poppler("pdffonts", str(path)).splitlines()[2:]
    assert lines
    for line in lines:
        assert line.split()[-5] == "yes", line  # emb


def test_it_is_stored_once_with_its_hash_and_print_order_writes_the_same_bytes(signed, tmp_path):
    stored = _stored(signed)
    assert hashlib.sha256(stored).hexdigest() == signed.pdf_sha256
    out = tmp_path / "printed.pdf"
    call_command("print_order", "--number", signed.number, "-o", str(out))
    assert out.read_bytes() == stored


def test_a_fresh_print_of_an_order_is_pdfa_too(ready_order, tmp_path):
    """An order signed outside the portal has no stored file: print_order renders it, as PDF/A."""
    out = tmp_path / "draft.pdf"
    call_command("print_order", "--number", ready_order.number, "-o", str(out))
    assert 'pdfaid:part="3"' in poppler("pdfinfo", "-meta", str(out))


def test_the_metadata_reads_the_order(ready_order):
    assert order_pdf_title(ready_order) == f"Приказ от 28 марта 2025 г. № 12 «{ready_order.title}»"
    meta = dict(order_pdf_meta(ready_order))
    assert meta["dcterms.created"] == "2025-03-28"
    assert "номер 12" in meta["keywords"] and "дата 28.03.2025" in meta["keywords"]
    assert meta["description"] == ready_order.title
    ready_order.number, ready_order.date = "", None
    assert order_pdf_title(ready_order).startswith("Приказ (проект)")
    assert "dcterms.created" not in dict(order_pdf_meta(ready_order))
