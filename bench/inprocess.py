"""Timings inside one Python process (no HTTP): the order PDF, the .docx import preview, the deadline engine.

Each runs against the bench database as the portal would, inside a transaction that is rolled
back, so a run leaves nothing behind. Times are the median of a few runs, after one warm-up
(imports, font loading, template compilation are paid once by a server, not per document).
"""

import datetime
import re
import statistics
import time

from django.db import transaction
from django.test import Client
from django.urls import reverse

ORDER_ROWS = 150
IMPORT_ROWS = 200
RUNS = 3


def _median_seconds(action, runs=RUNS) -> float:
    action()  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 2)


class _Rollback(Exception):
    pass


def order_pdf_seconds(municipality) -> tuple[float, int]:
    """A draft order whose appendix is a plan of 150 rows in sections of ten, printed to PDF."""
    from reports.models import Order, OrderAppendix, OrderPoint
    from reports.pdf import render_order_pdf
    from roadmaps.models import Activity, Plan, PlanSection
    from schnor_portal.scale.plan_shape import SCHOOL_PHRASES, activity_pool

    school_rows, _ = activity_pool()
    result = {}
    try:
        with transaction.atomic():
            plan = Plan.objects.create(
                municipality=municipality,
                title=f"Дорожная карта на {datetime.date.today().year} год (проверка печати, {ORDER_ROWS} строк)",
                period_start=datetime.date(datetime.date.today().year, 1, 1),
                period_end=datetime.date(datetime.date.today().year, 12, 31),
            )
            for s in range(ORDER_ROWS // 10):
                section = PlanSection.objects.create(
                    plan=plan, position=s + 1, number=f"{s + 1}.", title=f"Раздел плана № {s + 1}"
                )
                Activity.objects.bulk_create(
                    Activity(
                        section=section,
                        position=a + 1,
                        number=f"{s + 1}.{a + 1}",
                        content=row.content,
                        deadline_text=SCHOOL_PHRASES[(s * 10 + a) % len(SCHOOL_PHRASES)],
                        executors_text=row.executors_text,
                        expected_result=row.expected_result,
                    )
                    for a, row in enumerate(school_rows[s * 10 % len(school_rows):][:10])
                )
            order = Order.objects.create(
                municipality=municipality,
                header=municipality.authority_header,
                number="150",
                date=datetime.date.today(),
                place=municipality.place,
                title="Об утверждении дорожной карты",
                preamble="В целях повышения качества образования в школах с низкими образовательными результатами",
                signatory_position="Председатель Комитета по образованию",
                signatory_name="И.И. Иванова",
            )
            OrderPoint.objects.create(order=order, number=1, text="Утвердить дорожную карту (приложение).")
            OrderAppendix.objects.create(order=order, position=1, kind=OrderAppendix.Kind.PLAN, plan=plan, title=plan.title)
            pdf = {}
            result["seconds"] = _median_seconds(lambda: pdf.update(bytes=render_order_pdf(order)))
            result["pages"] = pdf["bytes"].count(b"/Type /Page\n") or pdf["bytes"].count(b"/Type/Page")
            raise _Rollback
    except _Rollback:
        pass
    return result["seconds"], result["pages"]


def import_preview_seconds(coordinator) -> tuple[float, int]:
    """The coordinator uploads a 200-row .docx plan and gets the preview page (parse + render)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.roadmaps.docx_builders import big_plan_docx

    data = big_plan_docx(IMPORT_ROWS)
    client = Client()
    client.force_login(coordinator)
    url = reverse("roadmaps:plan_import")
    year = datetime.date.today().year
    status = {}

    def preview():
        response = client.post(
            url,
            {
                "file": SimpleUploadedFile("plan.docx", data),
                "kind": "roadmap",
                "title": "",
                "period_start": f"01.01.{year}",
                "period_end": f"31.12.{year}",
            },
        )
        status["code"] = response.status_code
        found = re.search(r"мероприятий: <strong>(\d+)</strong>", response.content.decode())
        status["rows"] = int(found.group(1)) if found else 0

    seconds = _median_seconds(preview)
    if status["code"] != 200:
        raise RuntimeError(f"предпросмотр импорта вернул {status['code']}")
    return seconds, status["rows"]


def deadline_phrases_per_second(duration=3.0) -> tuple[int, int]:
    """Phrases the engine reads per second over every deadline of the demo plans and the seed's phrases."""
    import json

    from roadmaps.deadlines import parse_deadline
    from schnor_portal.scale.plan_shape import CLUSTER_PHRASES, DEMO_DATA, DEMO_FILES, MUNICIPAL_PHRASES, SCHOOL_PHRASES

    def walk(sections):
        for section in sections:
            yield section
            yield from walk(section.get("children", []))

    phrases = list(SCHOOL_PHRASES + CLUSTER_PHRASES) + [p.format(y0=2025, y1=2026, y2=2027) for p in MUNICIPAL_PHRASES]
    for name in DEMO_FILES:
        data = json.loads((DEMO_DATA / name).read_text(encoding="utf-8"))
        for plan in data["plans"]:
            phrases.extend(a["deadline"] for s in walk(plan.get("sections", [])) for a in s.get("activities", []))
    periods = [
        (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)),
        (datetime.date(2023, 1, 1), datetime.date(2024, 12, 31)),
        (datetime.date(2025, 1, 1), datetime.date(2027, 12, 31)),
    ]
    count = 0
    started = time.perf_counter()
    while time.perf_counter() - started < duration:
        for text in phrases:
            for start, end in periods:
                parse_deadline(text, start, end)
                count += 1
    return round(count / (time.perf_counter() - started)), len(phrases)
