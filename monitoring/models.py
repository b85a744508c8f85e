import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords


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
        executor = self.school or "муниципалитет"
        return f"{self.activity.number} · {executor} · до {self.due_date:%d.%m.%Y}"

    def clean(self):
        if self.window_start and self.due_date and self.window_start > self.due_date:
            raise ValidationError({"window_start": "Начало окна позже срока."})
        if self.status == self.Status.CANCELLED and not self.cancel_reason.strip():
            raise ValidationError({"cancel_reason": "Укажите причину отмены."})

    def is_overdue(self, today: datetime.date) -> bool:
        return self.status not in self.CLOSED_STATUSES and self.due_date < today

    @property
    def is_rescheduled(self):
        return self.original_due_date is not None and self.original_due_date != self.due_date


class Evidence(models.Model):
    """A file or link that proves a control point was done; files are served only through a checked view."""

    control_point = models.ForeignKey(ControlPoint, on_delete=models.CASCADE, related_name="evidence", verbose_name="контрольная точка")
    file = models.FileField("файл", upload_to="evidence/%Y/%m/", blank=True)
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
    history = HistoricalRecords()

    class Meta:
        verbose_name = "мониторинговый визит"
        verbose_name_plural = "мониторинговые визиты"
        ordering = ["-date"]

    def __str__(self):
        return f"{self.school}, {self.date:%d.%m.%Y}"


class Procedure(models.TextChoices):
    OGE = "oge", "ОГЭ"
    EGE = "ege", "ЕГЭ"
    VPR = "vpr", "ВПР"
    RDR = "rdr", "РДР"
    REGIONAL = "regional", "Региональная диагностика"


class ExamResult(models.Model):
    """A school's result in one procedure, subject, grade and year."""

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="exam_results", verbose_name="ОО")
    procedure = models.CharField("процедура", max_length=20, choices=Procedure.choices)
    subject = models.CharField("предмет", max_length=200)
    grade = models.PositiveSmallIntegerField("класс", null=True, blank=True)
    year = models.PositiveSmallIntegerField("год")
    average_score = models.DecimalField("средний балл", max_digits=6, decimal_places=2, null=True, blank=True)
    failed_share = models.DecimalField("доля не справившихся, %", max_digits=5, decimal_places=2, null=True, blank=True)
    participants = models.PositiveIntegerField("участников", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "результат оценочной процедуры"
        verbose_name_plural = "результаты оценочных процедур"
        ordering = ["school", "procedure", "subject", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "procedure", "subject", "grade", "year"], name="monitoring_examresult_unique"
            ),
        ]

    def __str__(self):
        return f"{self.school} · {self.get_procedure_display()} · {self.subject} · {self.year}"


class ReferenceResult(models.Model):
    """A municipal or regional average to compare a school's result against."""

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
    grade = models.PositiveSmallIntegerField("класс", null=True, blank=True)
    year = models.PositiveSmallIntegerField("год")
    average_score = models.DecimalField("средний балл", max_digits=6, decimal_places=2, null=True, blank=True)
    failed_share = models.DecimalField("доля не справившихся, %", max_digits=5, decimal_places=2, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "средний результат (муниципалитет, регион)"
        verbose_name_plural = "средние результаты (муниципалитет, регион)"
        ordering = ["procedure", "subject", "year"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(level="municipality", municipality__isnull=False)
                    | models.Q(level="region", region__isnull=False)
                ),
                name="monitoring_referenceresult_level_owner",
            ),
        ]

    def __str__(self):
        return f"{self.get_level_display()} · {self.get_procedure_display()} · {self.subject} · {self.year}"


class PlanIndicator(models.Model):
    """An effectiveness indicator defined on a plan (e.g. «доля педагогов, прошедших КПК», 100 %)."""

    plan = models.ForeignKey("roadmaps.Plan", on_delete=models.CASCADE, related_name="indicators", verbose_name="план")
    position = models.PositiveSmallIntegerField("№")
    name = models.TextField("показатель")
    kind = models.CharField(
        "вид", max_length=20, choices=[("quantitative", "количественный"), ("qualitative", "качественный")], default="quantitative"
    )
    unit = models.CharField("единица", max_length=50, blank=True)
    target_value = models.DecimalField("целевое значение", max_digits=10, decimal_places=2, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "показатель плана"
        verbose_name_plural = "показатели плана"
        ordering = ["plan", "position"]

    def __str__(self):
        return self.name[:80]


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(PlanIndicator, on_delete=models.CASCADE, related_name="values", verbose_name="показатель")
    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, null=True, blank=True, related_name="indicator_values", verbose_name="ОО"
    )
    period_start = models.DateField("период с")
    period_end = models.DateField("период по")
    value = models.DecimalField("значение", max_digits=10, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "значение показателя"
        verbose_name_plural = "значения показателей"
        ordering = ["indicator", "period_start"]

    def __str__(self):
        return f"{self.indicator}: {self.value}"
