"""Writes of setting a municipality up. Who may call is checked by the views (schools/access.py);
each write saves a history record naming the acting user and what was done."""

from django.db import transaction

from accounts.models import PersonRole, Role
from accounts.services import account_create, audited_save, person_create
from schools.models import Municipality

MUNICIPALITY_FIELDS = ("name", "authority_name", "authority_header", "place", "head_position", "time_zone", "list_label")
AUTHORITY_FIELDS = ("authority_name", "authority_header", "place", "head", "head_position")


def municipality_create(*, region, by, **fields) -> Municipality:
    """A new municipality of `region`: empty until its coordinator fills it."""
    municipality = Municipality(region=region, **{name: fields[name] for name in MUNICIPALITY_FIELDS if name in fields})
    municipality.full_clean()
    audited_save(municipality, by=by, reason="подключён к порталу")
    return municipality


def municipality_update(*, municipality, by, **fields) -> Municipality:
    """The region administrator's edit; the region never changes here (it is the administrator's own)."""
    for name in MUNICIPALITY_FIELDS:
        if name in fields:
            setattr(municipality, name, fields[name])
    municipality.full_clean()
    audited_save(municipality, by=by, reason="изменён региональным администратором")
    return municipality


def municipality_requisites_update(*, municipality, by, **fields) -> Municipality:
    """The coordinator's edit of the authority's requisites: what new orders print (reports.selectors.order_defaults)."""
    for name in AUTHORITY_FIELDS:
        if name in fields:
            setattr(municipality, name, fields[name])
    municipality.full_clean()
    audited_save(municipality, by=by, reason="реквизиты органа управления образованием")
    return municipality


@transaction.atomic
def municipality_coordinator_create(*, municipality, by, last_name, first_name, middle_name="", position="", email):
    """The municipality's coordinator: a person with the role and an account with an invitation."""
    person = person_create(
        municipality=municipality,
        by=by,
        last_name=last_name,
        first_name=first_name,
        middle_name=middle_name,
        position=position,
        organisation=municipality.authority_name,
        email=email.strip().lower(),
    )
    PersonRole.objects.create(person=person, kind=PersonRole.Kind.COORDINATOR)
    return account_create(email=email, role=Role.COORDINATOR, by=by, municipality=municipality, person=person)
