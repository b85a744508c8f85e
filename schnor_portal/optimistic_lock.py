"""The version an edit was made from, carried by every form that changes a versioned row.

A save whose version is older than the row's is refused (the services compare them under a row
lock); a save that carries no version at all is refused the same way, or leaving the field out
of a request would skip the check.
"""

from django import forms

MISSING_VERSION = (
    "Не удалось проверить, что данные не изменились, пока страница была открыта: обновите страницу и "
    "повторите действие. Ничего не сохранено."
)


class VersionField(forms.IntegerField):
    """A hidden version; required whenever the form edits an existing row."""

    widget = forms.HiddenInput
    default_error_messages = {"required": MISSING_VERSION, "invalid": MISSING_VERSION}

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 0)
        super().__init__(**kwargs)


def require_version_for(form: forms.BaseForm, instance, name: str = "version") -> None:
    """Set the loaded version and make it required when `instance` already exists."""
    if instance is not None and instance.pk:
        form.fields[name].initial = instance.version
        form.fields[name].required = True


def posted_version(data) -> int | None:
    """The version a plain POST (no form) carries, or None when it carries none or garbage."""
    value = (data.get("version") or "").strip()
    return int(value) if value.isdigit() else None


class VersionErrorsOnTop:
    """Form mixin: a hidden field shows no error beside it, so the version's goes above the form."""

    def clean(self):
        cleaned = super().clean()
        if "version" in self._errors:
            self.add_error(None, list(self._errors.pop("version")))
        return cleaned
