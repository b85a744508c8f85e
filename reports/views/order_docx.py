"""The order as a Word document, for registration in the office's document system."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.http import content_disposition_header

from schools.access import get_order_for_user

from ..order_docx import DOCX_CONTENT_TYPE, render_order_docx
from ..services import order_verification
from .orders import _pdf_filename


@login_required
def order_docx(request, pk):
    """Whoever may read the order's PDF may take it as .docx: the same access call as the PDF."""
    order = get_order_for_user(request.user, pk)
    verification = order_verification(order=order) if order.is_signed else None
    response = HttpResponse(render_order_docx(order, verification=verification), content_type=DOCX_CONTENT_TYPE)
    filename = _pdf_filename(order).removesuffix(".pdf") + ".docx"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
