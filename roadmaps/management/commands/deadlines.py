"""python manage.py deadlines "TEXT" --start YYYY-MM-DD --end YYYY-MM-DD → one line of JSON."""

import json
import re
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from roadmaps.deadlines import parse_deadline

# date.fromisoformat also takes «20230101» and week dates; the contract is YYYY-MM-DD only.
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _period_date(value, option):
    if value is None:
        raise CommandError(f"Не указан параметр {option}: нужна дата в формате ГГГГ-ММ-ДД.")
    if _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise CommandError(f"Неверная дата в {option}: «{value}». Нужна существующая дата в формате ГГГГ-ММ-ДД.")


class Command(BaseCommand):
    help = (
        "Разбирает срок из плана в контексте периода плана и печатает одну строку JSON: "
        '{"kind": вид срока, "windows": [[начало или null, срок], ...]}.'
    )

    def add_arguments(self, parser):
        parser.add_argument("text", help="срок, как он записан в плане")
        # Not required at argparse level: its «required» error is English; ours is Russian.
        parser.add_argument("--start", help="начало периода плана, ГГГГ-ММ-ДД")
        parser.add_argument("--end", help="конец периода плана, ГГГГ-ММ-ДД")

    def handle(self, *args, text, start, end, **options):
        period_start = _period_date(start, "--start")
        period_end = _period_date(end, "--end")
        if period_end < period_start:
            raise CommandError(f"Конец периода ({period_end}) раньше его начала ({period_start}).")
        deadline = parse_deadline(text, period_start, period_end)
        payload = {
            "kind": deadline.kind,
            "windows": [[s.isoformat() if s else None, due.isoformat()] for s, due in deadline.windows],
        }
        self.stdout.write(json.dumps(payload, ensure_ascii=False))
