import zoneinfo

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
        if zone_name:
            timezone.activate(zoneinfo.ZoneInfo(zone_name))
        else:
            timezone.deactivate()
        return self.get_response(request)
