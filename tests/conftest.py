"""The cast every test can call on.

Municipality A: its coordinator and chair; a curator of school A; the directors of schools A and B.
Municipality B (another region): its coordinator and its own school, plan, order and control point.
Region of A: its viewer and its administrator.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.core.cache import cache

from accounts.models import Role
from clusters.models import Cluster, ClusterMembership

from . import factories as f


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: what the portal keeps (sums per school, plan tables,
    rate-limit budgets) is keyed by ids, and a database rolled back after a test (SQLite) gives the
    next test's objects the same ids."""
    cache.clear()


@pytest.fixture
def cast(db):
    muni = f.MunicipalityFactory(name="Русско-Полянский муниципальный район")
    other = f.MunicipalityFactory(name="Углегорский муниципальный округ", time_zone="Asia/Sakhalin")
    school_a = f.SchoolFactory(municipality=muni, short_name="БОУ «Калининская СОШ»")
    school_b = f.SchoolFactory(municipality=muni, short_name="БОУ «Цветочинская СОШ»")
    school_other = f.SchoolFactory(municipality=other, short_name="МБОУ СОШ № 1 г. Углегорска")

    curator_person = f.PersonFactory(municipality=muni, last_name="Соколова")
    f.CuratorAssignmentFactory(school=school_a, curator=curator_person, start_date=datetime.date(2023, 3, 1))
    # An assignment that has ended gives no access any more.
    f.CuratorAssignmentFactory(
        school=school_b, curator=curator_person, start_date=datetime.date(2021, 1, 1), end_date=datetime.date(2022, 1, 1)
    )

    plan = f.PlanFactory(municipality=muni)
    plan_other = f.PlanFactory(municipality=other)
    activity = f.ActivityFactory(section=f.PlanSectionFactory(plan=plan))
    activity_other = f.ActivityFactory(section=f.PlanSectionFactory(plan=plan_other))

    cluster = Cluster.objects.create(plan=plan, number=1, name="Положительная динамика", criterion="positive_dynamics")
    ClusterMembership.objects.create(cluster=cluster, school=school_a)
    cluster_other = Cluster.objects.create(plan=plan_other, number=1, name="Впервые в списке", criterion="first_time")

    cast = SimpleNamespace(
        muni=muni,
        other=other,
        school_a=school_a,
        school_b=school_b,
        school_other=school_other,
        plan=plan,
        plan_other=plan_other,
        cluster=cluster,
        cluster_other=cluster_other,
        activity=activity,
        activity_other=activity_other,
        section=activity.section,
        section_other=activity_other.section,
        cp_a=f.ControlPointFactory(activity=activity, school=school_a),
        cp_b=f.ControlPointFactory(activity=activity, school=school_b),
        cp_muni=f.ControlPointFactory(activity=activity, school=None),
        cp_other=f.ControlPointFactory(activity=activity_other, school=school_other),
        order=f.OrderFactory(municipality=muni),
        order_other=f.OrderFactory(municipality=other),
        coordinator=f.UserFactory(username="coordinator", role=Role.COORDINATOR, municipality=muni),
        chair=f.UserFactory(username="chair", role=Role.CHAIR, municipality=muni),
        curator=f.UserFactory(username="curator", role=Role.CURATOR, municipality=muni, person=curator_person),
        director_a=f.UserFactory(username="director_a", role=Role.DIRECTOR, municipality=muni, school=school_a),
        director_b=f.UserFactory(username="director_b", role=Role.DIRECTOR, municipality=muni, school=school_b),
        coordinator_other=f.UserFactory(username="coordinator_other", role=Role.COORDINATOR, municipality=other),
        region_viewer=f.UserFactory(username="region", role=Role.REGION, municipality=None, region=muni.region),
        # Connects the municipalities of A's region and keeps their accounts; reads as the region viewer.
        region_admin=f.UserFactory(username="region_admin", role=Role.REGION_ADMIN, municipality=None, region=muni.region),
        no_role=f.UserFactory(username="norole", role="", municipality=muni),
    )
    return cast


@pytest.fixture
def cast_lists(cast):
    """Yearly lists on top of the cast: «ПРШ 2022» of municipality A (school A on it), «ШНОР 2025» of B."""
    from schools.models import SchoolList, SchoolListEntry

    cast.school_list = SchoolList.objects.create(municipality=cast.muni, year=2022, title="ПРШ 2022")
    cast.school_list_other = SchoolList.objects.create(municipality=cast.other, year=2025, title="ШНОР 2025")
    cast.list_entry = SchoolListEntry.objects.create(school_list=cast.school_list, school=cast.school_a)
    cast.list_entry_other = SchoolListEntry.objects.create(school_list=cast.school_list_other, school=cast.school_other)
    return cast
