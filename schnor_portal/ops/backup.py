"""Back up and restore the portal: the PostgreSQL database and the files, with a checksum manifest.

A backup is a directory backups/<UTC time>/ holding

    database.dump    pg_dump --format=custom of the database (restored with pg_restore)
    files/<root>/…   every file of MEDIA_ROOT (evidence, visit files, signed PDFs, reports) and of
                     PRIVATE_MEDIA_ROOT when that lies elsewhere, as they are on disk
    manifest.json    when, which database, row counts of every table, each file's size and SHA-256
    SHA256SUMS       the SHA-256 of every file above, `sha256sum -c SHA256SUMS` checks it by hand

The row counts are taken inside the snapshot pg_dump reads (a REPEATABLE READ transaction that
exports its snapshot, `pg_dump --snapshot`), so a portal in use while the copy is made cannot
make the counts and the dump disagree. A backup's files are 0600 in a 0700 directory: it holds
every person and every file of the portal.

A restore never destroys before it has proven it can build. It checks the checksums, refuses a
database that already has tables (unless forced), copies the files beside their places and checks
their hashes, then runs in ONE PostgreSQL transaction: drop the old schema (forced), load the dump,
compare every table's row count with the manifest. Any error or a wrong count rolls the whole
transaction back (PostgreSQL's DDL is transactional): the old data stays, the staged files are
removed. Only after the COMMIT are the files moved into place. Plain Python, psycopg and the
PostgreSQL client programs; no Django model is imported.
"""

import datetime
import hashlib
import json
import os
import shutil
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import environ
from django.conf import settings
from django.db import connection

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
DUMP = "database.dump"
FILES = "files"
CHUNK = 1024 * 1024
# Beside the files' places (same file system, so the final move is a rename), removed on failure.
STAGING = ".restore-staging"


class BackupError(Exception):
    """A backup or a restore that must stop; the message is for the person running it (Russian)."""


@dataclass(frozen=True)
class Database:
    name: str
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = ""

    @classmethod
    def from_settings(cls, settings_dict):
        if "postgresql" not in settings_dict["ENGINE"]:
            raise BackupError(
                "Резервная копия делается только для PostgreSQL (DATABASE_URL=postgres://…): "
                f"сейчас база — {settings_dict['ENGINE'].rsplit('.', 1)[-1]}."
            )
        return cls(
            name=settings_dict["NAME"],
            host=settings_dict.get("HOST") or "",
            port=str(settings_dict.get("PORT") or ""),
            user=settings_dict.get("USER") or "",
            password=settings_dict.get("PASSWORD") or "",
        )

    @classmethod
    def from_url(cls, url):
        return cls.from_settings(environ.Env.db_url_config(url))

    @classmethod
    def default(cls):
        return cls.from_settings(connection.settings_dict)

    def env(self):
        """libpq's variables: the password never appears on a command line (ps would show it)."""
        values = {"PGDATABASE": self.name, "PGHOST": self.host, "PGPORT": self.port, "PGUSER": self.user,
                  "PGPASSWORD": self.password}
        return {**os.environ, **{k: v for k, v in values.items() if v}}

    def query(self, sql):
        out = _run(["psql", "--no-psqlrc", "--tuples-only", "--no-align", "--field-separator=\t",
                    "--set", "ON_ERROR_STOP=1", "--command", sql], env=self.env())
        return [line.split("\t") for line in out.splitlines() if line]

    def connect(self):
        import psycopg

        values = {"dbname": self.name, "host": self.host, "port": self.port, "user": self.user, "password": self.password}
        return psycopg.connect(autocommit=True, **{k: v for k, v in values.items() if v})

    @contextmanager
    def snapshot(self):
        """(snapshot id, row counts) seen by one read-only transaction, kept open for pg_dump --snapshot."""
        with self.connect() as conn:
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            snapshot_id = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
            tables = [row[0] for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )]
            counts = {}
            for table in tables:
                quoted = '"' + table.replace('"', '""') + '"'
                counts[table] = conn.execute(f"SELECT count(*) FROM public.{quoted}").fetchone()[0]
            try:
                yield snapshot_id, counts
            finally:
                conn.execute("COMMIT")

    def tables(self):
        rows = self.query(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        return [row[0] for row in rows]

    def row_counts(self):
        tables = self.tables()
        if not tables:
            return {}
        sql = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM public.\"{t}\"" for t in tables)
        return {name: int(count) for name, count in self.query(sql)}


@dataclass
class Report:
    path: Path
    tables: int = 0
    rows: int = 0
    files: int = 0
    bytes: int = 0
    problems: list = field(default_factory=list)


def _run(command, *, env):
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(f"Не найдена программа {command[0]}: установите клиент PostgreSQL (postgresql-client-15).")
    if done.returncode != 0:
        raise BackupError(f"{command[0]} завершился с ошибкой: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def file_roots() -> dict[str, Path]:
    """The directories whose files a backup keeps, by name; the private one when it is not inside media."""
    media = Path(settings.MEDIA_ROOT).resolve()
    roots = {"media": media}
    private = getattr(settings, "PRIVATE_MEDIA_ROOT", "")
    if private:
        private = Path(private).resolve()
        if private != media and media not in private.parents:
            roots["private"] = private
    return roots


def _target_root(name: str, roots: dict[str, Path]) -> Path:
    """Where files of a backup's root go here: a separate private root folds into MEDIA_ROOT/private
    when this installation keeps its private files there (PRIVATE_MEDIA_ROOT unset)."""
    if name in roots:
        return roots[name]
    if name == "private":
        return roots["media"] / "private"
    raise BackupError(f"В копии есть файлы неизвестного каталога «{name}».")


def _files_under(root: Path):
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path


@contextmanager
def _private_files():
    """Files and directories made meanwhile are the owner's alone (pg_dump's too: it inherits it)."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def _new_directory(output: Path) -> Path:
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d-%H%M%S")
    target, n = output / stamp, 1
    while target.exists():
        n += 1
        target = output / f"{stamp}-{n}"
    target.mkdir(parents=True)
    return target


def _write_sums(directory: Path):
    lines = [
        f"{sha256_of(path)}  {path.relative_to(directory).as_posix()}"
        for path in sorted(directory.rglob("*"))
        if path.is_file() and path.name != SUMS
    ]
    (directory / SUMS).write_text("\n".join(lines) + "\n", encoding="utf-8")


def backup_verify(directory: Path) -> list[str]:
    """What does not match SHA256SUMS (missing, changed or unlisted files); [] for an intact backup."""
    sums = directory / SUMS
    if not sums.is_file():
        return [f"нет файла {SUMS}: это не резервная копия портала или она неполная"]
    problems, listed = [], set()
    for line in sums.read_text(encoding="utf-8").splitlines():
        expected, _, name = line.partition("  ")
        listed.add(name)
        path = directory / name
        if not path.is_file():
            problems.append(f"нет файла {name}")
        elif sha256_of(path) != expected:
            problems.append(f"изменён файл {name} (контрольная сумма не совпадает)")
    for path in directory.rglob("*"):
        name = path.relative_to(directory).as_posix()
        if path.is_file() and path.name != SUMS and name not in listed:
            problems.append(f"лишний файл {name}")
    return problems


def backup_create(*, output: Path, database: Database | None = None) -> Report:
    with _private_files():
        return _backup_create(output=output, database=database or Database.default())


def _backup_create(*, output: Path, database: Database) -> Report:
    directory = _new_directory(Path(output))
    report = Report(path=directory)
    with database.snapshot() as (snapshot_id, counts):
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot_id}",
              f"--file={directory / DUMP}"], env=database.env())
    files = []
    for root_name, root in file_roots().items():
        for path in _files_under(root):
            relative = path.relative_to(root).as_posix()
            target = directory / FILES / root_name / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            os.chmod(target, 0o600)  # copy2 copies the source's mode too
            size = target.stat().st_size
            files.append({"root": root_name, "path": relative, "size": size, "sha256": sha256_of(target)})
            report.files += 1
            report.bytes += size
    manifest = {
        "format": 1,
        "created_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "database": {"name": database.name, "host": database.host, "dump": DUMP, "row_counts": counts},
        "file_roots": {name: str(root) for name, root in file_roots().items()},
        "files": files,
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    _write_sums(directory)
    report.tables, report.rows = len(counts), sum(counts.values())
    return report


def backup_restore(*, source: Path, database: Database | None = None, force: bool = False) -> Report:
    source = Path(source)
    database = database or Database.default()
    problems = backup_verify(source)
    if problems:
        raise BackupError("Резервная копия повреждена, восстановление не начато: " + "; ".join(problems[:10]))
    manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    existing = database.tables()
    if existing and not force:
        raise BackupError(
            f"База «{database.name}» не пустая (таблиц: {len(existing)}): восстановление поверх данных их бы "
            "смешало. Создайте пустую базу или, если эти данные точно не нужны, повторите с --force (FORCE=1)."
        )
    roots = file_roots()
    clashes = [
        f"{item['root']}/{item['path']}"
        for item in manifest["files"]
        if _target_root(item["root"], roots).joinpath(item["path"]).exists()
    ]
    if clashes and not force:
        raise BackupError(
            f"В каталоге файлов уже есть {len(clashes)} файлов с теми же именами (например, {clashes[0]}): "
            "восстановление их бы перезаписало. Укажите пустой MEDIA_ROOT или повторите с --force (FORCE=1)."
        )
    staged = _stage_files(source, manifest, roots)
    try:
        _restore_database(source, manifest, database, drop_existing=bool(existing))
    except BaseException:
        _remove_staging(roots)
        raise
    report = Report(path=source)
    for item in manifest["files"]:
        target = _target_root(item["root"], roots) / item["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged[(item["root"], item["path"])], target)
        report.files += 1
        report.bytes += item["size"]
    _remove_staging(roots)
    report.problems = restore_check(manifest, database)
    counts = manifest["database"]["row_counts"]
    report.tables, report.rows = len(counts), sum(counts.values())
    if report.problems:
        raise BackupError("Восстановлено, но не сходится с копией: " + "; ".join(report.problems[:10]))
    return report


def restore_check(manifest: dict, database: Database) -> list[str]:
    """Row counts of every table and the hash of every file, against the manifest."""
    problems = []
    expected, found = manifest["database"]["row_counts"], database.row_counts()
    for table, count in expected.items():
        if found.get(table) != count:
            problems.append(f"таблица {table}: в копии {count} строк, восстановлено {found.get(table)}")
    roots = file_roots()
    for item in manifest["files"]:
        path = _target_root(item["root"], roots) / item["path"]
        if not path.is_file() or sha256_of(path) != item["sha256"]:
            problems.append(f"файл {item['root']}/{item['path']} не совпадает с копией")
    return problems


def _stage_files(source: Path, manifest: dict, roots: dict[str, Path]) -> dict:
    """Copy every file of the backup beside its place and check its hash: nothing existing is touched yet."""
    staged = {}
    try:
        for item in manifest["files"]:
            root = _target_root(item["root"], roots)
            path = root / STAGING / item["path"]
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / FILES / item["root"] / item["path"], path)
            if sha256_of(path) != item["sha256"]:
                raise BackupError(f"Файл {item['root']}/{item['path']} скопирован с ошибкой: восстановление не начато.")
            staged[(item["root"], item["path"])] = path
    except BaseException:
        _remove_staging(roots)
        raise
    return staged


def _remove_staging(roots: dict[str, Path]):
    for name in {*roots, "private"}:
        try:
            staging = _target_root(name, roots) / STAGING
        except BackupError:
            continue
        shutil.rmtree(staging, ignore_errors=True)


def _count_check_sql(expected: dict) -> str:
    """A DO block that raises, and so rolls the restore back, when a table's row count differs."""
    literal = json.dumps(expected).replace("'", "''")
    return f"""DO $check$
DECLARE
    expected jsonb := '{literal}';
    t text;
    n bigint;
    wrong text := '';
BEGIN
    FOR t IN SELECT jsonb_object_keys(expected) LOOP
        EXECUTE format('SELECT count(*) FROM public.%I', t) INTO n;
        IF n <> (expected->>t)::bigint THEN
            wrong := wrong || format('таблица %s: в копии %s строк, восстановлено %s; ', t, expected->>t, n);
        END IF;
    END LOOP;
    IF wrong <> '' THEN
        RAISE EXCEPTION 'не сходится с копией: %', wrong;
    END IF;
END
$check$;"""


def _restore_database(source: Path, manifest: dict, database: Database, *, drop_existing: bool):
    """pg_restore's SQL through psql in one transaction, with the count check before the COMMIT."""
    commands = ["psql", "--no-psqlrc", "--quiet", "--single-transaction", "--set", "ON_ERROR_STOP=1",
                # The DROP's NOTICE lists every table: only errors are worth showing.
                "--command", "SET client_min_messages = warning;"]
    if drop_existing:
        # Forced: the schema goes whole, so no table of the old data survives beside the restored ones.
        commands += ["--command", "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"]
    commands += ["--file=-", "--command", _count_check_sql(manifest["database"]["row_counts"])]
    env = database.env()
    try:
        dump = subprocess.Popen(
            ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--file=-", str(source / DUMP)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
    except FileNotFoundError:
        raise BackupError("Не найдена программа pg_restore: установите клиент PostgreSQL (postgresql-client-15).")
    try:
        load = subprocess.run(commands, env=env, stdin=dump.stdout, capture_output=True, text=True)
    except FileNotFoundError:
        dump.kill()
        raise BackupError("Не найдена программа psql: установите клиент PostgreSQL (postgresql-client-15).")
    finally:
        dump.stdout.close()
    dump_error = dump.stderr.read().decode(errors="replace").strip()
    dump.wait()
    if dump.returncode != 0 or load.returncode != 0:
        reason = " ".join(line.strip() for line in (load.stderr.strip() or dump_error or load.stdout.strip()).splitlines())
        raise BackupError(
            f"Восстановление не удалось, база «{database.name}» и файлы остались как были: {reason}"
        )
