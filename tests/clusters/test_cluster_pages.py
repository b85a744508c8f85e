import pytest
from django.urls import reverse

from clusters.models import Cluster, ClusterMembership
from roadmaps.models import Plan
from schools.models import SchoolList, SchoolListEntry
from tests import factories as f


@pytest.fixture
def clusters(cast):
    """Plan A, a draft (a plan in force is redistributed only in a new edition), with two clusters;
    school A listed twice (repeated), school B once (first time)."""
    Plan.objects.filter(pk=cast.plan.pk).update(status=Plan.Status.DRAFT)
    cast.plan.refresh_from_db()
    cast.cluster.delete()
    first = Cluster.objects.create(plan=cast.plan, number=2, name="Впервые", criterion="first_time")
    repeated = Cluster.objects.create(plan=cast.plan, number=3, name="Повторно", criterion="repeated")
    ClusterMembership.objects.create(cluster=first, school=cast.school_a, reason="ошибочно")
    for year, schools in ((2021, [cast.school_a]), (2022, [cast.school_a, cast.school_b])):
        school_list = SchoolList.objects.create(municipality=cast.muni, year=year, title=f"ШНОР {year}")
        for school in schools:
            SchoolListEntry.objects.create(school_list=school_list, school=school)
    cast.activity.clusters.set([first])
    return {"first": first, "repeated": repeated}


def test_it_shows_a_proposal_without_saving_it(cast, clusters, client):
    client.force_login(cast.coordinator)
    response = client.get(reverse("clusters:cluster_propose", args=[cast.plan.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert f'name="cluster_{cast.school_a.pk}"' in page
    assert "повторно включена в список ШНОР: ШНОР 2021, ШНОР 2022" in page
    assert ClusterMembership.objects.get(school=cast.school_a).cluster == clusters["first"]


def test_it_applies_the_accepted_distribution_with_moves_and_removals(cast, clusters, client):
    client.force_login(cast.coordinator)
    page = client.get(reverse("clusters:cluster_propose", args=[cast.plan.pk]))
    response = client.post(
        reverse("clusters:cluster_propose", args=[cast.plan.pk]),
        {
            "fingerprint": page.context["fingerprint"],
            f"cluster_{cast.school_a.pk}": "3",
            f"reason_{cast.school_a.pk}": "повторно включена в список ШНОР",
            f"cluster_{cast.school_b.pk}": "",
            f"reason_{cast.school_b.pk}": "",
        },
    )
    assert response.status_code == 302
    membership = ClusterMembership.objects.get(school=cast.school_a)
    assert membership.cluster == clusters["repeated"] and membership.reason == "повторно включена в список ШНОР"
    assert not ClusterMembership.objects.filter(school=cast.school_b).exists()


def test_it_creates_a_default_cluster_the_plan_lacks(cast, clusters, client):
    client.force_login(cast.coordinator)
    page = client.get(reverse("clusters:cluster_propose", args=[cast.plan.pk]))
    client.post(
        reverse("clusters:cluster_propose", args=[cast.plan.pk]),
        {"fingerprint": page.context["fingerprint"], f"cluster_{cast.school_b.pk}": "4", f"reason_{cast.school_b.pk}": "зона риска"},
    )
    created = Cluster.objects.get(plan=cast.plan, number=4)
    assert created.criterion == "risk_zone"
    assert "зоне риска" in created.name


def test_it_refuses_a_stale_preview(cast, clusters, client):
    client.force_login(cast.coordinator)
    page = client.get(reverse("clusters:cluster_propose", args=[cast.plan.pk]))
    ClusterMembership.objects.create(cluster=clusters["repeated"], school=cast.school_b)  # someone else saved
    response = client.post(
        reverse("clusters:cluster_propose", args=[cast.plan.pk]),
        {"fingerprint": page.context["fingerprint"], f"cluster_{cast.school_a.pk}": "3"},
        follow=True,
    )
    assert "уже изменил другой пользователь" in response.content.decode()
    assert ClusterMembership.objects.get(school=cast.school_a).cluster == clusters["first"]


def test_it_refuses_schools_of_another_municipality(cast, clusters, client):
    client.force_login(cast.coordinator)
    page = client.get(reverse("clusters:cluster_propose", args=[cast.plan.pk]))
    response = client.post(
        reverse("clusters:cluster_propose", args=[cast.plan.pk]),
        {"fingerprint": page.context["fingerprint"], f"cluster_{cast.school_other.pk}": "3"},
        follow=True,
    )
    assert "другого муниципалитета" in response.content.decode()
    assert not ClusterMembership.objects.filter(school=cast.school_other).exists()


def test_it_applies_only_the_chosen_rules(cast, clusters, client):
    client.force_login(cast.coordinator)
    response = client.get(reverse("clusters:cluster_propose", args=[cast.plan.pk]), {"list_year": 2022, "rules": ["repeated"]})
    rows = {row["proposal"].name: row["proposal"].cluster for row in response.context["rows"]}
    assert rows[cast.school_a.short_name] == 3
    assert rows[cast.school_b.short_name] is None


@pytest.mark.parametrize("role", ["chair", "curator", "director_a"])
def test_it_lets_only_the_coordinator_change_clusters(cast, clusters, client, role):
    client.force_login(getattr(cast, role))
    assert client.get(reverse("clusters:cluster_propose", args=[cast.plan.pk])).status_code == 403
    assert client.post(reverse("clusters:cluster_add", args=[cast.plan.pk]), {"number": 9, "name": "x", "criterion": "custom"}).status_code == 403
    assert client.post(reverse("clusters:cluster_delete", args=[clusters["repeated"].pk])).status_code == 403
    assert client.get(reverse("clusters:cluster_detail", args=[clusters["first"].pk])).status_code == 200


def test_it_hides_another_municipalitys_clusters(cast, clusters, client):
    client.force_login(cast.coordinator_other)
    assert client.get(reverse("clusters:cluster_detail", args=[clusters["first"].pk])).status_code == 404
    assert client.get(reverse("clusters:cluster_propose", args=[cast.plan.pk])).status_code == 404


def test_it_explains_a_duplicate_cluster_number(cast, clusters, client):
    client.force_login(cast.coordinator)
    response = client.post(reverse("clusters:cluster_add", args=[cast.plan.pk]), {"number": 2, "name": "Ещё", "criterion": "custom"})
    assert "уже есть 2 кластер" in response.content.decode()


def test_it_keeps_a_cluster_with_activities(cast, clusters, client):
    client.force_login(cast.coordinator)
    response = client.post(reverse("clusters:cluster_delete", args=[clusters["first"].pk]), follow=True)
    assert "перенесите их в другой кластер" in response.content.decode()
    assert Cluster.objects.filter(pk=clusters["first"].pk).exists()


def test_it_shows_progress_only_for_schools_the_user_may_see(cast, clusters, client):
    ClusterMembership.objects.create(cluster=clusters["first"], school=cast.school_b)
    client.force_login(cast.director_a)
    rows = {r["membership"].school_id: r for r in client.get(reverse("clusters:cluster_detail", args=[clusters["first"].pk])).context["rows"]}
    assert rows[cast.school_a.pk]["visible"] and rows[cast.school_a.pk]["total"] == 1
    assert not rows[cast.school_b.pk]["visible"]


# session, user, municipality, the cluster with its plan, memberships with schools, activities,
# progress per school.
def test_it_shows_a_cluster_in_a_fixed_number_of_queries(cast, clusters, client, django_assert_num_queries):
    client.force_login(cast.coordinator)
    for size in (3, 30):
        while clusters["first"].memberships.count() < size:
            school = f.SchoolFactory(municipality=cast.muni)
            ClusterMembership.objects.create(cluster=clusters["first"], school=school)
            f.ControlPointFactory(activity=cast.activity, school=school)
        with django_assert_num_queries(7):
            response = client.get(reverse("clusters:cluster_detail", args=[clusters["first"].pk]))
        assert len(response.context["rows"]) == size


# session, user, municipality, plan, clusters, their memberships with schools.
def test_it_lists_clusters_in_a_fixed_number_of_queries(cast, clusters, client, django_assert_num_queries):
    client.force_login(cast.chair)
    for size in (3, 30):
        while clusters["repeated"].memberships.count() < size:
            ClusterMembership.objects.create(cluster=clusters["repeated"], school=f.SchoolFactory(municipality=cast.muni))
        with django_assert_num_queries(6):
            assert client.get(reverse("clusters:cluster_list", args=[cast.plan.pk])).status_code == 200
