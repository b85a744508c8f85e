"""The plan table's layout: the source's column order and headings, levels, empty columns."""

import pytest

from roadmaps import layout
from roadmaps.models import ActivityExecutor
from tests.factories import ActivityFactory, PlanFactory, PlanSectionFactory

pytestmark = pytest.mark.django_db

THREE_LEVELS = [
    {"key": "number", "heading": "№"},
    {"key": "content", "heading": "Мероприятие"},
    {"key": "executors_region", "heading": "Регион", "group": "Ответственные"},
    {"key": "executors_municipality", "heading": "Район", "group": "Ответственные"},
    {"key": "executors_school", "heading": "ОО", "group": "Ответственные"},
    {"key": "deadline", "heading": "Срок"},
    {"key": "result", "heading": "Результат"},
]


def _activity(plan, **fields):
    section = PlanSectionFactory(plan=plan)
    return ActivityFactory(section=section, **fields)


def test_default_layout_follows_result_before_executors():
    plain = layout.plan_layout(PlanFactory())
    assert [c.key for c in plain] == ["number", "content", "deadline", "executors", "result"]
    flipped = layout.plan_layout(PlanFactory(result_before_executors=True))
    assert [c.key for c in flipped] == ["number", "content", "deadline", "result", "executors"]


def test_stored_layout_keeps_source_order_and_headings():
    plan = PlanFactory(columns=THREE_LEVELS)
    columns = layout.plan_layout(plan)
    assert [c.key for c in columns] == [item["key"] for item in THREE_LEVELS]
    assert [c.heading for c in columns] == [item["heading"] for item in THREE_LEVELS]
    assert [c.level for c in columns if c.level] == ["region", "municipality", "school"]


def test_broken_stored_layout_is_repaired_not_trusted():
    plan = PlanFactory(columns=[{"key": "content", "heading": "Что"}, {"key": "content"}, {"key": "bogus"}, "x"])
    keys = [c.key for c in layout.plan_layout(plan)]
    assert keys.count("content") == 1
    assert "bogus" not in keys
    assert {"number", "deadline", "result", "executors"} <= set(keys)


def test_level_cells_are_the_executors_of_that_level():
    plan = PlanFactory(columns=THREE_LEVELS)
    activity = _activity(plan)
    for position, (level, name) in enumerate(
        [("region", "ИРО"), ("municipality", "Управление образования"), ("school", "Директор"), ("school", "Завуч")], 1
    ):
        ActivityExecutor.objects.create(activity=activity, position=position, level=level, kind="role", name=name)
    cells = {c.key: layout.cell_text(activity, c) for c in layout.plan_layout(plan)}
    assert cells["executors_region"] == "ИРО"
    assert cells["executors_municipality"] == "Управление образования"
    assert cells["executors_school"] == "Директор, Завуч"


def test_empty_columns_are_not_printed_but_number_and_content_are():
    plan = PlanFactory(columns=THREE_LEVELS)
    activity = _activity(plan, expected_result="", deadline_text="май", number="")
    ActivityExecutor.objects.create(activity=activity, position=1, level="school", kind="role", name="Директор")
    printed = [c.key for c in layout.printed_columns(plan, [activity])]
    assert printed == ["number", "content", "executors_school", "deadline"]


def test_header_has_two_rows_only_under_a_group():
    flat = layout.default_columns()
    assert len(layout.header_rows(flat)) == 1
    rows = layout.header_rows(layout.columns_from_data(THREE_LEVELS))
    top, bottom = rows
    assert [(getattr(cell, "key", cell), span, rowspan) for cell, span, rowspan in top] == [
        ("number", 1, 2),
        ("content", 1, 2),
        ("Ответственные", 3, 1),
        ("deadline", 1, 2),
        ("result", 1, 2),
    ]
    assert [cell.key for cell, _, _ in bottom] == ["executors_region", "executors_municipality", "executors_school"]
