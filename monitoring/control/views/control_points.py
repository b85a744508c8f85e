"""One control point: its page, the report form (also an htmx card of «Моя школа»), and each action.

Every view fetches the point through `get_control_point_for_user` first (404 outside the user's
scope, 403 for a reader); the workflow checks again who may do this very action.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from monitoring.control import remind, workflow
from monitoring.control.forms import (
    CancelForm,
    CommentForm,
    DueDateDecisionForm,
    DueDateRequestForm,
    ReportForm,
    ReviewForm,
    VersionForm,
)
from monitoring.control.selectors import control_point_card, control_point_page
from monitoring.models import ControlPoint, DueDateChangeRequest
from schools.access import (
    can_coordinate_control_point,
    can_review_control_point,
    control_point_rights,
    control_point_scope,
    get_control_point_for_user,
    get_evidence_for_user,
    visible_control_points,
)

Status = ControlPoint.Status


def _detail_url(cp):
    return reverse("monitoring:control_point_detail", args=[cp.pk])


def _back(request, cp, anchor=""):
    """Where a form came from (the queue, «Моя школа»), if it is ours; else the point's page."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(_detail_url(cp) + anchor)


def _flags(user, cp):
    rights = control_point_rights(user, cp)
    reportable = cp.status in workflow.REPORTABLE
    open_point = cp.status not in ControlPoint.CLOSED_STATUSES
    return {
        "rights": rights,
        "can_report": rights.report and reportable,
        "can_review": rights.review and cp.status == Status.SUBMITTED,
        "can_cancel": rights.coordinate and cp.status != Status.CANCELLED,
        "can_keep": rights.coordinate and cp.needs_decision,
        "can_comment": rights.comment,
        "can_request_due_date": rights.report and open_point,
        "can_decide_due_date": rights.coordinate and open_point,
    }


def _detail(request, cp, status=200, **forms):
    cp.refresh_from_db()
    flags = _flags(request.user, cp)
    page = control_point_page(control_point=cp)
    pending = next((r for r in page["requests"] if r.status == DueDateChangeRequest.Status.REQUESTED), None)
    context = {
        "cp": cp,
        "activity": cp.activity,
        "plan": cp.activity.section.plan,
        **flags,
        **page,
        "pending_request": pending,
        # The reviewer's word that sent the report back: the newest comment when it came back.
        "return_comment": page["comments"][-1] if cp.status == Status.REWORK and page["comments"] else None,
        "report_form": forms.get("report_form") or (ReportForm(control_point=cp) if flags["can_report"] else None),
        "review_form": forms.get("review_form") or ReviewForm(initial={"version": cp.version}),
        "cancel_form": forms.get("cancel_form") or CancelForm(initial={"version": cp.version}),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "due_date_form": forms.get("due_date_form") or DueDateRequestForm(control_point=cp),
        "decision_form": forms.get("decision_form") or DueDateDecisionForm(initial={"version": cp.version}),
        "today": timezone.localdate(),
    }
    return render(request, "monitoring/control/control_point_detail.html", context, status=status)


@login_required
def control_point_detail(request, pk):
    cp = get_control_point_for_user(request.user, pk)
    return _detail(request, cp)


def _card(request, cp, *, form=None, notice="", form_error="", loaded=False):
    card = control_point_card(cp, loaded=loaded)
    flags = _flags(request.user, card)
    return render(
        request,
        "monitoring/control/partials/cp_card.html",
        {"cp": card, "form": form, "editing": form is not None, "notice": notice, "form_error": form_error, **flags},
    )


@login_required
def control_point_row(request, pk):
    """The card as «Моя школа» shows it: what «Отмена» puts back in place of the form."""
    cp = get_control_point_for_user(request.user, pk)
    return _card(request, cp, loaded=True)


@login_required
def control_point_report(request, pk):
    """The report form: GET gives it (htmx, into the card); POST saves and, with «Отправить», submits."""
    cp = get_control_point_for_user(request.user, pk, write=True)
    if not control_point_rights(request.user, cp).report:
        _forbidden(workflow.NO_REPORT)
    if request.method != "POST":
        if request.htmx:
            return _card(request, cp, form=ReportForm(control_point=cp), loaded=True)
        return _detail(request, cp)  # the point's page holds the same form
    form = ReportForm(request.POST, request.FILES, control_point=cp)
    if form.is_valid():
        data = form.cleaned_data
        try:
            saved = workflow.control_point_report(
                control_point=cp,
                user=request.user,
                version=data["version"],
                report_text=data["report_text"],
                achieved_value=data.get("achieved_value"),
                status=data["status"],
                files=data["files"],
                links=data["links"],
            )
            notice = "Отчёт сохранён."
            if form.submitting:
                try:
                    workflow.control_point_submit(control_point=saved, user=request.user, version=saved.version)
                    # A school's report goes to its curator; one with no school, to the coordinator.
                    reviewer = "куратору" if saved.school_id else "координатору"
                    notice = f"Отчёт отправлен {reviewer} на проверку."
                except ValidationError as error:
                    # The report is saved; only the hand-over waits for what is missing.
                    notice = "Отчёт сохранён, но не отправлен: " + " ".join(error.messages)
                    if request.htmx:
                        saved.refresh_from_db()
                        return _card(request, saved, form=ReportForm(control_point=saved), form_error=notice)
                    messages.warning(request, notice)
                    return _back(request, saved, "#report")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if request.htmx:
                return _card(request, saved, notice=notice)
            messages.success(request, notice)
            return _back(request, saved)
    if request.htmx:
        # Read again: a refused save may be someone else's newer report, which the card then shows.
        return _card(request, cp, form=form)
    return _detail(request, cp, report_form=form)


def _forbidden(message):
    raise PermissionDenied(message)


def _act(request, cp, form, action, success):
    """Validate the small form, run the workflow action, say how it went, go back."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, success)
            return _back(request, cp)
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return _back(request, cp)


def _queue_row(request, cp, form, action, success):
    """The curator's queue row (htmx): the action's result in place of the row, or the row with the error."""
    error_text = ""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as error:
            error_text = " ".join(error.messages)
    else:
        error_text = " ".join(e for errors in form.errors.values() for e in errors)
    cp.refresh_from_db()
    card = control_point_card(cp)
    return render(
        request,
        "monitoring/control/partials/queue_row.html",
        {
            "cp": card,
            "error": error_text,
            "notice": "" if error_text else success,
            "comment": request.POST.get("comment", "") if error_text else "",
            "can_review": control_point_rights(request.user, card).review,
            # The queue's heading counts reports on review: the swapped row updates it out of band.
            "queue_total_now": visible_control_points(request.user).filter(status=Status.SUBMITTED).count(),
        },
    )


@login_required
@require_POST
def control_point_accept(request, pk):
    cp = get_control_point_for_user(request.user, pk, write=True)
    if not can_review_control_point(request.user, cp):
        _forbidden("Принять отчёт может куратор школы или муниципальный координатор.")
    form = ReviewForm(request.POST)

    def accept(data):
        workflow.control_point_accept(control_point=cp, user=request.user, version=data["version"], comment=data["comment"])

    if request.htmx:
        return _queue_row(request, cp, form, accept, "Отчёт принят.")
    return _act(request, cp, form, accept, "Отчёт принят: точка выполнена.")


@login_required
@require_POST
def control_point_return(request, pk):
    cp = get_control_point_for_user(request.user, pk, write=True)
    if not can_review_control_point(request.user, cp):
        _forbidden("Вернуть отчёт может куратор школы или муниципальный координатор.")
    form = ReviewForm(request.POST)

    def send_back(data):
        workflow.control_point_return(control_point=cp, user=request.user, version=data["version"], comment=data["comment"])

    if request.htmx:
        return _queue_row(request, cp, form, send_back, "Возвращено на доработку.")
    return _act(request, cp, form, send_back, "Отчёт возвращён на доработку с вашим комментарием.")


@login_required
@require_POST
def control_point_cancel(request, pk):
    cp = get_control_point_for_user(request.user, pk, write=True)
    if not can_coordinate_control_point(request.user, cp):
        _forbidden("Отменить контрольную точку может только муниципальный координатор.")
    return _act(
        request,
        cp,
        CancelForm(request.POST),
        lambda d: workflow.control_point_cancel(control_point=cp, user=request.user, version=d["version"], reason=d["reason"]),
        "Контрольная точка отменена.",
    )


@login_required
@require_POST
def control_point_keep(request, pk):
    cp = get_control_point_for_user(request.user, pk, write=True)
    if not can_coordinate_control_point(request.user, cp):
        _forbidden("Решение по точке принимает муниципальный координатор.")
    return _act(
        request,
        cp,
        VersionForm(request.POST),
        lambda d: workflow.control_point_keep(control_point=cp, user=request.user, version=d["version"]),
        "Точка оставлена в плане: отметка «требует решения» снята.",
    )


@login_required
@require_POST
def control_point_comment(request, pk):
    cp = get_control_point_for_user(request.user, pk, write=True)
    return _act(
        request,
        cp,
        CommentForm(request.POST),
        lambda d: workflow.control_point_comment(control_point=cp, user=request.user, text=d["text"]),
        "Комментарий добавлен.",
    )


@login_required
@require_POST
def control_point_remind(request, pk):
    """«Напомнить»: one letter now to the point's executors (the coordinator only, once an hour)."""
    cp = get_control_point_for_user(request.user, pk, write=True)
    if not can_coordinate_control_point(request.user, cp):
        _forbidden(remind.NO_REMIND)
    try:
        result = remind.control_point_remind(control_point=cp, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        notice = "Напоминание отправлено: " + ", ".join(result.sent_to) + "."
        if result.without_email:
            notice += " Без адреса эл. почты (не отправлено): " + ", ".join(result.without_email) + "."
        messages.success(request, notice)
    return _back(request, cp)


@login_required
def due_date_request_add(request, pk):
    """«Запросить перенос срока»: the form on the point's page, or on its own page."""
    cp = get_control_point_for_user(request.user, pk, write=True)
    if not control_point_rights(request.user, cp).report:
        _forbidden(workflow.NO_REPORT)
    if request.method != "POST":
        return _detail(request, cp)  # the form is on the point's page
    form = DueDateRequestForm(request.POST, control_point=cp)
    if form.is_valid():
        try:
            workflow.control_point_request_due_date(
                control_point=cp,
                user=request.user,
                version=form.cleaned_data["version"],
                requested_date=form.cleaned_data["requested_date"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Запрос на перенос срока отправлен координатору.")
            return _back(request, cp, "#due-date")
    return _detail(request, cp, due_date_form=form)


@login_required
@require_POST
def due_date_request_decide(request, pk):
    """The coordinator grants or refuses a request (pk of the request)."""
    change = get_object_or_404(
        DueDateChangeRequest.objects.filter(control_point_scope(request.user, "control_point__")), pk=pk
    )
    cp = get_control_point_for_user(request.user, change.control_point_id, write=True)
    if not can_coordinate_control_point(request.user, cp):
        _forbidden("Перенос срока разрешает муниципальный координатор.")
    form = DueDateDecisionForm(request.POST)

    def decide(data):
        if data["decision"] == DueDateDecisionForm.GRANT:
            workflow.control_point_grant_due_date(
                control_point=cp, user=request.user, version=data["version"], request=change, comment=data["comment"]
            )
        else:
            workflow.control_point_refuse_due_date(
                control_point=cp, user=request.user, version=data["version"], request=change, comment=data["comment"]
            )

    success = "Срок перенесён." if request.POST.get("decision") == DueDateDecisionForm.GRANT else "В переносе срока отказано."
    return _act(request, cp, form, decide, success)


@login_required
@require_POST
def evidence_delete(request, pk):
    evidence = get_evidence_for_user(request.user, pk, write=True)
    cp = get_control_point_for_user(request.user, evidence.control_point_id, write=True)
    return _act(
        request,
        cp,
        VersionForm(request.POST),
        lambda d: workflow.control_point_remove_evidence(
            control_point=cp, user=request.user, version=d["version"], evidence=evidence
        ),
        "Документ удалён.",
    )
