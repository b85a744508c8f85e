"""Forms of setting a municipality up: the municipality, its authority's requisites, people, accounts."""

import zoneinfo

from django import forms

from accounts.models import Person, Role
from schools.models import Municipality, School

# The zones of Russia, west to east; a municipality elsewhere is not in the portal's scope.
RUSSIAN_TIME_ZONES = [
    ("Europe/Kaliningrad", "Калининград (UTC+2)"),
    ("Europe/Moscow", "Москва (UTC+3)"),
    ("Europe/Samara", "Самара (UTC+4)"),
    ("Asia/Yekaterinburg", "Екатеринбург (UTC+5)"),
    ("Asia/Omsk", "Омск (UTC+6)"),
    ("Asia/Novosibirsk", "Новосибирск (UTC+7)"),
    ("Asia/Krasnoyarsk", "Красноярск (UTC+7)"),
    ("Asia/Irkutsk", "Иркутск (UTC+8)"),
    ("Asia/Yakutsk", "Якутск (UTC+9)"),
    ("Asia/Vladivostok", "Владивосток (UTC+10)"),
    ("Asia/Sakhalin", "Сахалин (UTC+11)"),
    ("Asia/Magadan", "Магадан (UTC+11)"),
    ("Asia/Kamchatka", "Камчатка (UTC+12)"),
]


def _clean_header(text):
    lines = [line.strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


class MunicipalityForm(forms.ModelForm):
    """The region administrator's form; the region is always their own and is not asked."""

    time_zone = forms.ChoiceField(label="Часовой пояс", choices=RUSSIAN_TIME_ZONES, initial="Europe/Moscow")

    class Meta:
        model = Municipality
        fields = ["name", "authority_name", "authority_header", "place", "head_position", "time_zone", "list_label"]
        widgets = {"authority_header": forms.Textarea(attrs={"rows": 4})}
        labels = {"name": "Наименование муниципалитета"}
        help_texts = {
            "name": "Как его называют в документах: «Русско-Полянский муниципальный район».",
            "authority_name": "Полностью, как в приказах: «Комитет по образованию Администрации Русско-Полянского муниципального района Омской области».",
            "authority_header": "Строки шапки бланка приказа, каждая с новой строки, как на бланке.",
            "place": "Где издаются приказы: «р.п. Русская Поляна».",
            "head_position": "Как подписывается руководитель: «Председатель Комитета».",
        }
        error_messages = {"name": {"unique": "Муниципалитет с таким наименованием уже есть на портале."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.time_zone if self.instance.pk else None
        if current and current not in dict(RUSSIAN_TIME_ZONES) and current in zoneinfo.available_timezones():
            # A zone set earlier (in /admin/) stays choosable rather than silently replaced.
            self.fields["time_zone"].choices = [(current, current)] + RUSSIAN_TIME_ZONES

    def clean_authority_header(self):
        return _clean_header(self.cleaned_data["authority_header"])


class AuthorityForm(forms.ModelForm):
    """The coordinator's requisites of the authority: what a new order's header and signature take."""

    class Meta:
        model = Municipality
        fields = ["authority_name", "authority_header", "place", "head", "head_position"]
        widgets = {"authority_header": forms.Textarea(attrs={"rows": 4})}
        help_texts = MunicipalityForm.Meta.help_texts | {
            "head": "Кто подписывает приказы. Нет в списке — сначала добавьте человека на странице «Люди».",
        }

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["head"].queryset = people
        self.fields["head"].empty_label = "— не указан —"

    def clean_authority_header(self):
        return _clean_header(self.cleaned_data["authority_header"])


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["last_name", "first_name", "middle_name", "position", "organisation", "school", "email", "phone", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["school"].empty_label = "— не работает в школе —"


class CoordinatorForm(forms.Form):
    """The first coordinator of a municipality: who it is and where the invitation goes."""

    last_name = forms.CharField(label="Фамилия", max_length=100)
    first_name = forms.CharField(label="Имя", max_length=100)
    middle_name = forms.CharField(label="Отчество", max_length=100, required=False)
    position = forms.CharField(label="Должность", max_length=500, required=False)
    email = forms.EmailField(
        label="Адрес эл. почты", help_text="На него придёт приглашение; он же — имя для входа."
    )


# Roles a coordinator gives within the municipality; region roles are the region's to give.
MUNICIPAL_ROLES = [(role.value, role.label) for role in (Role.COORDINATOR, Role.CHAIR, Role.CURATOR, Role.DIRECTOR)]


class AccountForm(forms.Form):
    person = forms.ModelChoiceField(
        label="Человек", queryset=Person.objects.none(), empty_label="— выберите человека —",
        help_text="Учётная запись выдаётся человеку из списка «Люди», у которого её ещё нет.",
    )
    role = forms.ChoiceField(label="Роль", choices=MUNICIPAL_ROLES)
    school = forms.ModelChoiceField(
        label="Школа руководителя", queryset=School.objects.none(), required=False, empty_label="— только для руководителя ОО —"
    )
    email = forms.EmailField(
        label="Адрес эл. почты", required=False,
        help_text="Пусто — возьмём адрес из карточки человека. На него придёт приглашение; он же — имя для входа.",
    )

    error_messages = {
        "no_email": "Укажите адрес эл. почты: в карточке человека его нет.",
        "no_school": "Руководителю ОО нужно указать его школу.",
    }

    def __init__(self, *args, people, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["school"].queryset = schools

    def clean(self):
        data = super().clean()
        person = data.get("person")
        if person is not None and not data.get("email"):
            if person.email:
                data["email"] = person.email
            else:
                self.add_error("email", self.error_messages["no_email"])
        if data.get("role") == Role.DIRECTOR and not data.get("school"):
            school = person.school if person is not None else None
            if school is not None and school in self.fields["school"].queryset:
                data["school"] = school
            else:
                self.add_error("school", self.error_messages["no_school"])
        if data.get("role") != Role.DIRECTOR:
            data["school"] = None
        return data


class PersonMergeForm(forms.Form):
    duplicate = forms.ModelChoiceField(
        label="Дубль", queryset=Person.objects.none(), empty_label="— выберите, кого объединить —",
        help_text="Всё, что названо на дубль (роли, школы, кураторство, мероприятия, приказы, учётная запись), перейдёт к этому человеку; дубль будет удалён.",
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duplicate"].queryset = people
