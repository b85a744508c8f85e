"""Import of results from Excel: template → upload → preview of every change → confirm (coordinator only).

The preview carries what was read as a signed payload (django.core.signing, one hour) with the
fingerprint of what was stored then: the confirmation saves exactly what the coordinator saw, and
nothing if the stored results changed in between (monitoring.results.services).
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from monitoring.models import Procedure
from monitoring.results.exports import import_template_response
from monitoring.results.forms import ResultImportForm
from monitoring.results.importers.parsed import ParsedReference, ParsedResult
from monitoring.results.importers.sheets import WorkbookProblem, read_workbook
from monitoring.results.importers.workbook import parse_results
from monitoring.results.services import exam_result_import, exam_result_import_preview
from schnor_portal.previews import PreviewRefused, preview_load
from schnor_portal.xlsx import XlsxError, check_zip_upload
from schools.access import managed_municipality
from schools.lists.selectors import school_refs

IMPORT_SALT = "monitoring.result_import"
IMPORT_MAX_AGE = 60 * 60  # the preview is good for an hour
DONE_SESSION_KEY = "monitoring_result_imports_done"


def _form_page(request, municipality, form, errors=(), status=200):
    return render(
        request,
        "monitoring/results/import.html",
        {"form": form, "municipality": municipality, "import_errors": list(errors)},
        status=status,
    )


@login_required
def result_import_template(request):
    municipality = managed_municipality(request.user)
    return import_template_response(school_names=[ref.short_name for ref in school_refs(municipality=municipality)])


@login_required
def result_import(request):
    municipality = managed_municipality(request.user)
    form = ResultImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _form_page(request, municipality, form, status=400 if request.method == "POST" else 200)
    data = form.cleaned_data
    try:
        content = data["file"].read()
        check_zip_upload(content)
        sheets = read_workbook(content)
    except (XlsxError, WorkbookProblem) as error:
        form.add_error("file", str(error))
        return _form_page(request, municipality, form, status=400)
    parsed = parse_results(
        sheets, schools=school_refs(municipality=municipality), procedure=data["procedure"], grade=data["grade"]
    )
    preview = None
    if parsed.ok:
        try:
            preview = exam_result_import_preview(municipality=municipality, results=parsed.results, references=parsed.references)
        except ValidationError as error:
            parsed.file_errors.extend(error.messages)
    can_save = preview is not None and preview.has_writes
    payload = ""
    if can_save:
        payload = signing.dumps(
            {
                "user": request.user.pk,
                "municipality": municipality.pk,
                "nonce": uuid.uuid4().hex,
                "fingerprint": preview.fingerprint,
                "results": [row.to_payload() for row in parsed.results],
                "references": [row.to_payload() for row in parsed.references],
            },
            salt=IMPORT_SALT,
            compress=True,
        )
    return render(
        request,
        "monitoring/results/import_preview.html",
        {
            "municipality": municipality,
            "parsed": parsed,
            "preview": preview,
            "can_save": can_save,
            "payload": payload,
            "file_name": data["file"].name,
            "procedure_label": Procedure(data["procedure"]).label,
            "grade": data["grade"],
        },
        status=200 if parsed.ok else 400,
    )


@login_required
def result_import_confirm(request):
    municipality = managed_municipality(request.user)
    if request.method != "POST":
        return redirect("results:result_import")
    try:
        data = preview_load(
            request.POST.get("payload", ""), user=request.user, municipality=municipality, salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE
        )
    except PreviewRefused as refused:
        return _form_page(request, municipality, ResultImportForm(), [refused.message], refused.status)
    done = request.session.get(DONE_SESSION_KEY, [])
    if data["nonce"] in done:  # the button pressed twice, or the page sent again
        messages.info(request, "Эти результаты уже сохранены.")
        return redirect("results:result_list")
    try:
        preview = exam_result_import(
            municipality=municipality,
            results=[ParsedResult.from_payload(row) for row in data["results"]],
            references=[ParsedReference.from_payload(row) for row in data["references"]],
            fingerprint=data["fingerprint"],
            user=request.user,
        )
    except ValidationError as error:
        return _form_page(request, municipality, ResultImportForm(), error.messages, 409)
    request.session[DONE_SESSION_KEY] = [*done[-19:], data["nonce"]]  # enough to catch a double click
    messages.success(request, _summary(preview))
    return redirect("results:result_list")


def _summary(preview) -> str:
    def counts(target):
        changes = [change for change in preview.changes if change.target == target]
        created = sum(1 for change in changes if change.kind == "create")
        updated = sum(1 for change in changes if change.kind == "update")
        same = sum(1 for change in changes if change.kind == "same")
        return f"добавлено {created}, изменено {updated}, без изменений {same}"

    text = f"Результаты сохранены: {counts('result')}."
    if any(change.target == "reference" for change in preview.changes):
        text += f" Средние по муниципалитету и региону: {counts('reference')}."
    return text
