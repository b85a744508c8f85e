from collections import defaultdict

from django.db.models import Count, Prefetch, Q

from monitoring.control.selectors import control_point_counts
from roadmaps.models import Activity, Plan
from schools.models import School, SchoolList, SchoolListEntry

from .models import Cluster, ClusterMembership
from .proposals import ListEntryFact, SchoolFacts


def school_facts(*, municipality) -> list[SchoolFacts]:
    """The list history of every school of the municipality, in two queries."""
    entries = defaultdict(list)
    risk_years = defaultdict(dict)
    for entry in SchoolListEntry.objects.filter(school_list__municipality=municipality).select_related("school_list"):
        school_list = entry.school_list
        if school_list.category == SchoolList.Category.RISK_ZONE:
            risk_years[entry.school_id][school_list.year] = str(school_list)
        elif school_list.category == SchoolList.Category.SHNOR:
            entries[entry.school_id].append(
                ListEntryFact(
                    year=school_list.year,
                    title=str(school_list),
                    fioko_cluster=entry.fioko_cluster,
                    trend=entry.trend,
                    objectivity_issue=entry.objectivity_issue,
                )
            )
    return [
        SchoolFacts(
            school_id=school.pk,
            name=school.short_name,
            on_list=tuple(sorted(entries[school.pk], key=lambda e: e.year)),
            risk_zone_years=frozenset(risk_years[school.pk]),
            risk_zone_titles=risk_years[school.pk],
        )
        for school in School.objects.filter(municipality=municipality).only("pk", "short_name")
    ]


def latest_list_year(*, municipality, year: int) -> int | None:
    """The year of the newest ШНОР list not later than `year`."""
    return (
        SchoolList.objects.filter(municipality=municipality, category=SchoolList.Category.SHNOR, year__lte=year)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )


def plan_for_year(*, municipality, year: int) -> Plan | None:
    """The plan a year's clusters belong to: one running in that year, or one starting the next
    year (a list named by its results year, «ПРШ 2022», feeds the plan of 2023)."""
    plans = Plan.objects.filter(municipality=municipality).annotate(n_clusters=Count("clusters"))
    ordering = ("-n_clusters", "status", "-period_start", "pk")
    running = plans.filter(period_start__year__lte=year, period_end__year__gte=year).order_by(*ordering)
    return running.first() or plans.filter(period_start__year=year + 1).order_by(*ordering).first()


def cluster_numbers(*, plan: Plan | None) -> dict[str, int]:
    if plan is None:
        return {}
    numbers = {}
    for cluster in plan.clusters.order_by("number"):
        numbers.setdefault(cluster.criterion, cluster.number)
    return numbers


def current_distribution(*, plan: Plan) -> dict[int, int]:
    """school id → cluster number as saved now."""
    return dict(ClusterMembership.objects.filter(cluster__plan=plan).values_list("school_id", "cluster__number"))


def clusters_of_plan(*, plan: Plan):
    return plan.clusters.prefetch_related(
        Prefetch("memberships", queryset=ClusterMembership.objects.select_related("school").order_by("school__short_name"))
    ).order_by("number")


def cluster_page(*, cluster: Cluster, today, control_points) -> dict:
    """The cluster's schools with their progress, and its activities, in a fixed number of queries."""
    memberships = list(cluster.memberships.select_related("school").order_by("school__short_name"))
    school_ids = [m.school_id for m in memberships]
    activities = list(
        Activity.objects.filter(Q(clusters=cluster) | Q(section__cluster=cluster))
        .distinct()
        .select_related("section")
        .order_by("section__position", "position")
    )
    progress = {
        row["school_id"]: row
        for row in control_points.filter(activity__in=[a.pk for a in activities], school_id__in=school_ids)
        .values("school_id")
        .annotate(**control_point_counts(today))
    }
    empty = {"total": 0, "done": 0, "overdue": 0, "in_work": 0, "planned": 0}
    # A school whose points the user may not see shows no figures (a director sees only their own).
    rows = [{"membership": m, "visible": m.school_id in progress, **progress.get(m.school_id, empty)} for m in memberships]
    totals = {key: sum(row[key] for row in rows) for key in empty}
    return {"rows": rows, "activities": activities, "totals": totals}
