import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from monitoring.control.storage import evidence_upload_to, private_storage, visit_upload_to


class ControlPoint(models.Model):
    """One due occurrence of one activity for one executor: the unit that is tracked and counted."""

    class Status(models.TextChoices):
        PLANNED = "planned", "запланировано"
        IN_PROGRESS = "in_progress", "в работе"
        SUBMITTED = "submitted", "на проверке"
        REWORK = "rework", "на доработке"
        DONE = "done", "выполнено"
        CANCELLED = "cancelled", "отменено"

    CLOSED_STATUSES = (Status.DONE, Status.CANCELLED)

    activity = models.ForeignKey(
        "roadmaps.Activity", on_delete=models.CASCADE, related_name="control_points", verbose_name="мероприятие"
    )
    # Denormalised from activity → plan so that scoping and the dashboards filter on one indexed column.
    municipality = models.ForeignKey(
        "schools.Municipality", on_delete=models.PROTECT, related_name="control_points", verbose_name="муниципалитет"
    )
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="control_points",
        verbose_name="ОО",
        help_text="Пусто — исполнитель муниципального уровня.",
    )
    # A point with no school is the municipality's, or — when set — the region body's in this
    # municipality's plan (3-level plans: «регион / район / ОО»); the municipality stays the plan's.
    regional = models.BooleanField("исполняет регион", default=False, db_default=False)
    window_start = models.DateField("начало окна", null=True, blank=True)
    due_date = models.DateField("срок")
    original_due_date = models.DateField("первоначальный срок", null=True, blank=True)
    status = models.CharField("статус", max_length=20, choices=Status.choices, default=Status.PLANNED)
    report_text = models.TextField("что сделано", blank=True)
    achieved_value = models.DecimalField("достигнутое значение", max_digits=10, decimal_places=2, null=True, blank=True)
    submitted_at = models.DateTimeField("отправлено на проверку", null=True, blank=True)
    completed_at = models.DateTimeField("выполнено", null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="принял",
    )
    accepted_at = models.DateTimeField("принято", null=True, blank=True)
    cancel_reason = models.TextField("причина отмены", blank=True)
    needs_decision = models.BooleanField(
        "требует решения координатора",
        default=False,
        help_text="Окно исчезло после изменения плана, а по точке уже есть отчёт.",
    )
    version = models.PositiveIntegerField("версия", default=1, editable=False)
    created_at = models.DateTimeField("создано", auto_now_add=True)
    updated_at = models.DateTimeField("изменено", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "контрольная точка"
        verbose_name_plural = "контрольные точки"
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["municipality", "due_date"], name="monitoring_cp_muni_due"),
            models.Index(fields=["school", "due_date"], name="monitoring_cp_school_due"),
            models.Index(fields=["municipality", "status", "due_date"], name="monitoring_cp_muni_status_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(window_start__isnull=True) | models.Q(window_start__lte=models.F("due_date")),
                name="monitoring_controlpoint_window_ordered",
            ),
        ]

    def __str__(self):
        executor = self.school or ("регион" if self.regional else "муниципалитет")
        return f"{self.activity.number} · {executor} · до {self.due_date:%d.%m.%Y}"

    @property
    def executor_level_label(self) -> str:
        """Where the point is done, for letters and lists: the school's short name or the level."""
        if self.school_id:
            return self.school.short_name
        return "региональный уровень" if self.regional else "муниципальный уровень"

    def clean(self):
        if self.window_start and self.due_date and self.window_start > self.due_date:
            raise ValidationError({"window_start": "Начало окна позже срока."})
        if self.status == self.Status.CANCELLED and not self.cancel_reason.strip():
            raise ValidationError({"cancel_reason": "Укажите причину отмены."})

    def is_overdue(self, today: datetime.date) -> bool:
        return self.status not in self.CLOSED_STATUSES and self.due_date < today

    def days_overdue(self, today: datetime.date) -> int:
        return (today - self.due_date).days if self.is_overdue(today) else 0

    @property
    def is_rescheduled(self):
        return self.original_due_date is not None and self.original_due_date != self.due_date

    @property
    def completed_late(self) -> bool:
        """«выполнено с нарушением срока»: accepted on a day (in the zone shown) after the date in force."""
        return (
            self.status == self.Status.DONE
            and self.completed_at is not None
            and timezone.localdate(self.completed_at) > self.due_date
        )


class Evidence(models.Model):
    """A file or link that proves a control point was done; files are served only through a checked view."""

    control_point = models.ForeignKey(ControlPoint, on_delete=models.CASCADE, related_name="evidence", verbose_name="контрольная точка")
    file = models.FileField("файл", upload_to=evidence_upload_to, storage=private_storage, blank=True)
    original_name = models.CharField("имя файла", max_length=255, blank=True)
    content_type = models.CharField("тип", max_length=100, blank=True)
    size = models.PositiveBigIntegerField("размер, байт", null=True, blank=True)
    link = models.URLField("ссылка", max_length=1000, blank=True)
    description = models.CharField("описание", max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="загрузил"
    )
    uploaded_at = models.DateTimeField("загружено", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "подтверждающий документ"
        verbose_name_plural = "подтверждающие документы"
        ordering = ["control_point", "uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(file="") | ~models.Q(link=""), name="monitoring_evidence_file_or_link"
            ),
        ]

    def __str__(self):
        return self.original_name or self.link


class ControlPointComment(models.Model):
    control_point = models.ForeignKey(ControlPoint, on_delete=models.CASCADE, related_name="comments", verbose_name="контрольная точка")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="автор")
    text = models.TextField("комментарий")
    created_at = models.DateTimeField("создан", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "комментарий"
        verbose_name_plural = "комментарии"
        ordering = ["control_point", "created_at"]

    def __str__(self):
        return self.text[:60]


class MonitoringVisit(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="visits", verbose_name="ОО")
    date = models.DateField("дата")
    visitor = models.ForeignKey(
        "accounts.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="visits", verbose_name="кто посетил"
    )
    purpose = models.TextField("цель")
    findings = models.TextField("выводы", blank=True)
    recommendations = models.TextField("рекомендации", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="внёс"
    )
    version = models.PositiveIntegerField("версия", default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "мониторинговый визит"
        verbose_name_plural = "мониторинговые визиты"
        ordering = ["-date"]

    def __str__(self):
        return f"{self.school}, {self.date:%d.%m.%Y}"


class VisitFile(models.Model):
    """A file attached to a monitoring visit (a report, a photo of the visit sheet); same rules as evidence."""

    visit = models.ForeignKey(MonitoringVisit, on_delete=models.CASCADE, related_name="files", verbose_name="визит")
    file = models.FileField("файл", upload_to=visit_upload_to, storage=private_storage)
    original_name = models.CharField("имя файла", max_length=255)
    content_type = models.CharField("тип", max_length=100)
    size = models.PositiveBigIntegerField("размер, байт")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="загрузил"
    )
    uploaded_at = models.DateTimeField("загружено", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "файл визита"
        verbose_name_plural = "файлы визитов"
        ordering = ["visit", "uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class DueDateChangeRequest(models.Model):
    """A director's request to move a control point's due date; the coordinator grants or refuses it."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "запрошен"
        GRANTED = "granted", "перенос разрешён"
        REFUSED = "refused", "в переносе отказано"

    control_point = models.ForeignKey(
        ControlPoint, on_delete=models.CASCADE, related_name="due_date_requests", verbose_name="контрольная точка"
    )
    current_due_date = models.DateField("срок на момент запроса")
    requested_date = models.DateField("новый срок")
    reason = models.TextField("причина")
    status = models.CharField("статус", max_length=20, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="запросил"
    )
    requested_at = models.DateTimeField("запрошено", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="решил"
    )
    decided_at = models.DateTimeField("решено", null=True, blank=True)
    comment = models.TextField("комментарий к решению", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "запрос на перенос срока"
        verbose_name_plural = "запросы на перенос срока"
        ordering = ["control_point", "requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["control_point"],
                condition=models.Q(status="requested"),
                name="monitoring_duedatechangerequest_one_open",
            ),
        ]

    def __str__(self):
        return f"{self.control_point_id}: {self.current_due_date:%d.%m.%Y} → {self.requested_date:%d.%m.%Y}"


class Notification(models.Model):
    """An in-app notice (the bell): a report came, came back, was accepted, a comment, a due-date decision."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "отчёт на проверке"
        RETURNED = "returned", "возвращено на доработку"
        ACCEPTED = "accepted", "отчёт принят"
        COMMENT = "comment", "новый комментарий"
        DUE_DATE_REQUESTED = "due_date_requested", "запрос на перенос срока"
        DUE_DATE_DECIDED = "due_date_decided", "решение о переносе срока"
        CANCELLED = "cancelled", "точка отменена"
        ORDER_READY = "order_ready", "проект приказа готов к подписи"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name="кому"
    )
    kind = models.CharField("вид", max_length=30, choices=Kind.choices)
    control_point = models.ForeignKey(
        ControlPoint, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="контрольная точка"
    )
    # The order a notice is about (a draft ready to sign): the bell links to it.
    order = models.ForeignKey(
        "reports.Order", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="приказ"
    )
    text = models.TextField("текст")
    created_at = models.DateTimeField("создано", auto_now_add=True)
    read_at = models.DateTimeField("прочитано", null=True, blank=True)

    class Meta:
        verbose_name = "уведомление"
        verbose_name_plural = "уведомления"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="monitoring_notif_user_read")]

    def __str__(self):
        return self.text[:80]


class ReminderSettings(models.Model):
    """How a municipality's morning digest goes out; created with the defaults when first needed."""

    municipality = models.OneToOneField(
        "schools.Municipality", on_delete=models.CASCADE, related_name="reminder_settings", verbose_name="муниципалитет"
    )
    enabled = models.BooleanField("рассылка включена", default=True)
    days_ahead = models.PositiveSmallIntegerField(
        "за сколько дней напоминать о сроке", default=7, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    escalation_days = models.PositiveSmallIntegerField(
        "эскалация после просрочки, дней",
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(180)],
        help_text="Просрочка больше N дней — в письме куратора, больше 2N — в письме координатора.",
    )
    send_hour = models.PositiveSmallIntegerField(
        "час отправки (местное время)", default=8, validators=[MinValueValidator(0), MaxValueValidator(23)]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "настройки напоминаний"
        verbose_name_plural = "настройки напоминаний"

    def __str__(self):
        return f"Напоминания: {self.municipality}"


class DigestLog(models.Model):
    """One digest per person and local day: the row is claimed before the letter goes (a rerun sends nothing)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="кому")
    local_date = models.DateField("день (местный)")
    claimed_at = models.DateTimeField("начато", auto_now_add=True)
    sent_at = models.DateTimeField("отправлено", null=True, blank=True)
    items = models.PositiveIntegerField("контрольных точек в письме", default=0)

    class Meta:
        verbose_name = "отправленная сводка"
        verbose_name_plural = "отправленные сводки"
        ordering = ["-local_date", "user"]
        constraints = [models.UniqueConstraint(fields=["user", "local_date"], name="monitoring_digestlog_once_a_day")]

    def __str__(self):
        return f"{self.user} · {self.local_date:%d.%m.%Y}"


class Procedure(models.TextChoices):
    OGE = "oge", "ОГЭ"
    EGE = "ege", "ЕГЭ"
    VPR = "vpr", "ВПР"
    RDR = "rdr", "РДР"
    REGIONAL = "regional", "Региональная диагностика"


_GRADE_VALIDATORS = [MinValueValidator(1, "Класс — от 1 до 11."), MaxValueValidator(11, "Класс — от 1 до 11.")]
_YEAR_VALIDATORS = [MinValueValidator(2000, "Год — четыре цифры, не раньше 2000."), MaxValueValidator(2100, "Год — не позже 2100.")]
_SHARE_VALIDATORS = [MinValueValidator(0, "Доля — от 0 до 100 %."), MaxValueValidator(100, "Доля — от 0 до 100 %.")]


class ExamResult(models.Model):
    """A school's result in one procedure, subject, grade and year.

    The source tables hold three kinds of cell: a score, «-» (the procedure was held but nobody from
    the school took the subject: participants = 0, no score) and an empty cell (no row at all).
    """

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="exam_results", verbose_name="ОО")
    procedure = models.CharField("процедура", max_length=20, choices=Procedure.choices)
    subject = models.CharField("предмет", max_length=200)
    grade = models.PositiveSmallIntegerField("класс", validators=_GRADE_VALIDATORS)
    year = models.PositiveSmallIntegerField("год проведения", validators=_YEAR_VALIDATORS)
    average_score = models.DecimalField(
        "средний балл", max_digits=6, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0, "Балл не может быть отрицательным.")]
    )
    failed_share = models.DecimalField(
        "доля не справившихся, %", max_digits=5, decimal_places=2, null=True, blank=True, validators=_SHARE_VALIDATORS
    )
    participants = models.PositiveIntegerField("участников", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "результат оценочной процедуры"
        verbose_name_plural = "результаты оценочных процедур"
        ordering = ["school", "procedure", "subject", "grade", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "procedure", "subject", "grade", "year"], name="monitoring_examresult_unique"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(average_score__isnull=False) | models.Q(failed_share__isnull=False) | models.Q(participants=0)
                ),
                name="monitoring_examresult_has_value",
            ),
        ]
        indexes = [models.Index(fields=["procedure", "year"], name="mon_examresult_proc_year")]

    def __str__(self):
        return f"{self.school} · {self.get_procedure_display()} · {self.subject} · {self.year}"

    @property
    def nobody_took_it(self):
        return self.participants == 0 and self.average_score is None


class ReferenceResult(models.Model):
    """A municipal or regional average to compare a school's result against.

    A regional average is kept as the municipality quotes it (its documents print them beside the
    schools' scores): the row belongs to that municipality too, so one municipality's coordinator
    never changes what a neighbouring municipality compares against.
    """

    class Level(models.TextChoices):
        MUNICIPALITY = "municipality", "муниципалитет"
        REGION = "region", "регион"

    level = models.CharField("уровень", max_length=20, choices=Level.choices)
    municipality = models.ForeignKey(
        "schools.Municipality", on_delete=models.CASCADE, null=True, blank=True, related_name="reference_results", verbose_name="муниципалитет"
    )
    region = models.ForeignKey(
        "schools.Region", on_delete=models.CASCADE, null=True, blank=True, related_name="reference_results", verbose_name="регион"
    )
    procedure = models.CharField("процедура", max_length=20, choices=Procedure.choices)
    subject = models.CharField("предмет", max_length=200)
    grade = models.PositiveSmallIntegerField("класс", validators=_GRADE_VALIDATORS)
    year = models.PositiveSmallIntegerField("год проведения", validators=_YEAR_VALIDATORS)
    average_score = models.DecimalField("средний балл", max_digits=6, decimal_places=2, null=True, blank=True)
    failed_share = models.DecimalField(
        "доля не справившихся, %", max_digits=5, decimal_places=2, null=True, blank=True, validators=_SHARE_VALIDATORS
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "средний результат (муниципалитет, регион)"
        verbose_name_plural = "средние результаты (муниципалитет, регион)"
        ordering = ["procedure", "subject", "grade", "year"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(level="municipality", municipality__isnull=False, region__isnull=True)
                    | models.Q(level="region", region__isnull=False, municipality__isnull=False)
                ),
                name="monitoring_referenceresult_level_owner",
            ),
            models.UniqueConstraint(
                fields=["municipality", "procedure", "subject", "grade", "year"],
                condition=models.Q(level="municipality"),
                name="monitoring_referenceresult_unique_municipal",
            ),
            models.UniqueConstraint(
                fields=["municipality", "procedure", "subject", "grade", "year"],
                condition=models.Q(level="region"),
                name="monitoring_referenceresult_unique_regional",
            ),
        ]

    def __str__(self):
        return f"{self.get_level_display()} · {self.get_procedure_display()} · {self.subject} · {self.year}"


class PlanIndicator(models.Model):
    """An effectiveness indicator defined on a plan (e.g. «доля педагогов, прошедших КПК», 100 %)."""

    class Kind(models.TextChoices):
        QUANTITATIVE = "quantitative", "количественный"
        QUALITATIVE = "qualitative", "качественный"

    class Comparator(models.TextChoices):
        AT_LEAST = "gte", "не менее"
        AT_MOST = "lte", "не более"
        EXACTLY = "eq", "ровно"

    plan = models.ForeignKey("roadmaps.Plan", on_delete=models.CASCADE, related_name="indicators", verbose_name="план")
    position = models.PositiveSmallIntegerField("№")
    name = models.TextField("показатель")
    kind = models.CharField("вид", max_length=20, choices=Kind.choices, default=Kind.QUANTITATIVE)
    comparator = models.CharField("условие", max_length=3, choices=Comparator.choices, default=Comparator.AT_LEAST)
    unit = models.CharField("единица", max_length=50, blank=True)
    target_value = models.DecimalField("целевое значение", max_digits=10, decimal_places=2, null=True, blank=True)
    per_school = models.BooleanField(
        "значения по школам", default=True, help_text="Снимите, если показатель считается по муниципалитету в целом."
    )
    version = models.PositiveIntegerField("версия", default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "показатель плана"
        verbose_name_plural = "показатели плана"
        ordering = ["plan", "position"]

    def __str__(self):
        return self.name[:80]

    def is_achieved(self, value):
        """None when there is nothing to compare (no target or no value)."""
        if value is None or self.target_value is None:
            return None
        if self.comparator == self.Comparator.AT_MOST:
            return value <= self.target_value
        if self.comparator == self.Comparator.EXACTLY:
            return value == self.target_value
        return value >= self.target_value

    @property
    def target_label(self):
        if self.target_value is None:
            return ""
        value = f"{self.target_value.normalize():f}".replace(".", ",")
        prefix = "" if self.comparator == self.Comparator.EXACTLY else self.get_comparator_display() + " "
        return f"{prefix}{value} {self.unit}".strip()


class IndicatorValue(models.Model):
    """An indicator's value for one school (or the municipality, school empty) over one period."""

    indicator = models.ForeignKey(PlanIndicator, on_delete=models.CASCADE, related_name="values", verbose_name="показатель")
    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, null=True, blank=True, related_name="indicator_values", verbose_name="ОО"
    )
    period_start = models.DateField("период с")
    period_end = models.DateField("период по")
    value = models.DecimalField("значение", max_digits=10, decimal_places=2)
    note = models.TextField("комментарий", blank=True)
    version = models.PositiveIntegerField("версия", default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "значение показателя"
        verbose_name_plural = "значения показателей"
        ordering = ["indicator", "period_start", "school"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="monitoring_indicatorvalue_period_order"
            ),
            models.UniqueConstraint(
                fields=["indicator", "school", "period_start"],
                condition=models.Q(school__isnull=False),
                name="monitoring_indicatorvalue_unique_school",
            ),
            models.UniqueConstraint(
                fields=["indicator", "period_start"],
                condition=models.Q(school__isnull=True),
                name="monitoring_indicatorvalue_unique_total",
            ),
        ]

    def __str__(self):
        return f"{self.indicator}: {self.value}"

    @property
    def achieved(self):
        return self.indicator.is_achieved(self.value)


def _calendar_token() -> str:
    # 32 random bytes (43 URL-safe characters): the token alone opens the feed, so it must be unguessable.
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's deadline feed (.ics): its secret token is the credential, not a session.

    Calendar programs fetch the feed without signing in, so the URL itself is the secret: one per
    account, changed by «Сменить ссылку» (the old URL then gives 404). The token is kept out of the
    history: a past token is of no use, but the current one must not be copied to a second table.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed", verbose_name="учётная запись"
    )
    token = models.CharField("ключ ссылки", max_length=64, unique=True, default=_calendar_token, editable=False)
    created_at = models.DateTimeField("ссылка выдана", default=timezone.now)
    last_fetched_at = models.DateTimeField("последнее обращение календаря", null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["token", "last_fetched_at"])

    class Meta:
        verbose_name = "календарь сроков"
        verbose_name_plural = "календари сроков"

    def __str__(self):
        return f"Календарь: {self.user}"

    def rotate(self):
        """A new secret: the old URL stops working at once."""
        self.token = _calendar_token()
        self.created_at = timezone.now()
