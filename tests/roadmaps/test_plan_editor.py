"""The coordinator's plan editor: rows edited in place, deadlines regenerate points, nothing lost."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from clusters.models import Cluster
from monitoring.models import ControlPoint
from reports.models import Order
from reports.services import order_for_plan_approval, order_sign
from roadmaps.models import Activity, Plan, PlanSection
from tests import factories as f

D = datetime.date
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def draft(cast):
    """The cast's plan as a draft: only a draft is edited (a plan in force changes by a new edition,
    tests/roadmaps/test_editions.py)."""
    Plan.objects.filter(pk=cast.plan.pk).update(status=Plan.Status.DRAFT)
    cast.plan.refresh_from_db()
    return cast.plan


@pytest.fixture
def section(cast, draft):
    cast.plan.schools.set([cast.school_a, cast.school_b])
    return f.PlanSectionFactory(plan=cast.plan, number="2.", title="Мероприятия по улучшению условий")


def approve(plan):
    """What the chair's signature of the approval order does (tests/reports/ sign the order itself)."""
    from roadmaps.services import plan_approve

    return plan_approve(plan=plan)


def activity_data(**overrides):
    data = {
        "number": "2.1",
        "content": "Проведение стратегических сессий для команды кураторов",
        "deadline_text": "Апрель-май 2025 г",
        "executors_text": "Руководители ШНОР, кураторы",
        "expected_result": "Не менее 90 % педагогов-предметников приняли участие в мероприятиях",
        "scope": "all_schools",
        "note": "",
    }
    data.update(overrides)
    return data


def test_it_adds_a_row_in_place_and_its_control_points_come_with_approval(cast, section, client):
    client.force_login(cast.coordinator)
    response = client.post(reverse("roadmaps:activity_add", args=[section.pk]), activity_data(), **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Проведение стратегических сессий" in page and "+ Добавить мероприятие" in page
    activity = Activity.objects.get(section=section)
    assert [(e.level, e.name) for e in activity.executor_set.order_by("position")] == [
        ("school", "Руководители ШНОР"),
        ("municipality", "кураторы"),
    ]
    assert activity.target_label == "не менее 90 %"
    assert not ControlPoint.objects.filter(activity=activity).exists()  # a draft is not tracked yet
    approve(cast.plan)
    points = ControlPoint.objects.filter(activity=activity)
    assert sorted((p.school_id or 0, p.due_date) for p in points) == sorted(
        [(cast.school_a.pk, D(2025, 5, 31)), (cast.school_b.pk, D(2025, 5, 31)), (0, D(2025, 5, 31))]
    )


def test_it_explains_a_bad_row_next_to_the_field(cast, section, client):
    client.force_login(cast.coordinator)
    response = client.post(reverse("roadmaps:activity_add", args=[section.pk]), activity_data(content="", scope="clusters"), **HTMX)
    page = response.content.decode()
    assert "Опишите мероприятие." in page
    assert "Выберите хотя бы один кластер" in page
    assert not Activity.objects.filter(section=section).exists()


def test_a_new_deadline_regenerates_points_and_keeps_reported_ones_on_approval(cast, section, client):
    client.force_login(cast.coordinator)
    client.post(reverse("roadmaps:activity_add", args=[section.pk]), activity_data(), **HTMX)
    approve(cast.plan)
    activity = Activity.objects.get(section=section)
    reported = ControlPoint.objects.get(activity=activity, school=cast.school_a)
    reported.report_text = "Сессия проведена 12.05.2025"
    reported.status = ControlPoint.Status.SUBMITTED
    reported.save()

    # The plan is in force: the deadline changes in a new edition, and takes effect on its approval.
    client.post(reverse("roadmaps:plan_new_edition", args=[cast.plan.pk]))
    edition = Plan.objects.get(replaces=cast.plan)
    copy = Activity.objects.get(section__plan=edition, content=activity.content)
    response = client.post(
        reverse("roadmaps:activity_change", args=[copy.pk]), activity_data(deadline_text="Сентябрь 2025", version=copy.version)
    )
    assert response.status_code == 302
    approve(edition)
    reported.refresh_from_db()
    assert reported.needs_decision and reported.report_text == "Сессия проведена 12.05.2025"
    assert reported.activity_id == copy.pk  # the point went on with the row into the new edition
    assert ControlPoint.objects.filter(activity=copy, due_date=D(2025, 9, 30)).count() == 3
    assert not ControlPoint.objects.filter(activity=copy, due_date=D(2025, 5, 31), school=cast.school_b).exists()


def test_it_refuses_a_save_over_someone_elses_change(cast, section, client):
    activity = f.ActivityFactory(section=section, content="Как было")
    loaded_version = activity.version
    client.force_login(cast.coordinator)
    first = client.post(reverse("roadmaps:activity_change", args=[activity.pk]), activity_data(content="Первый", version=loaded_version), **HTMX)
    assert first.status_code == 200 and "Первый" in first.content.decode()
    second = client.post(reverse("roadmaps:activity_change", args=[activity.pk]), activity_data(content="Второй", version=loaded_version), **HTMX)
    assert "уже изменил другой пользователь" in second.content.decode()
    activity.refresh_from_db()
    assert activity.content == "Первый"


def test_it_refuses_to_delete_a_row_with_reports(cast, section, client):
    activity = f.ActivityFactory(section=section)
    f.ControlPointFactory(activity=activity, school=cast.school_a, report_text="Отчёт школы")
    untouched = f.ActivityFactory(section=section)
    f.ControlPointFactory(activity=untouched, school=cast.school_a)
    client.force_login(cast.coordinator)
    response = client.post(reverse("roadmaps:activity_delete", args=[activity.pk]), **HTMX)
    assert "удалить его нельзя" in response.content.decode()
    assert Activity.objects.filter(pk=activity.pk).exists()
    assert client.post(reverse("roadmaps:activity_delete", args=[untouched.pk]), **HTMX).content == b""
    assert not Activity.objects.filter(pk=untouched.pk).exists()


def test_it_reorders_and_renumbers_rows(cast, section, client):
    first = f.ActivityFactory(section=section, position=1, number="2.1", content="Первое")
    second = f.ActivityFactory(section=section, position=2, number="2.5", content="Второе")
    client.force_login(cast.coordinator)
    client.post(reverse("roadmaps:activity_move", args=[second.pk]), {"direction": "up"})
    client.post(reverse("roadmaps:section_renumber", args=[section.pk]))
    rows = list(section.activities.order_by("position").values_list("content", "number"))
    assert rows == [("Второе", "2.1"), ("Первое", "2.2")]


def test_it_numbers_a_cluster_table_plainly(cast, draft, client):
    cluster = Cluster.objects.create(plan=cast.plan, number=2, name="Впервые")
    table = f.PlanSectionFactory(plan=cast.plan, number="2", title="2 кластер", cluster=cluster)
    for position in (1, 2):
        f.ActivityFactory(section=table, position=position, number="x")
    client.force_login(cast.coordinator)
    client.post(reverse("roadmaps:section_renumber", args=[table.pk]))
    assert list(table.activities.order_by("position").values_list("number", flat=True)) == ["1", "2"]


def test_it_dates_a_schedule_activity_by_hand(cast, section, client):
    activity = f.ActivityFactory(section=section, deadline_text="По графику проведения РМО", executors_text="Методист ИМО")
    activity.executor_set.create(position=1, level="municipality", kind="role", name="Методист ИМО")
    client.force_login(cast.coordinator)
    page = client.get(reverse("roadmaps:activity_detail", args=[activity.pk])).content.decode()
    assert "по графику" in page
    response = client.post(
        reverse("roadmaps:activity_detail", args=[activity.pk]),
        {"windows": "15.03.2025\n01.09.2025 – 30.09.2025", "version": activity.version},
    )
    assert response.status_code == 302
    approve(cast.plan)
    assert list(ControlPoint.objects.filter(activity=activity).order_by("due_date").values_list("window_start", "due_date")) == [
        (None, D(2025, 3, 15)),
        (D(2025, 9, 1), D(2025, 9, 30)),
    ]
    Plan.objects.filter(pk=cast.plan.pk).update(status=Plan.Status.DRAFT)  # to see the form refuse a bad date
    bad = client.post(reverse("roadmaps:activity_detail", args=[activity.pk]), {"windows": "31.02.2025", "version": activity.version + 1})
    assert "несуществующая дата" in bad.content.decode()


def test_it_makes_a_new_edition_and_supersedes_the_old_on_approval(cast, section, client):
    Plan.objects.filter(pk=cast.plan.pk).update(status=Plan.Status.APPROVED)  # a new edition is made of a plan in force
    activity = f.ActivityFactory(section=section, content="Сетевое взаимодействие со школами-партнёрами")
    cast.cluster.activities.add(activity)
    indicator = cast.plan.indicators.create(position=1, name="Доля педагогов, прошедших КПК", unit="%", target_value=100)
    indicator.values.create(school=cast.school_a, period_start=cast.plan.period_start, period_end=cast.plan.period_end, value=80)
    client.force_login(cast.coordinator)
    response = client.post(reverse("roadmaps:plan_new_edition", args=[cast.plan.pk]))
    edition = Plan.objects.get(replaces=cast.plan)
    copied_indicator = edition.indicators.get()
    assert (copied_indicator.name, copied_indicator.target_value) == (indicator.name, 100)
    assert list(copied_indicator.values.values_list("school", "value")) == [(cast.school_a.pk, 80)]
    assert indicator.values.count() == 1  # the old edition keeps its own
    assert response.url == reverse("roadmaps:plan_detail", args=[edition.pk])
    assert edition.status == Plan.Status.DRAFT
    assert edition.sections.count() == cast.plan.sections.count()
    copied = Activity.objects.get(section__plan=edition, content=activity.content)
    assert copied.clusters.get().plan == edition
    assert set(edition.schools.all()) == {cast.school_a, cast.school_b}
    assert not ControlPoint.objects.filter(activity__section__plan=edition).exists()

    # Only the chair's signature of the approval order puts the edition in force.
    order = order_for_plan_approval(plan=edition)
    Order.objects.filter(pk=order.pk).update(number="12", date=cast.plan.period_start, signatory_position="Председатель", signatory_name="Т.И. Буц")
    order.refresh_from_db()
    order_sign(order=order, user=cast.chair, version=order.version)
    cast.plan.refresh_from_db()
    edition.refresh_from_db()
    assert (cast.plan.status, edition.status) == (Plan.Status.SUPERSEDED, Plan.Status.APPROVED)
    assert ControlPoint.objects.filter(activity__section__plan=edition).exists()
    again = client.post(reverse("roadmaps:plan_new_edition", args=[cast.plan.pk]), follow=True)
    assert "План утратил силу: новую редакцию готовят от действующей." in again.content.decode()
    assert Plan.objects.filter(replaces=cast.plan).count() == 1


def test_it_keeps_the_history_of_each_activity(cast, section, client):
    activity = f.ActivityFactory(section=section, content="Было")
    client.force_login(cast.coordinator)
    client.post(reverse("roadmaps:activity_change", args=[activity.pk]), activity_data(content="Стало", version=activity.version))
    history = list(activity.history.order_by("history_date").values_list("content", "history_user__username"))
    assert history[0][0] == "Было" and history[-1] == ("Стало", "coordinator")


def test_it_creates_a_plan_and_explains_a_bad_period(cast, client):
    client.force_login(cast.coordinator)
    bad = client.post(reverse("roadmaps:plan_add"), {"kind": "roadmap", "title": "Дорожная карта 2026", "period_start": "31.12.2026", "period_end": "01.01.2026"})
    assert "Окончание периода раньше его начала" in bad.content.decode()
    good = client.post(reverse("roadmaps:plan_add"), {"kind": "roadmap", "title": "Дорожная карта 2026", "period_start": "01.01.2026", "period_end": "31.12.2026", "schools": [cast.school_a.pk]})
    plan = Plan.objects.get(title="Дорожная карта 2026")
    assert good.url == reverse("roadmaps:plan_detail", args=[plan.pk])
    assert plan.municipality == cast.muni and plan.status == Plan.Status.DRAFT


def test_it_refuses_a_plan_save_over_someone_elses(cast, draft, client):
    client.force_login(cast.coordinator)
    form = {"kind": "roadmap", "title": "Новое название", "period_start": "01.01.2025", "period_end": "31.12.2025", "version": cast.plan.version}
    assert client.post(reverse("roadmaps:plan_change", args=[cast.plan.pk]), form).status_code == 302
    stale = client.post(reverse("roadmaps:plan_change", args=[cast.plan.pk]), {**form, "title": "Другое"})
    assert "уже изменил другой пользователь" in stale.content.decode()
    cast.plan.refresh_from_db()
    assert cast.plan.title == "Новое название"


def test_it_adds_edits_and_deletes_sections(cast, draft, client):
    client.force_login(cast.coordinator)
    client.post(reverse("roadmaps:section_add", args=[cast.plan.pk]), {"number": "II", "title": "Раздел II. Циклограмма"})
    part = PlanSection.objects.get(plan=cast.plan, number="II")
    client.post(reverse("roadmaps:section_add", args=[cast.plan.pk]), {"number": "1.", "title": "Организационная деятельность", "parent": part.pk})
    child = PlanSection.objects.get(plan=cast.plan, number="1.", parent=part)
    f.ControlPointFactory(activity=f.ActivityFactory(section=child), school=cast.school_a, status=ControlPoint.Status.DONE)
    refused = client.post(reverse("roadmaps:section_delete", args=[part.pk]), follow=True)
    assert "удалить раздел нельзя" in refused.content.decode()
    assert PlanSection.objects.filter(pk=part.pk).exists()


def test_it_shows_one_clusters_view(cast, client):
    table = f.PlanSectionFactory(plan=cast.plan, title="1 кластер - положительная динамика", cluster=cast.cluster)
    f.ActivityFactory(section=table, content="Мероприятие кластера")
    other = f.PlanSectionFactory(plan=cast.plan, title="Общие мероприятия")
    f.ActivityFactory(section=other, content="Мероприятие для всех")
    client.force_login(cast.chair)
    page = client.get(reverse("roadmaps:plan_detail", args=[cast.plan.pk]), {"cluster": 1}).content.decode()
    assert "Мероприятие кластера" in page and "Мероприятие для всех" not in page


def test_it_exports_the_plan_as_the_documents_table(cast, section, client):
    f.ActivityFactory(section=section, number="2.1", content="Сессии кураторов", deadline_text="Май 2025")
    client.force_login(cast.chair)
    response = client.get(reverse("roadmaps:plan_export", args=[cast.plan.pk]))
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[c for c in row if c is not None] for row in ws.iter_rows(values_only=True)]
    # The plan's layout (roadmaps.layout): the portal's headings for a plan without its own.
    assert values[1] == ["№ п/п", "Содержание мероприятия", "Сроки", "Ответственные", "Ожидаемый результат"]
    # A section: its number as written and its title merged over the rest of the row.
    assert ["2.", "Мероприятия по улучшению условий"] in values
    assert any(row[:3] == ["2.1", "Сессии кураторов", "Май 2025"] for row in values)


def test_it_counts_points_by_month_on_the_timeline(cast, client):
    cp = cast.cp_a
    client.force_login(cast.coordinator)
    response = client.get(reverse("roadmaps:plan_timeline", args=[cast.plan.pk]), {"group": "school"})
    rows = {row["label"]: row["cells"] for row in response.context["rows"]}
    march = response.context["months"].index((2025, 3))
    assert rows[cast.school_a.short_name][march]["total"] == 1
    assert rows[cast.school_a.short_name][march]["overdue"] == 1
    assert rows["Муниципальный уровень"][march]["total"] == 1
    assert cp.due_date == D(2025, 3, 25)


def test_it_reads_a_deadline_as_it_is_typed(cast, client):
    client.force_login(cast.coordinator)
    page = client.get(reverse("roadmaps:deadline_preview", args=[cast.plan.pk]), {"deadline_text": "Ежеквартально"}).content.decode()
    assert "4 срок" in page and "31.03.2025" in page
