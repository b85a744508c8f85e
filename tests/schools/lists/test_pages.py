"""The yearly lists: the lists page, one list with its schools, and the coordinator's edits."""

import re

import pytest
from django.urls import reverse

from reports.models import OrderAppendix
from schools.models import SchoolList, SchoolListEntry
from tests import factories as f


def omsk_history(cast):
    """ПРШ 2020/2021/2022 for the cast's two schools and a third: + + +, + − +, − − +."""
    third = f.SchoolFactory(municipality=cast.muni, short_name="БОУ «Добровольская СОШ»")
    lists = {
        year: f.SchoolListFactory(municipality=cast.muni, year=year, title=f"ПРШ {year}", source="Приказ № 87")
        for year in (2020, 2021, 2022)
    }
    for year in (2020, 2021, 2022):
        f.SchoolListEntryFactory(school_list=lists[year], school=cast.school_a)
    f.SchoolListEntryFactory(school_list=lists[2020], school=third)
    f.SchoolListEntryFactory(school_list=lists[2022], school=third)
    f.SchoolListEntryFactory(
        school_list=lists[2022],
        school=cast.school_b,
        markers="низкие результаты ОГЭ по математике два года подряд\nпризнаки необъективности результатов ВПР-2022",
        fioko_cluster="strong",
        trend="down",
        objectivity_issue=True,
        note="слабая управленческая команда",
    )
    return lists, third


def statuses(page):
    return {
        school: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", status)).strip()
        for school, status in re.findall(r'<tr data-school="([^"]+)">.*?<td class="text-nowrap" data-status>(.*?)</td>', page, re.S)
    }


# ------------------------------------------------------------------------------------ reading


def test_it_lists_the_municipalitys_lists_by_year_with_counts(cast, client):
    lists, _ = omsk_history(cast)
    f.SchoolListFactory(municipality=cast.other, year=2022, title="ШНОР Углегорска")
    client.force_login(cast.chair)
    page = client.get(reverse("schools:schoollist_list")).content.decode()
    assert page.index("ПРШ 2022") < page.index("ПРШ 2021") < page.index("ПРШ 2020")
    assert "Приказ № 87" in page
    assert "ШНОР Углегорска" not in page
    assert reverse("schools:schoollist_detail", args=[lists[2022].pk]) in page
    assert "Новый список" not in page


def test_it_offers_the_coordinator_to_create_and_import(cast, client):
    client.force_login(cast.coordinator)
    page = client.get(reverse("schools:schoollist_list")).content.decode()
    assert "Новый список" in page and reverse("schools:schoollist_import") in page
    assert reverse("schools:list_matrix") in page


def test_it_names_a_list_without_title_by_the_municipalitys_label(cast, client):
    cast.muni.list_label = "ПРШ"
    cast.muni.save()
    school_list = f.SchoolListFactory(municipality=cast.muni, year=2023, title="")
    client.force_login(cast.coordinator)
    assert "ПРШ 2023" in client.get(reverse("schools:schoollist_list")).content.decode()
    assert "ПРШ 2023" in client.get(reverse("schools:schoollist_detail", args=[school_list.pk])).content.decode()


def test_it_shows_a_list_with_markers_cluster_and_the_status_of_each_school(cast, client):
    lists, third = omsk_history(cast)
    client.force_login(cast.coordinator)
    page = client.get(reverse("schools:schoollist_detail", args=[lists[2022].pk])).content.decode()
    assert statuses(page) == {
        "БОУ «Калининская СОШ»": "3-й год подряд",
        "БОУ «Добровольская СОШ»": "вернулась",
        "БОУ «Цветочинская СОШ»": "впервые",
    }
    assert "<div>низкие результаты ОГЭ по математике два года подряд</div>" in page
    assert "<div>признаки необъективности результатов ВПР-2022</div>" in page
    assert "Сильно неуспевающие" in page and "↓" in page and "признаки необъективности</span>" in page
    assert "слабая управленческая команда" in page
    assert "Приказ № 87" in page


def test_it_names_the_schools_that_left_since_the_list_before(cast, client):
    lists, third = omsk_history(cast)
    client.force_login(cast.coordinator)
    page = client.get(reverse("schools:schoollist_detail", args=[lists[2021].pk])).content.decode()
    assert statuses(page) == {"БОУ «Калининская СОШ»": "2-й год подряд"}
    assert "Вышли из списка по сравнению с «ПРШ 2020»" in page
    assert "БОУ «Добровольская СОШ»." in page


def test_it_links_only_the_schools_the_reader_may_open(cast, client):
    lists, _ = omsk_history(cast)
    client.force_login(cast.curator)
    page = client.get(reverse("schools:schoollist_detail", args=[lists[2022].pk])).content.decode()
    assert reverse("schools:school_detail", args=[cast.school_a.pk]) in page
    assert reverse("schools:school_detail", args=[cast.school_b.pk]) not in page
    assert "БОУ «Цветочинская СОШ»" in page


def _grow_list(cast, school_list, total):
    while school_list.entries.count() < total:
        f.SchoolListEntryFactory(school_list=school_list, markers="маркер 1\nмаркер 2", fioko_cluster="moderate")
        f.SchoolListFactory(municipality=cast.muni, year=1990 + SchoolList.objects.count())


# session, user (municipality joined), unread notifications (the bell), the visible municipalities, the lists with
# their schools (one left join).
def test_it_lists_lists_in_a_fixed_number_of_queries(cast, client, django_assert_num_queries):
    school_list = f.SchoolListFactory(municipality=cast.muni, year=2022)
    client.force_login(cast.coordinator)
    for rows in (3, 30):
        _grow_list(cast, school_list, rows)
        with django_assert_num_queries(5):
            response = client.get(reverse("schools:schoollist_list"))
        assert response.status_code == 200
        assert f'<td class="text-end fw-semibold">{rows}</td>' in response.content.decode()


# session, user (municipality joined), unread notifications (the bell), the list with its municipality, its entries
# with schools (and whether the reader may open each), all lists of the municipality with their
# schools (for the statuses).
def test_it_shows_a_list_in_a_fixed_number_of_queries(cast, client, django_assert_num_queries):
    school_list = f.SchoolListFactory(municipality=cast.muni, year=2022)
    client.force_login(cast.coordinator)
    for rows in (3, 30):
        _grow_list(cast, school_list, rows)
        with django_assert_num_queries(6):
            response = client.get(reverse("schools:schoollist_detail", args=[school_list.pk]))
        assert response.status_code == 200
        assert response.content.decode().count("<tr data-school=") == rows


# ------------------------------------------------------------------------------------ access


@pytest.mark.parametrize("role", ["coordinator", "chair", "curator", "director_a", "region_viewer"])
def test_it_lets_every_role_of_the_municipality_read_its_lists(cast, client, role):
    school_list = f.SchoolListFactory(municipality=cast.muni)
    client.force_login(getattr(cast, role))
    assert client.get(reverse("schools:schoollist_detail", args=[school_list.pk])).status_code == 200
    assert client.get(reverse("schools:schoollist_list")).status_code == 200


def test_it_hides_another_municipalitys_list(cast, client):
    school_list = f.SchoolListFactory(municipality=cast.muni)
    entry = f.SchoolListEntryFactory(school_list=school_list, school=cast.school_a)
    client.force_login(cast.coordinator_other)
    for url in (
        reverse("schools:schoollist_detail", args=[school_list.pk]),
        reverse("schools:schoollist_change", args=[school_list.pk]),
        reverse("schools:schoollist_delete", args=[school_list.pk]),
        reverse("schools:schoollistentry_add", args=[school_list.pk]),
        reverse("schools:schoollistentry_change", args=[entry.pk]),
        reverse("schools:schoollistentry_delete", args=[entry.pk]),
        f"{reverse('schools:schoollist_list')}?municipality={cast.muni.pk}",
        f"{reverse('schools:schoollist_add')}?municipality={cast.muni.pk}",
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url
    assert SchoolListEntry.objects.filter(pk=entry.pk).exists()


def test_it_hides_lists_from_an_account_without_a_role(cast, client):
    school_list = f.SchoolListFactory(municipality=cast.muni)
    client.force_login(cast.no_role)
    assert client.get(reverse("schools:schoollist_detail", args=[school_list.pk])).status_code == 404
    assert client.get(reverse("schools:schoollist_list")).status_code == 404


@pytest.mark.parametrize("role", ["chair", "curator", "director_a", "region_viewer"])
def test_it_lets_only_the_coordinator_write(cast, client, role):
    school_list = f.SchoolListFactory(municipality=cast.muni, year=2022)
    entry = f.SchoolListEntryFactory(school_list=school_list, school=cast.school_a)
    client.force_login(getattr(cast, role))
    for url in (
        reverse("schools:schoollist_change", args=[school_list.pk]),
        reverse("schools:schoollist_delete", args=[school_list.pk]),
        reverse("schools:schoollistentry_add", args=[school_list.pk]),
        reverse("schools:schoollistentry_change", args=[entry.pk]),
        reverse("schools:schoollistentry_delete", args=[entry.pk]),
        f"{reverse('schools:schoollist_add')}?municipality={cast.muni.pk}",
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"year": 2023, "category": "shnor", "school": cast.school_b.pk}).status_code == 403, url
    page = client.get(reverse("schools:schoollist_detail", args=[school_list.pk])).content.decode()
    assert "Добавить школу" not in page and "Изменить" not in page
    assert SchoolList.objects.count() == 1 and SchoolListEntry.objects.get().school == cast.school_a


def test_it_lets_a_superuser_choose_the_municipality(cast, client):
    f.SchoolListFactory(municipality=cast.muni, year=2022, title="ПРШ 2022")
    f.SchoolListFactory(municipality=cast.other, year=2025, title="ШНОР 2025")
    admin = f.UserFactory(username="admin", role="", municipality=None, is_superuser=True, is_staff=True)
    client.force_login(admin)
    page = client.get(reverse("schools:schoollist_list")).content.decode()
    assert 'data-testid="municipality-select"' in page
    assert "ПРШ 2022" in page and "ШНОР 2025" not in page
    page = client.get(reverse("schools:schoollist_list"), {"municipality": cast.other.pk}).content.decode()
    assert "ШНОР 2025" in page and "ПРШ 2022" not in page


def test_it_shows_no_municipality_choice_to_a_coordinator(cast, client):
    client.force_login(cast.coordinator)
    assert 'data-testid="municipality-select"' not in client.get(reverse("schools:schoollist_list")).content.decode()


def test_it_sends_anonymous_visitors_to_login(cast, client):
    school_list = f.SchoolListFactory(municipality=cast.muni)
    for url in (reverse("schools:schoollist_list"), reverse("schools:schoollist_detail", args=[school_list.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


# ------------------------------------------------------------------------------------ writing


def test_it_creates_a_list(cast, client):
    client.force_login(cast.coordinator)
    response = client.post(
        reverse("schools:schoollist_add"),
        {"year": 2023, "category": "shnor", "title": "ШНОР-2023", "source": "Письмо Рособрнадзора"},
    )
    school_list = SchoolList.objects.get()
    assert response.status_code == 302 and response.url == reverse("schools:schoollist_detail", args=[school_list.pk])
    assert (school_list.municipality, school_list.year, school_list.title, school_list.source) == (
        cast.muni,
        2023,
        "ШНОР-2023",
        "Письмо Рособрнадзора",
    )


def test_it_refuses_a_second_list_of_a_year_and_category(cast, client):
    f.SchoolListFactory(municipality=cast.muni, year=2023, category="shnor", title="ПРШ 2023")
    f.SchoolListFactory(municipality=cast.other, year=2024, category="shnor")
    client.force_login(cast.coordinator)
    response = client.post(reverse("schools:schoollist_add"), {"year": 2023, "category": "shnor"})
    assert response.status_code == 200
    assert "Список «ШНОР» за 2023 год у муниципалитета уже есть («ПРШ 2023»)" in response.content.decode()
    assert client.post(reverse("schools:schoollist_add"), {"year": 2023, "category": "risk_zone"}).status_code == 302
    assert client.post(reverse("schools:schoollist_add"), {"year": 2024, "category": "shnor"}).status_code == 302
    assert SchoolList.objects.filter(municipality=cast.muni).count() == 3


def test_it_changes_a_list(cast, client):
    school_list = f.SchoolListFactory(municipality=cast.muni, year=2022)
    f.SchoolListFactory(municipality=cast.muni, year=2021)
    client.force_login(cast.coordinator)
    response = client.post(
        reverse("schools:schoollist_change", args=[school_list.pk]),
        {"year": 2022, "category": "shnor", "title": "ПРШ 2022", "source": "Приказ № 87"},
    )
    assert response.status_code == 302
    school_list.refresh_from_db()
    assert (school_list.title, school_list.source) == ("ПРШ 2022", "Приказ № 87")
    response = client.post(reverse("schools:schoollist_change", args=[school_list.pk]), {"year": 2021, "category": "shnor"})
    assert "за 2021 год у муниципалитета уже есть" in response.content.decode()


def test_it_deletes_a_list_only_on_post_and_not_one_an_order_appends(cast, client):
    school_list = f.SchoolListFactory(municipality=cast.muni, year=2022)
    f.SchoolListEntryFactory(school_list=school_list, school=cast.school_a)
    client.force_login(cast.coordinator)
    url = reverse("schools:schoollist_delete", args=[school_list.pk])
    assert "Удалить список" in client.get(url).content.decode()
    assert SchoolList.objects.filter(pk=school_list.pk).exists()

    appendix = OrderAppendix.objects.create(order=cast.order, position=1, kind="school_list", school_list=school_list)
    response = client.post(url, follow=True)
    assert "приложен к приказу: удалить его нельзя" in response.content.decode()
    assert SchoolList.objects.filter(pk=school_list.pk).exists()

    appendix.delete()
    response = client.post(url)
    assert response.status_code == 302
    assert not SchoolList.objects.filter(pk=school_list.pk).exists()


def test_it_offers_only_the_municipalitys_schools_not_yet_in_the_list(cast, client):
    school_list = f.SchoolListFactory(municipality=cast.muni, year=2022)
    f.SchoolListEntryFactory(school_list=school_list, school=cast.school_a)
    client.force_login(cast.coordinator)
    page = client.get(reverse("schools:schoollistentry_add", args=[school_list.pk])).content.decode()
    assert f'<option value="{cast.school_b.pk}"' in page
    assert f'<option value="{cast.school_a.pk}"' not in page
    assert f'<option value="{cast.school_other.pk}"' not in page
    for school in (cast.school_a, cast.school_other):
        response = client.post(reverse("schools:schoollistentry_add", args=[school_list.pk]), {"school": school.pk})
        assert response.status_code == 200
        assert "Этой школы нет среди свободных школ муниципалитета." in response.content.decode()
    assert school_list.entries.count() == 1


def test_it_adds_a_school_with_markers_one_per_line(cast, client):
    school_list = f.SchoolListFactory(municipality=cast.muni, year=2022)
    client.force_login(cast.coordinator)
    response = client.post(
        reverse("schools:schoollistentry_add", args=[school_list.pk]),
        {
            "school": cast.school_b.pk,
            "markers": "  низкие результаты ОГЭ по математике два года подряд\r\n\r\nпризнаки необъективности ",
            "fioko_cluster": "strong",
            "trend": "down",
            "objectivity_issue": "on",
            "note": "слабая управленческая команда",
        },
    )
    assert response.status_code == 302
    entry = school_list.entries.get()
    assert entry.school == cast.school_b
    assert entry.marker_list == ["низкие результаты ОГЭ по математике два года подряд", "признаки необъективности"]
    assert entry.markers == "низкие результаты ОГЭ по математике два года подряд\nпризнаки необъективности"
    assert (entry.fioko_cluster, entry.trend, entry.objectivity_issue) == ("strong", "down", True)


def test_it_changes_an_entry(cast, client):
    entry = f.SchoolListEntryFactory(school_list=f.SchoolListFactory(municipality=cast.muni), school=cast.school_a)
    client.force_login(cast.coordinator)
    page = client.get(reverse("schools:schoollistentry_change", args=[entry.pk])).content.decode()
    assert f'<option value="{cast.school_a.pk}" selected' in page
    response = client.post(
        reverse("schools:schoollistentry_change", args=[entry.pk]),
        {"school": cast.school_a.pk, "markers": "ЕГЭ", "fioko_cluster": "moderate", "trend": "up", "note": ""},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.markers, entry.fioko_cluster, entry.trend, entry.objectivity_issue) == ("ЕГЭ", "moderate", "up", False)


def test_it_removes_an_entry_only_on_post(cast, client):
    entry = f.SchoolListEntryFactory(school_list=f.SchoolListFactory(municipality=cast.muni), school=cast.school_a)
    client.force_login(cast.coordinator)
    url = reverse("schools:schoollistentry_delete", args=[entry.pk])
    page = client.get(url).content.decode()
    assert "Убрать школу из списка?" in page and "БОУ «Калининская СОШ»" in page
    assert SchoolListEntry.objects.filter(pk=entry.pk).exists()
    response = client.post(url)
    assert response.status_code == 302 and response.url == reverse("schools:schoollist_detail", args=[entry.school_list_id])
    assert not SchoolListEntry.objects.filter(pk=entry.pk).exists()
    assert SchoolListEntry.history.filter(id=entry.pk, history_type="-").exists()


def test_it_lets_a_superuser_write_to_the_chosen_municipality(cast, client):
    admin = f.UserFactory(username="admin", role="", municipality=None, is_superuser=True)
    client.force_login(admin)
    response = client.post(f"{reverse('schools:schoollist_add')}?municipality={cast.other.pk}", {"year": 2025, "category": "shnor"})
    assert response.status_code == 302
    assert SchoolList.objects.get().municipality == cast.other
