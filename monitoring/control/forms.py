"""Forms of the execution pages. Every form that changes a control point carries its version."""

import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from accounts.models import Person
from monitoring.models import ControlPoint, MonitoringVisit, ReminderSettings
from schnor_portal.optimistic_lock import VersionErrorsOnTop, VersionField, require_version_for

from .evidence import ACCEPT_ATTRIBUTE, ALLOWED_LABEL, clean_links, evidence_file_check
from .workflow import REPORT_STATUSES

MAX_FILES = 10


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceFilesField(forms.FileField):
    """Several files in one input; each is checked by content (monitoring/control/evidence.py)."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        limit = settings.EVIDENCE_MAX_BYTES // (1024 * 1024)
        kwargs.setdefault("help_text", f"{ALLOWED_LABEL}; не больше {limit} МБ каждый. Можно выбрать несколько файлов.")
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", ACCEPT_ATTRIBUTE)

    def clean(self, data, initial=None):
        uploads = [u for u in (data if isinstance(data, (list, tuple)) else [data]) if u]
        if len(uploads) > MAX_FILES:
            raise ValidationError(f"Не больше {MAX_FILES} файлов за раз.")
        checked, errors = [], []
        for upload in uploads:
            try:
                checked.append(evidence_file_check(upload))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return checked


class VersionForm(forms.Form):
    """The version of the point the page was built from: a save over a newer one is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class ReportForm(VersionForm):
    SAVE, SUBMIT = "save", "submit"

    status = forms.ChoiceField(label="Статус", required=False)
    report_text = forms.CharField(
        label="Что сделано",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Коротко: что проведено, когда, сколько участников, где результат.",
    )
    achieved_value = forms.DecimalField(label="Достигнутое значение", required=False, max_digits=10, decimal_places=2)
    files = EvidenceFilesField(label="Подтверждающие документы")
    links = forms.CharField(
        label="Ссылки",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "https://… — по одной в строке"}),
        help_text="Например, страница новости на сайте школы.",
    )
    action = forms.ChoiceField(choices=[(SAVE, SAVE), (SUBMIT, SUBMIT)], required=False, widget=forms.HiddenInput)

    def __init__(self, *args, control_point: ControlPoint, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "version": control_point.version,
                "status": control_point.status,
                "report_text": control_point.report_text,
                "achieved_value": control_point.achieved_value,
            },
        )
        super().__init__(*args, **kwargs)
        self.control_point = control_point
        choices = REPORT_STATUSES.get(control_point.status, ())
        self.fields["status"].choices = [(s.value, s.label) for s in choices]
        self.show_status = len(choices) > 1
        activity = control_point.activity
        if activity.target_value is None:
            del self.fields["achieved_value"]
        else:
            self.fields["achieved_value"].help_text = f"Целевое значение: {activity.target_label}."
        prefix = f"cp{control_point.pk}"
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("id", f"id_{prefix}_{name}")

    def clean_status(self):
        return self.cleaned_data.get("status") or self.control_point.status

    def clean_links(self):
        return clean_links(self.cleaned_data.get("links", ""))

    def clean(self):
        cleaned = super().clean()
        # «Отправить на проверку» with what the hand-over needs missing fails as a whole, at the
        # field, before anything is saved: no half-done draft, the message where the fix goes.
        if cleaned.get("action") == self.SUBMIT:
            if "report_text" in cleaned and not cleaned["report_text"].strip():
                self.add_error("report_text", "Опишите, что сделано, прежде чем отправлять отчёт на проверку.")
            activity = self.control_point.activity
            if "achieved_value" in self.fields and "achieved_value" in cleaned and cleaned["achieved_value"] is None:
                self.add_error(
                    "achieved_value",
                    f"У мероприятия есть целевое значение ({activity.target_label}): укажите достигнутое значение.",
                )
        return cleaned

    def full_clean(self):
        super().full_clean()
        # Each invalid field says so and names its message (crispy renders it as «<auto_id>_error»),
        # for screen readers, before and without the page's script.
        for name in self.errors:
            if name not in self.fields:
                continue
            bound = self[name]
            described = [f"{bound.auto_id}_error"] + ([f"{bound.auto_id}_helptext"] if self.fields[name].help_text else [])
            self.fields[name].widget.attrs.update({"aria-invalid": "true", "aria-describedby": " ".join(described)})

    @property
    def submitting(self):
        return self.cleaned_data.get("action") == self.SUBMIT


class ReviewForm(VersionForm):
    comment = forms.CharField(
        label="Комментарий",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Обязателен при возврате на доработку: руководитель увидит его у точки.",
    )


class CancelForm(VersionForm):
    reason = forms.CharField(label="Причина отмены", widget=forms.Textarea(attrs={"rows": 2}))


class CommentForm(forms.Form):
    text = forms.CharField(label="Комментарий", widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)


class DueDateRequestForm(VersionForm):
    requested_date = forms.DateField(label="Новый срок", widget=DateInput)
    reason = forms.CharField(label="Причина", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args, control_point: ControlPoint, **kwargs):
        kwargs.setdefault("initial", {"version": control_point.version})
        super().__init__(*args, **kwargs)
        self.control_point = control_point
        self.fields["requested_date"].widget.attrs["min"] = (control_point.due_date + datetime.timedelta(days=1)).isoformat()

    def clean_requested_date(self):
        value = self.cleaned_data["requested_date"]
        if value <= self.control_point.due_date:
            raise ValidationError(f"Новый срок должен быть позже действующего ({self.control_point.due_date:%d.%m.%Y}).")
        return value


class DueDateDecisionForm(VersionForm):
    GRANT, REFUSE = "grant", "refuse"

    decision = forms.ChoiceField(choices=[(GRANT, "Перенести срок"), (REFUSE, "Отказать")])
    comment = forms.CharField(label="Комментарий", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.REFUSE and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", "Напишите, почему в переносе отказано.")
        return cleaned


class VisitForm(VersionErrorsOnTop, forms.ModelForm):
    version = VersionField()
    files = EvidenceFilesField(label="Файлы (акт, справка, фотографии)")

    class Meta:
        model = MonitoringVisit
        fields = ["date", "visitor", "purpose", "findings", "recommendations"]
        widgets = {
            "date": DateInput,
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "findings": forms.Textarea(attrs={"rows": 4}),
            "recommendations": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visitor"].queryset = Person.objects.filter(municipality_id=school.municipality_id).order_by(
            "last_name", "first_name"
        )
        self.fields["visitor"].label_from_instance = lambda p: p.full_name + (f", {p.position}" if p.position else "")
        require_version_for(self, self.instance)


class ReminderSettingsForm(forms.ModelForm):
    class Meta:
        model = ReminderSettings
        fields = ["enabled", "days_ahead", "escalation_days", "send_hour"]
