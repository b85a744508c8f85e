"""The schools registry: the filtered list and its export, the card, and the forms that keep them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from schnor_portal.dates import format_date, school_year_label
from schnor_portal.db_router import use_replica
from schnor_portal.pagination import TailFastPaginator
from schnor_portal.xlsx import xlsx_response
from schools.access import can_manage, get_school_for_user, managed_municipality, require_manage, visible_schools
from schools.models import CuratorAssignment, Level, SchoolYearData, SocialPassport

from .exports import school_list_sheet
from .filters import SchoolFilterFormHelper
from .forms import CuratorAssignmentForm, SchoolForm, SchoolYearDataForm, SocialPassportForm
from .selectors import last_change, school_card, school_export_for_user, school_filter_for_user

SCHOOLS_PER_PAGE = 50
SORT_COLUMNS = ("name", "kind", "locality", "settlement", "pupils")
DEFICITS = (
    ("latest_deficit_staff", "кадры"),
    ("latest_deficit_infrastructure", "инфраструктура"),
    ("latest_deficit_transport", "транспорт"),
)


def _sees_several_municipalities(user):
    return user.reads_several_municipalities


def _sort_headers(sort):
    """Per sortable column: the value its header link sets and the arrow it shows now."""
    current = sort[0] if sort else ""
    headers = {}
    for column in SORT_COLUMNS:
        if current == column:
            headers[column] = {"sort": f"-{column}", "arrow": "▲", "aria": "ascending"}
        elif current == f"-{column}":
            headers[column] = {"sort": column, "arrow": "▼", "aria": "descending"}
        else:
            headers[column] = {"sort": column, "arrow": "", "aria": ""}  # the template marks it sortable
    return headers


@login_required
@use_replica
def school_list(request):
    filterset = school_filter_for_user(user=request.user, filters=request.GET)
    page = TailFastPaginator(filterset.qs, SCHOOLS_PER_PAGE).get_page(request.GET.get("page"))
    schools = list(page.object_list)
    for school in schools:
        school.deficits = [
            {"label": label, "level": value, "level_label": Level(value).label}
            for attr, label in DEFICITS
            if (value := getattr(school, attr))
        ]
    user = request.user
    context = {
        "filter": filterset,
        "filter_helper": SchoolFilterFormHelper(),
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "schools": schools,
        "sort_headers": _sort_headers(filterset.form.cleaned_data.get("sort")),
        "show_municipality": _sees_several_municipalities(user),
        "can_add": bool(user.municipality_id) and can_manage(user, user.municipality_id),
    }
    return render(request, "schools/registry/school_list.html", context)


@login_required
@use_replica
def school_export(request):
    schools = school_export_for_user(user=request.user, filters=request.GET)
    sheet = school_list_sheet(schools, with_municipality=_sees_several_municipalities(request.user))
    return xlsx_response(f"Школы {format_date(timezone.localdate())}.xlsx", sheet)


@login_required
def school_detail(request, pk):
    school = get_school_for_user(request.user, pk)
    context = {
        "school": school,
        "can_manage": can_manage(request.user, school.municipality_id),
        **school_card(school=school, user=request.user),
    }
    return render(request, "schools/registry/school_detail.html", context)


def _get_school_record(model, user, pk):
    """A year record or assignment of a school the user keeps: 404 outside the user's schools, 403 to a reader."""
    record = get_object_or_404(
        model.objects.select_related("school__municipality").filter(school__in=visible_schools(user)), pk=pk
    )
    require_manage(user, record.school.municipality_id)
    return record


def _form_page(request, *, make_form, instance=None, done, context):
    """Show the form; on a valid POST save it, say so and go to the school's card.

    A change is checked and saved under a row lock on the object: two saves of the same card
    cannot both pass the lost-update check of `GuardedModelForm` (no-op lock on SQLite, whose
    writes are serialised anyway).
    """
    if request.method == "POST":
        with transaction.atomic():
            if instance is not None:
                locked = type(instance).objects.select_for_update().get(pk=instance.pk)
                form = make_form(request.POST, instance=locked, last_change=last_change(locked))
            else:
                form = make_form(request.POST)
            if form.is_valid():
                saved = form.save()
                message, url = done(saved)
                messages.success(request, message)
                return redirect(url)
    elif instance is not None:
        form = make_form(instance=instance, last_change=last_change(instance))
    else:
        form = make_form()
    return render(request, "schools/registry/school_form.html", {**context, "form": form})


def _card_url(school):
    return reverse("schools:school_detail", args=[school.pk])


@login_required
def school_add(request):
    municipality = managed_municipality(request.user)
    return _form_page(
        request,
        make_form=lambda *args, **kwargs: SchoolForm(*args, municipality=municipality, **kwargs),
        done=lambda school: (f"Школа «{school.short_name}» добавлена в реестр.", _card_url(school)),
        context={"title": "Новая школа", "cancel_url": reverse("schools:school_list")},
    )


@login_required
def school_change(request, pk):
    school = get_school_for_user(request.user, pk, write=True)
    return _form_page(
        request,
        make_form=lambda *args, **kwargs: SchoolForm(*args, municipality=school.municipality, **kwargs),
        instance=school,
        done=lambda saved: ("Карточка школы сохранена.", _card_url(saved)),
        context={"title": "Изменение карточки школы", "school": school, "cancel_url": _card_url(school)},
    )


@login_required
def school_yeardata_add(request, pk):
    school = get_school_for_user(request.user, pk, write=True)
    today = timezone.localdate()
    return _form_page(
        request,
        make_form=lambda *args, **kwargs: SchoolYearDataForm(*args, school=school, today=today, **kwargs),
        done=lambda data: (f"Данные за {data.school_year_label} учебный год добавлены.", _card_url(school)),
        context={"title": "Данные за учебный год", "school": school, "cancel_url": _card_url(school)},
    )


@login_required
def school_yeardata_change(request, pk):
    year_data = _get_school_record(SchoolYearData, request.user, pk)
    school, today = year_data.school, timezone.localdate()
    return _form_page(
        request,
        make_form=lambda *args, **kwargs: SchoolYearDataForm(*args, school=school, today=today, **kwargs),
        instance=year_data,
        done=lambda data: (f"Данные за {data.school_year_label} учебный год сохранены.", _card_url(school)),
        context={
            "title": f"Данные за {year_data.school_year_label} учебный год",
            "school": school,
            "cancel_url": _card_url(school),
        },
    )


@login_required
def school_socialpassport_add(request, pk):
    school = get_school_for_user(request.user, pk, write=True)
    today = timezone.localdate()
    return _form_page(
        request,
        make_form=lambda *args, **kwargs: SocialPassportForm(*args, school=school, today=today, **kwargs),
        done=lambda p: (f"Социальный паспорт за {school_year_label(p.year)} учебный год добавлен.", _card_url(school)),
        context={"title": "Социальный паспорт", "school": school, "cancel_url": _card_url(school)},
    )


@login_required
def school_socialpassport_change(request, pk):
    passport = _get_school_record(SocialPassport, request.user, pk)
    school, today = passport.school, timezone.localdate()
    return _form_page(
        request,
        make_form=lambda *args, **kwargs: SocialPassportForm(*args, school=school, today=today, **kwargs),
        instance=passport,
        done=lambda p: (f"Социальный паспорт за {school_year_label(p.year)} учебный год сохранён.", _card_url(school)),
        context={
            "title": f"Социальный паспорт, {school_year_label(passport.year)} учебный год",
            "school": school,
            "cancel_url": _card_url(school),
        },
    )


@login_required
def school_curator_add(request, pk):
    school = get_school_for_user(request.user, pk, write=True)
    today = timezone.localdate()

    def done(assignment):
        message = f"{assignment.curator.short_name} — куратор школы с {format_date(assignment.start_date)}"
        if assignment.end_date:
            message += f" по {format_date(assignment.end_date)}"
        return f"{message}.", _card_url(school)

    return _form_page(
        request,
        make_form=lambda *args, **kwargs: CuratorAssignmentForm(*args, school=school, today=today, **kwargs),
        done=done,
        context={"title": "Назначение куратора", "school": school, "cancel_url": _card_url(school)},
    )


@login_required
@require_POST
def curator_assignment_end(request, pk):
    assignment = _get_school_record(CuratorAssignment, request.user, pk)
    today = timezone.localdate()
    curator = assignment.curator.short_name
    if assignment.end_date is not None and assignment.end_date <= today:
        messages.info(request, f"Закрепление куратора {curator} уже завершено {format_date(assignment.end_date)}.")
    elif assignment.start_date is not None and assignment.start_date > today:
        messages.error(
            request,
            f"Закрепление куратора {curator} начнётся только {format_date(assignment.start_date)}: "
            "завершить его раньше начала нельзя.",
        )
    else:
        assignment.end_date = today
        assignment.save(update_fields=["end_date"])
        messages.success(request, f"Закрепление куратора {curator} завершено {format_date(today)}.")
    return redirect(_card_url(assignment.school))
