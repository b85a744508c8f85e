import time

from django.conf import settings
from django.http import FileResponse

RENEWED_KEY = "_renewed_at"


class SessionRenewalMiddleware:
    """Move a session's end forward on a request, at most once a SESSION_RENEW_SECONDS.

    Renewing on every request (SESSION_SAVE_EVERY_REQUEST) wrote the session row on every page: a
    BEGIN, an UPDATE and a COMMIT on the primary database, half the queries of an empty page, and
    the one write of a page otherwise read from a replica. Once a minute keeps the idle limit
    (eight hours) to the minute. Listed after SessionMiddleware: the response passes here first,
    and the session saves itself because it changed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        every = settings.SESSION_RENEW_SECONDS
        session = getattr(request, "session", None)
        # An empty session (nobody signed in) is not created by renewing it; a finished one
        # (logout flushed it) has no key left to renew.
        if every is None or session is None or session.is_empty() or not session.session_key:
            return response
        now = int(time.time())
        if now - session.get(RENEWED_KEY, 0) >= every:
            session[RENEWED_KEY] = now
        return response


class NoStoreMiddleware:
    """Keep what a signed-in user saw, and every file sent, out of browser and proxy caches.

    School staff share computers: a cached page, export or PDF would be there for the next person
    (the back button after logging out, the browser's cache folder). Responses that set their own
    Cache-Control keep it; static files never get here (WhiteNoise answers before).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control") and (_is_file(response) or _signed_in(request)):
            response["Cache-Control"] = "no-store"
        return response


def _is_file(response) -> bool:
    return isinstance(response, FileResponse) or response.has_header("Content-Disposition")


def _signed_in(request) -> bool:
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated
