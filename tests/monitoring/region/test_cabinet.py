"""The region's cabinet: its figures on a small built region, who reaches it, its sort, its cost."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.context_processors import navigation
from monitoring.region.selectors import gap_column_key, list_column_key, region_cabinet
from tests import factories as f

from .conftest import plan_with_points, reference, shnor_list

URL = reverse("region:cabinet")


def rows_by_name(cabinet):
    return {row.municipality.name: row.figures for row in cabinet.rows}


def test_the_figures_of_each_municipality(region):
    cabinet = region_cabinet(user=region.viewer, today=region.today)
    assert [row.municipality for row in cabinet.rows] == [region.a, region.b]
    assert cabinet.region == region.home
    a = rows_by_name(cabinet)[region.a.name]

    # The plan in force with its order and period; the draft and the superseded plan are not it.
    assert a["plan"].url == reverse("roadmaps:plan_detail", args=[region.plan.pk])
    assert a["plan"].label.startswith("Дорожная карта: ")
    assert a["order"].label == f"Приказ № 12 от 15.01.{region.today.year}"
    assert a["order"].url == reverse("reports:order_detail", args=[region.order.pk])
    assert a["period"].label == f"01.01.{region.today.year} – 31.12.{region.today.year}"

    # Points of the plan in force only: its draft and superseded twins would double every figure.
    assert {key: a[key].value for key in ("done", "done_late", "overdue", "submitted")} == {
        "done": 2, "done_late": 1, "overdue": 1, "submitted": 1,
    }
    # On time = 2 done − 1 late, of 2 done + 1 overdue.
    assert (a["on_time"].value, a["on_time"].label) == (33, "33 %")
    assert a["done"].url == f"{reverse('monitoring:register')}?plan={region.plan.pk}&status=done"
    assert a["done_late"].url.endswith("late=yes") and a["overdue"].url.endswith("overdue=yes")
    # The newest report of any plan (the draft's and the superseded plan's are as recent: two days ago).
    assert a["last_report"].value == region.today - datetime.timedelta(days=2)

    # Lists: the region's three latest years; 2026: s3 a second year, s1 back, s2 left.
    assert cabinet.list_years == [2024, 2025, 2026]
    figures = {(year, name): a[list_column_key(year, name)].value for year in (2024, 2025, 2026) for name in ("on", "entered", "left", "repeated")}
    assert figures == {
        (2024, "on"): 2, (2024, "entered"): 2, (2024, "left"): 0, (2024, "repeated"): 0,
        (2025, "on"): 2, (2025, "entered"): 1, (2025, "left"): 1, (2025, "repeated"): 1,
        (2026, "on"): 2, (2026, "entered"): 1, (2026, "left"): 1, (2026, "repeated"): 1,
    }
    list_2026 = region.lists.get(municipality=region.a, year=2026)
    assert a[list_column_key(2026, "left")].url == reverse("schools:schoollist_detail", args=[list_2026.pk])

    # Results: the latest year with a comparison; A's ОГЭ mean of its schools (3,50) against 3,70.
    oge = gap_column_key("oge", 9, "Математика")
    ege = gap_column_key("ege", 11, "Русский язык")
    assert [c.key for c in cabinet.of_group("results")] == [oge, ege]
    assert (a[oge].value, a[oge].label) == (Decimal("-0.20"), "−0,20")
    assert "среднее по школам" in a[oge].title
    assert (a[ege].value, a[ege].label) == (Decimal("2.50"), "+2,50")

    b = rows_by_name(cabinet)[region.b.name]
    assert b["plan"].value is None and b["plan"].label == "нет утверждённого плана"
    assert "done" not in b and b["last_report"].label == "отчётов нет"
    assert b[list_column_key(2024, "on")].label == "—"  # no list that year: unknown, not zero
    assert b[list_column_key(2026, "entered")].value == 1
    assert b[oge].label == "+0,10" and b[ege].value is None


def test_another_region_is_never_counted(region):
    cabinet = region_cabinet(user=region.viewer, today=region.today)
    keys = [column.key for column in cabinet.columns]
    assert gap_column_key("oge", 9, "Физика") not in keys  # C's subject
    assert 2023 not in cabinet.list_years  # C's list year
    away = region_cabinet(user=region.viewer_away, today=region.today)
    assert [row.municipality for row in away.rows] == [region.c]
    assert away.rows[0].figures["done"].value == 2


def test_the_page_shows_the_figures_with_their_links(region, client):
    client.force_login(region.viewer)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Омская область" in html and region.a.name in html and region.b.name in html
    assert region.c.name not in html
    assert f'href="{reverse("monitoring:register")}?plan={region.plan.pk}&amp;status=done"' in html
    assert f"{reverse('overview:municipal')}?municipality={region.a.pk}" in html
    assert "−0,20" in html and "+2,50" in html
    # Every header is a sort link; the sorted one says so to a screen reader.
    assert html.count('aria-sort="ascending"') == 3  # the name, in each of the three tables
    assert 'data-sort="-done"' in html


@pytest.mark.parametrize("role", ["viewer", "admin"])
def test_the_region_roles_reach_it_and_others_do_not(region, client, role):
    client.force_login(getattr(region, role))
    assert client.get(URL).status_code == 200
    assert client.get(reverse("region:cabinet_xlsx")).status_code == 200


@pytest.mark.parametrize("role", ["coordinator", "chair", "superuser"])
def test_nobody_else_reaches_it(region, client, role):
    client.force_login(getattr(region, role))
    for name in ("region:cabinet", "region:cabinet_xlsx", "region:cabinet_pdf"):
        assert client.get(reverse(name)).status_code == 403


def test_a_region_account_without_a_region_is_refused(region, client):
    client.force_login(f.UserFactory(username="lost", role="region", municipality=None, region=None))
    assert client.get(URL).status_code == 403


def test_anonymous_visitors_are_sent_to_login(region, client):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def _order(response):
    return [int(pk) for pk in re.findall(r'data-municipality="(\d+)"', response.content.decode())][: len(response.context["cabinet"].rows)]


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("name", "ab"), ("-name", "ba"),
        ("-done", "ab"), ("done", "ab"),  # B has no plan: an empty figure is last both ways
        (f"-{gap_column_key('oge', 9, 'Математика')}", "ba"), (gap_column_key("oge", 9, "Математика"), "ab"),
        (f"-{list_column_key(2026, 'on')}", "ab"), (list_column_key(2026, "on"), "ba"),
        ("no-such-column", "ab"),
    ],
)
def test_it_sorts_by_each_column_server_side(region, client, sort, expected):
    client.force_login(region.viewer)
    response = client.get(URL, {"sort": sort})
    names = {"a": region.a.pk, "b": region.b.pk}
    assert _order(response) == [names[ch] for ch in expected]
    sorted_by = response.context["cabinet"].sort
    html = response.content.decode()
    column = sorted_by.lstrip("-")
    aria = "descending" if sorted_by.startswith("-") else "ascending"
    assert re.search(rf'<th scope="col" aria-sort="{aria}"[^>]*data-column="{re.escape(column)}"', html)


def test_the_menu_and_the_home_page_lead_to_it(region, client, rf):
    for user in (region.viewer, region.admin):
        request = rf.get("/")
        request.user = user
        labels = [item["label"] for item in navigation(request)["nav_items"]]
        assert "Кабинет региона" in labels
        client.force_login(user)
        response = client.get(reverse("home"))
        inbox = response.context["inbox"].region
        # B never reported: it is the one gone quiet; A reported two days ago.
        assert (inbox.municipalities, inbox.quiet) == (2, [region.b.name])
        html = response.content.decode()
        assert 'data-testid="inbox-region"' in html and f'href="{URL}?sort=last_report"' in html
    request = rf.get("/")
    request.user = region.coordinator
    assert "Кабинет региона" not in [item["label"] for item in navigation(request)["nav_items"]]


def grow(region, n):
    """n more municipalities in the region, each with a plan, points, a list and a comparison."""
    for number in range(n):
        municipality = f.MunicipalityFactory(region=region.home, name=f"Район {number:02d}")
        school = f.SchoolFactory(municipality=municipality)
        plan_with_points(municipality, region.today, order=f.OrderFactory(municipality=municipality, status="signed", number=str(number + 1), date=region.today), school=school)
        shnor_list(municipality, 2026, [school])
        reference(municipality, "municipality", "oge", "Русский язык", 9, 2025, "3.5")
        reference(municipality, "region", "oge", "Русский язык", 9, 2025, "3.6")


# With the region's clock (schools/clock.py): the zone its municipalities keep; cold, with the executors
# of the municipalities whose sums are counted (and the points' figures read per plan from the sums,
# without a query of the activities), and the lists' and the results' stamps.
CABINET_QUERIES = 20


@pytest.mark.parametrize("n", [1, 8])
def test_the_page_costs_a_fixed_number_of_queries(region, client, django_assert_num_queries, n):
    grow(region, n)
    client.force_login(region.viewer)
    with django_assert_num_queries(CABINET_QUERIES):
        response = client.get(URL, {"sort": "-on_time"})
    assert len(response.context["cabinet"].rows) == 2 + n
    # Warm, eight fewer: each municipality's stamp says its sums stand (not its schools' two stamps
    # nor their count, nor its executors), the results' two stamps replace the three queries of the
    # gaps and the lists' two stamps the query of the lists.
    with django_assert_num_queries(CABINET_QUERIES - 8):
        client.get(URL)
    # The workbook reads what the page reads, less the notification bell it does not draw.
    with django_assert_num_queries(CABINET_QUERIES - 9):
        assert client.get(reverse("region:cabinet_xlsx")).status_code == 200


def test_the_results_gaps_are_kept_until_a_result_changes(region):
    """The gaps are a mean over every school's results of the region: kept, and read afresh as soon
    as any result is entered or changed."""
    from monitoring.models import ExamResult

    oge = gap_column_key("oge", 9, "Математика")
    assert rows_by_name(region_cabinet(user=region.viewer, today=region.today))[region.a.name][oge].value == Decimal("-0.20")
    row = ExamResult.objects.get(school__municipality=region.a, subject="Математика", average_score=Decimal("3.40"))
    row.average_score = Decimal("3.80")  # the schools' mean becomes 3,70, the region's average
    row.save()
    assert rows_by_name(region_cabinet(user=region.viewer, today=region.today))[region.a.name][oge].value == Decimal("0.00")
    reference(region.a, "municipality", "oge", "Математика", 9, 2025, "4.00")  # an entered average wins
    assert rows_by_name(region_cabinet(user=region.viewer, today=region.today))[region.a.name][oge].value == Decimal("0.30")


def test_the_list_figures_are_kept_until_a_list_changes(region):
    """Who entered and left the lists is read from every list of the region: kept, and read afresh as
    soon as a list or one of its entries changes."""
    from schools.models import SchoolListEntry

    def entered_2026():
        return rows_by_name(region_cabinet(user=region.viewer, today=region.today))[region.b.name][list_column_key(2026, "entered")].value

    assert entered_2026() == 1
    newcomer = f.SchoolFactory(municipality=region.b)
    entry = SchoolListEntry.objects.create(school_list=region.lists.get(municipality=region.b, year=2026), school=newcomer)
    assert entered_2026() == 2
    entry.delete()
    assert entered_2026() == 1
