"""Reports rendered in the background: ask for one, watch its progress, download it."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from schools.access import get_plan_for_user, get_report_file_for_user, get_school_for_user

from ..forms import ReportForm
from ..models import ReportFile
from ..services import report_file_request


# Said when the queue (Redis) did not take the order: reports/tasks.py queues it again within minutes.
QUEUE_DOWN = (
    "Заказ принят, но очередь фоновых задач сейчас недоступна: отчёт будет сформирован автоматически, "
    "как только она заработает (обычно в течение нескольких минут). Страницу можно закрыть — "
    "отчёт появится среди последних отчётов на странице заказа."
)


def _default_period(today):
    start = datetime.date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    return {"period_start": start, "period_end": datetime.date(start.year + 1, 8, 31)}


def _request_page(request, *, kind, subject, period, **objects):
    form = ReportForm(request.POST or None, initial=period)
    if request.method == "POST" and form.is_valid():
        report_file = report_file_request(owner=request.user, kind=kind, **form.cleaned_data, **objects)
        if getattr(report_file, "queued", None) is False:
            messages.warning(request, QUEUE_DOWN)
        return redirect("reports:report_file_detail", pk=report_file.pk)
    recent = ReportFile.objects.filter(owner=request.user, kind=kind, **objects)[:5]
    return render(
        request,
        "reports/report_request.html",
        {"form": form, "subject": subject, "kind_label": ReportFile.Kind(kind).label, "recent": recent},
    )


@login_required
def school_report(request, pk):
    school = get_school_for_user(request.user, pk)
    return _request_page(request, kind=ReportFile.Kind.SCHOOL, subject=school, period=_default_period(timezone.localdate()), school=school)


@login_required
def plan_report(request, pk):
    plan = get_plan_for_user(request.user, pk)
    period = {"period_start": plan.period_start, "period_end": plan.period_end}
    return _request_page(request, kind=ReportFile.Kind.PLAN, subject=plan, period=period, plan=plan)


@login_required
def report_file_detail(request, pk):
    report_file = get_report_file_for_user(request.user, pk)
    return render(request, "reports/report_file_detail.html", {"report_file": report_file})


@login_required
def report_file_status(request, pk):
    """The status block alone: htmx replaces it every 2 s until the file is ready."""
    report_file = get_report_file_for_user(request.user, pk)
    return render(request, "reports/partials/report_file_status.html", {"report_file": report_file})


@login_required
def report_file_download(request, pk):
    report_file = get_report_file_for_user(request.user, pk)
    if report_file.status != ReportFile.Status.DONE or not report_file.file:
        raise Http404("Отчёт ещё не готов.")
    subject = report_file.school or report_file.plan
    filename = f"{report_file.get_kind_display()} {subject.pk} {report_file.period_start:%d.%m.%Y}-{report_file.period_end:%d.%m.%Y}.pdf"
    try:
        return FileResponse(report_file.file.open("rb"), content_type="application/pdf", filename=filename)
    except FileNotFoundError:
        raise Http404("Файл отчёта не найден.")
