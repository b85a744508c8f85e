"""«Отправить на проверку» with nothing written saves nothing: no draft, no new version, no history
row; the error stands at the field, which says so to a screen reader (aria-invalid) and names its
message (aria-describedby) — in the card (htmx) and on the point's page alike."""

import re

import pytest
from django.urls import reverse

from monitoring.models import ControlPoint

HTMX = {"HX-Request": "true"}
MESSAGE = "Опишите, что сделано, прежде чем отправлять отчёт на проверку."


def _state(cp):
    cp.refresh_from_db()
    return (cp.status, cp.version, cp.report_text, cp.achieved_value, cp.history.count())


def _field(html, name):
    return re.search(rf'<(?:textarea|input)[^>]*name="{name}"[^>]*>', html)[0]


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["card", "page"])
def test_an_empty_submit_saves_nothing_and_marks_the_field(cast, client, headers):
    client.force_login(cast.director_a)
    before = _state(cast.cp_a)
    url = reverse("monitoring:control_point_report", args=[cast.cp_a.pk])
    response = client.post(url, {"version": before[1], "report_text": "   ", "action": "submit"}, headers=headers)
    # htmx swaps only 2xx answers: the form with its errors comes back as 200.
    assert response.status_code == 200
    html = response.content.decode()
    assert _state(cast.cp_a) == before
    assert "Отчёт сохранён" not in html
    textarea = _field(html, "report_text")
    assert 'aria-invalid="true"' in textarea and "is-invalid" in textarea
    described = re.search(r'aria-describedby="([^"]+)"', textarea)[1].split()
    # Every id it names is on the page, and the first holds the message.
    for ident in described:
        assert f'id="{ident}"' in html, ident
    error_block = re.search(rf'id="{described[0]}"[^>]*>(.*?)</div>', html, re.S)[1]
    assert MESSAGE in error_block


def test_a_point_with_a_target_needs_the_value_to_be_sent(cast, client):
    activity = cast.cp_a.activity
    activity.target_value = 10
    activity.save()
    client.force_login(cast.director_a)
    before = _state(cast.cp_a)
    response = client.post(
        reverse("monitoring:control_point_report", args=[cast.cp_a.pk]),
        {"version": before[1], "report_text": "Проведены два семинара", "action": "submit"},
        headers=HTMX,
    )
    html = response.content.decode()
    assert _state(cast.cp_a) == before
    value = _field(html, "achieved_value")
    assert 'aria-invalid="true"' in value and "укажите достигнутое значение" in html
    assert 'aria-invalid="true"' not in _field(html, "report_text")


def test_saving_a_draft_without_sending_still_works(cast, client):
    client.force_login(cast.director_a)
    before = _state(cast.cp_a)
    client.post(
        reverse("monitoring:control_point_report", args=[cast.cp_a.pk]),
        {"version": before[1], "report_text": "Черновик", "action": "save"},
        headers=HTMX,
    )
    cp = ControlPoint.objects.get(pk=cast.cp_a.pk)
    # A draft is saved (the point moves to «в работе»), not sent.
    assert cp.report_text == "Черновик" and cp.version == before[1] + 1 and cp.status == ControlPoint.Status.IN_PROGRESS


def test_a_full_submit_is_sent_for_review(cast, client):
    client.force_login(cast.director_a)
    before = _state(cast.cp_a)
    response = client.post(
        reverse("monitoring:control_point_report", args=[cast.cp_a.pk]),
        {"version": before[1], "report_text": "Проведён педсовет", "action": "submit"},
        headers=HTMX,
    )
    assert "Отчёт отправлен куратору на проверку" in response.content.decode()
    assert ControlPoint.objects.get(pk=cast.cp_a.pk).status == ControlPoint.Status.SUBMITTED
