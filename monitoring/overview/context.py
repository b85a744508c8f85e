"""The staff and social context of the listed schools: each school's newest year data and social
passport side by side, with counts and shares, read in two queries whatever the number of schools."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Subquery

from schools.models import SchoolYearData, SocialPassport

from .numbers import number_label, percent

# --- staff and social context of the listed schools -------------------------------------------------


@dataclass
class Share:
    value: int | Decimal | None
    whole: int | None

    @property
    def percent(self):
        return percent(self.value, self.whole)

    @property
    def label(self):
        if self.value is None:
            return "—"
        share = self.percent
        return f"{number_label(self.value)} ({share} %)" if share is not None else number_label(self.value)


CATEGORY_FIELDS = (
    ("category_highest", "высшая"),
    ("category_first", "первая"),
    ("category_conformity", "соответствие"),
    ("category_none", "без категории"),
)
SPECIALIST_FIELDS = (
    ("social_pedagogue_rate", "соц. педагог"),
    ("psychologist_rate", "психолог"),
    ("speech_therapist_rate", "логопед"),
    ("defectologist_rate", "дефектолог"),
)
PASSPORT_FIELDS = (
    ("large_families", "многодетные"),
    ("single_parent", "неполные семьи"),
    ("low_income", "малообеспеченные"),
    ("dysfunctional", "неблагополучные"),
    ("school_register", "на ВШУ"),
    ("guardianship", "опекаемые"),
    ("disabilities", "ОВЗ"),
    ("other_native_language", "иной родной язык"),
)
PARENT_FIELDS = (
    ("parents_higher", "высшее"),
    ("parents_vocational", "среднее проф."),
    ("parents_secondary", "среднее общее"),
    ("parents_basic", "основное общее"),
)


def _category_whole(data):
    """Categories are shares of the pedagogues; without their number, of the four categories together."""
    if data is None:
        return None
    if data.pedagogues_total:
        return data.pedagogues_total
    parts = [getattr(data, name) for name, _ in CATEGORY_FIELDS if getattr(data, name) is not None]
    return sum(parts) or None


def _children_whole(passport, data):
    """Passport rows are shares of its children; when the passport has no total, of the pupils that year."""
    if passport is None:
        return None
    if passport.children_total:
        return passport.children_total
    if data is not None and data.year == passport.year and data.pupils_total:
        return data.pupils_total
    return None


def _parents_whole(passport):
    parts = [getattr(passport, name) for name, _ in PARENT_FIELDS if getattr(passport, name) is not None] if passport else []
    return sum(parts) or None


@dataclass
class ContextRow:
    school_id: int
    name: str
    lists: list[str]
    data: SchoolYearData | None
    passport: SocialPassport | None

    @property
    def categories(self):
        whole = _category_whole(self.data)
        return [Share(getattr(self.data, name) if self.data else None, whole) for name, _ in CATEGORY_FIELDS]

    @property
    def specialists(self):
        return [number_label(getattr(self.data, name)) if self.data else "" for name, _ in SPECIALIST_FIELDS]

    @property
    def social(self):
        whole = _children_whole(self.passport, self.data)
        return [Share(getattr(self.passport, name) if self.passport else None, whole) for name, _ in PASSPORT_FIELDS]

    @property
    def parents(self):
        whole = _parents_whole(self.passport)
        return [Share(getattr(self.passport, name) if self.passport else None, whole) for name, _ in PARENT_FIELDS]

    @property
    def children_whole(self):
        return _children_whole(self.passport, self.data)


def _sum(values):
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def _sum_pairs(rows, part, whole):
    """Total share over the rows that have both the part and its whole, so a missing cell never dilutes it."""
    pairs = [(part(r), whole(r)) for r in rows]
    pairs = [(p, w) for p, w in pairs if p is not None and w]
    if not pairs:
        return Share(None, None)
    return Share(sum(p for p, _ in pairs), sum(w for _, w in pairs))


@dataclass
class ContextTable:
    year: int
    rows: list[ContextRow]

    def _any(self, source, fields):
        return any(getattr(getattr(r, source), name) is not None for r in self.rows if getattr(r, source) for name, _ in fields)

    @property
    def has_data(self):
        return any(r.data for r in self.rows)

    @property
    def has_categories(self):
        return self._any("data", CATEGORY_FIELDS)

    @property
    def has_specialists(self):
        return self._any("data", SPECIALIST_FIELDS)

    @property
    def has_passports(self):
        return any(r.passport for r in self.rows)

    @property
    def has_parents(self):
        return self._any("passport", PARENT_FIELDS)

    @property
    def totals(self) -> dict:
        rows = self.rows
        with_data = [r for r in rows if r.data]
        with_passport = [r for r in rows if r.passport]
        return {
            "pupils": _sum(r.data.pupils_total for r in with_data),
            "pedagogues": _sum(r.data.pedagogues_total for r in with_data),
            "categories": [
                _sum_pairs(with_data, lambda r, n=name: getattr(r.data, n), lambda r: _category_whole(r.data))
                for name, _ in CATEGORY_FIELDS
            ],
            "specialists": [number_label(_sum(getattr(r.data, name) for r in with_data)) for name, _ in SPECIALIST_FIELDS],
            "children": _sum(r.children_whole for r in with_passport),
            "social": [
                _sum_pairs(with_passport, lambda r, n=name: getattr(r.passport, n), lambda r: r.children_whole)
                for name, _ in PASSPORT_FIELDS
            ],
            "parents": [
                _sum_pairs(with_passport, lambda r, n=name: getattr(r.passport, n), lambda r: _parents_whole(r.passport))
                for name, _ in PARENT_FIELDS
            ],
        }


def _latest_per_school(model, school_ids):
    """Each school's newest row of a per-year model, in one query (a correlated subquery picks the year)."""
    newest = model.objects.filter(school_id=OuterRef("school_id")).order_by("-year").values("year")[:1]
    return {row.school_id: row for row in model.objects.filter(school_id__in=school_ids, year=Subquery(newest))}


def school_context(*, lists, year: int) -> ContextTable:
    """The schools on any list of `year`, each with its newest year data and social passport (two queries)."""
    on = lists.schools_on(year)
    names = lists.names_on(year)
    ids = sorted(on, key=lambda pk: names[pk])
    data = _latest_per_school(SchoolYearData, ids) if ids else {}
    passports = _latest_per_school(SocialPassport, ids) if ids else {}
    rows = [ContextRow(pk, names[pk], on[pk], data.get(pk), passports.get(pk)) for pk in ids]
    return ContextTable(year=year, rows=rows)
