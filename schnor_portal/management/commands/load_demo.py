from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from schnor_portal.demo.loader import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = (
        "Загружает демонстрационные данные трёх муниципалитетов из исходных документов "
        "(школы, списки, кластеры, люди, планы, приказы) и учётные записи с паролем «demo». "
        "Повторный запуск ничего не дублирует. При DEBUG=0 — только с --allow-production."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="загрузить и при DEBUG=0 (учебный или демонстрационный сервер)",
        )

    def handle(self, *args, allow_production=False, **options):
        # Demo accounts share one known password: on a real server they are a way in for anyone.
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "Демонстрационные данные не загружаются при DEBUG=0: их учётные записи имеют общий пароль "
                f"«{DEMO_PASSWORD}». Если это учебный или демонстрационный сервер, повторите с --allow-production."
            )
        report = load_demo()
        if report.created:
            self.stdout.write("Создано: " + ", ".join(f"{name} — {n}" for name, n in sorted(report.created.items())))
        if report.updated:
            self.stdout.write("Обновлено: " + ", ".join(f"{name} — {n}" for name, n in sorted(report.updated.items())))
        if report.lived:
            self.stdout.write(
                "Жизнь планов до сегодняшнего дня (текущая редакция, приказ, отчёты школ): " + ", ".join(report.lived)
            )
        if not report.created and not report.updated and not report.lived:
            self.stdout.write("Демонстрационные данные уже загружены, изменений нет.")
        self.stdout.write(f"Учётные записи (пароль «{DEMO_PASSWORD}»):")
        for username, role, municipality in report.accounts:
            self.stdout.write(f"  {username:<18} {role:<28} {municipality}")
