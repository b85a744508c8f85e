"""The plan as a Word document (.docx), in its own layout: for Word and the office's document system."""

from django.contrib.auth.decorators import login_required

from schnor_portal.xlsx import attachment
from schools.access import get_plan_for_user

from ..docx_export import plan_docx
from ..selectors import plan_table

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
def plan_export_docx(request, pk):
    # Whoever may read the plan may download it, as with the Excel export.
    plan = get_plan_for_user(request.user, pk)
    filename = f"{plan.get_kind_display()} {plan.period_label}.docx"
    return attachment(plan_docx(plan=plan, rows=plan_table(plan=plan)), filename, DOCX_CONTENT_TYPE)
