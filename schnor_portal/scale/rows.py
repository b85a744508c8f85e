"""Rows straight into tables: COPY on PostgreSQL, batched INSERTs on any other database.

The big tables are written without model instances. Their ids are reserved up front, so that
history rows, comments and evidence can point at control points before those are written; on
PostgreSQL the reservation moves the table's sequence past the block, so the portal's own
inserts afterwards never collide with it.
"""

from collections.abc import Iterable, Sequence

from django.db import connection

BATCH = 2000


def _columns(model, names: Sequence[str]):
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    missing = [n for n in names if n not in by_attname]
    if missing:
        raise ValueError(f"{model.__name__}: no columns {missing}")
    required = {
        f.attname for f in model._meta.concrete_fields if not f.null and not f.has_default() and not f.primary_key
    }
    forgotten = required - set(names)
    if forgotten:
        raise ValueError(f"{model.__name__}: required columns not written {sorted(forgotten)}")
    return [by_attname[n] for n in names]


def reserve_ids(model, count: int) -> int:
    """The first of `count` consecutive free ids of the model's table."""
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk])
            sequence = cursor.fetchone()[0]
            cursor.execute(f"SELECT nextval('{sequence}')")
            first = cursor.fetchone()[0]
            cursor.execute("SELECT setval(%s, %s)", [sequence, first + max(count, 1) - 1])
            return first
        cursor.execute(f"SELECT COALESCE(MAX({connection.ops.quote_name(pk)}), 0) FROM {connection.ops.quote_name(table)}")
        return cursor.fetchone()[0] + 1


def lock_tables(models):
    """Keep other writers out of the tables whose ids are being reserved (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return
    names = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {names} IN EXCLUSIVE MODE")


def write_rows(model, names: Sequence[str], rows: Iterable[tuple]) -> int:
    """Write tuples (in the order of `names`, attnames of the model) into the model's table."""
    fields = _columns(model, names)
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # psycopg adapts date, datetime, Decimal, bool and None by their Python type.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
        batch = []
        for row in rows:
            batch.append([f.get_db_prep_save(value, connection) for f, value in zip(fields, row)])
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count
