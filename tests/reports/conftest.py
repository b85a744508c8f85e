"""Orders of the cast ready for signing, and the poppler tools the PDF checks use."""

import datetime
import re
import shutil
import subprocess

import pytest

from reports.models import Order, OrderAppendix, OrderPoint
from roadmaps.models import Plan

from .. import factories as f

POPPLER = {name: shutil.which(name) for name in ("pdftotext", "pdfinfo", "pdffonts", "pdftoppm")}


def poppler(name, *args) -> str:
    if not POPPLER[name]:
        pytest.skip(f"{name} не установлен (poppler-utils): проверка PDF пропущена")
    return subprocess.run([POPPLER[name], *args], check=True, capture_output=True, text=name != "pdftoppm").stdout


def squash(text: str) -> str:
    """Whitespace, line breaks and hyphenation do not count: only the characters in order."""
    return re.sub(r"[\s\-\u00ad\u2010\u2011]+", "", text)


@pytest.fixture
def ready_order(cast):
    """A draft order of municipality A that approves a new edition of the cast's plan."""
    edition = f.PlanFactory(municipality=cast.muni, title="Дорожная карта в новой редакции", status=Plan.Status.DRAFT, replaces=cast.plan)
    section = f.PlanSectionFactory(plan=edition, number="1.", title="Мероприятия по повышению образовательных результатов")
    f.ActivityFactory(section=section, number="1.1", content="Мониторинг текущей успеваемости по предметам, входящим в ГИА")
    order = cast.order
    order.number = "12"
    order.date = datetime.date(2025, 3, 28)
    order.preamble = "В соответствии с распоряжением министерства образования"
    order.approval_kind = Order.ApprovalKind.APPROVE
    order.approval_position = "Председатель Комитета"
    order.approval_name = "Т.И. Буц"
    order.save()
    OrderPoint.objects.create(order=order, number=1, text="Утвердить дорожную карту (приложение).")
    OrderPoint.objects.create(
        order=order, number=2, text="Руководителям ОО скорректировать планы работы.", responsible_text="Руководители ОО",
        due_date=datetime.date(2025, 5, 1),
    )
    OrderAppendix.objects.create(order=order, position=1, kind=OrderAppendix.Kind.PLAN, plan=edition, title=edition.title)
    order.edition = edition
    return order


@pytest.fixture(autouse=True)
def eager_celery(settings):
    """The report tasks run in-process here: with REDIS_URL set (CI) no worker would take them."""
    from schnor_portal.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    yield
    app.conf.task_always_eager = previous
