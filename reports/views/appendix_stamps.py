"""The approval stamps of an appendix: the coordinator keeps them while the order is a draft."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse

from schools.access import get_order_appendix_for_user

from ..appendix_forms import AppendixApprovalFormSet
from ..models import AppendixApproval
from ..selectors import appendix_heading
from ..services import SIGNED_READ_ONLY


@login_required
def appendix_stamps(request, pk):
    appendix = get_order_appendix_for_user(request.user, pk, write=True)
    order = appendix.order
    if order.is_signed:
        # A signed order and its appendices never change: a change is a new order.
        raise PermissionDenied(SIGNED_READ_ONLY)
    queryset = AppendixApproval.objects.filter(appendix=appendix).order_by("position", "pk")
    next_position = (queryset.last().position + 1) if queryset.exists() else 1
    formset = AppendixApprovalFormSet(
        request.POST or None, queryset=queryset, initial=[{"position": next_position}]
    )
    if request.method == "POST" and formset.is_valid():
        with transaction.atomic():
            stamps = formset.save(commit=False)
            for stamp in formset.deleted_objects:
                stamp.delete()
            for stamp in stamps:
                stamp.appendix = appendix
                stamp.full_clean()
                stamp.save()
        messages.success(request, "Грифы приложения сохранены.")
        return redirect(reverse("reports:order_detail", args=[order.pk]) + "#appendices")
    return render(
        request,
        "reports/appendix_stamps.html",
        {"formset": formset, "order": order, "appendix": appendix, "heading": appendix_heading(order, appendix)},
    )
