"""Filters of the schools registry, applied by `selectors.school_list_for_user`.

`SchoolFilter` narrows a queryset built by that selector: it relies on its annotations of the
latest school year (`latest_pupils`, `latest_deficit_*`) and of the kind and locality ranks.
"""

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Field, Layout, Row
from django import forms
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Person
from clusters.models import Cluster
from schools.access import current_assignment_q, visible_clusters, visible_municipalities, visible_schools
from schools.models import CuratorAssignment, Level, School, SchoolList, SchoolListEntry


class ClusterChoiceField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.plan.period_label}: {obj.number} кластер — {obj.name}"


class CuratorChoiceField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


class ClusterFilter(django_filters.ModelChoiceFilter):
    field_class = ClusterChoiceField


class CuratorFilter(django_filters.ModelChoiceFilter):
    field_class = CuratorChoiceField


class SchoolOrderingFilter(django_filters.OrderingFilter):
    """Sort by the columns of the table; ties (and equal names) keep a stable order for paging."""

    # Kinds and localities sort as the choices are declared (СОШ, ООШ, НОШ…), not by their codes.
    RANKED = {"kind": "kind_rank", "locality": "locality_rank"}

    def filter(self, qs, value):
        if value in django_filters.constants.EMPTY_VALUES:
            return qs
        ordering = []
        for param in value:
            if param in django_filters.constants.EMPTY_VALUES:
                continue
            descending = param.startswith("-")
            name = self.param_map.get(param.lstrip("-"))
            if name is None:
                continue
            expression = F(self.RANKED.get(name, name))
            # Schools without year data go last whichever way the column is sorted.
            ordering.append(expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True))
        return qs.order_by(*ordering, "short_name", "pk")


class SchoolFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Наименование",
        method="filter_name",
        widget=forms.TextInput(attrs={"placeholder": "часть названия", "type": "search"}),
    )
    kind = django_filters.ChoiceFilter(label="Вид", choices=School.Kind.choices, empty_label="любой")
    locality = django_filters.ChoiceFilter(label="Местность", choices=School.Locality.choices, empty_label="любая")
    is_small = django_filters.BooleanFilter(
        label="Малокомплектная",
        widget=forms.Select(choices=[("", "все"), ("true", "да"), ("false", "нет")]),
    )
    list_year = django_filters.TypedChoiceFilter(
        label="В списке в году", coerce=int, empty_value=None, method="filter_list_membership"
    )
    category = django_filters.ChoiceFilter(
        label="Категория списка",
        choices=SchoolList.Category.choices,
        empty_label="любая",
        method="filter_list_membership",
    )
    cluster = ClusterFilter(
        label="Кластер", queryset=Cluster.objects.none(), empty_label="любой", method="filter_cluster"
    )
    curator = CuratorFilter(
        label="Куратор", queryset=Person.objects.none(), empty_label="любой", method="filter_curator"
    )
    deficit_staff = django_filters.ChoiceFilter(
        label="Дефицит: кадры", field_name="latest_deficit_staff", choices=Level.choices, empty_label="любой"
    )
    deficit_infrastructure = django_filters.ChoiceFilter(
        label="Дефицит: инфраструктура",
        field_name="latest_deficit_infrastructure",
        choices=Level.choices,
        empty_label="любой",
    )
    deficit_transport = django_filters.ChoiceFilter(
        label="Дефицит: транспорт", field_name="latest_deficit_transport", choices=Level.choices, empty_label="любой"
    )
    sort = SchoolOrderingFilter(
        label="Сортировка",
        fields=(
            ("short_name", "name"),
            ("kind", "kind"),
            ("locality", "locality"),
            ("settlement", "settlement"),
            ("latest_pupils", "pupils"),
        ),
        field_labels={
            "short_name": "наименование",
            "kind": "вид",
            "locality": "местность",
            "settlement": "населённый пункт",
            "latest_pupils": "обучающихся",
        },
    )

    class Meta:
        model = School
        fields = []

    FILTER_NAMES = (
        "q", "kind", "locality", "is_small", "list_year", "category", "cluster", "curator",
        "deficit_staff", "deficit_infrastructure", "deficit_transport",
    )

    def __init__(self, data=None, queryset=None, *, user, today=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.user = user
        self.today = today or timezone.localdate()
        self._list_years = None
        # Choices are read only when the form is rendered or a value is checked: an export or a
        # page without these filters costs no query for them.
        self.filters["list_year"].extra["choices"] = self._list_year_choices
        self.filters["cluster"].queryset = (
            visible_clusters(user)
            .select_related("plan")
            .order_by("-plan__period_start", "plan_id", "number")
        )
        self.filters["curator"].queryset = Person.objects.filter(
            pk__in=CuratorAssignment.objects.filter(current_assignment_q(self.today), school__in=visible_schools(user))
            .values("curator_id")
        ).order_by("last_name", "first_name", "middle_name")

    def _list_year_choices(self):
        # Called on each pass over the choices (validation, rendering): read the years once.
        if self._list_years is None:
            self._list_years = list(
                SchoolList.objects.filter(municipality__in=visible_municipalities(self.user))
                .order_by("-year")
                .values_list("year", flat=True)
                .distinct()
            )
        return [("", "любом"), *((year, str(year)) for year in self._list_years)]

    @property
    def active_count(self) -> int:
        """How many filters (not the sorting) are set, for the panel's header."""
        if not self.is_bound:
            return 0
        cleaned = getattr(self.form, "cleaned_data", {})
        return sum(1 for name in self.FILTER_NAMES if cleaned.get(name) not in (None, "", [], ()))

    def filter_name(self, queryset, name, value):
        words = value.split()
        for word in words:
            queryset = queryset.filter(
                Q(short_name__icontains=word) | Q(full_name__icontains=word) | Q(abbreviation__icontains=word)
            )
        return queryset

    def filter_list_membership(self, queryset, name, value):
        # Year and category describe one list when both are given: «ШНОР 2022», not «ШНОР some year
        # and some list in 2022». The year filter applies both; the category alone means any year.
        year = self.form.cleaned_data.get("list_year")
        category = self.form.cleaned_data.get("category")
        if name == "category" and year is not None:
            return queryset
        entries = SchoolListEntry.objects.all()
        if year is not None:
            entries = entries.filter(school_list__year=year)
        if category:
            entries = entries.filter(school_list__category=category)
        return queryset.filter(pk__in=entries.values("school_id"))

    def filter_cluster(self, queryset, name, value):
        return queryset.filter(pk__in=value.memberships.values("school_id"))

    def filter_curator(self, queryset, name, value):
        assignments = CuratorAssignment.objects.filter(current_assignment_q(self.today), curator=value)
        return queryset.filter(pk__in=assignments.values("school_id"))


def _field(name, size="form-select-sm"):
    return Column(Field(name, css_class=size), css_class="col-sm-6 col-lg-3 col-xl-2")


class SchoolFilterFormHelper(FormHelper):
    """The filter panel: two rows of small fields on a wide screen, sent by GET; the sorting rides along."""

    def __init__(self, form=None):
        super().__init__(form)
        self.form_method = "get"
        self.form_id = "school-filter"
        self.disable_csrf = True
        self.label_class = "small text-muted mb-1 d-block text-truncate"
        self.layout = Layout(
            Row(
                _field("q", size="form-control-sm"),
                _field("kind"),
                _field("locality"),
                _field("is_small"),
                _field("list_year"),
                _field("category"),
                _field("cluster"),
                _field("curator"),
                _field("deficit_staff"),
                _field("deficit_infrastructure"),
                _field("deficit_transport"),
                Column(
                    HTML(
                        '<button type="submit" class="btn btn-primary btn-sm">Применить</button>'
                        f' <a class="btn btn-outline-secondary btn-sm ms-1" href="{reverse("schools:school_list")}">Сбросить</a>'
                    ),
                    css_class="col-sm-6 col-lg-3 col-xl-2 d-flex align-items-end mb-3",
                ),
                css_class="g-2",
            ),
            HTML('{% if request.GET.sort %}<input type="hidden" name="sort" value="{{ request.GET.sort }}">{% endif %}'),
        )
