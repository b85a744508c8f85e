import pytest
from django.urls import reverse

from tests import factories as f


def _grow_schools(cast, total):
    while cast.muni.schools.count() < total:
        school = f.SchoolFactory(municipality=cast.muni, director=f.PersonFactory(municipality=cast.muni))
        # A list of its own per school (years far from the cast's «ПРШ 2022»).
        year = 1900 + cast.muni.schools.count()
        f.SchoolListEntryFactory(school_list=f.SchoolListFactory(municipality=cast.muni, year=year), school=school)
        f.CuratorAssignmentFactory(school=school)


# session, user (municipality, person and school joined), unread notifications (the bell), count for the paginator, the schools with municipality,
# director and parent school joined and their latest year annotated, their list entries, their
# current curator assignments; the filter panel's choices: list years, clusters, curators.
def test_it_lists_schools_in_a_fixed_number_of_queries(cast, client, django_assert_num_queries):
    client.force_login(cast.coordinator)
    for rows in (3, 30):
        _grow_schools(cast, rows)
        with django_assert_num_queries(10):
            response = client.get(reverse("schools:school_list"))
        assert response.status_code == 200
        assert f"Найдено: {rows}" in response.content.decode()


def test_it_lists_only_the_curators_schools(cast, client):
    client.force_login(cast.curator)
    page = client.get(reverse("schools:school_list")).content.decode()
    assert cast.school_a.short_name in page
    assert cast.school_b.short_name not in page
    assert cast.school_other.short_name not in page


@pytest.mark.usefixtures("cast_lists")
def test_it_shows_the_card_with_list_history_and_year_data(cast, client):
    entry = cast.list_entry  # school A on «ПРШ 2022»
    entry.markers = "низкие результаты ОГЭ по математике\nнизкие результаты ЕГЭ по русскому языку"
    entry.fioko_cluster, entry.trend = "moderate", "up"
    entry.save()
    cast.school_a.year_data.create(year=2022, pupils_total=80, pupils_grade9=12, pedagogues_total=13, teachers_total=8, deficit_staff="high")
    client.force_login(cast.director_a)
    page = client.get(reverse("schools:school_detail", args=[cast.school_a.pk])).content.decode()
    assert "ПРШ 2022" in page and "Умеренно неуспевающие" in page and "↑" in page
    for marker in entry.marker_list:
        assert marker in page
    assert "2022/2023 учебный год" in page and "высокий" in page


# session, user (municipality, person and school joined), unread notifications (the bell), the school with municipality, director and parent joined,
# list entries, the municipality's lists (for the derived statuses), cluster memberships, curator
# assignments, year data, social passports, branches, plans, control-point counts; a director's
# menu also names the director's school.
@pytest.mark.parametrize(("role", "queries"), [("coordinator", 13), ("director_a", 13)])
def test_it_shows_the_card_in_a_fixed_number_of_queries(cast, client, django_assert_num_queries, role, queries):
    client.force_login(getattr(cast, role))
    for extra in (1, 10):
        for i in range(extra):
            f.SchoolListEntryFactory(school_list=f.SchoolListFactory(municipality=cast.muni, year=1990 + cast.school_a.list_entries.count()), school=cast.school_a)
        with django_assert_num_queries(queries):
            assert client.get(reverse("schools:school_detail", args=[cast.school_a.pk])).status_code == 200
