"""The access module: what each role of municipality A may read, and that B stays invisible."""

import pytest
from django.http import Http404

from schools.access import (
    own_school,
    visible_control_points,
    visible_municipalities,
    visible_orders,
    visible_plans,
    visible_schools,
)


def ids(qs):
    return set(qs.values_list("pk", flat=True))


@pytest.mark.parametrize("role", ["coordinator", "chair"])
def test_it_gives_municipality_roles_the_whole_municipality(cast, role):
    user = getattr(cast, role)
    assert ids(visible_schools(user)) == {cast.school_a.pk, cast.school_b.pk}
    assert ids(visible_control_points(user)) == {cast.cp_a.pk, cast.cp_b.pk, cast.cp_muni.pk}
    assert ids(visible_plans(user)) == {cast.plan.pk}
    assert ids(visible_orders(user)) == {cast.order.pk}


def test_it_gives_a_curator_only_currently_assigned_schools(cast):
    assert ids(visible_schools(cast.curator)) == {cast.school_a.pk}
    assert ids(visible_control_points(cast.curator)) == {cast.cp_a.pk}
    assert ids(visible_plans(cast.curator)) == {cast.plan.pk}


def test_it_gives_a_director_only_the_own_school(cast):
    assert ids(visible_schools(cast.director_a)) == {cast.school_a.pk}
    assert ids(visible_control_points(cast.director_a)) == {cast.cp_a.pk}
    assert ids(visible_schools(cast.director_b)) == {cast.school_b.pk}
    assert ids(visible_control_points(cast.director_b)) == {cast.cp_b.pk}


def test_a_directors_own_school_is_the_one_visible_schools_gives(cast):
    for director in (cast.director_a, cast.director_b):
        assert {own_school(director).pk} == ids(visible_schools(director))
    for user in (cast.coordinator, cast.curator, cast.chair, cast.region_viewer, cast.no_role):
        with pytest.raises(Http404):
            own_school(user)


def test_a_school_moved_to_another_municipality_is_no_longer_its_directors_own(cast):
    """The account is loaded with its school: the school's municipality is checked as visible_schools checks it."""
    cast.school_a.municipality = cast.other
    cast.school_a.save()
    director = type(cast.director_a).objects.select_related("school").get(pk=cast.director_a.pk)
    assert not visible_schools(director).exists()
    with pytest.raises(Http404):
        own_school(director)
    director.is_active = False
    with pytest.raises(Http404):
        own_school(director)


def test_it_gives_a_region_viewer_the_municipalities_of_its_region(cast):
    assert ids(visible_municipalities(cast.region_viewer)) == {cast.muni.pk}
    assert cast.school_other.pk not in ids(visible_schools(cast.region_viewer))


def test_it_gives_an_account_without_a_role_nothing(cast):
    for selector in (visible_municipalities, visible_schools, visible_plans, visible_orders, visible_control_points):
        assert not selector(cast.no_role).exists()


def test_it_keeps_each_municipality_to_itself(cast):
    user = cast.coordinator_other
    assert ids(visible_schools(user)) == {cast.school_other.pk}
    assert ids(visible_control_points(user)) == {cast.cp_other.pk}
    assert ids(visible_orders(user)) == {cast.order_other.pk}


def test_it_gives_a_superuser_everything(cast, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="x")
    assert ids(visible_schools(admin)) == {cast.school_a.pk, cast.school_b.pk, cast.school_other.pk}
