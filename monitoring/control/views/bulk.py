"""The register's bulk actions: the checked points and an action → a confirmation page → one POST that writes.

Plain forms, no script needed: the register posts its checkboxes here, this page names how many
points and what will happen, and only its «Подтвердить» writes. Who may act and on which points is
decided again on every POST in monitoring/control/bulk.py through schools/access.py.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from monitoring.control import bulk
from monitoring.control.forms import DateInput
from schnor_portal.words import plural


class BulkActionForm(forms.Form):
    action = forms.ChoiceField(
        label="Действие",
        choices=[("", "— выберите действие —"), *bulk.ACTIONS.items()],
        error_messages={"required": "Выберите действие.", "invalid_choice": "Выберите действие из списка."},
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    due_date = forms.DateField(
        label="Новый срок",
        required=False,
        widget=DateInput(attrs={"class": "form-control"}),
        error_messages={"invalid": "Введите дату в формате ДД.ММ.ГГГГ."},
    )
    reason = forms.CharField(
        label="Причина отмены",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )

    def mark_invalid(self):
        """A screen reader hears which field is wrong and where its message is (the list above the fields)."""
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = attrs.get("class", "") + " is-invalid"
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = "bulk-errors"

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action == bulk.MOVE:
            due_date = cleaned.get("due_date")
            if due_date is None and "due_date" not in self.errors:
                self.add_error("due_date", "Укажите новый срок.")
            elif due_date is not None and due_date < timezone.localdate():
                # A date in the past would make every moved point overdue at once: a typo, not a plan.
                self.add_error("due_date", "Новый срок не может быть в прошлом.")
        if action == bulk.CANCEL and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", "Укажите причину отмены: её увидят исполнители и она останется в истории точек.")
        return cleaned


def _points_phrase(n: int, case: str) -> str:
    if case == "acc":  # «отменить 2 контрольные точки»
        return f"{n} {plural(n, 'контрольную точку', 'контрольные точки', 'контрольных точек')}"
    return f"{n} {plural(n, 'контрольной точки', 'контрольных точек', 'контрольных точек')}"  # genitive


def _question(data: dict, n: int) -> str:
    action = data["action"]
    if action == bulk.REMIND:
        return f"Напомнить исполнителям {_points_phrase(n, 'gen')}?"
    if action == bulk.MOVE:
        return f"Перенести срок {_points_phrase(n, 'gen')} на {data['due_date']:%d.%m.%Y}?"
    return f"Отменить {_points_phrase(n, 'acc')}? Причина: {data['reason'].strip()}"


def _register_url(back: str) -> str:
    """The register as the user left it (filters, page): only a query string, so no other address."""
    query = QueryDict(back.lstrip("?")).urlencode() if back else ""
    return reverse("monitoring:register") + (f"?{query}" if query else "")


def _selection_values(post) -> list[str]:
    # «Выбрать все на странице» without a script: the page's every row is posted as page_cp.
    return post.getlist("page_cp") if post.get("select_all") else post.getlist("cp")


def _remind_notice(report: bulk.RemindReport) -> tuple[str, str]:
    sent = f"Напоминания отправлены: {len(report.sent)} из {len(report.sent) + len(report.skipped)}."
    skipped = ""
    if report.skipped:
        skipped = "Пропущены: " + "; ".join(f"{label} — {why}" for label, why in report.skipped)
    return sent, skipped


@login_required
@require_POST
def register_bulk(request):
    if not bulk.may_bulk(request.user):
        raise PermissionDenied(bulk.NO_BULK)
    back = request.POST.get("back", "")
    register_url = _register_url(back)
    values = _selection_values(request.POST)
    try:
        selection = bulk.parse_selection(values)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(register_url)
    # 404 / 403 for the whole batch before anything is shown or written.
    points = bulk.selected_points(request.user, selection)
    form = BulkActionForm(request.POST)
    valid = form.is_valid()
    if valid and request.POST.get("confirmed"):
        return _apply(request, form.cleaned_data, selection, register_url)

    if not valid:
        form.mark_invalid()
    conflict = ""
    try:
        bulk.refuse_changed(points, selection)
    except ValidationError as error:
        conflict = " ".join(error.messages)
    context = {
        "form": form,
        "points": points,
        "selection": [f"{pk}:{version}" for pk, version in selection.items()],
        "back": QueryDict(back.lstrip("?")).urlencode() if back else "",
        "register_url": register_url,
        "conflict": conflict,
        "ready": valid and not conflict,
        "question": _question(form.cleaned_data, len(points)) if valid else "",
    }
    return render(request, "monitoring/control/bulk_confirm.html", context)


def _apply(request, data, selection, register_url):
    user = request.user
    try:
        if data["action"] == bulk.REMIND:
            report = bulk.bulk_remind(user=user, selection=selection)
        elif data["action"] == bulk.MOVE:
            moved = bulk.bulk_move_due_date(user=user, selection=selection, due_date=data["due_date"])
        else:
            cancelled = bulk.bulk_cancel(user=user, selection=selection, reason=data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(register_url)
    if data["action"] == bulk.REMIND:
        sent, skipped = _remind_notice(report)
        (messages.success if report.sent else messages.warning)(request, sent)
        if skipped:
            messages.warning(request, skipped)
    elif data["action"] == bulk.MOVE:
        messages.success(request, f"Срок {_points_phrase(len(moved), 'gen')} перенесён на {data['due_date']:%d.%m.%Y}.")
    else:
        messages.success(request, f"Отменено: {_points_phrase(len(cancelled), 'acc')}.")
    return HttpResponseRedirect(register_url)
