"""Every URL of the portal is scoped: walk the resolver, and fail on a pattern with no case here.

Each object URL is requested as every role for an object of its own scope (200) and for an object
of another school or municipality (404). A new URL pattern without a case below fails the test,
so scoping cannot be forgotten.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# name → (attribute of the cast object the URL shows, {role: ids it may open})
OBJECT_URLS = {
    "schools:school_detail": {
        "coordinator": (["school_a", "school_b"], ["school_other"]),
        "chair": (["school_a", "school_b"], ["school_other"]),
        "curator": (["school_a"], ["school_b", "school_other"]),
        "director_a": (["school_a"], ["school_b", "school_other"]),
        "director_b": (["school_b"], ["school_a", "school_other"]),
        "coordinator_other": (["school_other"], ["school_a", "school_b"]),
        "region_viewer": (["school_a"], ["school_other"]),
        "no_role": ([], ["school_a"]),
    },
    "roadmaps:plan_detail": {
        "coordinator": (["plan"], ["plan_other"]),
        "chair": (["plan"], ["plan_other"]),
        "curator": (["plan"], ["plan_other"]),
        "director_a": (["plan"], ["plan_other"]),
        "coordinator_other": (["plan_other"], ["plan"]),
        "region_viewer": (["plan"], ["plan_other"]),
        "no_role": ([], ["plan"]),
    },
}
# Pages without an object in the URL: scoped by their querysets (tested with their views).
PLAIN_URLS = {
    "home",
    "schools:school_list",
    "roadmaps:plan_list",
    "accounts:login",
    "accounts:logout",
    "accounts:password_change",
    "accounts:password_change_done",
}
PUBLIC_URLS = {"accounts:login"}


def _walk(resolver, namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            yield from _walk(entry, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def portal_url_names():
    return {name for name, _ in _walk(get_resolver()) if not name.startswith("admin:")}


def test_it_has_a_case_for_every_url_pattern():
    missing = portal_url_names() - set(OBJECT_URLS) - PLAIN_URLS
    assert not missing, f"URL patterns without a scoping case: {sorted(missing)}"


@pytest.mark.parametrize("url_name", sorted(OBJECT_URLS))
def test_it_opens_own_objects_and_hides_foreign_ones(cast, client, url_name):
    for role, (own, foreign) in OBJECT_URLS[url_name].items():
        client.force_login(getattr(cast, role))
        for attr in own:
            response = client.get(reverse(url_name, args=[getattr(cast, attr).pk]))
            assert response.status_code == 200, (role, attr)
        for attr in foreign:
            response = client.get(reverse(url_name, args=[getattr(cast, attr).pk]))
            assert response.status_code == 404, (role, attr)


@pytest.mark.parametrize("url_name", sorted(OBJECT_URLS))
def test_it_sends_anonymous_visitors_to_login(cast, client, url_name):
    first_role_case = next(iter(OBJECT_URLS[url_name].values()))
    response = client.get(reverse(url_name, args=[getattr(cast, first_role_case[0][0]).pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("url_name", sorted(PLAIN_URLS - PUBLIC_URLS - {"accounts:logout"}))
def test_it_requires_login_for_every_page(db, client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ["coordinator", "chair", "curator", "director_a", "region_viewer"])
def test_it_keeps_role_accounts_out_of_the_admin_even_as_staff(cast, client, role):
    user = getattr(cast, role)
    user.is_staff = True
    user.save()
    client.force_login(user)
    for url in (reverse("admin:index"), reverse("admin:schools_school_change", args=[cast.school_other.pk])):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("admin:login"))
