"""Reads of setting a municipality up; every one starts from schools/access.py."""

from django.db.models import Count, Q, QuerySet

from accounts.models import Person, User
from schools.access import administered_municipalities, visible_accounts, visible_people
from schools.models import Municipality, School


def municipality_list_for_region_admin(*, user) -> QuerySet[Municipality]:
    """The region's municipalities with what shows whether each has started: coordinators, accounts, schools."""
    return administered_municipalities(user).annotate(
        n_schools=Count("schools", distinct=True),
        n_accounts=Count("users", filter=Q(users__is_active=True), distinct=True),
        n_coordinators=Count("users", filter=Q(users__is_active=True, users__role="coordinator"), distinct=True),
    ).order_by("name")


def account_list(*, user, municipality=None) -> QuerySet[User]:
    """Accounts the user keeps, of one municipality when given; active first, then by name."""
    accounts = visible_accounts(user)
    if municipality is not None:
        accounts = accounts.filter(municipality=municipality)
    return accounts.select_related("person", "school").order_by("-is_active", "last_name", "username")


def person_list(*, user, query="") -> QuerySet[Person]:
    people = visible_people(user).select_related("school", "user").prefetch_related("roles")
    for word in query.split():
        people = people.filter(
            Q(last_name__icontains=word) | Q(first_name__icontains=word) | Q(middle_name__icontains=word)
            | Q(position__icontains=word) | Q(email__icontains=word)
        )
    return people.order_by("last_name", "first_name", "middle_name")


def people_without_account(*, user) -> QuerySet[Person]:
    return visible_people(user).filter(user__isnull=True).order_by("last_name", "first_name")


def municipality_schools(*, municipality) -> QuerySet[School]:
    return School.objects.filter(municipality=municipality).order_by("short_name")
