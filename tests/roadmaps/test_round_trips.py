"""Round trips: a plan exported to Excel or Word and imported back by the portal's own importer is
the same plan — sections with their nesting and numbers, tasks and indicators, every activity's
number, content, deadline, executors with their levels, result and target, and the column layout.

For every demo plan with a table, and for a 3-level plan and a cluster-table plan built here.
"""

import re

import pytest

from clusters.models import Cluster
from roadmaps.docx_export import plan_docx
from roadmaps.executors import split_executors
from roadmaps.exports import plan_workbook
from roadmaps.import_services import plan_file_parse, plan_import
from roadmaps.layout import plan_layout
from roadmaps.models import Activity, Plan
from roadmaps.selectors import plan_table
from roadmaps.targets import parse_target
from schnor_portal.demo.loader import load_demo
from tests import factories as f

R, M, S = "region", "municipality", "school"
EXPORTS = {"xlsx": plan_workbook, "docx": plan_docx}


def _norm(text):
    return re.sub(r"\s+", " ", text or "").strip()


def plan_structure(plan: Plan) -> dict:
    """A saved plan as a comparable dict: what a round trip must keep, nothing that it may renumber (keys)."""
    sections = list(plan.sections.select_related("cluster").order_by("position"))
    index = {s.pk: i for i, s in enumerate(sections)}
    activities = {}
    for a in Activity.objects.filter(section__plan=plan).prefetch_related("executor_set").order_by("position"):
        activities.setdefault(a.section_id, []).append(a)
    return {
        "columns": [c.to_dict() for c in plan_layout(plan)],
        "sections": [
            {
                "number": s.number,
                "title": _norm(s.title),
                "parent": index.get(s.parent_id),
                "tasks": _norm(s.tasks),
                "indicators": _norm(s.indicators),
                "cluster": s.cluster.number if s.cluster_id else None,
                "activities": [
                    {
                        "number": a.number,
                        "content": _norm(a.content),
                        "deadline": _norm(a.deadline_text),
                        "result": _norm(a.expected_result),
                        "target": (a.target_comparator, a.target_value, a.target_unit),
                        "executors": [(e.level, e.kind, e.name) for e in sorted(a.executor_set.all(), key=lambda e: e.position)],
                    }
                    for a in activities.get(s.pk, [])
                ],
            }
            for s in sections
        ],
    }


def round_trip(plan: Plan, fmt: str) -> Plan:
    data = EXPORTS[fmt](plan=plan, rows=plan_table(plan=plan))
    parsed = plan_file_parse(data=data, period_start=plan.period_start, period_end=plan.period_end)
    assert _norm(parsed.title) == _norm(plan.title), fmt
    return plan_import(
        municipality=plan.municipality, title=plan.title, kind=plan.kind,
        start=plan.period_start, end=plan.period_end, parsed=parsed,
    ).plan


def assert_same(original: Plan, copy: Plan, fmt: str):
    before, after = plan_structure(original), plan_structure(copy)
    assert after["columns"] == before["columns"], fmt
    assert len(after["sections"]) == len(before["sections"]), (fmt, [s["title"][:40] for s in after["sections"]])
    for old, new in zip(before["sections"], after["sections"]):
        assert {k: v for k, v in new.items() if k != "activities"} == {k: v for k, v in old.items() if k != "activities"}, fmt
        assert len(new["activities"]) == len(old["activities"]), (fmt, old["title"])
        for a, b in zip(old["activities"], new["activities"]):
            assert b == a, (fmt, old["title"], a["number"])


@pytest.mark.parametrize("fmt", sorted(EXPORTS))
def test_every_demo_plan_comes_back_the_same(db, fmt):
    load_demo()
    plans = [p for p in Plan.objects.order_by("pk") if Activity.objects.filter(section__plan=p).exists()]
    # At least the Omsk clusters, the Uglegorsk parts and the Yakovlevsky schedule (and any edition of them).
    assert len(plans) >= 3
    for plan in plans:
        assert_same(plan, round_trip(plan, fmt), fmt)


THREE_LEVELS = [
    {"key": "number", "heading": "№ п/п", "group": ""},
    {"key": "content", "heading": "Наименование мероприятия", "group": ""},
    {"key": "deadline", "heading": "Сроки реализации", "group": ""},
    {"key": "executors_region", "heading": "Регион", "group": "Ответственные"},
    {"key": "executors_municipality", "heading": "Район", "group": "Ответственные"},
    {"key": "executors_school", "heading": "ОО", "group": "Ответственные"},
    {"key": "result", "heading": "Планируемый результат", "group": ""},
]


def _activity(section, position, number, content, deadline, result, executors):
    target = parse_target(result)
    activity = Activity.objects.create(
        section=section, position=position, number=number, content=content, deadline_text=deadline,
        expected_result=result, executors_text="",
        target_comparator=target.comparator if target else "", target_value=target.value if target else None,
        target_unit=target.unit if target else "",
    )
    for i, (level, kind, name) in enumerate(executors, start=1):
        activity.executor_set.create(position=i, level=level, kind=kind, name=name)
    return activity


@pytest.fixture
def three_level_plan(db):
    plan = f.PlanFactory(
        status=Plan.Status.DRAFT, columns=THREE_LEVELS, title="Программа адресной поддержки ШНОР на 2025 год",
        kind=Plan.Kind.SUPPORT_PROGRAMME,
    )
    first = f.PlanSectionFactory(
        plan=plan, position=1, number="1.", title="Диагностика и анализ результатов",
        tasks="Выявить дефициты ОО\nСоставить рисковые профили", indicators="Доля ОО с рисковым профилем — 100 %",
    )
    second = f.PlanSectionFactory(plan=plan, position=2, number="2.", title="Методическое сопровождение")
    nested = f.PlanSectionFactory(plan=plan, position=3, number="2.2", title="Повышение квалификации", parent=second)
    rows = [
        (first, "1.1", "Анализ результатов ВПР и ОГЭ", "07.02.2025-14.02.2025", "Аналитическая справка",
         [(R, "organisation", "ГАУ ДПО ПК ИРО"), (M, "role", "Муниципальный координатор"), (S, "role", "Руководители ШНОР")]),
        (first, "1.2", "Составление рисковых профилей\nи программ перехода в эффективный режим", "Март – апрель 2025 г",
         "Не менее 20 % ОО вышли из зоны риска",
         [(M, "role", "Муниципальный координатор"), (M, "role", "кураторы"), (S, "role", "Директор ШНОР")]),
        (first, "1.3", "заседание рабочей группы по итогам мониторинга,", "Ежеквартально, не позднее 25 числа последнего месяца квартала",
         "Протокол", [(M, "organisation", "Комитет по образованию")]),
        (first, "1.4", "Мониторинг сайтов ОО", "В течение года", "", []),
        (second, "2.1", "Курсы повышения квалификации для учителей математики", "Октябрь 2025",
         "100 % педагогов прошли курсы", [(R, "organisation", "ЦНППМ"), (S, "role", "Учителя математики")]),
        (nested, "2.2.1", "Стажировки на базе школ-партнёров", "Сентябрь - декабрь 2025г",
         "Не менее 4 стажировок в год", [(R, "role", "Региональный координатор"), (S, "role", "Заместители директоров по УВР")]),
        (nested, "2.2.2", "(по отдельному графику) Методические семинары", "По отдельному графику",
         "Проведено не менее 6 семинаров", [(M, "organisation", "МКУ «ИМЦ»")]),
    ]
    counters = {}
    for section, number, content, deadline, result, executors in rows:
        counters[section.pk] = counters.get(section.pk, 0) + 1
        _activity(section, counters[section.pk], number, content, deadline, result, executors)
    return plan


@pytest.fixture
def cluster_plan(db):
    plan = f.PlanFactory(
        status=Plan.Status.DRAFT, result_before_executors=True,
        title="Муниципальный план («дорожная карта») по работе со школами с низкими результатами на 2025 год",
    )
    for number, name, contents in (
        (1, "общеобразовательные организации, демонстрирующие положительную динамику", ["Обмен опытом", "Тьюторское сопровождение"]),
        (2, "ОО, впервые показавшие низкие образовательные результаты", ["Диагностика профессиональных дефицитов", "Наставничество"]),
    ):
        cluster = Cluster.objects.create(plan=plan, number=number, name=name)
        section = f.PlanSectionFactory(
            plan=plan, position=number, number=str(number), title=f"{number} кластер - {name}", cluster=cluster,
            tasks="Сохранить положительную динамику" if number == 1 else "",
        )
        for position, content in enumerate(contents, start=1):
            text = "Руководители ШНОР, кураторы" if position == 1 else "Методист ИМО"
            activity = _activity(
                section, position, str(position), content, "Апрель-май 2025 г", "Не менее 90 % педагогов приняли участие", []
            )
            activity.executors_text = text
            activity.save()
            for i, e in enumerate(split_executors(text), start=1):
                activity.executor_set.create(position=i, level=e.level, kind=e.kind, name=e.name)
    return plan


@pytest.mark.parametrize("fmt", sorted(EXPORTS))
def test_a_three_level_plan_comes_back_with_its_levels(three_level_plan, fmt):
    copy = round_trip(three_level_plan, fmt)
    assert_same(three_level_plan, copy, fmt)
    assert copy.columns == THREE_LEVELS
    first = Activity.objects.get(section__plan=copy, number="1.1")
    # The text «как написано» of a 3-level row reads level by level, as the importer writes it.
    assert first.executors_text == "Регион: ГАУ ДПО ПК ИРО; Район: Муниципальный координатор; ОО: Руководители ШНОР"


@pytest.mark.parametrize("fmt", sorted(EXPORTS))
def test_a_cluster_table_plan_comes_back_with_its_clusters(cluster_plan, fmt):
    copy = round_trip(cluster_plan, fmt)
    assert_same(cluster_plan, copy, fmt)
    assert copy.result_before_executors
    assert sorted(copy.clusters.values_list("number", flat=True)) == [1, 2]


def test_the_structure_helper_sees_a_lost_level(three_level_plan):
    """The comparison is not blind: a level changed by hand is a difference."""
    before = plan_structure(three_level_plan)
    executor = Activity.objects.get(section__plan=three_level_plan, number="1.1").executor_set.get(position=1)
    executor.level = M
    executor.save()
    assert plan_structure(three_level_plan) != before


def test_the_plan_page_offers_the_docx_and_it_downloads_for_readers_only(cast, client):
    from django.urls import reverse

    url = reverse("roadmaps:plan_export_docx", args=[cast.plan.pk])
    client.force_login(cast.chair)
    page = client.get(reverse("roadmaps:plan_detail", args=[cast.plan.pk])).content.decode()
    assert f'href="{url}">Скачать .docx</a>' in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert ".docx" in response["Content-Disposition"]
    parsed = plan_file_parse(data=response.content)
    assert [a.content for s in parsed.sections for a in s.activities] == [cast.activity.content]
    client.force_login(cast.coordinator_other)
    assert client.get(url).status_code == 404
