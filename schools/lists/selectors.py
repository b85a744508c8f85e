"""Reads of the yearly lists: who may open which list, the lists page, one list, the history matrix.

Lists are the municipality's documents: every role of the municipality reads them, the region
viewer reads its region's (schools.access.visible_municipalities); only can_manage writes.

Statuses (впервые, N-й год подряд, вышла, вернулась) come from schools.lists.history over the years that
have a list of the category: a year with no list in the portal is unknown, not «off the list».
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from schools.access import require_manage, visible_municipalities, visible_schools
from schools.models import Municipality, School, SchoolList, SchoolListEntry

from .history import YearStatus, list_history
from .importer import SchoolRef

# ------------------------------------------------------------------------------------ access


def visible_school_lists(user) -> QuerySet[SchoolList]:
    return SchoolList.objects.filter(municipality__in=visible_municipalities(user))


def get_school_list_for_user(user, pk, write=False) -> SchoolList:
    school_list = get_object_or_404(visible_school_lists(user).select_related("municipality"), pk=pk)
    if write:
        require_manage(user, school_list.municipality_id)
    return school_list


def get_school_list_entry_for_user(user, pk, write=False) -> SchoolListEntry:
    entry = get_object_or_404(
        SchoolListEntry.objects.filter(school_list__in=visible_school_lists(user)).select_related(
            "school", "school_list", "school_list__municipality"
        ),
        pk=pk,
    )
    if write:
        require_manage(user, entry.school_list.municipality_id)
    return entry


def municipality_for_user(*, user, pk=None) -> tuple[Municipality, list[Municipality]]:
    """The municipality a page shows (`pk` if given, else the first visible) and all the user may
    choose from; a municipality the user may not see is a 404, as any foreign object."""
    options = list(visible_municipalities(user).order_by("name"))
    if not options:
        raise Http404("Нет муниципалитетов, списки которых вам доступны.")
    if pk in (None, ""):
        return options[0], options
    for municipality in options:
        if str(municipality.pk) == str(pk):
            return municipality, options
    raise Http404("Муниципалитет не найден.")


# ------------------------------------------------------------------------------------ labels


def list_title(*, municipality: Municipality, category: str, year: int, title: str = "") -> str:
    """A list's title as written («ПРШ 2020»); without one, the municipality's name of the list."""
    if title:
        return title
    if category == SchoolList.Category.SHNOR:
        prefix = municipality.list_label or SchoolList.Category.SHNOR.label
    else:
        prefix = SchoolList.Category(category).label
        prefix = prefix[:1].upper() + prefix[1:]
    return f"{prefix} {year}"


def school_list_title(school_list: SchoolList) -> str:
    return list_title(
        municipality=school_list.municipality,
        category=school_list.category,
        year=school_list.year,
        title=school_list.title,
    )


def locality_label(school: School) -> str:
    """As the source tables write it: «Городская», «Сельская/ малокомплектная»."""
    label = "Городская" if school.locality == School.Locality.URBAN else "Сельская"
    return f"{label}/ малокомплектная" if school.is_small else label


def status_short_label(status: YearStatus) -> str:
    """The compact form of YearStatus.label for a matrix cell: «3-й год» for «3-й год подряд»."""
    if status.first_time:
        return "впервые"
    if status.came_back:
        return "вернулась"
    if status.on_list and status.years_in_row > 1:
        return f"{status.years_in_row}-й год"
    if status.left:
        return "вышла"
    return ""


def status_kind(status: YearStatus) -> str:
    if status.first_time:
        return "first"
    if status.came_back:
        return "back"
    if status.on_list and status.years_in_row > 1:
        return "repeat"
    if status.left:
        return "left"
    return ""


# ------------------------------------------------------------------------------------ history


@dataclass
class ListInfo:
    """One list of the municipality with the schools on it, read in one query with the others."""

    pk: int
    year: int
    category: str
    title: str
    source: str
    label: str
    school_ids: set[int] = field(default_factory=set)
    school_names: dict[int, str] = field(default_factory=dict)

    @property
    def category_label(self):
        return SchoolList.Category(self.category).label


def lists_of(municipality: Municipality) -> list[ListInfo]:
    """Every list of the municipality with its schools: one query (lists left-joined to entries)."""
    return lists_of_municipalities([municipality]).get(municipality.pk, [])


def lists_of_municipalities(municipalities) -> dict[int, list[ListInfo]]:
    """`lists_of` for several municipalities at once (the region's cabinet): still one query."""
    by_pk = {municipality.pk: municipality for municipality in municipalities}
    lists: dict[int, ListInfo] = {}
    owners: dict[int, int] = {}
    rows = (
        SchoolList.objects.filter(municipality_id__in=list(by_pk))
        .order_by("year", "category", "pk")
        .values_list(
            "pk", "municipality_id", "year", "category", "title", "source", "entries__school_id", "entries__school__short_name"
        )
    )
    for pk, municipality_id, year, category, title, source, school_id, school_name in rows:
        info = lists.get(pk)
        if info is None:
            label = list_title(municipality=by_pk[municipality_id], category=category, year=year, title=title)
            info = lists[pk] = ListInfo(pk=pk, year=year, category=category, title=title, source=source, label=label)
            owners[pk] = municipality_id
        if school_id is not None:
            info.school_ids.add(school_id)
            info.school_names[school_id] = school_name
    grouped: dict[int, list[ListInfo]] = defaultdict(list)
    for pk, info in lists.items():
        grouped[owners[pk]].append(info)
    return dict(grouped)


@dataclass
class CategoryHistory:
    """The statuses of every school ever on a category's lists, per year that has a list."""

    years: list[int]
    on_years: dict[int, set[int]]  # school → years on the list

    def statuses(self, school_id: int) -> dict[int, YearStatus]:
        return {s.year: s for s in list_history(self.on_years.get(school_id, set()), self.years)}


def category_history(lists: list[ListInfo], category: str) -> CategoryHistory:
    on_years: dict[int, set[int]] = defaultdict(set)
    years = set()
    for info in lists:
        if info.category != category:
            continue
        years.add(info.year)
        for school_id in info.school_ids:
            on_years[school_id].add(info.year)
    return CategoryHistory(years=sorted(years), on_years=dict(on_years))


# ------------------------------------------------------------------------------------ pages


@dataclass
class ListSummary:
    info: ListInfo
    n_schools: int
    n_first: int = 0
    n_repeat: int = 0
    n_back: int = 0
    n_left: int = 0


def school_list_list(*, municipality: Municipality) -> list[ListSummary]:
    """The municipality's lists, newest year first, each with how its schools came to be on it."""
    lists = lists_of(municipality)
    summaries = {info.pk: ListSummary(info=info, n_schools=len(info.school_ids)) for info in lists}
    for category in {info.category for info in lists}:
        history = category_history(lists, category)
        by_year = {info.year: summaries[info.pk] for info in lists if info.category == category}
        for school_id in history.on_years:
            for year, status in history.statuses(school_id).items():
                summary = by_year[year]
                kind = status_kind(status)
                if kind == "first":
                    summary.n_first += 1
                elif kind == "back":
                    summary.n_back += 1
                elif kind == "repeat":
                    summary.n_repeat += 1
                elif kind == "left":
                    summary.n_left += 1
    order = list(SchoolList.Category.values)
    return sorted(summaries.values(), key=lambda s: (-s.info.year, order.index(s.info.category)))


@dataclass
class EntryRow:
    number: int
    entry: SchoolListEntry
    status: YearStatus
    can_open_school: bool

    @property
    def status_label(self):
        return self.status.label


def school_list_page(*, school_list: SchoolList, user) -> dict:
    """A list's entries with each school's status in that year, and who left since the list before."""
    entries = list(
        school_list.entries.select_related("school")
        .annotate(can_open_school=Exists(visible_schools(user).filter(pk=OuterRef("school_id"))))
        .order_by("school__short_name")
    )
    lists = lists_of(school_list.municipality)
    history = category_history(lists, school_list.category)
    rows = [
        EntryRow(
            number=number,
            entry=entry,
            status=history.statuses(entry.school_id)[school_list.year],
            can_open_school=entry.can_open_school,
        )
        for number, entry in enumerate(entries, start=1)
    ]
    earlier = [info for info in lists if info.category == school_list.category and info.year < school_list.year]
    previous = earlier[-1] if earlier else None
    left = []
    if previous is not None:
        on_now = {entry.school_id for entry in entries}
        left = sorted(name for school_id, name in previous.school_names.items() if school_id not in on_now)
    return {
        "rows": rows,
        "previous": previous,
        "left_names": left,
        "title": list_title(
            municipality=school_list.municipality,
            category=school_list.category,
            year=school_list.year,
            title=school_list.title,
        ),
    }


def school_list_existing(*, municipality: Municipality, year: int, category: str) -> SchoolList | None:
    return (
        SchoolList.objects.filter(municipality=municipality, year=year, category=category)
        .select_related("municipality")
        .annotate(n_schools=Count("entries"))
        .first()
    )


def school_choices_for_entry(*, school_list: SchoolList, entry: SchoolListEntry | None = None) -> QuerySet[School]:
    """The municipality's schools not yet on the list (and the entry's own school when editing)."""
    taken = SchoolListEntry.objects.filter(school_list=school_list)
    if entry is not None:
        taken = taken.exclude(pk=entry.pk)
    return (
        School.objects.filter(municipality_id=school_list.municipality_id)
        .exclude(pk__in=taken.values("school_id"))
        .order_by("short_name")
    )


def school_refs(*, municipality: Municipality) -> list[SchoolRef]:
    """The municipality's schools by every name they go by, for the import's matching."""
    return [
        SchoolRef(pk=pk, short_name=short_name, full_name=full_name, abbreviation=abbreviation)
        for pk, short_name, full_name, abbreviation in School.objects.filter(municipality=municipality)
        .order_by("short_name")
        .values_list("pk", "short_name", "full_name", "abbreviation")
    ]


# ------------------------------------------------------------------------------------ matrix


class Scope:
    ALL = "all"
    LISTED = "listed"


class Order:
    HISTORY = "history"
    NAME = "name"


class LocalityFilter:
    URBAN = "urban"
    RURAL = "rural"
    SMALL = "small"


@dataclass(frozen=True)
class MatrixFilters:
    category: str = SchoolList.Category.SHNOR
    scope: str = Scope.ALL
    kind: str = ""
    locality: str = ""
    year_from: int | None = None
    year_to: int | None = None
    order: str = Order.HISTORY
    full_names: bool = False


@dataclass(frozen=True)
class MatrixColumn:
    year: int
    title: str
    school_list_id: int
    source: str


@dataclass(frozen=True)
class MatrixCell:
    status: YearStatus

    @property
    def on_list(self):
        return self.status.on_list

    @property
    def mark(self):
        return "+" if self.status.on_list else "−"

    @property
    def short_label(self):
        return status_short_label(self.status)

    @property
    def label(self):
        return self.status.label

    @property
    def kind(self):
        return status_kind(self.status)


@dataclass
class MatrixRow:
    number: int
    school: School
    name: str
    locality: str
    cells: list[MatrixCell]
    can_open: bool


@dataclass
class ListMatrix:
    municipality: Municipality
    filters: MatrixFilters
    columns: list[MatrixColumn]
    rows: list[MatrixRow]
    list_years: list[int]  # years that have a list of any category, for the year filters

    @property
    def category_label(self):
        return SchoolList.Category(self.filters.category).label

    @property
    def list_name(self):
        """How the municipality calls the list: «ПРШ» in Omsk for ШНОР."""
        if self.filters.category == SchoolList.Category.SHNOR and self.municipality.list_label:
            return self.municipality.list_label
        return self.category_label

    @property
    def totals(self) -> list[int]:
        return [sum(1 for row in self.rows if row.cells[i].on_list) for i in range(len(self.columns))]


def list_matrix(*, municipality: Municipality, filters: MatrixFilters, user) -> ListMatrix:
    """Schools × years of a category, «+»/«−» with the status of each cell: two queries, whatever
    the number of schools and years (the lists with their schools; the schools)."""
    lists = lists_of(municipality)
    history = category_history(lists, filters.category)
    columns = [
        MatrixColumn(year=info.year, title=info.label, school_list_id=info.pk, source=info.source)
        for info in lists
        if info.category == filters.category
        and (filters.year_from is None or info.year >= filters.year_from)
        and (filters.year_to is None or info.year <= filters.year_to)
    ]
    schools = School.objects.filter(municipality=municipality).annotate(
        can_open=Exists(visible_schools(user).filter(pk=OuterRef("pk")))
    )
    if filters.kind:
        schools = schools.filter(kind=filters.kind)
    if filters.locality == LocalityFilter.SMALL:
        schools = schools.filter(is_small=True)
    elif filters.locality:
        schools = schools.filter(locality=filters.locality)
    schools = list(schools.order_by("short_name"))
    if filters.scope == Scope.LISTED:
        schools = [school for school in schools if school.pk in history.on_years]
    if filters.order == Order.HISTORY:
        # As the source tables go: the schools of the earliest list first, never-listed last.
        schools.sort(key=lambda s: (min(history.on_years.get(s.pk, {9999})), s.short_name))

    rows = []
    for number, school in enumerate(schools, start=1):
        statuses = history.statuses(school.pk)
        rows.append(
            MatrixRow(
                number=number,
                school=school,
                name=(school.full_name or school.short_name) if filters.full_names else school.short_name,
                locality=locality_label(school),
                cells=[MatrixCell(statuses[column.year]) for column in columns],
                can_open=school.can_open,
            )
        )
    return ListMatrix(
        municipality=municipality,
        filters=filters,
        columns=columns,
        rows=rows,
        list_years=sorted({info.year for info in lists}),
    )
