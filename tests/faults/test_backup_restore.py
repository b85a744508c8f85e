"""`make backup` and `make restore` (schnor_portal/ops/backup.py): a copy restored into an empty database
has the same number of rows in every table and the same bytes in every file; a damaged copy and a
non-empty database are refused. PostgreSQL only: the copy is pg_dump's.
"""

import hashlib
import json
import shutil
from pathlib import Path

import psycopg
import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from monitoring.models import Evidence
from schnor_portal.ops.backup import Database



@pytest.fixture
def tools():
    if not all(shutil.which(name) for name in ("pg_dump", "pg_restore", "psql")):
        pytest.skip("нет pg_dump / pg_restore / psql (пакет postgresql-client-15)")


@pytest.fixture
def own_media(settings, tmp_path):
    """A files directory of this test alone: the session's holds every other test's uploads."""
    settings.MEDIA_ROOT = str(tmp_path / "media")  # Django's storages drop their cached paths on this
    settings.PRIVATE_MEDIA_ROOT = ""


@pytest.fixture
def empty_database(postgres):
    """A second, empty database on the same server, dropped afterwards."""
    source = connection.settings_dict
    name = f"{source['NAME']}_restore"
    admin = {"host": source["HOST"] or "127.0.0.1", "port": source["PORT"] or 5432, "user": source["USER"],
             "password": source["PASSWORD"] or None, "dbname": "postgres", "autocommit": True}
    with psycopg.connect(**admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    auth = source["USER"] + (f":{source['PASSWORD']}" if source["PASSWORD"] else "")
    yield f"postgres://{auth}@{admin['host']}:{admin['port']}/{name}"
    with psycopg.connect(**admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def evidence_files(cast):
    """Two evidence files and a signed PDF: what a municipality cannot lose."""
    made = {}
    for cp, name, data in ((cast.cp_a, "протокол.pdf", b"%PDF-1.4\n% protocol\n"), (cast.cp_other, "фото.png", b"\x89PNG\r\n\x1a\n1")):
        evidence = Evidence(control_point=cp, original_name=name, content_type="application/pdf", size=len(data))
        evidence.file.save("upload.pdf", ContentFile(data), save=True)
        made[evidence.file.path] = hashlib.sha256(data).hexdigest()
    # A signed order's PDF lives in MEDIA_ROOT/orders, outside the private folder: it is kept too.
    cast.order.pdf.save("order.pdf", ContentFile(b"%PDF-1.4\n% signed\n"), save=True)
    return made


def counts(url):
    return Database.from_url(url).row_counts()


def files_under(root):
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in Path(root).rglob("*")
        if p.is_file()
    }


def test_a_backup_restored_into_an_empty_database_has_every_row_and_file(
    tools, postgres, own_media, cast, empty_database, tmp_path, settings, capsys
):
    evidence_files(cast)
    source_files = files_under(settings.MEDIA_ROOT)
    assert len(source_files) == 3
    call_command("backup", output=str(tmp_path / "backups"))
    backup = Path(capsys.readouterr().out.strip().splitlines()[-1])
    manifest = json.loads((backup / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["database"]["row_counts"]["monitoring_evidence"] == 2
    assert {f"{item['path']}" for item in manifest["files"]} == set(source_files)

    # Another machine: an empty database and an empty files directory.
    settings.MEDIA_ROOT = str(tmp_path / "restored-media")
    settings.PRIVATE_MEDIA_ROOT = ""
    call_command("restore", str(backup), database_url=empty_database)

    restored = counts(empty_database)
    assert restored == Database.default().row_counts()
    # Every account of the cast came back (the count, not a number that changes with the cast).
    assert restored["accounts_user"] == get_user_model().objects.count() > 0 and restored["monitoring_evidence"] == 2
    assert files_under(settings.MEDIA_ROOT) == source_files


def test_it_refuses_a_database_that_is_not_empty_unless_forced(
    tools, postgres, own_media, cast, empty_database, tmp_path, settings, capsys
):
    call_command("backup", output=str(tmp_path / "backups"))
    backup = capsys.readouterr().out.strip().splitlines()[-1]
    settings.MEDIA_ROOT = str(tmp_path / "restored-media")
    call_command("restore", backup, database_url=empty_database)
    with pytest.raises(CommandError, match="не пустая"):
        call_command("restore", backup, database_url=empty_database)
    call_command("restore", backup, database_url=empty_database, force=True)
    assert counts(empty_database) == Database.default().row_counts()


def test_it_refuses_a_damaged_backup_before_touching_anything(
    tools, postgres, own_media, cast, empty_database, tmp_path, settings, capsys
):
    evidence_files(cast)
    call_command("backup", output=str(tmp_path / "backups"))
    backup = Path(capsys.readouterr().out.strip().splitlines()[-1])
    damaged = next((backup / "files").rglob("*.pdf"))
    damaged.write_bytes(damaged.read_bytes() + b"x")
    settings.MEDIA_ROOT = str(tmp_path / "restored-media")
    with pytest.raises(CommandError, match="повреждена.*контрольная сумма не совпадает"):
        call_command("restore", str(backup), database_url=empty_database)
    assert counts(empty_database) == {}  # nothing was restored
    assert not Path(settings.MEDIA_ROOT).exists()


def test_it_says_plainly_that_sqlite_is_not_backed_up(db, tmp_path):
    if connection.vendor == "postgresql":
        pytest.skip("база — PostgreSQL: отказ для SQLite здесь не проверить")
    with pytest.raises(CommandError, match="только для PostgreSQL"):
        call_command("backup", output=str(tmp_path))


def test_a_backup_is_readable_by_its_owner_only(tools, postgres, own_media, cast, tmp_path, capsys):
    evidence_files(cast)
    call_command("backup", output=str(tmp_path / "backups"))
    backup = Path(capsys.readouterr().out.strip().splitlines()[-1])
    assert backup.stat().st_mode & 0o777 == 0o700
    modes = {p.relative_to(backup).as_posix(): p.stat().st_mode & 0o777 for p in backup.rglob("*")}
    assert modes["database.dump"] == modes["manifest.json"] == modes["SHA256SUMS"] == 0o600
    assert all(mode in (0o600, 0o700) for mode in modes.values()), modes


def test_a_failed_restore_leaves_the_database_and_the_files_as_they_were(
    tools, postgres, own_media, cast, empty_database, tmp_path, settings, capsys, monkeypatch
):
    from schnor_portal.ops import backup as ops

    evidence_files(cast)
    call_command("backup", output=str(tmp_path / "backups"))
    backup = Path(capsys.readouterr().out.strip().splitlines()[-1])
    settings.MEDIA_ROOT = str(tmp_path / "restored-media")
    call_command("restore", str(backup), database_url=empty_database)
    # What is there now: the data of yesterday and one file the backup does not have.
    target = Database.from_url(empty_database)
    target.query("CREATE TABLE public.kept_marker (note text); INSERT INTO public.kept_marker VALUES ('на месте');")
    before_counts, before_files = counts(empty_database), files_under(settings.MEDIA_ROOT)

    # The dump loads, but the count check at the end of its transaction fails: everything goes back.
    real = ops._count_check_sql
    monkeypatch.setattr(ops, "_count_check_sql", lambda expected: real({**expected, "accounts_user": -1}))
    with pytest.raises(CommandError, match="остались как были.*accounts_user"):
        call_command("restore", str(backup), database_url=empty_database, force=True)
    assert counts(empty_database) == before_counts
    assert target.query("SELECT note FROM public.kept_marker") == [["на месте"]]
    assert files_under(settings.MEDIA_ROOT) == before_files  # no staged copy left behind either
