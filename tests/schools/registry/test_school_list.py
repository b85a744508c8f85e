"""The registry page: each filter narrows, sorting, the count, paging that keeps the filters, scoping."""

import datetime
import re

import pytest
from django.urls import reverse

from clusters.models import Cluster, ClusterMembership
from schools.models import School, SchoolList
from schools.registry import views as registry
from tests import factories as f

URL = reverse("schools:school_list")


def names(response):
    """Short names of the table's rows, in their order."""
    return [school.short_name for school in response.context["schools"]]


@pytest.fixture
def registry_cast(cast):
    """Three schools of municipality A that differ in every filtered field."""
    a, b = cast.school_a, cast.school_b
    a.abbreviation, a.full_name, a.locality, a.settlement = "КСОШ", "Калининская средняя школа", School.Locality.URBAN, "Калинино"
    a.save()
    b.kind, b.is_small, b.settlement = School.Kind.BASIC, True, "Цветочное"
    b.save()
    c = f.SchoolFactory(municipality=cast.muni, short_name="БОУ «Волотовская ООШ»", kind=School.Kind.BASIC, settlement="Волоты")

    shnor_2021 = f.SchoolListFactory(municipality=cast.muni, year=2021, title="ПРШ 2021")
    risk_2022 = f.SchoolListFactory(municipality=cast.muni, year=2022, category=SchoolList.Category.RISK_ZONE)
    # A is on the cast's «ПРШ 2022».
    f.SchoolListEntryFactory(school_list=risk_2022, school=b)
    # C was on the 2021 list and in the 2022 risk zone: «ШНОР in 2022» must not find it.
    f.SchoolListEntryFactory(school_list=shnor_2021, school=c)
    f.SchoolListEntryFactory(school_list=risk_2022, school=c)

    # A's old year had a high staff deficit; only the latest year counts.
    a.year_data.create(year=2021, pupils_total=90, deficit_staff="high")
    a.year_data.create(year=2022, pupils_total=80, deficit_staff="low", deficit_transport="high")
    b.year_data.create(year=2022, pupils_total=120, deficit_staff="high", deficit_infrastructure="medium")
    c.year_data.create(year=2021, pupils_total=15, deficit_infrastructure="medium")
    cast.school_c = c
    return cast


@pytest.mark.usefixtures("cast_lists")
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "Калинин"}, {"a"}),
        ({"q": "КСОШ"}, {"a"}),  # abbreviation
        ({"q": "средняя школа"}, {"a"}),  # full name, every word
        ({"q": "ООШ"}, {"c"}),
        ({"kind": "basic"}, {"b", "c"}),
        ({"locality": "urban"}, {"a"}),
        ({"locality": "rural"}, {"b", "c"}),
        ({"is_small": "true"}, {"b"}),
        ({"is_small": "false"}, {"a", "c"}),
        ({"list_year": "2022"}, {"a", "b", "c"}),
        ({"list_year": "2021"}, {"c"}),
        ({"category": "risk_zone"}, {"b", "c"}),
        ({"category": "shnor"}, {"a", "c"}),
        ({"category": "shnor", "list_year": "2022"}, {"a"}),
        ({"category": "risk_zone", "list_year": "2021"}, set()),
        ({"deficit_staff": "high"}, {"b"}),
        ({"deficit_staff": "low"}, {"a"}),
        ({"deficit_infrastructure": "medium"}, {"b", "c"}),
        ({"deficit_transport": "high"}, {"a"}),
        ({"kind": "basic", "deficit_infrastructure": "medium", "is_small": "true"}, {"b"}),
    ],
)
def test_it_narrows_by_each_filter(registry_cast, client, query, expected):
    schools = {"a": registry_cast.school_a, "b": registry_cast.school_b, "c": registry_cast.school_c}
    client.force_login(registry_cast.coordinator)
    response = client.get(URL, query)
    assert set(names(response)) == {schools[key].short_name for key in expected}
    assert f"Найдено: {len(expected)}" in response.content.decode()


def test_it_narrows_by_cluster_of_a_visible_plan(registry_cast, client):
    cast = registry_cast
    cluster = Cluster.objects.create(plan=cast.plan, number=2, name="Повторно в списке")
    ClusterMembership.objects.create(cluster=cluster, school=cast.school_b)
    ClusterMembership.objects.create(cluster=cast.cluster_other, school=cast.school_other)
    client.force_login(cast.coordinator)

    response = client.get(URL, {"cluster": cluster.pk})
    assert names(response) == [cast.school_b.short_name]
    assert names(client.get(URL, {"cluster": cast.cluster.pk})) == [cast.school_a.short_name]
    labels = [label for value, label in response.context["filter"].form.fields["cluster"].choices if value]
    assert labels == ["2025 год: 1 кластер — Положительная динамика", "2025 год: 2 кластер — Повторно в списке"]

    # Another municipality's cluster is not a valid choice: refused, and nothing of it shown.
    response = client.get(URL, {"cluster": cast.cluster_other.pk})
    assert response.context["filter"].errors["cluster"]
    assert cast.school_other.short_name not in names(response)


def test_it_narrows_by_current_curator(registry_cast, client):
    cast = registry_cast
    person = cast.curator.person
    client.force_login(cast.coordinator)
    # The curator looked after B until 2022: only the current assignment (A) counts.
    response = client.get(URL, {"curator": person.pk})
    assert names(response) == [cast.school_a.short_name]
    choices = [label for value, label in response.context["filter"].form.fields["curator"].choices if value]
    assert choices == [person.full_name]


def test_it_offers_only_the_years_of_visible_lists(registry_cast, client):
    # The cast's other municipality has «ШНОР 2025»: not a choice here.
    client.force_login(registry_cast.coordinator)
    response = client.get(URL)
    years = [value for value, _ in response.context["filter"].form.fields["list_year"].choices if value]
    assert years == [2022, 2021]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["c", "a", "b"]),  # Волотовская, Калининская, Цветочинская
        ("-name", ["b", "a", "c"]),
        ("pupils", ["c", "a", "b"]),
        ("-pupils", ["b", "a", "c"]),
        ("kind", ["a", "c", "b"]),  # СОШ before ООШ, as the choices are declared
        ("-kind", ["c", "b", "a"]),  # ООШ first, ties by name
        ("locality", ["a", "c", "b"]),  # городская first
        ("settlement", ["c", "a", "b"]),  # Волоты, Калинино, Цветочное
    ],
)
def test_it_sorts_by_the_column(registry_cast, client, sort, expected):
    schools = {"a": registry_cast.school_a, "b": registry_cast.school_b, "c": registry_cast.school_c}
    client.force_login(registry_cast.coordinator)
    assert names(client.get(URL, {"sort": sort})) == [schools[key].short_name for key in expected]


def test_it_puts_schools_without_year_data_last_either_way(registry_cast, client):
    registry_cast.school_c.year_data.all().delete()
    client.force_login(registry_cast.coordinator)
    assert names(client.get(URL, {"sort": "pupils"}))[-1] == registry_cast.school_c.short_name
    assert names(client.get(URL, {"sort": "-pupils"}))[-1] == registry_cast.school_c.short_name


def test_it_links_the_headers_to_the_other_direction_keeping_the_filters(registry_cast, client):
    client.force_login(registry_cast.coordinator)
    page = client.get(URL, {"kind": "basic", "sort": "pupils", "page": "1"}).content.decode()
    header = re.search(r'<th[^>]*aria-sort="ascending"[^>]*><a[^>]*href="([^"]+)"', page)
    assert header and header.group(1) == "?kind=basic&amp;sort=-pupils"
    assert 'href="?kind=basic&amp;sort=name"' in page


def test_it_ignores_an_unknown_sort(registry_cast, client):
    client.force_login(registry_cast.coordinator)
    response = client.get(URL, {"sort": "password"})
    assert response.status_code == 200
    assert len(names(response)) == 3


def test_it_pages_keeping_the_filters(registry_cast, client, monkeypatch):
    monkeypatch.setattr(registry, "SCHOOLS_PER_PAGE", 1)
    client.force_login(registry_cast.coordinator)
    response = client.get(URL, {"kind": "basic", "sort": "name"})
    page = response.content.decode()
    assert names(response) == [registry_cast.school_c.short_name]
    assert "Найдено: 2" in page
    assert 'href="?kind=basic&amp;sort=name&amp;page=2"' in page
    response = client.get(URL, {"kind": "basic", "sort": "name", "page": "2"})
    assert names(response) == [registry_cast.school_b.short_name]


def test_it_opens_the_panel_and_counts_the_filters_when_some_are_set(registry_cast, client):
    client.force_login(registry_cast.coordinator)
    closed = client.get(URL).content.decode()
    assert 'id="filter-panel" class="collapse"' in closed
    opened = client.get(URL, {"kind": "basic", "locality": "rural", "sort": "name"}).content.decode()
    assert 'id="filter-panel" class="collapse show"' in opened
    assert 'title="Задано фильтров">2<' in opened
    assert '<input type="hidden" name="sort" value="name">' in opened  # applying filters keeps the sorting


def test_it_says_when_filters_find_nothing(registry_cast, client):
    client.force_login(registry_cast.coordinator)
    page = client.get(URL, {"q": "Несуществующая"}).content.decode()
    assert "Найдено: 0" in page and "По заданным фильтрам школ нет." in page


@pytest.mark.parametrize(
    ("role", "expected"),
    [("curator", ["school_a"]), ("director_b", ["school_b"]), ("coordinator_other", ["school_other"]), ("no_role", [])],
)
def test_it_filters_only_within_the_visible_schools(cast, client, role, expected):
    client.force_login(getattr(cast, role))
    response = client.get(URL, {"q": "СОШ"})
    assert sorted(names(response)) == sorted(getattr(cast, attr).short_name for attr in expected)


def test_it_offers_adding_a_school_only_to_the_coordinator(cast, client):
    for role, shown in (("coordinator", True), ("chair", False), ("curator", False)):
        client.force_login(getattr(cast, role))
        page = client.get(URL).content.decode()
        assert (reverse("schools:school_add") in page) is shown, role


def test_it_shows_the_latest_year_and_current_curators_in_the_rows(registry_cast, client):
    cast = registry_cast
    client.force_login(cast.coordinator)
    response = client.get(URL, {"sort": "name"})
    row_a = response.context["schools"][1]
    assert row_a.latest_year == 2022 and row_a.latest_pupils == 80
    assert [a.curator for a in row_a.current_curator_assignments] == [cast.curator.person]
    row_b = response.context["schools"][2]
    assert row_b.current_curator_assignments == []  # B's assignment ended in 2022
    page = response.content.decode()
    assert "2022/2023" in page and "транспорт:" in page


def test_it_counts_the_current_curator_by_the_municipalitys_today(registry_cast, client):
    cast = registry_cast
    f.CuratorAssignmentFactory(school=cast.school_c, curator=cast.curator.person, start_date=datetime.date(2999, 1, 1))
    client.force_login(cast.coordinator)
    assert names(client.get(URL, {"curator": cast.curator.person.pk})) == [cast.school_a.short_name]
