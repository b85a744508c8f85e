from django.db.models import Count, Prefetch, QuerySet

from schools.access import visible_plans

from .models import Activity, ActivityExecutor, Plan, PlanSection


def plan_list_for_user(*, user) -> QuerySet[Plan]:
    return (
        visible_plans(user)
        .select_related("municipality", "approved_by", "part_of")
        .annotate(n_activities=Count("sections__activities"))
        .order_by("municipality__name", "-period_start", "pk")
    )


def plan_table(*, plan: Plan) -> list[dict]:
    """The plan as its printed table: rows of sections (with depth) and their activities, in order."""
    sections = list(
        plan.sections.select_related("cluster")
        .prefetch_related(
            Prefetch(
                "activities",
                queryset=Activity.objects.order_by("position").prefetch_related(
                    Prefetch("executor_set", queryset=ActivityExecutor.objects.order_by("position"))
                ),
            )
        )
        .order_by("position")
    )
    children: dict[int | None, list[PlanSection]] = {}
    for section in sections:
        children.setdefault(section.parent_id, []).append(section)

    rows = []

    def walk(parent_id, depth):
        for section in children.get(parent_id, []):
            rows.append({"kind": "section", "section": section, "depth": depth})
            for activity in section.activities.all():
                rows.append({"kind": "activity", "activity": activity, "section": section})
            walk(section.pk, depth + 1)

    walk(None, 0)
    return rows


def plan_has_executors(rows) -> bool:
    return any(row["kind"] == "activity" and row["activity"].executors_text for row in rows)
