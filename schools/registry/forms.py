"""Forms of the schools registry. Labels come from the models' verbose names; messages are Russian.

The model's own `clean` runs through the ModelForm, so its messages land next to their fields.
"""

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import Person, PersonRole
from schnor_portal.dates import format_date, school_year_label
from schools.models import CuratorAssignment, Level, School, SchoolYearData, SocialPassport

FIRST_SCHOOL_YEAR = 2000


class RuDateInput(forms.DateInput):
    """A date typed as the portal shows it everywhere: 04.04.2023."""

    input_type = "text"

    def __init__(self, attrs=None):
        attrs = {"placeholder": "ДД.ММ.ГГГГ", "inputmode": "numeric", "autocomplete": "off", **(attrs or {})}
        super().__init__(attrs=attrs, format="%d.%m.%Y")


def current_school_year(today: datetime.date) -> int:
    """The school year under way: it starts on 1 September."""
    return today.year if today.month >= 9 else today.year - 1


def school_year_choices(today: datetime.date):
    """School years from the next one back to 2000, newest first: «2025/2026»."""
    return [(year, school_year_label(year)) for year in range(current_school_year(today) + 1, FIRST_SCHOOL_YEAR - 1, -1)]


def _fieldset(title, *fields):
    # crispy prints the legend as is: titles here are constants, never user input.
    return Fieldset(f'<span class="fs-5">{title}</span>', *fields)


def _col(*fields, width="col-md"):
    return [Column(name, css_class=width) for name in fields]


class GuardedModelForm(forms.ModelForm):
    """A change form that refuses to overwrite a change saved since the form was opened.

    The models keep no version field, but every save leaves a history record: the hidden
    `loaded_at` carries the time of the latest one the user saw, and a newer one at save time
    means someone else saved in between (the view holds a row lock while it checks and saves).
    """

    conflict_subject = "Карточку"
    loaded_at = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, last_change=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.last_change = last_change
        self.fields["loaded_at"].initial = last_change.history_date.isoformat() if last_change else ""
        self.has_conflict = False

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk and self.last_change is not None:
            try:
                loaded_at = parse_datetime(cleaned_data.get("loaded_at") or "")
            except ValueError:
                loaded_at = None
            if loaded_at is None or loaded_at < self.last_change.history_date:
                # On the hidden field: the page shows it above the form with a link to the
                # current version, instead of a generic error list.
                self.has_conflict = True
                self.add_error("loaded_at", ValidationError(self._conflict_message(), code="conflict"))
        return cleaned_data

    def _conflict_message(self):
        change = self.last_change
        who = change.history_user.display_name if change.history_user else "без имени"
        when = timezone.localtime(change.history_date).strftime("%d.%m.%Y в %H:%M")
        return (
            f"{self.conflict_subject} уже изменил другой пользователь ({who}, {when}). "
            "Обновите страницу: ваши изменения не сохранены."
        )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} — {obj.position}" if obj.position else obj.full_name


def _formfield(db_field, **kwargs):
    if isinstance(db_field, models.URLField):
        # Schools type «school.ru»: read it as https, as Django 6 will.
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class SchoolForm(GuardedModelForm):
    class Meta:
        model = School
        formfield_callback = _formfield
        fields = [
            "short_name", "full_name", "abbreviation", "kind", "branch_of", "locality", "is_small", "settlement",
            "distance_to_centre_km", "director", "address", "phone", "email", "website", "note",
        ]
        field_classes = {"director": PersonChoiceField}
        widgets = {"full_name": forms.Textarea(attrs={"rows": 2}), "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.municipality = municipality
        # A head school is never a branch itself: that also keeps two schools from being each
        # other's branch, which the model does not check. The current value stays choosable.
        self.fields["branch_of"].queryset = School.objects.filter(municipality=municipality).filter(
            Q(branch_of__isnull=True) | Q(pk=self.instance.branch_of_id)
        ).order_by("short_name")
        self.fields["branch_of"].empty_label = "не филиал"
        self.fields["director"].queryset = Person.objects.filter(municipality=municipality).order_by(
            "last_name", "first_name", "middle_name"
        )
        self.fields["director"].empty_label = "не указан"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            _fieldset(
                "Наименование",
                Row(*_col("short_name", width="col-md-8"), *_col("abbreviation", width="col-md-4")),
                "full_name",
            ),
            _fieldset(
                "Вид и местность",
                Row(*_col("kind", "branch_of")),
                Row(*_col("locality", "settlement", "distance_to_centre_km")),
                "is_small",
            ),
            _fieldset(
                "Руководитель и контакты",
                "director",
                "address",
                Row(*_col("phone", "email", "website")),
            ),
            "note",
            "loaded_at",
        )

    def clean_short_name(self):
        short_name = self.cleaned_data["short_name"].strip()
        taken = School.objects.filter(municipality=self.instance.municipality, short_name=short_name)
        if taken.exclude(pk=self.instance.pk).exists():
            raise ValidationError("Школа с таким кратким наименованием в муниципалитете уже есть.")
        return short_name


def _year_field(form, today):
    field = forms.TypedChoiceField(
        label="Учебный год", coerce=int, choices=school_year_choices(today), initial=current_school_year(today)
    )
    if form.instance.pk and form.instance.year not in dict(field.choices):
        field.choices = [(form.instance.year, school_year_label(form.instance.year)), *field.choices]
    return field


class YearUniqueMixin:
    """A school has one record per school year (the model's constraint, checked before saving)."""

    def clean_year(self):
        year = self.cleaned_data["year"]
        taken = type(self.instance).objects.filter(school=self.instance.school, year=year)
        if taken.exclude(pk=self.instance.pk).exists():
            raise ValidationError(self.year_taken_message % {"year": school_year_label(year)})
        return year


class SchoolYearDataForm(YearUniqueMixin, GuardedModelForm):
    conflict_subject = "Эти данные"
    year_taken_message = "Данные за %(year)s учебный год уже есть: откройте их в карточке школы и измените."

    class Meta:
        model = SchoolYearData
        exclude = ["school"]
        localized_fields = [
            "social_pedagogue_rate", "psychologist_rate", "speech_therapist_rate", "defectologist_rate",
            "weekly_load_hours",
        ]
        widgets = {"context_note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, school, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.school = school
        self.fields["year"] = _year_field(self, today)
        for name in ("deficit_staff", "deficit_infrastructure", "deficit_transport"):
            self.fields[name].choices = [("", "не оценён"), *Level.choices]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("year", css_class="col-md-4")),
            _fieldset("Контингент", Row(*_col("pupils_total", "pupils_grade9", "pupils_grade11", "pupils_transported"))),
            _fieldset(
                "Кадры",
                Row(*_col("pedagogues_total", "teachers_total", "weekly_load_hours")),
                Row(*_col("category_highest", "category_first", "category_conformity", "category_none")),
                Row(*_col("social_pedagogue_rate", "psychologist_rate", "speech_therapist_rate", "defectologist_rate")),
            ),
            _fieldset(
                "Контекстные дефициты",
                Row(*_col("deficit_staff", "deficit_infrastructure", "deficit_transport")),
                "is_resilient",
                "context_note",
            ),
            "loaded_at",
        )


class SocialPassportForm(YearUniqueMixin, GuardedModelForm):
    conflict_subject = "Социальный паспорт"
    year_taken_message = "Социальный паспорт за %(year)s учебный год уже есть: откройте его в карточке школы и измените."

    class Meta:
        model = SocialPassport
        exclude = ["school"]

    def __init__(self, *args, school, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.school = school
        self.fields["year"] = _year_field(self, today)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("year", css_class="col-md-4")),
            _fieldset(
                "Дети",
                Row(*_col("children_total", "large_families", "single_parent", "low_income")),
                Row(*_col("dysfunctional", "dysfunctional_note", "school_register", "guardianship")),
                Row(*_col("disabilities", "other_native_language")),
            ),
            _fieldset(
                "Образование родителей",
                Row(*_col("parents_higher", "parents_vocational", "parents_secondary", "parents_basic")),
            ),
            "loaded_at",
        )


class CuratorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if obj.is_curator:
            return f"{obj.full_name} — куратор"
        return f"{obj.full_name} — {obj.position}" if obj.position else obj.full_name


class CuratorAssignmentForm(forms.ModelForm):
    class Meta:
        model = CuratorAssignment
        fields = ["curator", "start_date", "end_date"]
        field_classes = {"curator": CuratorChoiceField}
        widgets = {"start_date": RuDateInput, "end_date": RuDateInput}
        help_texts = {"end_date": "Пусто — закрепление действует, пока его не завершат."}

    def __init__(self, *args, school, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.school = school
        # People named as curators in the municipality's documents come first; anyone else of
        # the municipality can still be chosen (a new curator may have no role recorded yet).
        self.fields["curator"].queryset = (
            Person.objects.filter(municipality_id=school.municipality_id)
            .annotate(
                is_curator=Exists(PersonRole.objects.filter(person=OuterRef("pk"), kind=PersonRole.Kind.CURATOR))
            )
            .order_by("-is_curator", "last_name", "first_name", "middle_name")
        )
        self.fields["curator"].empty_label = "выберите человека"
        self.fields["start_date"].required = True
        self.fields["start_date"].initial = today
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "curator",
            Row(Column(Field("start_date"), css_class="col-md-6"), Column(Field("end_date"), css_class="col-md-6")),
        )

    def clean(self):
        cleaned_data = super().clean()
        curator, start, end = (cleaned_data.get(name) for name in ("curator", "start_date", "end_date"))
        if curator and start and not (end and end < start):
            overlapping = CuratorAssignment.objects.filter(school=self.instance.school, curator=curator).filter(
                Q(end_date__isnull=True) | Q(end_date__gte=start)
            )
            if end:
                overlapping = overlapping.filter(Q(start_date__isnull=True) | Q(start_date__lte=end))
            existing = overlapping.exclude(pk=self.instance.pk).first()
            if existing:
                period = " ".join(
                    part
                    for part in (
                        f"с {format_date(existing.start_date)}" if existing.start_date else "",
                        f"по {format_date(existing.end_date)}" if existing.end_date else "",
                    )
                    if part
                )
                self.add_error("curator", f"Этот куратор уже закреплён за школой на эти даты ({period or 'без срока'}).")
        return cleaned_data


class SchoolRegisterImportForm(forms.Form):
    year = forms.TypedChoiceField(
        label="Учебный год для числа обучающихся",
        coerce=int,
        help_text="Число обучающихся из файла запишется в данные школы за этот учебный год.",
    )
    file = forms.FileField(
        label="Файл Excel (.xlsx)",
        error_messages={"required": "Выберите файл.", "empty": "Файл пустой."},
    )

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        today = today or timezone.localdate()
        self.fields["year"].choices = school_year_choices(today)
        self.fields["year"].initial = current_school_year(today)

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.name.lower().endswith(".xls"):
            raise ValidationError("Это файл старого формата .xls: откройте его в Excel и сохраните как .xlsx.")
        return uploaded
