"""ОГЭ and ЕГЭ results of every school for the exam years, and the region's averages beside them.

Schools on the lists score lower, as the lists are built from these results. OGE averages are
marks (2–5), EGE ones 100-point scores except «Математика (база)», as monitoring/results/subjects.py
scales them. A subject nobody took in a year is stored as the source tables print «-»:
participants 0, no score.
"""

from collections import defaultdict
from decimal import Decimal

from simple_history.utils import bulk_create_with_history

from monitoring.models import ExamResult, Procedure, ReferenceResult
from monitoring.results.subjects import EGE_MINIMUM
from schools.models import School

from .names import EGE_SUBJECTS, OGE_SUBJECTS
from .region import MunicipalityCast
from .spec import SeedSpec

EGE_BASE = {
    "Русский язык": 68, "Математика (профиль)": 55, "Обществознание": 56, "История": 55, "Физика": 52,
    "Химия": 51, "Биология": 50,
}
MANDATORY = {"Русский язык", "Математика", "Математика (база)", "Математика (профиль)"}
TWO = Decimal("0.01")


def _clamp(value, low, high):
    return max(low, min(high, value))


def results_create(spec: SeedSpec, casts: list[MunicipalityCast], region) -> int:
    rows = []
    sums = defaultdict(lambda: [Decimal(0), 0])
    for cast in casts:
        listed = set(cast.latest_listed)
        for school in cast.schools:
            rng = spec.rng("results", cast.index, school.short_name)
            strength = rng.uniform(-1.0, -0.2) if school.pk in listed else rng.uniform(-0.4, 1.0)
            grade9 = rng.randint(4, 20) if school.locality == School.Locality.RURAL else rng.randint(40, 90)
            exams = [(Procedure.OGE, 9, subject) for subject in OGE_SUBJECTS]
            if school.kind != School.Kind.BASIC:
                exams += [(Procedure.EGE, 11, subject) for subject in EGE_SUBJECTS]
            for year in spec.exam_years:
                for procedure, grade, subject in exams:
                    cohort = grade9 if grade == 9 else max(1, grade9 // 2)
                    share = 1.0 if subject in MANDATORY else rng.uniform(0.0, 0.5)
                    if subject == "Математика (база)":
                        share = rng.uniform(0.4, 0.7)
                    elif subject == "Математика (профиль)":
                        share = rng.uniform(0.3, 0.6)
                    participants = round(cohort * share)
                    if participants == 0:
                        rows.append(
                            ExamResult(school=school, procedure=procedure, subject=subject, grade=grade, year=year, participants=0)
                        )
                        continue
                    if procedure == Procedure.OGE or subject == "Математика (база)":
                        score = _clamp(3.55 + 0.45 * strength + rng.gauss(0, 0.15), 2.4, 4.9)
                        failed = _clamp(18 - 14 * strength + rng.gauss(0, 5), 0, 60)
                    else:
                        score = _clamp(EGE_BASE[subject] + 9 * strength + rng.gauss(0, 5), 18, 96)
                        below = EGE_MINIMUM.get(subject, 30)
                        failed = _clamp((below + 10 - score) * 1.5 + rng.gauss(0, 3), 0, 70)
                    score = Decimal(str(score)).quantize(TWO)
                    rows.append(
                        ExamResult(
                            school=school, procedure=procedure, subject=subject, grade=grade, year=year,
                            average_score=score, failed_share=Decimal(str(failed)).quantize(TWO), participants=participants,
                        )
                    )
                    total = sums[(procedure, subject, grade, year)]
                    total[0] += score
                    total[1] += 1
    bulk_create_with_history(rows, ExamResult, batch_size=2000, default_date=spec.now)
    # Each municipality keeps the regional average as its documents quote it, beside its schools.
    references = [
        ReferenceResult(
            level=ReferenceResult.Level.REGION, region=region, municipality=cast.municipality, procedure=procedure,
            subject=subject, grade=grade, year=year, average_score=(total / count).quantize(TWO),
        )
        for cast in casts
        for (procedure, subject, grade, year), (total, count) in sorted(sums.items())
    ]
    bulk_create_with_history(references, ReferenceResult, batch_size=1000, default_date=spec.now)
    return len(rows)
