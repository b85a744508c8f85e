from django.db.models import Prefetch, QuerySet

from clusters.models import ClusterMembership

from .access import visible_schools
from .models import CuratorAssignment, School, SchoolListEntry


def school_list_for_user(*, user) -> QuerySet[School]:
    return (
        visible_schools(user)
        .select_related("municipality", "director", "branch_of")
        .prefetch_related(
            Prefetch(
                "list_entries",
                queryset=SchoolListEntry.objects.select_related("school_list").order_by("school_list__year"),
            ),
            Prefetch(
                "curator_assignments",
                queryset=CuratorAssignment.objects.select_related("curator").order_by("-start_date"),
            ),
        )
        .order_by("municipality__name", "short_name")
    )


def school_card(*, school: School) -> dict:
    """Everything the card shows about one school, in a fixed number of queries."""
    entries = list(
        school.list_entries.select_related("school_list").order_by("-school_list__year", "school_list__category")
    )
    memberships = list(
        ClusterMembership.objects.filter(school=school)
        .select_related("cluster", "cluster__plan")
        .order_by("-cluster__plan__period_start", "cluster__number")
    )
    return {
        "year_data": list(school.year_data.order_by("-year")),
        "social_passports": list(school.social_passports.order_by("-year")),
        "list_entries": entries,
        "cluster_memberships": memberships,
        "curator_assignments": list(school.curator_assignments.select_related("curator").order_by("-start_date")),
        "branches": list(school.branches.order_by("short_name")),
    }
