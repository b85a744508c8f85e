"""An edit that carries no version is refused like a stale one: leaving the field out skips no check."""

import pytest
from django.urls import reverse

from monitoring.models import MonitoringVisit
from reports.models import Order
from roadmaps.models import Activity, Plan
from schnor_portal.optimistic_lock import MISSING_VERSION
from tests.roadmaps.test_plan_editor import activity_data

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def coordinator(cast, client):
    # Plan rows are edited in a draft only (a plan in force changes by a new edition).
    Plan.objects.filter(pk=cast.plan.pk).update(status=Plan.Status.DRAFT)
    cast.plan.refresh_from_db()
    client.force_login(cast.coordinator)
    return client


def test_a_plan_row_saved_without_its_version_is_refused(cast, coordinator):
    activity = cast.activity
    response = coordinator.post(reverse("roadmaps:activity_change", args=[activity.pk]), activity_data(content="Без версии"), **HTMX)
    assert MISSING_VERSION in response.content.decode()
    assert Activity.objects.get(pk=activity.pk).content == activity.content


def test_a_plan_row_with_its_version_is_saved(cast, coordinator):
    activity = cast.activity
    coordinator.post(
        reverse("roadmaps:activity_change", args=[activity.pk]), activity_data(content="С версией", version=activity.version), **HTMX
    )
    assert Activity.objects.get(pk=activity.pk).content == "С версией"


def test_a_plan_saved_without_its_version_is_refused(cast, coordinator):
    form = {"kind": "roadmap", "title": "Без версии", "period_start": "01.01.2025", "period_end": "31.12.2025"}
    response = coordinator.post(reverse("roadmaps:plan_change", args=[cast.plan.pk]), form)
    assert response.status_code == 200 and MISSING_VERSION in response.content.decode()
    assert Plan.objects.get(pk=cast.plan.pk).title == cast.plan.title


def test_manual_dates_without_a_version_are_refused(cast, coordinator):
    Activity.objects.filter(pk=cast.activity.pk).update(deadline_text="По мере необходимости")
    response = coordinator.post(reverse("roadmaps:activity_detail", args=[cast.activity.pk]), {"windows": "15.03.2025"})
    assert MISSING_VERSION in response.content.decode()
    assert Activity.objects.get(pk=cast.activity.pk).manual_windows in ([], None)


def test_an_order_saved_without_its_version_is_refused(cast, coordinator):
    order = cast.order
    form = {
        "kind": order.kind, "header": "Комитет по образованию", "title": "Без версии", "operative_word": "ПРИКАЗЫВАЮ:",
        "signatory_position": "Председатель", "signatory_name": "А.Б. Иванов",
    }
    response = coordinator.post(reverse("reports:order_change", args=[order.pk]), form)
    assert response.status_code == 200 and MISSING_VERSION in response.content.decode()
    assert Order.objects.get(pk=order.pk).title == order.title


def test_an_order_signed_without_its_version_is_refused(cast, client):
    client.force_login(cast.chair)
    response = client.post(reverse("reports:order_sign", args=[cast.order.pk]), follow=True)
    assert MISSING_VERSION in response.content.decode()
    assert Order.objects.get(pk=cast.order.pk).status == Order.Status.DRAFT


def test_an_indicator_deleted_without_its_version_is_kept(cast, coordinator):
    indicator = cast.plan.indicators.create(position=1, name="Доля педагогов, прошедших КПК", unit="%", target_value=100)
    response = coordinator.post(reverse("indicators:indicator_delete", args=[indicator.pk]), follow=True)
    assert MISSING_VERSION in response.content.decode()
    assert cast.plan.indicators.filter(pk=indicator.pk).exists()


def test_a_visit_changed_without_its_version_is_refused(cast, coordinator):
    visit = MonitoringVisit.objects.create(school=cast.school_a, date=cast.plan.period_start, purpose="Мониторинговый визит")
    form = {"date": "01.02.2025", "purpose": "Без версии", "findings": "", "recommendations": ""}
    response = coordinator.post(reverse("monitoring:visit_change", args=[visit.pk]), form)
    assert response.status_code == 200 and MISSING_VERSION in response.content.decode()
    assert MonitoringVisit.objects.get(pk=visit.pk).purpose == "Мониторинговый визит"
