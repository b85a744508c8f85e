"""Import a plan from a Word or Excel file: upload → preview of every row → confirm (coordinator only).

The preview carries what was read as a signed payload (django.core.signing, one hour): the
confirmation saves exactly what the coordinator saw, and nothing a browser could have altered.
"""

import uuid
from datetime import date

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from schnor_portal.dates import format_date
from schnor_portal.previews import PreviewRefused, preview_load
from schnor_portal.xlsx import MAX_UPLOAD_BYTES
from schools.access import managed_municipality

from .. import import_services
from ..importers import ParsedPlan, PlanFileError
from ..models import Activity, ExecutorLevel, Plan
from ..targets import parse_target

IMPORT_SALT = "roadmaps.plan_import"
IMPORT_MAX_AGE = 60 * 60
ALLOWED_EXTENSIONS = (".docx", ".xlsx")
MAX_WINDOWS_SHOWN = 8

DEADLINE_KIND_LABELS = {
    "on_schedule": "по графику",
    "on_demand": "по необходимости",
    "unknown": "не распознан",
}
LEVEL_BADGES = {
    ExecutorLevel.REGION: "text-bg-primary",
    ExecutorLevel.MUNICIPALITY: "text-bg-info",
    ExecutorLevel.SCHOOL: "text-bg-success",
}
_DATE_ERRORS = {"required": "Укажите дату.", "invalid": "Дата в формате ДД.ММ.ГГГГ, например 01.01.2025."}


class PlanImportForm(forms.Form):
    file = forms.FileField(
        label="Файл плана",
        help_text="Документ Word (.docx) или таблица Excel (.xlsx) с таблицей мероприятий, до 10 МБ.",
        error_messages={"required": "Выберите файл.", "empty": "Файл пустой.", "invalid": "Файл не получен: выберите его ещё раз."},
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.xlsx"}),
    )
    kind = forms.ChoiceField(label="Вид плана", choices=Plan.Kind.choices, initial=Plan.Kind.ROADMAP)
    title = forms.CharField(
        label="Наименование плана",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Если оставить пустым, возьмём заголовок, напечатанный над таблицей в документе "
        "(а если его нет — «Дорожная карта на 2025 год»).",
        error_messages={"max_length": "Наименование длиннее %(limit_value)d знаков."},
    )
    period_start = forms.DateField(
        label="Начало периода", input_formats=["%d.%m.%Y"], error_messages=_DATE_ERRORS,
        widget=forms.DateInput(format="%d.%m.%Y", attrs={"placeholder": "ДД.ММ.ГГГГ", "inputmode": "numeric"}),
    )
    period_end = forms.DateField(
        label="Окончание периода", input_formats=["%d.%m.%Y"], error_messages=_DATE_ERRORS,
        widget=forms.DateInput(format="%d.%m.%Y", attrs={"placeholder": "ДД.ММ.ГГГГ", "inputmode": "numeric"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(ALLOWED_EXTENSIONS):
            raise ValidationError("Загрузите документ Word (.docx) или таблицу Excel (.xlsx).")
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(f"Файл больше {MAX_UPLOAD_BYTES // (1024 * 1024)} МБ.")
        return upload

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "Окончание периода раньше его начала.")
        return cleaned


def _windows(activity):
    shown = []
    for start, due in activity.deadline_windows[:MAX_WINDOWS_SHOWN]:
        shown.append(f"до {format_date(due)}" if start is None else f"{format_date(start)} – {format_date(due)}")
    more = len(activity.deadline_windows) - len(shown)
    return shown, more


def _target_label(result):
    target = parse_target(result)
    if target is None:
        return ""
    return Activity(target_comparator=target.comparator, target_value=target.value, target_unit=target.unit).target_label


def _preview_rows(parsed: ParsedPlan):
    """The preview table, built here so that the template only loops (as admin's result_list)."""
    rows = []
    for index, section in enumerate(parsed.sections):
        rows.append({
            "kind": "section",
            "depth": parsed.depth(index),
            "section": section,
            "label": {"part": "часть", "cluster": f"кластер {section.cluster_number}"}.get(section.kind, ""),
            "show_number": bool(section.number) and section.number not in section.title,
        })
        for a in section.activities:
            windows, more = _windows(a)
            rows.append({
                "kind": "activity",
                "activity": a,
                "deadline_label": DEADLINE_KIND_LABELS.get(a.deadline_kind, "") if not windows else "",
                "continuous": a.deadline_kind == "continuous",
                "windows": windows,
                "more_windows": more,
                "executors": [
                    {"name": e.name, "level": ExecutorLevel(e.level).label, "badge": LEVEL_BADGES[e.level]}
                    for e in a.executors
                ],
                "target": _target_label(a.result),
            })
    return rows


def _summary(parsed: ParsedPlan):
    activities = [a for s in parsed.sections for a in s.activities]
    levels = {level: 0 for level in ExecutorLevel.values}
    for a in activities:
        for e in a.executors:
            levels[e.level] += 1
    return {
        "sections": len(parsed.sections),
        "activities": len(activities),
        "clusters": len({s.cluster_number for s in parsed.sections if s.kind == "cluster"}),
        "unknown_deadlines": sum(1 for a in activities if a.deadline_kind == "unknown"),
        "levels": [(ExecutorLevel(level).label, LEVEL_BADGES[level], count) for level, count in levels.items()],
    }


def _default_title(data):
    """«Дорожная карта на 2023–2024 годы» when neither the form nor the document names the plan."""
    start, end = data["period_start"].year, data["period_end"].year
    period = f"{start} год" if start == end else f"{start}–{end} годы"
    return f"{Plan.Kind(data['kind']).label} на {period}"


def _form_page(request, municipality, form, errors=(), status=200):
    return render(
        request,
        "roadmaps/import_form.html",
        {"form": form, "municipality": municipality, "import_errors": list(errors)},
        status=status,
    )


@login_required
def plan_import(request):
    municipality = managed_municipality(request.user)
    form = PlanImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _form_page(request, municipality, form, status=400 if request.method == "POST" else 200)
    data = form.cleaned_data
    try:
        parsed = import_services.plan_file_parse(
            data=data["file"].read(), period_start=data["period_start"], period_end=data["period_end"]
        )
    except PlanFileError as error:
        form.add_error("file", str(error))
        return _form_page(request, municipality, form, status=400)
    title = " ".join(data["title"].split()) or parsed.title or _default_title(data)
    payload = signing.dumps(
        {
            "user": request.user.pk,
            "municipality": municipality.pk,
            "nonce": uuid.uuid4().hex,
            "kind": data["kind"],
            "title": title,
            "start": data["period_start"].isoformat(),
            "end": data["period_end"].isoformat(),
            "file_name": data["file"].name,
            "parsed": parsed.to_dict(),
        },
        salt=IMPORT_SALT,
        compress=True,
    )
    return render(
        request,
        "roadmaps/import_preview.html",
        {
            "municipality": municipality,
            "title": title,
            "kind_label": Plan.Kind(data["kind"]).label,
            "period_start": data["period_start"],
            "period_end": data["period_end"],
            "file_name": data["file"].name,
            "parsed": parsed,
            "rows": _preview_rows(parsed),
            "summary": _summary(parsed),
            "payload": payload,
        },
    )


@login_required
@require_POST
def plan_import_confirm(request):
    municipality = managed_municipality(request.user)
    try:
        data = preview_load(
            request.POST.get("payload", ""), user=request.user, municipality=municipality, salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE
        )
    except PreviewRefused as refused:
        return _form_page(request, municipality, PlanImportForm(), [refused.message], refused.status)
    try:
        result = import_services.plan_import(
            municipality=municipality,
            title=data["title"],
            kind=data["kind"],
            start=date.fromisoformat(data["start"]),
            end=date.fromisoformat(data["end"]),
            parsed=ParsedPlan.from_dict(data["parsed"]),
            user=request.user,
            token=data["nonce"],
        )
    except import_services.AlreadyImported as done:  # the button pressed twice, or the preview sent again
        messages.info(request, "Этот план уже создан из загруженного файла: повторное подтверждение ничего не добавило.")
        return redirect("roadmaps:plan_detail", pk=done.plan.pk)
    except ValidationError as error:
        return _form_page(request, municipality, PlanImportForm(), error.messages, 400)
    points = (
        f"контрольных точек — {result.control_points}"
        if result.control_points
        else "контрольные точки появятся, когда план будет утверждён"
    )
    messages.success(
        request,
        f"План «{result.plan.title}» создан черновиком: разделов — {result.sections}, мероприятий — "
        f"{result.activities}; {points}.",
    )
    return redirect("roadmaps:plan_detail", pk=result.plan.pk)
