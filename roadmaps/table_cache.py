"""The plan page's table, rendered once for a plan in force and kept.

A plan in force never changes (services.plan_require_draft guards every write on it, its sections,
rows, executors and clusters; the admin shows it read-only): its table — a hundred activities in
eight columns, the plan page's largest part — is the same for every reader and every visit, and
the plan page is a tenth of the busy hour's requests. So it is rendered once per plan and cluster
view, for nobody in particular (no edit controls: a plan in force has none), and kept. A draft is
edited and shows its editor's controls: it is rendered every time.

The key carries the plan's own fields that shape the table (layout, period, edition's version,
the order that approved it): a database rebuilt with the same ids (a reseeded demo) does not
show an earlier plan's table.
"""

import hashlib

from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.safestring import mark_safe

from .editions import deadline_flags
from .models import Plan
from .selectors import plan_has_executors, plan_table

TEMPLATE = "roadmaps/partials/plan_table.html"
# Long enough for a working day's readers; an entry nobody reads goes, so a country's plans do not
# all sit in the cache at once.
KEPT_SECONDS = 12 * 60 * 60


def _key(plan: Plan, cluster) -> str:
    shape = repr(
        (
            plan.status,
            plan.version,
            plan.approved_by_id,
            plan.kind,
            plan.title,
            plan.period_start,
            plan.period_end,
            plan.columns,
            plan.result_before_executors,
            get_script_prefix(),
        )
    )
    digest = hashlib.blake2b(shape.encode(), digest_size=12).hexdigest()
    return f"plan-table:v1:{plan.pk}:{cluster.pk if cluster is not None else 0}:{digest}"


def _render(plan: Plan, cluster, *, editable: bool, request=None) -> str:
    rows = plan_table(plan=plan, cluster=cluster)
    if not editable:
        rows = [row for row in rows if row["kind"] != "add"]
    if not rows:
        return ""
    if plan.status == Plan.Status.DRAFT:
        today = timezone.localdate()
        for row in rows:
            if row["kind"] == "activity":
                row["date_flags"] = deadline_flags(row["activity"], plan, today)
    context = {
        "plan": plan,
        "rows": rows,
        "show_executors": plan_has_executors(rows) or editable,
        "can_manage": editable,
    }
    return render_to_string(TEMPLATE, context, request)


def plan_table_html(*, plan: Plan, cluster=None, editable: bool, request) -> str:
    """The table of the plan page ("" when it has no rows to show)."""
    if plan.status == Plan.Status.DRAFT:
        return mark_safe(_render(plan, cluster, editable=editable, request=request))
    key = _key(plan, cluster)
    html = cache.get(key)
    if html is None:
        html = _render(plan, cluster, editable=False)
        cache.set(key, html, KEPT_SECONDS)
    return mark_safe(html)
