"""The bell's page, and the coordinator's reminder settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from monitoring.control.forms import ReminderSettingsForm
from monitoring.control.notifications import notifications_mark_read
from monitoring.control.reminders import reminder_settings_for
from monitoring.control.selectors import notification_list_for_user
from schools.access import managed_municipality


@login_required
def notifications(request):
    """The user's notifications, newest first; opening the page marks the shown ones read."""
    items = notification_list_for_user(user=request.user)
    unread = [n.pk for n in items if n.read_at is None]
    response = render(request, "monitoring/control/notifications.html", {"items": items, "unread": set(unread)})
    if unread:
        notifications_mark_read(user=request.user, ids=unread)
    return response


@login_required
def reminder_settings(request):
    municipality = managed_municipality(request.user)
    # Created on the first save; until then the form shows the defaults.
    settings_row = reminder_settings_for(municipality)
    form = ReminderSettingsForm(request.POST or None, instance=settings_row)
    if request.method == "POST" and form.is_valid():
        row = form.save(commit=False)
        row._history_user = request.user
        row.save()
        messages.success(request, "Настройки рассылки сохранены.")
        return redirect("monitoring:reminder_settings")
    return render(request, "monitoring/control/reminder_settings.html", {"form": form, "municipality": municipality})
