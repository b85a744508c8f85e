"""The dashboard's cached counts are kept per school (monitoring/control/dashboard.py): index their stamps.

A stamp is the newest history record of a school's points, or of a municipality's own points
(no school). monitoring_hcp_school_history finds the first in one step down the index for each
of a municipality's schools; monitoring_hcp_muni_own_history, partial, the second. They replace
0006's monitoring_hcp_muni_history, the stamp of a whole municipality, which nothing reads now.
Built CONCURRENTLY on PostgreSQL, as in 0006: the history table holds millions of rows and keeps
taking saves while an index is built.
"""

from django.db import migrations

from schnor_portal.concurrent_indexes import create_index, drop_index

TABLE = "monitoring_historicalcontrolpoint"
CREATED = (
    ("monitoring_hcp_school_history", TABLE, "school_id, history_id"),
    ("monitoring_hcp_muni_own_history", TABLE, "municipality_id, history_id", "school_id IS NULL"),
)
REPLACED = ("monitoring_hcp_muni_history", TABLE, "municipality_id, history_id")


def forwards(apps, schema_editor):
    for index in CREATED:
        create_index(schema_editor, *index)
    drop_index(schema_editor, REPLACED[0])


def backwards(apps, schema_editor):
    create_index(schema_editor, *REPLACED)
    for index in CREATED:
        drop_index(schema_editor, index[0])


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("monitoring", "0006_scale_indexes"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
