"""The region administrator connects the region's municipalities and names their coordinators;
another region's municipalities and accounts do not exist for them."""

import re

import pytest
from django.urls import reverse

from accounts.models import Role, User
from schools.access import visible_accounts, visible_control_points, visible_municipalities, visible_schools
from schools.models import Municipality
from tests import factories as f

MUNICIPALITY = {
    "name": "Таврический муниципальный район",
    "authority_name": "Комитет по образованию Администрации Таврического муниципального района Омской области",
    "authority_header": "  АДМИНИСТРАЦИЯ ТАВРИЧЕСКОГО\n\n МУНИЦИПАЛЬНОГО РАЙОНА  \nКОМИТЕТ ПО ОБРАЗОВАНИЮ",
    "place": "р.п. Таврическое",
    "head_position": "Председатель Комитета",
    "time_zone": "Asia/Omsk",
    "list_label": "ШНОР",
}


@pytest.fixture
def region_admin_b(cast):
    """The administrator of the other municipality's region."""
    return f.UserFactory(username="region_admin_b", role=Role.REGION_ADMIN, municipality=None, region=cast.other.region)


def test_it_lists_only_the_own_regions_municipalities(cast, client):
    client.force_login(cast.region_admin)
    response = client.get(reverse("municipalities:municipality_list"))
    assert response.status_code == 200
    assert cast.muni.name in response.text
    assert cast.other.name not in response.text


def test_it_connects_a_municipality_to_the_own_region_only(cast, client):
    client.force_login(cast.region_admin)
    data = {**MUNICIPALITY, "region": cast.other.region_id}  # a region in the POST is ignored
    response = client.post(reverse("municipalities:municipality_add"), data)
    municipality = Municipality.objects.get(name=MUNICIPALITY["name"])
    assert response.status_code == 302
    assert response.url == reverse("municipalities:municipality_detail", args=[municipality.pk])
    assert municipality.region_id == cast.muni.region_id
    assert municipality.authority_header == "АДМИНИСТРАЦИЯ ТАВРИЧЕСКОГО\nМУНИЦИПАЛЬНОГО РАЙОНА\nКОМИТЕТ ПО ОБРАЗОВАНИЮ"
    record = municipality.history.latest()
    assert record.history_user == cast.region_admin
    assert record.history_change_reason == "подключён к порталу"


def test_it_edits_a_municipality_of_the_region(cast, client):
    client.force_login(cast.region_admin)
    url = reverse("municipalities:municipality_change", args=[cast.muni.pk])
    response = client.post(url, {**MUNICIPALITY, "name": cast.muni.name, "time_zone": "Asia/Novosibirsk"})
    assert response.status_code == 302
    cast.muni.refresh_from_db()
    assert cast.muni.time_zone == "Asia/Novosibirsk"
    assert cast.muni.history.latest().history_user == cast.region_admin


@pytest.mark.parametrize(
    "name", ["municipalities:municipality_detail", "municipalities:municipality_change", "municipalities:municipality_coordinator_add"]
)
def test_a_region_admin_of_another_region_gets_404(cast, client, region_admin_b, name):
    client.force_login(region_admin_b)
    assert client.get(reverse(name, args=[cast.muni.pk])).status_code == 404
    assert client.get(reverse(name, args=[cast.other.pk])).status_code == 200


def test_a_region_admin_of_another_region_cannot_touch_its_accounts(cast, client, region_admin_b):
    client.force_login(region_admin_b)
    for name in ("municipalities:account_deactivate", "municipalities:account_invite", "municipalities:account_activate"):
        assert client.post(reverse(name, args=[cast.coordinator.pk])).status_code == 404
    cast.coordinator.refresh_from_db()
    assert cast.coordinator.is_active


def test_it_creates_the_first_coordinator_with_an_invitation(cast, client, mailoutbox, django_capture_on_commit_callbacks):
    municipality = f.MunicipalityFactory(region=cast.muni.region, name="Таврический муниципальный район")
    client.force_login(cast.region_admin)
    url = reverse("municipalities:municipality_coordinator_add", args=[municipality.pk])
    data = {"last_name": "Буц", "first_name": "Татьяна", "middle_name": "Ивановна", "position": "Главный специалист", "email": "Buts@Example.ru"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302
    account = User.objects.get(username="buts@example.ru")
    assert account.role == Role.COORDINATOR
    assert account.municipality == municipality
    assert account.person.full_name == "Буц Татьяна Ивановна"
    assert account.person.roles.filter(kind="coordinator").exists()
    assert not account.has_usable_password()  # nobody but its owner sets it
    assert account.history.latest().history_user == cast.region_admin
    [letter] = mailoutbox
    assert letter.to == ["buts@example.ru"]
    assert "приглашение" in letter.subject
    assert re.search(r"http://\S+/accounts/password/set/\S+/", letter.body)


def test_a_second_account_with_the_same_email_is_refused(cast, client):
    cast.chair.email = "chair@example.ru"
    cast.chair.save()
    client.force_login(cast.region_admin)
    url = reverse("municipalities:municipality_coordinator_add", args=[cast.muni.pk])
    response = client.post(url, {"last_name": "Буц", "first_name": "Т.", "email": "CHAIR@example.ru"})
    assert response.status_code == 200
    assert "уже есть" in response.text
    assert not cast.muni.people.filter(last_name="Буц").exists()  # the person is rolled back too


def test_it_deactivates_an_account_of_the_region_with_a_history_record(cast, client):
    client.force_login(cast.region_admin)
    response = client.post(reverse("municipalities:account_deactivate", args=[cast.director_a.pk]))
    assert response.status_code == 302
    cast.director_a.refresh_from_db()
    assert not cast.director_a.is_active
    record = cast.director_a.history.latest()
    assert (record.history_user, record.history_change_reason) == (cast.region_admin, "отключена")


def test_it_cannot_switch_itself_off(cast, client):
    client.force_login(cast.region_admin)
    client.post(reverse("municipalities:account_deactivate", args=[cast.region_admin.pk]))
    cast.region_admin.refresh_from_db()
    assert cast.region_admin.is_active


def test_it_reads_what_the_region_viewer_reads(cast):
    admin, viewer = cast.region_admin, cast.region_viewer
    assert set(visible_municipalities(admin)) == set(visible_municipalities(viewer)) == {cast.muni}
    assert set(visible_schools(admin)) == set(visible_schools(viewer))
    assert set(visible_control_points(admin)) == set(visible_control_points(viewer))


def test_it_keeps_the_accounts_of_its_region_only(cast, region_admin_b):
    accounts = set(visible_accounts(cast.region_admin))
    assert {cast.coordinator, cast.director_a, cast.region_viewer} <= accounts
    assert cast.coordinator_other not in accounts
    assert set(visible_accounts(region_admin_b)) >= {cast.coordinator_other}
    assert cast.coordinator not in set(visible_accounts(region_admin_b))


@pytest.mark.parametrize("role", ["coordinator", "chair", "region_viewer", "coordinator_other"])
def test_other_roles_do_not_administer_municipalities(cast, client, role):
    client.force_login(getattr(cast, role))
    assert client.get(reverse("municipalities:municipality_list")).status_code == 403
    assert client.get(reverse("municipalities:municipality_add")).status_code == 403
    assert client.get(reverse("municipalities:municipality_detail", args=[cast.muni.pk])).status_code == 404


def test_the_menu_leads_the_region_admin_to_the_municipalities(cast, client):
    client.force_login(cast.region_admin)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert reverse("municipalities:municipality_list") in response.text
