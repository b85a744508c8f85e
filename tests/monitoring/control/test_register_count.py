"""The register's count is kept per municipality and follows every change of its points."""

import pytest
from django.db.models import F
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from monitoring.control import workflow
from tests import factories as f

URL = reverse("monitoring:register")


def _count_queries(queries):
    return [q for q in queries if "COUNT(" in q["sql"] and 'FROM "monitoring_controlpoint"' in q["sql"]]


def _found(client, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params or {})
    return response.context["page"].paginator.count, _count_queries(queries.captured_queries)


def test_a_second_view_does_not_count_again(coordinator, client):
    first, counted = _found(client)
    assert first == 3 and len(counted) == 1
    again, counted = _found(client)
    assert again == 3 and counted == []


def test_a_report_changes_the_filtered_count_at_once(coordinator, client):
    cast = coordinator
    submitted = {"status": "submitted"}
    assert _found(client, submitted)[0] == 0
    cp = workflow.control_point_report(
        control_point=cast.cp_a, user=cast.director_a, version=cast.cp_a.version, report_text="Проведено заседание ШМО"
    )
    workflow.control_point_submit(control_point=cp, user=cast.director_a, version=cp.version)
    assert _found(client, submitted)[0] == 1
    # Another filter is another count; the order and the page are not filters.
    assert _found(client, {"status": "planned"})[0] == 2
    assert _found(client, {**submitted, "sort": "school", "page": "1"}) == (1, [])


def test_new_and_deleted_points_show_in_the_count(coordinator, client):
    cast = coordinator
    assert _found(client)[0] == 3
    extra = f.ControlPointFactory(activity=cast.activity, school=cast.school_b)
    assert _found(client)[0] == 4
    extra.delete()
    assert _found(client)[0] == 3


def test_a_region_counts_only_the_municipality_that_changed(cast, client):
    neighbour = f.MunicipalityFactory(region=cast.muni.region, name="Соседний муниципальный район")
    f.ControlPointFactory(
        activity=f.ActivityFactory(section=f.PlanSectionFactory(plan=f.PlanFactory(municipality=neighbour))),
        school=f.SchoolFactory(municipality=neighbour),
    )
    client.force_login(cast.region_viewer)
    total, _ = _found(client)
    assert total == 4  # the cast's three and the neighbour's one; the other region's point is not seen
    workflow.control_point_cancel(
        control_point=cast.cp_muni, user=cast.coordinator, version=cast.cp_muni.version, reason="Не требуется"
    )
    total, counted = _found(client, {"status": "planned"})
    assert total == 3
    total, counted = _found(client)
    assert total == 4  # cancelled points stay in the unfiltered register
    workflow.control_point_cancel(
        control_point=cast.cp_a, user=cast.coordinator, version=cast.cp_a.version, reason="Объединено"
    )
    total, counted = _found(client, {"status": "planned"})
    assert total == 2
    # Of the region's municipalities one moved, and of its units one school.
    (query,) = counted
    assert f"school_id IN ({cast.school_a.pk})" in query["sql"].replace('"', "")
    assert "IS NULL" not in query["sql"]


def test_a_curators_register_is_counted_as_their_own(cast, client):
    client.force_login(cast.curator)
    total, counted = _found(client)
    assert total == 1 and len(counted) == 1
    assert _found(client)[1], "a curator's count is not taken from the municipality's cache"


@pytest.mark.parametrize("sort", ["school", "-school"])
def test_a_register_sorted_by_school_pages_as_the_plain_sort(cast, client, monkeypatch, sort):
    """Pages picked from the per-school counts hold exactly the rows the database's sort gives:
    across schools and municipalities, the municipalities' own points, two schools of one name
    (in two municipalities of the region), every page."""
    from monitoring.control.views import dashboard as views
    from monitoring.models import ControlPoint

    monkeypatch.setattr(views, "PER_PAGE", 4)
    neighbour = f.MunicipalityFactory(region=cast.muni.region, name="Соседний муниципальный район")
    twin = f.SchoolFactory(municipality=neighbour, short_name=cast.school_a.short_name)
    for school in (cast.school_a, cast.school_b, twin, None, None, cast.school_b):
        for _ in range(2):
            f.ControlPointFactory(activity=cast.activity, school=school)
    client.force_login(cast.region_viewer)
    first = client.get(URL, {"sort": sort})
    paginator = first.context["page"].paginator
    shown = []
    for number in range(1, paginator.num_pages + 1):
        shown += [cp.pk for cp in client.get(URL, {"sort": sort, "page": number}).context["points"]]
    name = F("school__short_name")
    school = F("school")
    expected_order = (
        [name.asc(nulls_first=True), school.asc(nulls_first=True)]
        if sort == "school"
        else [name.desc(nulls_last=True), school.desc(nulls_last=True)]
    )
    expected = list(
        ControlPoint.objects.filter(municipality__region=cast.muni.region).order_by(*expected_order, "due_date", "pk").values_list("pk", flat=True)
    )
    assert paginator.count == len(expected) == 15
    assert shown == expected
    # A page past the end is the last one, as everywhere in the portal.
    assert [cp.pk for cp in client.get(URL, {"sort": sort, "page": 99}).context["points"]] == expected[12:]


def test_the_beat_counts_the_registers_most_opened_filters_ahead(cast, client):
    """After the warming task the unfiltered register and the register behind each figure of the
    dashboards count nothing — the coordinator's in the municipality's zone, the region's in the
    zone most of its municipalities keep — and find what a fresh count finds."""
    import datetime

    from django.core.cache import cache
    from django.utils import timezone

    from monitoring.control.counts import WARM_QUERIES
    from monitoring.tasks import warm_dashboard_sums_task
    from tests.monitoring.conftest import set_state

    today = timezone.localdate()
    set_state(cast.cp_a, due_date=today - datetime.timedelta(days=3))
    set_state(cast.cp_b, status="done", due_date=today - datetime.timedelta(days=10), completed_at=timezone.now())
    set_state(cast.cp_muni, status="submitted", needs_decision=True, original_due_date=cast.cp_muni.due_date - datetime.timedelta(days=30))
    # The municipality keeps its own zone; the region reads in the zone of most of its municipalities.
    type(cast.muni).objects.filter(pk=cast.muni.pk).update(time_zone="Asia/Omsk")
    for name in ("Соседний район", "Дальний район"):
        f.MunicipalityFactory(region=cast.muni.region, name=name, time_zone="Europe/Moscow")

    assert warm_dashboard_sums_task() == 4
    warm = {}
    for user in (cast.coordinator, cast.region_viewer):
        client.force_login(user)
        for query in WARM_QUERIES:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(f"{URL}?{query}")
            assert _count_queries(queries.captured_queries) == [], (user.username, query)
            warm[user.username, query] = response.context["page"].paginator.count
    assert len(set(warm.values())) >= 4, "the cast's points fall into different figures"

    cache.clear()
    for user in (cast.coordinator, cast.region_viewer):
        client.force_login(user)
        for query in WARM_QUERIES:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(f"{URL}?{query}")
            assert _count_queries(queries.captured_queries), (user.username, query)
            assert response.context["page"].paginator.count == warm[user.username, query], (user.username, query)


def test_every_filter_the_beat_counts_is_one_the_register_understands(db):
    from django.contrib.auth.models import AnonymousUser
    from django.http import QueryDict

    from monitoring.control.counts import WARM_QUERIES
    from monitoring.control.filters import ControlPointFilter
    from monitoring.models import ControlPoint

    for query in WARM_QUERIES:
        filterset = ControlPointFilter(QueryDict(query), queryset=ControlPoint.objects.all(), user=AnonymousUser())
        assert filterset.is_valid(), (query, filterset.errors)


def test_a_report_recounts_its_school_alone(coordinator, client):
    """A municipality whose stamp moved is put together from its schools' kept counts: only the
    school that changed is counted again, and the figure is the one a fresh count gives."""
    from django.core.cache import cache

    cast = coordinator
    f.ControlPointFactory(activity=cast.activity, school=cast.school_b, status="submitted")
    submitted = {"status": "submitted"}
    assert _found(client, submitted)[0] == 1
    cp = workflow.control_point_report(
        control_point=cast.cp_a, user=cast.director_a, version=cast.cp_a.version, report_text="Проведено заседание ШМО"
    )
    workflow.control_point_submit(control_point=cp, user=cast.director_a, version=cp.version)
    total, (query,) = _found(client, submitted)
    assert total == 2
    sql = query["sql"].replace('"', "")
    assert f"school_id IN ({cast.school_a.pk})" in sql and "IS NULL" not in sql
    cache.clear()
    assert _found(client, submitted)[0] == 2
