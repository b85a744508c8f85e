from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from schools.access import get_plan_for_user

from ..selectors import plan_has_executors, plan_list_for_user, plan_table


@login_required
def plan_list(request):
    return render(request, "roadmaps/plan_list.html", {"plans": plan_list_for_user(user=request.user)})


@login_required
def plan_detail(request, pk):
    plan = get_plan_for_user(request.user, pk)
    rows = plan_table(plan=plan)
    context = {
        "plan": plan,
        "rows": rows,
        "show_executors": plan_has_executors(rows),
        "clusters": plan.clusters.prefetch_related("memberships__school").order_by("number"),
        "risks": plan.risks.order_by("position"),
        "outcomes": plan.outcomes.order_by("position"),
        "team": plan.team.order_by("position"),
        "working_groups": plan.working_groups.prefetch_related("members__person"),
        "parts": plan.parts.order_by("pk"),
    }
    return render(request, "roadmaps/plan_detail.html", context)
