"""The web import: upload form → preview of every row → «Создать план» (coordinator only)."""

import re
from datetime import date
from html import unescape

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from roadmaps.importers import ParsedPlan
from roadmaps.models import Activity, Plan
from roadmaps.views import imports

from .docx_builders import T, build_docx, demo_docx, demo_plan

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FORM = {"kind": "roadmap", "title": "Дорожная карта 2025", "period_start": "01.01.2025", "period_end": "31.12.2025"}


def _upload(client, data=None, name="plan.docx", **fields):
    payload = {**FORM, **fields, "file": SimpleUploadedFile(name, data or demo_docx("uglegorsk"), content_type=DOCX)}
    return client.post(reverse("roadmaps:plan_import"), payload)


def _payload(response):
    return unescape(re.search(r'name="payload" value="([^"]+)"', response.content.decode())[1])


def _new_plans(cast):
    return Plan.objects.exclude(pk__in=[cast.plan.pk, cast.plan_other.pk])


def test_it_shows_the_upload_form_to_the_coordinator(cast, client):
    client.force_login(cast.coordinator)
    page = client.get(reverse("roadmaps:plan_import")).content.decode()
    for label in ("Файл плана", "Вид плана", "Наименование плана", "Начало периода", "Окончание периода", "Проверить файл"):
        assert label in page
    assert 'enctype="multipart/form-data"' in page and cast.muni.name in page


@pytest.mark.parametrize("role", ["chair", "curator", "director_a", "region_viewer", "no_role"])
def test_it_refuses_everyone_but_the_coordinator(cast, client, role):
    client.force_login(getattr(cast, role))
    assert client.get(reverse("roadmaps:plan_import")).status_code == 403
    assert _upload(client).status_code == 403
    assert client.post(reverse("roadmaps:plan_import_confirm"), {"payload": "x"}).status_code == 403
    assert not _new_plans(cast).exists()


def test_it_sends_anonymous_visitors_to_login(db, client):
    for url in (reverse("roadmaps:plan_import"), reverse("roadmaps:plan_import_confirm")):
        response = client.post(url)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_it_previews_every_section_and_row_with_its_reading(cast, client):
    client.force_login(cast.coordinator)
    response = _upload(client)
    assert response.status_code == 200
    page = unescape(response.content.decode())
    plan = demo_plan("uglegorsk")
    position = 0
    for part in plan["sections"]:
        for section in [part, *part["children"]]:
            position = page.index(section["title"], position)
            for a in section["activities"]:
                position = page.index(f'<td class="col-num">{a["number"]}</td>', position)
                assert a["content"] in page
    assert "Разделов: <strong>9</strong>" in page and "мероприятий: <strong>49</strong>" in page
    # Deadlines: windows in DD.MM.YYYY, or the kind of phrase.
    assert "01.09.2025 – 30.09.2025" in page  # «Сентябрь, 2025» of 2.10
    assert "01.01.2025 – 25.03.2025" in page  # the first quarter of «Ежеквартально, не позднее 25 числа…»
    assert "по графику" in page and "по необходимости" in page
    # Executors with their levels; targets.
    assert 'Руководители ШНОР <span class="badge text-bg-success executor-level">ОО</span>' in page
    assert 'кураторы <span class="badge text-bg-info executor-level">муниципалитет</span>' in page
    assert "Цель: не менее 20 %" in page
    assert "Создать план" in page
    assert not _new_plans(cast).exists()


def test_it_marks_an_unread_deadline_and_lists_warnings(cast, client):
    data = build_docx([T(["№", "Мероприятие", "Срок", "Ответственные", "Результат"], [
        ["1", "Анализ", "когда освободится зал", "Кураторы", "Справка"],
        ["1", "Визиты", "Май 2025", "ГАУ ДПО ПК ИРО", "Отчёт"],
    ])])
    client.force_login(cast.coordinator)
    page = unescape(_upload(client, data).content.decode())
    assert "не распознан" in page and "сроков не распознано: 1" in page
    assert "номер 1 повторяется" in page
    assert 'ГАУ ДПО ПК ИРО <span class="badge text-bg-primary executor-level">регион</span>' in page


def test_it_takes_the_title_from_the_document_when_left_empty(cast, client):
    client.force_login(cast.coordinator)
    page = unescape(_upload(client, title="").content.decode())
    assert "<h1 class=\"h4 mb-1\">Муниципальная дорожная карта по сопровождению ШНОР" in page


def test_it_names_the_plan_by_its_kind_and_period_when_nothing_else_names_it(cast, client):
    data = build_docx([T(["№", "Мероприятие", "Срок"], [["1", "Анализ", "Май 2025"]])])
    client.force_login(cast.coordinator)
    page = unescape(_upload(client, data, title="", kind="schedule", period_end="31.12.2026").content.decode())
    assert '<h1 class="h4 mb-1">План-график на 2025–2026 годы</h1>' in page


@pytest.mark.parametrize(
    ("fields", "data", "name", "field", "message"),
    [
        ({}, b"just text", "plan.docx", "file", "Это не документ Word (.docx) и не таблица Excel (.xlsx)."),
        ({}, None, "plan.pdf", "file", "Загрузите документ Word (.docx) или таблицу Excel (.xlsx)."),
        ({}, build_docx([T(["Школа", "Ученики"], [["СОШ № 1", "80"]])]), "plan.docx", "file", "не найдена таблица плана"),
        ({"period_start": "2025-01-01"}, None, "plan.docx", "period_start", "Дата в формате ДД.ММ.ГГГГ"),
        ({"period_end": ""}, None, "plan.docx", "period_end", "Укажите дату."),
        ({"period_end": "01.12.2024"}, None, "plan.docx", "period_end", "Окончание периода раньше его начала."),
    ],
    ids=["not-a-document", "wrong-extension", "no-plan-table", "iso-date", "no-date", "reversed-period"],
)
def test_it_shows_errors_next_to_the_fields_in_russian(cast, client, fields, data, name, field, message):
    client.force_login(cast.coordinator)
    response = _upload(client, data, name=name, **fields)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert any(message in e for e in errors[field]), errors
    page = unescape(response.content.decode())
    assert f'id="error_1_id_{field}"' in page and message in page
    assert not _new_plans(cast).exists()


def test_it_creates_the_plan_from_the_previewed_rows(cast, client):
    client.force_login(cast.coordinator)
    payload = _payload(_upload(client, demo_docx("yakovlevsky"), kind="schedule", period_start="01.01.2024", period_end="31.12.2027"))
    response = client.post(reverse("roadmaps:plan_import_confirm"), {"payload": payload}, follow=True)
    plan = _new_plans(cast).get()
    assert response.redirect_chain == [(reverse("roadmaps:plan_detail", args=[plan.pk]), 302)]
    assert (plan.municipality, plan.status, plan.kind, plan.title) == (
        cast.muni, Plan.Status.DRAFT, Plan.Kind.SCHEDULE, "Дорожная карта 2025"
    )
    assert plan.sections.count() == 6
    assert Activity.objects.filter(section__plan=plan).count() == 35
    page = response.content.decode()
    assert "создан черновиком: разделов — 6, мероприятий — 35" in page
    # The plan's history names who imported it.
    assert Activity.history.filter(section_id__in=plan.sections.values("pk")).first().history_user == cast.coordinator


def test_it_creates_the_plan_once_when_confirmed_twice(cast, client):
    client.force_login(cast.coordinator)
    payload = _payload(_upload(client))
    first = client.post(reverse("roadmaps:plan_import_confirm"), {"payload": payload})
    second = client.post(reverse("roadmaps:plan_import_confirm"), {"payload": payload})
    plan = _new_plans(cast).get()
    assert first.url == second.url == reverse("roadmaps:plan_detail", args=[plan.pk])


def test_a_preview_confirmed_from_a_second_session_makes_no_second_plan(cast, client):
    from django.test import Client

    client.force_login(cast.coordinator)
    payload = _payload(_upload(client))
    client.post(reverse("roadmaps:plan_import_confirm"), {"payload": payload})
    elsewhere = Client()  # the same coordinator in another browser: a session that never saw the first
    elsewhere.force_login(cast.coordinator)
    response = elsewhere.post(reverse("roadmaps:plan_import_confirm"), {"payload": payload}, follow=True)
    plan = _new_plans(cast).get()
    assert response.redirect_chain[-1][0] == reverse("roadmaps:plan_detail", args=[plan.pk])
    assert "уже создан из загруженного файла" in response.content.decode()


def test_two_confirmations_racing_save_one_plan(cast, client, monkeypatch):
    from roadmaps import import_services

    client.force_login(cast.coordinator)
    data = signing.loads(_payload(_upload(client)), salt=imports.IMPORT_SALT)
    arguments = {
        "municipality": cast.muni, "title": data["title"], "kind": data["kind"],
        "start": date.fromisoformat(data["start"]), "end": date.fromisoformat(data["end"]),
        "parsed": ParsedPlan.from_dict(data["parsed"]), "token": data["nonce"],
    }
    real, first = import_services._plan_import, []

    def racing(**kwargs):
        if not first:  # the other confirmation saves between this one's check and its insert
            first.append(real(**kwargs))
        return real(**kwargs)

    monkeypatch.setattr(import_services, "_plan_import", racing)
    with pytest.raises(import_services.AlreadyImported) as caught:
        import_services.plan_import(**arguments)
    assert caught.value.plan == first[0].plan
    assert _new_plans(cast).count() == 1


def test_it_refuses_a_tampered_payload(cast, client):
    client.force_login(cast.coordinator)
    payload = _payload(_upload(client))
    value, signature = payload.rsplit(":", 1)
    forged = signing.dumps(signing.loads(payload, salt=imports.IMPORT_SALT), salt="another salt", compress=True)
    for bad in (value + ":" + signature[::-1], payload[:-2], forged, ""):
        response = client.post(reverse("roadmaps:plan_import_confirm"), {"payload": bad})
        assert response.status_code == 400
        assert "повреждены или изменены" in response.content.decode()
    assert not _new_plans(cast).exists()


def test_it_refuses_an_expired_preview(cast, client, monkeypatch):
    client.force_login(cast.coordinator)
    payload = _payload(_upload(client))
    monkeypatch.setattr(imports, "IMPORT_MAX_AGE", -1)
    response = client.post(reverse("roadmaps:plan_import_confirm"), {"payload": payload})
    assert response.status_code == 400 and "устарел" in response.content.decode()
    assert not _new_plans(cast).exists()


def test_it_never_saves_into_a_foreign_municipality(cast, client):
    # Another coordinator's preview, replayed here…
    client.force_login(cast.coordinator)
    payload = _payload(_upload(client))
    client.force_login(cast.coordinator_other)
    assert client.post(reverse("roadmaps:plan_import_confirm"), {"payload": payload}).status_code == 403
    # …and a validly signed payload aimed at another municipality.
    data = signing.loads(payload, salt=imports.IMPORT_SALT)
    client.force_login(cast.coordinator)
    aimed = signing.dumps({**data, "municipality": cast.other.pk}, salt=imports.IMPORT_SALT, compress=True)
    assert client.post(reverse("roadmaps:plan_import_confirm"), {"payload": aimed}).status_code == 403
    assert not _new_plans(cast).exists()


def test_it_accepts_only_post_to_confirm(cast, client):
    client.force_login(cast.coordinator)
    assert client.get(reverse("roadmaps:plan_import_confirm")).status_code == 405
