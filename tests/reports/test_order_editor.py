"""The coordinator prepares an order: requisites, points (also from templates), appendices."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Person
from reports.models import Order, OrderAppendix, OrderPoint

from .. import factories as f


def test_it_prefills_a_new_order_from_the_municipality(cast, client):
    head = Person.objects.create(municipality=cast.muni, last_name="Буц", first_name="Т.", middle_name="И.")
    cast.muni.authority_header = "КОМИТЕТ ОБРАЗОВАНИЯ\nАДМИНИСТРАЦИИ РУССКО-ПОЛЯНСКОГО"
    cast.muni.place = "р.п. Русская Поляна"
    cast.muni.head_position = "Председатель Комитета по образованию"
    cast.muni.head = head
    cast.muni.save()
    client.force_login(cast.coordinator)
    form = client.get(reverse("reports:order_add")).context["form"]
    assert form["header"].value() == "КОМИТЕТ ОБРАЗОВАНИЯ\nАДМИНИСТРАЦИИ РУССКО-ПОЛЯНСКОГО"
    assert form["place"].value() == "р.п. Русская Поляна"
    assert form["signatory_position"].value() == "Председатель Комитета по образованию"
    assert form["signatory_name"].value() == "Т.И. Буц"
    assert form["operative_word"].value() == "ПРИКАЗЫВАЮ:"


def _order_data(**overrides):
    data = {
        "kind": "order", "header": "КОМИТЕТ ОБРАЗОВАНИЯ", "date": "04.04.2023", "number": "87", "place": "р.п. Русская Поляна",
        "title": "Об утверждении дорожной карты", "preamble": "В соответствии со Стратегией", "operative_word": "ПРИКАЗЫВАЮ:",
        "signatory_position": "Председатель Комитета", "signatory_name": "Т.И. Буц", "approval_kind": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_coordinator_creates_an_order_and_lands_on_its_page(cast, client):
    client.force_login(cast.coordinator)
    response = client.post(reverse("reports:order_add"), _order_data())
    order = Order.objects.get(number="87")
    assert response.status_code == 302 and response.url == reverse("reports:order_detail", args=[order.pk])
    assert order.municipality == cast.muni and order.status == Order.Status.DRAFT
    assert order.date == datetime.date(2023, 4, 4)


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"title": ""}, "title", "Введите заголовок к тексту"),
        ({"operative_word": ""}, "operative_word", "«ПРИКАЗЫВАЮ:»"),
        ({"kind": "directive"}, "operative_word", "В распоряжении не пишут"),
        ({"date": "31.02.2023"}, "date", "ДД.ММ.ГГГГ"),
        ({"approval_kind": "approve"}, "approval_name", "Для грифа укажите"),
        ({"signatory_name": ""}, "signatory_name", "Укажите подписанта"),
    ],
)
def test_it_explains_wrong_requisites_in_russian_next_to_the_field(cast, client, overrides, field, message):
    client.force_login(cast.coordinator)
    response = client.post(reverse("reports:order_add"), _order_data(**overrides))
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert message in response.content.decode()


def test_a_directive_needs_no_operative_word(cast, client):
    client.force_login(cast.coordinator)
    client.post(reverse("reports:order_add"), _order_data(kind="directive", number="229-ра", operative_word=""))
    assert Order.objects.get(number="229-ра").operative_word == ""


def test_it_refuses_a_replaced_or_voided_order_issued_later(cast, client):
    later = f.OrderFactory(municipality=cast.muni, number="90", date=datetime.date(2024, 1, 1))
    client.force_login(cast.coordinator)
    response = client.post(reverse("reports:order_add"), _order_data(replaces=later.pk, voids=[later.pk]))
    errors = response.context["form"].errors
    assert "издан позже" in errors["replaces"][0] and "издан позже" in errors["voids"][0]


def test_it_offers_only_the_municipalitys_orders_to_replace(cast, client):
    client.force_login(cast.coordinator)
    response = client.post(reverse("reports:order_add"), _order_data(replaces=cast.order_other.pk))
    assert "replaces" in response.context["form"].errors


def test_a_stale_save_is_refused_with_a_russian_message(cast, client):
    client.force_login(cast.coordinator)
    url = reverse("reports:order_change", args=[cast.order.pk])
    version = client.get(url).context["form"]["version"].value()
    first = client.post(url, _order_data(title="Первая правка", version=version))
    assert first.status_code == 302
    second = client.post(url, _order_data(title="Вторая правка поверх", version=version))
    assert second.status_code == 200
    assert "уже изменил другой пользователь" in second.content.decode()
    cast.order.refresh_from_db()
    assert cast.order.title == "Первая правка"


def test_a_point_edit_makes_an_open_order_form_stale(cast, client):
    client.force_login(cast.coordinator)
    url = reverse("reports:order_change", args=[cast.order.pk])
    version = client.get(url).context["form"]["version"].value()
    client.post(reverse("reports:point_add", args=[cast.order.pk]), {"number": 1, "text": "Утвердить план."})
    response = client.post(url, _order_data(title="Поверх", version=version))
    assert "уже изменил другой пользователь" in response.content.decode()


def test_points_are_added_changed_and_deleted_on_the_order_page(cast, client):
    client.force_login(cast.coordinator)
    person = f.PersonFactory(municipality=cast.muni, last_name="Касьян", first_name="В.", middle_name="В.")
    add = reverse("reports:point_add", args=[cast.order.pk])
    assert client.get(add).context["form"]["number"].value() == 1
    response = client.post(add, {"number": 1, "text": "Разместить приказ на сайте.", "responsible": person.pk, "due_date": "17.04.2023"})
    assert response.status_code == 302 and response.url.endswith("#points")
    point = OrderPoint.objects.get(order=cast.order)
    assert point.responsible_text == "Касьян В.В." and point.is_controlled
    client.post(reverse("reports:point_change", args=[point.pk]), {"number": 1, "text": "Новый текст."})
    point.refresh_from_db()
    assert point.text == "Новый текст." and point.due_date is None
    page = client.get(reverse("reports:order_detail", args=[cast.order.pk])).content.decode()
    assert "1. Новый текст." in page
    client.post(reverse("reports:point_delete", args=[point.pk]))
    assert not OrderPoint.objects.filter(order=cast.order).exists()


def test_point_errors_are_russian(cast, client):
    client.force_login(cast.coordinator)
    OrderPoint.objects.create(order=cast.order, number=1, text="Первый.")
    response = client.post(reverse("reports:point_add", args=[cast.order.pk]), {"number": 1, "text": "", "due_date": "01.05.2023"})
    errors = response.context["form"].errors
    assert errors["number"] == ["Пункт № 1 уже есть."]
    assert errors["text"] == ["Введите текст пункта."]
    assert errors["responsible"] == ["Для пункта со сроком укажите ответственного."]


def test_the_approve_plan_template_prefills_the_point_and_attaches_the_plan(cast, client):
    client.force_login(cast.coordinator)
    add = reverse("reports:point_add", args=[cast.order.pk])
    form = client.get(add, {"template": "approve_plan", "obj": cast.plan.pk}).context["form"]
    text = form["text"].value()
    assert text.startswith("Утвердить дорожную карту «") and cast.plan.title in text and text.endswith("(приложение).")
    client.post(add, {"number": 1, "text": text, "approve_plan": cast.plan.pk})
    appendix = OrderAppendix.objects.get(order=cast.order)
    assert appendix.kind == OrderAppendix.Kind.PLAN and appendix.plan == cast.plan and appendix.number is None


def test_a_second_appendix_numbers_both(cast, client):
    OrderAppendix.objects.create(order=cast.order, position=1, kind="text", text="Состав группы")
    client.force_login(cast.coordinator)
    add = reverse("reports:point_add", args=[cast.order.pk])
    text = client.get(add, {"template": "approve_plan", "obj": cast.plan.pk}).context["form"]["text"].value()
    assert text.endswith("(приложение № 2).")
    client.post(add, {"number": 1, "text": text, "approve_plan": cast.plan.pk})
    assert list(cast.order.appendices.order_by("position").values_list("number", flat=True)) == [1, 2]


def test_the_void_template_adds_the_order_to_voids(cast, client):
    old = f.OrderFactory(municipality=cast.muni, number="204-А", date=datetime.date(2024, 6, 28), title="Об утверждении Программы")
    client.force_login(cast.coordinator)
    add = reverse("reports:point_add", args=[cast.order.pk])
    form = client.get(add, {"template": "void_order", "obj": old.pk}).context["form"]
    assert form["text"].value() == "Признать утратившим силу приказ от 28.06.2024 № 204-А «Об утверждении Программы»."
    client.post(add, {"number": 1, "text": form["text"].value(), "void_order": old.pk})
    assert list(cast.order.voids.all()) == [old]


@pytest.mark.parametrize(
    "template, expected",
    [
        ("publish", "Разместить настоящий приказ на официальном сайте"),
        ("control_self", "Контроль за исполнением настоящего приказа оставляю за собой."),
        ("control_person", "Контроль исполнения настоящего приказа возложить на"),
        ("appoint_coordinator", "Назначить муниципальным координатором"),
    ],
)
def test_other_templates_prefill_the_text(cast, client, template, expected):
    person = f.PersonFactory(municipality=cast.muni, last_name="Тамонова", first_name="Е.", middle_name="А.")
    client.force_login(cast.coordinator)
    response = client.get(reverse("reports:point_add", args=[cast.order.pk]), {"template": template, "obj": person.pk})
    assert response.context["form"]["text"].value().startswith(expected)
    assert "Проверьте падежи" in response.content.decode()


def test_a_template_object_of_another_municipality_is_not_used(cast, client):
    client.force_login(cast.coordinator)
    response = client.get(reverse("reports:point_add", args=[cast.order.pk]), {"template": "approve_plan", "obj": cast.plan_other.pk})
    assert response.status_code == 302


def test_appendices_are_added_with_russian_errors(cast, client):
    client.force_login(cast.coordinator)
    add = reverse("reports:appendix_add", args=[cast.order.pk])
    response = client.post(add, {"position": 1, "kind": "plan"})
    assert response.context["form"].errors["plan"] == ["Выберите план."]
    response = client.post(add, {"position": 1, "kind": "text"})
    assert response.context["form"].errors["text"] == ["Введите текст приложения."]
    response = client.post(add, {"position": 1, "kind": "plan", "plan": cast.plan_other.pk})
    assert "plan" in response.context["form"].errors
    client.post(add, {"position": 1, "kind": "plan", "plan": cast.plan.pk, "working_group": ""})
    appendix = OrderAppendix.objects.get(order=cast.order)
    client.post(reverse("reports:appendix_change", args=[appendix.pk]), {"position": 1, "number": 1, "kind": "text", "text": "Текст", "plan": cast.plan.pk})
    appendix.refresh_from_db()
    # A number posted by hand is not taken: a single appendix is not numbered.
    assert appendix.kind == "text" and appendix.plan is None and appendix.number is None
    client.post(reverse("reports:appendix_delete", args=[appendix.pk]))
    assert not cast.order.appendices.exists()


def test_the_order_page_lists_what_prevents_signing(cast, client):
    client.force_login(cast.chair)
    page = client.get(reverse("reports:order_detail", args=[cast.order.pk])).content.decode()
    assert "Укажите номер документа" in page and "Укажите дату документа" in page and "нет ни одного пункта" in page
