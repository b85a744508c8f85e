"""The results register's FilterSet: one for the page and its export.

Applied by `results_register.result_filter_for_user` over the results of the user's visible
schools. The subject and year choices are the ones present, read in one query and only when the
panel is drawn or a value is checked.
"""

from collections import defaultdict
from functools import reduce
from operator import or_

import django_filters
from django import forms
from django.db.models import Case, F, Q, Value, When

from accounts.models import Role
from monitoring.models import ExamResult, Procedure
from schools.access import visible_schools

from .subjects import SUBJECTS, scale_for, subject_order

YES_NO = [("yes", "да"), ("no", "нет")]
GRADES = [(g, f"{g} класс") for g in range(1, 12)]

# Keeps the source tables' order: subjects as listed there, procedures as declared.
SUBJECT_RANK = Case(*(When(subject=name, then=Value(i)) for i, name in enumerate(SUBJECTS)), default=Value(len(SUBJECTS)))
PROCEDURE_RANK = Case(*(When(procedure=code, then=Value(i)) for i, code in enumerate(Procedure.values)), default=Value(99))


def below_threshold_q() -> Q | None:
    """The rows `subjects.is_below_threshold` marks, as one condition the database can apply.

    Built from `scale_for`, so the filter and the marks on the page cannot disagree: per procedure,
    the subjects whose threshold differs from the procedure's usual one get a clause of their own.
    """
    clauses = []
    for procedure in Procedure.values:
        usual = scale_for(procedure, "").threshold
        special = defaultdict(list)
        for subject in SUBJECTS:
            threshold = scale_for(procedure, subject).threshold
            if threshold != usual:
                special[threshold].append(subject)
        for threshold, subjects in special.items():
            if threshold is not None:
                clauses.append(Q(procedure=procedure, subject__in=subjects, average_score__lt=threshold))
        if usual is not None:
            clause = Q(procedure=procedure, average_score__lt=usual)
            named = [subject for subjects in special.values() for subject in subjects]
            clauses.append(clause & ~Q(subject__in=named) if named else clause)
    return reduce(or_, clauses) if clauses else None


BELOW_THRESHOLD = below_threshold_q()


class ResultOrderingFilter(django_filters.OrderingFilter):
    """Sort by a column; the register's own order then settles ties, ending with the key, so pages are stable."""

    COLUMNS = {
        "school": ("school__short_name", "school_id"),
        "procedure": ("procedure_rank",),
        "subject": ("subject_rank", "subject"),
        "grade": ("grade",),
        "year": ("year",),
        "score": ("average_score",),
    }
    DEFAULT = ("school__short_name", "school_id", "procedure_rank", "grade", "subject_rank", "subject", "year", "pk")

    def filter(self, qs, value):
        ordering = []
        for param in value or ():
            if param in django_filters.constants.EMPTY_VALUES:
                continue
            descending = param.startswith("-")
            for name in self.COLUMNS.get(param.lstrip("-"), ()):
                ordering.append(F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True))
        return qs.order_by(*ordering, *self.DEFAULT)


class ResultFilter(django_filters.FilterSet):
    school = django_filters.ModelChoiceFilter(label="ОО", queryset=None, empty_label="любая")
    procedure = django_filters.ChoiceFilter(label="Процедура", choices=Procedure.choices, empty_label="любая")
    subject = django_filters.ChoiceFilter(label="Предмет", empty_label="любой")
    grade = django_filters.TypedChoiceFilter(label="Класс", choices=[("", "любой"), *GRADES], coerce=int, empty_value=None)
    year = django_filters.TypedChoiceFilter(label="Год", coerce=int, empty_value=None)
    below = django_filters.ChoiceFilter(label="Ниже порога", choices=YES_NO, empty_label="все", method="filter_below")
    sort = ResultOrderingFilter(
        label="Сортировка",
        fields=(("school", "school"), ("procedure", "procedure"), ("subject", "subject"), ("grade", "grade"), ("year", "year"), ("score", "score")),
    )

    FILTER_NAMES = ("school", "procedure", "subject", "grade", "year", "below")  # the panel's, not the sorting

    class Meta:
        model = ExamResult
        fields = []

    def __init__(self, data=None, queryset=None, *, user, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.user = user
        self._facets = None
        if user.is_authenticated and user.role == Role.DIRECTOR:
            # A director sees one school: neither a choice of schools nor a column of them.
            del self.filters["school"]
        else:
            self.filters["school"].queryset = visible_schools(user).order_by("short_name", "pk")
        self.filters["subject"].extra["choices"] = self._subject_choices
        self.filters["year"].extra["choices"] = self._year_choices
        for form_field in self.form.fields.values():
            css = "form-select form-select-sm" if isinstance(form_field.widget, forms.Select) else "form-control form-control-sm"
            form_field.widget.attrs.setdefault("class", css)

    def _read_facets(self):
        # One query for both lists, on the first pass over either (validation or rendering).
        if self._facets is None:
            pairs = list(
                ExamResult.objects.filter(school__in=visible_schools(self.user))
                .order_by()  # the model's ordering would join schools and widen DISTINCT
                .values_list("subject", "year")
                .distinct()
            )
            self._facets = (
                sorted({subject for subject, _ in pairs}, key=subject_order),
                sorted({year for _, year in pairs}, reverse=True),
            )
        return self._facets

    def _subject_choices(self):
        return [(name, name) for name in self._read_facets()[0]]

    def _year_choices(self):
        return [("", "любой"), *((year, str(year)) for year in self._read_facets()[1])]

    @property
    def active_count(self) -> int:
        if not self.is_bound or not self.is_valid():
            return 0
        return sum(1 for name in self.FILTER_NAMES if self.form.cleaned_data.get(name) not in (None, "", [], ()))

    def filter_below(self, queryset, name, value):
        if BELOW_THRESHOLD is None:
            return queryset.none() if value == "yes" else queryset
        if value == "yes":
            return queryset.filter(BELOW_THRESHOLD)
        return queryset.filter(average_score__isnull=False).exclude(BELOW_THRESHOLD)
