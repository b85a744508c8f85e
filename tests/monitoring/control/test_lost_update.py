"""Two saves from the same loaded version: the second is refused in Russian, the first stays."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from monitoring.control import workflow
from monitoring.models import ControlPoint


def test_it_refuses_the_second_save_of_the_same_version_in_the_service(cast):
    loaded = ControlPoint.objects.get(pk=cast.cp_a.pk)
    workflow.control_point_report(
        control_point=loaded, user=cast.director_a, version=loaded.version, report_text="Первый: совещание проведено"
    )
    with pytest.raises(ValidationError) as error:
        workflow.control_point_report(
            control_point=loaded, user=cast.coordinator, version=loaded.version, report_text="Второй поверх первого"
        )
    assert error.value.code == "conflict"
    assert "уже изменил другой пользователь" in error.value.messages[0]
    cast.cp_a.refresh_from_db()
    assert cast.cp_a.report_text == "Первый: совещание проведено"
    assert cast.cp_a.version == loaded.version + 1


def test_it_refuses_the_second_save_from_two_open_forms(cast, client):
    version = cast.cp_a.version
    url = reverse("monitoring:control_point_report", args=[cast.cp_a.pk])
    client.force_login(cast.director_a)
    first = client.post(url, {"version": version, "report_text": "Из первой вкладки", "action": "save"})
    assert first.status_code == 302
    client.force_login(cast.coordinator)
    second = client.post(url, {"version": version, "report_text": "Из второй вкладки", "action": "save"})
    assert second.status_code == 200
    assert "уже изменил другой пользователь" in second.content.decode()
    assert "Из второй вкладки" in second.content.decode()  # the refused text is kept in the form, not lost
    cast.cp_a.refresh_from_db()
    assert cast.cp_a.report_text == "Из первой вкладки"


def test_it_refuses_the_second_save_in_an_htmx_row(cast, client):
    version = cast.cp_a.version
    url = reverse("monitoring:control_point_report", args=[cast.cp_a.pk])
    client.force_login(cast.director_a)
    form = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert f'name="version" value="{version}"' in form
    ok = client.post(url, {"version": version, "report_text": "Первое", "action": "save"}, headers={"HX-Request": "true"})
    assert "Отчёт сохранён" in ok.content.decode()
    refused = client.post(url, {"version": version, "report_text": "Второе", "action": "save"}, headers={"HX-Request": "true"})
    assert "уже изменил другой пользователь" in refused.content.decode()
    cast.cp_a.refresh_from_db()
    assert cast.cp_a.report_text == "Первое"


def test_it_refuses_a_review_of_a_page_that_changed_meanwhile(cast, client):
    cp = workflow.control_point_report(control_point=cast.cp_a, user=cast.director_a, version=1, report_text="Сделано")
    cp = workflow.control_point_submit(control_point=cp, user=cast.director_a, version=cp.version)
    stale = cp.version
    client.force_login(cast.coordinator)
    assert client.post(reverse("monitoring:control_point_accept", args=[cp.pk]), {"version": stale}).status_code == 302
    client.force_login(cast.curator)
    response = client.post(
        reverse("monitoring:control_point_return", args=[cp.pk]), {"version": stale, "comment": "Доработать"}, follow=True
    )
    assert "уже изменил другой пользователь" in response.content.decode()
    cp.refresh_from_db()
    assert cp.status == ControlPoint.Status.DONE
