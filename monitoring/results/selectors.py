"""Read side of results: a school's series against the municipality and the region.

The municipal average is the one the coordinator entered (ReferenceResult) where there is one;
otherwise it is the mean of the municipality's school averages, computed in SQL and flagged as
computed, because the source documents print regional averages but rarely municipal ones.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg

from monitoring.models import ExamResult, ReferenceResult

from .subjects import Scale, is_below_threshold, scale_for, subject_order

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Reference:
    municipality: Decimal | None = None
    municipality_computed: bool = False
    region: Decimal | None = None


@dataclass
class YearPoint:
    year: int
    score: Decimal | None = None
    nobody: bool = False  # «-» in the source: held, nobody from the school took it
    participants: int | None = None
    failed_share: Decimal | None = None
    reference: Reference = field(default_factory=Reference)
    below_threshold: bool = False

    @property
    def has_result(self):
        return self.score is not None

    @property
    def below_municipality(self):
        ref = self.reference.municipality
        return self.score is not None and ref is not None and self.score < ref

    @property
    def below_region(self):
        ref = self.reference.region
        return self.score is not None and ref is not None and self.score < ref


@dataclass
class SubjectSeries:
    procedure: str
    procedure_label: str
    subject: str
    grade: int
    scale: Scale
    points: list

    @property
    def key(self):
        return (self.procedure, self.subject, self.grade)

    @property
    def has_scores(self):
        return any(p.score is not None for p in self.points)


def _round(value):
    return None if value is None else Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def reference_map(municipality, procedures=None, years=None):
    """{(procedure, subject, grade, year): Reference} for one municipality, in three queries."""
    return reference_maps([municipality.pk], procedures=procedures, years=years).get(municipality.pk, {})


def reference_maps(municipality_ids, procedures=None, years=None):
    """`reference_map` of several municipalities (the region's cabinet), {municipality: {key: Reference}}:
    still three queries, each grouped by municipality."""
    municipality_ids = list(municipality_ids)
    entered = ReferenceResult.objects.filter(average_score__isnull=False, municipality_id__in=municipality_ids)
    school_means = ExamResult.objects.filter(school__municipality_id__in=municipality_ids, average_score__isnull=False)
    if procedures:
        entered = entered.filter(procedure__in=procedures)
        school_means = school_means.filter(procedure__in=procedures)
    if years:
        entered = entered.filter(year__in=years)
        school_means = school_means.filter(year__in=years)
    fields = ("municipality_id", "procedure", "subject", "grade", "year")
    municipal, regional = {}, {}
    for level, target in (("municipality", municipal), ("region", regional)):
        for row in entered.filter(level=level).values(*fields, "average_score"):
            target[tuple(row[name] for name in fields)] = row["average_score"]
    computed = {
        (row["school__municipality_id"], row["procedure"], row["subject"], row["grade"], row["year"]): _round(row["mean"])
        for row in school_means.values("school__municipality_id", "procedure", "subject", "grade", "year").annotate(
            mean=Avg("average_score")
        )
    }
    refs = {}
    for key in set(municipal) | set(regional) | set(computed):
        owner, rest = key[0], key[1:]
        if key in municipal:
            reference = Reference(municipal[key], False, regional.get(key))
        else:
            reference = Reference(computed.get(key), key in computed, regional.get(key))
        refs.setdefault(owner, {})[rest] = reference
    return refs


def school_results(school, procedure=None):
    """Every subject the school has a row in, each with one point per year of its procedure."""
    rows = ExamResult.objects.filter(school=school)
    if procedure:
        rows = rows.filter(procedure=procedure)
    rows = list(rows.order_by("procedure", "subject", "grade", "year"))
    refs = reference_map(school.municipality, procedures=[procedure] if procedure else None)
    by_key = defaultdict(dict)
    years_by_procedure = defaultdict(set)
    for row in rows:
        by_key[(row.procedure, row.subject, row.grade)][row.year] = row
        years_by_procedure[row.procedure].add(row.year)
    labels = dict(ExamResult._meta.get_field("procedure").choices)
    series = []
    for (proc, subject, grade), by_year in by_key.items():
        points = []
        for year in sorted(years_by_procedure[proc]):
            row = by_year.get(year)
            point = YearPoint(year=year, reference=refs.get((proc, subject, grade, year), Reference()))
            if row is not None:
                point.score = row.average_score
                point.nobody = row.nobody_took_it
                point.participants = row.participants
                point.failed_share = row.failed_share
                point.below_threshold = is_below_threshold(proc, subject, row.average_score)
            points.append(point)
        series.append(SubjectSeries(proc, labels.get(proc, proc), subject, grade, scale_for(proc, subject), points))
    procedure_order = [value for value, _ in ExamResult._meta.get_field("procedure").choices]
    series.sort(key=lambda s: (procedure_order.index(s.procedure), s.grade, subject_order(s.subject)))
    return series
