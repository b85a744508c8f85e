"""Points and appendices of a draft order; reports on and acceptance of controlled points."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.models import Person
from roadmaps.models import Plan
from schools.access import (
    can_accept_order_points,
    can_report_order_point,
    get_order_appendix_for_user,
    get_order_for_user,
    get_order_point_for_user,
)

from ..forms import AppendixForm, PointForm, PointReportForm
from ..models import Order
from ..point_templates import BY_KEY, point_initial
from ..services import (
    SIGNED_READ_ONLY,
    next_point_number,
    order_appendix_delete,
    order_appendix_save,
    order_point_accept,
    order_point_delete,
    order_point_report,
    order_point_return,
    order_point_save,
)

TEMPLATE_OBJECTS = {"plan": Plan, "person": Person, "order": Order}


def _draft(order):
    if order.is_signed:
        raise PermissionDenied(SIGNED_READ_ONLY)
    return order


def _to_order(order, anchor=""):
    return redirect(reverse("reports:order_detail", args=[order.pk]) + anchor)


def _template_initial(request, order):
    """?template=approve_plan&obj=12: the point prefilled from a template, its object of this municipality."""
    template = BY_KEY.get(request.GET.get("template", ""))
    if template is None:
        return None, {}
    obj = None
    if template.needs:
        model = TEMPLATE_OBJECTS[template.needs]
        obj = model.objects.filter(municipality_id=order.municipality_id, pk=request.GET.get("obj") or 0).first()
        if obj is None:
            return template, None
    return template, point_initial(template.key, order, obj)


@login_required
def point_add(request, pk):
    order = _draft(get_order_for_user(request.user, pk, write=True))
    template, initial = _template_initial(request, order)
    if initial is None:
        messages.error(request, f"Для шаблона «{template.label}» выберите, к чему он относится.")
        return _to_order(order, "#templates")
    form = PointForm(request.POST or None, order=order, initial={"number": next_point_number(order), **initial})
    if request.method == "POST" and form.is_valid():
        try:
            order_point_save(
                order=order,
                data=form.service_data(),
                void_order=form.cleaned_data["void_order"],
                approve_plan=form.cleaned_data["approve_plan"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Пункт добавлен.")
            return _to_order(order, "#points")
    return render(request, "reports/point_form.html", {"form": form, "order": order, "template": template})


@login_required
def point_change(request, pk):
    point = get_order_point_for_user(request.user, pk, write=True)
    order = _draft(point.order)
    form = PointForm(request.POST or None, instance=point, order=order)
    if request.method == "POST" and form.is_valid():
        try:
            order_point_save(order=order, point=point, data=form.service_data(), void_order=form.cleaned_data["void_order"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Пункт сохранён.")
            return _to_order(order, "#points")
    return render(request, "reports/point_form.html", {"form": form, "order": order, "point": point})


@login_required
@require_POST
def point_delete(request, pk):
    point = get_order_point_for_user(request.user, pk, write=True)
    try:
        order_point_delete(point=point)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Пункт {point.number} удалён.")
    return _to_order(point.order, "#points")


@login_required
def appendix_add(request, pk):
    order = _draft(get_order_for_user(request.user, pk, write=True))
    count = order.appendices.count()
    initial = {"position": count + 1, "number": count + 1 if count else None}
    form = AppendixForm(request.POST or None, order=order, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            order_appendix_save(order=order, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Приложение добавлено.")
            return _to_order(order, "#appendices")
    return render(request, "reports/appendix_form.html", {"form": form, "order": order})


@login_required
def appendix_change(request, pk):
    appendix = get_order_appendix_for_user(request.user, pk, write=True)
    order = _draft(appendix.order)
    form = AppendixForm(request.POST or None, instance=appendix, order=order)
    if request.method == "POST" and form.is_valid():
        try:
            order_appendix_save(order=order, appendix=appendix, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Приложение сохранено.")
            return _to_order(order, "#appendices")
    return render(request, "reports/appendix_form.html", {"form": form, "order": order, "appendix": appendix})


@login_required
@require_POST
def appendix_delete(request, pk):
    appendix = get_order_appendix_for_user(request.user, pk, write=True)
    try:
        order_appendix_delete(appendix=appendix)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Приложение удалено.")
    return _to_order(appendix.order, "#appendices")


@login_required
@require_POST
def point_report(request, pk):
    point = get_order_point_for_user(request.user, pk)
    if not can_report_order_point(request.user, point):
        raise PermissionDenied("Отчитывается ответственный за пункт или муниципальный координатор.")
    form = PointReportForm(request.POST, prefix=f"p{point.pk}")
    if not form.is_valid():
        messages.error(request, "Напишите, что сделано.")
        return _to_order(point.order, f"#point-{point.pk}")
    try:
        order_point_report(point=point, user=request.user, text=form.cleaned_data["report_text"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Отчёт по пункту {point.number} представлен.")
    return _to_order(point.order, f"#point-{point.pk}")


@login_required
@require_POST
def point_accept(request, pk):
    point = get_order_point_for_user(request.user, pk)
    if not can_accept_order_points(request.user, point.order.municipality_id):
        raise PermissionDenied("Принимает исполнение председатель или муниципальный координатор.")
    action = order_point_return if request.POST.get("action") == "return" else order_point_accept
    try:
        action(point=point, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Пункт {point.number}: " + ("отчёт возвращён на доработку." if action is order_point_return else "исполнение принято."))
    return _to_order(point.order, f"#point-{point.pk}")
