"""Editions: «Внести изменения» opens the draft edition of a plan in force (or makes it, with the
period moved forward if asked), and the comparison of a draft with the edition it replaces."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from schools.access import can_manage, can_sign_orders, get_plan_for_user

from ..editions import compare_editions, year_shift_preview
from ..models import Plan
from ..services import plan_new_edition

MAX_YEARS = 10


class EditionYearsForm(forms.Form):
    years = forms.IntegerField(
        label="Сдвинуть период и годы в сроках на N лет",
        min_value=0,
        max_value=MAX_YEARS,
        required=False,
        help_text="0 — скопировать как есть. Годы, написанные в сроках («Апрель 2023 г», «07.02.2023»), и период плана "
        "сдвинутся вперёд; сроки без года («Ежеквартально», «ноябрь») останутся как написаны.",
        error_messages={
            "invalid": "Введите целое число лет.",
            "min_value": "Сдвиг не может быть отрицательным.",
            "max_value": f"Сдвиг не больше {MAX_YEARS} лет.",
        },
        widget=forms.NumberInput(attrs={"class": "form-control", "style": "max-width: 8rem"}),
    )

    def years_value(self) -> int:
        return self.cleaned_data.get("years") or 0


def _suggested_years(plan: Plan, today) -> int:
    """A plan whose period is over is usually carried into the current year."""
    if plan.period_end >= today:
        return 0
    return min(MAX_YEARS, max(0, today.year - plan.period_start.year))


@login_required
def plan_new_edition_view(request, pk):
    """«Внести изменения»: the draft edition, opened if it exists, else made after a preview."""
    plan = get_plan_for_user(request.user, pk, write=True)
    if plan.status == Plan.Status.DRAFT:
        return redirect("roadmaps:plan_detail", pk=plan.pk)
    existing = getattr(plan, "replaced_by", None)
    if existing is not None and existing.status == Plan.Status.DRAFT:
        messages.info(request, "У плана уже есть черновик новой редакции: изменения вносятся в него.")
        return redirect("roadmaps:plan_detail", pk=existing.pk)
    if plan.status == Plan.Status.SUPERSEDED:
        messages.error(request, "План утратил силу: новую редакцию готовят от действующей.")
        return redirect("roadmaps:plan_detail", pk=plan.pk)
    today = timezone.localdate()
    # A bare POST (no fields) makes a plain copy: «0 лет».
    form = EditionYearsForm(
        request.POST if request.method == "POST" else None, initial={"years": _suggested_years(plan, today)}
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        years = form.years_value()
        if "preview" in request.POST:
            preview = year_shift_preview(plan, years)
        else:
            try:
                edition = plan_new_edition(plan=plan, years=years)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("roadmaps:plan_detail", pk=plan.pk)
            shifted = f" Период и годы в сроках сдвинуты на {years} (лет)." if years else ""
            messages.success(
                request,
                "Создан черновик новой редакции: вносите изменения в него. Действующая редакция остаётся в силе, пока "
                f"председатель не подпишет приказ об утверждении новой.{shifted}",
            )
            return redirect("roadmaps:plan_detail", pk=edition.pk)
    return render(
        request,
        "roadmaps/edition_new.html",
        {"plan": plan, "form": form, "preview": preview, "today": today, "period_over": plan.period_end < today},
    )


@login_required
def edition_compare(request, pk):
    """The edition against the one it replaces; for a draft, what approval will do to control points."""
    plan = get_plan_for_user(request.user, pk)
    if plan.replaces_id is None:
        raise Http404("У плана нет предыдущей редакции: сравнивать не с чем.")
    today = timezone.localdate()
    comparison = compare_editions(edition=plan, today=today)
    is_draft = plan.status == Plan.Status.DRAFT
    writable = can_manage(request.user, plan.municipality_id)
    # The effect on control points counts every school's points: for those who decide on the
    # edition (the coordinator who drafts it, the chair who signs it), not for a school's director.
    show_points = is_draft and (writable or can_sign_orders(request.user, plan.municipality_id))
    return render(
        request,
        "roadmaps/edition_compare.html",
        {
            "plan": plan,
            "c": comparison,
            "is_draft": is_draft,
            "show_points": show_points,
            "can_manage": writable,
            "today": today,
        },
    )
