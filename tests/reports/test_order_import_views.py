"""«Загрузить приказ»: upload → preview of requisites, points and appendices → one atomic save
(coordinator only); a preview is confirmed once, in any session."""

import re
from datetime import date
from html import unescape

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from reports.models import Order, OrderAppendix
from reports.views import order_import as views
from roadmaps.models import Plan, WorkingGroup

from .. import factories as f
from ..roadmaps.docx_builders import P, build_docx
from .order_builders import demo_order, demo_order_docx

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _upload(client, data=None, name="order.docx"):
    file = SimpleUploadedFile(name, data if data is not None else demo_order_docx("omsk", stamp=True), content_type=DOCX)
    return client.post(reverse("reports:order_import"), {"file": file})


def _payload(response):
    return unescape(re.search(r'name="payload" value="([^"]+)"', response.content.decode())[1])


def _text(response):
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def _new_orders(cast):
    return Order.objects.exclude(pk__in=[cast.order.pk, cast.order_other.pk])


def _new_plans(cast):
    return Plan.objects.exclude(pk__in=[cast.plan.pk, cast.plan_other.pk])


def test_it_shows_the_upload_form_and_the_button_to_the_coordinator(cast, client):
    client.force_login(cast.coordinator)
    assert "Загрузить приказ" in client.get(reverse("reports:order_list")).content.decode()
    page = client.get(reverse("reports:order_import")).content.decode()
    assert "Файл приказа" in page and "Проверить файл" in page and 'enctype="multipart/form-data"' in page
    assert cast.muni.name in page


@pytest.mark.parametrize("role", ["chair", "curator", "director_a", "region_viewer", "no_role"])
def test_it_refuses_everyone_but_the_coordinator(cast, client, role):
    client.force_login(getattr(cast, role))
    assert "Загрузить приказ" not in client.get(reverse("reports:order_list")).content.decode()
    assert client.get(reverse("reports:order_import")).status_code == 403
    assert _upload(client).status_code == 403
    assert client.post(reverse("reports:order_import_confirm"), {"payload": "x"}).status_code == 403
    assert not _new_orders(cast).exists()


def test_it_sends_anonymous_visitors_to_login(db, client):
    for url in (reverse("reports:order_import"), reverse("reports:order_import_confirm")):
        response = client.post(url)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_it_previews_requisites_points_and_appendices(cast, client):
    kasyan = f.PersonFactory(municipality=cast.muni, last_name="Касьян", first_name="В.", middle_name="В.")
    client.force_login(cast.coordinator)
    response = _upload(client)
    assert response.status_code == 200
    text = _text(response)
    source = demo_order("omsk")
    for line in source["header"]:
        assert line in text
    for fragment in ("Приказ от 04.04.2023", "№ 87", source["place"], source["title"], source["preamble"][:80],
                     "ПРИКАЗЫВАЮ", "Т.И. Буц", "УТВЕРЖДАЮ"):
        assert fragment in text, fragment
    for point in source["points"]:
        assert point["text"][:60] in text
    # Point 3 names Касьян В.В., who is in the register; point 4 names no person.
    assert f"Касьян В.В. {kasyan}" in text and "на контроле до 17.04.2023" in text
    assert "Руководителям общеобразовательных организаций не найден" in text
    # The plan appendix: its counts and a collapsed table of its rows.
    assert re.search(r"разделов — \d+ , мероприятий — \d+", text)
    assert "<details>" in response.content.decode() and "Строки плана" in text
    assert not _new_orders(cast).exists() and not _new_plans(cast).exists()


def test_it_shows_members_and_says_when_only_appendices_are_in_the_file(cast, client):
    client.force_login(cast.coordinator)
    response = _upload(client, demo_order_docx("yakovlevsky", with_order=False))
    assert response.status_code == 200
    text = _text(response)
    assert "В файле только приложения: текста самого приказа в нём нет." in text
    assert "Распоряжение от 29.02.2024 № 229-ра" in text
    assert "состав рабочей группы" in text and "не найден — будет добавлен" in text
    assert "Проверьте" in text and "Файл" in text


def test_every_warning_is_shown_with_its_place(cast, client):
    client.force_login(cast.coordinator)
    data = build_docx([
        P("ПРИКАЗ"), P("от 4 апреля 2023 г.  № 12"), P("О рабочей группе", bold=True), P("ПРИКАЗЫВАЮ:"),
        P("1. Утвердить состав рабочей группы."), P("Признать утратившим силу приказ № 204-А от 28.06.2024."),
        P("Председатель комитета"), P("Т.И. Буц"), P("Исп. Петрова А.А., тел. 8 (42432) 4-12-34"),
    ])
    response = _upload(client, data)
    assert response.status_code == 200
    text = _text(response)
    assert "не распознано: Исп. Петрова А.А., тел. 8 (42432) 4-12-34" in text
    assert "Признать утратившим силу" in text and "не найден в портале" in text


def test_confirm_saves_one_draft_order_with_its_plan(cast, client):
    client.force_login(cast.coordinator)
    response = client.post(reverse("reports:order_import_confirm"), {"payload": _payload(_upload(client))}, follow=True)
    order = _new_orders(cast).get()
    assert response.redirect_chain[-1][0] == reverse("reports:order_detail", args=[order.pk])
    assert "Проект документа создан" in _text(response)
    assert (order.status, order.number, order.date) == (Order.Status.DRAFT, "87", date(2023, 4, 4))
    assert order.import_token and order.points.count() == len(demo_order("omsk")["points"])
    (appendix,) = order.appendices.all()
    assert appendix.kind == OrderAppendix.Kind.PLAN and appendix.plan.status == Plan.Status.DRAFT
    assert _new_plans(cast).get() == appendix.plan


def test_a_second_confirmation_in_any_session_makes_nothing_more(cast, client):
    client.force_login(cast.coordinator)
    payload = _payload(_upload(client))
    first = client.post(reverse("reports:order_import_confirm"), {"payload": payload})
    second = client.post(reverse("reports:order_import_confirm"), {"payload": payload})
    elsewhere = Client()  # the same coordinator in another browser: a session that never saw the first
    elsewhere.force_login(cast.coordinator)
    third = elsewhere.post(reverse("reports:order_import_confirm"), {"payload": payload}, follow=True)
    order = _new_orders(cast).get()
    assert first.url == second.url == reverse("reports:order_detail", args=[order.pk])
    assert third.redirect_chain[-1][0] == first.url and "уже создан из загруженного файла" in _text(third)
    assert _new_plans(cast).count() == 1


def test_two_confirmations_racing_save_one_order(cast, client, monkeypatch):
    import reports.order_import as service

    client.force_login(cast.coordinator)
    data = signing.loads(_payload(_upload(client)), salt=views.IMPORT_SALT)
    real, first = service._order_import, []

    def racing(**kwargs):
        if not first:  # the other confirmation saves between this one's check and its insert
            first.append(real(**kwargs))
        return real(**kwargs)

    monkeypatch.setattr(service, "_order_import", racing)
    with pytest.raises(service.OrderAlreadyImported) as caught:
        service.order_import(municipality=cast.muni, parsed=views._load(data["parsed"]), token=data["nonce"])
    assert caught.value.order == first[0].order
    assert _new_orders(cast).count() == 1 and _new_plans(cast).count() == 1


def test_a_new_version_of_an_imported_order_does_not_take_its_token(cast, client):
    from reports.services import order_new_version

    client.force_login(cast.coordinator)
    client.post(reverse("reports:order_import_confirm"), {"payload": _payload(_upload(client))})
    order = _new_orders(cast).get()
    Order.objects.filter(pk=order.pk).update(status=Order.Status.SIGNED)  # signing itself: test_order_signing.py
    copy = order_new_version(order=order)
    assert order.import_token and copy.import_token is None


def test_a_stale_preview_is_refused_when_the_number_and_date_are_taken(cast, client):
    client.force_login(cast.coordinator)
    first, second = _payload(_upload(client)), _payload(_upload(client))
    client.post(reverse("reports:order_import_confirm"), {"payload": first})
    response = client.post(reverse("reports:order_import_confirm"), {"payload": second})
    assert response.status_code == 400
    assert "В портале уже есть Приказ от 04.04.2023 № 87" in _text(response)
    assert _new_orders(cast).count() == 1 and _new_plans(cast).count() == 1
    # A new preview of the same file says so before anything is pressed.
    assert "В портале уже есть" in _text(_upload(client))


def test_it_refuses_a_tampered_payload(cast, client):
    client.force_login(cast.coordinator)
    payload = _payload(_upload(client))
    value, signature = payload.rsplit(":", 1)
    forged = signing.dumps(signing.loads(payload, salt=views.IMPORT_SALT), salt="another salt", compress=True)
    for bad in (value + ":" + signature[::-1], payload[:-2], forged, ""):
        response = client.post(reverse("reports:order_import_confirm"), {"payload": bad})
        assert response.status_code == 400 and "повреждены или изменены" in _text(response)
    assert not _new_orders(cast).exists()


def test_it_refuses_an_expired_preview(cast, client, monkeypatch):
    client.force_login(cast.coordinator)
    payload = _payload(_upload(client))
    monkeypatch.setattr(views, "IMPORT_MAX_AGE", -1)
    response = client.post(reverse("reports:order_import_confirm"), {"payload": payload})
    assert response.status_code == 400 and "устарел" in _text(response)
    assert not _new_orders(cast).exists()


def test_it_never_saves_into_a_foreign_municipality(cast, client):
    client.force_login(cast.coordinator)
    payload = _payload(_upload(client))
    client.force_login(cast.coordinator_other)
    assert client.post(reverse("reports:order_import_confirm"), {"payload": payload}).status_code == 403
    assert not Order.objects.filter(import_token__isnull=False).exists()


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"%PDF-1.4 not a word file", "order.docx", "Это PDF. Загрузите приказ документом Word (.docx)."),
        (b"", "order.docx", "Файл пустой"),
        (b"some text", "order.txt", "Загрузите документ Word (.docx)."),
        (None, "empty.docx", "не найден приказ"),
    ],
)
def test_a_bad_file_gets_a_russian_message_and_nothing_is_saved(cast, client, data, name, message):
    client.force_login(cast.coordinator)
    response = _upload(client, build_docx([P("")]) if data is None else data, name=name)
    assert response.status_code == 400 and message in _text(response)
    assert not _new_orders(cast).exists() and not WorkingGroup.objects.exists()


def test_it_accepts_only_post_to_confirm(cast, client):
    client.force_login(cast.coordinator)
    assert client.get(reverse("reports:order_import_confirm")).status_code == 405
