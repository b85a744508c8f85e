"""Adding and changing a school: the coordinator's municipality, limited choices, Russian messages, lost updates."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from schools.models import School
from tests import factories as f

ADD_URL = reverse("schools:school_add")


def change_url(school):
    return reverse("schools:school_change", args=[school.pk])


def school_data(school=None, **changes):
    data = {
        "short_name": "", "full_name": "", "abbreviation": "", "kind": "", "branch_of": "", "locality": "",
        "settlement": "", "distance_to_centre_km": "", "director": "", "address": "", "phone": "", "email": "",
        "website": "", "note": "", "loaded_at": "",
    }
    if school is not None:
        data.update(
            short_name=school.short_name, full_name=school.full_name, kind=school.kind, locality=school.locality,
            branch_of=school.branch_of_id or "", director=school.director_id or "", settlement=school.settlement,
        )
        if school.is_small:
            data["is_small"] = "on"
    data.update(changes)
    return data


def loaded_at(client, school):
    """What the change form carries in its hidden field when the user opens it."""
    return client.get(change_url(school)).context["form"]["loaded_at"].value()


def test_it_adds_a_school_to_the_coordinators_municipality(cast, client):
    director = f.PersonFactory(municipality=cast.muni)
    client.force_login(cast.coordinator)
    data = school_data(
        short_name="БОУ «Хлебодаровская СОШ»", full_name="Бюджетное общеобразовательное учреждение «Хлебодаровская СОШ»",
        kind="secondary", locality="rural", is_small="on", settlement="Хлебодаровка", distance_to_centre_km="120",
        director=director.pk, website="hleb.omsk.ru",
    )
    response = client.post(ADD_URL, data)
    school = School.objects.get(short_name="БОУ «Хлебодаровская СОШ»")
    assert response.status_code == 302 and response.url == reverse("schools:school_detail", args=[school.pk])
    assert school.municipality == cast.muni and school.is_small and school.director == director
    assert school.distance_to_centre_km == 120 and school.website == "https://hleb.omsk.ru"
    assert school.history.first().history_user == cast.coordinator
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Школа «БОУ «Хлебодаровская СОШ»» добавлена в реестр."]


def test_it_labels_the_form_with_the_models_names(cast, client):
    client.force_login(cast.coordinator)
    page = client.get(ADD_URL).content.decode()
    for label in ("Краткое наименование", "Полное наименование", "Филиал школы", "Тип местности", "Малокомплектная", "Руководитель"):
        assert label in page


def test_it_explains_missing_and_wrong_values_in_russian(cast, client):
    client.force_login(cast.coordinator)
    response = client.post(ADD_URL, school_data(kind="college", email="не почта", distance_to_centre_km="-3"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["short_name"] == ["Обязательное поле."]
    assert errors["locality"] == ["Обязательное поле."]
    assert errors["kind"] == ["Выберите корректный вариант. college нет среди допустимых значений."]
    assert errors["email"] == ["Введите правильный адрес электронной почты."]
    assert errors["distance_to_centre_km"] == ["Убедитесь, что это значение больше либо равно 0."]
    page = response.content.decode()
    assert "Обязательное поле." in page and "Проверьте поля, отмеченные красным" in page
    assert 'class="invalid-feedback' in page  # next to the field, not in a list on top
    assert School.objects.count() == 3


def test_it_refuses_a_second_school_with_the_same_short_name(cast, client):
    client.force_login(cast.coordinator)
    response = client.post(ADD_URL, school_data(short_name=cast.school_b.short_name, full_name="x", kind="basic", locality="rural"))
    assert response.context["form"].errors["short_name"] == ["Школа с таким кратким наименованием в муниципалитете уже есть."]
    # The same name in another municipality is no conflict.
    client.force_login(cast.coordinator_other)
    response = client.post(ADD_URL, school_data(short_name=cast.school_b.short_name, full_name="x", kind="basic", locality="rural"))
    assert response.status_code == 302


def test_it_limits_head_school_and_director_to_the_municipality(cast, client):
    foreign_person = f.PersonFactory(municipality=cast.other)
    branch = f.SchoolFactory(municipality=cast.muni, branch_of=cast.school_b, short_name="Филиал Цветочинской СОШ")
    client.force_login(cast.coordinator)
    form = client.get(change_url(cast.school_a)).context["form"]
    assert set(form.fields["branch_of"].queryset) == {cast.school_a, cast.school_b}  # a branch is never a head school
    assert branch not in form.fields["branch_of"].queryset
    assert foreign_person not in form.fields["director"].queryset
    data = school_data(cast.school_a, branch_of=cast.school_other.pk, director=foreign_person.pk, loaded_at=loaded_at(client, cast.school_a))
    errors = client.post(change_url(cast.school_a), data).context["form"].errors
    assert errors["branch_of"] == ["Выберите корректный вариант. Вашего варианта нет среди допустимых значений."]
    assert errors["director"] == ["Выберите корректный вариант. Вашего варианта нет среди допустимых значений."]


def test_it_refuses_a_school_as_its_own_branch_with_the_models_message(cast, client):
    client.force_login(cast.coordinator)
    data = school_data(cast.school_a, branch_of=cast.school_a.pk, loaded_at=loaded_at(client, cast.school_a))
    response = client.post(change_url(cast.school_a), data)
    assert response.context["form"].errors["branch_of"] == ["Школа не может быть филиалом самой себя."]
    assert "Школа не может быть филиалом самой себя." in response.content.decode()
    cast.school_a.refresh_from_db()
    assert cast.school_a.branch_of is None


def test_it_changes_a_school_and_says_so(cast, client):
    client.force_login(cast.coordinator)
    data = school_data(cast.school_a, settlement="Калинино", kind="basic", branch_of=cast.school_b.pk, loaded_at=loaded_at(client, cast.school_a))
    response = client.post(change_url(cast.school_a), data)
    assert response.status_code == 302 and response.url == reverse("schools:school_detail", args=[cast.school_a.pk])
    cast.school_a.refresh_from_db()
    assert (cast.school_a.settlement, cast.school_a.kind, cast.school_a.branch_of) == ("Калинино", "basic", cast.school_b)
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Карточка школы сохранена."]
    # The new version is what the form carries next time: a second edit goes through.
    data = school_data(cast.school_a, settlement="Калинино-2", loaded_at=loaded_at(client, cast.school_a))
    assert client.post(change_url(cast.school_a), data).status_code == 302


def test_it_refuses_to_overwrite_a_change_saved_since_the_form_was_opened(cast, client):
    client.force_login(cast.coordinator)
    seen = loaded_at(client, cast.school_a)
    # Meanwhile the chair's colleague, another coordinator session, saves the card.
    school = School.objects.get(pk=cast.school_a.pk)
    school.settlement = "Калинино (изменено другим)"
    school._history_user = cast.chair
    school.save()

    response = client.post(change_url(cast.school_a), school_data(cast.school_a, settlement="Моё значение", loaded_at=seen))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Карточку уже изменил другой пользователь (chair," in page
    assert "Обновите страницу: ваши изменения не сохранены." in page
    assert f'href="{change_url(cast.school_a)}"' in page  # a link to the current version
    cast.school_a.refresh_from_db()
    assert cast.school_a.settlement == "Калинино (изменено другим)"


@pytest.mark.parametrize("value", ["", "вчера", "2020-01-01T00:00:00+00:00"])
def test_it_refuses_a_save_without_a_valid_current_version(cast, client, value):
    client.force_login(cast.coordinator)
    response = client.post(change_url(cast.school_a), school_data(cast.school_a, settlement="Моё значение", loaded_at=value))
    assert response.context["form"].has_conflict
    cast.school_a.refresh_from_db()
    assert cast.school_a.settlement == ""
