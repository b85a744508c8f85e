"""Build the whole region: structure in one transaction, then the points of each municipality in its own."""

import time
from collections import Counter

from django.db import connection, transaction

from monitoring.models import ControlPoint, ControlPointComment, DueDateChangeRequest, Evidence, Notification

from .plans import plans_create
from .points import points_generate, points_write
from .progress import Progress
from .region import people_create, region_create, schools_create
from .results import results_create
from .rows import lock_tables
from .spec import SeedSpec

POINT_TABLES = (ControlPoint, ControlPointComment, DueDateChangeRequest, Evidence, Notification)
STRUCTURE_STEPS = 5


def _point_tables_with_history():
    return [*POINT_TABLES, *(m.history.model for m in POINT_TABLES if hasattr(m, "history"))]


def _analyze(stream):
    """Fresh statistics and visibility maps: the planner and index-only scans need both after a bulk load."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for model in _point_tables_with_history():
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")
        cursor.execute("ANALYZE")


def region_seed(spec: SeedSpec, *, stream=None, show_progress=True) -> dict:
    """Create the region of `spec`; returns counts of what was written and the seconds it took."""
    started = time.monotonic()
    progress = Progress(STRUCTURE_STEPS + spec.municipalities, "Нагрузочные данные", stream=stream, enabled=show_progress)
    counts = Counter()
    with transaction.atomic():
        region, casts = region_create(spec)
        progress.step("регион и муниципалитеты")
        schools_create(spec, casts)
        progress.step("школы, данные по годам, списки")
        people_create(spec, region, casts)
        progress.step("люди, учётные записи, кураторы")
        planned = plans_create(spec, casts)
        progress.step("планы, разделы, мероприятия")
        counts["exam_results"] = results_create(spec, casts, region)
        progress.step("результаты ОГЭ и ЕГЭ")
    counts["municipalities"] = len(casts)
    counts["schools"] = sum(len(c.schools) for c in casts)
    counts["activities"] = sum(len(p.activities) for p in planned)
    # The coordinator, the chair, curators and directors of each municipality, and the region's viewer.
    counts["accounts"] = sum(2 + len(c.curators) + len(c.director_of) for c in casts) + 1
    for item in planned:
        with transaction.atomic():
            lock_tables(_point_tables_with_history())
            counts.update(points_write(points_generate(spec, item)))
        progress.step(f"{item.cast.municipality.name}: точек всего {counts['control_points']:,}".replace(",", " "))
    _analyze(stream)
    counts["seconds"] = round(time.monotonic() - started, 1)
    return dict(counts)
