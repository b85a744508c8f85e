"""The dashboard's cached counts are kept per school (monitoring/dashboard_figures.py): index their stamps.

A stamp is the newest history record of a school's points, or of a municipality's own points
(no school). monitoring_hcp_school_history finds the first in one step down the index for each
of a municipality's schools; monitoring_hcp_muni_own_history, partial, the second. They replace
0006's monitoring_hcp_muni_history, the stamp of a whole municipality, which nothing reads now.
Built CONCURRENTLY on PostgreSQL, as in 0006: the history table holds millions of rows and keeps
taking saves while an index is built.
"""

from django.db import migrations

CREATED = (
    ("monitoring_hcp_school_history", "school_id, history_id", ""),
    ("monitoring_hcp_muni_own_history", "municipality_id, history_id", " WHERE school_id IS NULL"),
)
REPLACED = ("monitoring_hcp_muni_history", "municipality_id, history_id", "")
TABLE = "monitoring_historicalcontrolpoint"


def _concurrently(schema_editor):
    return "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""


def _create(schema_editor, name, columns, where):
    schema_editor.execute(f"CREATE INDEX {_concurrently(schema_editor)}IF NOT EXISTS {name} ON {TABLE} ({columns}){where}")


def _drop(schema_editor, name):
    schema_editor.execute(f"DROP INDEX {_concurrently(schema_editor)}IF EXISTS {name}")


def forwards(apps, schema_editor):
    for index in CREATED:
        _create(schema_editor, *index)
    _drop(schema_editor, REPLACED[0])


def backwards(apps, schema_editor):
    _create(schema_editor, *REPLACED)
    for name, _, _ in CREATED:
        _drop(schema_editor, name)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("monitoring", "0006_scale_indexes"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
