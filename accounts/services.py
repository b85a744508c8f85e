"""Writes of people and accounts. Callers pass municipalities, schools and regions as objects:
accounts imports no other app (.importlinter `accounts-base`); who may call is checked by the
views through schools/access.py.

Every change saves a history record naming the acting user (`_history_user`) and what was done
(`_change_reason`), so «who switched this account off, when» is answered from the history.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from .invitations import invitation_send
from .models import Person, PersonRole, Role, User

PERSON_FIELDS = ("last_name", "first_name", "middle_name", "position", "organisation", "school", "email", "phone", "note")


def audited_save(instance, *, by, reason, update_fields=None):
    """Save with the acting user and the reason in the django-simple-history record."""
    instance._history_user = by
    instance._change_reason = reason
    instance.save(update_fields=update_fields)


def person_create(*, municipality, by, **fields) -> Person:
    person = Person(municipality=municipality, **{name: fields[name] for name in PERSON_FIELDS if name in fields})
    person.full_clean()
    audited_save(person, by=by, reason="добавлен")
    return person


def person_update(*, person, by, **fields) -> Person:
    for name in PERSON_FIELDS:
        if name in fields:
            setattr(person, name, fields[name])
    person.full_clean()
    audited_save(person, by=by, reason="изменён")
    return person


def email_taken(email: str, *, exclude_pk=None) -> bool:
    """Whether another account signs in with, or receives letters at, this address."""
    others = User.objects.exclude(pk=exclude_pk) if exclude_pk else User.objects.all()
    return others.filter(username__iexact=email).exists() or others.filter(email__iexact=email).exists()


@transaction.atomic
def account_create(*, email, role, by, municipality=None, region=None, school=None, person=None) -> User:
    """A new account with no password: the invitation's link lets its owner set one.

    The e-mail is the login: people remember their address, not an invented name, and «Забыли
    пароль?» finds the account by it.
    """
    email = email.strip().lower()
    if email_taken(email):
        raise ValidationError({"email": f"Учётная запись с адресом {email} уже есть."})
    if person is not None and User.objects.filter(person=person).exists():
        raise ValidationError({"person": f"У человека «{person}» уже есть учётная запись."})
    user = User(
        username=email,
        email=email,
        role=role,
        municipality=municipality,
        region=region,
        school=school if role == Role.DIRECTOR else None,
        person=person,
    )
    if person is not None:
        user.first_name = person.first_name[:150]
        user.last_name = person.last_name[:150]
    user.set_unusable_password()
    user.full_clean()
    audited_save(user, by=by, reason="создана, отправлено приглашение")
    invitation_send(user=user, invited_by=by)
    return user


@transaction.atomic
def account_invite(*, user, by) -> User:
    """Send the invitation again: a fresh one-time link; the earlier one still works until used or expired."""
    if not user.is_active:
        raise ValidationError("Учётная запись отключена: сначала включите её.")
    if not user.email:
        raise ValidationError("У учётной записи нет адреса эл. почты.")
    # No field changes; the save is the history record of the letter (who sent it, when).
    audited_save(user, by=by, reason="приглашение отправлено повторно", update_fields=["email"])
    invitation_send(user=user, invited_by=by)
    return user


@transaction.atomic
def account_deactivate(*, user, by) -> User:
    """Switch the account off: it cannot sign in, its records and history stay."""
    if user.pk == by.pk:
        raise ValidationError("Собственную учётную запись отключить нельзя.")
    if not user.is_active:
        return user
    user.is_active = False
    audited_save(user, by=by, reason="отключена", update_fields=["is_active"])
    return user


@transaction.atomic
def account_activate(*, user, by) -> User:
    if user.is_active:
        return user
    user.is_active = True
    audited_save(user, by=by, reason="включена", update_fields=["is_active"])
    return user


MERGE_FILLS = ("first_name", "middle_name", "position", "organisation", "school", "email", "phone", "note")


def _references_to_person():
    """Every foreign key to Person from any app, hidden ones («+») included, history tables excluded:
    found through the model registry, so accounts imports no other app and misses none added later."""
    for relation in Person._meta.get_fields(include_hidden=True):
        if not (relation.is_relation and relation.auto_created and not relation.concrete):
            continue
        if relation.many_to_many or relation.related_model._meta.label.split(".")[-1].startswith("Historical"):
            continue
        yield relation.related_model, relation.field


@transaction.atomic
def person_merge(*, keep, duplicate, by) -> Person:
    """Fold `duplicate` into `keep`: every record naming the duplicate names `keep`; `keep`'s empty
    fields take the duplicate's values; the duplicate is deleted. The history of `keep` says which
    record was merged into it; the rows repointed keep their own history as it was."""
    if keep.pk == duplicate.pk:
        raise ValidationError("Нельзя объединить человека с самим собой.")
    if keep.municipality_id != duplicate.municipality_id:
        raise ValidationError("Люди относятся к разным муниципалитетам.")
    keep_account = User.objects.filter(person=keep).exists()
    if keep_account and User.objects.filter(person=duplicate).exists():
        raise ValidationError("У обоих есть учётные записи: сначала отключите лишнюю и отвяжите её от человека в /admin/.")
    for model, field in _references_to_person():
        rows = model._default_manager.filter(**{field.name: duplicate})
        if model is PersonRole:
            # One role of a kind per person (accounts_personrole_unique): the duplicate's copy goes.
            rows.filter(kind__in=PersonRole.objects.filter(person=keep).values("kind")).delete()
        rows.update(**{field.name: keep})
    for name in MERGE_FILLS:
        if not getattr(keep, name) and getattr(duplicate, name):
            setattr(keep, name, getattr(duplicate, name))
    label = f"{duplicate.full_name} (№ {duplicate.pk})"
    duplicate._history_user = by
    duplicate._change_reason = f"объединён с «{keep.full_name}» (№ {keep.pk})"
    duplicate.delete()
    keep.full_clean()
    audited_save(keep, by=by, reason=f"объединён с дублем «{label}»")
    return keep
