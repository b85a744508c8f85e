"""python manage.py seed_scale --municipalities 40 --schools 30 --years 3 → a region for load tests."""

import datetime
import sys
import time
import zoneinfo

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from schnor_portal.scale.guard import real_data_summary, seed_flush, seed_present
from schnor_portal.scale.progress import Progress
from schnor_portal.scale.region import SEED_REGION_NAME
from schnor_portal.scale.seed import region_seed
from schnor_portal.scale.spec import TIME_ZONE, SeedSpec

DEFAULT_PASSWORD = "scale-demo"


def _positive(name, low, high):
    def parse(value):
        try:
            number = int(value)
        except ValueError:
            raise CommandError(f"{name}: нужно целое число, получено «{value}».") from None
        if not low <= number <= high:
            raise CommandError(f"{name}: от {low} до {high}, получено {number}.")
        return number

    return parse


def _day(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today: нужна дата ГГГГ-ММ-ДД, получено «{value}».") from None


class Command(BaseCommand):
    help = (
        "Строит нагрузочные данные области: муниципалитеты со школами, списками по годам, людьми всех ролей, "
        "утверждённым планом (~100 мероприятий) и контрольными точками во всех статусах с отчётами, "
        "комментариями, документами и историей; результаты ОГЭ и ЕГЭ каждой школы. С одним и тем же --seed "
        f"(и --today) данные одинаковы. Всё лежит в регионе «{SEED_REGION_NAME}». Отказывается работать на базе "
        "с рабочими данными без --force; повторный запуск — с --flush."
    )

    def add_arguments(self, parser):
        parser.add_argument("--municipalities", type=_positive("--municipalities", 1, 500), default=40)
        parser.add_argument("--schools", type=_positive("--schools", 1, 200), default=30, help="школ в муниципалитете")
        parser.add_argument("--years", type=_positive("--years", 1, 10), default=3, help="лет плана и списков")
        parser.add_argument("--seed", type=int, default=1, help="зерно генератора (по умолчанию 1)")
        parser.add_argument("--today", type=_day, help="«сегодня» для статусов точек, ГГГГ-ММ-ДД (по умолчанию — сегодня)")
        parser.add_argument(
            "--password", default=DEFAULT_PASSWORD, help=f"пароль всех учётных записей (по умолчанию {DEFAULT_PASSWORD})"
        )
        parser.add_argument("--flush", action="store_true", help="удалить прежние нагрузочные данные и построить заново")
        parser.add_argument("--force", action="store_true", help="работать, даже если в базе есть рабочие данные")
        parser.add_argument("--no-progress", action="store_true", help="без строки хода работы")

    def handle(self, *args, **options):
        show = not options["no_progress"] and options["verbosity"] > 0
        real = real_data_summary()
        if real and not options["force"]:
            raise CommandError(
                "В базе есть рабочие (не нагрузочные) данные: " + "; ".join(real) + ". Нагрузочные данные строятся "
                "в отдельной базе (например, DATABASE_URL=postgres://…/schnor_bench). Если вы уверены, добавьте --force."
            )
        if seed_present():
            if not options["flush"]:
                raise CommandError(
                    f"Нагрузочные данные уже построены (регион «{SEED_REGION_NAME}»). "
                    "Чтобы построить их заново, запустите с --flush."
                )
            started = time.monotonic()
            removed = seed_flush(lambda total: Progress(total, "Удаление прежних данных", stream=sys.stderr, enabled=show))
            seconds = time.monotonic() - started
            self.stdout.write(f"Прежние нагрузочные данные удалены ({removed} контрольных точек) за {seconds:.0f} с.")

        today = options["today"] or timezone.localdate(timezone=zoneinfo.ZoneInfo(TIME_ZONE))
        spec = SeedSpec(
            municipalities=options["municipalities"],
            schools=options["schools"],
            years=options["years"],
            seed=options["seed"],
            today=today,
            # One hash for every account: hashing a thousand passwords would take minutes.
            password_hash=make_password(options["password"]),
        )
        counts = region_seed(spec, stream=sys.stderr, show_progress=show)
        labels = (
            ("municipalities", "муниципалитетов"), ("schools", "школ"), ("activities", "мероприятий"),
            ("control_points", "контрольных точек"), ("control_point_history", "записей истории точек"),
            ("comments", "комментариев"), ("evidence", "документов"), ("due_date_requests", "запросов на перенос"),
            ("notifications", "уведомлений"), ("exam_results", "результатов ОГЭ/ЕГЭ"), ("accounts", "учётных записей"),
        )
        self.stdout.write(
            f"Готово за {counts['seconds']:.0f} с: " + ", ".join(f"{label} {counts.get(key, 0)}" for key, label in labels) + "."
        )
        first = f"m{1:0{spec.username_width}d}"
        self.stdout.write(
            f"План: {spec.plan_start:%d.%m.%Y}–{spec.plan_end:%d.%m.%Y}, «сегодня» {spec.today:%d.%m.%Y}. "
            f"Вход: {first}_coordinator, {first}_chair, {first}_curator1, {first}_director01, "
            f"m{0:0{spec.username_width}d}_region (число — номер муниципалитета), пароль «{options['password']}»."
        )
