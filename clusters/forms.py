from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from .models import Cluster
from .proposals import DEFAULT_RULES, RULE_LABELS


class ClusterForm(forms.ModelForm):
    class Meta:
        model = Cluster
        fields = ["number", "name", "criterion", "description"]
        widgets = {"name": forms.Textarea(attrs={"rows": 2}), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", "Сохранить"))

    def clean_number(self):
        number = self.cleaned_data["number"]
        taken = Cluster.objects.filter(plan=self.plan, number=number).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(f"В этом плане уже есть {number} кластер. Выберите другой номер.")
        return number


class ProposalSettingsForm(forms.Form):
    list_year = forms.TypedChoiceField(label="По списку года", coerce=int)
    rules = forms.MultipleChoiceField(
        label="Правила",
        choices=[(rule, RULE_LABELS[rule]) for rule in DEFAULT_RULES],
        widget=forms.CheckboxSelectMultiple,
        initial=list(DEFAULT_RULES),
        error_messages={"required": "Выберите хотя бы одно правило."},
    )

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["list_year"].choices = [(y, str(y)) for y in years]
        if years:
            self.fields["list_year"].initial = years[0]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.add_input(Submit("propose", "Предложить распределение", css_class="btn-primary"))
