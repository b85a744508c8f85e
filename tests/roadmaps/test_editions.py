"""Editions: a plan in force is read-only everywhere; changes go into a draft edition, which is
compared with the edition in force and put in force by an order (see tests/reports/test_edition_order.py)."""

import datetime
from types import SimpleNamespace

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse

from clusters.models import Cluster
from clusters.services import cluster_distribution_apply, cluster_distribution_fingerprint
from monitoring.control.services import control_points_sync_for_plan
from monitoring.models import ControlPoint
from roadmaps.editions import compare_editions, deadline_flags, match_rows, shift_years_in_text
from roadmaps.models import Activity, ActivityExecutor, Plan, PlanSection
from roadmaps.services import (
    activity_create,
    activity_delete,
    activity_move,
    activity_update,
    plan_approve,
    plan_new_edition,
    plan_save,
    section_delete,
    section_renumber,
    section_save,
)
from tests import factories as f

D = datetime.date
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def in_force(cast):
    """A plan in force for schools A and B with three rows and their control points."""
    plan = f.PlanFactory(municipality=cast.muni, title="Дорожная карта 2025", status=Plan.Status.APPROVED)
    plan.schools.set([cast.school_a, cast.school_b])
    section = f.PlanSectionFactory(plan=plan, number="1.", title="Мероприятия по повышению результатов", position=1)
    rows = SimpleNamespace(
        plan=plan,
        section=section,
        kept=f.school_row(section, "1.1", "Мониторинг текущей успеваемости по предметам ГИА", "Март 2025 г", 1),
        removed=f.school_row(section, "1.2", "Пробный экзамен по математике в 9-х классах", "Апрель 2025 г", 2),
        moved_date=f.school_row(section, "1.3", "Педагогический совет по итогам диагностики", "Май 2025 г", 3),
    )
    control_points_sync_for_plan(plan=plan)
    return rows


def _snapshot(plan):
    return (
        sorted(Activity.objects.filter(section__plan=plan).values_list("pk", "number", "content", "deadline_text", "position", "version")),
        sorted(PlanSection.objects.filter(plan=plan).values_list("pk", "number", "title", "position")),
        Plan.objects.filter(pk=plan.pk).values_list("title", "period_start", "period_end", "version").get(),
        sorted(plan.schools.values_list("pk", flat=True)),
        ControlPoint.objects.filter(activity__section__plan=plan).count(),
    )


# --- No write path touches a plan in force ----------------------------------------------------


SERVICE_CALLS = {
    "activity_create": lambda r: activity_create(section=r.section, data={"content": "Новое", "deadline_text": "Май 2025 г"}),
    "activity_update": lambda r: activity_update(activity=r.kept, data={"content": "Иначе"}, version=r.kept.version),
    "activity_delete": lambda r: activity_delete(activity=r.kept),
    "activity_move": lambda r: activity_move(activity=r.removed, direction=-1),
    "section_add": lambda r: section_save(plan=r.plan, section=None, data={"number": "2.", "title": "Новый раздел"}),
    "section_change": lambda r: section_save(plan=r.plan, section=r.section, data={"title": "Другое название"}),
    "section_delete": lambda r: section_delete(section=r.section),
    "section_renumber": lambda r: section_renumber(section=r.section),
    "plan_save": lambda r: plan_save(plan=r.plan, data={"title": "Другой план"}, version=r.plan.version),
}


@pytest.mark.parametrize("status", [Plan.Status.APPROVED, Plan.Status.SUPERSEDED])
@pytest.mark.parametrize("call", list(SERVICE_CALLS))
def test_every_write_service_refuses_a_plan_that_is_not_a_draft(in_force, call, status):
    Plan.objects.filter(pk=in_force.plan.pk).update(status=status)
    in_force.plan.refresh_from_db()
    Activity.objects.filter(pk=in_force.kept.pk).update(number="x")  # something renumber would fix
    before = _snapshot(in_force.plan)
    with pytest.raises(ValidationError) as error:
        SERVICE_CALLS[call](in_force)
    assert error.value.code == "read_only"
    assert ("утверждён и действует" if status == Plan.Status.APPROVED else "утратил силу") in error.value.messages[0]
    assert _snapshot(in_force.plan) == before


def test_the_cluster_distribution_of_a_plan_in_force_is_refused(cast):
    fingerprint = cluster_distribution_fingerprint(plan=cast.plan)
    with pytest.raises(ValidationError) as error:
        cluster_distribution_apply(plan=cast.plan, choices={cast.school_b.pk: (1, "вручную")}, fingerprint=fingerprint)
    assert error.value.code == "read_only"
    assert not cast.cluster.memberships.filter(school=cast.school_b).exists()


def _editor_posts(r):
    return {
        "plan_change": (reverse("roadmaps:plan_change", args=[r.plan.pk]), {"title": "Другой", "version": r.plan.version}),
        "section_add": (reverse("roadmaps:section_add", args=[r.plan.pk]), {"number": "2.", "title": "Новый"}),
        "section_change": (reverse("roadmaps:section_change", args=[r.section.pk]), {"number": "1.", "title": "Другой"}),
        "section_delete": (reverse("roadmaps:section_delete", args=[r.section.pk]), {}),
        "section_renumber": (reverse("roadmaps:section_renumber", args=[r.section.pk]), {}),
        "activity_add": (reverse("roadmaps:activity_add", args=[r.section.pk]), {"content": "Новое", "deadline_text": "Май 2025 г", "scope": "municipality"}),
        "activity_change": (reverse("roadmaps:activity_change", args=[r.kept.pk]), {"content": "Иначе", "version": r.kept.version, "scope": "municipality"}),
        "activity_delete": (reverse("roadmaps:activity_delete", args=[r.kept.pk]), {}),
        "activity_move": (reverse("roadmaps:activity_move", args=[r.removed.pk]), {"direction": "up"}),
        "activity_dates": (reverse("roadmaps:activity_detail", args=[r.kept.pk]), {"windows": "15.03.2025", "version": r.kept.version}),
    }


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_every_editor_url_refuses_a_plan_in_force(in_force, cast, client, htmx):
    client.force_login(cast.coordinator)
    Activity.objects.filter(pk=in_force.kept.pk).update(deadline_text="по графику")  # so the dates form would show
    in_force.kept.refresh_from_db()
    before = _snapshot(in_force.plan)
    for name, (url, data) in _editor_posts(in_force).items():
        response = client.post(url, data, **(HTMX if htmx else {}))
        if name == "activity_dates":
            # The page answers (it is also the row's read-only card), but shows no dates form and saves nothing.
            assert response.status_code == 200 and response.context["form"] is None, name
            continue
        # A row swapped by htmx is replaced by the reason (htmx swaps no error page); the rest get 403.
        row = htmx and name in ("activity_add", "activity_change", "activity_delete")
        assert response.status_code == (200 if row else 403), name
        assert "Внести изменения" in response.content.decode(), name
    assert _snapshot(in_force.plan) == before
    assert not ControlPoint.objects.filter(activity=in_force.kept, due_date=D(2025, 3, 15)).exists()


@pytest.mark.parametrize("name", ["plan_change", "section_add", "section_change", "activity_add", "activity_change"])
def test_edit_forms_of_a_plan_in_force_are_not_even_shown(in_force, cast, client, name):
    client.force_login(cast.coordinator)
    url, _ = _editor_posts(in_force)[name]
    assert client.get(url).status_code == 403


def test_the_page_of_a_plan_in_force_has_no_edit_controls_but_offers_changes(in_force, cast, client):
    client.force_login(cast.coordinator)
    page = client.get(reverse("roadmaps:plan_detail", args=[in_force.plan.pk])).content.decode()
    assert "Внести изменения" in page and reverse("roadmaps:plan_new_edition", args=[in_force.plan.pk]) in page
    for url in (
        reverse("roadmaps:plan_change", args=[in_force.plan.pk]),
        reverse("roadmaps:section_add", args=[in_force.plan.pk]),
        reverse("roadmaps:activity_change", args=[in_force.kept.pk]),
        reverse("roadmaps:activity_delete", args=[in_force.kept.pk]),
        reverse("roadmaps:activity_add", args=[in_force.section.pk]),
        reverse("roadmaps:section_renumber", args=[in_force.section.pk]),
    ):
        assert url not in page
    # The draft edition is the editor: the same controls are there.
    edition = plan_new_edition(plan=in_force.plan)
    draft_page = client.get(reverse("roadmaps:plan_detail", args=[edition.pk])).content.decode()
    assert reverse("roadmaps:plan_change", args=[edition.pk]) in draft_page
    assert reverse("roadmaps:plan_edition_compare", args=[edition.pk]) in draft_page
    # And «Внести изменения» on the plan in force now opens that draft instead of a second one.
    page = client.get(reverse("roadmaps:plan_detail", args=[in_force.plan.pk])).content.decode()
    assert reverse("roadmaps:plan_detail", args=[edition.pk]) in page
    response = client.get(reverse("roadmaps:plan_new_edition", args=[in_force.plan.pk]))
    assert response.status_code == 302 and response.url == reverse("roadmaps:plan_detail", args=[edition.pk])


def test_the_admin_shows_a_plan_in_force_read_only(in_force, cast):
    request = RequestFactory().get("/admin/")
    request.user = f.UserFactory(username="root", is_superuser=True, is_staff=True)
    edition = plan_new_edition(plan=in_force.plan)
    draft_row = Activity.objects.filter(section__plan=edition).first()
    for model, fixed, draft in (
        (Plan, in_force.plan, edition),
        (PlanSection, in_force.section, draft_row.section),
        (Activity, in_force.kept, draft_row),
    ):
        admin = site._registry[model]
        assert not admin.has_change_permission(request, fixed) and not admin.has_delete_permission(request, fixed)
        assert admin.has_change_permission(request, draft) and admin.has_delete_permission(request, draft)
    inline = next(i for i in site._registry[Activity].get_inline_instances(request, draft_row))
    assert inline.has_add_permission(request, draft_row) and not inline.has_add_permission(request, in_force.kept)
    form = site._registry[Activity].get_form(request)(
        data={"section": in_force.section.pk, "position": 9, "content": "В обход", "scope": "municipality", "manual_windows": "[]"}
    )
    assert not form.is_valid() and "новой редакции" in str(form.errors)


# --- «Внести изменения» and the year shift -------------------------------------------------------


def test_new_rows_are_numbered_at_once(cast):
    plan = f.PlanFactory(municipality=cast.muni, status=Plan.Status.DRAFT)
    section = f.PlanSectionFactory(plan=plan, number="2.", title="Раздел")
    f.ActivityFactory(section=section, number="2.1", position=1)
    f.ActivityFactory(section=section, number="2.4", position=2)
    activity, _ = activity_create(section=section, data={"content": "Новое мероприятие", "deadline_text": "Май 2025 г"})
    assert activity.number == "2.5"
    table = f.PlanSectionFactory(plan=plan, number="3", title="3 кластер", cluster=Cluster.objects.create(plan=plan, number=3, name="Третий"))
    first, _ = activity_create(section=table, data={"content": "Первое в таблице кластера", "deadline_text": "Май 2025 г"})
    assert first.number == "1"
    typed, _ = activity_create(section=section, data={"number": "2.10", "content": "Номер как в документе", "deadline_text": "Май 2025 г"})
    assert typed.number == "2.10"


@pytest.mark.parametrize(
    "text, years, expected",
    [
        ("Апрель-май 2023 г", 2, "Апрель-май 2025 г"),
        ("07.02.2022-14.02.2022", 1, "07.02.2023-14.02.2023"),
        ("29.02.2024", 1, "28.02.2025"),
        ("Октябрь, 2024, 2025, 2026", 1, "Октябрь, 2025, 2026, 2027"),
        ("до 01.05.23", 3, "до 01.05.26"),
        ("Ежеквартально, не позднее 25 числа", 2, "Ежеквартально, не позднее 25 числа"),
        ("Март 2023 г", 0, "Март 2023 г"),
    ],
)
def test_explicit_years_of_a_deadline_move_forward(text, years, expected):
    assert shift_years_in_text(text, years) == expected


def test_a_new_edition_moves_its_period_and_years_after_a_preview(cast, client):
    old = f.PlanFactory(municipality=cast.muni, status=Plan.Status.APPROVED, period_start=D(2023, 1, 1), period_end=D(2023, 12, 31))
    section = f.PlanSectionFactory(plan=old, number="1.")
    dated = f.ActivityFactory(section=section, number="1.1", deadline_text="Апрель 2023 г", manual_windows=[])
    plain = f.ActivityFactory(section=section, number="1.2", deadline_text="Ежеквартально")
    client.force_login(cast.coordinator)
    url = reverse("roadmaps:plan_new_edition", args=[old.pk])
    form_page = client.get(url).content.decode()
    assert "Сдвинуть период и годы в сроках на N лет" in form_page and "Период уже закончился" in form_page
    preview = client.post(url, {"years": 2, "preview": "1"})
    assert preview.status_code == 200 and not Plan.objects.filter(replaces=old).exists()
    text = preview.content.decode()
    assert "01.01.2023 – 31.12.2023 → <strong>01.01.2025 – 31.12.2025</strong>" in text
    assert "<td>Апрель 2023 г</td><td>Апрель 2025 г</td>" in text and "<td>Ежеквартально</td>" not in text
    response = client.post(url, {"years": 2, "create": "1"})
    edition = Plan.objects.get(replaces=old)
    assert response.url == reverse("roadmaps:plan_detail", args=[edition.pk])
    assert (edition.status, edition.period_start, edition.period_end) == (Plan.Status.DRAFT, D(2025, 1, 1), D(2025, 12, 31))
    copies = dict(Activity.objects.filter(section__plan=edition).values_list("number", "deadline_text"))
    assert copies == {"1.1": "Апрель 2025 г", "1.2": "Ежеквартально"}
    old.refresh_from_db()
    dated.refresh_from_db()
    plain.refresh_from_db()
    assert (old.period_start, dated.deadline_text) == (D(2023, 1, 1), "Апрель 2023 г")
    bad = client.post(reverse("roadmaps:plan_new_edition", args=[cast.plan.pk]), {"years": -1})
    assert "Сдвиг не может быть отрицательным." in bad.content.decode()


def test_deadlines_outside_the_period_or_past_are_flagged_in_the_draft(cast, client):
    plan = f.PlanFactory(municipality=cast.muni, status=Plan.Status.DRAFT, period_start=D(2025, 1, 1), period_end=D(2025, 12, 31))
    section = f.PlanSectionFactory(plan=plan, number="1.")
    old_year = f.ActivityFactory(section=section, number="1.1", deadline_text="Апрель 2023 г")
    fine = f.ActivityFactory(section=section, number="1.2", deadline_text="Ноябрь 2025 г")
    today = D(2025, 6, 1)
    assert deadline_flags(old_year, plan, today) == [
        "Срок вне периода плана (01.01.2025 – 31.12.2025): 30.04.2023",
        "Срок уже прошёл: 30.04.2023",
    ]
    assert deadline_flags(fine, plan, today) == []
    assert deadline_flags(fine, plan, D(2026, 1, 10)) == ["Срок уже прошёл: 30.11.2025"]
    client.force_login(cast.coordinator)
    page = client.get(reverse("roadmaps:plan_detail", args=[plan.pk])).content.decode()
    assert "Срок вне периода плана (01.01.2025 – 31.12.2025): 30.04.2023" in page


# --- The comparison ----------------------------------------------------------------------------


def test_rows_are_matched_by_number_then_by_content():
    row = lambda number, content: SimpleNamespace(number=number, content=content)  # noqa: E731
    a, b, c = row("1.1", "Мониторинг успеваемости"), row("1.2", "Пробный ОГЭ по математике"), row("1.3", "Педсовет по итогам года")
    # 1.2 deleted and the rest renumbered: 1.3 is now 1.2 but is still the same row.
    renumbered = [row("1.1", "Мониторинг успеваемости"), row("1.2", "Педсовет по итогам года")]
    pairs = {(o.number, n.number) for o, n in match_rows([a, b, c], renumbered)}
    assert pairs == {("1.1", "1.1"), ("1.3", "1.2")}
    # Reworded under its own number: the same row, changed.
    reworded = [row("1.2", "Пробный ОГЭ по математике и русскому языку")]
    assert {(o.number, n.number) for o, n in match_rows([a, b, c], reworded)} == {("1.2", "1.2")}
    # Something else entirely under an old number: removed and added, not «changed».
    assert match_rows([b], [row("1.2", "Закупка оборудования для кабинетов физики")]) == []


def _draft_with_changes(in_force):
    edition = plan_new_edition(plan=in_force.plan)
    rows = {a.number: a for a in Activity.objects.filter(section__plan=edition)}
    activity_delete(activity=rows["1.2"])
    activity_update(activity=rows["1.3"], data={"deadline_text": "Июнь 2025 г"}, version=rows["1.3"].version)
    section = PlanSection.objects.get(plan=edition)
    section_save(plan=edition, section=section, data={"title": "Мероприятия по повышению образовательных результатов"})
    added, _ = activity_create(
        section=section,
        data={"content": "Региональная диагностика по функциональной грамотности", "deadline_text": "Октябрь 2025 г",
              "executors_text": "Руководители ШНОР", "scope": Activity.Scope.ALL_SCHOOLS},
    )
    ActivityExecutor.objects.filter(activity=added).delete()
    ActivityExecutor.objects.create(activity=added, position=1, level="school", kind="role", name="Руководители ШНОР")
    return edition, added


def test_the_comparison_shows_rows_sections_and_fields(in_force, cast):
    edition, added = _draft_with_changes(in_force)
    c = compare_editions(edition=edition, today=D(2025, 1, 15))
    assert [r.new.number for r in c.added] == ["1.4"] and added.number == "1.4"
    assert [r.old.number for r in c.removed] == ["1.2"]
    assert [(r.new.number, [(ch.label, ch.before, ch.after) for ch in r.changes]) for r in c.changed] == [
        ("1.3", [("Срок", "Май 2025 г", "Июнь 2025 г")])
    ]
    assert c.unchanged_count == 1
    assert [(s.status, s.old.title, s.new.title) for s in c.sections] == [
        ("renamed", "Мероприятия по повышению результатов", "Мероприятия по повышению образовательных результатов")
    ]
    assert not c.date_flags


def test_the_comparison_says_what_approval_does_to_points_and_approval_does_it(in_force, cast, client):
    school_a_point = ControlPoint.objects.get(activity=in_force.removed, school=cast.school_a)
    school_a_point.report_text = "Проведён, протокол на сайте"
    school_a_point.status = ControlPoint.Status.SUBMITTED
    school_a_point.save()
    kept_ids = set(ControlPoint.objects.filter(activity=in_force.kept).values_list("pk", flat=True))
    assert len(kept_ids) == 2
    edition, added = _draft_with_changes(in_force)

    c = compare_editions(edition=edition, today=D(2025, 1, 15))
    effect = (c.points.created, c.points.cancelled, c.points.kept, c.points.flagged)
    # 1.1 keeps its 2; 1.3 drops 2 May points and gets 2 June ones; 1.2 loses one, the reported one
    # stays for a decision; the new row gets 2.
    assert effect == (4, 3, 2, 1)
    by_row = {(r.status, r.row.number): (r.points.created, r.points.cancelled, r.points.kept, r.points.flagged) for r in c.rows}
    assert by_row == {
        ("same", "1.1"): (0, 0, 2, 0),
        ("changed", "1.3"): (2, 2, 0, 0),
        ("added", "1.4"): (2, 0, 0, 0),
        ("removed", "1.2"): (0, 1, 0, 1),
    }
    client.force_login(cast.coordinator)
    page = client.get(reverse("roadmaps:plan_edition_compare", args=[edition.pk])).content.decode()
    assert 'data-testid="points-created">4<' in page and 'data-testid="points-cancelled">3<' in page
    assert "Пробный экзамен по математике" in page and "Июнь 2025 г" in page

    before = ControlPoint.objects.count()
    plan_approve(plan=edition)
    in_force.plan.refresh_from_db()
    assert in_force.plan.status == Plan.Status.SUPERSEDED
    new_kept = Activity.objects.get(section__plan=edition, number="1.1")
    # The kept points are the same rows, now under the new edition: their history goes on.
    assert set(ControlPoint.objects.filter(activity=new_kept).values_list("pk", flat=True)) == kept_ids
    june = Activity.objects.get(section__plan=edition, number="1.3")
    assert sorted(ControlPoint.objects.filter(activity=june).values_list("due_date", flat=True)) == [D(2025, 6, 30)] * 2
    assert ControlPoint.objects.filter(activity=added).count() == 2
    school_a_point.refresh_from_db()
    assert school_a_point.needs_decision and school_a_point.activity_id == in_force.removed.pk
    assert not ControlPoint.objects.filter(activity=in_force.removed).exclude(pk=school_a_point.pk).exists()
    assert ControlPoint.objects.count() == before + 4 - 3


def test_the_comparison_lists_dates_that_make_points_overdue(in_force, cast):
    edition, _ = _draft_with_changes(in_force)
    row = Activity.objects.get(section__plan=edition, number="1.4")
    activity_update(activity=row, data={"deadline_text": "Октябрь 2024 г"}, version=row.version)
    c = compare_editions(edition=edition, today=D(2025, 7, 1))
    flagged = {flag.activity.number: flag.messages for flag in c.date_flags}
    assert flagged["1.4"] == ["Срок вне периода плана (01.01.2025 – 31.12.2025): 31.10.2024", "Срок уже прошёл: 31.10.2024"]
    assert flagged["1.3"] == ["Срок уже прошёл: 30.06.2025"]
    assert "1.1" not in flagged  # March is past too, but the row is unchanged and its points are kept
    assert c.points.overdue_created == 4  # 1.3's June points and 1.4's October 2024 ones


def test_the_comparison_is_for_editions_only(cast, client):
    client.force_login(cast.coordinator)
    assert client.get(reverse("roadmaps:plan_edition_compare", args=[cast.plan.pk])).status_code == 404
    client.force_login(cast.coordinator_other)
    edition = plan_new_edition(plan=cast.plan)
    assert client.get(reverse("roadmaps:plan_edition_compare", args=[edition.pk])).status_code == 404
