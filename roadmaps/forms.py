import datetime
import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Fieldset, Layout, Submit
from django import forms

from accounts.models import Person
from clusters.models import Cluster
from schnor_portal.optimistic_lock import VersionErrorsOnTop, VersionField, require_version_for
from schools.models import School, SchoolList

from .executors import ExecutorRow, split_executors
from .models import Activity, ActivityExecutor, ExecutorLevel, Plan, PlanSection, WorkingGroup, WorkingGroupMember

DATE_WIDGET = forms.DateInput(format="%d.%m.%Y", attrs={"placeholder": "ДД.ММ.ГГГГ", "inputmode": "numeric"})
PASSPORT_FIELDS = [
    "responsible_body", "approving_official", "developers", "executors", "co_executors", "idea", "goal",
    "tasks", "period_text", "funding", "expected_results", "effectiveness_criteria", "background",
]


class VersionedForm(VersionErrorsOnTop, forms.ModelForm):
    """Carries the version the user loaded, so a save over someone else's change is refused."""

    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        require_version_for(self, self.instance)


SCHOOLS_LOCKED = (
    "План утверждён: школы плана меняются только новой редакцией плана («Внести изменения» на странице плана). "
    "Ничего не сохранено."
)


class PlanForm(VersionedForm):
    # A quick pick ticks the schools of a year's list or of a cluster (added to those ticked) and shows
    # the form again, unsaved: a submit button, as the portal runs no inline scripts.
    pick = forms.ChoiceField(label="Отметить школы", required=False)

    class Meta:
        model = Plan
        fields = ["kind", "title", "period_start", "period_end", "part_of", "result_before_executors", "schools", *PASSPORT_FIELDS]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "period_start": DATE_WIDGET,
            "period_end": DATE_WIDGET,
            "schools": forms.CheckboxSelectMultiple,
            **{name: forms.Textarea(attrs={"rows": 2}) for name in PASSPORT_FIELDS if name != "period_text"},
        }

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["part_of"].queryset = Plan.objects.filter(municipality=municipality).exclude(pk=self.instance.pk)
        self.fields["schools"].queryset = School.objects.filter(municipality=municipality).order_by("short_name")
        self.fields["schools"].required = False
        self.schools_locked = bool(self.instance.pk) and self.instance.status != Plan.Status.DRAFT
        self.picks = self._picks(municipality)
        self.fields["pick"].choices = [("", "—")] + [(key, label) for key, label, _ in self.picks]
        if self.schools_locked:
            # Shown, not sent: the browser posts no disabled checkbox, and Django keeps the plan's own.
            self.fields["schools"].disabled = True
            self.fields["schools"].help_text = "План утверждён: школы плана меняются только новой редакцией."
            del self.fields["pick"]
        self.helper = FormHelper()
        school_block = [HTML('{% if school_points %}<p class="small text-muted mb-2" data-testid="school-points">{{ school_points.line }}</p>{% endif %}')]
        if not self.schools_locked and self.picks:
            school_block.append(
                Div(
                    Div("pick", css_class="col-md-8"),
                    Div(
                        HTML('<button type="submit" name="apply_pick" value="1" class="btn btn-outline-secondary" formnovalidate>Отметить</button>'),
                        css_class="col-md-4 d-flex align-items-end mb-3",
                    ),
                    css_class="row",
                )
            )
        school_block.append(Field("schools", wrapper_class="columns-md-2"))
        self.helper.layout = Layout(
            "version",
            Div(Div("kind", css_class="col-md-4"), Div("period_start", css_class="col-md-4"), Div("period_end", css_class="col-md-4"), css_class="row"),
            "title",
            "part_of",
            "result_before_executors",
            Fieldset("Школы плана", *school_block),
            HTML('<details class="mb-3"><summary class="fw-semibold mb-2">Паспорт проекта (необязательно)</summary>'),
            *PASSPORT_FIELDS,
            HTML("</details>"),
        )
        self.helper.add_input(Submit("save", "Сохранить"))

    def _picks(self, municipality):
        """(value, label, school ids) of the municipality's yearly lists and the plan's clusters."""
        picks = []
        lists = SchoolList.objects.filter(municipality=municipality).prefetch_related("entries").order_by("-year", "category")
        for school_list in lists:
            ids = [entry.school_id for entry in school_list.entries.all()]
            name = school_list.title or f"{school_list.get_category_display()} {school_list.year}"
            picks.append((f"list:{school_list.pk}", f"из списка года «{name}» ({len(ids)})", ids))
        if self.instance.pk:
            for cluster in Cluster.objects.filter(plan=self.instance).prefetch_related("memberships").order_by("number"):
                ids = [m.school_id for m in cluster.memberships.all()]
                picks.append((f"cluster:{cluster.pk}", f"из кластера {cluster.number} «{cluster.name}» ({len(ids)})", ids))
        return picks

    def picked_school_ids(self, value) -> list[int]:
        return next((ids for key, _, ids in self.picks if key == value), [])

    def clean(self):
        cleaned = super().clean()
        if self.schools_locked:
            posted = {str(v) for v in self.data.getlist(self.add_prefix("schools"))} if hasattr(self.data, "getlist") else set()
            current = {str(pk) for pk in self.instance.schools.values_list("pk", flat=True)}
            if posted and posted != current:
                self.add_error(None, SCHOOLS_LOCKED)
        return cleaned


class SectionForm(forms.ModelForm):
    class Meta:
        model = PlanSection
        fields = ["number", "title", "parent", "cluster", "tasks", "indicators"]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "tasks": forms.Textarea(attrs={"rows": 2}),
            "indicators": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = PlanSection.objects.filter(plan=plan, parent__isnull=True).exclude(pk=self.instance.pk)
        self.fields["parent"].label = "входит в раздел"
        self.fields["cluster"].queryset = Cluster.objects.filter(plan=plan).order_by("number")
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", "Сохранить"))


class PersonWithPostChoiceField(forms.ModelChoiceField):
    # Namesakes are told apart by the post: «Иванова Анна Петровна, учитель» and «…, директор».
    def label_from_instance(self, person):
        return ", ".join(part for part in (person.full_name, person.position) if part)


class ExecutorRowForm(forms.Form):
    """One executor of an activity: its level, whether it is a role, an organisation or a person,
    its name as the plan prints it, and optionally the municipality's person it is."""

    level = forms.ChoiceField(label="Уровень", choices=ExecutorLevel.choices, initial=ExecutorLevel.MUNICIPALITY)
    kind = forms.ChoiceField(label="Тип", choices=ActivityExecutor.Kind.choices, initial=ActivityExecutor.Kind.ROLE)
    name = forms.CharField(label="Наименование (как в плане)", max_length=500, required=False)
    person = PersonWithPostChoiceField(
        label="Человек муниципалитета",
        queryset=Person.objects.none(),
        required=False,
        error_messages={"invalid_choice": "Выберите человека из списка людей своего муниципалитета."},
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people

    def clean(self):
        cleaned = super().clean()
        person, name = cleaned.get("person"), " ".join((cleaned.get("name") or "").split())
        if person is not None and not name:
            # Linked to a person and left unnamed: the plan prints the person as the card names them.
            name = person.full_name
        if person is not None:
            cleaned["kind"] = ActivityExecutor.Kind.PERSON  # a link to a person makes the row a person's
        if not name and not cleaned.get("DELETE"):
            self.add_error("name", "Укажите, кто отвечает, или отметьте «Убрать».")
        cleaned["name"] = name
        return cleaned

    def row(self) -> ExecutorRow:
        person = self.cleaned_data.get("person")
        return ExecutorRow(self.cleaned_data["level"], self.cleaned_data["kind"], self.cleaned_data["name"], person.pk if person else None)


class BaseExecutorFormSet(forms.BaseFormSet):
    def rows(self) -> list[ExecutorRow]:
        """The rows kept, in their order on the page: removed and untouched blank rows left out."""
        return [
            form.row()
            for index, form in enumerate(self.forms)
            if (index < self.initial_form_count() or form.has_changed())
            and not self._should_delete_form(form)
            and form.cleaned_data.get("name")
        ]


ExecutorFormSet = forms.formset_factory(ExecutorRowForm, formset=BaseExecutorFormSet, extra=1, can_delete=True)
EXECUTORS_PREFIX = "executors"
ADD_EXECUTOR_ROW = "add_executor_row"


class ActivityForm(VersionedForm):
    """An activity with its executors as rows (a formset under the prefix «executors»).

    The text «как написано» is derived from the rows by the service, never split again from the
    form. A client that posts no rows (an old page, a script) sends the text field alone, and only
    then is that text the whole list; with rows, a text typed there adds rows to them.
    """

    executors_text = forms.CharField(
        label="Добавить ответственных текстом",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Через запятую: роли, люди, организации — каждый станет строкой таблицы «Ответственные» с уровнем и "
        "типом, которые портал определит сам; проверьте их после сохранения.",
    )

    class Meta:
        model = Activity
        fields = [
            "number", "content", "deadline_text", "expected_result",
            "target_comparator", "target_value", "target_unit", "scope", "clusters", "schools", "note",
        ]
        widgets = {
            "content": forms.Textarea(attrs={"rows": 3}),
            "expected_result": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 1}),
            "clusters": forms.CheckboxSelectMultiple,
            "schools": forms.SelectMultiple(attrs={"size": 4}),
        }
        help_texts = {
            "deadline_text": "Как в документе: «Ежеквартально, не позднее 25 числа последнего месяца квартала», «Апрель-май 2025 г».",
            "target_value": "Пусто — портал возьмёт число из ожидаемого результата («не менее 20 %»).",
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clusters"].queryset = Cluster.objects.filter(plan=plan).order_by("number")
        self.fields["schools"].queryset = School.objects.filter(municipality_id=plan.municipality_id).order_by("short_name")
        self.fields["content"].error_messages["required"] = "Опишите мероприятие."
        self.executors = self._executor_formset(plan)
        if self.executors is None:
            self.fields["executors_text"].label = "Ответственные"

    def _executor_formset(self, plan):
        people = Person.objects.filter(municipality_id=plan.municipality_id).order_by("last_name", "first_name", "middle_name", "pk")
        kwargs = {"prefix": EXECUTORS_PREFIX, "form_kwargs": {"people": people}}
        if not self.is_bound:
            initial = [
                {"level": e.level, "kind": e.kind, "name": e.name, "person": e.person_id}
                for e in (self.instance.executor_set.order_by("position") if self.instance.pk else [])
            ]
            if not initial and self.instance.executors_text:
                # A row saved with its text only (before executors were kept as data): its text is
                # offered as rows to check, once; what is saved from here on are the rows.
                initial = [{"level": e.level, "kind": e.kind, "name": e.name} for e in split_executors(self.instance.executors_text)]
            return ExecutorFormSet(initial=initial, **kwargs)
        if f"{EXECUTORS_PREFIX}-TOTAL_FORMS" not in self.data:
            return None  # a text caller: no rows posted
        data = self.data
        if ADD_EXECUTOR_ROW in data:
            # «Ещё ответственный»: the same form with one more blank row, nothing saved.
            data = data.copy()
            total = data.get(f"{EXECUTORS_PREFIX}-TOTAL_FORMS", "0")
            total = int(total) if total.isdigit() else 0
            data[f"{EXECUTORS_PREFIX}-TOTAL_FORMS"] = str(total + 1)
            # The new row shows its defaults selected, so that the page posts it back unchanged (blank).
            data[f"{EXECUTORS_PREFIX}-{total}-level"] = ExecutorLevel.MUNICIPALITY
            data[f"{EXECUTORS_PREFIX}-{total}-kind"] = ActivityExecutor.Kind.ROLE
        return ExecutorFormSet(data, **kwargs)

    @property
    def adding_executor_row(self):
        return self.is_bound and ADD_EXECUTOR_ROW in self.data and self.executors is not None

    def is_valid(self):
        valid = super().is_valid()
        if self.executors is not None:
            valid = self.executors.is_valid() and valid
        # Adding a row only shows the form again: nothing is saved until «Сохранить».
        return valid and not self.adding_executor_row

    def clean(self):
        cleaned = super().clean()
        scope = cleaned.get("scope")
        if scope == Activity.Scope.CLUSTERS and not cleaned.get("clusters"):
            self.add_error("clusters", "Выберите хотя бы один кластер или смените охват.")
        if scope == Activity.Scope.SCHOOLS and not cleaned.get("schools"):
            self.add_error("schools", "Выберите хотя бы одну школу или смените охват.")
        if cleaned.get("target_value") is not None and not cleaned.get("target_comparator"):
            cleaned["target_comparator"] = Activity.Comparator.EXACTLY
        return cleaned

    def service_data(self):
        """Plain fields for the service; relations and executor rows travel separately."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name not in ("clusters", "schools")}
        if self.executors is None:
            data["executors_text"] = self.cleaned_data["executors_text"]
        return data

    def executor_rows(self) -> list[ExecutorRow] | None:
        """The executors to store, or None when only a text was posted (the service splits it)."""
        if self.executors is None:
            return None
        added = [ExecutorRow(e.level, e.kind, e.name) for e in split_executors(self.cleaned_data["executors_text"])]
        return self.executors.rows() + added


class ManualWindowsForm(forms.Form):
    """Dates for a deadline the portal cannot date by itself («по отдельному графику»)."""

    windows = forms.CharField(
        label="Даты",
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "15.03.2025\n01.09.2025 – 30.09.2025"}),
        required=False,
        help_text="По одной на строку: срок («15.03.2025») или период («01.09.2025 – 30.09.2025»).",
    )

    def clean_windows(self):
        rows = []
        for number, line in enumerate(self.cleaned_data["windows"].splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            dates = re.findall(r"\d{1,2}\.\d{1,2}\.\d{4}", line)
            try:
                parsed = [datetime.datetime.strptime(d, "%d.%m.%Y").date() for d in dates]
            except ValueError:
                raise forms.ValidationError(f"Строка {number}: несуществующая дата «{line}».")
            if len(parsed) == 1:
                rows.append([None, parsed[0].isoformat()])
            elif len(parsed) == 2 and parsed[0] <= parsed[1]:
                rows.append([parsed[0].isoformat(), parsed[1].isoformat()])
            else:
                raise forms.ValidationError(
                    f"Строка {number}: «{line}» — нужна дата ДД.ММ.ГГГГ или период «ДД.ММ.ГГГГ – ДД.ММ.ГГГГ» (начало не позже конца)."
                )
        return sorted(rows, key=lambda w: w[1])


class WorkingGroupForm(forms.ModelForm):
    class Meta:
        model = WorkingGroup
        fields = ["title", "plan"]
        widgets = {"title": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = Plan.objects.filter(municipality=municipality).order_by("-period_start", "title")
        self.fields["plan"].error_messages["invalid_choice"] = "Выберите план своего муниципалитета."
        self.fields["plan"].help_text = "План, для работы над которым создана группа; можно не указывать."
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", "Сохранить"))


ROLES_IN_GROUP = ["председатель", "заместитель председателя", "секретарь", "член"]


class WorkingGroupMemberForm(forms.ModelForm):
    person = PersonWithPostChoiceField(
        label="Человек",
        queryset=Person.objects.none(),
        error_messages={
            "required": "Выберите человека из списка людей муниципалитета.",
            "invalid_choice": "Выберите человека из списка людей своего муниципалитета.",
        },
    )

    class Meta:
        model = WorkingGroupMember
        fields = ["person", "post", "role_in_group"]
        widgets = {
            "post": forms.Textarea(attrs={"rows": 2}),
            "role_in_group": forms.TextInput(attrs={"list": "roles-in-group"}),
        }

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(municipality=municipality).order_by(
            "last_name", "first_name", "middle_name", "pk"
        )
        self.fields["post"].required = False
        self.fields["post"].help_text = "Как в приказе о составе группы; если пусто — должность из карточки человека."
        self.fields["role_in_group"].help_text = "Председатель, заместитель председателя, секретарь или член; можно написать иначе."
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", "Сохранить"))

    def clean(self):
        cleaned = super().clean()
        person = cleaned.get("person")
        if person and not (cleaned.get("post") or "").strip():
            if not person.position:
                self.add_error("post", "Укажите должность: в карточке человека она не заполнена.")
            else:
                cleaned["post"] = person.position
        return cleaned
