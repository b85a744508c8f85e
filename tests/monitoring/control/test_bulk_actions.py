"""Bulk actions of the register: the coordinator reminds, moves or cancels the checked points after a confirmation."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from monitoring.control.remind import REMIND_REASON
from monitoring.models import ControlPoint, Notification
from tests.monitoring.conftest import set_state

BULK = "monitoring:register_bulk"
Status = ControlPoint.Status


@pytest.fixture
def people(cast):
    for role in ("director_a", "director_b", "coordinator"):
        user = getattr(cast, role)
        user.email = f"{role}@example.ru"
        user.save()
    return cast


def pair(cp, version=None):
    return f"{cp.pk}:{cp.version if version is None else version}"


def post(client, points, action, confirmed=False, **extra):
    data = {"cp": [p if isinstance(p, str) else pair(p) for p in points], "action": action, **extra}
    if confirmed:
        data["confirmed"] = "1"
    return client.post(reverse(BULK), data)


def history_count(*points):
    return sum(cp.history.count() for cp in points)


def in_a_month():
    return timezone.localdate() + datetime.timedelta(days=30)


def test_the_register_offers_checkboxes_to_the_coordinator_only(people, client):
    client.force_login(people.coordinator)
    page = client.get(reverse("monitoring:register")).content.decode()
    assert 'data-testid="bulk-form"' in page
    assert f'value="{pair(people.cp_a)}" form="bulk-form" id="bulk-cp-{people.cp_a.pk}"' in page
    # Each box is named for the point it selects; «все на странице» has its own label.
    assert f'<label class="visually-hidden" for="bulk-cp-{people.cp_a.pk}">Выбрать точку {people.activity.number}' in page
    assert 'for="bulk-all">Выбрать все точки на странице</label>' in page
    for role in ("director_a", "curator", "chair", "region_viewer"):
        client.force_login(getattr(people, role))
        page = client.get(reverse("monitoring:register")).content.decode()
        assert 'data-testid="bulk-form"' not in page and 'name="cp"' not in page, role


def test_the_confirmation_names_the_count_and_action_and_writes_nothing(people, client):
    client.force_login(people.coordinator)
    before = history_count(people.cp_a, people.cp_b)
    response = post(client, [people.cp_a, people.cp_b], "cancel", reason="Мероприятие перенесено в другой план")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Отменить 2 контрольные точки? Причина: Мероприятие перенесено в другой план" in page
    assert 'data-testid="bulk-submit"' in page
    for cp in (people.cp_a, people.cp_b):
        cp.refresh_from_db()
        assert cp.status == Status.PLANNED
    assert history_count(people.cp_a, people.cp_b) == before
    assert not Notification.objects.exists()


def test_the_confirmation_asks_for_a_missing_reason(people, client):
    client.force_login(people.coordinator)
    page = post(client, [people.cp_a], "cancel", reason="  ").content.decode()
    assert "Укажите причину отмены" in page
    assert 'data-testid="bulk-submit"' not in page
    assert 'aria-invalid="true"' in page


def test_it_cancels_every_point_with_the_reason_in_their_history(people, client):
    client.force_login(people.coordinator)
    response = post(client, [people.cp_a, people.cp_muni], "cancel", confirmed=True, reason="Исключено из плана")
    assert response.status_code == 302
    for cp in (people.cp_a, people.cp_muni):
        cp.refresh_from_db()
        assert cp.status == Status.CANCELLED and cp.cancel_reason == "Исключено из плана"
        record = cp.history.first()
        assert record.history_user == people.coordinator and record.history_change_reason == "Отменено"
    people.cp_b.refresh_from_db()
    assert people.cp_b.status == Status.PLANNED  # not selected
    page = client.get(response.url).content.decode()
    assert "Отменено: 2 контрольные точки." in page


def test_it_moves_the_due_date_keeping_the_first_one(people, client):
    client.force_login(people.coordinator)
    new = in_a_month()
    response = post(client, [people.cp_a, people.cp_b], "move", confirmed=True, due_date=new.isoformat())
    assert response.status_code == 302
    for cp in (people.cp_a, people.cp_b):
        cp.refresh_from_db()
        assert cp.due_date == new and cp.original_due_date == datetime.date(2025, 3, 25)
        record = cp.history.first()
        assert record.history_user == people.coordinator
        assert record.history_change_reason == f"Срок перенесён на {new:%d.%m.%Y}"
    # The directors are told: nobody of them asked for it.
    assert Notification.objects.filter(user=people.director_a, kind=Notification.Kind.DUE_DATE_DECIDED).count() == 1


def test_a_move_is_all_or_nothing(people, client):
    set_state(people.cp_b, status=Status.DONE)
    client.force_login(people.coordinator)
    before = history_count(people.cp_a, people.cp_b)
    response = post(client, [people.cp_a, people.cp_b], "move", confirmed=True, due_date=in_a_month().isoformat())
    page = client.get(response.url).content.decode()
    assert "срок не переносится" in page and "Ничего не сохранено" in page
    people.cp_a.refresh_from_db()
    assert people.cp_a.due_date == datetime.date(2025, 3, 25) and people.cp_a.original_due_date is None
    assert history_count(people.cp_a, people.cp_b) == before


def test_a_move_into_the_past_is_refused_before_confirmation(people, client):
    client.force_login(people.coordinator)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    page = post(client, [people.cp_a], "move", confirmed=True, due_date=yesterday.isoformat()).content.decode()
    assert "Новый срок не может быть в прошлом" in page
    people.cp_a.refresh_from_db()
    assert people.cp_a.due_date == datetime.date(2025, 3, 25)


def test_it_reminds_and_reports_the_points_it_skipped(people, client, django_capture_on_commit_callbacks):
    set_state(people.cp_muni, status=Status.CANCELLED, cancel_reason="Не нужно")
    client.force_login(people.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, [people.cp_a, people.cp_b, people.cp_muni], "remind", confirmed=True)
    assert sorted(m.to[0] for m in mail.outbox) == ["director_a@example.ru", "director_b@example.ru"]
    for cp in (people.cp_a, people.cp_b):
        assert cp.history.filter(history_change_reason__startswith=REMIND_REASON, history_user=people.coordinator).count() == 1
    page = client.get(response.url).content.decode()
    assert "Напоминания отправлены: 2 из 3." in page
    assert "Пропущены:" in page and "напоминать не о чем" in page

    # Within the hour the same points are skipped, not failed, and nobody gets a second letter.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, [people.cp_a, people.cp_b], "remind", confirmed=True)
    assert mail.outbox == []
    page = client.get(response.url).content.decode()
    assert "Напоминания отправлены: 0 из 2." in page and "уже отправлено" in page


def test_select_all_on_the_page_works_without_a_script(people, client):
    client.force_login(people.coordinator)
    data = {
        "select_all": "1",
        "page_cp": [pair(people.cp_a), pair(people.cp_b)],
        "cp": [pair(people.cp_a)],
        "action": "cancel",
        "reason": "Все сразу",
        "confirmed": "1",
    }
    client.post(reverse(BULK), data)
    assert set(ControlPoint.objects.filter(status=Status.CANCELLED).values_list("pk", flat=True)) == {people.cp_a.pk, people.cp_b.pk}


@pytest.mark.parametrize("confirmed", [False, True])
def test_another_municipalitys_point_refuses_the_whole_batch(people, client, confirmed):
    client.force_login(people.coordinator)
    before = history_count(people.cp_a, people.cp_other)
    response = post(client, [people.cp_a, people.cp_other], "cancel", confirmed=confirmed, reason="Чужая точка")
    assert response.status_code == 404
    for cp in (people.cp_a, people.cp_other):
        cp.refresh_from_db()
        assert cp.status == Status.PLANNED
    assert history_count(people.cp_a, people.cp_other) == before


def test_a_point_changed_meanwhile_refuses_the_batch(people, client):
    client.force_login(people.coordinator)
    stale = pair(people.cp_b)
    set_state(people.cp_b, version=people.cp_b.version + 1, status=Status.IN_PROGRESS)
    preview = post(client, [people.cp_a, stale], "cancel", reason="Не актуально").content.decode()
    assert "Пока вы выбирали, точки изменились" in preview and 'data-testid="bulk-submit"' not in preview
    response = post(client, [people.cp_a, stale], "cancel", confirmed=True, reason="Не актуально")
    page = client.get(response.url).content.decode()
    assert "Пока вы выбирали, точки изменились" in page
    assert people.activity.number in page
    assert not ControlPoint.objects.filter(status=Status.CANCELLED).exists()


def test_a_stale_version_refuses_a_reminder_too(people, client):
    client.force_login(people.coordinator)
    post(client, [pair(people.cp_a, people.cp_a.version + 5)], "remind", confirmed=True)
    assert mail.outbox == [] and not people.cp_a.history.filter(history_change_reason__startswith=REMIND_REASON).exists()


@pytest.mark.parametrize("role", ["director_a", "curator", "chair", "region_viewer"])
def test_only_the_coordinator_acts_in_bulk(people, client, role):
    client.force_login(getattr(people, role))
    response = post(client, [people.cp_a], "cancel", confirmed=True, reason="Попытка")
    assert response.status_code == 403
    people.cp_a.refresh_from_db()
    assert people.cp_a.status == Status.PLANNED


def test_a_malformed_or_empty_selection_writes_nothing(people, client):
    client.force_login(people.coordinator)
    for points in ([], ["abc"], [f"{people.cp_a.pk}"]):
        response = post(client, points, "cancel", confirmed=True, reason="x")
        assert response.status_code == 302
    people.cp_a.refresh_from_db()
    assert people.cp_a.status == Status.PLANNED


def test_it_is_post_only(people, client):
    client.force_login(people.coordinator)
    assert client.get(reverse(BULK)).status_code == 405


def test_the_register_with_the_bulk_form_costs_the_same_queries(people, client, django_assert_num_queries):
    from tests.monitoring.control.test_queries import REGISTER

    client.force_login(people.coordinator)
    with django_assert_num_queries(REGISTER):
        page = client.get(reverse("monitoring:register")).content.decode()
    assert 'data-testid="bulk-form"' in page
