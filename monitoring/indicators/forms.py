"""Forms of the plan's indicators: the indicator itself, a column of values, the proposals."""

import re
from decimal import Decimal

from django import forms

from monitoring.models import PlanIndicator
from roadmaps.forms import DATE_WIDGET, VersionedForm

from .selectors import Proposal, ValueRow
from .services import INDICATOR_FIELDS, ValueCell

NUMBER_MESSAGES = {
    "invalid": "Введите число, например 87,5.",
    "decimals": "Не больше двух знаков после запятой.",
    "too_big": "Слишком большое число: не больше 99 999 999,99.",
}
PERCENT_RANGE = "Для единицы «%» целевое значение — от 0 до 100."
NO_COMPARATOR = ""


def parse_decimal(text: str) -> Decimal | None:
    """«87,5», «87.5», «1 250», «87,5 %» → Decimal; empty → None. Russian figures use a comma."""
    text = re.sub(r"[\s\u00a0]", "", text or "").removesuffix("%")
    if not text:
        return None
    if not re.fullmatch(r"[-+]?\d+(?:[.,]\d+)?", text):
        raise forms.ValidationError(NUMBER_MESSAGES["invalid"], code="invalid")
    value = Decimal(text.replace(",", "."))
    # The model keeps 10 digits, 2 of them after the comma.
    if -value.as_tuple().exponent > 2:
        raise forms.ValidationError(NUMBER_MESSAGES["decimals"], code="decimals")
    if abs(value) >= Decimal("100000000"):
        raise forms.ValidationError(NUMBER_MESSAGES["too_big"], code="too_big")
    return value


class DecimalCommaField(forms.CharField):
    """A number as people type it here: decimal comma or point."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        return parse_decimal(super().to_python(value))

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value.normalize():f}".replace(".", ",")
        return value


class IndicatorForm(VersionedForm):
    comparator = forms.ChoiceField(
        label="Условие",
        required=False,
        choices=[(NO_COMPARATOR, "цель не задана"), *PlanIndicator.Comparator.choices],
    )
    target_value = DecimalCommaField(label="Целевое значение", required=False)

    class Meta:
        model = PlanIndicator
        fields = ["name", "kind", "comparator", "target_value", "unit", "per_school"]
        widgets = {"name": forms.Textarea(attrs={"rows": 2})}
        labels = {"name": "Показатель", "kind": "Вид", "unit": "Единица", "per_school": "Значения по школам"}
        help_texts = {
            "name": "Как в документе: «доля педагогов, прошедших КПК».",
            "unit": "«%», «мероприятий», «чел.»; пусто — без единицы.",
        }
        error_messages = {"name": {"required": "Назовите показатель так, как он записан в документе."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.target_value is None:
            self.initial["comparator"] = NO_COMPARATOR

    def clean(self):
        cleaned = super().clean()
        kind, comparator, target = cleaned.get("kind"), cleaned.get("comparator"), cleaned.get("target_value")
        if "target_value" in self.errors:
            return cleaned
        if kind == PlanIndicator.Kind.QUALITATIVE:
            if target is not None:
                self.add_error("target_value", "У качественного показателя нет числового целевого значения: оставьте поле пустым.")
            return cleaned
        if comparator and target is None:
            label = PlanIndicator.Comparator(comparator).label
            self.add_error("target_value", f"Укажите целевое значение для условия «{label}» или выберите «цель не задана».")
        if target is not None and not comparator:
            # A plain figure in a document («100 % педагогов») means exactly that figure.
            cleaned["comparator"] = PlanIndicator.Comparator.EXACTLY
        if target is not None and (cleaned.get("unit") or "").strip() == "%" and not 0 <= target <= 100:
            self.add_error("target_value", PERCENT_RANGE)
        return cleaned

    def service_data(self):
        data = {name: self.cleaned_data[name] for name in INDICATOR_FIELDS}
        data["unit"] = data["unit"].strip()
        if data["target_value"] is None:
            # The model needs a comparator; without a target it compares nothing.
            data["comparator"] = PlanIndicator.Comparator.AT_LEAST
        return data


class IndicatorPeriodForm(forms.Form):
    """The column being entered; read from the query string, so the grid form posts to the same period."""

    start = forms.DateField(label="Период с", widget=DATE_WIDGET, error_messages={"required": "Укажите начало периода."})
    end = forms.DateField(label="по", widget=DATE_WIDGET, error_messages={"required": "Укажите окончание периода."})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("start", "end"):
            self.fields[name].error_messages["invalid"] = "Дата в виде ДД.ММ.ГГГГ, например 31.12.2025."

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", "Окончание периода раньше его начала.")
        return cleaned


TOTAL_LABEL = "Муниципалитет в целом"


class IndicatorValuesForm(forms.Form):
    """One column of the grid: a value and a comment per school (or the total), with the loaded versions."""

    def __init__(self, *args, rows: list[ValueRow], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            stored = row.value
            self.fields[f"value_{row.key}"] = DecimalCommaField(
                label=row.school.short_name if row.school else TOTAL_LABEL,
                required=False,
                initial=stored.value if stored else None,
            )
            self.fields[f"note_{row.key}"] = forms.CharField(
                label="Комментарий", required=False, initial=stored.note if stored else "", max_length=2000
            )
            self.fields[f"version_{row.key}"] = forms.IntegerField(
                widget=forms.HiddenInput, required=False, initial=stored.version if stored else None
            )

    def clean(self):
        cleaned = super().clean()
        # No range check on values: a dynamics in % may be negative or above 100
        # («положительная динамика … (не менее 20 %)», 001 п. 1.7).
        for row in self.rows:
            if cleaned.get(f"note_{row.key}", "").strip() and cleaned.get(f"value_{row.key}") is None and f"value_{row.key}" not in self.errors:
                self.add_error(f"value_{row.key}", "Укажите значение: комментарий без значения не сохраняется.")
        return cleaned

    def cells(self) -> list[ValueCell]:
        return [
            ValueCell(
                key=row.key,
                school=row.school,
                value=self.cleaned_data[f"value_{row.key}"],
                note=self.cleaned_data[f"note_{row.key}"].strip(),
                version=self.cleaned_data[f"version_{row.key}"],
            )
            for row in self.rows
        ]

    def grid(self):
        """(row, value field, note field, version field) for the template, in the rows' order."""
        return [(row, self[f"value_{row.key}"], self[f"note_{row.key}"], self[f"version_{row.key}"]) for row in self.rows]

    def add_cell_errors(self, error):
        """Put the service's refusal next to the cells it names (or above the grid)."""
        if hasattr(error, "error_dict"):
            for key, messages in error.message_dict.items():
                self.add_error(f"value_{key}" if f"value_{key}" in self.fields else None, messages)
        else:
            self.add_error(None, error)

    def cell_errors(self) -> list[str]:
        """«School: message» for the summary above the grid, so a long grid names its bad cells."""
        return [
            f"{field.label}: {' '.join(field.errors)}"
            for row, field, note, version in self.grid()
            if field.errors
        ]


class IndicatorProposalForm(forms.Form):
    """Which of the proposed indicators to create, and whether each one is counted per school."""

    def __init__(self, *args, proposals: list[Proposal], **kwargs):
        super().__init__(*args, **kwargs)
        self.proposals = [p for p in proposals if not p.exists]
        for proposal in self.proposals:
            self.fields[f"take_{proposal.key}"] = forms.BooleanField(label="Создать", required=False, initial=True)
            self.fields[f"per_school_{proposal.key}"] = forms.BooleanField(
                label="по школам", required=False, initial=proposal.per_school
            )

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(f"take_{p.key}") for p in self.proposals):
            raise forms.ValidationError("Отметьте хотя бы один показатель.", code="empty")
        return cleaned

    def chosen(self) -> list[tuple[Proposal, bool]]:
        return [(p, self.cleaned_data[f"per_school_{p.key}"]) for p in self.proposals if self.cleaned_data[f"take_{p.key}"]]

    def rows(self):
        return [(p, self[f"take_{p.key}"], self[f"per_school_{p.key}"]) for p in self.proposals]
