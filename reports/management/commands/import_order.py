"""python manage.py import_order FILE.docx [--json] [--municipality NAME --save]"""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reports.importers import OrderFileError
from reports.order_import import order_file_parse, order_import
from reports.management.commands.print_order import find_municipality


class Command(BaseCommand):
    help = (
        "Читает весь приказ (распоряжение, постановление) из документа Word (.docx): шапку, вид, номер, "
        "дату, место, заголовок, преамбулу, пункты со сроками и исполнителями, подписанта, приложения "
        "(план, рабочая группа, список школ) и отметки «признать утратившим силу». С --json ничего не "
        "сохраняет и печатает один объект JSON. С --municipality и --save сохраняет проект приказа со всеми "
        "пунктами и приложениями, черновики планов, рабочую группу и её людей в одной транзакции; "
        "подписывает приказ председатель в портале. Без них печатает сводку."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="путь к документу .docx")
        parser.add_argument("--json", action="store_true", help="напечатать разобранный приказ как JSON, не сохраняя")
        parser.add_argument("--municipality", help="муниципалитет: название или его однозначная часть")
        parser.add_argument("--save", action="store_true", help="сохранить проект приказа (нужен --municipality)")

    def handle(self, *args, file, **options):
        data = self._read(file)
        try:
            parsed = order_file_parse(data=data)
        except OrderFileError as error:
            raise CommandError(f"{Path(file).name}: {error}") from None
        if options["json"]:
            if options["save"]:
                self.stderr.write("С --json приказ только читается: --save не используется, ничего не сохранено.")
            self.stdout.write(json.dumps(parsed.contract(), ensure_ascii=False))
            return
        if options["save"]:
            if not options["municipality"]:
                raise CommandError("Чтобы сохранить приказ, укажите --municipality.")
            self._save(parsed, find_municipality(options["municipality"]))
            return
        self._summary(file, parsed)

    def _read(self, file):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"Файл не найден: {file}")
        if not path.is_file():
            raise CommandError(f"Это не файл: {file}")
        try:
            return path.read_bytes()
        except OSError as error:
            raise CommandError(f"Не удалось прочитать файл {file}: {error.strerror or error}") from None

    def _save(self, parsed, municipality):
        try:
            result = order_import(municipality=municipality, parsed=parsed)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        order = result.order
        self.stdout.write(f"Создан проект документа № {order.pk}: {order} — «{order.title[:100]}» ({municipality.name}).")
        self.stdout.write(
            f"Пунктов: {order.points.count()} (на контроле: {result.controlled_points}), приложений: "
            f"{order.appendices.count()}, планов-черновиков: {len(result.plans)}, рабочих групп: "
            f"{len(result.working_groups)} (новых людей: {result.people_created}), школ из списка: {len(result.schools_matched)}."
        )
        self.stdout.write("Документ остаётся проектом: подписывает его председатель в портале.")
        self._warnings(parsed.warnings + result.warnings)

    def _summary(self, file, parsed):
        contract = parsed.contract()
        self.stdout.write(f"Файл: {Path(file).name}")
        self.stdout.write(
            f"{(contract['kind'] or 'документ').capitalize()} от {contract['date'] or '—'} № {contract['number'] or '—'}"
            f"{', ' + contract['place'] if contract['place'] else ''}: {contract['title'] or '(заголовок не найден)'}"
        )
        self.stdout.write(f"Пунктов: {len(parsed.points)}, подписант: {parsed.signatory_position} {parsed.signatory_name}".rstrip())
        for appendix in parsed.appendices:
            what = {"plan": "план", "working_group": "рабочая группа", "schools": "список школ"}.get(appendix.kind, "текст")
            self.stdout.write(f"  Приложение {appendix.number or ''} ({what}): {appendix.title[:100]}".replace("  (", " ("))
        self._warnings(parsed.warnings)
        self.stdout.write("Ничего не сохранено. Чтобы сохранить проект, добавьте --municipality и --save; JSON — --json.")

    def _warnings(self, warnings):
        if warnings:
            self.stdout.write(f"Предупреждения ({len(warnings)}):")
            for warning in warnings:
                self.stdout.write(f"  - {warning}")
