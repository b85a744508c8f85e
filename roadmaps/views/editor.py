"""The coordinator's plan editor: plans, sections and rows edited in place (htmx), new editions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import format_html
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from monitoring.control.services import activity_windows
from schnor_portal.optimistic_lock import MISSING_VERSION, posted_version
from schools.access import (
    can_manage,
    get_activity_for_user,
    get_plan_for_user,
    get_section_for_user,
    managed_municipality,
    visible_control_points,
)

from ..deadlines import parse_deadline
from ..editions import deadline_flags
from ..forms import ActivityForm, ManualWindowsForm, PlanForm, SectionForm
from ..models import Activity, Plan
from ..selectors import plan_school_points
from ..services import (
    activity_create,
    activity_delete,
    activity_move,
    activity_update,
    plan_read_only_reason,
    plan_save,
    section_delete,
    section_renumber,
    section_save,
)


def _writable(request, plan, row=False):
    """Refuse before any form is shown or any write is tried: a plan in force (or one that lost
    force) changes only by a new edition. A row swapped in by htmx (`row`) says why in its place;
    every other request gets the 403 page with the reason."""
    reason = plan_read_only_reason(plan)
    if not reason:
        return None
    if row and request.htmx:
        return HttpResponse(
            # 200: htmx swaps no error response, and the coordinator must read why nothing changed.
            format_html('<tr><td colspan="6" class="text-danger" role="alert">{}</td></tr>', reason)
        )
    raise PermissionDenied(reason)


def _sync_message(request, result):
    if result.flagged:
        messages.warning(
            request,
            f"Сроки изменились: {result.flagged} контрольн. точек с отчётами школ сохранены и отмечены для вашего решения.",
        )


def _school_points_line(points, n_schools) -> str:
    if not points["per_school"]:
        return (
            "В плане нет мероприятий «для всех школ плана» с исполнителями-школами: при утверждении школам плана "
            "контрольные точки будут созданы только по мероприятиям кластеров и выбранных школ."
        )
    return (
        f"При утверждении каждой школе плана будет создано контрольных точек: {points['per_school']} "
        f"(мероприятий для всех школ плана: {points['activities']}); отмечено школ: {n_schools}, "
        f"всего точек: {points['per_school'] * n_schools}."
    )


def _picked(request, form, make_form):
    """The form again, unsaved, with the schools of the chosen list or cluster ticked too."""
    data = request.POST
    picked = form.picked_school_ids(data.get("pick", ""))
    ids = {int(pk) for pk in data.getlist("schools") if pk.isdigit()}
    added = len(set(picked) - ids)
    ids |= set(picked)
    initial = {name: data.get(name) for name in form.fields if name not in ("schools", "pick", "result_before_executors")}
    initial["schools"] = sorted(ids)
    initial["result_before_executors"] = bool(data.get("result_before_executors"))
    label = dict(form.fields["pick"].choices).get(data.get("pick", ""), "")
    if picked:
        messages.info(request, f"Отмечены школы {label}: добавлено {added}. Сохраните план, чтобы закрепить выбор.")
    else:
        messages.warning(request, "Выберите список года или кластер, школы которого отметить.")
    return make_form(initial=initial), len(ids)


@login_required
def plan_add(request):
    municipality = managed_municipality(request.user)

    def make_form(*args, **kwargs):
        return PlanForm(*args, municipality=municipality, instance=Plan(municipality=municipality), **kwargs)

    form = make_form(request.POST or None)
    if request.method == "POST" and "apply_pick" in request.POST and "pick" in form.fields:
        form, _ = _picked(request, form, make_form)
    elif request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "schools", "pick")}
        plan = plan_save(plan=Plan(municipality=municipality), data=data, version=None, schools=form.cleaned_data["schools"])
        messages.success(
            request, f"План создан как черновик (школ плана: {len(form.cleaned_data['schools'])}). Добавьте разделы и мероприятия."
        )
        return redirect("roadmaps:plan_detail", pk=plan.pk)
    return render(request, "roadmaps/plan_form.html", {"form": form})


@login_required
def plan_change(request, pk):
    plan = get_plan_for_user(request.user, pk, write=True)
    _writable(request, plan)

    def make_form(*args, **kwargs):
        return PlanForm(*args, instance=plan, municipality=plan.municipality, **kwargs)

    form = make_form(request.POST or None)
    n_schools = None
    if request.method == "POST" and "apply_pick" in request.POST and "pick" in form.fields:
        form, n_schools = _picked(request, form, make_form)
    elif request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "schools", "pick")}
        try:
            plan_save(plan=plan, data=data, version=form.cleaned_data["version"], schools=form.cleaned_data["schools"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            message = "План сохранён."
            if plan.status == Plan.Status.DRAFT:
                message += " " + _school_points_line(plan_school_points(plan=plan), len(form.cleaned_data["schools"]))
            messages.success(request, message)
            return redirect("roadmaps:plan_detail", pk=plan.pk)
    school_points = None
    if plan.status == Plan.Status.DRAFT:
        n_schools = plan.schools.count() if n_schools is None else n_schools
        school_points = {"line": _school_points_line(plan_school_points(plan=plan), n_schools)}
    return render(request, "roadmaps/plan_form.html", {"form": form, "plan": plan, "school_points": school_points})


@login_required
def section_add(request, plan_pk):
    plan = get_plan_for_user(request.user, plan_pk, write=True)
    _writable(request, plan)
    form = SectionForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        section = section_save(plan=plan, section=None, data=form.cleaned_data)
        messages.success(request, "Раздел добавлен.")
        return redirect(reverse("roadmaps:plan_detail", args=[plan.pk]) + f"#section-{section.pk}")
    return render(request, "roadmaps/section_form.html", {"form": form, "plan": plan})


@login_required
def section_change(request, pk):
    section = get_section_for_user(request.user, pk, write=True)
    _writable(request, section.plan)
    form = SectionForm(request.POST or None, instance=section, plan=section.plan)
    if request.method == "POST" and form.is_valid():
        section_save(plan=section.plan, section=section, data=form.cleaned_data)
        messages.success(request, "Раздел сохранён.")
        return redirect(reverse("roadmaps:plan_detail", args=[section.plan_id]) + f"#section-{section.pk}")
    return render(request, "roadmaps/section_form.html", {"form": form, "plan": section.plan, "section": section})


@login_required
@require_POST
def section_delete_view(request, pk):
    section = get_section_for_user(request.user, pk, write=True)
    _writable(request, section.plan)
    try:
        section_delete(section=section)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Раздел удалён.")
    return redirect("roadmaps:plan_detail", pk=section.plan_id)


@login_required
@require_POST
def section_renumber_view(request, pk):
    section = get_section_for_user(request.user, pk, write=True)
    _writable(request, section.plan)
    changed = section_renumber(section=section)
    messages.success(request, f"Номера мероприятий раздела пересчитаны (изменено: {changed}).")
    return redirect(reverse("roadmaps:plan_detail", args=[section.plan_id]) + f"#section-{section.pk}")


def _row_context(activity, can_manage=True):
    plan = activity.section.plan
    flags = deadline_flags(activity, plan, timezone.localdate()) if plan.status == Plan.Status.DRAFT else []
    row = {"kind": "activity", "activity": activity, "section": activity.section, "date_flags": flags}
    return {"row": row, "can_manage": can_manage, "show_executors": True}


@login_required
def activity_add(request, section_pk):
    section = get_section_for_user(request.user, section_pk, write=True)
    plan = section.plan
    refused = _writable(request, plan, row=True)
    if refused:
        return refused
    initial = {"scope": Activity.Scope.CLUSTERS if section.cluster_id else Activity.Scope.ALL_SCHOOLS}
    if section.cluster_id:
        initial["clusters"] = [section.cluster_id]
    form = ActivityForm(request.POST or None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        activity, result = activity_create(
            section=section,
            data=form.service_data(),
            clusters=form.cleaned_data["clusters"],
            schools=form.cleaned_data["schools"],
            executors=form.executor_rows(),
        )
        _sync_message(request, result)
        if request.htmx:
            return render(request, "roadmaps/partials/activity_added.html", {**_row_context(activity), "section": section})
        return redirect(reverse("roadmaps:plan_detail", args=[plan.pk]) + f"#activity-{activity.pk}")
    template = "roadmaps/partials/activity_form_row.html" if request.htmx else "roadmaps/activity_form.html"
    return render(request, template, {"form": form, "section": section, "plan": plan, "action": reverse("roadmaps:activity_add", args=[section.pk])})


@login_required
def activity_change(request, pk):
    activity = get_activity_for_user(request.user, pk, write=True)
    plan = activity.section.plan
    refused = _writable(request, plan, row=True)
    if refused:
        return refused
    form = ActivityForm(request.POST or None, instance=activity, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            activity, result = activity_update(
                activity=activity,
                data=form.service_data(),
                version=form.cleaned_data["version"],
                clusters=form.cleaned_data["clusters"],
                schools=form.cleaned_data["schools"],
                executors=form.executor_rows(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _sync_message(request, result)
            if request.htmx:
                return render(request, "roadmaps/partials/activity_row.html", _row_context(activity))
            return redirect(reverse("roadmaps:plan_detail", args=[plan.pk]) + f"#activity-{activity.pk}")
    template = "roadmaps/partials/activity_form_row.html" if request.htmx else "roadmaps/activity_form.html"
    return render(
        request,
        template,
        {"form": form, "activity": activity, "section": activity.section, "plan": plan, "action": reverse("roadmaps:activity_change", args=[activity.pk])},
    )


@login_required
def activity_row(request, pk):
    """The row as shown in the table: what «Отмена» puts back in place of the form."""
    activity = get_activity_for_user(request.user, pk, write=True)
    return render(request, "roadmaps/partials/activity_row.html", _row_context(activity))


@login_required
@require_POST
def activity_delete_view(request, pk):
    activity = get_activity_for_user(request.user, pk, write=True)
    plan_pk = activity.section.plan_id
    refused = _writable(request, activity.section.plan, row=True)
    if refused:
        return refused
    try:
        activity_delete(activity=activity)
    except ValidationError as error:
        if request.htmx:
            return HttpResponse(f'<tr><td colspan="6" class="text-danger">{" ".join(error.messages)}</td></tr>', status=200)
        messages.error(request, " ".join(error.messages))
        return redirect("roadmaps:plan_detail", pk=plan_pk)
    if request.htmx:
        return HttpResponse("")
    messages.success(request, "Мероприятие удалено.")
    return redirect("roadmaps:plan_detail", pk=plan_pk)


@login_required
@require_POST
def activity_move_view(request, pk):
    activity = get_activity_for_user(request.user, pk, write=True)
    _writable(request, activity.section.plan)
    activity_move(activity=activity, direction=-1 if request.POST.get("direction") == "up" else 1)
    return redirect(reverse("roadmaps:plan_detail", args=[activity.section.plan_id]) + f"#activity-{activity.pk}")


@login_required
def activity_detail(request, pk):
    activity = get_activity_for_user(request.user, pk)
    plan = activity.section.plan
    # The manual dates are part of the plan: a plan in force takes them only through a new edition.
    writable = can_manage(request.user, plan.municipality_id) and not plan_read_only_reason(plan)
    deadline = parse_deadline(activity.deadline_text, plan.period_start, plan.period_end)
    form = None
    if writable and not deadline.windows:
        initial = "\n".join(
            (f"{start[8:10]}.{start[5:7]}.{start[:4]} – " if start else "") + f"{due[8:10]}.{due[5:7]}.{due[:4]}"
            for start, due in activity.manual_windows
        )
        form = ManualWindowsForm(request.POST or None, initial={"windows": initial})
        if request.method == "POST" and form.is_valid():
            try:
                version = posted_version(request.POST)
                if version is None:
                    raise ValidationError(MISSING_VERSION, code="conflict")
                updated, result = activity_update(
                    activity=activity,
                    data={"manual_windows": form.cleaned_data["windows"]},
                    version=version,
                    clusters=list(activity.clusters.all()),
                    schools=list(activity.schools.all()),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                _sync_message(request, result)
                messages.success(request, f"Даты сохранены: контрольных точек создано {result.created}, удалено {result.deleted}.")
                return redirect("roadmaps:activity_detail", pk=activity.pk)
    points = (
        visible_control_points(request.user)
        .filter(activity=activity)
        .select_related("school")
        .order_by("due_date", "school__short_name")
    )
    return render(
        request,
        "roadmaps/activity_detail.html",
        {
            "activity": activity,
            "plan": plan,
            "deadline": deadline,
                        "windows": activity_windows(activity, plan),
            "points": points,
            "form": form,
            "can_manage": writable,
            "executors": activity.executor_set.order_by("position"),
        },
    )


@login_required
def deadline_preview(request, plan_pk):
    """How the portal reads a deadline as typed (htmx, under the field)."""
    plan = get_plan_for_user(request.user, plan_pk)
    text = request.GET.get("deadline_text", "")[:500]
    deadline = parse_deadline(text, plan.period_start, plan.period_end)
    return render(request, "roadmaps/partials/deadline_preview.html", {"deadline": deadline, "text": text})
