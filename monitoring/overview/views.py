"""The municipal overview and «Работает ли план»: municipality-wide pages for the chair and the coordinator."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from monitoring.control.selectors import DUE_SOON_DAYS
from schnor_portal.dates import format_date
from schnor_portal.db_router import use_replica
from schnor_portal.xlsx import xlsx_response
from schools.access import sees_whole_municipality
from schools.lists.selectors import municipality_for_user

from .exports import overview_sheets
from .plan_effect import KIND_LABELS, WORK_DONE_PERCENT, Kind
from .plan_effect import plan_effect as plan_effect_for
from .selectors import municipal_overview, plan_option_label

REFUSED = "Обзор и «Работает ли план» доступны координатору, председателю и региональному наблюдателю."


def _municipality(request):
    if not sees_whole_municipality(request.user):
        raise PermissionDenied(REFUSED)
    return municipality_for_user(user=request.user, pk=request.GET.get("municipality"))


def _selector_context(municipality, options, plans, plan):
    return {
        "municipality": municipality,
        "municipalities": options,
        "plan_choices": [(p.pk, plan_option_label(p)) for p in plans],
        "plan": plan,
    }


@login_required
@use_replica
def municipal(request):
    municipality, options = _municipality(request)
    today = timezone.localdate()
    overview = municipal_overview(
        user=request.user,
        municipality=municipality,
        plan_pk=request.GET.get("plan"),
        year=request.GET.get("year"),
        today=today,
    )
    return render(
        request,
        "monitoring/overview/municipal.html",
        {
            "o": overview,
            "today": today,
            "due_soon_days": DUE_SOON_DAYS,
            "query": request.GET.urlencode(),
            **_selector_context(municipality, options, overview.plans, overview.plan),
        },
    )


@login_required
@use_replica
def municipal_export(request):
    """The same figures as the page, for the same municipality, plan and year, one sheet per block."""
    municipality, _ = _municipality(request)
    today = timezone.localdate()
    overview = municipal_overview(
        user=request.user,
        municipality=municipality,
        plan_pk=request.GET.get("plan"),
        year=request.GET.get("year"),
        today=today,
    )
    return xlsx_response(f"Обзор {municipality.name} {format_date(today)}.xlsx", *overview_sheets(overview))


@login_required
@use_replica
def plan_effect(request):
    municipality, options = _municipality(request)
    today = timezone.localdate()
    effect = plan_effect_for(user=request.user, municipality=municipality, plan_pk=request.GET.get("plan"), today=today)
    return render(
        request,
        "monitoring/overview/plan_effect.html",
        {
            "e": effect,
            "today": today,
            "work_done_percent": WORK_DONE_PERCENT,
            "kind_labels": KIND_LABELS,
            "kinds": Kind,
            **_selector_context(municipality, options, effect.plans, effect.plan),
        },
    )
