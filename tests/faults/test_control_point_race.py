"""Two people save the same control point at the same moment, through two PostgreSQL connections.

Each request runs in its own thread with its own connection; both have read the point and are
released together just before the workflow locks the row, so neither can finish before the other
starts. Exactly one save wins; the other gets the Russian «changed by someone else» message with
its text still in the form; the point holds the winner's text, one version later, one history record.
"""

import threading

import pytest
from django.test import Client
from django.urls import reverse

from monitoring.control import workflow
from monitoring.models import ControlPoint

from .conftest import run_together

CONFLICT = "уже изменил другой пользователь"


@pytest.fixture
def meet_at_the_lock(monkeypatch):
    """Hold each save just before SELECT … FOR UPDATE until the other one is there too."""
    both_there = threading.Barrier(2, timeout=30)
    real_lock = workflow._lock

    def lock(control_point, version):
        both_there.wait()
        return real_lock(control_point, version)

    monkeypatch.setattr(workflow, "_lock", lock)


def post_as(user, url, data):
    def request():
        client = Client()
        client.force_login(user)
        response = client.post(url, data)
        return response.status_code, response.content.decode()

    return request


def test_two_reports_at_once_one_wins_the_other_is_told(postgres, cast, meet_at_the_lock):
    version = cast.cp_a.version
    url = reverse("monitoring:control_point_report", args=[cast.cp_a.pk])
    results = run_together(
        post_as(cast.director_a, url, {"version": version, "report_text": "Текст директора", "action": "save"}),
        post_as(cast.coordinator, url, {"version": version, "report_text": "Текст координатора", "action": "save"}),
    )
    assert [kind for kind, _ in results] == ["ok", "ok"], results
    (status_1, page_1), (status_2, page_2) = (value for _, value in results)
    assert sorted([status_1, status_2]) == [200, 302]  # a redirect after the save, the form again for the refused
    refused_page = page_1 if status_1 == 200 else page_2
    assert CONFLICT in refused_page
    refused_text = "Текст директора" if status_1 == 200 else "Текст координатора"
    winner_text = "Текст координатора" if status_1 == 200 else "Текст директора"
    assert refused_text in refused_page  # the refused text waits in the form, not lost

    point = ControlPoint.objects.get(pk=cast.cp_a.pk)
    assert point.report_text == winner_text and point.version == version + 1
    assert point.history.filter(history_change_reason="Отчёт сохранён").count() == 1


def test_an_accept_and_a_return_at_once_one_decides(postgres, cast, meet_at_the_lock, monkeypatch):
    cp = cast.cp_a
    ControlPoint.objects.filter(pk=cp.pk).update(status=ControlPoint.Status.SUBMITTED, report_text="Сделано")
    cp.refresh_from_db()
    version = cp.version
    results = run_together(
        post_as(cast.curator, reverse("monitoring:control_point_accept", args=[cp.pk]), {"version": version, "comment": ""}),
        post_as(
            cast.coordinator,
            reverse("monitoring:control_point_return", args=[cp.pk]),
            {"version": version, "comment": "Приложите протокол"},
        ),
    )
    assert [kind for kind, _ in results] == ["ok", "ok"], results
    cp.refresh_from_db()
    assert cp.version == version + 1
    assert cp.status in (ControlPoint.Status.DONE, ControlPoint.Status.REWORK)
    decisions = cp.history.filter(history_change_reason__in=["Отчёт принят", "Возвращено на доработку"]).count()
    assert decisions == 1


def test_without_the_row_lock_the_same_race_loses_an_update(postgres, cast, monkeypatch):
    """The harness really races: a read-then-write check lets both saves through (what FOR UPDATE prevents)."""
    both_read = threading.Barrier(2, timeout=30)

    def read_then_write(control_point, version):
        current = ControlPoint.objects.select_related("activity", "school", "municipality").get(pk=control_point.pk)
        both_read.wait()
        if int(version) != current.version:
            raise AssertionError("the second read already saw the first save")
        return current

    monkeypatch.setattr(workflow, "_lock", read_then_write)
    version = cast.cp_a.version
    results = run_together(
        lambda: workflow.control_point_report(control_point=cast.cp_a, user=cast.director_a, version=version, report_text="A"),
        lambda: workflow.control_point_report(control_point=cast.cp_a, user=cast.coordinator, version=version, report_text="B"),
    )
    assert [kind for kind, _ in results] == ["ok", "ok"], results
    # Both «won» from the same version: one text silently overwrote the other.
    assert ControlPoint.objects.get(pk=cast.cp_a.pk).version == version + 1
