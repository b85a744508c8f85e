from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from schnor_portal.ops.backup import BackupError, Database, backup_create


class Command(BaseCommand):
    help = (
        "Делает резервную копию: дамп базы PostgreSQL (pg_dump) и все файлы (подтверждающие документы, "
        "подписанные PDF, отчёты) с манифестом контрольных сумм SHA-256 в каталог <output>/<время UTC>/."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", default="backups", help="куда складывать копии (по умолчанию backups/)")
        parser.add_argument("--database-url", help="другая база вместо DATABASE_URL, postgres://…")

    def handle(self, *args, output, database_url=None, **options):
        try:
            database = Database.from_url(database_url) if database_url else Database.default()
            report = backup_create(output=Path(output), database=database)
        except BackupError as error:
            raise CommandError(str(error))
        self.stdout.write(
            f"Резервная копия: {report.path}\n"
            f"  база «{database.name}»: таблиц {report.tables}, строк {report.rows}\n"
            f"  файлов {report.files} ({report.bytes / 1024 / 1024:.1f} МБ)\n"
            f"Проверить: cd {report.path} && sha256sum -c SHA256SUMS"
        )
        # The last line is the path alone, for scripts: BACKUP=$(make backup | tail -n1)
        self.stdout.write(str(report.path))
