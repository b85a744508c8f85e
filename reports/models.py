from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

# The word before an order's points («ПРИКАЗЫВАЮ:»); a распоряжение usually has none.
OPERATIVE_WORD = "ПРИКАЗЫВАЮ:"


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
    content_sha256 = models.CharField(
        "SHA-256 содержания",
        max_length=64,
        blank=True,
        help_text="Хеш реквизитов, пунктов и строк приложений на момент подписания: по нему видно, изменились ли данные в портале после подписания.",
    )
    # Not the id: an id is sequential, anyone could list every order by counting. See reports/verification_codes.py.
    verification_code = models.CharField(
        "код проверки",
        max_length=20,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text="Печатается у QR-кода на каждой странице и открывает публичную страницу проверки; выдаётся при подписании.",
    )
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="утратил силу в связи с",
    )
    superseded_on = models.DateField("утратил силу с", null=True, blank=True)
    version = models.PositiveIntegerField("версия", default=1, editable=False)
    # The preview an imported order came from (reports/views/order_import.py): unique, so one
    # preview confirmed twice, in any session, makes one order.
    import_token = models.CharField(max_length=32, null=True, blank=True, unique=True, editable=False)
    # Not part of the document's text: what the importer could not read in the uploaded file, kept
    # so that nothing the file said is lost (issue 18); shown on the order's page only.
    import_note = models.TextField(
        "заметка о загрузке из файла",
        blank=True,
        editable=False,
        help_text="Части файла, которые не распознаны при загрузке, и предупреждения — с местом в файле.",
    )
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
            # A draft is never publicly reachable: it has no code to be reached by.
            models.CheckConstraint(
                condition=models.Q(status="signed") | models.Q(verification_code__isnull=True),
                name="reports_order_code_only_when_signed",
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

    @property
    def is_void(self):
        return self.superseded_by_id is not None

    @property
    def kind_dative(self):
        """«к приказу», «к распоряжению»."""
        return "приказу" if self.kind == self.Kind.ORDER else "распоряжению"

    @property
    def kind_genitive(self):
        """«настоящего приказа», «настоящего распоряжения»."""
        return "приказа" if self.kind == self.Kind.ORDER else "распоряжения"


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
    # Execution of a controlled point: not part of the signed text, tracked after signing.
    report_text = models.TextField("отчёт об исполнении", blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="отчитался"
    )
    reported_at = models.DateTimeField("отчёт представлен", null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="принял"
    )
    accepted_at = models.DateTimeField("исполнение принято", null=True, blank=True)
    history = HistoricalRecords()

    class ControlStatus(models.TextChoices):
        DUE = "due", "на исполнении"
        OVERDUE = "overdue", "просрочен"
        REPORTED = "reported", "отчёт представлен"
        ACCEPTED = "accepted", "исполнен"

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

    def control_status(self, today):
        if not self.is_controlled:
            return None
        if self.accepted_at:
            return self.ControlStatus.ACCEPTED
        if self.reported_at:
            return self.ControlStatus.REPORTED
        if self.due_date < today:
            return self.ControlStatus.OVERDUE
        return self.ControlStatus.DUE


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

    @property
    def label(self):
        """What the appendix is, for pages: its title or the name of its object."""
        if self.title:
            return self.title
        if self.plan_id:
            return self.plan.title
        if self.working_group_id:
            return self.working_group.title
        if self.school_list_id:
            return str(self.school_list)
        return self.text[:120]

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


class AppendixApproval(models.Model):
    """An approval stamp of one appendix («УТВЕРЖДАЮ», «СОГЛАСОВАНО», «УТВЕРЖДЕН приказом …»).

    An appendix may carry several, as its source document does: printed side by side, the ones that
    agree on the left and the ones that approve on the right."""

    class Word(models.TextChoices):
        APPROVE = "approve", "УТВЕРЖДАЮ"
        AGREE = "agree", "СОГЛАСОВАНО"
        APPROVED = "approved", "УТВЕРЖДЕН"
        APPROVED_NEUTER = "approved_n", "УТВЕРЖДЕНО"
        APPROVED_FEMININE = "approved_f", "УТВЕРЖДЕНА"

    # Printed with a signature line: a person signs these; «УТВЕРЖДЕН приказом …» names a document.
    SIGNED_WORDS = (Word.APPROVE, Word.AGREE)

    appendix = models.ForeignKey(OrderAppendix, on_delete=models.CASCADE, related_name="approvals", verbose_name="приложение")
    position = models.PositiveSmallIntegerField("порядок", default=1)
    word = models.CharField("гриф", max_length=12, choices=Word.choices, default=Word.APPROVE)
    position_text = models.TextField(
        "должность", blank=True, help_text="Как в документе, например «Председатель Комитета по образованию» или «приказом Комитета от … № …»."
    )
    name = models.CharField("И.О. Фамилия", max_length=200, blank=True)
    date = models.DateField("дата", null=True, blank=True)
    date_text = models.CharField(
        "дата (как написано)", max_length=100, blank=True, help_text="Если дата не читается как дата: «__» ________ 2025 г."
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "гриф приложения"
        verbose_name_plural = "грифы приложения"
        ordering = ["appendix", "position", "pk"]

    def __str__(self):
        return f"{self.get_word_display()} {self.name}".strip()

    @property
    def is_signed_stamp(self):
        return self.word in self.SIGNED_WORDS

    @property
    def side(self):
        """«left» for СОГЛАСОВАНО, «right» for the approving stamps, as Russian documents place them."""
        return "left" if self.word == self.Word.AGREE else "right"


class ReportFile(models.Model):
    """A PDF report rendered in the background for one user; the page polls it until it is ready."""

    class Kind(models.TextChoices):
        SCHOOL = "school", "Аналитическая справка по ОО"
        PLAN = "plan", "Исполнение плана"

    class Status(models.TextChoices):
        PENDING = "pending", "в очереди"
        RUNNING = "running", "формируется"
        DONE = "done", "готов"
        FAILED = "failed", "ошибка"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_files", verbose_name="заказал")
    kind = models.CharField("вид", max_length=10, choices=Kind.choices)
    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="ОО"
    )
    plan = models.ForeignKey("roadmaps.Plan", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="план")
    period_start = models.DateField("период с")
    period_end = models.DateField("период по")
    status = models.CharField("статус", max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField("готовность, %", default=0)
    file = models.FileField("файл", upload_to="reports/", blank=True)
    error = models.TextField("ошибка", blank=True)
    created_at = models.DateTimeField("заказан", auto_now_add=True)
    finished_at = models.DateTimeField("готов", null=True, blank=True)

    class Meta:
        verbose_name = "файл отчёта"
        verbose_name_plural = "файлы отчётов"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="reports_reportfile_period_ordered"
            ),
            models.CheckConstraint(
                condition=(models.Q(kind="school", school__isnull=False) | models.Q(kind="plan", plan__isnull=False)),
                name="reports_reportfile_has_object",
            ),
        ]

    def __str__(self):
        subject = self.school if self.kind == self.Kind.SCHOOL else self.plan
        return f"{self.get_kind_display()}: {subject}, {self.period_start:%d.%m.%Y}–{self.period_end:%d.%m.%Y}"

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)
