import datetime

from django.core.management.base import BaseCommand, CommandError

from monitoring.control.reminders import digests_send


class Command(BaseCommand):
    help = (
        "Отправляет утренние сводки по контрольным точкам муниципалитетам, где сейчас час рассылки "
        "(с --force — всем с включённой рассылкой). Повторный запуск в тот же день никому не шлёт второе письмо."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="не смотреть на час рассылки")
        parser.add_argument("--now", help="момент в ISO 8601 с поясом, например 2026-11-24T08:00+11:00")
        parser.add_argument("--municipality", type=int, action="append", help="id муниципалитета (можно несколько)")

    def handle(self, *args, force=False, now=None, municipality=None, **options):
        try:
            moment = datetime.datetime.fromisoformat(now) if now else None
        except ValueError:
            raise CommandError(f"Не понимаю момент «{now}»: нужен ISO 8601, например 2026-11-24T08:00+11:00.")
        if moment is not None and moment.tzinfo is None:
            raise CommandError("Укажите пояс в --now, например +06:00.")
        report = digests_send(now=moment, force=force, municipality_ids=municipality)
        if not report.municipalities and not report.late:
            self.stdout.write("Сейчас ни в одном муниципалитете не час рассылки.")
            return
        where = f"Муниципалитеты: {', '.join(report.municipalities)}. " if report.municipalities else ""
        if report.late:
            where += f"Час рассылки уже прошёл (досылаются неотправленные): {', '.join(report.late)}. "
        self.stdout.write(
            f"{where}Отправлено писем: {report.sent}; "
            f"уже отправлено сегодня: {report.already_sent}; без адреса: {report.without_email}; ошибок: {report.failed}."
        )
