"""The approval stamps of one appendix, edited together: a formset of rows the coordinator adds to,
changes and removes, as the source document has them (УТВЕРЖДАЮ, СОГЛАСОВАНО, УТВЕРЖДЕН приказом …)."""

from django import forms

from .models import AppendixApproval


class AppendixApprovalForm(forms.ModelForm):
    # Typed as printed («20.03.2025») or chosen in the browser's date picker (ISO): both are read.
    date = forms.DateField(
        label="Дата", required=False, input_formats=["%d.%m.%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Пусто — в печати останется строка для даты от руки.",
    )

    class Meta:
        model = AppendixApproval
        fields = ["position", "word", "position_text", "name", "date", "date_text"]
        widgets = {
            "position": forms.NumberInput(attrs={"min": 1, "style": "width: 5rem"}),
            "position_text": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        cleaned = super().clean()
        if self.cleaned_data.get("DELETE"):
            return cleaned
        if not (cleaned.get("position_text", "").strip() or cleaned.get("name", "").strip()):
            raise forms.ValidationError("Укажите должность или имя: гриф без них ничего не удостоверяет.")
        if cleaned.get("date") and cleaned.get("date_text", "").strip():
            raise forms.ValidationError("Укажите дату или дату как написано, а не обе сразу.")
        return cleaned


class BaseAppendixApprovalFormSet(forms.BaseModelFormSet):
    def clean(self):
        super().clean()
        positions = [
            form.cleaned_data.get("position")
            for form in self.forms
            if form.has_changed() or form.instance.pk
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if len([p for p in positions if p]) != len({p for p in positions if p}):
            raise forms.ValidationError("У двух грифов один и тот же порядковый номер.")


AppendixApprovalFormSet = forms.modelformset_factory(
    AppendixApproval, form=AppendixApprovalForm, formset=BaseAppendixApprovalFormSet, extra=1, can_delete=True
)
