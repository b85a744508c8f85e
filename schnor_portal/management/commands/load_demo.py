from django.core.management.base import BaseCommand

from schnor_portal.demo.loader import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = (
        "Загружает демонстрационные данные трёх муниципалитетов из исходных документов "
        "(школы, списки, кластеры, люди, планы, приказы) и учётные записи с паролем «demo». "
        "Повторный запуск ничего не дублирует."
    )

    def handle(self, *args, **options):
        report = load_demo()
        if report.created:
            self.stdout.write("Создано: " + ", ".join(f"{name} — {n}" for name, n in sorted(report.created.items())))
        if report.updated:
            self.stdout.write("Обновлено: " + ", ".join(f"{name} — {n}" for name, n in sorted(report.updated.items())))
        if not report.created and not report.updated:
            self.stdout.write("Демонстрационные данные уже загружены, изменений нет.")
        self.stdout.write(f"Учётные записи (пароль «{DEMO_PASSWORD}»):")
        for username, role, municipality in report.accounts:
            self.stdout.write(f"  {username:<18} {role:<28} {municipality}")
