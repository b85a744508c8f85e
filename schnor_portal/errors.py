"""The page a request gets when the server fails: Russian, and rendered without the database.

A request that lost its database connection (PostgreSQL restarting, the network between the two
gone) gets 503 with Retry-After: it is the database that is missing, and it will be back — the next
request opens a new connection (CONN_HEALTH_CHECKS), no restart of the portal is needed. Anything
else is 500. Both templates are plain HTML with no tags: no context processor, session or user is
touched while the database may be away.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader

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
