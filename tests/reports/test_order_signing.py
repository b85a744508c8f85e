"""Only the chair signs; signing stores the PDF and its hash, approves plans, voids what it voids.
A signed order never changes — through the services, the views or the admin."""

import datetime
import hashlib
import re

import pytest
from django.contrib.admin.sites import site as admin_site
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse

from reports.admin import OrderAdmin, OrderAppendixInline, OrderPointInline
from reports.models import Order, OrderAppendix, OrderPoint
from reports.services import (
    order_appendix_delete,
    order_appendix_save,
    order_new_version,
    order_point_delete,
    order_point_save,
    order_save,
    order_sign,
    verification_for_code,
)
from reports.verification_codes import group_code
from roadmaps.models import Plan

from .. import factories as f
from .conftest import poppler

@pytest.fixture
def signed(ready_order, cast):
    return order_sign(order=ready_order, user=cast.chair)


def test_the_chair_signs_and_the_plan_comes_into_force(ready_order, cast, client):
    client.force_login(cast.chair)
    response = client.post(reverse("reports:order_sign", args=[ready_order.pk]), {"version": ready_order.version})
    assert response.status_code == 302
    order = Order.objects.get(pk=ready_order.pk)
    assert order.status == Order.Status.SIGNED and order.signed_by == cast.chair and order.signed_at
    assert order.pdf.name.startswith(f"orders/{cast.muni.pk}/") and order.pdf.name.endswith(".pdf")
    with order.pdf.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == order.pdf_sha256
    assert len(order.content_sha256) == 64
    edition = Plan.objects.get(pk=ready_order.edition.pk)
    assert edition.status == Plan.Status.APPROVED and edition.approved_by == order
    cast.plan.refresh_from_db()
    assert cast.plan.status == Plan.Status.SUPERSEDED


@pytest.mark.parametrize(
    ("role", "status"),
    # The coordinator sees the draft but may not sign it; the others do not even see a draft.
    [("coordinator", 403), ("curator", 404), ("director_a", 404), ("region_viewer", 404)],
)
def test_no_one_but_the_chair_signs(ready_order, cast, client, role, status):
    client.force_login(getattr(cast, role))
    response = client.post(reverse("reports:order_sign", args=[ready_order.pk]), {"version": ready_order.version})
    assert response.status_code == status
    assert Order.objects.get(pk=ready_order.pk).status == Order.Status.DRAFT


def test_the_chair_of_another_municipality_does_not_find_it(ready_order, cast, client):
    chair_other = f.UserFactory(role="chair", municipality=cast.other)
    client.force_login(chair_other)
    assert client.post(reverse("reports:order_sign", args=[ready_order.pk])).status_code == 404


def test_signing_needs_number_and_date_in_russian(cast, client):
    OrderPoint.objects.create(order=cast.order, number=1, text="Утвердить.")
    client.force_login(cast.chair)
    cast.order.refresh_from_db()
    response = client.post(reverse("reports:order_sign", args=[cast.order.pk]), {"version": cast.order.version}, follow=True)
    page = response.content.decode()
    assert "Укажите номер документа: без номера его нельзя подписать." in page
    assert "Укажите дату документа: без даты его нельзя подписать." in page
    cast.order.refresh_from_db()
    assert cast.order.status == Order.Status.DRAFT and not cast.order.pdf


def test_signing_refuses_what_the_chair_did_not_see(ready_order, cast, client):
    client.force_login(cast.chair)
    seen = ready_order.version
    order_point_save(order=ready_order, data={"number": 3, "text": "Добавлено после просмотра."})
    response = client.post(reverse("reports:order_sign", args=[ready_order.pk]), {"version": seen}, follow=True)
    assert "уже изменил другой пользователь" in response.content.decode()
    assert Order.objects.get(pk=ready_order.pk).status == Order.Status.DRAFT


def test_several_appendices_are_numbered_at_signing_not_refused(ready_order, cast):
    """A second appendix added outside the editor (an import) no longer blocks signing: signing
    numbers them in their order and the point that said «(приложение)» names its number."""
    OrderAppendix.objects.create(order=ready_order, position=2, kind="text", text="Состав")
    order = order_sign(order=ready_order, user=cast.chair)
    assert list(order.appendices.order_by("position").values_list("number", flat=True)) == [1, 2]
    assert order.points.get(number=1).text == "Утвердить дорожную карту (приложение № 1)."


def test_signing_voids_and_replaces_earlier_orders(ready_order, cast):
    voided = f.OrderFactory(municipality=cast.muni, number="204-А", date=datetime.date(2024, 6, 28), status="signed")
    replaced = f.OrderFactory(municipality=cast.muni, number="11", date=datetime.date(2025, 1, 10), status="signed")
    ready_order.voids.add(voided)
    ready_order.replaces = replaced
    ready_order.save()
    order = order_sign(order=ready_order, user=cast.chair)
    for old in (voided, replaced):
        old.refresh_from_db()
        assert old.superseded_by == order and old.superseded_on == order.date


def test_the_list_marks_what_lost_force(ready_order, cast, client):
    replaced = f.OrderFactory(municipality=cast.muni, number="11", date=datetime.date(2025, 1, 10), status="signed")
    ready_order.replaces = replaced
    ready_order.save()
    order_sign(order=ready_order, user=cast.chair)
    client.force_login(cast.curator)
    page = client.get(reverse("reports:order_list")).content.decode()
    row = re.search(rf'<tr data-order="{replaced.pk}">.*?</tr>', page, re.S).group(0)
    assert "утратил силу" in row
    row = re.search(rf'<tr data-order="{ready_order.pk}">.*?</tr>', page, re.S).group(0)
    assert "утратил силу" not in row


# --- A signed order never changes ----------------------------------------------------------------


def test_services_refuse_to_change_a_signed_order(signed):
    point = signed.points.first()
    appendix = signed.appendices.first()
    attempts = [
        lambda: order_save(order=signed, data={"title": "Другой"}, version=signed.version),
        lambda: order_point_save(order=signed, data={"number": 9, "text": "Ещё пункт"}),
        lambda: order_point_save(order=signed, point=point, data={"text": "Правка"}),
        lambda: order_point_delete(point=point),
        lambda: order_appendix_save(order=signed, appendix=appendix, data={"title": "Правка"}),
        lambda: order_appendix_delete(appendix=appendix),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as error:
            attempt()
        assert "Подписанный документ изменить нельзя" in error.value.messages[0]
    signed.refresh_from_db()
    assert signed.title == "Об утверждении дорожной карты" and signed.points.count() == 2


@pytest.mark.parametrize("role", ["coordinator", "chair", "curator", "director_a"])
def test_views_refuse_to_change_a_signed_order(signed, cast, client, role):
    client.force_login(getattr(cast, role))
    point = signed.points.first()
    appendix = signed.appendices.first()
    for url, data in [
        (reverse("reports:order_change", args=[signed.pk]), {"title": "Другой"}),
        (reverse("reports:point_add", args=[signed.pk]), {"number": 5, "text": "Ещё"}),
        (reverse("reports:point_change", args=[point.pk]), {"number": 1, "text": "Правка"}),
        (reverse("reports:point_delete", args=[point.pk]), {}),
        (reverse("reports:appendix_add", args=[signed.pk]), {"position": 2, "kind": "text", "text": "x"}),
        (reverse("reports:appendix_change", args=[appendix.pk]), {"position": 1, "kind": "text", "text": "x"}),
        (reverse("reports:appendix_delete", args=[appendix.pk]), {}),
        (reverse("reports:order_sign", args=[signed.pk]), {}),
    ]:
        response = client.post(url, data)
        assert response.status_code in (302, 403), url
    signed.refresh_from_db()
    assert signed.title == "Об утверждении дорожной карты"
    assert sorted(signed.points.values_list("text", flat=True))[0].startswith("Руководителям")
    assert signed.points.count() == 2 and signed.appendices.count() == 1


def test_the_change_page_of_a_signed_order_says_why_it_is_closed(signed, cast, client):
    client.force_login(cast.coordinator)
    response = client.get(reverse("reports:order_change", args=[signed.pk]))
    assert response.status_code == 403
    assert "Подписанный документ изменить нельзя" in response.content.decode()


def test_the_admin_shows_a_signed_order_read_only(signed, cast, client):
    superuser = f.UserFactory(username="root", role="", municipality=None, is_superuser=True, is_staff=True)
    request = RequestFactory().get("/")
    request.user = superuser
    admin = OrderAdmin(Order, admin_site)
    assert not admin.has_change_permission(request, signed)
    assert not admin.has_delete_permission(request, signed)
    assert admin.has_change_permission(request, cast.order_other)
    for inline in (OrderPointInline(Order, admin_site), OrderAppendixInline(Order, admin_site)):
        assert not inline.has_add_permission(request, signed)
        assert not inline.has_change_permission(request, signed)
        assert not inline.has_delete_permission(request, signed)
    client.force_login(superuser)
    url = reverse("admin:reports_order_change", args=[signed.pk])
    client.post(url, {"title": "Подменён через админку", "kind": "order"})
    assert client.post(reverse("admin:reports_order_delete", args=[signed.pk]), {"post": "yes"}).status_code == 403
    draft_version = signed.history.filter(status=Order.Status.DRAFT).earliest("history_date")
    revert = reverse("admin:reports_order_simple_history", args=[signed.pk, draft_version.history_id])
    assert client.post(revert, {"title": "Возврат к проекту", "kind": "order", "status": "draft"}).status_code == 403
    signed.refresh_from_db()
    assert signed.title == "Об утверждении дорожной карты" and signed.is_signed


# --- A change is a new order ---------------------------------------------------------------------


def test_a_new_version_is_a_draft_that_replaces_the_signed_order(signed, cast, client):
    client.force_login(cast.coordinator)
    response = client.post(reverse("reports:order_new_version", args=[signed.pk]))
    copy = Order.objects.get(replaces=signed)
    assert response.url == reverse("reports:order_detail", args=[copy.pk])
    assert copy.status == Order.Status.DRAFT and copy.number == "" and copy.date is None
    assert list(copy.points.values_list("number", "text")) == list(signed.points.values_list("number", "text"))
    assert copy.appendices.get().plan == signed.appendices.get().plan
    old_page = client.get(reverse("reports:order_detail", args=[signed.pk])).content.decode()
    new_page = client.get(reverse("reports:order_detail", args=[copy.pk])).content.decode()
    assert reverse("reports:order_detail", args=[copy.pk]) + '" data-link="replaced-by"' in old_page
    assert reverse("reports:order_detail", args=[signed.pk]) + '" data-link="replaces"' in new_page
    with pytest.raises(ValidationError, match="уже есть"):
        order_new_version(order=signed)


@pytest.mark.parametrize("role", ["chair", "curator", "director_a"])
def test_only_the_coordinator_starts_a_new_version(signed, cast, client, role):
    client.force_login(getattr(cast, role))
    assert client.post(reverse("reports:order_new_version", args=[signed.pk])).status_code == 403


# --- The stored PDF and its verification -----------------------------------------------------------


def test_the_pdf_view_sends_the_stored_bytes(signed, cast, client):
    client.force_login(cast.director_a)
    response = client.get(reverse("reports:order_pdf", args=[signed.pk]))
    data = b"".join(response.streaming_content)
    assert hashlib.sha256(data).hexdigest() == signed.pdf_sha256
    assert response["Content-Type"] == "application/pdf"
    assert "filename*=utf-8''" in response["Content-Disposition"]


def test_the_verification_page_recomputes_the_stored_hash(signed, cast, client):
    client.force_login(cast.curator)
    page = client.get(reverse("reports:order_verify", args=[signed.pk])).content.decode()
    assert 'data-verdict="ok"' in page
    assert signed.pdf_sha256 in page and signed.content_sha256[:12] in page
    assert "содержание в портале совпадает с подписанным" in page


def test_tampering_the_stored_file_is_detected(signed, cast, client):
    path = signed.pdf.path
    with open(path, "r+b") as handle:
        handle.seek(200)
        handle.write(b"X")
    client.force_login(cast.chair)
    page = client.get(reverse("reports:order_verify", args=[signed.pk])).content.decode()
    assert 'data-verdict="tampered"' in page and "изменён после подписания" in page


def test_verification_is_for_logged_in_users_of_the_municipality(signed, cast, client):
    url = reverse("reports:order_verify", args=[signed.pk])
    assert client.get(url).status_code == 302
    client.force_login(cast.coordinator_other)
    assert client.get(url).status_code == 404


def test_each_page_carries_the_verification_line(signed):
    text = poppler("pdftotext", "-layout", signed.pdf.path, "-")
    pages = text.split("\f")[:-1]
    assert len(pages) >= 2
    for page in pages:
        assert f"Код проверки: {group_code(signed.verification_code)}" in page
        assert "Приказ от 28.03.2025 № 12" in page
    assert "электронной подписью" not in text


def test_each_page_carries_a_qr_code_that_opens_the_verification_page(signed, tmp_path):
    """Read the QR back from the rendered pages: its modules must be the ones segno made for the URL."""
    import segno

    url = verification_for_code(signed.verification_code).url
    assert url.endswith(f"/verify/{group_code(signed.verification_code)}/")
    expected = segno.make(url, error="m").matrix
    pages = int(re.search(r"Pages:\s+(\d+)", poppler("pdfinfo", signed.pdf.path)).group(1))
    for number in range(1, pages + 1):
        prefix = tmp_path / f"p{number}"
        poppler("pdftoppm", "-r", "300", "-gray", "-f", str(number), "-l", str(number), signed.pdf.path, str(prefix))
        image = next(tmp_path.glob(f"p{number}*.pgm"))
        assert _read_qr(image, len(expected)) == [list(row) for row in expected], f"страница {number}"


def _read_qr(path, size):
    """Bounding box of the dark object at the bottom left of the page, sampled at module centres."""
    data = path.read_bytes()
    header = data.split(b"\n", 3)
    width, height = map(int, header[1].split())
    pixels = header[3]
    dpmm = 300 / 25.4
    top = height - int(20 * dpmm)
    left, right = 0, int(width * 0.5)

    def dark(x, y):
        return pixels[y * width + x] < 128

    xs = [x for x in range(left, right) for y in range(top, height, 3) if dark(x, y)]
    assert xs, "в нижнем поле страницы нет QR-кода"
    x0 = min(xs)
    # The code is a square: its width is the extent of the first run of dark columns.
    column_dark = [any(dark(x, y) for y in range(top, height)) for x in range(x0, right)]
    gap = 0
    x1 = x0
    for offset, is_dark in enumerate(column_dark):
        if is_dark:
            x1, gap = x0 + offset, 0
        else:
            gap += 1
            if gap > int(2 * dpmm):
                break
    ys = [y for y in range(top, height) if any(dark(x, y) for x in range(x0, x1 + 1, 2))]
    y0, y1 = min(ys), max(ys)
    module = (x1 - x0 + 1) / size
    return [
        [1 if dark(int(x0 + (c + 0.5) * module), int(y0 + (r + 0.5) * (y1 - y0 + 1) / size)) else 0 for c in range(size)]
        for r in range(size)
    ]
