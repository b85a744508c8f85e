import datetime
import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError("Неизвестный часовой пояс: «%(value)s». Пример: Asia/Omsk.", params={"value": value})


class Level(models.TextChoices):
    """Level of a context deficit, as the documents grade it."""

    HIGH = "high", "высокий"
    MEDIUM = "medium", "средний"
    LOW = "low", "низкий"


class Region(models.Model):
    name = models.CharField("наименование", max_length=200, unique=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "субъект РФ"
        verbose_name_plural = "субъекты РФ"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Municipality(models.Model):
    """A municipality and its education authority, as printed in the authority's orders."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="municipalities", verbose_name="регион")
    name = models.CharField("наименование", max_length=300, unique=True)
    authority_name = models.CharField(
        "орган управления образованием", max_length=500, help_text="Полное наименование, как в приказах."
    )
    authority_header = models.TextField(
        "шапка бланка", help_text="Строки заголовка документа, каждая с новой строки, как на бланке."
    )
    place = models.CharField("место издания документов", max_length=200, blank=True)
    head_position = models.CharField("должность руководителя", max_length=300, blank=True)
    head = models.ForeignKey(
        "accounts.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="руководитель",
    )
    time_zone = models.CharField("часовой пояс", max_length=64, default="Europe/Moscow", validators=[validate_time_zone])
    list_label = models.CharField(
        "название списка",
        max_length=50,
        default="ШНОР",
        help_text="Как в документах муниципалитета называется список: ШНОР, ПРШ…",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "муниципалитет"
        verbose_name_plural = "муниципалитеты"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def today(self) -> datetime.date:
        """The date on the municipality's clocks: its users' pages count «today» by it (UTC+6 to UTC+11)."""
        return timezone.localdate(timezone=zoneinfo.ZoneInfo(self.time_zone))

    @property
    def time_zone_label(self) -> str:
        """«UTC+6» rather than «Asia/Omsk»: what a person reads on a clock."""
        offset = datetime.datetime.now(zoneinfo.ZoneInfo(self.time_zone)).utcoffset() or datetime.timedelta(0)
        minutes = int(offset.total_seconds() // 60)
        hours, rest = divmod(abs(minutes), 60)
        return f"UTC{'+' if minutes >= 0 else '−'}{hours}" + (f":{rest:02d}" if rest else "")


class School(models.Model):
    class Kind(models.TextChoices):
        SECONDARY = "secondary", "СОШ (средняя)"
        BASIC = "basic", "ООШ (основная)"
        PRIMARY = "primary", "НОШ (начальная)"
        GYMNASIUM = "gymnasium", "гимназия"
        LYCEUM = "lyceum", "лицей"
        SCHOOL = "school", "школа"
        BOARDING = "boarding", "школа-интернат"
        BRANCH = "branch", "филиал"

    class Locality(models.TextChoices):
        URBAN = "urban", "городская"
        RURAL = "rural", "сельская"

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="schools", verbose_name="муниципалитет"
    )
    full_name = models.CharField("полное наименование", max_length=500)
    short_name = models.CharField("краткое наименование", max_length=200)
    abbreviation = models.CharField(
        "сокращение в таблицах", max_length=50, blank=True, help_text="Как школа подписана в таблицах: «НСОШ 1»."
    )
    kind = models.CharField("вид", max_length=20, choices=Kind.choices)
    branch_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="branches",
        verbose_name="филиал школы",
    )
    locality = models.CharField("тип местности", max_length=10, choices=Locality.choices)
    is_small = models.BooleanField("малокомплектная", default=False)
    settlement = models.CharField("населённый пункт", max_length=200, blank=True)
    distance_to_centre_km = models.PositiveIntegerField(
        "удалённость от регионального центра, км", null=True, blank=True
    )
    director = models.ForeignKey(
        "accounts.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directed_schools",
        verbose_name="руководитель",
    )
    address = models.CharField("адрес", max_length=500, blank=True)
    phone = models.CharField("телефон", max_length=100, blank=True)
    email = models.EmailField("эл. почта", blank=True)
    website = models.URLField("сайт", blank=True)
    note = models.TextField("примечание", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "общеобразовательная организация"
        verbose_name_plural = "общеобразовательные организации"
        ordering = ["municipality", "short_name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "short_name"], name="schools_school_unique_short_name"),
        ]

    def __str__(self):
        return self.short_name

    def clean(self):
        if self.branch_of_id:
            if self.branch_of_id == self.pk:
                raise ValidationError({"branch_of": "Школа не может быть филиалом самой себя."})
            if self.branch_of.municipality_id != self.municipality_id:
                raise ValidationError({"branch_of": "Головная школа относится к другому муниципалитету."})


class SchoolYearData(models.Model):
    """What the documents say about a school in one school year (2022 means 2022/2023)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="year_data", verbose_name="ОО")
    year = models.PositiveSmallIntegerField(
        "учебный год (начало)", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    pupils_total = models.PositiveIntegerField("обучающихся всего", null=True, blank=True)
    pupils_grade9 = models.PositiveIntegerField("обучающихся 9-х классов", null=True, blank=True)
    pupils_grade11 = models.PositiveIntegerField("обучающихся 11-х классов", null=True, blank=True)
    pupils_transported = models.PositiveIntegerField("подвозимых обучающихся", null=True, blank=True)
    pedagogues_total = models.PositiveIntegerField("педагогических работников", null=True, blank=True)
    teachers_total = models.PositiveIntegerField("в том числе учителей", null=True, blank=True)
    category_highest = models.PositiveIntegerField("высшая категория", null=True, blank=True)
    category_first = models.PositiveIntegerField("первая категория", null=True, blank=True)
    category_conformity = models.PositiveIntegerField("соответствие должности", null=True, blank=True)
    category_none = models.PositiveIntegerField("без категории", null=True, blank=True)
    social_pedagogue_rate = models.DecimalField(
        "социальный педагог, ставок", max_digits=4, decimal_places=2, null=True, blank=True
    )
    psychologist_rate = models.DecimalField("педагог-психолог, ставок", max_digits=4, decimal_places=2, null=True, blank=True)
    speech_therapist_rate = models.DecimalField("учитель-логопед, ставок", max_digits=4, decimal_places=2, null=True, blank=True)
    defectologist_rate = models.DecimalField("педагог-дефектолог, ставок", max_digits=4, decimal_places=2, null=True, blank=True)
    weekly_load_hours = models.DecimalField("средняя нагрузка, ч/нед", max_digits=4, decimal_places=1, null=True, blank=True)
    deficit_staff = models.CharField("дефицит кадров", max_length=10, choices=Level.choices, blank=True)
    deficit_infrastructure = models.CharField("дефицит инфраструктуры", max_length=10, choices=Level.choices, blank=True)
    deficit_transport = models.CharField("транспортная доступность (дефицит)", max_length=10, choices=Level.choices, blank=True)
    is_resilient = models.BooleanField("резильентная", default=False)
    context_note = models.TextField("контекст (как в документе)", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "данные ОО за учебный год"
        verbose_name_plural = "данные ОО за учебные годы"
        ordering = ["school", "-year"]
        constraints = [models.UniqueConstraint(fields=["school", "year"], name="schools_schoolyeardata_unique_year")]

    def __str__(self):
        return f"{self.school} — {self.school_year_label}"

    @property
    def school_year_label(self):
        return f"{self.year}/{self.year + 1}"

    def clean(self):
        if self.teachers_total is not None and self.pedagogues_total is not None:
            if self.teachers_total > self.pedagogues_total:
                raise ValidationError({"teachers_total": "Учителей не может быть больше, чем педагогических работников."})
        for grade_field in ("pupils_grade9", "pupils_grade11"):
            value = getattr(self, grade_field)
            if value is not None and self.pupils_total is not None and value > self.pupils_total:
                raise ValidationError({grade_field: "Не может быть больше общей численности обучающихся."})


class SocialPassport(models.Model):
    """Social passport and parents' education of a school in one school year."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="social_passports", verbose_name="ОО")
    year = models.PositiveSmallIntegerField("учебный год (начало)")
    children_total = models.PositiveIntegerField("всего детей", null=True, blank=True)
    large_families = models.PositiveIntegerField("дети из многодетных семей", null=True, blank=True)
    single_parent = models.PositiveIntegerField("дети из неполных семей", null=True, blank=True)
    low_income = models.PositiveIntegerField("дети из малообеспеченных семей", null=True, blank=True)
    dysfunctional = models.PositiveIntegerField("дети из неблагополучных семей", null=True, blank=True)
    dysfunctional_note = models.CharField("примечание (неблагополучные)", max_length=100, blank=True)
    school_register = models.PositiveIntegerField("дети, состоящие на ВШУ", null=True, blank=True)
    guardianship = models.PositiveIntegerField("опекаемые дети", null=True, blank=True)
    disabilities = models.PositiveIntegerField("дети с ОВЗ", null=True, blank=True)
    other_native_language = models.PositiveIntegerField(
        "учащиеся, чей родной язык отличается от языка обучения", null=True, blank=True
    )
    parents_higher = models.PositiveIntegerField("родители: высшее образование", null=True, blank=True)
    parents_vocational = models.PositiveIntegerField("родители: среднее профессиональное", null=True, blank=True)
    parents_secondary = models.PositiveIntegerField("родители: среднее общее", null=True, blank=True)
    parents_basic = models.PositiveIntegerField("родители: основное общее", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "социальный паспорт"
        verbose_name_plural = "социальные паспорта"
        ordering = ["school", "-year"]
        constraints = [models.UniqueConstraint(fields=["school", "year"], name="schools_socialpassport_unique_year")]

    def __str__(self):
        return f"{self.school} — {self.year}/{self.year + 1}"


class CuratorAssignment(models.Model):
    """A curator looks after a school from one date to another; the curator's account sees it then."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="curator_assignments", verbose_name="ОО")
    curator = models.ForeignKey(
        "accounts.Person", on_delete=models.CASCADE, related_name="curator_assignments", verbose_name="куратор"
    )
    start_date = models.DateField("с", null=True, blank=True)
    end_date = models.DateField("по", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "закрепление куратора"
        verbose_name_plural = "закрепления кураторов"
        ordering = ["school", "-start_date"]

    def __str__(self):
        return f"{self.curator} → {self.school}"

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "Дата окончания раньше даты начала."})
        if self.curator_id and self.school_id and self.curator.municipality_id != self.school.municipality_id:
            raise ValidationError({"curator": "Куратор из другого муниципалитета."})


class SchoolList(models.Model):
    """One year's list (ШНОР, ШНСУ, зона риска) of a municipality, with the document it came from."""

    class Category(models.TextChoices):
        SHNOR = "shnor", "ШНОР"
        SHNSU = "shnsu", "ШНСУ"
        RISK_ZONE = "risk_zone", "зона риска"

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="school_lists", verbose_name="муниципалитет"
    )
    year = models.PositiveSmallIntegerField("год", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    category = models.CharField("категория", max_length=20, choices=Category.choices, default=Category.SHNOR)
    title = models.CharField("название", max_length=300, blank=True, help_text="Как в документе: «ПРШ 2022».")
    source = models.TextField("источник", blank=True, help_text="Документ, из которого взят список.")
    schools = models.ManyToManyField(School, through="SchoolListEntry", related_name="lists", verbose_name="ОО")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "список за год"
        verbose_name_plural = "списки за годы"
        ordering = ["municipality", "-year", "category"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year", "category"], name="schools_schoollist_unique_year"),
        ]

    def __str__(self):
        return self.title or f"{self.get_category_display()} {self.year}"


class SchoolListEntry(models.Model):
    class FiokoCluster(models.TextChoices):
        STRONG = "strong", "Сильно неуспевающие"
        MODERATE = "moderate", "Умеренно неуспевающие"

    class Trend(models.TextChoices):
        UP = "up", "↑ положительная"
        DOWN = "down", "↓ отрицательная"
        STABLE = "stable", "→ без изменений"

    school_list = models.ForeignKey(SchoolList, on_delete=models.CASCADE, related_name="entries", verbose_name="список")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="list_entries", verbose_name="ОО")
    markers = models.TextField("маркеры", blank=True, help_text="Причины включения, каждая с новой строки.")
    fioko_cluster = models.CharField("кластер ФИОКО", max_length=20, choices=FiokoCluster.choices, blank=True)
    trend = models.CharField("динамика", max_length=10, choices=Trend.choices, blank=True)
    objectivity_issue = models.BooleanField("признаки необъективности", default=False)
    note = models.CharField("примечание", max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "школа в списке"
        verbose_name_plural = "школы в списках"
        ordering = ["school_list", "school__short_name"]
        constraints = [
            models.UniqueConstraint(fields=["school_list", "school"], name="schools_schoollistentry_unique_school"),
        ]

    def __str__(self):
        return f"{self.school} в списке «{self.school_list}»"

    def clean(self):
        if self.school_id and self.school_list_id and self.school.municipality_id != self.school_list.municipality_id:
            raise ValidationError({"school": "Школа относится к другому муниципалитету."})

    @property
    def marker_list(self):
        return [line.strip() for line in self.markers.splitlines() if line.strip()]
