"""A control point the region's own body carries out: ControlPoint.regional (and its history).

The column has a constant default, which PostgreSQL (11+) records in the catalogue: the 1.2 M
existing rows are not rewritten. The default stays in the database (db_default): during a rolling
upgrade the servers still on the previous code save points and their history without the column.

The data step: an activity whose executors are region bodies and no municipal one (e.g. only
«ГАУ ДПО ПК ИРО», or ИРО and the schools) had its one municipal point stand for the region. From
now on its sync wants a regional point instead; left municipal, that point would be deleted when
untouched or flagged «требует решения» when reported, and a fresh regional point created beside it
— the region's report would be lost from view. So exactly those points are marked regional, as the
sync would have made them (the rule of monitoring/control/services.py `_executor_targets`). It is
one UPDATE over the few activities that match, not over the table; it writes no history record, so
the dashboard's cached sums may count such a point under the municipality until they expire
(monitoring/control/dashboard.py, CACHE_SECONDS).
"""

from django.db import migrations, models
from django.db.models import Exists, OuterRef


def mark_region_only_points(apps, schema_editor):
    ControlPoint = apps.get_model("monitoring", "ControlPoint")
    Activity = apps.get_model("roadmaps", "Activity")
    ActivityExecutor = apps.get_model("roadmaps", "ActivityExecutor")

    def has(level):
        return Exists(ActivityExecutor.objects.filter(activity_id=OuterRef("pk"), level=level))

    # No municipal point any more: a region executor, no municipal one, and — for a row scoped to the
    # municipality itself — no school executor either (then the municipality keeps its point).
    activities = (
        Activity.objects.filter(has("region"))
        .exclude(has("municipality"))
        .exclude(models.Q(scope="municipality") & has("school"))
    )
    ControlPoint.objects.filter(
        activity_id__in=activities.values("pk"), school__isnull=True, regional=False
    ).update(regional=True)


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0011_region_read_indexes"),
        ("roadmaps", "0005_plan_columns"),
    ]

    operations = [
        migrations.AddField(
            model_name="controlpoint",
            name="regional",
            field=models.BooleanField(db_default=False, default=False, verbose_name="исполняет регион"),
        ),
        migrations.AddField(
            model_name="historicalcontrolpoint",
            name="regional",
            field=models.BooleanField(db_default=False, default=False, verbose_name="исполняет регион"),
        ),
        migrations.RunPython(mark_region_only_points, migrations.RunPython.noop),
    ]
