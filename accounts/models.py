from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "Муниципальный координатор"
    CHAIR = "chair", "Председатель / начальник"
    CURATOR = "curator", "Куратор"
    DIRECTOR = "director", "Руководитель ОО"
    REGION = "region", "Региональный наблюдатель"
    REGION_ADMIN = "region_admin", "Региональный администратор"


# Region-level accounts: they belong to a region, not to a municipality.
REGION_ROLES = (Role.REGION, Role.REGION_ADMIN)


class Person(models.Model):
    """Someone named in the municipality's documents, with or without an account."""

    municipality = models.ForeignKey(
        "schools.Municipality", on_delete=models.CASCADE, related_name="people", verbose_name="муниципалитет"
    )
    last_name = models.CharField("фамилия", max_length=100)
    first_name = models.CharField("имя", max_length=100, blank=True, help_text="Полностью или инициалом: «Валентина» или «В.»")
    middle_name = models.CharField("отчество", max_length=100, blank=True)
    position = models.CharField("должность", max_length=500, blank=True)
    organisation = models.CharField("организация", max_length=500, blank=True)
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name="работает в ОО",
    )
    email = models.EmailField("эл. почта", blank=True)
    phone = models.CharField("телефон", max_length=50, blank=True)
    note = models.TextField("примечание", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "человек"
        verbose_name_plural = "люди"
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return self.short_name

    @property
    def short_name(self):
        """«Касьян В.В.»; a first name with a space («Сон Ок») is a non-Russian name and stays whole."""
        if " " in self.first_name.strip():
            return f"{self.last_name} {self.first_name}".strip()
        initials = "".join(f"{part.strip()[0]}." for part in (self.first_name, self.middle_name) if part.strip())
        return f"{self.last_name} {initials}".strip()

    @property
    def full_name(self):
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)


class PersonRole(models.Model):
    """A role a person holds in the work with ШНОР, as the documents name it."""

    class Kind(models.TextChoices):
        COORDINATOR = "coordinator", "Муниципальный координатор"
        CHAIR = "chair", "Председатель / начальник (подписывает приказы)"
        CURATOR = "curator", "Куратор"
        DIRECTOR = "director", "Руководитель ОО"
        METHODIST = "methodist", "Методист"
        CONTROLLER = "controller", "Контроль исполнения"
        SPECIALIST = "specialist", "Специалист органа управления образованием"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roles", verbose_name="человек")
    kind = models.CharField("роль", max_length=20, choices=Kind.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "роль человека"
        verbose_name_plural = "роли людей"
        constraints = [models.UniqueConstraint(fields=["person", "kind"], name="accounts_personrole_unique")]

    def __str__(self):
        return f"{self.person}: {self.get_kind_display()}"


class User(AbstractUser):
    """An account of the portal. Its role and municipality decide everything it may see."""

    role = models.CharField("роль", max_length=20, choices=Role.choices, blank=True)
    municipality = models.ForeignKey(
        "schools.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name="муниципалитет",
    )
    region = models.ForeignKey(
        "schools.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name="регион",
        help_text="Только для учётных записей региона: наблюдателя и администратора.",
    )
    person = models.OneToOneField(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="user", verbose_name="человек"
    )
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="director_accounts",
        verbose_name="ОО руководителя",
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = "учётная запись"
        verbose_name_plural = "учётные записи"

    def clean(self):
        super().clean()
        if self.is_superuser:
            return
        if self.role in REGION_ROLES:
            if not self.region_id:
                raise ValidationError({"region": "Укажите регион."})
            if self.municipality_id:
                raise ValidationError({"municipality": "Учётная запись региона не принадлежит муниципалитету."})
            return
        if self.role and not self.municipality_id:
            raise ValidationError({"municipality": "Учётная запись должна принадлежать муниципалитету."})
        if self.role == Role.DIRECTOR:
            if not self.school_id:
                raise ValidationError({"school": "Руководителю ОО нужно указать его школу."})
            if self.school.municipality_id != self.municipality_id:
                raise ValidationError({"school": "Школа относится к другому муниципалитету."})
        elif self.school_id:
            raise ValidationError({"school": "Школа указывается только для руководителя ОО."})
        if self.person_id and self.person.municipality_id != self.municipality_id:
            raise ValidationError({"person": "Человек относится к другому муниципалитету."})

    @property
    def reads_several_municipalities(self) -> bool:
        """A region's reader or administrator (or a superuser): lists name each row's municipality."""
        return self.is_superuser or self.role in REGION_ROLES

    @property
    def display_name(self):
        if self.person_id:
            return self.person.short_name
        return self.get_full_name() or self.username


class LoginEvent(models.Model):
    """One sign-in, sign-out or refused sign-in: who (or which name was tried), from where, when.

    Written from Django's auth signals (accounts/audit.py), so every way in — the login page,
    the admin's login — is recorded; there is no history model: a log is never edited.
    """

    class Kind(models.TextChoices):
        LOGIN = "login", "вход"
        LOGOUT = "logout", "выход"
        FAILED = "failed", "неудачная попытка входа"
        LOCKED_OUT = "locked_out", "попытка входа при блокировке"

    kind = models.CharField("событие", max_length=20, choices=Kind.choices)
    at = models.DateTimeField("когда", auto_now_add=True, db_index=True)
    # SET_NULL: the log outlives the account it mentions.
    user = models.ForeignKey(
        "User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="учётная запись"
    )
    username = models.CharField("имя пользователя (введённое)", max_length=150, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField("IP-адрес", null=True, blank=True)
    user_agent = models.CharField("браузер (User-Agent)", max_length=500, blank=True)

    class Meta:
        verbose_name = "событие входа"
        verbose_name_plural = "журнал входов"
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%d.%m.%Y %H:%M:%S} · {self.get_kind_display()} · {self.username}"
