"""The school register loaded from Excel: the template, the preview of what changes, the confirmation.

Only the coordinator of the municipality loads its register (managed_municipality). The preview's
rows travel signed; the confirmation saves them all or nothing and only once (services.AlreadyImported).
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from schnor_portal.dates import school_year_label
from schnor_portal.xlsx import XlsxError, open_workbook, xlsx_response
from schools.access import managed_municipality

from .exports import register_template_sheets
from .forms import SchoolRegisterImportForm, current_school_year
from .importer import parse_school_register, workbook_rows
from .selectors import person_refs, school_register_refs
from .services import AlreadyImported, school_register_import

IMPORT_SALT = "schools.register_import"
IMPORT_MAX_AGE = 60 * 60  # the preview's payload is good for an hour


@login_required
def school_import_template(request):
    municipality = managed_municipality(request.user)
    year = current_school_year(timezone.localdate())
    sheets = register_template_sheets(schools=school_register_refs(municipality=municipality, year=year), year=year)
    return xlsx_response(f"Реестр школ — {municipality.name}.xlsx", *sheets)


def _form_page(request, form, errors=(), status=200):
    return render(
        request, "schools/registry/school_import.html", {"form": form, "import_errors": list(errors)}, status=status
    )


@login_required
def school_import(request):
    """Step 1 (a file): read it and show what would change. Step 2 (the signed rows): save."""
    municipality = managed_municipality(request.user)
    if request.method == "POST" and "payload" in request.POST:
        return _import_confirm(request, municipality)
    form = SchoolRegisterImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _form_page(request, form, status=400 if request.method == "POST" else 200)
    year = form.cleaned_data["year"]
    try:
        workbook = open_workbook(form.cleaned_data["file"])
    except XlsxError as error:
        form.add_error("file", str(error))
        return _form_page(request, form, status=400)
    try:
        sheets = workbook_rows(workbook)
    finally:
        workbook.close()
    result = parse_school_register(
        sheets, schools=school_register_refs(municipality=municipality, year=year), people=person_refs(municipality=municipality)
    )
    can_save = result.ok and bool(result.to_save)
    payload = ""
    if can_save:
        payload = signing.dumps(
            {
                "user": request.user.pk,
                "municipality": municipality.pk,
                "nonce": uuid.uuid4().hex,
                "year": year,
                "rows": [row.to_payload() for row in result.to_save],
            },
            salt=IMPORT_SALT,
            compress=True,
        )
    return render(
        request,
        "schools/registry/school_import_preview.html",
        {
            "municipality": municipality,
            "result": result,
            "can_save": can_save,
            "payload": payload,
            "file_name": form.cleaned_data["file"].name,
            "year_label": school_year_label(year),
        },
        status=200 if result.ok else 400,
    )


def _import_confirm(request, municipality):
    def refused(message, status=400):
        return _form_page(request, SchoolRegisterImportForm(), [message], status=status)

    try:
        data = signing.loads(request.POST["payload"], salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)
    except signing.SignatureExpired:
        return refused("Предпросмотр устарел (он действует час): загрузите файл ещё раз.")
    except signing.BadSignature:
        return refused("Данные предпросмотра повреждены или изменены: загрузите файл ещё раз.")
    if data.get("user") != request.user.pk or data.get("municipality") != municipality.pk:
        return refused(
            "Предпросмотр сделан другим пользователем или для другого муниципалитета: загрузите файл ещё раз.", status=403
        )
    try:
        result = school_register_import(
            municipality=municipality, rows=data["rows"], year=data["year"], token=data["nonce"]
        )
    except AlreadyImported:  # the button pressed twice, or the preview sent again from another tab
        messages.info(request, "Этот файл уже загружен: повторное подтверждение ничего не изменило.")
        return redirect("schools:school_list")
    except ValidationError as error:
        return _form_page(request, SchoolRegisterImportForm(), error.messages, status=400)
    people = f"; добавлено людей (директоров): {result.people_created}" if result.people_created else ""
    messages.success(
        request, f"Реестр загружен: добавлено школ — {result.created}, изменено — {result.updated}{people}."
    )
    return redirect("schools:school_list")
