"""Pages of setting a municipality up without /admin/.

The region administrator: the region's municipalities, each one's requisites and first coordinator.
The coordinator: the authority's requisites, the municipality's people and accounts. Account
actions (invite again, switch off, switch on) serve both, each scoped by schools/access.py.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.services import (
    account_activate,
    account_create,
    account_deactivate,
    account_invite,
    person_create,
    person_merge,
    person_update,
)
from schools.access import (
    get_account_for_user,
    get_municipality_for_region_admin,
    get_person_for_user,
    is_region_admin,
    managed_municipality,
    require_region_admin,
    visible_people,
)

from .forms import AccountForm, AuthorityForm, CoordinatorForm, MunicipalityForm, PersonForm, PersonMergeForm
from .selectors import (
    account_list as accounts_of,
    municipality_list_for_region_admin,
    municipality_schools,
    people_without_account,
    person_list as people_of,
)
from .services import (
    municipality_coordinator_create,
    municipality_create,
    municipality_requisites_update,
    municipality_update,
)

# ------------------------------------------------------------------------- region administrator


@login_required
def municipality_list(request):
    require_region_admin(request.user)
    return render(
        request,
        "schools/municipalities/municipality_list.html",
        {"region": request.user.region, "municipalities": municipality_list_for_region_admin(user=request.user)},
    )


@login_required
def municipality_add(request):
    require_region_admin(request.user)
    form = MunicipalityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            municipality = municipality_create(region=request.user.region, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Муниципалитет «{municipality}» подключён. Создайте учётную запись его координатора.")
            return redirect("municipalities:municipality_detail", pk=municipality.pk)
    return render(request, "schools/municipalities/municipality_form.html", {"form": form, "region": request.user.region})


@login_required
def municipality_detail(request, pk):
    municipality = get_municipality_for_region_admin(request.user, pk)
    return render(
        request,
        "schools/municipalities/municipality_detail.html",
        {
            "municipality": municipality,
            "accounts": accounts_of(user=request.user, municipality=municipality),
            "me": request.user,
        },
    )


@login_required
def municipality_change(request, pk):
    municipality = get_municipality_for_region_admin(request.user, pk)
    form = MunicipalityForm(request.POST or None, instance=municipality)
    if request.method == "POST" and form.is_valid():
        try:
            municipality_update(municipality=municipality, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Сведения о муниципалитете сохранены.")
            return redirect("municipalities:municipality_detail", pk=municipality.pk)
    return render(
        request,
        "schools/municipalities/municipality_form.html",
        {"form": form, "municipality": municipality, "region": municipality.region},
    )


@login_required
def municipality_coordinator_add(request, pk):
    municipality = get_municipality_for_region_admin(request.user, pk)
    form = CoordinatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = municipality_coordinator_create(municipality=municipality, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Учётная запись координатора создана, приглашение отправлено на {account.email}.")
            return redirect("municipalities:municipality_detail", pk=municipality.pk)
    return render(
        request, "schools/municipalities/coordinator_form.html", {"form": form, "municipality": municipality}
    )


def _add_errors(form, error):
    """A service's error next to its field when the form has it, above the form otherwise."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# ------------------------------------------------------------------------- coordinator


@login_required
def authority_change(request):
    municipality = managed_municipality(request.user)
    form = AuthorityForm(request.POST or None, instance=municipality, people=visible_people(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            municipality_requisites_update(municipality=municipality, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Реквизиты сохранены: новые приказы возьмут их в шапку и подпись.")
            return redirect("municipalities:authority_change")
    return render(request, "schools/municipalities/authority_form.html", {"form": form, "municipality": municipality})


@login_required
def person_list(request):
    municipality = managed_municipality(request.user)
    query = request.GET.get("q", "").strip()
    return render(
        request,
        "schools/municipalities/person_list.html",
        {"municipality": municipality, "people": people_of(user=request.user, query=query), "query": query},
    )


@login_required
def person_add(request):
    municipality = managed_municipality(request.user)
    form = PersonForm(request.POST or None, schools=municipality_schools(municipality=municipality))
    if request.method == "POST" and form.is_valid():
        try:
            person = person_create(municipality=municipality, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"«{person.full_name}» добавлен(а) в список людей.")
            return redirect("municipalities:person_list")
    return render(request, "schools/municipalities/person_form.html", {"form": form, "municipality": municipality})


@login_required
def person_change(request, pk):
    person = get_person_for_user(request.user, pk)
    form = PersonForm(
        request.POST or None, instance=person, schools=municipality_schools(municipality=person.municipality)
    )
    if request.method == "POST" and form.is_valid():
        try:
            person_update(person=person, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Сведения о человеке «{person.full_name}» сохранены.")
            return redirect("municipalities:person_list")
    return render(
        request, "schools/municipalities/person_form.html", {"form": form, "person": person, "municipality": person.municipality}
    )


@login_required
def person_merge_view(request, pk):
    """Fold a duplicate into this person: GET chooses the duplicate, POST merges."""
    person = get_person_for_user(request.user, pk)
    form = PersonMergeForm(request.POST or None, people=visible_people(request.user).exclude(pk=person.pk))
    if request.method == "POST" and form.is_valid():
        try:
            person_merge(keep=person, duplicate=form.cleaned_data["duplicate"], by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Дубль объединён с «{person.full_name}».")
            return redirect("municipalities:person_change", pk=person.pk)
    return render(request, "schools/municipalities/person_merge.html", {"form": form, "person": person})


@login_required
def account_list(request):
    municipality = managed_municipality(request.user)
    return render(
        request,
        "schools/municipalities/account_list.html",
        {"municipality": municipality, "accounts": accounts_of(user=request.user, municipality=municipality), "me": request.user},
    )


@login_required
def account_add(request):
    municipality = managed_municipality(request.user)
    people = people_without_account(user=request.user)
    form = AccountForm(
        request.POST or None,
        people=people,
        schools=municipality_schools(municipality=municipality),
        initial={"person": request.GET.get("person")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = account_create(
                email=data["email"],
                role=data["role"],
                by=request.user,
                municipality=municipality,
                school=data["school"],
                person=data["person"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Учётная запись создана, приглашение отправлено на {account.email}.")
            return redirect("municipalities:account_list")
    return render(
        request,
        "schools/municipalities/account_form.html",
        {"form": form, "municipality": municipality, "no_people": not people.exists()},
    )


# ------------------------------------------------------------------------- account actions (both)


def _back_to_accounts(user, account):
    if is_region_admin(user) and account.municipality_id:
        return redirect("municipalities:municipality_detail", pk=account.municipality_id)
    if is_region_admin(user):
        return redirect("municipalities:municipality_list")
    return redirect("municipalities:account_list")


def _account_action(request, pk, service, done):
    account = get_account_for_user(request.user, pk)
    try:
        service(user=account, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done.format(account=account))
    return _back_to_accounts(request.user, account)


@login_required
@require_POST
def account_invite_view(request, pk):
    return _account_action(request, pk, account_invite, "Приглашение отправлено ещё раз на {account.email}.")


@login_required
@require_POST
def account_deactivate_view(request, pk):
    return _account_action(request, pk, account_deactivate, "Учётная запись {account.username} отключена.")


@login_required
@require_POST
def account_activate_view(request, pk):
    return _account_action(request, pk, account_activate, "Учётная запись {account.username} снова включена.")
