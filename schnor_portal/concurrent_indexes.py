"""Indexes added in SQL by migrations, built CONCURRENTLY on PostgreSQL (monitoring 0006–0008).

Tables of a region's scale hold millions of rows and must keep taking saves while an index is
built, so these indexes are created with CREATE INDEX CONCURRENTLY, which needs a non-atomic
migration; SQLite (tests, `make run`) builds them plainly. Some sit on django-simple-history's
generated tables or are partial, out of reach of Meta.indexes, hence SQL.
"""

from django.db import migrations


def _concurrently(schema_editor):
    return "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""


def create_index(schema_editor, name, table, columns, where=""):
    condition = f" WHERE {where}" if where else ""
    schema_editor.execute(f"CREATE INDEX {_concurrently(schema_editor)}IF NOT EXISTS {name} ON {table} ({columns}){condition}")


def drop_index(schema_editor, name):
    schema_editor.execute(f"DROP INDEX {_concurrently(schema_editor)}IF EXISTS {name}")


def add_indexes(*indexes):
    """A RunPython creating `indexes` — (name, table, columns[, where]) — and dropping them backwards."""

    def forwards(apps, schema_editor):
        for index in indexes:
            create_index(schema_editor, *index)

    def backwards(apps, schema_editor):
        for index in indexes:
            drop_index(schema_editor, index[0])

    return migrations.RunPython(forwards, backwards)
