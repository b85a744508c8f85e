"""Monitoring visits: recorded by the school's curator or the coordinator, read by whoever sees the school."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from monitoring.control.forms import VisitForm
from monitoring.control.selectors import visit_page
from monitoring.control.visits import VISIT_FIELDS, visit_create, visit_update
from schools.access import can_record_visit, get_school_for_user, get_visit_for_user


@login_required
def visit_add(request, school_pk):
    school = get_school_for_user(request.user, school_pk)
    if not can_record_visit(request.user, school):
        raise PermissionDenied("Записывать визиты может куратор школы или муниципальный координатор.")
    initial = {"visitor": request.user.person_id} if request.user.person_id else {}
    form = VisitForm(request.POST or None, request.FILES or None, school=school, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data.get(name) for name in VISIT_FIELDS}
        visit = visit_create(school=school, user=request.user, data=data, files=form.cleaned_data["files"])
        messages.success(request, "Визит записан.")
        return redirect("monitoring:visit_detail", pk=visit.pk)
    return render(request, "monitoring/control/visit_form.html", {"form": form, "school": school, "title": "Новый мониторинговый визит"})


@login_required
def visit_detail(request, pk):
    visit = get_visit_for_user(request.user, pk)
    return render(
        request,
        "monitoring/control/visit_detail.html",
        {"visit": visit, "can_change": can_record_visit(request.user, visit.school), **visit_page(visit=visit)},
    )


@login_required
def visit_change(request, pk):
    visit = get_visit_for_user(request.user, pk, write=True)
    form = VisitForm(request.POST or None, request.FILES or None, instance=visit, school=visit.school)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data.get(name) for name in VISIT_FIELDS}
        try:
            visit_update(
                visit=visit, user=request.user, version=form.cleaned_data["version"], data=data, files=form.cleaned_data["files"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Визит сохранён.")
            return redirect("monitoring:visit_detail", pk=visit.pk)
    return render(
        request,
        "monitoring/control/visit_form.html",
        {"form": form, "school": visit.school, "visit": visit, "title": f"Визит {visit.date:%d.%m.%Y}"},
    )
