"""A backup taken while the portal is in use passes its own check: the row counts in its manifest
are those of the dump (both read from one exported snapshot), so a restore of it, which compares
every table with the manifest, succeeds. PostgreSQL only: the copy is pg_dump's.

Two writers: one commits rows in a thread during the whole backup (as users do), and one commits a
row exactly between the moment the counts are read and the moment pg_dump starts — the window in
which counts taken outside the dump's snapshot disagree with it every time, not one time in four.
"""

import json
import threading
import time
from pathlib import Path

import psycopg
from django.core.management import call_command
from django.db import connection

from schnor_portal.ops import backup as ops
from schnor_portal.ops.backup import Database

from .test_backup_restore import counts, empty_database, own_media, tools  # noqa: F401 — fixtures


def _connect():
    source = connection.settings_dict
    values = {"dbname": source["NAME"], "host": source["HOST"] or "127.0.0.1", "port": source["PORT"] or 5432,
              "user": source["USER"], "password": source["PASSWORD"] or None}
    return psycopg.connect(autocommit=True, **{k: v for k, v in values.items() if v})


def _add_session(conn, key):
    conn.execute(
        "INSERT INTO django_session (session_key, session_data, expire_date) VALUES (%s, 'x', now() + interval '1 day')",
        (key,),
    )


class Writer(threading.Thread):
    """Commits a session row every few milliseconds until stopped, as logins under traffic do."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.written = 0
        self.error = None

    def run(self):
        try:
            with _connect() as conn:
                while not self.stop.is_set():
                    _add_session(conn, f"writer{self.written:08d}")
                    self.written += 1
                    time.sleep(0.002)
        except BaseException as error:  # noqa: BLE001 — the test asserts on it
            self.error = error


def test_a_backup_under_concurrent_writes_restores_and_passes_its_own_check(
    tools, postgres, own_media, cast, empty_database, tmp_path, settings, capsys, monkeypatch  # noqa: F811
):
    run = ops._run
    raced = []

    def run_after_a_write(command, *, env):
        # Between the counts and pg_dump: a row committed by someone else.
        if command[0] == "pg_dump":
            with _connect() as conn:
                _add_session(conn, "between-count-and-dump")
            raced.append(command)
        return run(command, env=env)

    monkeypatch.setattr(ops, "_run", run_after_a_write)
    writer = Writer()
    writer.start()
    while writer.written < 20 and writer.error is None:  # traffic is on before the backup starts
        time.sleep(0.01)
    before = writer.written
    call_command("backup", output=str(tmp_path / "backups"))
    during = writer.written - before
    writer.stop.set()
    writer.join(10)
    assert writer.error is None and raced
    assert during > 0, "the writer committed nothing while the backup ran: the test proves nothing"

    path = Path(capsys.readouterr().out.strip().splitlines()[-1])
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    expected = manifest["database"]["row_counts"]
    # The live table has moved on since: the copy is of one moment, not of «now».
    assert Database.default().row_counts()["django_session"] > expected["django_session"]

    settings.MEDIA_ROOT = str(tmp_path / "restored-media")
    call_command("restore", str(path), database_url=empty_database)  # raises if any count disagrees
    assert counts(empty_database) == expected
    with psycopg.connect(empty_database) as conn:
        assert conn.execute("SELECT count(*) FROM django_session WHERE session_key = 'between-count-and-dump'").fetchone()[0] == 0
