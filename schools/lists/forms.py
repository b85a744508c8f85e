"""Forms of the yearly lists: a list, a school on it, the matrix filters and the Excel upload."""

from django import forms
from django.utils import timezone

from schools.models import School, SchoolList, SchoolListEntry

from .selectors import LocalityFilter, MatrixFilters, Order, Scope


class SchoolListForm(forms.ModelForm):
    class Meta:
        model = SchoolList
        fields = ["year", "category", "title", "source"]
        widgets = {"source": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "year": "Год, которым список назван в документе: «ПРШ 2022» — 2022.",
            "title": "Как в документе: «ПРШ 2022». Пусто — портал назовёт список сам: «ШНОР 2022».",
            "source": "Документ, из которого взят список: приказ, письмо, раздел плана.",
        }


class SchoolListEntryForm(forms.ModelForm):
    class Meta:
        model = SchoolListEntry
        fields = ["school", "markers", "fioko_cluster", "trend", "objectivity_issue", "note"]
        widgets = {"markers": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"markers": "Причины включения, каждая с новой строки: «низкие результаты ОГЭ по математике два года подряд»."}
        error_messages = {"school": {"required": "Выберите школу.", "invalid_choice": "Этой школы нет среди свободных школ муниципалитета."}}

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["school"].empty_label = "— выберите школу —"
        self.fields["fioko_cluster"].choices = [("", "не указан")] + SchoolListEntry.FiokoCluster.choices
        self.fields["trend"].choices = [("", "не указана")] + SchoolListEntry.Trend.choices

    def clean_markers(self):
        lines = self.cleaned_data["markers"].splitlines()
        return "\n".join(line.strip() for line in lines if line.strip())


YEAR_CHOICE_WIDGET_EMPTY = ("", "—")


class ListMatrixFilterForm(forms.Form):
    """GET filters of the history matrix; an invalid or missing value falls back to the default."""

    municipality = forms.IntegerField(label="Муниципалитет", required=False, widget=forms.Select)
    category = forms.ChoiceField(label="Список", choices=SchoolList.Category.choices, required=False)
    scope = forms.ChoiceField(
        label="Школы",
        choices=[(Scope.ALL, "все школы муниципалитета"), (Scope.LISTED, "только бывавшие в списке")],
        required=False,
    )
    kind = forms.ChoiceField(label="Вид", choices=[("", "любой")] + School.Kind.choices, required=False)
    locality = forms.ChoiceField(
        label="Местность",
        choices=[
            ("", "любая"),
            (LocalityFilter.URBAN, "городская"),
            (LocalityFilter.RURAL, "сельская"),
            (LocalityFilter.SMALL, "малокомплектная"),
        ],
        required=False,
    )
    year_from = forms.IntegerField(label="Годы с", required=False, min_value=2000, max_value=2100, widget=forms.Select)
    year_to = forms.IntegerField(label="по", required=False, min_value=2000, max_value=2100, widget=forms.Select)
    order = forms.ChoiceField(
        label="Порядок",
        choices=[(Order.HISTORY, "по году включения"), (Order.NAME, "по наименованию")],
        required=False,
    )
    names = forms.ChoiceField(label="Наименования", choices=[("short", "краткие"), ("full", "полные")], required=False)

    def __init__(self, *args, municipalities=(), list_label="", **kwargs):
        super().__init__(*args, **kwargs)
        if list_label and list_label != SchoolList.Category.SHNOR.label:
            # The municipality's own name of the list first: «ПРШ (ШНОР)» in Omsk.
            self.fields["category"].choices = [
                (value, f"{list_label} ({label})" if value == SchoolList.Category.SHNOR else label)
                for value, label in SchoolList.Category.choices
            ]
        self.fields["municipality"].widget.choices = [(m.pk, m.name) for m in municipalities]
        self.show_municipality = len(municipalities) > 1
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    def set_years(self, years):
        choices = [YEAR_CHOICE_WIDGET_EMPTY] + [(year, str(year)) for year in years]
        self.fields["year_from"].widget.choices = choices
        self.fields["year_to"].widget.choices = choices

    def describe(self, *, municipality, matrix) -> list[tuple[str, str]]:
        """The filters in words, for the export's notes sheet."""
        filters = matrix.filters

        def label(name, value):
            return dict(self.fields[name].choices).get(value, "")

        years = ", ".join(column.title for column in matrix.columns) or "нет списков"
        return [
            ("Муниципалитет", municipality.name),
            ("Список", label("category", filters.category)),
            ("Годы (столбцы)", years),
            ("Школы", label("scope", filters.scope)),
            ("Вид", label("kind", filters.kind)),
            ("Местность", label("locality", filters.locality)),
            ("Порядок", label("order", filters.order)),
            ("Школ в таблице", str(len(matrix.rows))),
        ]

    def filters(self) -> MatrixFilters:
        data = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data  # the valid fields; an invalid one falls back to its default
        year_from, year_to = data.get("year_from"), data.get("year_to")
        if year_from and year_to and year_from > year_to:
            year_from, year_to = year_to, year_from
        return MatrixFilters(
            category=data.get("category") or SchoolList.Category.SHNOR,
            scope=data.get("scope") or Scope.ALL,
            kind=data.get("kind") or "",
            locality=data.get("locality") or "",
            year_from=year_from,
            year_to=year_to,
            order=data.get("order") or Order.HISTORY,
            full_names=data.get("names") == "full",
        )


class SchoolListImportForm(forms.Form):
    year = forms.IntegerField(
        label="Год списка",
        min_value=2000,
        max_value=2100,
        help_text="Год, которым список назван в документе: «ПРШ 2022» — 2022.",
        error_messages={"required": "Укажите год списка."},
    )
    category = forms.ChoiceField(label="Категория", choices=SchoolList.Category.choices, initial=SchoolList.Category.SHNOR)
    title = forms.CharField(
        label="Название",
        max_length=300,
        required=False,
        help_text="Как в документе: «ПРШ 2023». Пусто — портал назовёт список сам.",
    )
    source = forms.CharField(
        label="Источник",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Документ, из которого взят список.",
    )
    replace = forms.BooleanField(
        label="Заменить состав существующего списка",
        required=False,
        help_text="Если список за этот год и категорию уже есть, его школы будут заменены школами из файла.",
    )
    file = forms.FileField(
        label="Файл Excel (.xlsx)",
        error_messages={"required": "Выберите файл.", "empty": "Файл пустой."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.name.lower().endswith(".xls"):
            raise forms.ValidationError("Это файл старого формата .xls: откройте его в Excel и сохраните как .xlsx.")
        return uploaded
