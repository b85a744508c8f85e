from django.http import FileResponse


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
