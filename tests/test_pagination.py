"""TailFastPaginator reads the second half from the end: every page must hold what Paginator's does."""

import datetime

import pytest
from django.core.paginator import Paginator
from django.db.models import F

from monitoring.models import ControlPoint
from schnor_portal.pagination import TailFastPaginator

from . import factories as f


@pytest.fixture
def points(db):
    activity = f.ActivityFactory()
    schools = [f.SchoolFactory(municipality=activity.section.plan.municipality) for _ in range(3)]
    # Equal dates and empty schools: the order is total only through the primary key at its end.
    for i in range(23):
        f.ControlPointFactory(
            activity=activity, school=schools[i % 3] if i % 4 else None, due_date=datetime.date(2025, 1, 1 + i % 5)
        )
    return ControlPoint.objects.all()


@pytest.mark.parametrize(
    "order",
    [
        ("due_date", "pk"),
        (F("school__short_name").asc(nulls_first=True), "due_date", "pk"),
        (F("school__short_name").desc(nulls_last=True), "-due_date", "-pk"),
    ],
)
@pytest.mark.parametrize("per_page,orphans", [(5, 0), (5, 2), (4, 0), (23, 0), (50, 0)])
def test_it_gives_every_page_the_rows_paginator_gives(points, order, per_page, orphans):
    queryset = points.order_by(*order)
    plain = Paginator(queryset, per_page, orphans=orphans)
    fast = TailFastPaginator(queryset, per_page, orphans=orphans)
    assert fast.num_pages == plain.num_pages
    for number in plain.page_range:
        page, expected = fast.page(number), plain.page(number)
        assert [cp.pk for cp in page] == [cp.pk for cp in expected], number
        assert (page.start_index(), page.end_index()) == (expected.start_index(), expected.end_index())


def test_the_last_page_is_read_backwards_with_a_small_offset(points, django_assert_num_queries):
    queryset = points.order_by("due_date", "pk")
    fast = TailFastPaginator(queryset, 5)
    fast.count  # noqa: B018 — the count is its own query
    with django_assert_num_queries(1) as captured:
        rows = list(fast.page(fast.num_pages))
    sql = captured.captured_queries[0]["sql"].upper()
    assert "DESC" in sql and "OFFSET" not in sql
    assert [cp.pk for cp in rows] == [cp.pk for cp in queryset][20:]
