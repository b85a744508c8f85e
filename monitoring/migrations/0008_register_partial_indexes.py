"""Partial indexes for two register filters that pick a few of a municipality's points.

«Уровень исполнителя: муниципальный» (no school) and «Срок перенесён» (an original due date)
each keep a few hundred of a municipality's 30,000 points; without an index of their own the
register reads all 30,000 to count them and to find a page (10 ms and 20 ms at 1.2 million
points, bench/README.md). Both indexes hold only those rows, in the register's order. Built
CONCURRENTLY on PostgreSQL as in 0006, out of makemigrations' sight for the same reason.
"""

from django.db import migrations

INDEXES = (
    ("monitoring_cp_muni_level_due", "municipality_id, due_date, id", "school_id IS NULL"),
    ("monitoring_cp_muni_moved_due", "municipality_id, due_date, id", "original_due_date IS NOT NULL"),
)
TABLE = "monitoring_controlpoint"


def _concurrently(schema_editor):
    return "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""


def create_indexes(apps, schema_editor):
    for name, columns, where in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX {_concurrently(schema_editor)}IF NOT EXISTS {name} ON {TABLE} ({columns}) WHERE {where}"
        )


def drop_indexes(apps, schema_editor):
    for name, _, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX {_concurrently(schema_editor)}IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("monitoring", "0007_history_stamp_per_school"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
    ]
