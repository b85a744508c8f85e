"""python manage.py import_plan FILE [--json] [--municipality NAME --title TEXT --start DATE --end DATE]"""

import json
import re
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from roadmaps.import_services import plan_file_parse, plan_import
from roadmaps.importers import PlanFileError
from roadmaps.models import ExecutorLevel, Plan
from schools.models import Municipality

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
SAVE_OPTIONS = ("municipality", "title", "start", "end")


def _date(value, option):
    if _ISO_DATE.fullmatch(value or ""):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise CommandError(f"Неверная дата в {option}: «{value}». Нужна существующая дата в формате ГГГГ-ММ-ДД.")


def _municipality(name):
    """By its full name or a unique part of it, in any case (SQLite's LIKE folds ASCII only)."""
    wanted = " ".join(name.split()).casefold()
    all_ = list(Municipality.objects.order_by("name"))
    exact = [m for m in all_ if m.name.casefold() == wanted]
    found = exact or [m for m in all_ if wanted and wanted in m.name.casefold()]
    if len(found) == 1:
        return found[0]
    if not found:
        known = "; ".join(m.name for m in all_) or "в базе нет ни одного"
        raise CommandError(f"Муниципалитет «{name}» не найден. Есть: {known}.")
    raise CommandError(f"«{name}» подходит к нескольким муниципалитетам: {'; '.join(m.name for m in found)}. Уточните название.")


class Command(BaseCommand):
    help = (
        "Читает план (дорожную карту) из документа Word (.docx) или таблицы Excel (.xlsx). "
        "С --json ничего не сохраняет и печатает один объект JSON: разделы, мероприятия, предупреждения. "
        "С --municipality, --title, --start и --end сохраняет план черновиком со всеми разделами, "
        "мероприятиями и исполнителями и создаёт контрольные точки. Без них печатает сводку."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="путь к файлу .docx или .xlsx")
        parser.add_argument("--json", action="store_true", help="напечатать разобранный план как JSON, не сохраняя")
        parser.add_argument("--municipality", help="муниципалитет: название или его однозначная часть")
        parser.add_argument("--title", help="наименование плана")
        parser.add_argument("--start", help="начало периода плана, ГГГГ-ММ-ДД")
        parser.add_argument("--end", help="конец периода плана, ГГГГ-ММ-ДД")
        parser.add_argument(
            "--kind", default=Plan.Kind.ROADMAP, help=f"вид плана: {', '.join(Plan.Kind.values)} (по умолчанию roadmap)"
        )

    def handle(self, *args, file, **options):
        self.verbosity = int(options.get("verbosity", 1))
        start = _date(options["start"], "--start") if options["start"] is not None else None
        end = _date(options["end"], "--end") if options["end"] is not None else None
        if start and end and end < start:
            raise CommandError(f"Конец периода ({end}) раньше его начала ({start}).")
        if options["kind"] not in Plan.Kind.values:
            raise CommandError(f"Неизвестный вид плана «{options['kind']}». Возможны: {', '.join(Plan.Kind.values)}.")
        data = self._read(file)
        try:
            parsed = plan_file_parse(data=data, period_start=start, period_end=end)
        except PlanFileError as error:
            raise CommandError(f"{Path(file).name}: {error}") from None

        saving = [name for name in SAVE_OPTIONS if options[name] is not None]
        if options["json"]:
            if options["municipality"] is not None or options["title"] is not None:
                self.stderr.write("С --json план только читается: --municipality и --title не используются, план не сохранён.")
            self.stdout.write(json.dumps(parsed.contract(), ensure_ascii=False))
            return
        if options["municipality"] is not None or options["title"] is not None:
            missing = [f"--{name}" for name in SAVE_OPTIONS if name not in saving]
            if missing:
                raise CommandError(f"Чтобы сохранить план, укажите ещё {', '.join(missing)}.")
            self._save(file, parsed, options, start, end)
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

    def _save(self, file, parsed, options, start, end):
        municipality = _municipality(options["municipality"])
        title = options["title"].strip()
        if not title:
            raise CommandError("Наименование плана (--title) пустое.")
        try:
            result = plan_import(
                municipality=municipality, title=title, kind=options["kind"], start=start, end=end, parsed=parsed
            )
        except ValidationError as error:
            raise CommandError("План не сохранён: " + " ".join(error.messages)) from None
        plan = result.plan
        self.stdout.write(
            f"Создан черновик плана № {plan.pk}: «{plan.title}» ({municipality.name}, "
            f"{start:%d.%m.%Y} – {end:%d.%m.%Y})."
        )
        self.stdout.write(
            f"Разделов: {result.sections}, мероприятий: {result.activities}, исполнителей: {result.executors}, "
            f"кластеров: {result.clusters} (школ в них: {result.memberships}), контрольных точек: {result.control_points}."
        )
        if not result.control_points and plan.status == Plan.Status.DRAFT:
            self.stdout.write("Контрольные точки появятся, когда план будет утверждён.")
        self._warnings(parsed)

    def _summary(self, file, parsed):
        self.stdout.write(f"Файл: {Path(file).name}")
        if parsed.title:
            self.stdout.write(f"Заголовок в документе: {parsed.title}")
        self.stdout.write(f"Разделов: {len(parsed.sections)}, мероприятий: {parsed.activity_count}.")
        for index, section in enumerate(parsed.sections):
            indent = "  " * parsed.depth(index)
            name = section.title if section.number in section.title else f"{section.number} {section.title}".strip()
            count = f" — мероприятий: {len(section.activities)}" if section.activities else ""
            self.stdout.write(f"{indent}{name}{count}")
            if self.verbosity > 1:
                for a in section.activities:
                    executors = ", ".join(f"{e.name} ({ExecutorLevel(e.level).label})" for e in a.executors)
                    self.stdout.write(f"{indent}  {a.number} {a.content[:80]} | {a.deadline} | {executors}")
        self._warnings(parsed)
        self.stdout.write(
            "План не сохранён. Чтобы сохранить его черновиком, добавьте --municipality, --title, --start и --end."
        )

    def _warnings(self, parsed):
        if parsed.warnings:
            self.stdout.write(f"Предупреждения ({len(parsed.warnings)}):")
            for warning in parsed.warnings:
                self.stdout.write(f"  - {warning}")
