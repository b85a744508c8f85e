from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from schools.access import can_manage, get_cluster_for_user, get_plan_for_user, visible_control_points
from schools.models import SchoolList

from .forms import ClusterForm, ProposalSettingsForm
from .proposals import DEFAULT_RULES, propose
from .selectors import (
    cluster_numbers,
    cluster_page,
    clusters_of_plan,
    current_distribution,
    school_facts,
)
from .services import cluster_distribution_apply, cluster_distribution_fingerprint


@login_required
def cluster_list(request, plan_pk):
    plan = get_plan_for_user(request.user, plan_pk)
    return render(
        request,
        "clusters/cluster_list.html",
        {"plan": plan, "clusters": clusters_of_plan(plan=plan), "can_manage": can_manage(request.user, plan.municipality_id)},
    )


@login_required
def cluster_detail(request, pk):
    cluster = get_cluster_for_user(request.user, pk)
    page = cluster_page(
        cluster=cluster, today=timezone.localdate(), control_points=visible_control_points(request.user)
    )
    return render(
        request,
        "clusters/cluster_detail.html",
        {"cluster": cluster, "plan": cluster.plan, "can_manage": can_manage(request.user, cluster.plan.municipality_id), **page},
    )


@login_required
def cluster_add(request, plan_pk):
    plan = get_plan_for_user(request.user, plan_pk, write=True)
    next_number = (max(plan.clusters.values_list("number", flat=True), default=0) or 0) + 1
    form = ClusterForm(request.POST or None, plan=plan, initial={"number": next_number})
    if request.method == "POST" and form.is_valid():
        cluster = form.save(commit=False)
        cluster.plan = plan
        cluster.save()
        messages.success(request, f"{cluster.number} кластер добавлен.")
        return redirect("clusters:cluster_list", plan_pk=plan.pk)
    return render(request, "clusters/cluster_form.html", {"form": form, "plan": plan})


@login_required
def cluster_change(request, pk):
    cluster = get_cluster_for_user(request.user, pk, write=True)
    form = ClusterForm(request.POST or None, instance=cluster, plan=cluster.plan)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"{cluster.number} кластер сохранён.")
        return redirect("clusters:cluster_detail", pk=cluster.pk)
    return render(request, "clusters/cluster_form.html", {"form": form, "plan": cluster.plan, "cluster": cluster})


@login_required
@require_POST
def cluster_delete(request, pk):
    cluster = get_cluster_for_user(request.user, pk, write=True)
    if cluster.activities.exists() or cluster.sections.exists():
        messages.error(request, "У кластера есть мероприятия плана: сначала перенесите их в другой кластер.")
        return redirect("clusters:cluster_detail", pk=cluster.pk)
    plan_pk = cluster.plan_id
    cluster.delete()
    messages.success(request, "Кластер удалён.")
    return redirect("clusters:cluster_list", plan_pk=plan_pk)


@login_required
def cluster_propose(request, plan_pk):
    """Show a proposed distribution; nothing is saved until the coordinator accepts it (POST)."""
    plan = get_plan_for_user(request.user, plan_pk, write=True)
    years = list(
        SchoolList.objects.filter(municipality=plan.municipality, category=SchoolList.Category.SHNOR)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )
    if request.method == "POST":
        return _apply_distribution(request, plan)

    settings_form = ProposalSettingsForm(request.GET if "list_year" in request.GET else None, years=years)
    if settings_form.is_bound and settings_form.is_valid():
        list_year, rules = settings_form.cleaned_data["list_year"], settings_form.cleaned_data["rules"]
    else:
        list_year, rules = (years[0] if years else None), list(DEFAULT_RULES)
    numbers = cluster_numbers(plan=plan)
    proposals = propose(school_facts(municipality=plan.municipality), list_year=list_year, rules=rules, numbers=numbers) if list_year else []
    current = current_distribution(plan=plan)
    existing_numbers = sorted(set(plan.clusters.values_list("number", flat=True)) | {p.cluster for p in proposals if p.cluster})
    rows = [
        {"proposal": p, "current": current.get(p.school_id), "changed": current.get(p.school_id) != p.cluster}
        for p in sorted(proposals, key=lambda p: (p.cluster is None, p.cluster or 0, p.name))
    ]
    return render(
        request,
        "clusters/cluster_propose.html",
        {
            "plan": plan,
            "settings_form": settings_form,
            "rows": rows,
            "numbers": existing_numbers,
            "cluster_names": {c.number: c.name for c in plan.clusters.all()},
            "fingerprint": cluster_distribution_fingerprint(plan=plan),
            "list_year": list_year,
            "changes": sum(1 for row in rows if row["changed"]),
        },
    )


def _apply_distribution(request, plan):
    choices = {}
    for key, value in request.POST.items():
        if not key.startswith("cluster_"):
            continue
        try:
            school_id = int(key.removeprefix("cluster_"))
            number = int(value) if value else None
        except ValueError:
            messages.error(request, "Неверные данные формы распределения. Сформируйте предложение заново.")
            return redirect("clusters:cluster_propose", plan_pk=plan.pk)
        choices[school_id] = (number, request.POST.get(f"reason_{school_id}", "")[:2000])
    try:
        result = cluster_distribution_apply(plan=plan, choices=choices, fingerprint=request.POST.get("fingerprint", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("clusters:cluster_propose", plan_pk=plan.pk)
    messages.success(
        request,
        f"Распределение сохранено: добавлено школ — {result['added']}, перемещено — {result['moved']}, "
        f"исключено — {result['removed']}, новых кластеров — {result['created_clusters']}.",
    )
    return redirect("clusters:cluster_list", plan_pk=plan.pk)
