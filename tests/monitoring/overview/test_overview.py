"""The municipal overview: the figures on a hand-made municipality, who may open it, and its fixed cost."""

import datetime
import io
import zoneinfo
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from clusters.models import ClusterMembership
from monitoring.models import ControlPoint, ExamResult, IndicatorValue, ReferenceResult
from monitoring.overview.selectors import current_plan, plan_options
from monitoring.overview.targets import meets_target
from roadmaps.models import Plan
from schools.models import SchoolList, SchoolListEntry, SchoolYearData, SocialPassport
from tests import factories as f
from tests.monitoring.conftest import set_state

URL = "overview:municipal"


def local_today(cast):
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(cast.muni.time_zone))


def at_noon(day, cast):
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=zoneinfo.ZoneInfo(cast.muni.time_zone))


def make_list(municipality, year, schools, category=SchoolList.Category.SHNOR, title=""):
    school_list = SchoolList.objects.create(municipality=municipality, year=year, category=category, title=title)
    SchoolListEntry.objects.bulk_create([SchoolListEntry(school_list=school_list, school=s) for s in schools])
    return school_list


def done(cp, cast, *, due, late_days=0, value=None):
    """A point accepted `late_days` after its due date (0: on the due date itself)."""
    return set_state(
        cp, status="done", due_date=due, completed_at=at_noon(due + datetime.timedelta(days=late_days), cast), achieved_value=value
    )


def populate(cast, n):
    """n schools of municipality A with everything both overview pages read: lists of two years, a
    cluster, points done on time and overdue, a target activity with values, year data, passports,
    ЕГЭ results of two years against regional averages. Returns the schools."""
    today = local_today(cast)
    schools = [cast.school_a, cast.school_b] + [f.SchoolFactory(municipality=cast.muni) for _ in range(n - 2)]
    make_list(cast.muni, today.year - 2, schools)
    make_list(cast.muni, today.year - 1, schools[::2])
    ClusterMembership.objects.bulk_create(
        [ClusterMembership(cluster=cast.cluster, school=s) for s in schools if s != cast.school_a]
    )
    target = f.ActivityFactory(section=cast.section, target_comparator="gte", target_value=Decimal(20), target_unit="%")
    points = []
    for school in schools:
        points += [
            ControlPoint(activity=cast.activity, municipality=cast.muni, school=school, due_date=today - datetime.timedelta(days=10),
                         status="done", completed_at=at_noon(today - datetime.timedelta(days=11), cast)),
            ControlPoint(activity=cast.activity, municipality=cast.muni, school=school, due_date=today - datetime.timedelta(days=5)),
            ControlPoint(activity=target, municipality=cast.muni, school=school, due_date=today - datetime.timedelta(days=20),
                         status="done", completed_at=at_noon(today - datetime.timedelta(days=20), cast), achieved_value=Decimal(25)),
        ]
    ControlPoint.objects.bulk_create(points)
    SchoolYearData.objects.bulk_create(
        [SchoolYearData(school=s, year=today.year - 1, pupils_total=100, pedagogues_total=20, category_highest=5) for s in schools]
    )
    SocialPassport.objects.bulk_create(
        [SocialPassport(school=s, year=today.year - 1, children_total=100, large_families=30, parents_higher=10) for s in schools]
    )
    results = []
    for year in (today.year - 2, today.year - 1):
        for school in schools:
            results.append(ExamResult(school=school, procedure="ege", subject="Русский язык", grade=11, year=year, average_score=Decimal(60)))
            results.append(ExamResult(school=school, procedure="oge", subject="Математика", grade=9, year=year, average_score=Decimal("3.5")))
        ReferenceResult.objects.create(level="region", region=cast.muni.region, municipality=cast.muni, procedure="ege", subject="Русский язык", grade=11, year=year, average_score=Decimal(65))
    ExamResult.objects.bulk_create(results)
    indicator = cast.plan.indicators.create(position=1, name="Доля педагогов, прошедших КПК", unit="%", target_value=100)
    IndicatorValue.objects.bulk_create(
        [IndicatorValue(indicator=indicator, school=s, period_start=datetime.date(today.year, 1, 1), period_end=datetime.date(today.year, 12, 31), value=100) for s in schools]
    )
    return schools


# --- the figures --------------------------------------------------------------------------------


@pytest.fixture
def town(cast):
    """Lists 2021–2023 with comings and goings, points in every state, a target, year data and a passport."""
    school_c = f.SchoolFactory(municipality=cast.muni, short_name="БОУ «Розовская СОШ»")
    cast.school_c = school_c
    make_list(cast.muni, 2021, [cast.school_a, cast.school_b], title="ПРШ 2021")
    make_list(cast.muni, 2022, [cast.school_a], title="ПРШ 2022")
    make_list(cast.muni, 2023, [cast.school_a, cast.school_b, school_c], title="ПРШ 2023")
    make_list(cast.muni, 2023, [school_c], category=SchoolList.Category.RISK_ZONE)
    today = local_today(cast)
    cast.today = today
    done(cast.cp_a, cast, due=today - datetime.timedelta(days=20))  # on time
    done(cast.cp_b, cast, due=today - datetime.timedelta(days=30), late_days=3)  # late
    set_state(cast.cp_muni, due_date=today - datetime.timedelta(days=2))  # overdue
    f.ControlPointFactory(activity=cast.activity, school=cast.school_a, due_date=today + datetime.timedelta(days=3))  # due soon

    cast.target = f.ActivityFactory(section=cast.section, number="2.5", target_comparator="gte", target_value=Decimal(20), target_unit="%")
    cast.cap = f.ActivityFactory(section=cast.section, number="2.6", target_comparator="lte", target_value=Decimal(5), target_unit="случаев")
    done(f.ControlPointFactory(activity=cast.target, school=cast.school_a), cast, due=today - datetime.timedelta(days=100), value=Decimal(10))
    done(f.ControlPointFactory(activity=cast.target, school=cast.school_a), cast, due=today - datetime.timedelta(days=50), value=Decimal(25))
    f.ControlPointFactory(activity=cast.target, school=cast.school_b, due_date=today - datetime.timedelta(days=40))
    done(f.ControlPointFactory(activity=cast.cap, school=cast.school_b), cast, due=today - datetime.timedelta(days=40), value=Decimal(7))

    SchoolYearData.objects.create(school=cast.school_a, year=2021, pupils_total=90, pedagogues_total=10, category_highest=1)
    SchoolYearData.objects.create(
        school=cast.school_a, year=2023, pupils_total=80, pedagogues_total=20,
        category_highest=5, category_first=6, category_conformity=4, category_none=5, psychologist_rate=Decimal("0.5"),
    )
    SocialPassport.objects.create(school=cast.school_a, year=2023, children_total=80, large_families=20, disabilities=4, parents_higher=10, parents_basic=30)
    SchoolYearData.objects.create(school=cast.school_b, year=2022, pupils_total=50, category_highest=1, category_first=1, category_conformity=2)
    return cast


def test_it_counts_the_schools_on_each_list_and_names_who_came_and_went(town, client):
    client.force_login(town.chair)
    response = client.get(reverse(URL))
    assert response.status_code == 200
    lists = response.context["o"].lists
    assert [c for c, _ in lists.categories] == ["shnor", "risk_zone"]
    by_year = {row.year: row for row in lists.rows}
    assert [row.year for row in lists.rows] == [2023, 2022, 2021]
    shnor_2023, risk_2023 = by_year[2023].cells
    assert shnor_2023.count == 3 and risk_2023.count == 1
    assert [(m.name, m.note) for m in shnor_2023.entered] == [("БОУ «Розовская СОШ»", "впервые"), ("БОУ «Цветочинская СОШ»", "вернулась")]
    assert [m.name for m in by_year[2022].cells[0].left] == ["БОУ «Цветочинская СОШ»"]
    assert by_year[2022].cells[1] is None  # no risk-zone list that year: unknown, not empty
    page = response.content.decode()
    assert reverse("schools:school_detail", args=[town.school_c.pk]) in page
    assert "вернулась" in page


def test_it_shows_the_completion_of_the_current_plan(town, client):
    client.force_login(town.coordinator)
    completion = client.get(reverse(URL)).context["o"].completion
    t = completion.totals
    # cp_a on time, cp_b late, cp_muni overdue, one due soon; the target points: three done, one overdue.
    assert (t["total"], t["done"], t["on_time"], t["done_late"], t["overdue"], t["due_soon"]) == (8, 5, 4, 1, 2, 1)
    assert t["percent_on_time"] == round(100 * 4 / 7)
    by_school = {row["school__short_name"]: row for row in completion.by_school}
    assert by_school["БОУ «Калининская СОШ»"]["on_time"] == 3
    assert by_school[None]["overdue"] == 1  # the municipal level
    assert not by_school[None]["regional"]
    assert [row["due_year"] for row in completion.by_year] == sorted({row["due_year"] for row in completion.by_year})


def test_the_region_bodys_own_points_have_their_own_row(town, client):
    """In a 3-level plan the region body's points are not the municipality's: the page and the
    workbook give them a row of their own, after the municipal level."""
    f.ControlPointFactory(activity=town.activity, school=None, regional=True, due_date=datetime.date(2020, 1, 1))
    client.force_login(town.coordinator)
    response = client.get(reverse(URL))
    rows = response.context["o"].completion.by_school
    assert [(row["school_id"], row["regional"]) for row in rows][-2:] == [(None, False), (None, True)]
    assert (rows[-2]["overdue"], rows[-1]["overdue"]) == (1, 1)
    page = response.content.decode()
    assert page.index("<em>Муниципальный уровень</em>") < page.index("<em>Региональный уровень</em>")


def test_it_compares_the_reported_values_with_the_targets(town, client):
    client.force_login(town.chair)
    response = client.get(reverse(URL))
    rows = {row.activity.number: row for row in response.context["o"].targets.rows}
    target = rows["2.5"]
    a, b = target.executors
    assert (a.name, a.done, a.reported, a.achieved, a.last_value, a.last_meets) == ("БОУ «Калининская СОШ»", 2, 2, 1, Decimal(25), True)
    assert (b.name, b.total, b.done, b.last_meets) == ("БОУ «Цветочинская СОШ»", 1, 0, None)
    assert (target.meeting_now, target.with_last_value) == (1, 1)
    (b_cap,) = rows["2.6"].executors
    assert (b_cap.last_value, b_cap.last_meets, b_cap.achieved) == (Decimal(7), False, 0)  # «не более 5»: 7 misses it
    page = response.content.decode()
    assert "не менее 20 %" in page and "не более 5 случаев" in page
    assert 'data-meets="yes"' in page and 'data-meets="no"' in page


@pytest.mark.parametrize(
    "comparator, value, expected",
    [("gte", "20", True), ("gte", "19.99", False), ("lte", "5", True), ("lte", "6", False), ("eq", "100", True), ("eq", "120", True), ("eq", "99", False), ("gte", None, None)],
)
def test_a_plain_figure_is_a_floor(comparator, value, expected):
    target = Decimal(100) if comparator == "eq" else (Decimal(20) if comparator == "gte" else Decimal(5))
    assert meets_target(comparator, target, Decimal(value) if value else None) is expected


def test_it_sets_the_staff_and_social_context_of_the_listed_schools_side_by_side(town, client):
    client.force_login(town.chair)
    response = client.get(reverse(URL), {"year": 2023})
    context = response.context["o"].context
    rows = {row.name: row for row in context.rows}
    assert list(rows) == ["БОУ «Калининская СОШ»", "БОУ «Розовская СОШ»", "БОУ «Цветочинская СОШ»"]
    a = rows["БОУ «Калининская СОШ»"]
    assert a.data.year == 2023  # the newest year, not 2021
    assert [(s.value, s.percent) for s in a.categories] == [(5, 25), (6, 30), (4, 20), (5, 25)]
    assert [(s.value, s.percent) for s in a.social][:1] == [(20, 25)]
    assert a.parents[0].percent == 25 and a.parents[3].percent == 75  # of the four rows together (10 + 30)
    b = rows["БОУ «Цветочинская СОШ»"]
    assert b.passport is None and [s.percent for s in b.categories] == [25, 25, 50, None]  # no pedagogue count: of the categories
    assert rows["БОУ «Розовская СОШ»"].lists == ["ПРШ 2023", "Зона риска 2023"]
    totals = context.totals
    assert totals["pupils"] == 130 and totals["categories"][0].value == 6 and totals["categories"][0].whole == 24
    page = response.content.decode()
    assert "2023/2024" in page and "2022/2023" in page and "Социального паспорта нет" in page


def test_a_year_without_a_list_falls_back_to_the_newest(town, client):
    client.force_login(town.chair)
    assert client.get(reverse(URL), {"year": "1999"}).context["o"].year == 2023
    assert client.get(reverse(URL), {"year": "abc"}).context["o"].year == 2023
    assert client.get(reverse(URL), {"year": "2021"}).context["o"].year == 2021


def test_it_says_plainly_what_is_empty(cast, client):
    set_state(cast.cp_a, due_date=local_today(cast) - datetime.timedelta(days=1))
    client.force_login(cast.chair)
    page = client.get(reverse(URL)).content.decode()
    assert 'data-testid="lists-empty"' in page
    assert 'data-testid="nothing-done"' in page
    assert 'data-testid="no-targets"' in page
    assert 'data-testid="no-context"' in page


def test_the_default_plan_is_the_approved_one_in_force_with_points(cast):
    today = datetime.date(2025, 6, 1)
    project = f.PlanFactory(municipality=cast.muni, kind="project", period_start=datetime.date(2024, 1, 1), period_end=datetime.date(2027, 12, 31))
    schedule = f.PlanFactory(municipality=cast.muni, kind="schedule", part_of=project, period_start=project.period_start, period_end=project.period_end)
    f.ControlPointFactory(activity=f.ActivityFactory(section=f.PlanSectionFactory(plan=schedule)))
    f.ActivityFactory(section=f.PlanSectionFactory(plan=project))  # activities, but no points of its own
    f.PlanFactory(municipality=cast.muni, status=Plan.Status.DRAFT, period_start=datetime.date(2025, 1, 1))
    Plan.objects.filter(pk=cast.plan.pk).update(status=Plan.Status.SUPERSEDED)
    plans = plan_options(user=cast.chair, municipality=cast.muni)
    flags = {plan.pk: plan.has_points for plan in plans}
    assert (flags[project.pk], flags[schedule.pk]) == (False, True)
    assert current_plan(plans, today) == schedule


def test_a_chosen_project_counts_the_points_of_its_schedule(cast, client):
    project = f.PlanFactory(municipality=cast.muni, kind="project")
    Plan.objects.filter(pk=cast.plan.pk).update(part_of=project)
    client.force_login(cast.chair)
    response = client.get(reverse(URL), {"plan": project.pk})
    assert response.context["o"].plan == project
    assert response.context["o"].completion.totals["total"] == 3


def test_an_indicator_is_judged_on_its_latest_period(cast, client):
    kpk = cast.plan.indicators.create(position=1, name="Доля педагогов, прошедших КПК", unit="%", target_value=100)
    cast.plan.indicators.create(position=2, name="Участие в конкурсах", kind="qualitative")  # no target: not measured
    unmeasured = cast.plan.indicators.create(position=3, name="Доля родителей", unit="%", target_value=90)
    for school, old, new in ((cast.school_a, 80, 100), (cast.school_b, 90, 100)):
        IndicatorValue.objects.create(indicator=kpk, school=school, period_start=datetime.date(2024, 1, 1), period_end=datetime.date(2024, 12, 31), value=old)
        IndicatorValue.objects.create(indicator=kpk, school=school, period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2025, 12, 31), value=new)
    client.force_login(cast.chair)
    response = client.get(reverse(URL))
    summary = response.context["o"].indicators
    assert (summary.total, summary.measured, summary.achieved) == (3, 1, 1)
    IndicatorValue.objects.create(indicator=unmeasured, period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2025, 12, 31), value=85)
    page = client.get(reverse(URL)).content.decode()
    assert "достигнуто <strong>1 из 2</strong>" in page
    assert reverse("indicators:plan_indicators", args=[cast.plan.pk]) in page


# --- who may open it ----------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["overview:municipal", "overview:municipal_export", "overview:plan_effect"])
def test_only_municipality_wide_readers_open_the_overview(town, client, url_name):
    for role, expected in [("coordinator", 200), ("chair", 200), ("region_viewer", 200), ("curator", 403), ("director_a", 403), ("no_role", 403)]:
        client.force_login(getattr(town, role))
        assert client.get(reverse(url_name)).status_code == expected, role


@pytest.mark.parametrize("url_name", ["overview:municipal", "overview:municipal_export", "overview:plan_effect"])
def test_another_municipality_sees_nothing_of_it(town, client, url_name):
    client.force_login(town.coordinator_other)
    assert client.get(reverse(url_name), {"municipality": town.muni.pk}).status_code == 404
    assert client.get(reverse(url_name), {"plan": town.plan.pk}).status_code == 404
    own = client.get(reverse(url_name))
    assert own.status_code == 200
    body = own.content.decode() if url_name != "overview:municipal_export" else _workbook_text(own.content)
    for name in ("Калининская", "Цветочинская", "Розовская", "ПРШ 2023"):
        assert name not in body


def test_anonymous_visitors_go_to_the_login(db, client):
    for url_name in ("overview:municipal", "overview:municipal_export", "overview:plan_effect"):
        response = client.get(reverse(url_name))
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


# --- export -------------------------------------------------------------------------------------


def _workbook_text(content):
    wb = openpyxl.load_workbook(io.BytesIO(content))
    return "\n".join(str(c) for ws in wb for row in ws.iter_rows(values_only=True) for c in row if c is not None)


def test_the_export_holds_the_figures_of_the_page(town, client):
    client.force_login(town.chair)
    response = client.get(reverse("overview:municipal_export"), {"year": 2023})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Списки по годам", "Исполнение плана", "Целевые значения", "Кадры и социум"]
    lists = list(wb["Списки по годам"].iter_rows(min_row=2, values_only=True))
    assert (2023, "ШНОР", "ПРШ 2023", 3) == lists[0][:4] and "БОУ «Розовская СОШ» (впервые)" in lists[0][4]
    completion = list(wb["Исполнение плана"].iter_rows(min_row=2, values_only=True))
    assert completion[0][:7] == ("Весь план", 8, 5, 4, 1, 2, 1)
    header, school_a = list(wb["Целевые значения"].iter_rows(min_row=2, max_row=3, values_only=True))
    assert header[:3] == ("2.5", town.target.content, "не менее 20 %")
    assert school_a[3:9] == ("БОУ «Калининская СОШ»", 2, 2, 2, 1, 25) and school_a[10] == "да"
    context = {row[0]: row for row in wb["Кадры и социум"].iter_rows(min_row=2, values_only=True)}
    assert context["БОУ «Калининская СОШ»"][2:7] == ("2023/2024", 80, 20, 5, 25)


# --- cost ---------------------------------------------------------------------------------------

PAGE = 3  # session, user, the bell's unread count
# municipality (visible), plans with their point counts, the lists with their schools, completion:
# totals, by year, by school; targets: activities, counts per executor, reported values; context:
# indicators of the plan, their values; newest year data, newest passport.
OVERVIEW = PAGE + 13


@pytest.mark.parametrize("n", [3, 30])
def test_the_overview_costs_a_fixed_number_of_queries(cast, client, django_assert_num_queries, n):
    populate(cast, n)
    client.force_login(cast.chair)
    with django_assert_num_queries(OVERVIEW):
        response = client.get(reverse(URL))
    o = response.context["o"]
    assert len(o.context.rows) == len(range(0, n, 2))
    assert o.completion.totals["total"] == 3 * n + 3
    assert o.targets.rows[0].reported == n
    assert (o.indicators.measured, o.indicators.achieved) == (1, 1)


@pytest.mark.parametrize("n", [3, 30])
def test_the_export_costs_the_same(cast, client, django_assert_num_queries, n):
    populate(cast, n)
    client.force_login(cast.chair)
    with django_assert_num_queries(OVERVIEW - 1):  # no bell: the workbook renders no page
        response = client.get(reverse("overview:municipal_export"))
    assert response.status_code == 200
