"""The register's FilterSet: one for the list, its export, «Моя школа» and every dashboard link.

Applied by `selectors.control_point_filter_for_user` over the user's visible control points.
Choices are read only when the panel is drawn or a value is checked, so an export or a page that
shows only some of the filters costs no query for the others.
"""

import datetime

import django_filters
from django import forms
from django.forms.models import ModelChoiceIterator
from django.db.models import Exists, F, OuterRef, Q
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from clusters.models import Cluster
from monitoring.models import ControlPoint
from roadmaps.models import ActivityExecutor, ExecutorLevel, PlanSection
from schools.access import visible_plans, visible_schools

from .forms import DateInput

Status = ControlPoint.Status
OPEN_STATUSES = [s for s in Status.values if s not in ControlPoint.CLOSED_STATUSES]
YES_NO = [("yes", "да"), ("no", "нет")]
# The register filter behind each figure of the dashboard (selectors.control_point_counts and
# dashboard_counts define the figures).
FIGURE_QUERIES = {
    "total": "&".join(f"status={s}" for s in ("planned", "in_progress", "submitted", "rework", "done")),
    "done": "status=done",
    "done_late": "late=yes",
    "in_work": "status=in_progress&status=submitted&status=rework&overdue=no",
    "planned": "status=planned&overdue=no",
    "overdue": "overdue=yes",
    "submitted": "status=submitted",
    "needs_decision": "needs_decision=yes",
    "rescheduled": "rescheduled=yes",
}


class QuickSelect(forms.Select):
    """A select whose options are written in Python, not through a template each.

    A region's register offers 1,200 schools, 440 sections and their clusters: rendering each
    option through Django's option template took most of the page's time. Same markup, no
    option groups (the register's filters have none).
    """

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        parts = [f"<select name=\"{escape(name)}\"{flatatt(self.build_attrs(self.attrs, attrs))}>"]
        for option_value, label in self.choices:
            option_value = "" if option_value is None else str(option_value)
            selected = " selected" if option_value in chosen else ""
            parts.append(f"<option value=\"{escape(option_value)}\"{selected}>{escape(label)}</option>")
        parts.append("</select>")
        return mark_safe("".join(parts))


class QuickCheckboxes(forms.CheckboxSelectMultiple):
    """The status checkboxes written in Python, inline as the panel shows them, not through a template each.

    Same markup as the panel had from Django's option template (an inline Bootstrap check per
    option); one string instead of a template render per box on every register and school page.
    """

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        attrs = self.build_attrs(self.attrs, attrs)
        base_id = attrs.pop("id", None) or f"id_{name}"
        parts = []
        for index, (option_value, label) in enumerate(self.choices):
            option_id = f"{base_id}_{index}"
            checked = " checked" if str(option_value) in chosen else ""
            parts.append(
                '<div class="form-check form-check-inline small mb-0">'
                f'<input type="checkbox" name="{escape(name)}" value="{escape(option_value)}"{flatatt(attrs)} id="{option_id}"{checked}>'
                f'<label class="form-check-label" for="{option_id}">{escape(label)}</label></div>'
            )
        return mark_safe("".join(parts))


class RowChoiceIterator(ModelChoiceIterator):
    """The options from a values_list of the field's queryset, labelled by `field.label_from_row`.

    A region's panel offers 1,200 schools and 440 sections: a model instance per option (and its
    plan) was most of the register's rendering time. Checking a chosen value still goes through
    the queryset, as in any ModelChoiceField.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        columns, label = self.field.option_columns, self.field.label_from_row
        for row in self.queryset.values_list("pk", *columns):
            yield (row[0], label(*row[1:]))


class LabelledModelChoiceField(django_filters.fields.ModelChoiceField):
    def __init__(self, *args, label_from_instance=None, option_columns=None, label_from_row=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label_from_instance:
            self.label_from_instance = label_from_instance
        if option_columns:
            self.option_columns, self.label_from_row = option_columns, label_from_row
            self.iterator = RowChoiceIterator


class LabelledModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = LabelledModelChoiceField


def _plan_label(plan):
    return f"{plan.get_kind_display()} {plan.period_start:%Y}–{plan.period_end:%Y}: {plan.title[:80]}"


PERIOD_COLUMNS = ("plan__period_start", "plan__period_end")
SECTION_COLUMNS = (*PERIOD_COLUMNS, "number", "title")
CLUSTER_COLUMNS = (*PERIOD_COLUMNS, "number", "name")
SCHOOL_COLUMNS = ("short_name",)


def _section_label(start, end, number, title):
    return f"{start:%Y}–{end:%Y} · {number} {title[:90]}".strip()


def _cluster_label(start, end, number, name):
    return f"{start:%Y}–{end:%Y}: {number} кластер — {name[:60]}"


def _school_label(short_name):
    return short_name


class ControlPointOrderingFilter(django_filters.OrderingFilter):
    """Sort by a column; (due_date, pk) always ends the order, so pages are stable and keyset-friendly."""

    def filter(self, qs, value):
        params = [param for param in value or () if param not in django_filters.constants.EMPTY_VALUES]
        if params == ["-due"]:
            # Latest first, ties by id the same way: one direction, so an index on (…, due_date, id)
            # is read backwards instead of a region's points being sorted (mixed directions can't be).
            return qs.order_by("-due_date", "-pk")
        ordering = []
        for param in params:
            descending = param.startswith("-")
            for name in self.COLUMNS.get(param.lstrip("-"), ()):
                expression = F(name)
                if name not in self.NULLABLE:
                    ordering.append(expression.desc() if descending else expression.asc())
                else:
                    ordering.append(expression.desc(nulls_last=True) if descending else expression.asc(nulls_first=True))
        return qs.order_by(*ordering, "due_date", "pk")

    # Only these can be empty; naming NULLS on a NOT NULL column keeps PostgreSQL from its indexes.
    NULLABLE = ("school__short_name", "school")

    COLUMNS = {
        "due": ("due_date",),
        "number": ("activity__section__plan__period_start", "activity__section__position", "activity__position"),
        # The school after its name: two schools of one name stay apart, each a block of rows.
        "school": ("school__short_name", "school"),
        "status": ("status",),
        "updated": ("updated_at",),
    }


class ControlPointFilter(django_filters.FilterSet):
    plan = LabelledModelChoiceFilter(
        label="План",
        field_name="activity__section__plan",
        queryset=None,
        empty_label="любой",
        label_from_instance=_plan_label,
        widget=QuickSelect,
    )
    section = LabelledModelChoiceFilter(
        label="Раздел", queryset=None, empty_label="любой", method="filter_section",
        option_columns=SECTION_COLUMNS, label_from_row=_section_label, widget=QuickSelect,
    )
    cluster = LabelledModelChoiceFilter(
        label="Кластер", queryset=None, empty_label="любой", method="filter_cluster",
        option_columns=CLUSTER_COLUMNS, label_from_row=_cluster_label, widget=QuickSelect,
    )
    school = LabelledModelChoiceFilter(
        label="ОО", queryset=None, empty_label="любая", option_columns=SCHOOL_COLUMNS, label_from_row=_school_label,
        widget=QuickSelect,
    )
    level = django_filters.ChoiceFilter(
        label="Уровень исполнителя",
        choices=[("school", "ОО"), ("municipality", "муниципальный"), ("region", "региональный")],
        empty_label="любой",
        method="filter_level",
        widget=QuickSelect,
    )
    executor = django_filters.ChoiceFilter(
        label="Исполнитель (муниципальный)", empty_label="любой", method="filter_executor", widget=QuickSelect
    )
    status = django_filters.MultipleChoiceFilter(
        label="Статус", choices=Status.choices, widget=QuickCheckboxes, distinct=False
    )
    due_from = django_filters.DateFilter(label="Срок с", field_name="due_date", lookup_expr="gte", widget=DateInput)
    due_to = django_filters.DateFilter(label="по", field_name="due_date", lookup_expr="lte", widget=DateInput)
    overdue = django_filters.ChoiceFilter(
        label="Просрочено", choices=YES_NO, empty_label="все", method="filter_overdue", widget=QuickSelect
    )
    late = django_filters.ChoiceFilter(
        label="Выполнено с нарушением срока", choices=YES_NO, empty_label="все", method="filter_late", widget=QuickSelect
    )
    rescheduled = django_filters.ChoiceFilter(
        label="Срок перенесён", choices=YES_NO, empty_label="все", method="filter_rescheduled", widget=QuickSelect
    )
    needs_decision = django_filters.ChoiceFilter(
        label="Требует решения", choices=YES_NO, empty_label="все", method="filter_needs_decision", widget=QuickSelect
    )
    sort = ControlPointOrderingFilter(
        label="Сортировка",
        fields=(("due", "due"), ("number", "number"), ("school", "school"), ("status", "status"), ("updated", "updated")),
    )

    FILTER_NAMES = (
        "plan", "section", "cluster", "school", "level", "executor", "status", "due_from", "due_to",
        "overdue", "late", "rescheduled", "needs_decision",
    )

    class Meta:
        model = ControlPoint
        fields = []

    def __init__(self, data=None, queryset=None, *, user, today: datetime.date | None = None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.user = user
        self.today = today or timezone.localdate()
        plans = visible_plans(user)
        # Only the columns the choices' labels print: a region's panel lists thousands of them.
        period = ("plan", "plan__period_start", "plan__period_end")
        choices = {
            "plan": lambda: plans.order_by("-period_start", "pk").only("kind", "title", "period_start", "period_end"),
            "section": lambda: (
                PlanSection.objects.filter(plan__in=plans)
                .select_related("plan")
                .only("number", "title", *period)
                .order_by("-plan__period_start", "plan_id", "position")
            ),
            "cluster": lambda: (
                Cluster.objects.filter(plan__in=plans)
                .select_related("plan")
                .only("number", "name", *period)
                .order_by("-plan__period_start", "plan_id", "number")
            ),
            "school": lambda: visible_schools(user).order_by("short_name", "pk").only("short_name"),
        }
        for name, queryset in choices.items():
            if name in self.filters:  # a narrower filter (SchoolPointFilter) goes without some
                self.filters[name].queryset = queryset()
        self._executor_names = None

        # A plain function, not the bound method: the form deep-copies each field's choices, and a
        # bound method would be copied with this whole FilterSet, its querysets and all.
        def executor_choices():
            return self._executor_choices()

        if "executor" in self.filters:
            self.filters["executor"].extra["choices"] = executor_choices
        for form_field in self.form.fields.values():
            widget = form_field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select form-select-sm"
            else:
                css = "form-control form-control-sm"
            widget.attrs.setdefault("class", css)

    def _executor_choices(self):
        if self._executor_names is None:
            self._executor_names = list(
                ActivityExecutor.objects.filter(
                    level=ExecutorLevel.MUNICIPALITY, activity__section__plan__in=visible_plans(self.user)
                )
                .order_by("name")
                .values_list("name", flat=True)
                .distinct()
            )
        return [(name, name[:90]) for name in self._executor_names]

    @property
    def active_count(self) -> int:
        if not self.is_bound:
            return 0
        cleaned = getattr(self.form, "cleaned_data", {})
        return sum(1 for name in self.FILTER_NAMES if cleaned.get(name) not in (None, "", [], ()))

    def filter_section(self, queryset, name, value):
        # A part («Раздел II») holds sections of its own: choosing it takes their points too.
        return queryset.filter(Q(activity__section=value) | Q(activity__section__parent=value))

    def filter_cluster(self, queryset, name, value):
        # The cluster's schools, in the plan the cluster belongs to.
        return queryset.filter(
            school__in=value.memberships.values("school_id"), activity__section__plan_id=value.plan_id
        )

    def filter_level(self, queryset, name, value):
        if value == "school":
            return queryset.filter(school__isnull=False)
        # The region body's own points are not the municipality's, though neither has a school.
        return queryset.filter(school__isnull=True, regional=(value == "region"))

    def filter_executor(self, queryset, name, value):
        named = ActivityExecutor.objects.filter(
            activity_id=OuterRef("activity_id"), level=ExecutorLevel.MUNICIPALITY, name=value
        )
        return queryset.filter(Exists(named), school__isnull=True, regional=False)

    def filter_overdue(self, queryset, name, value):
        overdue = Q(due_date__lt=self.today) & ~Q(status__in=ControlPoint.CLOSED_STATUSES)
        return queryset.filter(overdue if value == "yes" else ~overdue)

    def filter_late(self, queryset, name, value):
        late = Q(status=Status.DONE, completed_at__date__gt=F("due_date"))
        return queryset.filter(late if value == "yes" else ~late)

    def filter_rescheduled(self, queryset, name, value):
        moved = Q(original_due_date__isnull=False) & ~Q(original_due_date=F("due_date"))
        return queryset.filter(moved if value == "yes" else ~moved)

    def filter_needs_decision(self, queryset, name, value):
        return queryset.filter(needs_decision=(value == "yes"))


class SchoolPointFilter(ControlPointFilter):
    """The filter of «Моя школа»: the section, statuses and dates its panel shows, and the order its
    groups read in. The register's other filters, built and deep-copied on every visit of the busy
    hour's most visited page, were a tenth of it."""

    plan = cluster = school = level = executor = overdue = late = rescheduled = needs_decision = None
