"""The dashboard's counts: one pass over the points, kept in the cache per school until one of its points changes.

Every figure of «Контроль исполнения» is a sum over groups of points (per school, activity and
plan). The sums of each school's points, and of each municipality's own points (no school), are
computed in one aggregate query and kept in the cache (Redis in production) under a stamp: the
newest history record of those points. Saving, creating or deleting a point writes one
(django-simple-history; the workflow, the plan sync and the admin all do), so a changed point
changes its school's stamp, and only that school is counted afresh: a director's report costs
the next dashboard one school's count, not the municipality's 30,000 points. Above them, each
municipality's sums are kept under the newest history record of all its points: a region's page
checks forty such stamps, and reads the schools' stamps only of a municipality that changed. «Today» and the
chosen period are part of the key, as «overdue» and «planned» depend on them. The labels
(schools, sections, clusters) are read per request; the municipal executors' sums are kept with
the municipality's own points (a plan in force is never edited, only a draft, which has no points).

Only users who see whole municipalities share these sums; a curator's or a director's dashboard
counts its own schools directly, uncached.
"""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import OuterRef, Q, Subquery

from monitoring.models import ControlPoint
from roadmaps.models import ActivityExecutor, ExecutorLevel
from schools.access import sees_whole_municipality, visible_municipalities
from schools.models import Municipality, School

# A bound on how long sums could outlive a change that left no history record (raw SQL).
CACHE_SECONDS = 30 * 60
KEY_VERSION = 7


# What a page that reads only the sums per plan (the region's cabinet) finds in each municipality's
# smaller entry: a row or two, not its schools', sections' and executors' tables.
PLAN_TABLES = ("per_plan",)

# The tables of `Sums` a merge copies by default: all of them.
TABLES = (
    "per_school", "per_municipal_activity", "per_school_plan", "per_regional_activity", "per_section", "per_plan",
    "per_executor",
)


@dataclass
class Sums:
    """Counts of one set of points, whole and per school, section, plan, municipal activity,
    regional activity, and school and plan. A regional point (the region body's own, no
    school) is in the totals, its section's and plan's rows and `per_regional_activity`, not in the
    municipality's row of `per_school` (key None).

    `per_executor` (executor's name → counts of the municipality's own points) is filled where a
    municipality's own points are counted and cached: the executors of a plan in force do not change
    (only a draft is edited, and a draft has no points), so they are read when those points are
    counted, not on every page (a region's 45,000 executor rows were a fifth of its dashboard), nor
    when only a school's points changed. None where they were not read.

    A row, once counted, is never changed in place: a merge shares the rows only one side has (most
    of them: a school's, a section's of one municipality) and writes a new row where both have one.
    """

    keys: list
    totals: dict = field(default_factory=dict)
    per_school: dict = field(default_factory=dict)
    per_municipal_activity: dict = field(default_factory=dict)
    per_school_plan: dict = field(default_factory=dict)
    per_regional_activity: dict = field(default_factory=dict)
    per_section: dict = field(default_factory=dict)
    per_plan: dict = field(default_factory=dict)
    per_executor: dict | None = None

    def __post_init__(self):
        if not self.totals:
            self.totals = dict.fromkeys(self.keys, 0)

    def add(self, group: dict):
        """Count one aggregate row (school, activity, plan and its counts) in every sum it belongs to,
        while the sums are being counted (before any merge)."""
        school, activity, plan = group["school_id"], group["activity_id"], group["activity__section__plan_id"]
        targets = [
            self.totals,
            self._row(self.per_section, group["activity__section_id"]),
            self._row(self.per_plan, plan),
        ]
        if school is None and group["regional"]:
            targets.append(self._row(self.per_regional_activity, activity))
        elif school is None:
            targets += [self._row(self.per_school, None), self._row(self.per_municipal_activity, activity)]
        else:
            targets += [self._row(self.per_school, school), self._row(self.per_school_plan, (school, plan))]
        for name in self.keys:
            value = group[name]
            for target in targets:
                target[name] += value

    def merge(self, other: "Sums", tables=TABLES):
        """Add `other` in: its totals and the `tables` a page reads (a region's page merges forty
        municipalities; the activity tables alone are 80,000 rows it may not need)."""
        keys = self.keys
        for name in keys:
            self.totals[name] += other.totals[name]
        for table in tables:
            theirs = getattr(other, table)
            if theirs is None:
                continue
            mine = getattr(self, table)
            if mine is None:
                mine = {}
                setattr(self, table, mine)
            # Most tables of two municipalities, or of two schools, share no key: their rows are
            # taken over whole, and only the few shared keys (executors' names, sections of one
            # plan) get a new row with the sum.
            shared = {key: mine[key] for key in mine.keys() & theirs.keys()} if mine else {}
            mine.update(theirs)
            for key, row in shared.items():
                counts = theirs[key]
                mine[key] = {name: row[name] + counts[name] for name in keys}

    def only(self, tables) -> "Sums":
        """The totals and `tables` alone, their rows shared: what a page that reads no more keeps."""
        part = Sums(self.keys, totals=dict(self.totals))
        for table in tables:
            setattr(part, table, getattr(self, table))
        return part

    def _row(self, table, key):
        row = table.get(key)
        if row is None:
            row = table[key] = dict.fromkeys(self.keys, 0)
        return row


def _groups(queryset, counts: dict):
    return (
        queryset.order_by()
        .values("municipality_id", "school_id", "regional", "activity_id", "activity__section_id", "activity__section__plan_id")
        .annotate(**counts)
    )


def unit_stamps(municipalities) -> tuple[dict, dict]:
    """The stamp of each unit the sums (and the register's counts) are cached by: a school (its pk)
    or a municipality's own points (("municipality", pk)); and each unit's municipality."""
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
        for pk, municipality_id, stamp_id, stamp_at in rows:
            stamps[key(pk)] = _stamp(stamp_id, stamp_at)
            owners[key(pk)] = municipality_id
    return stamps, owners


def _stamp(history_id, history_date) -> str:
    # The record's time as well as its id: ids start again in a fresh database (tests), times do not.
    return f"{history_id}:{history_date.isoformat() if history_date else ''}"


def _newest_stamps(units, **newest_of) -> dict:
    """{unit: stamp}: the newest history record of the points `newest_of` names, one index step each."""
    newest = ControlPoint.history.model.objects.filter(**newest_of).order_by("-history_id")
    rows = (
        units.order_by()
        .annotate(stamp_id=Subquery(newest.values("history_id")[:1]), stamp_at=Subquery(newest.values("history_date")[:1]))
        .values_list("pk", "stamp_id", "stamp_at")
    )
    return {pk: _stamp(stamp_id, stamp_at) for pk, stamp_id, stamp_at in rows}


def _school_stamps(schools) -> dict:
    return _newest_stamps(schools, school_id=OuterRef("pk"))


def municipal_executors(municipalities) -> dict:
    """Each municipality's municipal executors: {municipality: [(activity, name), …]}; `municipalities`
    are ids or a queryset of them. Read through the municipalities' plans: an IN list of a region's
    4,000 activity ids cost PostgreSQL 35–190 ms to plan and probe where the join costs 2."""
    rows = ActivityExecutor.objects.filter(
        level=ExecutorLevel.MUNICIPALITY, activity__section__plan__municipality_id__in=municipalities
    ).order_by()
    found = {}
    for municipality, activity_id, name in rows.values_list("activity__section__plan__municipality_id", "activity_id", "name"):
        found.setdefault(municipality, []).append((activity_id, name))
    return found


def executor_sums(executors, per_municipal_activity: dict, keys) -> dict:
    """Executor's name → the counts of the municipality's own points of the activities it carries;
    `executors` are (activity, name) pairs."""
    by_name = {}
    for activity_id, name in executors:
        counts = per_municipal_activity.get(activity_id)
        if counts is None:
            continue
        row = by_name.get(name)
        if row is None:
            by_name[name] = dict(counts)
        else:
            for key in keys:
                row[key] += counts[key]
    return by_name


def _unit(group) -> object:
    return group["school_id"] or ("municipality", group["municipality_id"])


def unit_name(unit) -> str:
    return f"m{unit[1]}" if isinstance(unit, tuple) else f"s{unit}"


def _unit_key(unit, cache_key: str, stamp: str) -> str:
    return f"monitoring:dashboard-sums:{KEY_VERSION}:{unit_name(unit)}:{cache_key}:{stamp}"


def municipal_stamps(municipalities) -> dict:
    """Each municipality's stamp: the newest history record of any of its points, one index step each."""
    return _newest_stamps(municipalities, municipality_id=OuterRef("pk"))


def point_sums(*, user, base, counts: dict, cache_key: str, tables=TABLES) -> Sums:
    """The counts of `base` (the user's points, filtered by the period) as `Sums`.

    `cache_key` names what besides the points the counts depend on (today, the period); of whole
    municipalities' cached sums only the `tables` the caller reads are merged.
    """
    keys = list(counts)
    if not sees_whole_municipality(user):
        sums = Sums(keys)
        for group in _groups(base, counts):
            sums.add(group)
        return sums

    return municipal_sums(visible_municipalities(user), base=base, counts=counts, cache_key=cache_key, tables=tables)


def municipal_sums(municipalities, *, base, counts: dict, cache_key: str, refresh=False, tables=TABLES) -> Sums:
    """The sums of `base` over whole `municipalities`, from the cache where their stamps allow.

    `refresh` (the beat's warming) also extends the life of the entries found, so that an unchanged
    municipality is not counted again when its entry would have expired.
    """
    keys = list(counts)
    # Two layers. A municipality's sums are kept under its own stamp: a region's page checks forty
    # stamps and reads forty entries, not a thousand schools' stamps. Only a municipality whose
    # stamp moved has its units' (schools', its own points') stamps read, and only a changed unit
    # is counted again: a director's report costs the next page one school's count.
    stamps_of_municipalities = municipal_stamps(municipalities)
    municipal_names = {
        municipality: f"monitoring:dashboard-municipality:{KEY_VERSION}:{municipality}:{cache_key}:{stamp}"
        for municipality, stamp in stamps_of_municipalities.items()
    }
    # A page that reads only the sums per plan reads each municipality's smaller entry, kept beside
    # the whole one: unpickling forty whole entries was most of the region's cabinet's figures.
    part = ":plans" if set(tables) <= set(PLAN_TABLES) else ""
    found_municipal = cache.get_many([name + part for name in municipal_names.values()])
    stale_municipalities = [m for m, name in municipal_names.items() if name + part not in found_municipal]
    if refresh:
        for name in municipal_names.values():
            if name + part in found_municipal:
                cache.touch(name, CACHE_SECONDS)
                cache.touch(name + ":plans", CACHE_SECONDS)
        # The units' entries too, and those already gone are counted here: a unit left to expire
        # would be counted again by the first page after its municipality's next change — every
        # school of it, and its own points with their executors (60 ms on a reader's request in
        # the bench) — where one school had changed.
        stamps = unit_stamps(municipalities)[0]
        gone = {unit: stamp for unit, stamp in stamps.items() if not cache.touch(_unit_key(unit, cache_key, stamp), CACHE_SECONDS)}
        if gone:
            _unit_sums(gone, base=base, counts=counts, cache_key=cache_key)
    rebuilt = {}
    if stale_municipalities:
        stamps, owners = unit_stamps(Municipality.objects.filter(pk__in=stale_municipalities))
        units = _unit_sums(stamps, base=base, counts=counts, cache_key=cache_key)
        for municipality in stale_municipalities:
            rebuilt[municipal_names[municipality]] = Sums(keys)
        for unit, sums in units.items():
            # The municipality's own unit brings its executors' sums (`_unit_sums`).
            rebuilt[municipal_names[owners[unit]]].merge(sums)
        cache.set_many({**rebuilt, **{name + ":plans": sums.only(PLAN_TABLES) for name, sums in rebuilt.items()}}, CACHE_SECONDS)
    total = Sums(keys)
    for sums in [*found_municipal.values(), *rebuilt.values()]:
        total.merge(sums, tables)
    return total


def _unit_sums(stamps: dict, *, base, counts: dict, cache_key: str) -> dict:
    """Each unit's sums (a school, or a municipality's own points) from the cache under its stamp, or
    counted afresh from `base` — in one pass for all the units missing — and kept."""
    keys = list(counts)
    names = {unit: _unit_key(unit, cache_key, stamps[unit]) for unit in stamps}
    found = cache.get_many(list(names.values()))
    missing = [unit for unit, name in names.items() if name not in found]
    fresh = {unit: Sums(keys) for unit in missing}
    if missing:
        schools = [unit for unit in missing if not isinstance(unit, tuple)]
        own = [unit[1] for unit in missing if isinstance(unit, tuple)]
        for group in _groups(base.filter(Q(school_id__in=schools) | Q(school__isnull=True, municipality_id__in=own)), counts):
            fresh[_unit(group)].add(group)
        if own:
            # The municipal executors carry only the municipality's own points: their sums change
            # with those points, and are kept with them (a school's report does not read them).
            executors = municipal_executors(own)
            for municipality in own:
                sums = fresh[("municipality", municipality)]
                sums.per_executor = executor_sums(executors.get(municipality, ()), sums.per_municipal_activity, keys)
        cache.set_many({names[unit]: sums for unit, sums in fresh.items()}, CACHE_SECONDS)
    return {unit: found[names[unit]] if names[unit] in found else fresh[unit] for unit in stamps}


def school_sums(schools, *, base, counts: dict, cache_key: str) -> dict:
    """{school: its `Sums`} for a few schools (a curator's), read where the dashboard keeps them.

    A school's sums are all its points: `base` (the user's points) must hold every point of
    `schools` — a curator's and a director's do, as the coordinator's — so that the entries the
    coordinators' pages and the beat keep serve the curator, and a school counted here serves them.
    """
    return _unit_sums(_school_stamps(schools), base=base, counts=counts, cache_key=cache_key)
