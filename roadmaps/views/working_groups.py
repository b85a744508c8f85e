"""The municipality's working groups: the coordinator keeps them, every role of the municipality reads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from schools.access import (
    can_manage,
    get_plan_for_user,
    get_working_group_for_user,
    get_working_group_member_for_user,
    managed_municipality,
    visible_working_groups,
)

from ..forms import ROLES_IN_GROUP, WorkingGroupForm, WorkingGroupMemberForm
from ..services import (
    working_group_delete,
    working_group_member_add,
    working_group_member_move,
    working_group_member_remove,
    working_group_member_update,
    working_group_save,
)


def _form_error(form, error: ValidationError):
    for message in error.messages:
        form.add_error(None, message)


@login_required
def working_group_list(request):
    # One query: groups with their plan and municipality, members counted in the same SELECT.
    groups = (
        visible_working_groups(request.user)
        .select_related("plan", "municipality")
        .annotate(members_count=Count("members"))
        .order_by("municipality__name", "title", "pk")
    )
    can_add = bool(request.user.municipality_id) and can_manage(request.user, request.user.municipality_id)
    return render(request, "roadmaps/working_group_list.html", {"groups": groups, "can_add": can_add})


@login_required
def working_group_add(request):
    municipality = managed_municipality(request.user)
    initial = {}
    plan_pk = request.GET.get("plan", "")
    if plan_pk.isdigit():
        initial["plan"] = get_plan_for_user(request.user, int(plan_pk), write=True)
    form = WorkingGroupForm(request.POST or None, initial=initial, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        try:
            group = working_group_save(municipality=municipality, data=form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, "Рабочая группа создана. Добавьте её членов.")
            return redirect("roadmaps:working_group_detail", pk=group.pk)
    return render(request, "roadmaps/working_group_form.html", {"form": form, "group": None})


@login_required
def working_group_detail(request, pk):
    group = get_working_group_for_user(request.user, pk)
    members = list(group.members.select_related("person").order_by("position"))
    context = {"group": group, "members": members, "can_manage": can_manage(request.user, group.municipality_id)}
    return render(request, "roadmaps/working_group_detail.html", context)


@login_required
def working_group_change(request, pk):
    group = get_working_group_for_user(request.user, pk, write=True)
    form = WorkingGroupForm(request.POST or None, instance=group, municipality=group.municipality)
    if request.method == "POST" and form.is_valid():
        try:
            working_group_save(municipality=group.municipality, group=group, data=form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, "Рабочая группа сохранена.")
            return redirect("roadmaps:working_group_detail", pk=group.pk)
    return render(request, "roadmaps/working_group_form.html", {"form": form, "group": group})


@login_required
@require_POST
def working_group_delete_view(request, pk):
    group = get_working_group_for_user(request.user, pk, write=True)
    try:
        working_group_delete(group=group)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("roadmaps:working_group_detail", pk=group.pk)
    messages.success(request, "Рабочая группа удалена.")
    return redirect("roadmaps:working_group_list")


def _member_form_page(request, form, group, member):
    context = {"form": form, "group": group, "member": member, "roles": ROLES_IN_GROUP}
    return render(request, "roadmaps/working_group_member_form.html", context)


@login_required
def working_group_member_add_view(request, pk):
    group = get_working_group_for_user(request.user, pk, write=True)
    form = WorkingGroupMemberForm(request.POST or None, municipality=group.municipality)
    if request.method == "POST" and form.is_valid():
        try:
            working_group_member_add(group=group, data=form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, "Член рабочей группы добавлен.")
            return redirect("roadmaps:working_group_detail", pk=group.pk)
    return _member_form_page(request, form, group, None)


@login_required
def working_group_member_change(request, pk):
    member = get_working_group_member_for_user(request.user, pk, write=True)
    group = member.group
    form = WorkingGroupMemberForm(request.POST or None, instance=member, municipality=group.municipality)
    if request.method == "POST" and form.is_valid():
        try:
            working_group_member_update(member=member, data=form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, "Член рабочей группы сохранён.")
            return redirect("roadmaps:working_group_detail", pk=group.pk)
    return _member_form_page(request, form, group, member)


@login_required
@require_POST
def working_group_member_delete(request, pk):
    member = get_working_group_member_for_user(request.user, pk, write=True)
    working_group_member_remove(member=member)
    messages.success(request, f"{member.person.full_name} исключён(а) из состава рабочей группы.")
    return redirect("roadmaps:working_group_detail", pk=member.group_id)


@login_required
@require_POST
def working_group_member_move_view(request, pk):
    member = get_working_group_member_for_user(request.user, pk, write=True)
    working_group_member_move(member=member, direction=-1 if request.POST.get("direction") == "up" else 1)
    return redirect("roadmaps:working_group_detail", pk=member.group_id)
