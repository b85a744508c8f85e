"""The plan's indicators: the table and values grid, the coordinator's definitions and values."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from monitoring.models import PlanIndicator
from roadmaps.models import Plan
from schnor_portal.optimistic_lock import MISSING_VERSION, posted_version
from schools.access import can_manage

from .forms import IndicatorForm, IndicatorPeriodForm, IndicatorProposalForm, IndicatorValuesForm
from .selectors import (
    Period,
    default_period,
    get_indicator_for_user,
    get_plan_for_indicators,
    indicator_grids,
    indicator_proposals,
    indicator_value_rows,
    plan_periods,
)
from .services import (
    indicator_create,
    indicator_delete,
    indicator_move,
    indicator_update,
    indicator_values_save,
    indicators_create_from_proposals,
)


def _can_edit(user, plan):
    return can_manage(user, plan.municipality_id) and plan.status != Plan.Status.SUPERSEDED


def _posted(request):
    # An empty POST (nothing ticked) is still a submission to validate, not a first visit.
    return request.POST if request.method == "POST" else None


def _page_url(plan_pk, anchor=""):
    url = reverse("indicators:plan_indicators", args=[plan_pk])
    return f"{url}#{anchor}" if anchor else url


@login_required
def plan_indicators(request, plan_pk):
    plan = get_plan_for_indicators(request.user, plan_pk)
    grids = indicator_grids(plan=plan, user=request.user)
    return render(
        request,
        "monitoring/indicators/plan_indicators.html",
        {
            "plan": plan,
            "grids": grids,
            "can_edit": _can_edit(request.user, plan),
            "is_superseded": plan.status == Plan.Status.SUPERSEDED,
        },
    )


def _row_context(request, indicator, grid=None):
    plan = indicator.plan
    grid = grid or indicator_grids(plan=plan, user=request.user, indicators=[indicator])[0]
    return {"plan": plan, "grid": grid, "can_edit": _can_edit(request.user, plan)}


@login_required
def indicator_add(request, plan_pk):
    plan = get_plan_for_indicators(request.user, plan_pk, write=True)
    form = IndicatorForm(_posted(request), instance=PlanIndicator(plan=plan))
    if request.method == "POST" and form.is_valid():
        try:
            indicator = indicator_create(plan=plan, data=form.service_data())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Показатель № {indicator.position} добавлен.")
            return redirect(_page_url(plan.pk, f"indicator-{indicator.pk}"))
    return render(request, "monitoring/indicators/indicator_form.html", {"form": form, "plan": plan})


@login_required
def indicator_change(request, pk):
    indicator = get_indicator_for_user(request.user, pk, write=True)
    plan = indicator.plan
    form = IndicatorForm(_posted(request), instance=indicator)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = indicator_update(indicator=indicator, data=form.service_data(), version=form.cleaned_data["version"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if request.htmx:
                # The row in place, and its grid below out of band: the marks follow the new target.
                return render(request, "monitoring/indicators/partials/indicator_saved.html", _row_context(request, indicator))
            messages.success(request, f"Показатель № {indicator.position} сохранён.")
            return redirect(_page_url(plan.pk, f"indicator-{indicator.pk}"))
    context = {"form": form, "plan": plan, "indicator": indicator}
    if request.htmx:
        return render(request, "monitoring/indicators/partials/indicator_form_row.html", context)
    return render(request, "monitoring/indicators/indicator_form.html", context)


@login_required
def indicator_row(request, pk):
    """The row as shown in the table: what «Отмена» puts back in place of the form."""
    indicator = get_indicator_for_user(request.user, pk)
    return render(request, "monitoring/indicators/partials/indicator_row.html", _row_context(request, indicator))


@login_required
@require_POST
def indicator_delete_view(request, pk):
    indicator = get_indicator_for_user(request.user, pk, write=True)
    plan_pk, position = indicator.plan_id, indicator.position
    version = posted_version(request.POST)
    try:
        if version is None:
            raise ValidationError(MISSING_VERSION, code="conflict")
        indicator_delete(indicator=indicator, version=version)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Показатель № {position} удалён вместе с его значениями; номера следующих сдвинуты.")
    return redirect(_page_url(plan_pk))


@login_required
@require_POST
def indicator_move_view(request, pk):
    indicator = get_indicator_for_user(request.user, pk, write=True)
    indicator_move(indicator=indicator, direction=-1 if request.POST.get("direction") == "up" else 1)
    return redirect(_page_url(indicator.plan_id))


@login_required
def indicator_propose(request, plan_pk):
    """«Взять из ожидаемых результатов плана»: preview the activities' targets, create the ticked ones."""
    plan = get_plan_for_indicators(request.user, plan_pk, write=True)
    proposals = indicator_proposals(plan=plan)
    form = IndicatorProposalForm(_posted(request), proposals=proposals)
    if request.method == "POST" and form.is_valid():
        try:
            created = indicators_create_from_proposals(plan=plan, chosen=form.chosen())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Создано показателей: {len(created)}.")
            return redirect(_page_url(plan.pk))
    existing = [p for p in proposals if p.exists]
    return render(
        request, "monitoring/indicators/proposals.html", {"plan": plan, "form": form, "existing": existing, "proposals": proposals}
    )


def _period_from(request, plan):
    """The column from the query string (?start=…&end=…), else the plan year under way."""
    fallback = default_period(plan, timezone.localdate())
    if "start" not in request.GET and "end" not in request.GET:
        form = IndicatorPeriodForm(initial={"start": fallback.start, "end": fallback.end})
        return form, fallback
    form = IndicatorPeriodForm(request.GET)
    if not form.is_valid():
        return form, None
    period = Period(form.cleaned_data["start"], form.cleaned_data["end"])
    # Links carry ISO dates; the fields show them as people write them (DD.MM.YYYY).
    return IndicatorPeriodForm(initial={"start": period.start, "end": period.end}), period


@login_required
def values_edit(request, pk):
    indicator = get_indicator_for_user(request.user, pk, write=True)
    plan = indicator.plan
    period_form, period = _period_from(request, plan)
    context = {
        "indicator": indicator,
        "plan": plan,
        "period_form": period_form,
        "period": period,
        "plan_periods": plan_periods(plan),
    }
    if period is None:
        return render(request, "monitoring/indicators/values_form.html", context)
    rows = indicator_value_rows(indicator=indicator, period_start=period.start)
    form = IndicatorValuesForm(_posted(request), rows=rows)
    if request.method == "POST" and form.is_valid():
        try:
            saved = indicator_values_save(indicator=indicator, period_start=period.start, period_end=period.end, cells=form.cells())
        except ValidationError as error:
            form.add_cell_errors(error)
        else:
            messages.success(
                request,
                f"Значения за {period.label} сохранены: новых {saved.created}, изменено {saved.updated}, удалено {saved.deleted}.",
            )
            return redirect(_page_url(plan.pk, f"grid-{indicator.pk}"))
    context.update(form=form, rows=rows, action=f"{request.path}?{period.query}")
    return render(request, "monitoring/indicators/values_form.html", context)
