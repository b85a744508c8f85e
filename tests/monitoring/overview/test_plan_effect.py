"""«Работает ли план»: the verdict rules, the figures on a hand-made municipality, and the page's fixed cost."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from clusters.models import ClusterMembership
from monitoring.models import ExamResult, ReferenceResult
from monitoring.overview.plan_effect import (
    Kind,
    ListMark,
    ResultFigures,
    WorkFigures,
    YearCell,
    judge,
    results_signal,
)
from monitoring.results.selectors import Reference
from roadmaps.models import Plan
from tests import factories as f
from tests.monitoring.conftest import set_state

from .test_overview import done, local_today, make_list, populate

URL = "overview:plan_effect"


# --- the rules ----------------------------------------------------------------------------------


def test_the_gap_is_in_percent_of_the_scale_so_procedures_average():
    figures = ResultFigures()
    figures.add_score("ege", "Русский язык", Decimal(60), Reference(region=Decimal(65), municipality=Decimal(59)))
    figures.add_score("oge", "Математика", Decimal("3.5"), Reference(region=Decimal(4)))
    figures.add_score("ege", "Физика", Decimal(50), Reference())  # no regional average: counted, not compared
    assert (figures.subjects, figures.compared, figures.below_region) == (3, 2, 2)
    assert (figures.compared_municipality, figures.below_municipality) == (1, 0)
    assert figures.mean_gap == Decimal("-7.5")  # (−5 % of 100 points, −10 % of the mark 5) / 2
    assert figures.gap_label == "−7,5 %"


def test_work_counts_only_points_whose_due_date_came():
    work = WorkFigures(total=7, done=5, on_time=4, overdue=0)
    assert (work.due, work.percent, work.level) == (5, 80, "good")
    assert WorkFigures(total=2).label == "срок не наступил"


def _cells(start, gaps, lists=None):
    """Year cells from {year: gap to the region} and {year: (on_list, left)}."""
    cells = []
    for year in sorted(set(gaps) | set(lists or {})):
        results = ResultFigures()
        if year in gaps:
            results.compared, results.subjects, results.gap_sum = 1, 1, Decimal(gaps[year])
        on, left = (lists or {}).get(year, (None, False))
        mark = ListMark(has_list=False) if on is None else ListMark(has_list=True, on_list=on, kind="left" if left else ("repeat" if on else "off"), label="")
        cells.append(YearCell(year=year, results=results, list_mark=mark))
    return cells


FOUR_OF_FIVE = WorkFigures(total=5, done=4, on_time=4, overdue=1)
ONE_OF_FIVE = WorkFigures(total=5, done=1, on_time=1, overdue=4)


@pytest.mark.parametrize(
    "work, gaps, lists, kind",
    [
        (FOUR_OF_FIVE, {2024: -5, 2025: -6}, None, Kind.STALLED),  # 80 % on time, the gap widened
        (FOUR_OF_FIVE, {2024: -5, 2025: -5}, None, Kind.STALLED),  # «did not improve» includes «stayed»
        (FOUR_OF_FIVE, {2024: -5, 2025: -2}, None, Kind.WORKING),
        (ONE_OF_FIVE, {2024: -5, 2025: -2}, None, Kind.AHEAD),
        (ONE_OF_FIVE, {2024: -5, 2025: -8}, None, Kind.BEHIND),
        (FOUR_OF_FIVE, {2024: -5, 2025: -2}, {2025: (True, False)}, Kind.STALLED),  # still on the list wins
        (ONE_OF_FIVE, {}, {2024: (True, False), 2025: (False, True)}, Kind.AHEAD),  # left the list after the start
        (FOUR_OF_FIVE, {2024: -5}, None, Kind.DONE_NO_RESULTS),  # nothing since the start
        (ONE_OF_FIVE, {}, None, Kind.BEHIND_NO_RESULTS),
        (WorkFigures(total=3), {2024: -5, 2025: -6}, None, Kind.UNKNOWN),  # nothing due yet
        (FOUR_OF_FIVE, {2025: -5, 2026: -7}, None, Kind.STALLED),  # no year before: the first plan year is the base
    ],
)
def test_the_verdict(work, gaps, lists, kind):
    verdict = judge(work, results_signal(_cells(2025, gaps, lists), start_year=2025))
    assert verdict.kind == kind, verdict


def test_three_of_five_on_time_is_not_work_done():
    work = WorkFigures(total=5, done=4, on_time=3, overdue=1)  # one done late
    assert judge(work, results_signal(_cells(2025, {2024: -5, 2025: -6}), 2025)).kind == Kind.BEHIND


def test_the_reasons_name_the_years_and_the_gaps():
    verdict = judge(FOUR_OF_FIVE, results_signal(_cells(2025, {2024: "-5.0", 2025: "-6.2"}), 2025))
    assert verdict.work_reason == "в срок 80 % точек (4 из 5)"
    assert verdict.results_reasons == ["разрыв с регионом −5,0 % (2024) → −6,2 % (2025)"]


# --- the page -----------------------------------------------------------------------------------


def _results(school, year, score, subject="Русский язык"):
    ExamResult.objects.create(school=school, procedure="ege", subject=subject, grade=11, year=year, average_score=Decimal(score))


@pytest.fixture
def town(cast):
    """The plan runs from last year; before it (the year before) and in its first year:
    school A did 4 of its 5 points on time and its gap widened; school B did 1 of 5 and its gap
    narrowed; school C did all, its gap narrowed, but it is on the list made after the start."""
    today = local_today(cast)
    start = today.year - 1
    Plan.objects.filter(pk=cast.plan.pk).update(period_start=datetime.date(start, 1, 1), period_end=datetime.date(today.year, 12, 31))
    cast.today, cast.start = today, start
    school_c = cast.school_c = f.SchoolFactory(municipality=cast.muni, short_name="БОУ «Розовская СОШ»")
    ClusterMembership.objects.create(cluster=cast.cluster, school=cast.school_b)
    first_due = datetime.date(start, 2, 1)
    cast.cp_a.delete(), cast.cp_b.delete()
    for school, on_time, late, overdue in ((cast.school_a, 4, 0, 1), (cast.school_b, 1, 1, 3), (school_c, 2, 0, 0)):
        states = ["on_time"] * on_time + ["late"] * late + ["overdue"] * overdue
        for i, state in enumerate(states):
            cp = f.ControlPointFactory(activity=cast.activity, school=school, due_date=first_due + datetime.timedelta(days=20 * i))
            if state != "overdue":
                done(cp, cast, due=cp.due_date, late_days=3 if state == "late" else 0)
    f.ControlPointFactory(activity=cast.activity, school=cast.school_a, due_date=today + datetime.timedelta(days=30))  # not due: not counted
    for year in (start - 1, start):
        ReferenceResult.objects.create(level="region", region=cast.muni.region, municipality=cast.muni, procedure="ege", subject="Русский язык", grade=11, year=year, average_score=Decimal(65))
    _results(cast.school_a, start - 1, 60), _results(cast.school_a, start, 58)  # −5 → −7
    _results(cast.school_b, start - 1, 55), _results(cast.school_b, start, 64)  # −10 → −1
    _results(school_c, start - 1, 50), _results(school_c, start, 60)  # −15 → −5
    _results(school_c, start, 70, subject="Физика")  # no regional average: a result, not in the gap
    make_list(cast.muni, start - 1, [cast.school_a, school_c], title=f"ПРШ {start - 1}")
    make_list(cast.muni, start, [school_c], title=f"ПРШ {start}")
    return cast


def _rows(response):
    return {row.name: row for row in response.context["e"].school_rows}


def test_work_done_and_results_that_did_not_move_are_flagged(town, client):
    client.force_login(town.chair)
    response = client.get(reverse(URL))
    e = response.context["e"]
    assert e.plan == town.plan and e.start_year == town.start
    assert e.years == list(range(town.start - 1, town.today.year + 1))
    rows = _rows(response)
    a = rows["БОУ «Калининская СОШ»"]
    assert (a.work.on_time, a.work.due, a.work.percent) == (4, 5, 80)
    assert (a.signal.gap_before, a.signal.gap_after) == ((town.start - 1, Decimal("-5.0")), (town.start, Decimal("-7.0")))
    assert a.verdict.kind == Kind.STALLED
    c = rows["БОУ «Розовская СОШ»"]
    assert c.verdict.kind == Kind.STALLED  # all on time and the gap narrowed, yet on the list made after the start
    assert [r.name for r in e.stalled] == ["БОУ «Калининская СОШ»", "БОУ «Розовская СОШ»"]
    page = response.content.decode()
    assert page.count('data-verdict="stalled"') == 2
    assert 'data-testid="stalled"' in page and "разрыв с регионом −5,0 % (" in page


def test_results_up_with_the_work_behind_is_the_other_flag(town, client):
    client.force_login(town.chair)
    response = client.get(reverse(URL))
    b = _rows(response)["БОУ «Цветочинская СОШ»"]
    assert (b.work.on_time, b.work.done, b.work.due) == (1, 2, 5)  # the late one is done, not on time
    assert b.verdict.kind == Kind.AHEAD
    assert [r.name for r in response.context["e"].ahead] == ["БОУ «Цветочинская СОШ»"]


def test_each_year_shows_work_results_and_list_status(town, client):
    client.force_login(town.chair)
    c = _rows(client.get(reverse(URL)))["БОУ «Розовская СОШ»"]
    before, first = c.cells[0], c.cells[1]
    assert (before.year, before.work.total, before.list_mark.label) == (town.start - 1, 0, "впервые")
    assert (first.results.subjects, first.results.compared, first.results.mean_gap) == (2, 1, Decimal("-5.0"))
    assert (first.work.percent, first.list_mark.label, first.list_mark.on_list) == (100, "2-й год", True)
    a = _rows(client.get(reverse(URL)))["БОУ «Калининская СОШ»"]
    assert (a.cells[1].list_mark.kind, a.cells[1].list_mark.label) == ("left", "вышла")
    assert a.results_url == reverse("results:school_results", args=[town.school_a.pk])


def test_a_cluster_row_sums_its_schools(town, client):
    client.force_login(town.chair)
    (group, outside) = client.get(reverse(URL)).context["e"].groups
    cluster = group.cluster
    assert cluster.kind == "cluster" and [r.name for r in group.rows] == ["БОУ «Калининская СОШ»", "БОУ «Цветочинская СОШ»"]
    assert (cluster.work.on_time, cluster.work.due) == (5, 10)
    first = cluster.cells[1]
    assert first.results.mean_gap == Decimal("-4.0")  # (−7 − 1) / 2
    assert (first.list_count.on, first.list_count.members) == (0, 2)
    assert dict((kind, n) for kind, _, n in cluster.member_kinds) == {Kind.STALLED: 1, Kind.AHEAD: 1}
    assert outside.cluster is None and [r.name for r in outside.rows] == ["БОУ «Розовская СОШ»"]


def test_it_says_plainly_what_is_empty(cast, client):
    set_state(cast.cp_a, due_date=local_today(cast) - datetime.timedelta(days=3))
    client.force_login(cast.chair)
    response = client.get(reverse(URL))
    page = response.content.decode()
    assert 'data-testid="empty-notes"' in page
    assert "ни одна контрольная точка школ по этому плану ещё не выполнена".lower() in page.lower()
    assert "Результатов оценочных процедур" in page
    row = _rows(response)["БОУ «Калининская СОШ»"]
    assert row.verdict.kind == Kind.BEHIND_NO_RESULTS


def test_a_municipality_without_a_plan_is_told_so(cast, client):
    Plan.objects.filter(municipality=cast.muni).delete()
    client.force_login(cast.chair)
    response = client.get(reverse(URL))
    assert response.status_code == 200 and 'data-testid="no-plan"' in response.content.decode()


def test_the_region_viewer_chooses_among_the_region_s_municipalities(town, client):
    neighbour = f.MunicipalityFactory(region=town.muni.region)
    client.force_login(town.region_viewer)
    assert client.get(reverse(URL), {"municipality": neighbour.pk}).context["e"].municipality == neighbour
    assert client.get(reverse(URL), {"municipality": town.other.pk}).status_code == 404


# --- cost ---------------------------------------------------------------------------------------

PAGE = 3  # session, user, the bell's unread count
# municipality (visible), plans with their point counts, the lists with their schools, points by
# school and year, cluster memberships, results of the municipality's schools, the schools' names,
# reference_map: municipal averages entered, regional averages, municipal means computed.
EFFECT = PAGE + 10


@pytest.mark.parametrize("n", [3, 30])
def test_the_page_costs_a_fixed_number_of_queries(cast, client, django_assert_num_queries, n):
    populate(cast, n)
    client.force_login(cast.chair)
    with django_assert_num_queries(EFFECT):
        response = client.get(reverse(URL))
    e = response.context["e"]
    assert len(e.school_rows) == n
    assert all(row.cells[-2].results.compared for row in e.school_rows)  # last year's results read for everyone
