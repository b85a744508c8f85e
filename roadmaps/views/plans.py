from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from schnor_portal.xlsx import attachment
from schools.access import can_manage, get_plan_for_user

from ..exports import plan_workbook
from ..models import Plan
from ..selectors import TIMELINE_GROUPS, plan_list_for_user, plan_table, plan_timeline
from ..table_cache import plan_table_html


@login_required
def plan_list(request):
    plans = plan_list_for_user(user=request.user)
    can_add = bool(request.user.municipality_id) and can_manage(request.user, request.user.municipality_id)
    return render(request, "roadmaps/plan_list.html", {"plans": plans, "can_add": can_add})


@login_required
def plan_detail(request, pk):
    plan = get_plan_for_user(request.user, pk)
    clusters = list(plan.clusters.prefetch_related("memberships__school").order_by("number"))
    cluster = None
    if request.GET.get("cluster"):
        cluster = get_object_or_404(plan.clusters, number=request.GET["cluster"]) if request.GET["cluster"].isdigit() else None
    writable = can_manage(request.user, plan.municipality_id)
    # Only a draft is edited; a plan in force changes by a new edition («Внести изменения»).
    editable = writable and plan.status == Plan.Status.DRAFT
    edition = getattr(plan, "replaced_by", None)
    context = {
        "plan": plan,
        "plan_table": plan_table_html(plan=plan, cluster=cluster, editable=editable, request=request),
        "clusters": clusters,
        "cluster": cluster,
        "can_manage": editable,
        "can_coordinate": writable,
        "draft_edition": edition if edition is not None and edition.status == Plan.Status.DRAFT else None,
        "risks": plan.risks.order_by("position"),
        "outcomes": plan.outcomes.order_by("position"),
        "team": plan.team.order_by("position"),
        "working_groups": plan.working_groups.prefetch_related("members__person"),
        "parts": plan.parts.order_by("pk"),
        "plan_schools": list(plan.schools.order_by("short_name").values_list("short_name", flat=True)),
    }
    return render(request, "roadmaps/plan_detail.html", context)


@login_required
def plan_timeline_view(request, pk):
    plan = get_plan_for_user(request.user, pk)
    group = request.GET.get("group") if request.GET.get("group") in TIMELINE_GROUPS else "section"
    timeline = plan_timeline(plan=plan, group=group, today=timezone.localdate(), user=request.user)
    return render(
        request,
        "roadmaps/plan_timeline.html",
        {"plan": plan, "group": group, "groups": TIMELINE_GROUPS, **timeline},
    )


@login_required
def plan_export(request, pk):
    plan = get_plan_for_user(request.user, pk)
    filename = f"{plan.get_kind_display()} {plan.period_label}.xlsx"
    return attachment(plan_workbook(plan=plan, rows=plan_table(plan=plan)), filename)
