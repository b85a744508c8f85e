"""The dashboard's counts: one pass over the points, kept in the cache per school until one of its points changes.

Every figure of «Контроль исполнения» is a sum over groups of points (per school, activity and
plan). The sums of each school's points, and of each municipality's own points (no school), are
computed in one aggregate query and kept in the cache (Redis in production) under a stamp: the
newest history record of those points. Saving, creating or deleting a point writes one
(django-simple-history; the workflow, the plan sync and the admin all do), so a changed point
changes its school's stamp, and only that school is counted afresh: a director's report costs
the next dashboard one school's count, not the municipality's 30,000 points. «Today» and the
chosen period are part of the key, as «overdue» and «planned» depend on them. The labels
(schools, sections, executors, clusters) are not cached: they are read per request.

Only users who see whole municipalities share these sums; a curator's or a director's dashboard
counts its own schools directly, uncached.
"""

import hashlib
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import OuterRef, Q, Subquery

from monitoring.models import ControlPoint
from schools.access import sees_whole_municipality, visible_municipalities
from schools.models import School

# A bound on how long sums could outlive a change that left no history record (raw SQL).
CACHE_SECONDS = 30 * 60
KEY_VERSION = 3


@dataclass
class Sums:
    """Counts of one set of points, whole and per school, activity, municipal activity, school and plan."""

    keys: list
    totals: dict = field(default_factory=dict)
    per_school: dict = field(default_factory=dict)
    per_activity: dict = field(default_factory=dict)
    per_municipal_activity: dict = field(default_factory=dict)
    per_school_plan: dict = field(default_factory=dict)

    def __post_init__(self):
        if not self.totals:
            self.totals = dict.fromkeys(self.keys, 0)

    def add(self, group: dict):
        """Count one aggregate row (school, activity, plan and its counts) in every sum it belongs to."""
        school, activity = group["school_id"], group["activity_id"]
        targets = [self.totals, self._row(self.per_school, school), self._row(self.per_activity, activity)]
        if school is None:
            targets.append(self._row(self.per_municipal_activity, activity))
        else:
            targets.append(self._row(self.per_school_plan, (school, group["activity__section__plan_id"])))
        for name in self.keys:
            value = group[name]
            for target in targets:
                target[name] += value

    def merge(self, other: "Sums"):
        for name in self.keys:
            self.totals[name] += other.totals[name]
        for mine, theirs in (
            (self.per_school, other.per_school),
            (self.per_activity, other.per_activity),
            (self.per_municipal_activity, other.per_municipal_activity),
            (self.per_school_plan, other.per_school_plan),
        ):
            for key, counts in theirs.items():
                row = self._row(mine, key)
                for name in self.keys:
                    row[name] += counts[name]

    def _row(self, table, key):
        row = table.get(key)
        if row is None:
            row = table[key] = dict.fromkeys(self.keys, 0)
        return row


def _groups(queryset, counts: dict):
    return (
        queryset.order_by()
        .values("municipality_id", "school_id", "activity_id", "activity__section__plan_id")
        .annotate(**counts)
    )


def _stamps(municipalities) -> tuple[dict, dict]:
    """The stamp of each unit the sums are cached by: a school (its pk) or a municipality's own points;
    and each unit's municipality."""
    history = ControlPoint.history.model
    of_school = history.objects.filter(school_id=OuterRef("pk")).order_by("-history_id")
    of_municipality = history.objects.filter(municipality_id=OuterRef("pk"), school_id__isnull=True).order_by("-history_id")
    stamps, owners = {}, {}
    for units, newest, key, owner in (
        (School.objects.filter(municipality__in=municipalities), of_school, lambda pk: pk, "municipality_id"),
        (municipalities, of_municipality, lambda pk: ("municipality", pk), "pk"),
    ):
        rows = (
            units.order_by()
            .annotate(stamp_id=Subquery(newest.values("history_id")[:1]), stamp_at=Subquery(newest.values("history_date")[:1]))
            .values_list("pk", owner, "stamp_id", "stamp_at")
        )
        # The record's time as well as its id: ids start again in a fresh database (tests), times do not.
        for pk, municipality_id, stamp_id, stamp_at in rows:
            stamps[key(pk)] = f"{stamp_id}:{stamp_at.isoformat() if stamp_at else ''}"
            owners[key(pk)] = municipality_id
    return stamps, owners


def _unit(group) -> object:
    return group["school_id"] or ("municipality", group["municipality_id"])


def _unit_name(unit) -> str:
    return f"m{unit[1]}" if isinstance(unit, tuple) else f"s{unit}"


def point_sums(*, user, base, counts: dict, cache_key: str) -> Sums:
    """The counts of `base` (the user's points, filtered by the period) as `Sums`.

    `cache_key` names what besides the points the counts depend on (today, the period).
    """
    keys = list(counts)
    if not sees_whole_municipality(user):
        sums = Sums(keys)
        for group in _groups(base, counts):
            sums.add(group)
        return sums

    stamps, owners = _stamps(visible_municipalities(user))
    # Two layers: a municipality's sums under the stamps of all its units, then each unit's. A region
    # reads its forty municipalities' sums instead of merging a thousand schools' on every page;
    # a report costs the next page one school's count and one municipality's merge.
    units_of = {}
    for unit in stamps:
        units_of.setdefault(owners[unit], []).append(unit)
    municipal_names = {
        municipality: "monitoring:dashboard-municipality:{}:{}:{}:{}".format(
            KEY_VERSION,
            municipality,
            cache_key,
            hashlib.sha256("|".join(f"{_unit_name(u)}={stamps[u]}" for u in sorted(units, key=_unit_name)).encode()).hexdigest(),
        )
        for municipality, units in units_of.items()
    }
    found_municipal = cache.get_many(list(municipal_names.values()))
    stale = [unit for m, name in municipal_names.items() if name not in found_municipal for unit in units_of[m]]
    names = {
        unit: f"monitoring:dashboard-sums:{KEY_VERSION}:{_unit_name(unit)}:{cache_key}:{stamps[unit]}" for unit in stale
    }
    found = cache.get_many(list(names.values())) if names else {}
    missing = [unit for unit, name in names.items() if name not in found]
    fresh = {unit: Sums(keys) for unit in missing}
    if missing:
        schools = [unit for unit in missing if not isinstance(unit, tuple)]
        own = [unit[1] for unit in missing if isinstance(unit, tuple)]
        for group in _groups(base.filter(Q(school_id__in=schools) | Q(school__isnull=True, municipality_id__in=own)), counts):
            fresh[_unit(group)].add(group)
        cache.set_many({names[unit]: sums for unit, sums in fresh.items()}, CACHE_SECONDS)
    by_unit = {unit: found.get(names[unit]) or fresh[unit] for unit in stale}
    rebuilt = {}
    for municipality, name in municipal_names.items():
        if name in found_municipal:
            continue
        sums = rebuilt[name] = Sums(keys)
        for unit in units_of[municipality]:
            sums.merge(by_unit[unit])
    if rebuilt:
        cache.set_many(rebuilt, CACHE_SECONDS)
    total = Sums(keys)
    for sums in [*found_municipal.values(), *rebuilt.values()]:
        total.merge(sums)
    return total
