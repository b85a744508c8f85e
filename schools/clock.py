"""Whose clock a page counts «today» by: the municipality's, or for a region's accounts the region's.

The documents span UTC+6 to UTC+11. A region's accounts have no municipality; they read the
region's municipalities, whose figures (overdue, due soon) are counted on their own clocks, so the
region's pages count on the clock most of its municipalities keep (a region keeps one zone, bar a few).
"""

import zoneinfo

from django.db.models import Count
from django.utils import timezone

from schools.models import Municipality


def region_time_zone(region_id) -> str | None:
    """The zone most of the region's municipalities keep; None while it has none.

    One small query per request of a region's account, as a coordinator's request reads its
    municipality: a cache would outlive a changed zone, or a test database's reused ids.
    """
    return (
        Municipality.objects.filter(region_id=region_id)
        .values("time_zone")
        .annotate(n=Count("pk"))
        .order_by("-n", "time_zone")
        .values_list("time_zone", flat=True)
        .first()
    )


class MunicipalityTimezoneMiddleware:
    """Show times in the user's municipality's zone (a region's account: its region's, schools/clock.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        zone_name = None
        if user is not None and user.is_authenticated and user.municipality_id:
            zone_name = user.municipality.time_zone
        elif user is not None and user.is_authenticated and user.region_id:
            zone_name = region_time_zone(user.region_id)
        if not zone_name:
            timezone.deactivate()
            return self.get_response(request)
        # Only for this request: a zone left active would follow the thread into whatever runs next
        # (a Celery task in an eager test, the next test), where «today» would be UTC+11's tomorrow.
        with timezone.override(zoneinfo.ZoneInfo(zone_name)):
            return self.get_response(request)
