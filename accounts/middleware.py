import zoneinfo

from django.http import FileResponse
from django.utils import timezone


class MunicipalityTimezoneMiddleware:
    """Show times in the user's municipality's zone: the documents span UTC+6 to UTC+11."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        zone_name = None
        if user is not None and user.is_authenticated and user.municipality_id:
            zone_name = user.municipality.time_zone
        if not zone_name:
            timezone.deactivate()
            return self.get_response(request)
        # Only for this request: a zone left active would follow the thread into whatever runs next
        # (a Celery task in an eager test, the next test), where «today» would be UTC+11's tomorrow.
        with timezone.override(zoneinfo.ZoneInfo(zone_name)):
            return self.get_response(request)


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
