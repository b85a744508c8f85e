from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from schnor_portal.ops.backup import BackupError, Database, backup_restore


class Command(BaseCommand):
    help = (
        "Восстанавливает резервную копию, сделанную командой backup, в пустую базу и пустой каталог файлов: "
        "сначала проверяет контрольные суммы, затем в одной транзакции загружает дамп и сверяет число строк "
        "каждой таблицы; при любой ошибке база и файлы остаются как были. Непустую базу не трогает без --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", help="каталог копии, например backups/20261124-030000")
        parser.add_argument("--database-url", help="куда восстанавливать вместо DATABASE_URL, postgres://…")
        parser.add_argument(
            "--force", action="store_true", help="стереть данные непустой базы и перезаписать файлы с теми же именами"
        )

    def handle(self, *args, backup, database_url=None, force=False, **options):
        source = Path(backup)
        if not source.is_dir():
            raise CommandError(f"Нет каталога резервной копии {source}.")
        try:
            database = Database.from_url(database_url) if database_url else Database.default()
            report = backup_restore(source=source, database=database, force=force)
        except BackupError as error:
            raise CommandError(str(error))
        self.stdout.write(
            f"Восстановлено из {source} в базу «{database.name}»: таблиц {report.tables}, строк {report.rows}, "
            f"файлов {report.files}. Число строк и контрольные суммы файлов совпадают с копией."
        )
