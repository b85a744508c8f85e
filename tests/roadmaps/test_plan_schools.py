"""The plan's schools: chosen in the plan form (with quick picks), locked once approved, shown on the plan."""

import pytest
from django.urls import reverse

from clusters.models import Cluster, ClusterMembership
from roadmaps.models import Activity, ActivityExecutor, ExecutorLevel, Plan
from schools.models import SchoolList, SchoolListEntry
from tests import factories as f


@pytest.fixture
def draft(cast):
    """A draft with one quarterly activity for every school of the plan, done by the schools."""
    plan = f.PlanFactory(municipality=cast.muni, title="Дорожная карта 2025 (черновик)", status=Plan.Status.DRAFT)
    activity = f.ActivityFactory(section=f.PlanSectionFactory(plan=plan), scope=Activity.Scope.ALL_SCHOOLS)
    ActivityExecutor.objects.create(activity=activity, position=1, level=ExecutorLevel.SCHOOL, kind="role", name="Руководители ШНОР")
    cast.draft = plan
    cast.year_list = SchoolList.objects.create(municipality=cast.muni, year=2024, title="ШНОР 2024")
    SchoolListEntry.objects.create(school_list=cast.year_list, school=cast.school_a)
    SchoolListEntry.objects.create(school_list=cast.year_list, school=cast.school_b)
    return cast


def form_data(plan, **extra):
    return {
        "kind": plan.kind,
        "title": plan.title,
        "period_start": plan.period_start.strftime("%d.%m.%Y"),
        "period_end": plan.period_end.strftime("%d.%m.%Y"),
        "version": plan.version,
        **extra,
    }


def change_url(plan):
    return reverse("roadmaps:plan_change", args=[plan.pk])


def test_the_form_offers_the_years_lists_and_the_plans_clusters(draft, client):
    cluster = Cluster.objects.create(plan=draft.draft, number=1, name="Впервые в списке", criterion="first_time")
    ClusterMembership.objects.create(cluster=cluster, school=draft.school_b)
    client.force_login(draft.coordinator)
    page = client.get(change_url(draft.draft)).content.decode()
    assert "из списка года «ШНОР 2024» (2)" in page
    assert "из кластера 1 «Впервые в списке» (1)" in page
    assert "Положительная динамика" not in page  # another plan's cluster
    picked = client.post(change_url(draft.draft), form_data(draft.draft, pick=f"cluster:{cluster.pk}", apply_pick="1"))
    assert "добавлено 1" in picked.content.decode()


def test_a_quick_pick_ticks_the_lists_schools_and_saves_nothing(draft, client):
    client.force_login(draft.coordinator)
    response = client.post(
        change_url(draft.draft),
        form_data(draft.draft, title="Не сохранять", pick=f"list:{draft.year_list.pk}", apply_pick="1"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "добавлено 2" in page
    assert "Не сохранять" in page  # what was typed stays in the form
    for school in (draft.school_a, draft.school_b):
        checkbox = page.split(f'name="schools" value="{school.pk}"', 1)[1].split(">", 1)[0]
        assert "checked" in checkbox, school
    draft.draft.refresh_from_db()
    assert draft.draft.title == "Дорожная карта 2025 (черновик)"
    assert not draft.draft.schools.exists()


def test_a_draft_saves_its_schools_and_tells_what_approval_will_create(draft, client):
    client.force_login(draft.coordinator)
    page = client.get(change_url(draft.draft)).content.decode()
    assert "При утверждении каждой школе плана будет создано контрольных точек: 4" in page
    response = client.post(
        change_url(draft.draft), form_data(draft.draft, schools=[draft.school_a.pk, draft.school_b.pk]), follow=True
    )
    assert set(draft.draft.schools.all()) == {draft.school_a, draft.school_b}
    text = response.content.decode()
    assert "контрольных точек: 4" in text and "отмечено школ: 2, всего точек: 8" in text


def test_an_approved_plans_schools_change_only_by_a_new_edition(cast, client):
    cast.plan.schools.set([cast.school_a])
    client.force_login(cast.coordinator)
    # A plan in force is not edited at all, its schools included: «Внести изменения» makes a draft edition.
    page = client.get(change_url(cast.plan))
    assert page.status_code == 403 and "Внести изменения" in page.content.decode()
    refused = client.post(change_url(cast.plan), form_data(cast.plan, title="Другое", schools=[cast.school_b.pk]))
    assert refused.status_code == 403
    cast.plan.refresh_from_db()
    assert list(cast.plan.schools.all()) == [cast.school_a] and cast.plan.title != "Другое"
    client.post(reverse("roadmaps:plan_new_edition", args=[cast.plan.pk]))
    edition = Plan.objects.get(replaces=cast.plan)
    saved = client.post(change_url(edition), form_data(edition, title="Другое", schools=[cast.school_b.pk]))
    assert saved.status_code == 302
    assert list(edition.schools.all()) == [cast.school_b] and list(cast.plan.schools.all()) == [cast.school_a]


def test_a_new_plan_takes_a_years_list_too(draft, client):
    client.force_login(draft.coordinator)
    data = {"kind": "roadmap", "title": "План 2026", "period_start": "01.01.2026", "period_end": "31.12.2026"}
    picked = client.post(reverse("roadmaps:plan_add"), {**data, "pick": f"list:{draft.year_list.pk}", "apply_pick": "1"})
    assert picked.status_code == 200 and not Plan.objects.filter(title="План 2026").exists()
    client.post(reverse("roadmaps:plan_add"), {**data, "schools": [draft.school_a.pk, draft.school_b.pk]})
    assert set(Plan.objects.get(title="План 2026").schools.all()) == {draft.school_a, draft.school_b}


def test_the_plan_page_says_which_schools_it_covers(draft, client):
    client.force_login(draft.director_a)
    page = client.get(reverse("roadmaps:plan_detail", args=[draft.draft.pk])).content.decode()
    assert "Школы плана: 0" in page and "Не выбраны" in page
    draft.draft.schools.set([draft.school_a, draft.school_b])
    page = client.get(reverse("roadmaps:plan_detail", args=[draft.draft.pk])).content.decode()
    assert "Школы плана: 2" in page
    assert "Калининская" in page and "Цветочинская" in page
