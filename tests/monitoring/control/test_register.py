"""The register: filters, sorting, paging, and an export equal to the filtered set."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring.control import workflow
from monitoring.models import ControlPoint
from roadmaps.models import ActivityExecutor
from tests import factories as f
from tests.monitoring.conftest import set_state


def _rows(response):
    return [cp.pk for cp in response.context["points"]]


def _export(client, params):
    response = client.get(reverse("monitoring:register_export"), params)
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    # Row 1 says what was filtered and when, row 2 holds the headers with an autofilter on them.
    assert sheet["A1"].value.startswith("Отбор: ") and "Выгружено" in sheet["A1"].value
    assert sheet["A2"].value == "№ п/п" and sheet.auto_filter.ref.startswith("A2:")
    assert sheet.freeze_panes == "A3"
    return [row for row in sheet.iter_rows(min_row=3, values_only=True)]


@pytest.fixture
def many(cast):
    today = cast.muni.today()
    points = []
    for i in range(60):
        points.append(
            f.ControlPointFactory(
                activity=cast.activity, school=(cast.school_a, cast.school_b)[i % 2], due_date=today + datetime.timedelta(days=i - 30)
            )
        )
    return points


def test_it_pages_by_50_in_a_stable_order(cast, client, many):
    client.force_login(cast.coordinator)
    first = client.get(reverse("monitoring:register"))
    second = client.get(reverse("monitoring:register"), {"page": 2})
    assert first.context["page"].paginator.count == 63
    assert len(_rows(first)) == 50 and len(_rows(second)) == 13
    everything = _rows(first) + _rows(second)
    expected = list(ControlPoint.objects.filter(municipality=cast.muni).order_by("due_date", "pk").values_list("pk", flat=True))
    assert everything == expected


@pytest.mark.parametrize(
    "params",
    [
        {"overdue": "yes"},
        {"overdue": "no", "school": "A"},
        {"status": ["planned", "done"], "level": "school", "sort": "-due"},
        {"due_from": "2026-11-01", "due_to": "2026-12-31", "sort": "school"},
        {"cluster": "C"},
        {"late": "yes"},
    ],
)
def test_the_export_holds_exactly_the_filtered_points(cast, client, many, params):
    params = {k: (cast.school_a.pk if v == "A" else cast.cluster.pk if v == "C" else v) for k, v in params.items()}
    cp = workflow.control_point_report(control_point=many[0], user=cast.director_a, version=1, report_text="Сделано")
    cp = workflow.control_point_submit(control_point=cp, user=cast.director_a, version=cp.version)
    workflow.control_point_accept(control_point=cp, user=cast.coordinator, version=cp.version)
    client.force_login(cast.coordinator)
    listed = []
    page = 1
    while True:
        response = client.get(reverse("monitoring:register"), {**params, "page": page})
        listed += _rows(response)
        if not response.context["page"].has_next():
            break
        page += 1
    exported = _export(client, params)
    assert len(exported) == len(listed) and listed
    by_pk = {cp.pk: cp for cp in ControlPoint.objects.filter(pk__in=listed).select_related("activity", "school")}
    # Due dates are date cells, shown as ДД.ММ.ГГГГ: they sort and filter as dates in a spreadsheet.
    assert [(row[3], row[8].date()) for row in exported] == [(by_pk[pk].activity.number, by_pk[pk].due_date) for pk in listed]


def test_it_filters_overdue_by_the_date_in_force_and_shows_the_flags(cast, client):
    today = cast.muni.today()
    set_state(cast.cp_a, due_date=today - datetime.timedelta(days=3))
    set_state(cast.cp_b, due_date=today + datetime.timedelta(days=3))
    set_state(cast.cp_muni, due_date=today - datetime.timedelta(days=1), status="done", completed_at=timezone.now())
    client.force_login(cast.coordinator)
    response = client.get(reverse("monitoring:register"), {"overdue": "yes"})
    assert _rows(response) == [cast.cp_a.pk]
    assert "просрочено на 3 дня" in response.content.decode()
    late = client.get(reverse("monitoring:register"), {"late": "yes"})
    assert _rows(late) == [cast.cp_muni.pk]
    assert "выполнено с нарушением срока" in late.content.decode()


def test_it_filters_by_municipal_executor_name(cast, client):
    ActivityExecutor.objects.create(activity=cast.activity, position=1, level="municipality", kind="role", name="Отдел образования")
    ActivityExecutor.objects.create(activity=cast.activity, position=2, level="school", kind="role", name="Руководители ОО")
    client.force_login(cast.coordinator)
    response = client.get(reverse("monitoring:register"), {"executor": "Отдел образования"})
    assert _rows(response) == [cast.cp_muni.pk]
    assert "Отдел образования" in response.content.decode()


def test_it_shows_each_user_only_their_points(cast, client):
    for role, expected in (
        ("director_a", {cast.cp_a.pk}),
        ("curator", {cast.cp_a.pk}),
        ("chair", {cast.cp_a.pk, cast.cp_b.pk, cast.cp_muni.pk}),
        ("coordinator_other", {cast.cp_other.pk}),
    ):
        client.force_login(getattr(cast, role))
        assert set(_rows(client.get(reverse("monitoring:register")))) == expected, role
        assert len(_export(client, {})) == len(expected), role


def test_it_sorts_by_school_then_due_date(cast, client, many):
    client.force_login(cast.coordinator)
    response = client.get(reverse("monitoring:register"), {"sort": "school"})
    names = [cp.school.short_name if cp.school else "" for cp in response.context["points"]]
    assert names == sorted(names)


def test_the_export_says_which_filter_made_it_and_keeps_dates_as_dates(cast, client, many):
    client.force_login(cast.coordinator)
    response = client.get(reverse("monitoring:register_export"), {"status": ["planned"]})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert "Статус: запланировано" in sheet["A1"].value
    due = sheet.cell(3, 9)
    assert due.is_date and due.number_format == "DD.MM.YYYY"
