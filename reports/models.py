from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords


class Order(models.Model):
    """A приказ or распоряжение of the authority; once signed it never changes, a change is a new order."""

    class Kind(models.TextChoices):
        ORDER = "order", "Приказ"
        DIRECTIVE = "directive", "Распоряжение"

    class Status(models.TextChoices):
        DRAFT = "draft", "проект"
        SIGNED = "signed", "подписан"

    class ApprovalKind(models.TextChoices):
        NONE = "", "нет"
        APPROVE = "approve", "УТВЕРЖДАЮ"
        AGREE = "agree", "СОГЛАСОВАНО"

    municipality = models.ForeignKey(
        "schools.Municipality", on_delete=models.PROTECT, related_name="orders", verbose_name="муниципалитет"
    )
    kind = models.CharField("вид", max_length=20, choices=Kind.choices, default=Kind.ORDER)
    header = models.TextField("шапка", help_text="Наименование органа на бланке, строка за строкой.")
    number = models.CharField("номер", max_length=100, blank=True)
    date = models.DateField("дата", null=True, blank=True)
    place = models.CharField("место издания", max_length=200, blank=True)
    title = models.TextField("заголовок")
    preamble = models.TextField("преамбула", blank=True)
    operative_word = models.CharField("распорядительное слово", max_length=50, blank=True, default="ПРИКАЗЫВАЮ:")
    signatory_position = models.CharField("должность подписанта", max_length=300)
    signatory_name = models.CharField("подписант (И.О. Фамилия)", max_length=200)
    signatory = models.ForeignKey(
        "accounts.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="подписант"
    )
    approval_kind = models.CharField("гриф", max_length=10, choices=ApprovalKind.choices, blank=True)
    approval_position = models.CharField("гриф: должность", max_length=300, blank=True)
    approval_name = models.CharField("гриф: И.О. Фамилия", max_length=200, blank=True)
    status = models.CharField("статус", max_length=10, choices=Status.choices, default=Status.DRAFT)
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name="изменяет (заменяет) приказ",
    )
    voids = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="voided_by", verbose_name="признаёт утратившими силу"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="подписал"
    )
    signed_at = models.DateTimeField("подписан", null=True, blank=True)
    pdf = models.FileField("PDF подписанного документа", upload_to="orders/", blank=True)
    pdf_sha256 = models.CharField("SHA-256 PDF", max_length=64, blank=True)
    version = models.PositiveIntegerField("версия", default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "приказ (распоряжение)"
        verbose_name_plural = "приказы и распоряжения"
        ordering = ["municipality", "-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "kind", "number", "date"],
                condition=~models.Q(number=""),
                name="reports_order_unique_number",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | (~models.Q(number="") & models.Q(date__isnull=False)),
                name="reports_order_signed_has_number_and_date",
            ),
        ]

    def __str__(self):
        label = self.get_kind_display()
        if self.date:
            label += f" от {self.date:%d.%m.%Y}"
        if self.number:
            label += f" № {self.number}"
        return label

    def clean(self):
        if self.status == self.Status.SIGNED and (not self.number or not self.date):
            raise ValidationError("У подписанного документа должны быть номер и дата.")

    @property
    def is_signed(self):
        return self.status == self.Status.SIGNED


class OrderPoint(models.Model):
    """A numbered point; one with a responsible person and a deadline is tracked like a control point."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="points", verbose_name="приказ")
    number = models.PositiveSmallIntegerField("№")
    text = models.TextField("текст")
    responsible = models.ForeignKey(
        "accounts.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="order_points", verbose_name="ответственный"
    )
    responsible_text = models.CharField("ответственные (как написано)", max_length=500, blank=True)
    deadline_text = models.CharField("срок (как написано)", max_length=200, blank=True)
    due_date = models.DateField("срок", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "пункт приказа"
        verbose_name_plural = "пункты приказа"
        ordering = ["order", "number"]
        constraints = [models.UniqueConstraint(fields=["order", "number"], name="reports_orderpoint_unique_number")]

    def __str__(self):
        return f"{self.number}. {self.text[:80]}"

    @property
    def is_controlled(self):
        return bool((self.responsible_id or self.responsible_text) and self.due_date)


class OrderAppendix(models.Model):
    class Kind(models.TextChoices):
        PLAN = "plan", "план (таблица мероприятий)"
        WORKING_GROUP = "working_group", "состав рабочей группы"
        CLUSTER_LIST = "cluster_list", "список кластеров"
        SCHOOL_LIST = "school_list", "список школ"
        TEXT = "text", "текст"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="appendices", verbose_name="приказ")
    position = models.PositiveSmallIntegerField("порядок")
    number = models.PositiveSmallIntegerField(
        "номер приложения", null=True, blank=True, help_text="Пусто, если приложение одно и не нумеруется."
    )
    kind = models.CharField("вид", max_length=20, choices=Kind.choices)
    title = models.TextField("заголовок", blank=True)
    plan = models.ForeignKey("roadmaps.Plan", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="план")
    working_group = models.ForeignKey(
        "roadmaps.WorkingGroup", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="рабочая группа"
    )
    school_list = models.ForeignKey(
        "schools.SchoolList", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="список школ"
    )
    text = models.TextField("текст", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "приложение"
        verbose_name_plural = "приложения"
        ordering = ["order", "position"]

    def __str__(self):
        return f"Приложение {self.number or ''} к {self.order}".replace("  ", " ")

    def clean(self):
        required = {
            self.Kind.PLAN: ("plan", "Выберите план."),
            self.Kind.WORKING_GROUP: ("working_group", "Выберите рабочую группу."),
            self.Kind.CLUSTER_LIST: ("plan", "Выберите план, кластеры которого перечисляются."),
            self.Kind.SCHOOL_LIST: ("school_list", "Выберите список школ."),
            self.Kind.TEXT: ("text", "Введите текст приложения."),
        }
        field, message = required[self.kind]
        if not getattr(self, field if field == "text" else f"{field}_id"):
            raise ValidationError({field: message})
