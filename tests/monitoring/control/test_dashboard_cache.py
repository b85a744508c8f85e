"""The dashboard's counts are cached per school, and any change to one of its points shows at once."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from monitoring.control import dashboard as dashboard_figures
from monitoring.control import workflow
from monitoring.control.selectors import dashboard_for_user
from monitoring.models import ControlPoint
from roadmaps.models import ActivityExecutor
from tests import factories as f
from tests.monitoring.conftest import set_state

URL = "monitoring:dashboard"


def _counting(queries):
    """The one-pass count over the points: an aggregate grouped by school and activity."""
    return [q for q in queries if 'FROM "monitoring_controlpoint"' in q["sql"] and "GROUP BY" in q["sql"]]


def _views(client, n=2):
    views = []
    for _ in range(n):
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse(URL))
        views.append(queries.captured_queries)
    return views


def _totals(client):
    return client.get(reverse(URL)).context["d"].totals


def _record_cache_reads(monkeypatch) -> list:
    """The keys of each `get_many` the dashboard's sums make from now on, one list per call."""
    requested = []
    real_get_many = dashboard_figures.cache.get_many

    def recording(keys):
        requested.append(list(keys))
        return real_get_many(keys)

    monkeypatch.setattr(dashboard_figures.cache, "get_many", recording)
    return requested


def test_a_second_view_reads_the_counts_from_the_cache(coordinator, client):
    first, second = _views(client)
    assert len(_counting(first)) == 1 and not _counting(second)
    # Warm, the municipality's own stamp says nothing changed: its units' two stamps are not read,
    # nor its executors (kept with its sums).
    assert len(second) == len(first) - 4
    assert not [q for q in second if "roadmaps_activityexecutor" in q["sql"]]
    assert _totals(client)["total"] == 3


def test_a_report_sent_and_accepted_shows_on_the_next_view(coordinator, client):
    cast = coordinator
    before = _totals(client)
    cp = workflow.control_point_report(
        control_point=cast.cp_a, user=cast.director_a, version=cast.cp_a.version, report_text="Проведено заседание ШМО"
    )
    cp = workflow.control_point_submit(control_point=cp, user=cast.director_a, version=cp.version)
    submitted = _totals(client)
    assert submitted["submitted"] == before["submitted"] + 1
    workflow.control_point_accept(control_point=cp, user=cast.curator, version=cp.version)
    accepted = _totals(client)
    assert (accepted["submitted"], accepted["done"]) == (before["submitted"], before["done"] + 1)


def test_a_new_point_and_a_deleted_one_show_on_the_next_view(coordinator, client):
    cast = coordinator
    assert _totals(client)["total"] == 3
    extra = f.ControlPointFactory(activity=cast.activity, school=cast.school_b)
    assert _totals(client)["total"] == 4
    extra.delete()
    ControlPoint.objects.get(pk=cast.cp_b.pk).delete()
    assert _totals(client)["total"] == 2


def test_a_change_in_another_municipality_keeps_this_ones_counts(coordinator, client):
    cast = coordinator
    client.get(reverse(URL))
    workflow.control_point_cancel(
        control_point=cast.cp_other, user=cast.coordinator_other, version=cast.cp_other.version, reason="Объединено"
    )
    (view,) = _views(client, 1)
    assert not _counting(view)


def _recounted(monkeypatch):
    """The (school, municipality-level) units whose points the next views count afresh."""
    units = []
    groups = dashboard_figures._groups

    def recording(queryset, counts):
        rows = list(groups(queryset, counts))
        units.extend((row["school_id"], row["municipality_id"]) for row in rows)
        return rows

    monkeypatch.setattr(dashboard_figures, "_groups", recording)
    return units


def test_a_change_recounts_only_the_school_it_belongs_to(coordinator, client, monkeypatch):
    cast = coordinator
    assert _totals(client)["submitted"] == 0
    recounted = _recounted(monkeypatch)
    cp = workflow.control_point_report(
        control_point=cast.cp_a, user=cast.director_a, version=cast.cp_a.version, report_text="Проведено заседание ШМО"
    )
    workflow.control_point_submit(control_point=cp, user=cast.director_a, version=cp.version)
    assert _totals(client)["submitted"] == 1
    assert set(recounted) == {(cast.school_a.pk, cast.muni.pk)}
    # The municipality's own points (no school) are a unit of their own; the schools stay cached.
    recounted.clear()
    workflow.control_point_cancel(
        control_point=cast.cp_muni, user=cast.coordinator, version=cast.cp_muni.version, reason="Не требуется"
    )
    assert (_totals(client)["total"], _totals(client)["submitted"]) == (2, 1)
    assert set(recounted) == {(None, cast.muni.pk)}


def test_the_day_and_the_period_are_part_of_what_is_cached(coordinator):
    cast = coordinator
    today = timezone.localdate()
    due = cast.cp_a.due_date
    before_due = dashboard_for_user(user=cast.coordinator, today=due - datetime.timedelta(days=1))
    after_due = dashboard_for_user(user=cast.coordinator, today=due + datetime.timedelta(days=1))
    assert before_due.totals["overdue"] == 0 and after_due.totals["overdue"] == 3
    within = dashboard_for_user(user=cast.coordinator, today=today, period_from=due, period_to=due)
    outside = dashboard_for_user(user=cast.coordinator, today=today, period_from=due + datetime.timedelta(days=1))
    assert (within.totals["total"], outside.totals["total"]) == (3, 0)


def test_a_curator_counts_only_their_schools_uncached(cast, client):
    client.force_login(cast.curator)
    totals = _totals(client)
    assert totals["total"] == 1  # school A only: not the municipality's cached sums


def test_an_unchanged_municipality_is_read_as_one_cached_sum(coordinator, monkeypatch):
    """A region's page must not merge every school's sums on each view: an unchanged municipality
    comes from one cache entry, and a report in one school rebuilds only its municipality."""
    cast = coordinator
    dashboard_for_user(user=cast.coordinator, today=timezone.localdate())
    requested = _record_cache_reads(monkeypatch)
    dashboard_for_user(user=cast.coordinator, today=timezone.localdate())
    assert len(requested) == 1 and all(":dashboard-municipality:" in key for key in requested[0])

    requested.clear()
    cp = workflow.control_point_report(
        control_point=cast.cp_a, user=cast.director_a, version=cast.cp_a.version, report_text="Проведено заседание ШМО"
    )
    workflow.control_point_submit(control_point=cp, user=cast.director_a, version=cp.version)
    totals = dashboard_for_user(user=cast.coordinator, today=timezone.localdate()).totals
    assert totals["submitted"] == 1
    municipal, per_unit = requested
    assert all(":dashboard-municipality:" in key for key in municipal)
    assert per_unit and all(":dashboard-sums:" in key for key in per_unit)


def test_a_region_reads_school_stamps_only_of_a_municipality_that_changed(cast, monkeypatch):
    """A region's page checks one stamp per municipality; the schools' stamps are read only where
    something changed, and the figures still follow the change."""
    neighbour = f.MunicipalityFactory(region=cast.muni.region, name="Соседний муниципальный район")
    f.ControlPointFactory(
        activity=f.ActivityFactory(section=f.PlanSectionFactory(plan=f.PlanFactory(municipality=neighbour))),
        school=f.SchoolFactory(municipality=neighbour),
    )
    viewer, today = cast.region_viewer, timezone.localdate()
    first = dashboard_for_user(user=viewer, today=today).totals["total"]
    read = []
    stamps = dashboard_figures.unit_stamps

    def recording(municipalities):
        read.append(sorted(municipalities.values_list("pk", flat=True)))
        return stamps(municipalities)

    monkeypatch.setattr(dashboard_figures, "unit_stamps", recording)
    assert dashboard_for_user(user=viewer, today=today).totals["total"] == first
    assert read == []
    workflow.control_point_cancel(
        control_point=cast.cp_muni, user=cast.coordinator, version=cast.cp_muni.version, reason="Не требуется"
    )
    assert dashboard_for_user(user=viewer, today=today).totals["total"] == first - 1
    assert read == [[cast.muni.pk]]


def test_the_beat_counts_ahead_so_the_first_page_does_not(cast, client):
    """After the warming task the dashboards of every municipality (and the region's) count nothing:
    the sums are in the cache, under each municipality's own today."""
    from monitoring.tasks import warm_dashboard_sums_task

    assert warm_dashboard_sums_task() == 2  # the cast's two municipalities
    for user in (cast.coordinator, cast.coordinator_other, cast.region_viewer):
        client.force_login(user)
        (view,) = _views(client, 1)
        assert not _counting(view), user.username
    assert _totals(client)["total"] == 3


def test_the_cabinet_reads_the_dashboards_sums(cast, client):
    """The region's cabinet and its dashboard share one count of the points."""
    client.force_login(cast.region_viewer)
    (dashboard,) = _views(client, 1)
    assert len(_counting(dashboard)) == 1
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("region:cabinet")).status_code == 200
    assert not [q for q in _counting(queries.captured_queries) if "COUNT(" in q["sql"]]


def test_the_cabinet_reads_each_municipalitys_sums_per_plan_alone(cast, client, monkeypatch):
    """The cabinet reads only the sums per plan: each municipality's smaller entry, kept beside the
    whole one and rebuilt with it, so that a report shows there at once."""
    from monitoring.region.selectors import region_cabinet

    def done():
        return {row.municipality.pk: row.figures["done"].value for row in region_cabinet(user=cast.region_viewer, today=today).rows if "done" in row.figures}

    today = cast.muni.today()
    before = done()
    requested = _record_cache_reads(monkeypatch)
    assert done() == before
    municipal = [key for keys in requested for key in keys if ":dashboard-municipality:" in key]
    assert municipal and all(key.endswith(":plans") for key in municipal)
    cp = workflow.control_point_report(
        control_point=cast.cp_a, user=cast.director_a, version=cast.cp_a.version, report_text="Проведено заседание ШМО"
    )
    cp = workflow.control_point_submit(control_point=cp, user=cast.director_a, version=cp.version)
    workflow.control_point_accept(control_point=cp, user=cast.curator, version=cp.version)
    assert done()[cast.muni.pk] == before[cast.muni.pk] + 1


def _by_section_and_executor(d):
    return (
        {r["activity__section_id"]: (r["total"], r["overdue"]) for r in d.by_section},
        {r["name"]: r["overdue"] for r in d.by_executor},
    )


def test_sections_and_executors_are_kept_with_the_sums_and_match_the_points(coordinator):
    """Counted per section and per executor with the sums, cached, and read back the same."""
    cast = coordinator
    today = cast.muni.today()
    second = f.ActivityFactory(section=f.PlanSectionFactory(plan=cast.plan))
    for activity, position, name in (
        (cast.activity, 1, "Отдел образования"),
        (second, 1, "Отдел образования"),
        (second, 2, "Методический центр"),
    ):
        ActivityExecutor.objects.create(activity=activity, position=position, level="municipality", kind="role", name=name)
    ahead, behind = today + datetime.timedelta(days=3), today - datetime.timedelta(days=5)
    for cp in (cast.cp_a, cast.cp_b, f.ControlPointFactory(activity=second, school=cast.school_a)):
        set_state(cp, due_date=ahead)
    for cp in (cast.cp_muni, f.ControlPointFactory(activity=second, school=None)):
        set_state(cp, due_date=behind)

    cold = dashboard_for_user(user=cast.coordinator, today=today)
    warm = dashboard_for_user(user=cast.coordinator, today=today)
    assert _by_section_and_executor(cold) == _by_section_and_executor(warm)
    sections, executors = _by_section_and_executor(warm)
    assert sections == {cast.section.pk: (3, 1), second.section_id: (2, 1)}
    assert executors == {"Отдел образования": 2, "Методический центр": 1}
    assert [r["activity__section_id"] for r in warm.by_section] == [cast.section.pk, second.section_id]


def test_the_executors_are_read_again_only_when_the_municipalitys_own_points_change(coordinator, monkeypatch):
    """A school's report recounts that school and leaves the executors' sums as they were kept; a
    change to the municipality's own points reads its executors again."""
    cast = coordinator
    today = cast.muni.today()
    ActivityExecutor.objects.create(activity=cast.activity, position=1, level="municipality", kind="role", name="Отдел образования")
    set_state(cast.cp_muni, due_date=today - datetime.timedelta(days=2))
    assert _by_section_and_executor(dashboard_for_user(user=cast.coordinator, today=today))[1] == {"Отдел образования": 1}
    read = []
    executors = dashboard_figures.municipal_executors

    def recording(municipalities):
        read.append(sorted(municipalities))
        return executors(municipalities)

    monkeypatch.setattr(dashboard_figures, "municipal_executors", recording)
    cp = workflow.control_point_report(
        control_point=cast.cp_a, user=cast.director_a, version=cast.cp_a.version, report_text="Проведено заседание ШМО"
    )
    workflow.control_point_submit(control_point=cp, user=cast.director_a, version=cp.version)
    d = dashboard_for_user(user=cast.coordinator, today=today)
    assert d.totals["submitted"] == 1 and read == []
    assert _by_section_and_executor(d)[1] == {"Отдел образования": 1}
    workflow.control_point_cancel(
        control_point=cast.cp_muni, user=cast.coordinator, version=cast.cp_muni.version, reason="Не требуется"
    )
    assert _by_section_and_executor(dashboard_for_user(user=cast.coordinator, today=today))[1] == {}
    assert read == [[cast.muni.pk]]


def test_the_curators_schools_read_the_kept_counts_and_see_a_report_at_once(cast, client):
    """«Мои школы» reads each school's counts where the dashboard keeps them; a report sent changes
    the school's stamp, and the next view counts that school again."""
    client.force_login(cast.curator)

    def submitted():
        page = client.get(reverse("monitoring:curator_home"))
        return {school.pk: school.submitted for school in page.context["schools"]}

    assert submitted() == {cast.school_a.pk: 0}
    cp = workflow.control_point_report(
        control_point=cast.cp_a, user=cast.director_a, version=cast.cp_a.version, report_text="Проведено заседание ШМО"
    )
    workflow.control_point_submit(control_point=cp, user=cast.director_a, version=cp.version)
    assert submitted() == {cast.school_a.pk: 1}


def test_the_beat_keeps_the_schools_entries_alive_so_a_change_counts_its_school_alone(cast, client, monkeypatch):
    """Between the beat's runs a school's report recounts that school only, however long ago the
    municipality's other units were counted: the warming extends their entries with its own."""
    import time

    from monitoring.tasks import warm_dashboard_sums_task

    monkeypatch.setattr(dashboard_figures, "CACHE_SECONDS", 2)
    client.force_login(cast.coordinator)
    _views(client, 1)  # every unit of the municipality counted, kept for two seconds
    time.sleep(1.2)
    warm_dashboard_sums_task()  # nothing changed: the entries live two seconds more
    time.sleep(1.2)  # past the first two seconds
    workflow.control_point_report(
        control_point=cast.cp_a, user=cast.director_a, version=cast.cp_a.version, report_text="Проведено заседание ШМО"
    )
    (view,) = _views(client, 1)
    (counting,) = _counting(view)
    sql = counting["sql"].replace('"', "")
    assert f"school_id IN ({cast.school_a.pk})" in sql
    assert "IS NULL" not in sql, "the municipality's own points were counted again"


def test_the_beat_counts_a_schools_entry_gone_from_the_cache(cast, client):
    """An entry evicted from Redis (or expired between runs) is counted by the beat, not by the
    reader's page after the next change."""
    from django.core.cache import cache

    from monitoring.control.selectors import dashboard_cache_key
    from monitoring.tasks import warm_dashboard_sums_task
    from schools.models import Municipality

    client.force_login(cast.coordinator)
    _views(client, 1)
    stamps, _ = dashboard_figures.unit_stamps(Municipality.objects.filter(pk=cast.muni.pk))
    school_b = dashboard_figures._unit_key(cast.school_b.pk, dashboard_cache_key(timezone.localdate()), stamps[cast.school_b.pk])
    assert cache.delete(school_b)
    warm_dashboard_sums_task()
    assert cache.get(school_b) is not None
    workflow.control_point_report(
        control_point=cast.cp_a, user=cast.director_a, version=cast.cp_a.version, report_text="Проведено заседание ШМО"
    )
    (view,) = _views(client, 1)
    (counting,) = _counting(view)
    assert f"school_id IN ({cast.school_a.pk})" in counting["sql"].replace('"', "")
