"""The line above an exported table that says what was filtered and when, in the page's words.

A spreadsheet leaves the portal and is read days later by someone who did not set the filters:
«Отбор: Статус: просрочено; План: …. Выгружено 03.12.2026 в 12:05.»
"""

import datetime

from django import forms

from .dates import format_date

SKIPPED = {"sort", "o", "page", "ordering"}


def _display(field, value) -> str:
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, datetime.date):
        return format_date(value)
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        labels = {str(key): label for key, label in field.choices}
        values = value if isinstance(value, (list, tuple)) else [value]
        return ", ".join(str(labels.get(str(v), v)) for v in values)
    if hasattr(value, "__iter__") and not isinstance(value, str):
        return ", ".join(str(v) for v in value)
    return str(value)


def filter_note(form, *, when: datetime.datetime) -> str:
    parts = []
    if form is not None and form.is_bound and form.is_valid():
        for name, field in form.fields.items():
            value = form.cleaned_data.get(name)
            if name in SKIPPED or value in (None, "", [], ()) or (hasattr(value, "exists") and not value.exists()):
                continue
            parts.append(f"{field.label or name}: {_display(field, value)}")
    chosen = "; ".join(parts) if parts else "все записи"
    return f"Отбор: {chosen}. Выгружено {format_date(when.date())} в {when:%H:%M}."
