"""Reads of the results register: the results the user may see, filtered, with the averages beside them.

Visibility is the schools' (schools.access.visible_schools): coordinators, the chair and the region
viewer see their municipalities' schools, a curator the schools he looks after now, a director his
own. The averages shown are the ones entered (imported) for the row's municipality and its region.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from monitoring.models import ExamResult, ReferenceResult
from schools.access import visible_schools

from .filters import PROCEDURE_RANK, SUBJECT_RANK, ResultFilter
from .subjects import is_below_threshold, scale_for


def result_filter_for_user(*, user, filters=None) -> ResultFilter:
    """The register's FilterSet over the user's results: `.qs` is the list, `.form` the panel."""
    rows = (
        ExamResult.objects.filter(school__in=visible_schools(user))
        .select_related("school", "school__municipality")
        .annotate(subject_rank=SUBJECT_RANK, procedure_rank=PROCEDURE_RANK)
    )
    filterset = ResultFilter(filters or {}, queryset=rows, user=user)
    return filterset


def result_list_for_user(*, user, filters=None) -> QuerySet[ExamResult]:
    return result_filter_for_user(user=user, filters=filters).qs


@dataclass(frozen=True)
class Averages:
    municipality: object = None
    region: object = None


def _comparison_key(municipality_id, row):
    return (municipality_id, row.procedure, row.subject, row.grade, row.year)


def result_references(results: list[ExamResult]) -> list[ReferenceResult]:
    """The averages entered for the rows' own municipalities and regions and their procedure,
    subject, grade and year: one query, whatever the number of rows."""
    if not results:
        return []
    municipalities = {row.school.municipality_id for row in results}
    candidates = ReferenceResult.objects.filter(
        Q(level=ReferenceResult.Level.MUNICIPALITY, municipality_id__in=municipalities)
        | Q(level=ReferenceResult.Level.REGION, municipality_id__in=municipalities),
        procedure__in={row.procedure for row in results},
        subject__in={row.subject for row in results},
        grade__in={row.grade for row in results},
        year__in={row.year for row in results},
    ).select_related("municipality", "region")
    # The query above crosses the four lists; keep only the averages some row compares with.
    wanted = {_comparison_key(row.school.municipality_id, row) for row in results}
    wanted |= {_comparison_key(("region", row.school.municipality_id), row) for row in results}
    kept = []
    for ref in candidates:
        owner = ref.municipality_id if ref.level == ReferenceResult.Level.MUNICIPALITY else ("region", ref.municipality_id)
        if _comparison_key(owner, ref) in wanted:
            kept.append(ref)
    return kept


def decorate_results(results: list[ExamResult], references: list[ReferenceResult]) -> list[ExamResult]:
    """Give each row its averages (`averages`), its scale's `threshold` and the mark (`below_threshold`)."""
    by_key = {}
    for ref in references:
        owner = ref.municipality_id if ref.level == ReferenceResult.Level.MUNICIPALITY else ("region", ref.municipality_id)
        by_key[_comparison_key(owner, ref)] = ref.average_score
    for row in results:
        municipality = row.school.municipality
        row.averages = Averages(
            municipality=by_key.get(_comparison_key(municipality.pk, row)),
            region=by_key.get(_comparison_key(("region", municipality.pk), row)),
        )
        row.threshold = scale_for(row.procedure, row.subject).threshold
        row.below_threshold = is_below_threshold(row.procedure, row.subject, row.average_score)
    return results
