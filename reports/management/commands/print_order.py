"""Print an order to a PDF file: the bytes stored at signing, or a fresh rendering."""

import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.models import Order
from reports.pdf import render_order_pdf
from reports.services import order_verification, verification_for_code
from reports.verification_codes import group_code
from schools.models import Municipality


def _normalise(value: str) -> str:
    """Numbers are typed as printed or not quite: «229 -ра», «229-РА» and «229-ра» are one number."""
    return re.sub(r"\s+", "", value).casefold()


def _describe(order: Order) -> str:
    return f"  {order} — {order.municipality} — «{order.title[:70]}»"


def find_municipality(name: str) -> Municipality:
    wanted = name.strip().casefold()
    candidates = [m for m in Municipality.objects.order_by("name") if wanted in m.name.casefold()]
    exact = [m for m in candidates if m.name.casefold() == wanted]
    if len(exact) == 1:
        return exact[0]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        known = "\n".join(f"  {m.name}" for m in Municipality.objects.order_by("name"))
        raise CommandError(f"Муниципалитет «{name}» не найден. Есть:\n{known}")
    listed = "\n".join(f"  {m.name}" for m in candidates)
    raise CommandError(f"Под «{name}» подходят несколько муниципалитетов, уточните:\n{listed}")


def find_order(number: str, municipality: Municipality | None = None) -> Order:
    """The order whose number is `number` or, failing that, the one whose number starts with it."""
    orders = Order.objects.select_related("municipality").order_by("municipality__name", "-date", "pk")
    if municipality is not None:
        orders = orders.filter(municipality=municipality)
    orders = list(orders)
    wanted = _normalise(number)
    if not wanted:
        raise CommandError("Укажите номер документа: --number 87")
    exact = [o for o in orders if o.number and _normalise(o.number) == wanted]
    candidates = exact or [o for o in orders if o.number and _normalise(o.number).startswith(wanted)]
    if len(candidates) == 1:
        return candidates[0]
    where = f" в муниципалитете «{municipality.name}»" if municipality else ""
    if not candidates:
        known = "\n".join(_describe(o) for o in orders if o.number) or "  (документов с номером нет)"
        raise CommandError(f"Документ с номером «{number}»{where} не найден. Есть:\n{known}")
    listed = "\n".join(_describe(o) for o in candidates)
    hint = "" if municipality else " или укажите --municipality"
    raise CommandError(f"Номер «{number}»{where} подходит к нескольким документам — уточните номер{hint}:\n{listed}")


class Command(BaseCommand):
    help = (
        "Печатает приказ (распоряжение) в PDF. --number — номер как написан или его уникальное начало "
        "(«229» найдёт «229-ра»; точное совпадение важнее начала); --municipality — уникальная часть "
        "названия муниципалитета. У подписанного в портале документа записываются байты, сохранённые "
        "при подписании; иначе документ формируется заново. Для подписанного печатается код проверки и "
        "адрес его публичной страницы; документу, отмеченному подписанным вне портала, код выдаётся при первой печати."
    )

    def add_arguments(self, parser):
        parser.add_argument("--number", required=True, help="номер документа или его начало")
        parser.add_argument("--municipality", help="часть названия муниципалитета")
        parser.add_argument("-o", "--output", required=True, help="куда записать PDF")

    def handle(self, *args, **options):
        municipality = find_municipality(options["municipality"]) if options.get("municipality") else None
        order = find_order(options["number"], municipality)
        if order.is_signed and order.pdf:
            try:
                with order.pdf.open("rb") as handle:
                    data = handle.read()
            except FileNotFoundError:
                raise CommandError(f"Файл подписанного документа {order} не найден в хранилище: {order.pdf.name}")
            source = "сохранённый при подписании"
        else:
            verification = order_verification(order=order) if order.is_signed else None
            data = render_order_pdf(order, verification=verification)
            source = "сформирован заново" + ("" if order.is_signed else " (проект)")
        output = Path(options["output"])
        if output.parent and not output.parent.exists():
            output.parent.mkdir(parents=True)
        output.write_bytes(data)
        self.stdout.write(f"{order} ({order.municipality}): {output} — {len(data)} байт, {source}.")
        if order.verification_code:
            public = verification_for_code(order.verification_code)
            self.stdout.write(f"Код проверки: {group_code(order.verification_code)} — {public.url}")
