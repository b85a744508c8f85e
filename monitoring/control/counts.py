"""How many points a register filter finds, per school, counted per municipality and kept until one of its points changes.

The register says how many points it found and pages through them. For a region that is a COUNT
over a million points on every page (150–200 ms), where only the few municipalities that worked
since the last view have different numbers. Each municipality's count of a filter is kept in the
cache under the municipality's stamp (the newest history record of its points, the one the
dashboard's sums use): a page counts again only the municipalities whose stamp moved. The counts
are kept per school, so that a register sorted by school finds the schools its page falls in
without sorting a region's points by name (`selectors.register_page`).

What a filter selects depends on the points (stamped), on «today» and the time zone (in the key),
and on the structure of plans in force — sections, clusters, executors — which a plan in force
never changes (roadmaps.services.plan_require_draft). A curator's or a director's register sees
some schools only; its count is not shared and is left to the paginator.
"""

import hashlib

from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone

from schools.access import sees_whole_municipality, visible_municipalities

from .dashboard import CACHE_SECONDS, KEY_VERSION, municipal_stamps

# Parameters that page or order the list without changing what it holds.
NOT_FILTERS = ("page", "sort")


def _filter_digest(filters, today) -> str:
    chosen = sorted(
        (name, value) for name, values in filters.lists() if name not in NOT_FILTERS for value in values if value != ""
    )
    key = repr((chosen, today.isoformat(), timezone.get_current_timezone_name()))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def school_counts(*, user, queryset, filters, today) -> dict | None:
    """{school id (None for the municipality's own points): how many points of `queryset` (the
    user's register as filtered by `filters`) it holds}, or None where the count is the user's own
    and the paginator should count."""
    if not sees_whole_municipality(user):
        return None
    digest = _filter_digest(filters, today)
    names = {
        municipality: f"monitoring:register-counts-per-school:{KEY_VERSION}:{municipality}:{stamp}:{digest}"
        for municipality, stamp in municipal_stamps(visible_municipalities(user)).items()
    }
    found = cache.get_many(list(names.values()))
    stale = [municipality for municipality, name in names.items() if name not in found]
    fresh = {}
    if stale:
        fresh = {municipality: {} for municipality in stale}
        rows = (
            queryset.filter(municipality_id__in=stale)
            .prefetch_related(None)
            .order_by()
            .values("municipality_id", "school_id")
            .annotate(n=Count("pk"))
            .values_list("municipality_id", "school_id", "n")
        )
        for municipality, school, n in rows:
            fresh[municipality][school] = n
        cache.set_many({names[municipality]: counts for municipality, counts in fresh.items()}, CACHE_SECONDS)
    # `found` is not added to: with Redis down, django-redis answers every get_many with one shared {}.
    merged = {}
    for counts in [*found.values(), *fresh.values()]:
        for school, n in counts.items():
            merged[school] = merged.get(school, 0) + n
    return merged
