"""Public verification of a printed order: no login, reached only by the code printed on it.

Anyone holding the paper (a school, a prosecutor) types the code or scans the QR code and sees the
least that proves it (reports.selectors.order_public_facts), and may send a file to be compared
with the signed PDF by SHA-256; the file is hashed as it streams in and kept nowhere
(reports.forms.Sha256UploadHandler). Every request by code counts against the client address's
budget, unknown codes too, so codes cannot be guessed and the server cannot be made to hash
files without end.
"""

import ipaddress
import math
import time

from django.core.cache import cache
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from accounts.audit import client_ip
from accounts.lockout import ru_minutes

from ..forms import VERIFY_UPLOAD_MAX_BYTES, VERIFY_UPLOAD_MAX_MB, OrderFileCheckForm, Sha256UploadHandler, VerificationCodeForm
from ..selectors import PublicOrderFacts, order_public_facts
from ..verification_codes import group_code

RATE_LIMIT = 30  # units per client address per window: a lookup is one unit
RATE_WINDOW = 10 * 60  # seconds
UPLOAD_COST = 5  # hashing up to 30 MB costs the server more than a lookup
# Room for the multipart boundaries, the part headers and the CSRF field around the file.
MULTIPART_SLACK = 64 * 1024


def _client(request) -> str:
    """The address counted: the client's (accounts.audit.client_ip, as the login lockout counts),
    and for IPv6 its /64, since one subscriber is given a whole /64 to pick addresses from."""
    ip = client_ip(request)
    if ip is None:
        return "unknown"
    if ipaddress.ip_address(ip).version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return ip


def _spend(request, cost: int) -> bool:
    """Count `cost` against the client's budget for this window; True once it is overspent."""
    key = f"reports:verify:{_client(request)}:{int(time.time()) // RATE_WINDOW}"
    cache.add(key, 0, RATE_WINDOW)
    try:
        used = cache.incr(key, cost)
    except ValueError:  # the key expired between add() and incr(): this request starts the count
        cache.set(key, cost, RATE_WINDOW)
        used = cost
    # With Redis down the cache answers None (IGNORE_EXCEPTIONS) and the page stays open: the
    # codes' 100 bits keep orders from being found; the limit only adds to that.
    return used is not None and used > RATE_LIMIT


def _public(response):
    # A URL with a code may be pasted somewhere public; search engines must not list the orders.
    response["X-Robots-Tag"] = "noindex, nofollow"
    # No shared cache may answer for us: each lookup must reach the rate limit.
    response["Cache-Control"] = "no-store"
    return response


def _throttled(request):
    seconds = RATE_WINDOW - int(time.time()) % RATE_WINDOW
    response = render(request, "reports/public_verify_throttled.html", {"wait": ru_minutes(math.ceil(seconds / 60))}, status=429)
    response["Retry-After"] = str(seconds)
    return _public(response)


def _not_found(request):
    """One answer for a code never issued and an order not signed: neither exists publicly."""
    return _public(render(request, "reports/public_verify_not_found.html", {"form": VerificationCodeForm()}, status=404))


def _page(request, facts: PublicOrderFacts, form, *, upload=None, matches=None, upload_error="", status=200):
    context = {
        "facts": facts,
        "form": form,
        "upload": upload,
        "matches": matches,
        "upload_error": upload_error,
        "max_mb": VERIFY_UPLOAD_MAX_MB,
    }
    return _public(render(request, "reports/public_verify.html", context, status=status))


@require_http_methods(["GET", "HEAD"])
def code_form(request):
    """The address printed beside the code: type the code from paper."""
    form = VerificationCodeForm(request.GET if "code" in request.GET else None)
    if form.is_bound and form.is_valid():
        return redirect("verification:order_check", code=group_code(form.cleaned_data["code"]))
    return _public(render(request, "reports/public_verify_start.html", {"form": form}))


# CSRF is checked by _order_file_check, after the upload handlers are set: the middleware would
# read the body with Django's own handlers first, which keep the file in memory or on disk.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def order_check(request, code):
    """What the QR code opens: the public facts of the order, and the form to compare a file."""
    uploading = request.method == "POST"
    if _spend(request, UPLOAD_COST if uploading else 1):
        return _throttled(request)
    facts = order_public_facts(code=code)
    if facts is None:
        return _not_found(request)
    if not uploading or not facts.pdf_sha256:
        return _page(request, facts, OrderFileCheckForm())
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > VERIFY_UPLOAD_MAX_BYTES + MULTIPART_SLACK:
        # Refused before a byte of the body is read.
        message = f"Файл больше {VERIFY_UPLOAD_MAX_MB} МБ: такие не сверяются."
        return _page(request, facts, OrderFileCheckForm(), upload_error=message, status=413)
    request.upload_handlers = [Sha256UploadHandler(request)]
    return _order_file_check(request, facts)


@csrf_protect
def _order_file_check(request, facts: PublicOrderFacts):
    form = OrderFileCheckForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, facts, form)
    upload = form.cleaned_data["file"]
    return _page(request, facts, OrderFileCheckForm(), upload=upload, matches=upload.sha256 == facts.pdf_sha256)
