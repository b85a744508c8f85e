"""The coordinator keeps the municipality's requisites, people and accounts, and nothing of another's."""

import pytest
from django.urls import reverse

from accounts.models import Role, User
from reports.selectors import order_defaults
from tests import factories as f


def test_the_coordinator_fills_the_requisites_that_new_orders_print(cast, client):
    head = f.PersonFactory(municipality=cast.muni, last_name="Буц", first_name="Татьяна", middle_name="Ивановна")
    client.force_login(cast.coordinator)
    response = client.post(
        reverse("municipalities:authority_change"),
        {
            "authority_name": "Комитет по образованию",
            "authority_header": "АДМИНИСТРАЦИЯ\n\nКОМИТЕТ ПО ОБРАЗОВАНИЮ ",
            "place": "р.п. Русская Поляна",
            "head": head.pk,
            "head_position": "Председатель Комитета",
        },
    )
    assert response.status_code == 302
    cast.muni.refresh_from_db()
    defaults = order_defaults(cast.muni)
    assert defaults["header"] == "АДМИНИСТРАЦИЯ\nКОМИТЕТ ПО ОБРАЗОВАНИЮ"
    assert (defaults["place"], defaults["signatory_name"]) == ("р.п. Русская Поляна", "Т.И. Буц")
    assert cast.muni.history.latest().history_user == cast.coordinator


def test_the_head_is_chosen_among_the_own_people_only(cast, client):
    stranger = f.PersonFactory(municipality=cast.other)
    client.force_login(cast.coordinator)
    response = client.post(
        reverse("municipalities:authority_change"),
        {"authority_name": "Комитет", "authority_header": "КОМИТЕТ", "head": stranger.pk},
    )
    assert response.status_code == 200
    cast.muni.refresh_from_db()
    assert cast.muni.head_id is None


def test_the_people_list_holds_the_own_municipality_only(cast, client):
    f.PersonFactory(municipality=cast.other, last_name="Чужаков")
    client.force_login(cast.coordinator)
    response = client.get(reverse("municipalities:person_list"))
    assert response.status_code == 200
    assert "Соколова" in response.text
    assert "Чужаков" not in response.text


def test_the_coordinator_adds_and_edits_a_person(cast, client):
    client.force_login(cast.coordinator)
    data = {"last_name": "Петрова", "first_name": "Ольга", "middle_name": "", "position": "Методист", "school": cast.school_a.pk, "email": "petrova@example.ru"}
    assert client.post(reverse("municipalities:person_add"), data).status_code == 302
    person = cast.muni.people.get(last_name="Петрова")
    assert person.school == cast.school_a
    response = client.post(reverse("municipalities:person_change", args=[person.pk]), {**data, "position": "Старший методист"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.position == "Старший методист"
    assert [r.history_user for r in person.history.all()] == [cast.coordinator, cast.coordinator]


def test_a_person_cannot_work_in_another_municipalitys_school(cast, client):
    client.force_login(cast.coordinator)
    data = {"last_name": "Петрова", "first_name": "Ольга", "school": cast.school_other.pk}
    assert client.post(reverse("municipalities:person_add"), data).status_code == 200
    assert not cast.muni.people.filter(last_name="Петрова").exists()


def test_another_municipalitys_people_and_accounts_do_not_exist_for_the_coordinator(cast, client):
    stranger = f.PersonFactory(municipality=cast.other)
    client.force_login(cast.coordinator)
    assert client.get(reverse("municipalities:person_change", args=[stranger.pk])).status_code == 404
    for name in ("municipalities:account_invite", "municipalities:account_deactivate", "municipalities:account_activate"):
        assert client.post(reverse(name, args=[cast.coordinator_other.pk])).status_code == 404
        # The region's accounts are the region administrator's, not the coordinator's.
        assert client.post(reverse(name, args=[cast.region_viewer.pk])).status_code == 404
    assert cast.coordinator_other.username not in client.get(reverse("municipalities:account_list")).text


@pytest.mark.parametrize("role", ["chair", "curator", "director_a", "region_viewer", "region_admin"])
def test_only_the_coordinator_keeps_people_and_accounts(cast, client, role):
    client.force_login(getattr(cast, role))
    for name in ("municipalities:person_list", "municipalities:account_list", "municipalities:authority_change"):
        assert client.get(reverse(name)).status_code == 403, name
    assert client.get(reverse("municipalities:person_change", args=[cast.curator.person_id])).status_code == 404


def test_the_coordinator_gives_a_director_an_account_with_an_invitation_on_commit(cast, client, mailoutbox, django_capture_on_commit_callbacks):
    person = f.PersonFactory(municipality=cast.muni, last_name="Новикова", email="Novikova@Example.ru", school=cast.school_b)
    client.force_login(cast.coordinator)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("municipalities:account_add"), {"person": person.pk, "role": Role.DIRECTOR})
        assert mailoutbox == []  # nothing goes before the account is committed
    assert response.status_code == 302
    for callback in callbacks:
        callback()
    account = User.objects.get(person=person)
    assert (account.username, account.role, account.school, account.municipality) == (
        "novikova@example.ru", Role.DIRECTOR, cast.school_b, cast.muni
    )
    assert not account.has_usable_password()
    assert [m.to for m in mailoutbox] == [["novikova@example.ru"]]
    assert "Руководитель ОО" in mailoutbox[0].body
    assert "(UTC+0600)" in mailoutbox[0].body  # the expiry in the recipient's municipality's time (Omsk)
    assert account.history.latest().history_user == cast.coordinator


def test_an_account_needs_an_address_and_a_person_of_the_municipality(cast, client):
    person = f.PersonFactory(municipality=cast.muni, email="")
    stranger = f.PersonFactory(municipality=cast.other, email="x@example.ru")
    client.force_login(cast.coordinator)
    response = client.post(reverse("municipalities:account_add"), {"person": person.pk, "role": Role.CURATOR})
    assert "Укажите адрес эл. почты" in response.text
    response = client.post(reverse("municipalities:account_add"), {"person": stranger.pk, "role": Role.CURATOR})
    assert response.status_code == 200
    assert not User.objects.filter(person__in=[person, stranger]).exists()


def test_resend_and_deactivate_leave_a_history_of_who_did_it(cast, client, mailoutbox, django_capture_on_commit_callbacks):
    cast.curator.email = "curator@example.ru"
    cast.curator.save()
    client.force_login(cast.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("municipalities:account_invite", args=[cast.curator.pk])).status_code == 302
    assert [m.to for m in mailoutbox] == [["curator@example.ru"]]
    assert client.post(reverse("municipalities:account_deactivate", args=[cast.curator.pk])).status_code == 302
    cast.curator.refresh_from_db()
    assert not cast.curator.is_active
    reasons = [(r.history_user, r.history_change_reason) for r in cast.curator.history.order_by("history_id")][-2:]
    assert reasons == [(cast.coordinator, "приглашение отправлено повторно"), (cast.coordinator, "отключена")]
    # A switched-off account gets no invitation; switched on again, it can sign in again.
    client.post(reverse("municipalities:account_invite", args=[cast.curator.pk]))
    assert len(mailoutbox) == 1
    client.post(reverse("municipalities:account_activate", args=[cast.curator.pk]))
    cast.curator.refresh_from_db()
    assert cast.curator.is_active


def test_the_coordinator_cannot_switch_itself_off(cast, client):
    client.force_login(cast.coordinator)
    client.post(reverse("municipalities:account_deactivate", args=[cast.coordinator.pk]))
    cast.coordinator.refresh_from_db()
    assert cast.coordinator.is_active


def test_the_menu_shows_the_municipality_pages_to_the_coordinator_only(cast, client):
    client.force_login(cast.coordinator)
    assert reverse("municipalities:person_list") in client.get(reverse("home")).text
    client.force_login(cast.chair)
    assert reverse("municipalities:person_list") not in client.get(reverse("home")).text
