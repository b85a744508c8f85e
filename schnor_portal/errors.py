"""The page a request gets when the server fails: Russian, and rendered without the database.

A request that lost its database connection (PostgreSQL restarting, the network between the two
gone) gets 503 with Retry-After: it is the database that is missing, and it will be back — the next
request opens a new connection (CONN_HEALTH_CHECKS), no restart of the portal is needed. Anything
else is 500. Both templates are plain HTML with no tags: no context processor, session or user is
touched while the database may be away.

Under DEBUG, DebugNotFoundMiddleware keeps the 404 page the project's own (see below).
"""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, HttpResponseServerError
from django.template import loader
from django.urls import Resolver404, resolve
from django.views.defaults import page_not_found

RETRY_AFTER_SECONDS = 30


def _database_unreachable(error) -> bool:
    # psycopg raises OperationalError for a refused or dropped connection and InterfaceError for a
    # closed one; Django wraps both. A constraint violation (IntegrityError) is a 500, not an outage.
    return isinstance(error, (OperationalError, InterfaceError))


def server_error(request):
    """handler500: Django calls it inside the except block, so the error is still in sys.exc_info()."""
    error = sys.exc_info()[1]
    if _database_unreachable(error):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())


class DebugNotFoundMiddleware:
    """Under DEBUG (`make run`) a wrong address gets the portal's own Russian 404 page, as on a server.

    Django answers a 404 with its English technical page whenever DEBUG is on and never calls
    handler404 then; a 403 already goes through 403.html either way. So here, under DEBUG only, an
    address that matches no URL, or a view that raises Http404, is answered by Django's own
    `page_not_found` with templates/404.html. A superuser (a developer) still gets the technical
    page with the URL patterns tried. Placed inside CommonMiddleware, so «add the slash» redirects
    still happen first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def _wants_technical_page(self, request) -> bool:
        user = getattr(request, "user", None)
        return not settings.DEBUG or bool(user and user.is_authenticated and user.is_superuser)

    def __call__(self, request):
        if not self._wants_technical_page(request):
            try:
                resolve(request.path_info, getattr(request, "urlconf", None))
            except Resolver404 as error:
                return page_not_found(request, error)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Http404) and not self._wants_technical_page(request):
            return page_not_found(request, exception)
        return None
