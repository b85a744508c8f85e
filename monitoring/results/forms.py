"""The results import form: the file, and what to assume for tables that do not say it."""

from django import forms

from monitoring.models import Procedure
from schnor_portal.xlsx import MAX_UPLOAD_BYTES

GRADE_CHOICES = [("", "обычный для процедуры (ЕГЭ — 11, ОГЭ — 9)")] + [(str(g), f"{g} класс") for g in range(1, 12)]


class ResultImportForm(forms.Form):
    file = forms.FileField(
        label="Файл Excel (.xlsx)",
        help_text=f"Шаблон портала или таблица «школа × предмет × год», как в документах; до {MAX_UPLOAD_BYTES // (1024 * 1024)} МБ.",
        error_messages={"required": "Выберите файл.", "empty": "Файл пустой.", "invalid": "Файл не получен: выберите его ещё раз."},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    procedure = forms.ChoiceField(
        label="Процедура, если в файле она не указана",
        choices=Procedure.choices,
        initial=Procedure.EGE,
        help_text="Для таблиц «школа × предмет × год» и строк шаблона с пустой «Процедурой». "
        "Заголовок над таблицей («Результаты ОГЭ») или название листа («ОГЭ») важнее.",
    )
    grade = forms.TypedChoiceField(
        label="Класс, если в файле он не указан",
        choices=GRADE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Для ВПР, РДР и диагностик выберите класс, если в файле нет столбца «Класс» или подписи «5 класс» над таблицей.",
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.name.lower().endswith(".xls"):
            raise forms.ValidationError("Это файл старого формата .xls: откройте его в Excel и сохраните как .xlsx.")
        return uploaded
