"""The order that puts a draft plan in force: prepared here, signed by the chair on the order page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from schools.access import get_plan_for_user

from ..services import order_for_plan_approval


@login_required
@require_POST
def order_for_plan(request, plan_pk):
    plan = get_plan_for_user(request.user, plan_pk, write=True)
    try:
        order = order_for_plan_approval(plan=plan)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("roadmaps:plan_detail", pk=plan.pk)
    text = (
        "Проект приказа об утверждении готов: проверьте текст, укажите номер и дату. План вступит в силу, "
        "когда председатель подпишет приказ."
    )
    if plan.replaces_id:
        # The chair signs what changes: the comparison is one link away from the appendix.
        text += " Что меняет новая редакция — «Сравнение с действующей редакцией» у приложения."
    messages.success(request, text)
    return redirect("reports:order_detail", pk=order.pk)
