"""Upload a signed order from Word: upload → preview of everything read → one atomic save (coordinator only).

As the plan import (roadmaps/views/imports.py), the preview carries what was read as a signed
payload (django.core.signing, one hour): the confirmation saves exactly what the coordinator saw.
Its nonce becomes Order.import_token, so a preview makes one order at most, in any session.
"""

import io
import re
import uuid
from datetime import date

import docx
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from roadmaps.importers import ParsedPlan
from schnor_portal.dates import format_date
from schnor_portal.previews import PreviewRefused, preview_load
from schools.access import managed_municipality
from schools.models import School

from ..forms import OrderImportForm
from ..importers import (
    OrderFileError, ParsedAppendix, ParsedApproval, ParsedMember, ParsedOrder, ParsedPoint, ParsedVoid,
)
from ..order_import import (
    KIND, NEW, ImportChoices, OrderAlreadyImported, order_file_parse, order_import, order_import_check,
    order_import_existing,
)

IMPORT_SALT = "reports.order_import"
IMPORT_MAX_AGE = 60 * 60
UNRECOGNISED = "не распознано: "
APPENDIX_KINDS = {
    "plan": "план (сохранится черновиком плана)",
    "working_group": "состав рабочей группы",
    "schools": "список школ (сохранится текстом приложения)",
    "other": "текст",
}
KIND_LABELS = {"приказ": "Приказ", "распоряжение": "Распоряжение", "постановление": "Постановление"}
# Warnings of the parser that name their own place.
PLACED = (
    ("Не найдено слово", "Реквизиты"), ("Дата документа", "Реквизиты"), ("Номер документа", "Реквизиты"),
    ("Подпись", "Подпись"), ("Пункты документа", "Пункты"), ("Текста самого документа", "Файл"),
)


# --- the payload: ParsedOrder to JSON and back ----------------------------------------------------

def _dump(parsed: ParsedOrder) -> dict:
    data = parsed.contract()
    data["has_order_text"] = parsed.has_order_text
    for appendix, saved in zip(parsed.appendices, data["appendices"]):
        saved["plan"] = appendix.plan.to_dict() if appendix.plan is not None else None
        saved.update(
            text=appendix.text, caption_kind=appendix.caption_kind, caption_number=appendix.caption_number,
            caption_date=appendix.caption_date, caption_authority=appendix.caption_authority,
        )
    return data


def _load(data: dict) -> ParsedOrder:
    return ParsedOrder(
        authority=list(data["authority"]), kind=data["kind"], number=data["number"], date=data["date"],
        place=data["place"], title=data["title"], preamble=data["preamble"], operative_word=data["operative_word"],
        points=[ParsedPoint(**p) for p in data["points"]],
        signatory_position=data["signatory"]["position"], signatory_name=data["signatory"]["name"],
        appendices=[
            ParsedAppendix(
                **{k: v for k, v in a.items() if k not in ("approval", "members", "plan")},
                approval=[ParsedApproval(**x) for x in a["approval"]],
                members=[ParsedMember(**m) for m in a["members"]],
                plan=ParsedPlan.from_dict(a["plan"]) if a["plan"] is not None else None,
            )
            for a in data["appendices"]
        ],
        voids=[ParsedVoid(**v) for v in data["voids"]],
        warnings=list(data["warnings"]),
        has_order_text=data["has_order_text"],
    )


# --- the preview ----------------------------------------------------------------------------------

def _clean(text: str) -> str:
    return " ".join(text.split())


def _document_lines(data: bytes) -> list[str]:
    """The file's paragraphs and table cells in document order, to say where a warning's text stands."""
    document = docx.Document(io.BytesIO(data))
    lines = []
    for item in document.iter_inner_content():
        if isinstance(item, docx.table.Table):
            for row in item.rows:
                lines.extend(_clean(cell.text) for cell in row.cells if cell.text.strip())
        elif item.text.strip():
            lines.append(_clean(item.text))
    return lines


def _appendix_label(number) -> str:
    return f"Приложение № {number}" if number else "Приложение"


def _warning_places(lines, parsed: ParsedOrder, appendices) -> list[tuple[str, str]]:
    """Each parser warning with its place: a requisite, the order's text, or the appendix it stands in.

    The parser keeps no positions: an «не распознано: …» text is looked up among the file's lines,
    and the appendices start where their captions (or stamps) stand, in order.
    """
    starts, at = [], 0
    signature = next((i for i, line in enumerate(lines) if parsed.signatory_name and line.endswith(parsed.signatory_name)), 0)
    for entry in appendices:
        found = next(
            (i for i in range(max(at, signature), len(lines)) if re.match(r"(Приложение|УТВЕРЖД|СОГЛАСОВАН)", lines[i], re.IGNORECASE)),
            None,
        )
        if found is None:
            break
        starts.append((found, _appendix_label(entry["number"])))
        at = found + 1
        # Stamps and the caption are one block: skip to the line after the last of them.
        while at < len(lines) and re.match(r"(Приложение|УТВЕРЖД|СОГЛАСОВАН|к (приказу|распоряжению|постановлению))", lines[at], re.IGNORECASE):
            at += 1
    placed = []
    for warning in parsed.warnings:
        place = next((where for prefix, where in PLACED if warning.startswith(prefix)), None)
        if place is None:
            text = _clean(warning.removeprefix(UNRECOGNISED))
            probe = text.split(" | ")[0].split("; ")[0][:80]
            index = next((i for i, line in enumerate(lines) if probe and (probe in line or line in text)), None)
            place = "Текст приказа"
            if index is not None:
                for start, label in starts:
                    if index >= start:
                        place = label
                if index > signature and (not starts or index < starts[0][0]) and parsed.has_order_text:
                    place = "После подписи"
        placed.append((place, warning))
    return placed


def _save_warnings(parsed: ParsedOrder, check) -> list[tuple[str, str]]:
    """What order_import will add to the parser's warnings, with the same wording."""
    found = []
    if parsed.kind == "постановление":
        found.append(("Вид документа", "Постановление сохранится как распоряжение: в портале два вида документа."))
    seen = set()
    for point in parsed.points:
        if point.number in seen:
            found.append((f"Пункт {point.number}", "Пункт повторяется: его текст добавится к предыдущему пункту с этим номером."))
        seen.add(point.number)
    for entry in check["voids"]:
        if entry["order"] is None:
            void = entry["void"]
            found.append(
                ("Признать утратившим силу", f"Документ № {void.number} от {entry['date_label']} не найден в портале: отметка «утратил силу» не будет связана.")
            )
    for entry in check["appendices"]:
        label = _appendix_label(entry["number"])
        if entry["appendix"].plan is not None:
            found.extend((f"{label}, план", w) for w in entry["appendix"].plan.warnings)
        found.extend((label, f"Школа «{s['name']}» не найдена в реестре муниципалитета.") for s in entry["schools"] if not s["school"])
    return found


def _plan_rows(plan: ParsedPlan):
    rows = []
    for index, section in enumerate(plan.sections):
        rows.append({"kind": "section", "depth": plan.depth(index), "section": section})
        rows.extend({"kind": "activity", "activity": a} for a in section.activities)
    return rows


def _choices(post, parsed: ParsedOrder) -> ImportChoices:
    """The preview's corrections as sent; only keys of this payload count, the pks are checked on save.

    A point's select always comes with the page: its value is the match shown, or what the
    coordinator picked ("" = nobody). A member's select sends "" to keep the match shown.
    """
    choices = ImportChoices()
    for index in range(len(parsed.points)):
        value = post.get(f"responsible-{index}")
        if value is not None:
            choices.responsible[index] = value
    for a, appendix in enumerate(parsed.appendices):
        for m in range(len(appendix.members)):
            value = post.get(f"member-{a}-{m}", "")
            if value:
                choices.members[f"{a}-{m}"] = value
        for s in range(len(appendix.schools)):
            if post.get(f"create-school-{a}-{s}"):
                choices.create_schools[f"{a}-{s}"] = post.get(f"locality-{a}-{s}", "")
    return choices


def _form_page(request, municipality, form, errors=(), status=200):
    return render(
        request,
        "reports/order_import.html",
        {"form": form, "municipality": municipality, "import_errors": list(errors)},
        status=status,
    )


@login_required
def order_import_upload(request):
    municipality = managed_municipality(request.user)
    form = OrderImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _form_page(request, municipality, form, status=400 if request.method == "POST" else 200)
    upload = form.cleaned_data["file"]
    data = upload.read()
    try:
        parsed = order_file_parse(data=data)
    except OrderFileError as error:
        form.add_error("file", str(error))
        return _form_page(request, municipality, form, status=400)
    check = order_import_check(municipality=municipality, parsed=parsed)
    for entry in check["voids"]:
        when = entry["void"].date or ""
        entry["date_label"] = format_date(date.fromisoformat(when)) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", when) else when
    for entry in check["appendices"]:
        appendix = entry["appendix"]
        entry.update(
            label=_appendix_label(entry["number"]),
            kind_label=APPENDIX_KINDS.get(appendix.kind, "текст"),
            plan_rows=_plan_rows(appendix.plan) if appendix.plan is not None else [],
            plan_sections=len(appendix.plan.sections) if appendix.plan is not None else 0,
            plan_activities=appendix.plan.activity_count if appendix.plan is not None else 0,
            schools_matched=sum(1 for s in entry["schools"] if s["school"]),
        )
    try:
        lines = _document_lines(data)
    except Exception:  # the parser read it; a place is a help, not a condition
        lines = []
    placed = _warning_places(lines, parsed, check["appendices"])
    warnings = placed + _save_warnings(parsed, check)
    payload = signing.dumps(
        {
            "user": request.user.pk,
            "municipality": municipality.pk,
            "nonce": uuid.uuid4().hex,
            "file_name": upload.name,
            "parsed": _dump(parsed),
            # The parser's warnings with their places: the saved order keeps them as its note.
            "note": [list(pair) for pair in placed],
        },
        salt=IMPORT_SALT,
        compress=True,
    )
    people = sorted(check["people"], key=lambda p: (p.last_name.lower(), p.first_name, p.middle_name))
    return render(
        request,
        "reports/order_import_preview.html",
        {
            "municipality": municipality,
            "file_name": upload.name,
            "parsed": parsed,
            "kind_label": KIND_LABELS.get(parsed.kind, "Вид документа не определён"),
            "order_date": date.fromisoformat(parsed.date) if parsed.date else None,
            # What order_import saves as the title when the file has none: the first appendix's.
            "saved_title": parsed.title or next((a.title for a in parsed.appendices if a.title), ""),
            "saved_kind": KIND.get(parsed.kind),
            "check": check,
            "warnings": warnings,
            "payload": payload,
            "people": people,
            "new": NEW,
            "localities": School.Locality.choices,
        },
    )


@login_required
@require_POST
def order_import_confirm(request):
    municipality = managed_municipality(request.user)
    try:
        data = preview_load(
            request.POST.get("payload", ""), user=request.user, municipality=municipality, salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE
        )
    except PreviewRefused as refused:
        return _form_page(request, municipality, OrderImportForm(), [refused.message], refused.status)
    parsed = _load(data["parsed"])
    note = [tuple(pair) for pair in data.get("note", [])]
    try:
        result = order_import(
            municipality=municipality, parsed=parsed, user=request.user, token=data["nonce"],
            choices=_choices(request.POST, parsed), note=note,
        )
    except OrderAlreadyImported as done:  # the button pressed twice, or the preview sent again
        messages.info(request, "Этот документ уже создан из загруженного файла: повторное подтверждение ничего не добавило.")
        return redirect("reports:order_detail", pk=done.order.pk)
    except ValidationError as error:
        existing = order_import_existing(municipality=municipality, parsed=parsed)
        errors = error.messages
        if existing is not None:  # made by hand, or from another preview, since this preview was shown
            errors = [
                f"В портале уже есть {existing} «{existing.title[:100]}»: загруженный файл не сохранён. "
                "Предпросмотр больше не соответствует данным портала."
            ]
        return _form_page(request, municipality, OrderImportForm(), errors, 400)
    order = result.order
    messages.success(
        request,
        f"Проект документа создан: пунктов — {order.points.count()} (на контроле — {result.controlled_points}), "
        f"приложений — {order.appendices.count()}, планов-черновиков — {len(result.plans)}, рабочих групп — "
        f"{len(result.working_groups)} (новых людей — {result.people_created}), "
        f"новых школ в реестре — {len(result.schools_created)}. Подписывает документ председатель в портале.",
    )
    return redirect("reports:order_detail", pk=order.pk)
