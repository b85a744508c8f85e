"""Every page and htmx fragment carries the Content-Security-Policy; nothing private is cached.

The policy runs scripts from static files only, so the templates must hold no inline script and no
on…= handler: the scan below fails on the first one someone adds, before a browser silently
ignores it. School staff share computers, hence `Cache-Control: no-store` on whatever a signed-in
user gets and on every file.
"""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import FileResponse, HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from accounts.middleware import NoStoreMiddleware
from schnor_portal.xlsx import attachment

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
HTMX = {"HTTP_HX_REQUEST": "true"}


def policy(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_strict(response):
    csp = policy(response)
    assert csp["script-src"] == ["'self'"]
    assert not any("'unsafe-eval'" in values for values in csp.values())
    assert "'unsafe-inline'" not in csp["style-src"]
    assert csp["default-src"] == ["'self'"] and csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"] and csp["form-action"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["img-src"] == ["'self'", "data:"]


@pytest.mark.parametrize(
    ("role", "name", "args", "headers"),
    [
        ("coordinator", "home", [], {}),
        ("curator", "home", [], {}),
        ("director_a", "home", [], {}),
        ("coordinator", "schools:school_list", [], {}),
        ("coordinator", "schools:school_add", [], {}),
        ("director_a", "accounts:password_change", [], {}),
        ("director_a", "monitoring:control_point_row", ["cp_a"], HTMX),
        ("coordinator", "overview:municipal", [], {}),
    ],
)
def test_pages_and_fragments_carry_the_policy(cast, client, role, name, args, headers):
    client.force_login(getattr(cast, role))
    response = client.get(reverse(name, args=[getattr(cast, a).pk for a in args]), **headers)
    assert response.status_code == 200
    assert_strict(response)


def test_the_login_page_and_the_lockout_page_carry_the_policy(cast, client):
    assert_strict(client.get(reverse("accounts:login")))
    for _ in range(5):
        response = client.post(reverse("accounts:login"), {"username": "coordinator", "password": "неверный"})
    assert response.status_code == 429
    assert_strict(response)


def test_the_other_headers_stay(cast, client):
    client.force_login(cast.coordinator)
    response = client.get(reverse("home"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_htmx_runs_without_eval_and_without_its_inline_style(cast, client):
    client.force_login(cast.coordinator)
    page = client.get(reverse("home")).content.decode()
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles": false, "allowEval": false""" in page
    assert "js/portal.js" in page


# ---------------------------------------------------------------- the templates themselves

def _templates():
    return sorted(TEMPLATES.rglob("*.html"))


SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
# An attribute named on… (onclick=, onsubmit=, onload=…) inside a tag; hx-on:… runs through eval.
HANDLER = re.compile(r"<[a-zA-Z][^>]*?\s(on[a-z]+|hx-on[:\w-]*)\s*=", re.IGNORECASE)
EVAL_ATTRIBUTE = re.compile(r"""\s(hx-vars|hx-vals\s*=\s*["']\s*js:|href\s*=\s*["']\s*javascript:)""", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
# Pages rendered to PDF by WeasyPrint and letters never reach a browser under the policy.
NOT_SERVED = (
    "reports/order_pdf.html",
    "reports/school_report_pdf.html",
    "reports/plan_report_pdf.html",
    "monitoring/region/summary_pdf.html",
)


def test_the_scan_finds_what_it_looks_for():
    assert SCRIPT_TAG.search('<script>alert(1)</script>')
    assert HANDLER.search('<form method="post" onsubmit="return confirm(1)">')
    assert HANDLER.search('<button hx-on:click="x()">')
    assert not HANDLER.search('<button data-confirm="Удалить?">')
    assert EVAL_ATTRIBUTE.search('<div hx-vals=\'js:{a: 1}\'>')


def test_no_template_has_an_inline_script():
    found = []
    for path in _templates():
        for match in SCRIPT_TAG.finditer(path.read_text()):
            attributes = match.group(1)
            if "src=" not in attributes and "nonce=" not in attributes and 'type="application/json"' not in attributes:
                found.append(f"{path.relative_to(TEMPLATES)}: {match.group(0)}")
    assert not found, "inline <script> (move it to static/js/): " + "; ".join(found)


def test_no_template_has_an_event_handler_attribute_or_eval():
    found = []
    for path in _templates():
        text = path.read_text()
        for pattern in (HANDLER, EVAL_ATTRIBUTE):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(TEMPLATES)}:{line}: {match.group(0)[-60:]}")
    assert not found, "on…= handlers or eval (use data-confirm and static/js/portal.js): " + "; ".join(found)


def test_no_page_has_a_style_element():
    found = [
        str(path.relative_to(TEMPLATES))
        for path in _templates()
        if STYLE_ELEMENT.search(path.read_text())
        and str(path.relative_to(TEMPLATES)) not in NOT_SERVED
        and "email" not in path.parts
    ]
    assert not found, "<style> in a page (move it to static/css/): " + ", ".join(found)


# ---------------------------------------------------------------- Cache-Control

@pytest.mark.parametrize(
    ("role", "name", "args", "headers"),
    [
        ("coordinator", "home", [], {}),
        ("coordinator", "schools:school_export", [], {}),
        ("coordinator", "monitoring:register_export", [], {}),
        ("chair", "reports:order_pdf", ["order"], {}),
        ("chair", "reports:order_verify", ["order"], {}),
        ("director_a", "monitoring:control_point_row", ["cp_a"], HTMX),
    ],
)
def test_what_a_signed_in_user_gets_is_not_stored(cast, client, role, name, args, headers):
    client.force_login(getattr(cast, role))
    response = client.get(reverse(name, args=[getattr(cast, a).pk for a in args]), **headers)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_a_file_is_not_stored_even_without_a_session():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    for response in (FileResponse(iter([b"x"])), attachment(b"x", "Школы.xlsx")):
        assert NoStoreMiddleware(lambda r, response=response: response)(request)["Cache-Control"] == "no-store"
    page = NoStoreMiddleware(lambda r: HttpResponse("страница"))(request)
    assert not page.has_header("Cache-Control")


def test_a_response_that_chose_its_caching_keeps_it(cast):
    request = RequestFactory().get("/")
    request.user = cast.coordinator

    def view(r):
        response = HttpResponse("x")
        response["Cache-Control"] = "private, max-age=60"
        return response

    assert NoStoreMiddleware(view)(request)["Cache-Control"] == "private, max-age=60"


def test_static_files_are_not_touched(cast, client, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    client.force_login(cast.coordinator)
    response = client.get("/static/css/portal.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
