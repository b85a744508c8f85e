from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from monitoring.control.selectors import DUE_SOON_DAYS

from .selectors import home_summary_for_user


@login_required
def home(request):
    summary = home_summary_for_user(user=request.user, today=timezone.localdate())
    return render(request, "home.html", {"summary": summary, "due_soon_days": DUE_SOON_DAYS})
