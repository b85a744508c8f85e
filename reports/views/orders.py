"""Orders: the list, the page, the requisites form, signing, a new version, the PDF, verification."""

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from accounts.models import Person
from roadmaps.models import Plan
from schnor_portal.dates import format_date
from schnor_portal.optimistic_lock import MISSING_VERSION, posted_version
from schools.access import (
    can_accept_order_points,
    can_manage,
    can_report_order_point,
    can_sign_orders,
    get_order_for_user,
    visible_control_points,
    managed_municipality,
    require_sign,
)

from ..forms import OrderForm, PointReportForm
from ..models import Order, OrderPoint
from ..pdf import render_order_pdf
from ..point_templates import TEMPLATES
from ..selectors import order_content_hash, order_controlled_points, order_defaults, order_list_for_user
from ..services import SIGNED_READ_ONLY, order_new_version, order_save, order_sign, order_sign_problems, order_verification
from ..verification_codes import group_code


def _pdf_filename(order: Order) -> str:
    number = order.number.replace("/", "-") if order.number else "проект"
    date = f" от {format_date(order.date)}" if order.date else ""
    return f"{order.get_kind_display()} № {number}{date}.pdf"


@login_required
def order_list(request):
    today = timezone.localdate()
    orders = order_list_for_user(user=request.user, today=today)
    can_add = bool(request.user.municipality_id) and can_manage(request.user, request.user.municipality_id)
    return render(request, "reports/order_list.html", {"orders": orders, "can_add": can_add, "today": today})


@login_required
def order_detail(request, pk):
    order = get_order_for_user(request.user, pk)
    user = request.user
    today = timezone.localdate()
    writable = can_manage(user, order.municipality_id)
    can_accept = can_accept_order_points(user, order.municipality_id)
    controlled = [
        {
            "point": point,
            "status": point.control_status(today),
            "status_label": OrderPoint.ControlStatus(point.control_status(today)).label,
            "can_report": order.is_signed and not point.accepted_at and can_report_order_point(user, point),
            "can_accept": order.is_signed and can_accept and point.reported_at and not point.accepted_at,
            "form": PointReportForm(initial={"report_text": point.report_text}, prefix=f"p{point.pk}"),
        }
        for point in order_controlled_points(order=order)
    ]
    can_edit = writable and not order.is_signed
    can_sign = can_sign_orders(user, order.municipality_id) and not order.is_signed
    context = {
        "order": order,
        "points": order.points.select_related("responsible").order_by("number"),
        "appendices": order.appendices.select_related("plan", "working_group", "school_list").order_by("position"),
        "controlled": controlled,
        "can_edit": can_edit,
        "can_sign": can_sign,
        "can_new_version": writable and order.is_signed,
        "sign_problems": order_sign_problems(order) if (can_sign or can_edit) else [],
        "replaced_by": order.replaced_by.order_by("-date", "-pk"),
        "voids": order.voids.order_by("-date", "-pk"),
        "voided_by": order.voided_by.order_by("-date", "-pk"),
        "approved_plans": order.approved_plans.order_by("pk"),
        "templates": TEMPLATES if can_edit else [],
        "template_plans": Plan.objects.filter(municipality_id=order.municipality_id).exclude(status=Plan.Status.SUPERSEDED).order_by("-period_start", "pk") if can_edit else [],
        "template_people": Person.objects.filter(municipality_id=order.municipality_id).order_by("last_name", "first_name") if can_edit else [],
        "template_orders": Order.objects.filter(municipality_id=order.municipality_id).exclude(pk=order.pk).order_by("-date", "-pk") if can_edit else [],
    }
    return render(request, "reports/order_detail.html", context)


@login_required
def order_add(request):
    municipality = managed_municipality(request.user)
    order = Order(municipality=municipality)
    form = OrderForm(request.POST or None, instance=order, municipality=municipality, initial=order_defaults(municipality))
    if request.method == "POST" and form.is_valid():
        try:
            order = order_save(order=order, data=form.service_data(), voids=form.cleaned_data["voids"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Проект документа создан. Добавьте пункты и приложения.")
            return redirect("reports:order_detail", pk=order.pk)
    return render(request, "reports/order_form.html", {"form": form})


@login_required
def order_change(request, pk):
    order = get_order_for_user(request.user, pk, write=True)
    if order.is_signed:
        raise PermissionDenied(SIGNED_READ_ONLY)
    form = OrderForm(request.POST or None, instance=order, municipality=order.municipality)
    if request.method == "POST" and form.is_valid():
        try:
            order_save(order=order, data=form.service_data(), version=form.cleaned_data["version"], voids=form.cleaned_data["voids"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Документ сохранён.")
            return redirect("reports:order_detail", pk=order.pk)
    return render(request, "reports/order_form.html", {"form": form, "order": order})


@login_required
@require_POST
def order_sign_view(request, pk):
    order = get_order_for_user(request.user, pk)
    require_sign(request.user, order.municipality_id)
    if order.is_signed:
        messages.error(request, "Документ уже подписан.")
        return redirect("reports:order_detail", pk=order.pk)
    version = posted_version(request.POST)
    # The points the editions being approved take over: not «created» by this signature.
    replaced = Plan.objects.filter(replaced_by__in=order.appendices.filter(plan__isnull=False).values("plan"))
    carried_before = set(
        visible_control_points(request.user).filter(activity__section__plan__in=replaced).values_list("pk", flat=True)
    )
    try:
        if version is None:
            raise ValidationError(MISSING_VERSION, code="conflict")
        signed = order_sign(order=order, user=request.user, version=version)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        message = "Документ подписан: PDF сохранён, утверждённые планы вступили в силу"
        plans = signed.approved_plans.all()
        if plans.exists():
            # A draft has no control points: what the approved plans have now was made by this
            # signature, except what an edition took over from the one it replaces.
            points = visible_control_points(request.user).filter(activity__section__plan__in=plans)
            created = points.exclude(pk__in=carried_before).aggregate(
                total=Count("pk"),
                schools=Count("school", distinct=True),
                municipality=Count("pk", filter=Q(school__isnull=True, regional=False)),
                region=Count("pk", filter=Q(school__isnull=True, regional=True)),
            )
            region = f", региональный уровень: {created['region']}" if created["region"] else ""
            message += (
                f"; создано контрольных точек: {created['total']} "
                f"(школ: {created['schools']}, муниципальный уровень: {created['municipality']}{region})"
            )
            carried = points.filter(pk__in=carried_before).count()
            if carried:
                message += f"; перешло из прежней редакции: {carried}"
        messages.success(request, f"{message}.")
    return redirect("reports:order_detail", pk=order.pk)


@login_required
@require_POST
def order_new_version_view(request, pk):
    order = get_order_for_user(request.user, pk, write=True)
    try:
        copy = order_new_version(order=order)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reports:order_detail", pk=order.pk)
    messages.success(request, "Создан проект новой редакции. Прежний документ утратит силу, когда новый будет подписан.")
    return redirect("reports:order_detail", pk=copy.pk)


@login_required
def order_pdf(request, pk):
    """The stored PDF of a signed order; a draft (or an order signed outside the portal) is rendered."""
    order = get_order_for_user(request.user, pk)
    filename = _pdf_filename(order)
    if order.is_signed and order.pdf:
        try:
            handle = order.pdf.open("rb")
        except FileNotFoundError:
            raise Http404("Файл подписанного документа не найден в хранилище.")
        return FileResponse(handle, content_type="application/pdf", filename=filename)
    verification = order_verification(order=order) if order.is_signed else None
    response = HttpResponse(render_order_pdf(order, verification=verification), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    return response


def _file_sha256(field) -> str | None:
    try:
        with field.open("rb") as handle:
            digest = hashlib.sha256()
            for chunk in iter(lambda: handle.read(1 << 16), b""):
                digest.update(chunk)
            return digest.hexdigest()
    except FileNotFoundError:
        return None


@login_required
def order_verify(request, pk):
    """The municipality's own check: the stored file's hash and the content hash recomputed now.
    What a printed QR code opens is the public page (reports/views/verification.py)."""
    order = get_order_for_user(request.user, pk)
    stored_hash = _file_sha256(order.pdf) if order.pdf else None
    content_hash = order_content_hash(order)
    context = {
        "order": order,
        "points": order.points.order_by("number"),
        "appendices": order.appendices.select_related("plan", "working_group", "school_list").order_by("position"),
        "has_file": bool(order.pdf),
        "file_missing": bool(order.pdf) and stored_hash is None,
        "file_hash": stored_hash,
        "file_matches": stored_hash is not None and stored_hash == order.pdf_sha256,
        "content_code": (order.content_sha256 or content_hash)[:12],
        "public_code": group_code(order.verification_code) if order.verification_code else "",
        "content_matches": bool(order.content_sha256) and content_hash == order.content_sha256,
    }
    return render(request, "reports/order_verify.html", context)
