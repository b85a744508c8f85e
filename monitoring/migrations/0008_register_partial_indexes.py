"""Partial indexes for two register filters that pick a few of a municipality's points.

«Уровень исполнителя: муниципальный» (no school) and «Срок перенесён» (an original due date)
each keep a few hundred of a municipality's 30,000 points; without an index of their own the
register reads all 30,000 to count them and to find a page (10 ms and 20 ms at 1.2 million
points, bench/README.md). Both indexes hold only those rows, in the register's order. Built
CONCURRENTLY on PostgreSQL as in 0006, out of makemigrations' sight for the same reason.
"""

from django.db import migrations

from schnor_portal.concurrent_indexes import add_indexes

TABLE = "monitoring_controlpoint"


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("monitoring", "0007_history_stamp_per_school"),
    ]

    operations = [
        add_indexes(
            ("monitoring_cp_muni_level_due", TABLE, "municipality_id, due_date, id", "school_id IS NULL"),
            ("monitoring_cp_muni_moved_due", TABLE, "municipality_id, due_date, id", "original_due_date IS NOT NULL"),
        ),
    ]
