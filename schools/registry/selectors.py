import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from accounts.models import Person
from clusters.models import ClusterMembership
from monitoring.control.selectors import control_point_counts
from schools.access import current_assignment_q, visible_control_points, visible_plans, visible_schools
from schools.lists.history import YearStatus, list_history
from schools.models import CuratorAssignment, School, SchoolList, SchoolListEntry, SchoolYearData

from .filters import SchoolFilter
from .importer import PersonRef, RegisterSchool

LATEST_YEAR_FIELDS = ("year", "pupils_total", "deficit_staff", "deficit_infrastructure", "deficit_transport")


def _latest_year_data(field):
    """The field of the school's latest school year: the year with the largest number, whatever is filled in it."""
    latest = SchoolYearData.objects.filter(school=OuterRef("pk")).order_by("-year")
    return Subquery(latest.values(field)[:1])


def _rank(field, choices):
    return Case(*(When(**{field: value}, then=Value(i)) for i, (value, _) in enumerate(choices)), default=Value(99))


def _school_rows(user, today) -> QuerySet[School]:
    """The visible schools with what a row of the registry shows, in a fixed number of queries."""
    return (
        visible_schools(user)
        .select_related("municipality", "director", "branch_of")
        .annotate(
            latest_year=_latest_year_data("year"),
            latest_pupils=_latest_year_data("pupils_total"),
            latest_deficit_staff=_latest_year_data("deficit_staff"),
            latest_deficit_infrastructure=_latest_year_data("deficit_infrastructure"),
            latest_deficit_transport=_latest_year_data("deficit_transport"),
            kind_rank=_rank("kind", School.Kind.choices),
            locality_rank=_rank("locality", School.Locality.choices),
        )
        .prefetch_related(
            Prefetch(
                "list_entries",
                queryset=SchoolListEntry.objects.select_related("school_list").order_by(
                    "school_list__year", "school_list__category"
                ),
            ),
            Prefetch(
                "curator_assignments",
                queryset=CuratorAssignment.objects.filter(current_assignment_q(today))
                .select_related("curator")
                .order_by("curator__last_name", "curator__first_name"),
                to_attr="current_curator_assignments",
            ),
        )
        .order_by("municipality__name", "short_name", "pk")
    )


def school_filter_for_user(*, user, filters=None, today=None) -> SchoolFilter:
    """The registry's FilterSet over the user's schools: its `.qs` is the list, its `.form` the panel."""
    today = today or timezone.localdate()
    return SchoolFilter(filters or {}, queryset=_school_rows(user, today), user=user, today=today)


def school_list_for_user(*, user, filters=None, today=None) -> QuerySet[School]:
    return school_filter_for_user(user=user, filters=filters, today=today).qs


def school_export_for_user(*, user, filters=None, today=None) -> QuerySet[School]:
    """The filtered list with the whole latest year row of each school (one more query)."""
    return school_list_for_user(user=user, filters=filters, today=today).prefetch_related(
        Prefetch("year_data", queryset=SchoolYearData.objects.order_by("-year")[:1], to_attr="latest_year_rows")
    )


@dataclass(frozen=True)
class ListHistoryRow:
    """One list of the school's municipality in one year and where the school stood on it."""

    school_list: SchoolList
    status: YearStatus
    entry: SchoolListEntry | None


def school_list_history(*, lists: list[SchoolList], entries: list[SchoolListEntry]) -> list[ListHistoryRow]:
    """Rows for the years the school was on a list or left it, newest first.

    Each category (ШНОР, ШНСУ, зона риска) is its own history, over the years the municipality
    had a list of that category: a risk-zone year does not continue a run on the ШНОР list.
    """
    entry_by_list = {entry.school_list_id: entry for entry in entries}
    by_category: dict[str, list[SchoolList]] = defaultdict(list)
    for school_list in lists:
        by_category[school_list.category].append(school_list)
    rows = []
    for category_lists in by_category.values():
        years = sorted({school_list.year for school_list in category_lists})
        on_years = {school_list.year for school_list in category_lists if school_list.pk in entry_by_list}
        statuses = {status.year: status for status in list_history(on_years, years)}
        for school_list in category_lists:
            status = statuses[school_list.year]
            if status.on_list or status.left:
                rows.append(ListHistoryRow(school_list, status, entry_by_list.get(school_list.pk)))
    category_order = {value: i for i, value in enumerate(SchoolList.Category.values)}
    rows.sort(key=lambda row: (-row.school_list.year, category_order.get(row.school_list.category, 99)))
    return rows


def school_card(*, school: School, user, today: datetime.date | None = None) -> dict:
    """Everything the card shows about one school, in a fixed number of queries."""
    today = today or timezone.localdate()
    entries = list(school.list_entries.select_related("school_list"))
    municipality_lists = list(SchoolList.objects.filter(municipality_id=school.municipality_id))
    memberships = list(
        ClusterMembership.objects.filter(school=school)
        .select_related("cluster", "cluster__plan")
        .order_by("-cluster__plan__period_start", "cluster__number")
    )
    assignments = list(
        school.curator_assignments.select_related("curator")
        .annotate(
            is_current=ExpressionWrapper(current_assignment_q(today), output_field=BooleanField()),
            is_future=ExpressionWrapper(Q(start_date__gt=today), output_field=BooleanField()),
        )
        .order_by("-start_date", "-pk")
    )
    return {
        "year_data": list(school.year_data.order_by("-year")),
        "social_passports": list(school.social_passports.order_by("-year")),
        "list_rows": school_list_history(lists=municipality_lists, entries=entries),
        "cluster_memberships": memberships,
        "curator_assignments": assignments,
        "current_curators": [a for a in assignments if a.is_current],
        "branches": list(school.branches.order_by("short_name")),
        "plans": list(
            visible_plans(user).filter(schools=school).order_by("-period_start", "pk")
        ),
        "control_points": visible_control_points(user).filter(school=school).aggregate(**control_point_counts(today)),
    }


def last_change(obj):
    """The latest history record of an object, with who made it; None when it has no history."""
    return obj.history.select_related("history_user__person").order_by("-history_date", "-history_id").first()


def school_register_refs(*, municipality, year: int) -> list[RegisterSchool]:
    """The municipality's schools as the register import compares them, pupils of `year` included (one query)."""
    pupils = SchoolYearData.objects.filter(school=OuterRef("pk"), year=year).values("pupils_total")[:1]
    schools = (
        School.objects.filter(municipality=municipality)
        .select_related("branch_of", "director")
        .annotate(year_pupils=Subquery(pupils))
        .order_by("short_name", "pk")
    )
    return [
        RegisterSchool(
            pk=school.pk,
            short_name=school.short_name,
            full_name=school.full_name,
            abbreviation=school.abbreviation,
            kind=school.kind,
            branch_of_id=school.branch_of_id,
            branch_of_name=school.branch_of.short_name if school.branch_of else "",
            settlement=school.settlement,
            locality=school.locality,
            is_small=school.is_small,
            director_id=school.director_id,
            director_name=school.director.full_name if school.director else "",
            email=school.email,
            pupils=school.year_pupils,
        )
        for school in schools
    ]


def person_refs(*, municipality) -> list[PersonRef]:
    return [
        PersonRef(pk=pk, last_name=last, first_name=first, middle_name=middle)
        for pk, last, first, middle in Person.objects.filter(municipality=municipality).values_list(
            "pk", "last_name", "first_name", "middle_name"
        )
    ]
