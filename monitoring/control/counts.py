"""How many points a register filter finds, per school, counted per municipality and kept until one of its points changes.

The register says how many points it found and pages through them. For a region that is a COUNT
over a million points on every page (150–200 ms), where only the few municipalities that worked
since the last view have different numbers. Each municipality's count of a filter is kept in the
cache under the municipality's stamp (the newest history record of its points, the one the
dashboard's sums use): a page counts again only the municipalities whose stamp moved, and of
those only the schools whose own stamp moved (the dashboard's two layers, `dashboard.unit_stamps`).
The counts are kept per school, so that a register sorted by school finds the schools its page
falls in without sorting a region's points by name (`selectors.register_page`).

What a filter selects depends on the points (stamped), on «today» and the time zone (in the key),
and on the structure of plans in force — sections, clusters, executors — which a plan in force
never changes (roadmaps.services.plan_require_draft). A curator's or a director's register sees
some schools only; its count is not shared and is left to the paginator.
"""

import hashlib
import zoneinfo

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import Count, Q
from django.http import QueryDict
from django.utils import timezone

from monitoring.models import ControlPoint
from schools.access import sees_whole_municipality, visible_municipalities
from schools.clock import region_time_zone
from schools.models import Municipality

from .dashboard import CACHE_SECONDS, KEY_VERSION, municipal_stamps, unit_name, unit_stamps
from .filters import FIGURE_QUERIES, ControlPointFilter

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
    stamps = municipal_stamps(visible_municipalities(user))
    merged = {}
    for counts in _municipal_counts(stamps, queryset=queryset, digest=_filter_digest(filters, today)).values():
        for school, n in counts.items():
            merged[school] = merged.get(school, 0) + n
    return merged


def _municipal_counts(stamps: dict, *, queryset, digest: str, refresh=False) -> dict:
    """{municipality: {school: n}} of `queryset` for the municipalities of `stamps`, from the cache
    under their stamps. A municipality whose stamp moved is put together from its units' counts (a
    school's, its own points') kept under the units' stamps, and only the units that changed are
    counted again — in one query: a director's report costs the next register one school's count,
    not the municipality's 30,000 points. `refresh` (the beat's warming) also extends the life of
    the municipalities' entries found."""
    names = {municipality: _key("municipality", municipality, stamp, digest) for municipality, stamp in stamps.items()}
    found = cache.get_many(list(names.values()))
    if refresh:
        for name in found:
            cache.touch(name, CACHE_SECONDS)
    # Read by name, not by adding to `found`: with Redis down, django-redis answers every get_many
    # with one shared {}.
    counted = {municipality: found[name] for municipality, name in names.items() if name in found}
    stale = [municipality for municipality in names if municipality not in counted]
    if not stale:
        return counted
    units, owners = unit_stamps(Municipality.objects.filter(pk__in=stale))
    unit_names = {unit: _key("unit", unit_name(unit), stamp, digest) for unit, stamp in units.items()}
    found_units = cache.get_many(list(unit_names.values()))
    missing = [unit for unit, name in unit_names.items() if name not in found_units]
    fresh_units = dict.fromkeys(missing, 0)
    # Points at another municipality's school: plans take their own municipality's schools, so only
    # data written by hand has them. They count in their municipality's figure, whose units are then
    # not kept, so that it is counted whole again.
    irregular = {}
    if missing:
        # A municipality none of whose units is kept (a filter's first count) is counted whole: an
        # IN list of a region's 1,200 schools made PostgreSQL's count of it 1.4 s instead of 0.5.
        kept = {owners[unit] for unit, name in unit_names.items() if name in found_units}
        whole = [municipality for municipality in stale if municipality not in kept]
        schools = [unit for unit in missing if not isinstance(unit, tuple) and owners[unit] in kept]
        own = [unit[1] for unit in missing if isinstance(unit, tuple) and unit[1] in kept]
        rows = (
            queryset.filter(municipality_id__in=stale)
            .filter(Q(municipality_id__in=whole) | Q(school_id__in=schools) | Q(school__isnull=True, municipality_id__in=own))
            .prefetch_related(None)
            .order_by()
            .values("municipality_id", "school_id")
            .annotate(n=Count("pk"))
            .values_list("municipality_id", "school_id", "n")
        )
        for municipality, school, n in rows:
            unit = school or ("municipality", municipality)
            if owners.get(unit) == municipality:
                fresh_units[unit] = n
            else:
                irregular.setdefault(municipality, {})[school] = n
    fresh = {municipality: dict(irregular.get(municipality, {})) for municipality in stale}
    for unit, name in unit_names.items():
        n = found_units[name] if name in found_units else fresh_units[unit]
        if n:
            fresh[owners[unit]][None if isinstance(unit, tuple) else unit] = n
    cache.set_many(
        {
            **{unit_names[unit]: n for unit, n in fresh_units.items() if owners[unit] not in irregular},
            **{names[municipality]: counts for municipality, counts in fresh.items()},
        },
        CACHE_SECONDS,
    )
    counted.update(fresh)
    return counted


def _key(layer, unit, stamp, digest) -> str:
    return f"monitoring:register-counts:{KEY_VERSION}:{layer}:{unit}:{stamp}:{digest}"


# What readers open most: the unfiltered register and the one behind each figure of the dashboards
# (without a row's school or section), whose first count of a day over a region is 0.4–0.6 s.
WARM_QUERIES = ("", *FIGURE_QUERIES.values())


def register_counts_warm() -> int:
    """Count WARM_QUERIES for every municipality whose points moved, and keep the rest longer.

    Run by Celery beat with the dashboards' sums (monitoring.tasks.warm_dashboard_sums_task). A
    municipality is counted in the zone its own accounts read it in and in its region's (a
    region's accounts read in the zone most of its municipalities keep, schools/clock.py): the
    zone and «today» are part of each key. Returns how many (municipality, zone) pairs were warmed.
    """
    rows = list(Municipality.objects.order_by().values_list("pk", "time_zone", "region_id"))
    region_zones = {region: region_time_zone(region) for region in {region for _, _, region in rows if region}}
    by_zone = {}
    for pk, zone, region in rows:
        for read_in in {zone, region_zones.get(region)} - {None}:
            by_zone.setdefault(read_in, []).append(pk)
    for zone, ids in by_zone.items():
        with timezone.override(zoneinfo.ZoneInfo(zone)):
            today = timezone.localdate()
            stamps = municipal_stamps(Municipality.objects.filter(pk__in=ids))
            for query in WARM_QUERIES:
                filters = QueryDict(query)
                # No account: these filters choose no plan, school or section, so nobody's choices matter.
                filterset = ControlPointFilter(filters, queryset=ControlPoint.objects.all(), user=AnonymousUser(), today=today)
                if not filterset.is_valid():
                    raise ValueError(f"Фильтр реестра для прогрева не разобран: {query!r}")
                _municipal_counts(stamps, queryset=filterset.qs, digest=_filter_digest(filters, today), refresh=True)
    return sum(len(ids) for ids in by_zone.values())
