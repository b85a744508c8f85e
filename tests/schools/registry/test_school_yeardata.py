"""Data of a school year and the social passport: add, change, the models' messages, one record per year."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from schools.models import SchoolYearData, SocialPassport
from schools.registry.forms import current_school_year, school_year_choices


def add_url(school):
    return reverse("schools:school_yeardata_add", args=[school.pk])


def change_url(data):
    return reverse("schools:school_yeardata_change", args=[data.pk])


def year_data(**values):
    data = {
        name: "" for name in (
            "pupils_total", "pupils_grade9", "pupils_grade11", "pupils_transported", "pedagogues_total", "teachers_total",
            "category_highest", "category_first", "category_conformity", "category_none", "social_pedagogue_rate",
            "psychologist_rate", "speech_therapist_rate", "defectologist_rate", "weekly_load_hours", "deficit_staff",
            "deficit_infrastructure", "deficit_transport", "context_note", "loaded_at",
        )
    }
    data.update(values)
    return data


@pytest.mark.parametrize(
    ("today", "current"),
    [(datetime.date(2025, 8, 31), 2024), (datetime.date(2025, 9, 1), 2025), (datetime.date(2026, 1, 15), 2025)],
)
def test_it_knows_the_current_school_year(today, current):
    assert current_school_year(today) == current
    assert school_year_choices(today)[:2] == [(current + 1, f"{current + 1}/{current + 2}"), (current, f"{current}/{current + 1}")]


def test_it_adds_a_year_with_decimal_commas_and_says_so(cast, client):
    client.force_login(cast.coordinator)
    response = client.post(
        add_url(cast.school_a),
        year_data(year="2024", pupils_total="80", pupils_grade9="12", pedagogues_total="13", teachers_total="8",
                  psychologist_rate="0,5", weekly_load_hours="22,5", deficit_staff="high", is_resilient="on"),
    )
    assert response.status_code == 302 and response.url == reverse("schools:school_detail", args=[cast.school_a.pk])
    data = cast.school_a.year_data.get()
    assert (data.year, data.pupils_total, data.teachers_total, data.deficit_staff, data.is_resilient) == (2024, 80, 8, "high", True)
    assert (data.psychologist_rate, data.weekly_load_hours) == (Decimal("0.5"), Decimal("22.5"))
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Данные за 2024/2025 учебный год добавлены."]


def test_it_offers_school_years_and_unrated_deficits(cast, client):
    client.force_login(cast.coordinator)
    page = client.get(add_url(cast.school_a)).content.decode()
    assert ">2024/2025</option>" in page and ">не оценён</option>" in page


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"pedagogues_total": "5", "teachers_total": "8"}, "teachers_total", "Учителей не может быть больше, чем педагогических работников."),
        ({"pupils_total": "10", "pupils_grade9": "12"}, "pupils_grade9", "Не может быть больше общей численности обучающихся."),
        ({"pupils_total": "10", "pupils_grade11": "11"}, "pupils_grade11", "Не может быть больше общей численности обучающихся."),
        ({"pupils_total": "-1"}, "pupils_total", "Убедитесь, что это значение больше либо равно 0."),
        ({"psychologist_rate": "пол ставки"}, "psychologist_rate", "Введите число."),
    ],
)
def test_it_shows_the_models_messages_next_to_the_field(cast, client, values, field, message):
    client.force_login(cast.coordinator)
    response = client.post(add_url(cast.school_a), year_data(year="2024", **values))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert not cast.school_a.year_data.exists()


def test_it_keeps_one_record_per_school_year(cast, client):
    cast.school_a.year_data.create(year=2024, pupils_total=80)
    cast.school_b.year_data.create(year=2023)
    client.force_login(cast.coordinator)
    response = client.post(add_url(cast.school_a), year_data(year="2024", pupils_total="81"))
    assert response.context["form"].errors["year"] == [
        "Данные за 2024/2025 учебный год уже есть: откройте их в карточке школы и измените."
    ]
    assert client.post(add_url(cast.school_a), year_data(year="2023")).status_code == 302


def test_it_changes_a_year_and_refuses_a_lost_update(cast, client):
    data = cast.school_a.year_data.create(year=2024, pupils_total=80)
    client.force_login(cast.coordinator)
    form = client.get(change_url(data)).context["form"]
    assert form["year"].value() == 2024 and form["pupils_total"].value() == 80
    seen = form["loaded_at"].value()

    response = client.post(change_url(data), year_data(year="2024", pupils_total="82", loaded_at=seen))
    assert response.status_code == 302
    data.refresh_from_db()
    assert data.pupils_total == 82
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Данные за 2024/2025 учебный год сохранены."]

    response = client.post(change_url(data), year_data(year="2024", pupils_total="99", loaded_at=seen))
    assert "Эти данные уже изменил другой пользователь" in response.content.decode()
    data.refresh_from_db()
    assert data.pupils_total == 82


def test_it_keeps_an_old_year_choosable_when_changing_it(cast, client):
    data = cast.school_a.year_data.create(year=1998)
    client.force_login(cast.coordinator)
    form = client.get(change_url(data)).context["form"]
    assert (1998, "1998/1999") in form.fields["year"].choices


def test_it_adds_and_changes_a_social_passport(cast, client):
    client.force_login(cast.coordinator)
    url = reverse("schools:school_socialpassport_add", args=[cast.school_a.pk])
    response = client.post(url, {"year": "2024", "children_total": "80", "low_income": "12", "dysfunctional_note": "2 семьи"})
    assert response.status_code == 302
    passport = SocialPassport.objects.get(school=cast.school_a)
    assert (passport.year, passport.children_total, passport.low_income) == (2024, 80, 12)
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Социальный паспорт за 2024/2025 учебный год добавлен."]

    response = client.post(url, {"year": "2024"})
    assert response.context["form"].errors["year"] == [
        "Социальный паспорт за 2024/2025 учебный год уже есть: откройте его в карточке школы и измените."
    ]

    change = reverse("schools:school_socialpassport_change", args=[passport.pk])
    seen = client.get(change).context["form"]["loaded_at"].value()
    assert client.post(change, {"year": "2024", "children_total": "81", "loaded_at": seen}).status_code == 302
    passport.refresh_from_db()
    assert passport.children_total == 81
    assert "Социальный паспорт уже изменил другой пользователь" in client.post(
        change, {"year": "2024", "children_total": "90", "loaded_at": seen}
    ).content.decode()


def test_it_opens_year_records_only_through_the_users_schools(cast, client):
    data = cast.school_other.year_data.create(year=2024)
    passport = SocialPassport.objects.create(school=cast.school_other, year=2024)
    client.force_login(cast.coordinator)
    assert client.get(change_url(data)).status_code == 404
    assert client.get(reverse("schools:school_socialpassport_change", args=[passport.pk])).status_code == 404
    assert client.post(change_url(data), year_data(year="2024", pupils_total="1")).status_code == 404
    assert SchoolYearData.objects.get(pk=data.pk).pupils_total is None
