import datetime

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from monitoring.control.filters import OPEN_STATUSES
from monitoring.control.selectors import DUE_SOON_DAYS

from .inbox import inbox_for_user
from .selectors import home_summary_for_user


@login_required
def home(request):
    today = timezone.localdate()
    summary = home_summary_for_user(user=request.user, today=today)
    inbox = inbox_for_user(user=request.user, today=today, page_number=request.GET.get("requests_page"))
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    # The register filter behind each figure card (the same filters as «Контроль исполнения»).
    figure_queries = {
        "overdue": "overdue=yes",
        "due_soon": f"due_from={today.isoformat()}&due_to={soon.isoformat()}&" + "&".join(f"status={s}" for s in OPEN_STATUSES),
        "submitted": "status=submitted",
        "done": "status=done",
        "total": "&".join(f"status={s}" for s in ("planned", "in_progress", "submitted", "rework", "done")),
    }
    return render(
        request,
        "home.html",
        {"summary": summary, "inbox": inbox, "due_soon_days": DUE_SOON_DAYS, "figure_queries": figure_queries},
    )
