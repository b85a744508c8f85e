"""Public verification of a printed order: anyone with the code sees the least that proves the paper,
and nothing else; ids do not work, drafts do not exist, uploads are compared and kept nowhere, and
the page stops answering a client that asks too much."""

import datetime
import hashlib
import importlib
import os
import re

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from reports.forms import OrderFileCheckForm, Sha256UploadHandler
from reports.models import Order, OrderPoint
from reports.services import order_new_version, order_sign, order_verification_code_ensure, verification_for_code
from reports.verification_codes import ALPHABET, group_code, new_code, normalise_code
from reports.views import verification as views

from .. import factories as f
from .conftest import poppler, squash

CODE = "K7QDM2XP4NW8T3HC9RFA"


@pytest.fixture
def signed(ready_order, cast):
    """Signed by the chair, with people on it who are not the signatory: the approval's and a point's."""
    cast.chair.first_name, cast.chair.last_name = "Пётр", "Кнопкин"
    cast.chair.save()
    ready_order.approval_name = "С.П. Гринёва"
    ready_order.save()
    OrderPoint.objects.create(
        order=ready_order, number=3, text="Контроль исполнения приказа возложить на Соколову А.П.",
        responsible=cast.curator.person, responsible_text="Соколова А.П.",
    )
    return order_sign(order=ready_order, user=cast.chair)


def _url(order_or_code):
    code = order_or_code if isinstance(order_or_code, str) else order_or_code.verification_code
    return reverse("verification:order_check", args=[group_code(code)])


def _media_files(settings):
    return sorted(os.path.join(root, name) for root, _, names in os.walk(settings.MEDIA_ROOT) for name in names)


def _stored_bytes(order):
    with order.pdf.open("rb") as handle:
        return handle.read()


# --- What the page shows ---------------------------------------------------------------------------


def test_it_shows_the_allowed_facts_to_anyone(signed, client):
    response = client.get(_url(signed))
    assert response.status_code == 200
    page = response.content.decode()
    facts = re.search(r"<dl[^>]*data-facts>(.*?)</dl>", page, re.S).group(1)
    for fact in [
        "КОМИТЕТ ОБРАЗОВАНИЯ", "Приказ", "<dd class=\"col-sm-8\">12</dd>", "28 марта 2025 г.",
        "Об утверждении дорожной карты", "Председатель Комитета Т.И. Буц", signed.pdf_sha256, group_code(signed.verification_code),
    ]:
        assert fact in facts, fact
    signed_local = signed.signed_at.astimezone(datetime.timezone(datetime.timedelta(hours=6)))  # Asia/Omsk
    assert f"{signed_local:%H:%M} (UTC+6)" in facts
    assert "<dt class=\"col-sm-4\">Действует</dt>\n      <dd class=\"col-sm-8\">да</dd>" in facts
    assert 'class="navbar' not in page and "Выйти" not in page
    assert response["X-Robots-Tag"].startswith("noindex")


def test_it_shows_nothing_else(signed, client):
    page = client.get(_url(signed)).content.decode()
    for secret in [
        "Утвердить дорожную карту (приложение).",  # a point
        "Руководителям ОО скорректировать планы работы.",
        "Руководители ОО",  # a point's responsible
        "Соколова",  # a person on a point
        "Гринёва",  # the approval's person, not the signatory
        "Кнопкин",  # the account that pressed «Подписать»
        "Дорожная карта в новой редакции",  # the appendix (the plan's title)
        "Мониторинг текущей успеваемости",  # the plan's activity
        "В соответствии с распоряжением министерства",  # the preamble
        signed.content_sha256[:12],
        "/orders/",  # no link into the portal, no id
        "ПРИКАЗЫВАЮ",
    ]:
        assert secret not in page, secret


def test_a_superseded_order_says_since_when_and_by_which_order_only(signed, cast, client):
    copy = order_new_version(order=signed)
    copy.number, copy.date, copy.title = "15", datetime.date(2025, 4, 4), "О новой редакции секретного плана"
    copy.save()
    order_sign(order=copy, user=cast.chair)
    page = client.get(_url(signed)).content.decode()
    assert "Утратил силу с 4 апреля 2025 г. в связи с изданием приказа от 4 апреля 2025 г. № 15" in page
    assert 'data-verdict="void"' in page
    assert "секретного плана" not in page and group_code(Order.objects.get(pk=copy.pk).verification_code) not in page


def test_an_order_the_portal_keeps_no_pdf_of_shows_its_facts_without_a_form(cast, client):
    order = f.OrderFactory(municipality=cast.muni, number="7", date=datetime.date(2024, 1, 9), status="signed", kind="directive")
    order_verification_code_ensure(order=order)
    page = client.get(_url(order)).content.decode()
    assert "Распоряжение" in page and "9 января 2024 г." in page
    assert "PDF этого документа в портале не хранится" in page and 'type="file"' not in page


# --- How it is reached -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["reports:order_verify", "reports:order_detail", "reports:order_pdf"])
def test_the_sequential_id_does_not_work_anonymously(signed, client, name):
    response = client.get(reverse(name, args=[signed.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    assert client.get(f"/verify/{signed.pk}/").status_code == 404


def test_the_code_is_read_as_a_person_types_it(signed, client):
    Order.objects.filter(pk=signed.pk).update(verification_code=CODE)
    for typed in ["K7QD-M2XP-4NW8-T3HC-9RFA", "k7qdm2xp4nw8t3hc9rfa", "k7qd m2xp 4nw8 t3hc 9rfa", "К7QD-М2ХР-4NW8-Т3НС-9RFA"]:
        response = client.get(reverse("verification:order_check", args=[typed]))
        assert response.status_code == 200, typed
        assert "K7QD-M2XP-4NW8-T3HC-9RFA" in response.content.decode()
    response = client.get(reverse("verification:code_form"), {"code": " k7qd m2xp-4nw8 t3hc 9rfa "})
    assert response.status_code == 302 and response.url == reverse("verification:order_check", args=["K7QD-M2XP-4NW8-T3HC-9RFA"])


def test_the_code_form_explains_a_malformed_code_in_russian(db, client):
    page = client.get(reverse("verification:code_form")).content.decode()
    assert '<label class="form-label" for="id_code">Код проверки</label>' in page
    response = client.get(reverse("verification:code_form"), {"code": "K7QD-M2XP"})
    assert response.status_code == 200
    assert "Такого кода не бывает" in response.content.decode() and 'aria-invalid="true"' in response.content.decode()


@pytest.mark.parametrize("code", ["ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ", "not-a-code"])
def test_an_unknown_code_is_a_russian_404(signed, client, code):
    response = client.get(reverse("verification:order_check", args=[code]))
    assert response.status_code == 404
    assert "Подписанного документа с таким кодом проверки нет." in response.content.decode()


def test_a_draft_has_no_code_and_cannot_be_given_one(cast, client):
    draft = cast.order
    assert draft.status == Order.Status.DRAFT and draft.verification_code is None
    with pytest.raises(ValidationError, match="У проекта нет кода проверки"):
        order_verification_code_ensure(order=draft)
    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.filter(pk=draft.pk).update(verification_code=CODE)
    assert client.get(_url(CODE)).status_code == 404


def test_a_new_version_starts_without_a_code(signed):
    assert order_new_version(order=signed).verification_code is None


# --- Comparing a file --------------------------------------------------------------------------------


def test_the_signed_pdf_matches(signed, client):
    data = _stored_bytes(signed)
    page = client.post(_url(signed), {"file": SimpleUploadedFile("prikaz.pdf", data, "application/pdf")}).content.decode()
    assert re.search(r'role="status" data-verdict="match">\s*<strong>Файл совпадает с подписанным документом\.</strong>', page)
    assert "<title>Файл совпадает" in page


def test_a_changed_pdf_does_not_match(signed, client):
    data = bytearray(_stored_bytes(signed))
    data[200] ^= 1
    page = client.post(_url(signed), {"file": SimpleUploadedFile("prikaz.pdf", bytes(data), "application/pdf")}).content.decode()
    assert re.search(r'role="alert" data-verdict="mismatch">\s*<strong>Файл НЕ совпадает с подписанным документом\.</strong>', page)
    assert hashlib.sha256(bytes(data)).hexdigest() in page


def test_an_upload_is_kept_nowhere(signed, client, settings, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("Django's own upload handlers keep the file in memory or on disk")

    monkeypatch.setattr(MemoryFileUploadHandler, "receive_data_chunk", refuse)
    monkeypatch.setattr(TemporaryFileUploadHandler, "new_file", refuse)
    before = _media_files(settings)
    data = _stored_bytes(signed) + b"\n%" + os.urandom(3 * 1024 * 1024)  # past the in-memory threshold
    response = client.post(_url(signed), {"file": SimpleUploadedFile("big.pdf", data, "application/pdf")})
    assert response.status_code == 200 and 'data-verdict="mismatch"' in response.content.decode()
    assert _media_files(settings) == before


def test_the_page_states_the_cap_and_that_nothing_is_kept(signed, client):
    page = client.get(_url(signed)).content.decode()
    assert '<label class="form-label" for="id_file">Файл для сверки</label>' in page
    assert "не больше 30 МБ" in page and "Файл не сохраняется" in page


def test_a_body_past_the_cap_is_refused_unread(signed, client, monkeypatch):
    monkeypatch.setattr(views, "VERIFY_UPLOAD_MAX_BYTES", 1024)
    data = b"%PDF" + b"0" * (100 * 1024)
    response = client.post(_url(signed), {"file": SimpleUploadedFile("big.pdf", data, "application/pdf")})
    assert response.status_code == 413
    assert "Файл больше 30 МБ: такие не сверяются." in response.content.decode()


def test_a_file_past_the_cap_is_not_hashed():
    handler = Sha256UploadHandler(max_bytes=10)
    handler.new_file("file", "big.pdf", "application/pdf", 20)
    for chunk in (b"0123456789", b"x"):
        assert handler.receive_data_chunk(chunk, 0) is None  # no later handler gets the bytes
    upload = handler.file_complete(11)
    assert upload.sha256 is None and upload.size == 11
    form = OrderFileCheckForm(data={}, files={"file": upload})
    assert not form.is_valid() and form.errors["file"] == ["Файл больше 30 МБ: такие не сверяются."]


def test_the_upload_keeps_csrf_protection(signed):
    client = Client(enforce_csrf_checks=True)
    client.get(_url(signed))
    token = client.cookies["csrftoken"].value
    data = _stored_bytes(signed)
    ok = client.post(_url(signed), {"file": SimpleUploadedFile("p.pdf", data), "csrfmiddlewaretoken": token})
    assert 'data-verdict="match"' in ok.content.decode()
    assert Client(enforce_csrf_checks=True).post(_url(signed), {"file": SimpleUploadedFile("p.pdf", data)}).status_code == 403


# --- Rate limit ---------------------------------------------------------------------------------------


def test_lookups_past_the_limit_get_429_in_russian(signed, client):
    unknown = reverse("verification:order_check", args=["ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ"])
    for i in range(views.RATE_LIMIT):
        assert client.get(unknown if i % 2 else _url(signed)).status_code in (200, 404)
    response = client.get(_url(signed))
    assert response.status_code == 429
    assert "Слишком много проверок" in response.content.decode() and int(response["Retry-After"]) > 0
    assert client.get(_url(signed), REMOTE_ADDR="10.9.8.7").status_code == 200


def test_an_upload_costs_more_than_a_lookup(signed, client):
    data = _stored_bytes(signed)
    uploads = views.RATE_LIMIT // views.UPLOAD_COST
    for _ in range(uploads):
        assert client.post(_url(signed), {"file": SimpleUploadedFile("p.pdf", data)}).status_code == 200
    assert client.post(_url(signed), {"file": SimpleUploadedFile("p.pdf", data)}).status_code == 429


def test_behind_a_proxy_each_client_is_counted_not_the_proxy(signed, client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(views.RATE_LIMIT):
        client.get(_url(signed), REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert client.get(_url(signed), REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6").status_code == 429
    assert client.get(_url(signed), REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="7.7.7.7").status_code == 200


# --- Codes: made at signing, printed, given to the orders signed before --------------------------------


def test_codes_are_20_characters_of_an_unambiguous_alphabet():
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200 and all(len(c) == 20 and set(c) <= set(ALPHABET) for c in codes)
    assert not set("ILOU") & set(ALPHABET) and len(ALPHABET) ** 20 >= 2**100
    assert normalise_code("k7qd-m2xp-4nw8-t3hc-9rfa") == CODE and normalise_code("K7QD-M2XP-4NW8-T3HC-9RF") is None


def test_signing_gives_a_code_printed_on_every_page(signed):
    assert normalise_code(signed.verification_code) == signed.verification_code
    text = poppler("pdftotext", "-layout", signed.pdf.path, "-")
    pages = text.split("\f")[:-1]
    for page in pages:
        assert f"Код проверки: {group_code(signed.verification_code)}" in page
        assert squash(verification_for_code(signed.verification_code).entry_url) in squash(page)


def test_print_order_prints_the_code(signed, tmp_path, capsys):
    call_command("print_order", "--number", "12", "-o", str(tmp_path / "p.pdf"))
    out = capsys.readouterr().out
    assert f"Код проверки: {group_code(signed.verification_code)}" in out
    assert verification_for_code(signed.verification_code).url in out


def test_print_order_gives_an_order_signed_outside_the_portal_its_code(cast, tmp_path, capsys):
    order = f.OrderFactory(municipality=cast.muni, number="229-ра", date=datetime.date(2024, 2, 29), status="signed")
    OrderPoint.objects.create(order=order, number=1, text="Утвердить.")
    call_command("print_order", "--number", "229", "-o", str(tmp_path / "p.pdf"))
    order.refresh_from_db()
    assert order.verification_code and f"Код проверки: {group_code(order.verification_code)}" in capsys.readouterr().out
    text = poppler("pdftotext", "-layout", str(tmp_path / "p.pdf"), "-")
    assert f"Код проверки: {group_code(order.verification_code)}" in text


def test_the_migration_gives_every_signed_order_a_code(cast):
    before = f.OrderFactory(municipality=cast.muni, number="3", date=datetime.date(2023, 4, 4), status="signed")
    migration = importlib.import_module("reports.migrations.0005_order_verification_code_backfill")
    migration.give_codes(apps, None)
    before.refresh_from_db()
    cast.order.refresh_from_db()
    assert normalise_code(before.verification_code) == before.verification_code
    assert cast.order.verification_code is None  # a draft stays without


def test_the_logged_in_page_links_to_the_public_one(signed, cast, client):
    client.force_login(cast.coordinator)
    page = client.get(reverse("reports:order_verify", args=[signed.pk])).content.decode()
    assert f'href="{_url(signed)}"' in page and 'data-verdict="ok"' in page
    client.force_login(cast.coordinator_other)
    assert client.get(reverse("reports:order_verify", args=[signed.pk])).status_code == 404
