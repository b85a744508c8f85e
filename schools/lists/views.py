"""Pages of the yearly lists: the lists, one list and its schools, the history matrix, the import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from schnor_portal.xlsx import XlsxError, open_workbook
from schools.access import can_manage, require_manage
from schools.models import SchoolList

from .exports import import_template_response, list_matrix_response
from .forms import ListMatrixFilterForm, SchoolListEntryForm, SchoolListForm, SchoolListImportForm
from .importer import ParsedRow, parse_school_list, workbook_rows
from .selectors import (
    get_school_list_entry_for_user,
    get_school_list_for_user,
    list_matrix,
    list_title,
    municipality_for_user,
    school_choices_for_entry,
    school_list_existing,
    school_list_list,
    school_list_page,
    school_list_title,
    school_refs,
)
from .services import (
    school_list_create,
    school_list_delete,
    school_list_entry_create,
    school_list_entry_delete,
    school_list_entry_update,
    school_list_import,
    school_list_update,
)

IMPORT_SALT = "schools.schoollist_import"
IMPORT_MAX_AGE = 60 * 60  # the preview's payload is good for an hour


def _with_municipality(url, municipality, options):
    """Keep the chosen municipality in links only where the user has a choice of them."""
    return f"{url}?municipality={municipality.pk}" if len(options) > 1 else url


def _municipality(request):
    return municipality_for_user(user=request.user, pk=request.GET.get("municipality"))


# ------------------------------------------------------------------------------------ lists


@login_required
def schoollist_list(request):
    municipality, options = _municipality(request)
    return render(
        request,
        "schools/lists/index.html",
        {
            "municipality": municipality,
            "municipalities": options,
            "summaries": school_list_list(municipality=municipality),
            "can_manage": can_manage(request.user, municipality.pk),
            "add_url": _with_municipality(reverse("schools:schoollist_add"), municipality, options),
            "import_url": _with_municipality(reverse("schools:schoollist_import"), municipality, options),
            "matrix_url": _with_municipality(reverse("schools:list_matrix"), municipality, options),
        },
    )


@login_required
def schoollist_detail(request, pk):
    school_list = get_school_list_for_user(request.user, pk)
    context = {
        "school_list": school_list,
        "municipality": school_list.municipality,
        "can_manage": can_manage(request.user, school_list.municipality_id),
        **school_list_page(school_list=school_list, user=request.user),
    }
    return render(request, "schools/lists/detail.html", context)


@login_required
def schoollist_add(request):
    municipality, options = _municipality(request)
    require_manage(request.user, municipality.pk)
    form = SchoolListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            school_list = school_list_create(
                municipality=municipality,
                year=form.cleaned_data["year"],
                category=form.cleaned_data["category"],
                title=form.cleaned_data["title"],
                source=form.cleaned_data["source"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Список «{school_list_title(school_list)}» создан. Добавьте в него школы.")
            return redirect("schools:schoollist_detail", pk=school_list.pk)
    return render(
        request,
        "schools/lists/form.html",
        {"form": form, "municipality": municipality, "back_url": _with_municipality(reverse("schools:schoollist_list"), municipality, options)},
    )


@login_required
def schoollist_change(request, pk):
    school_list = get_school_list_for_user(request.user, pk, write=True)
    form = SchoolListForm(request.POST or None, instance=school_list)
    if request.method == "POST" and form.is_valid():
        try:
            school_list_update(
                school_list=school_list,
                year=form.cleaned_data["year"],
                category=form.cleaned_data["category"],
                title=form.cleaned_data["title"],
                source=form.cleaned_data["source"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Список сохранён.")
            return redirect("schools:schoollist_detail", pk=school_list.pk)
    return render(
        request,
        "schools/lists/form.html",
        {
            "form": form,
            "school_list": school_list,
            "municipality": school_list.municipality,
            "back_url": reverse("schools:schoollist_detail", args=[school_list.pk]),
        },
    )


@login_required
def schoollist_delete(request, pk):
    """GET asks to confirm; only a POST deletes."""
    school_list = get_school_list_for_user(request.user, pk, write=True)
    title = school_list_title(school_list)
    if request.method == "POST":
        municipality_id = school_list.municipality_id
        try:
            school_list_delete(school_list=school_list)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("schools:schoollist_detail", pk=pk)
        messages.success(request, f"Список «{title}» удалён.")
        return redirect(f"{reverse('schools:schoollist_list')}?municipality={municipality_id}")
    return render(
        request,
        "schools/lists/confirm_delete.html",
        {"school_list": school_list, "title": title, "n_schools": school_list.entries.count()},
    )


# ------------------------------------------------------------------------------------ entries


def _entry_values(form):
    data = form.cleaned_data
    return {
        "school": data["school"],
        "markers": data["markers"],
        "fioko_cluster": data["fioko_cluster"],
        "trend": data["trend"],
        "objectivity_issue": data["objectivity_issue"],
        "note": data["note"],
    }


@login_required
def schoollistentry_add(request, pk):
    school_list = get_school_list_for_user(request.user, pk, write=True)
    schools = school_choices_for_entry(school_list=school_list)
    form = SchoolListEntryForm(request.POST or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        try:
            entry = school_list_entry_create(school_list=school_list, **_entry_values(form))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"«{entry.school}» добавлена в список.")
            if "save_add" in request.POST:
                return redirect("schools:schoollistentry_add", pk=school_list.pk)
            return redirect("schools:schoollist_detail", pk=school_list.pk)
    return render(
        request,
        "schools/lists/entry_form.html",
        {
            "form": form,
            "school_list": school_list,
            "title": school_list_title(school_list),
            "no_schools_left": not schools.exists(),
        },
    )


@login_required
def schoollistentry_change(request, pk):
    entry = get_school_list_entry_for_user(request.user, pk, write=True)
    school_list = entry.school_list
    form = SchoolListEntryForm(
        request.POST or None, instance=entry, schools=school_choices_for_entry(school_list=school_list, entry=entry)
    )
    if request.method == "POST" and form.is_valid():
        try:
            school_list_entry_update(entry=entry, **_entry_values(form))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Сведения о «{entry.school}» сохранены.")
            return redirect("schools:schoollist_detail", pk=school_list.pk)
    return render(
        request,
        "schools/lists/entry_form.html",
        {"form": form, "school_list": school_list, "entry": entry, "title": school_list_title(school_list)},
    )


@login_required
def schoollistentry_delete(request, pk):
    """GET asks to confirm; only a POST deletes."""
    entry = get_school_list_entry_for_user(request.user, pk, write=True)
    school_list = entry.school_list
    if request.method == "POST":
        school_list_entry_delete(entry=entry)
        messages.success(request, f"«{entry.school}» убрана из списка «{school_list_title(school_list)}».")
        return redirect("schools:schoollist_detail", pk=school_list.pk)
    return render(
        request,
        "schools/lists/entry_confirm_delete.html",
        {"entry": entry, "school_list": school_list, "title": school_list_title(school_list)},
    )


# ------------------------------------------------------------------------------------ matrix


def _matrix(request):
    municipality, options = _municipality(request)
    form = ListMatrixFilterForm(request.GET or None, municipalities=options, list_label=municipality.list_label)
    filters = form.filters()
    matrix = list_matrix(municipality=municipality, filters=filters, user=request.user)
    form.set_years(matrix.list_years)
    return municipality, options, form, matrix


@login_required
def list_matrix_view(request):
    municipality, options, form, matrix = _matrix(request)
    query = request.GET.urlencode()
    return render(
        request,
        "schools/lists/matrix.html",
        {
            "municipality": municipality,
            "form": form,
            "matrix": matrix,
            "export_url": f"{reverse('schools:list_matrix_export')}{'?' + query if query else ''}",
            "lists_url": _with_municipality(reverse("schools:schoollist_list"), municipality, options),
        },
    )


@login_required
def list_matrix_export(request):
    municipality, options, form, matrix = _matrix(request)
    return list_matrix_response(matrix, description=form.describe(municipality=municipality, matrix=matrix))


# ------------------------------------------------------------------------------------ import


@login_required
def schoollist_import_template(request):
    municipality, options = _municipality(request)
    require_manage(request.user, municipality.pk)
    example = next((ref.short_name for ref in school_refs(municipality=municipality)), "БОУ «Калининская СОШ»")
    return import_template_response(example_school=example, list_label=municipality.list_label)


@login_required
def schoollist_import(request):
    """Step 1 (a file): parse, match and show every row. Step 2 (the signed rows): save."""
    municipality, options = _municipality(request)
    require_manage(request.user, municipality.pk)
    context = {
        "municipality": municipality,
        "action_url": _with_municipality(reverse("schools:schoollist_import"), municipality, options),
        "template_url": _with_municipality(reverse("schools:schoollist_import_template"), municipality, options),
        "lists_url": _with_municipality(reverse("schools:schoollist_list"), municipality, options),
    }
    if request.method == "POST" and "payload" in request.POST:
        return _import_confirm(request, municipality, context)
    form = SchoolListImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        return _import_preview(request, municipality, form, context)
    return render(request, "schools/lists/import.html", {**context, "form": form})


def _import_preview(request, municipality, form, context):
    data = form.cleaned_data
    try:
        workbook = open_workbook(data["file"])
    except XlsxError as error:
        form.add_error("file", str(error))
        return render(request, "schools/lists/import.html", {**context, "form": form}, status=400)
    try:
        sheets = workbook_rows(workbook)
    finally:
        workbook.close()
    result = parse_school_list(
        sheets,
        schools=school_refs(municipality=municipality),
        category=data["category"],
        list_label=municipality.list_label,
    )
    existing = school_list_existing(municipality=municipality, year=data["year"], category=data["category"])
    blockers = []
    if existing is not None and not data["replace"]:
        blockers.append(
            f"Список «{school_list_title(existing)}» за {existing.year} год уже есть ({existing.n_schools} ОО). "
            "Отметьте «Заменить состав существующего списка» и загрузите файл ещё раз или выберите другой год или категорию."
        )
    can_save = result.ok and not blockers
    payload = ""
    if can_save:
        payload = signing.dumps(
            {
                "user": request.user.pk,
                "municipality": municipality.pk,
                "year": data["year"],
                "category": data["category"],
                "title": data["title"],
                "source": data["source"],
                "replace": data["replace"],
                "rows": [row.to_payload() for row in result.to_save],
            },
            salt=IMPORT_SALT,
            compress=True,
        )
    title = list_title(municipality=municipality, category=data["category"], year=data["year"], title=data["title"])
    return render(
        request,
        "schools/lists/import_preview.html",
        {
            **context,
            "form": form,
            "result": result,
            "existing": existing,
            "existing_title": school_list_title(existing) if existing is not None else "",
            "blockers": blockers,
            "can_save": can_save,
            "payload": payload,
            "file_name": data["file"].name,
            "list_title": title,
            "category_label": SchoolList.Category(data["category"]).label,
            "year": data["year"],
            "replace": data["replace"],
        },
        status=200 if can_save else 400,
    )


def _import_refused(request, context, errors, initial=None):
    form = SchoolListImportForm(initial=initial)
    return render(request, "schools/lists/import.html", {**context, "form": form, "import_errors": errors}, status=400)


def _import_confirm(request, municipality, context):
    try:
        data = signing.loads(request.POST["payload"], salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)
    except signing.SignatureExpired:
        return _import_refused(request, context, ["Предпросмотр устарел (он действует час): загрузите файл ещё раз."])
    except signing.BadSignature:
        return _import_refused(request, context, ["Данные предпросмотра повреждены или изменены: загрузите файл ещё раз."])
    if data.get("user") != request.user.pk or data.get("municipality") != municipality.pk:
        return _import_refused(
            request, context, ["Предпросмотр сделан другим пользователем или для другого муниципалитета: загрузите файл ещё раз."]
        )
    try:
        school_list = school_list_import(
            municipality=municipality,
            year=data["year"],
            category=data["category"],
            title=data["title"],
            source=data["source"],
            rows=[ParsedRow.from_payload(row) for row in data["rows"]],
            replace=data["replace"],
        )
    except ValidationError as error:
        initial = {key: data[key] for key in ("year", "category", "title", "source", "replace")}
        return _import_refused(request, context, error.messages, initial)
    messages.success(request, f"Список «{school_list_title(school_list)}» сохранён: {len(data['rows'])} ОО.")
    return redirect("schools:schoollist_detail", pk=school_list.pk)
