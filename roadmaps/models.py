from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from .deadlines import parse_deadline


class ExecutorLevel(models.TextChoices):
    REGION = "region", "регион"
    MUNICIPALITY = "municipality", "муниципалитет"
    SCHOOL = "school", "ОО"


class Plan(models.Model):
    """The municipal plan in any of its names, with its optional project passport."""

    class Kind(models.TextChoices):
        ROADMAP = "roadmap", "Дорожная карта"
        SCHEDULE = "schedule", "План-график"
        ACTION_PLAN = "action_plan", "План мероприятий"
        PROJECT = "project", "Муниципальный проект"
        SUPPORT_PROGRAMME = "support_programme", "Программа адресной поддержки"

    class Status(models.TextChoices):
        DRAFT = "draft", "черновик"
        APPROVED = "approved", "утверждён"
        SUPERSEDED = "superseded", "утратил силу"

    municipality = models.ForeignKey(
        "schools.Municipality", on_delete=models.PROTECT, related_name="plans", verbose_name="муниципалитет"
    )
    kind = models.CharField("вид", max_length=30, choices=Kind.choices, default=Kind.ROADMAP)
    title = models.TextField("наименование")
    period_start = models.DateField("начало периода")
    period_end = models.DateField("окончание периода")
    status = models.CharField("статус", max_length=20, choices=Status.choices, default=Status.DRAFT)
    approved_by = models.ForeignKey(
        "reports.Order",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="approved_plans",
        verbose_name="утверждён приказом",
    )
    replaces = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name="предыдущая редакция",
    )
    part_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="parts",
        verbose_name="входит в проект (программу)",
    )
    # The preview a plan was imported from: confirming that preview again, from any session, finds
    # this plan instead of making a second one (unique, so two confirmations racing cannot both save).
    import_token = models.CharField("метка загрузки", max_length=32, null=True, blank=True, unique=True, editable=False)
    result_before_executors = models.BooleanField(
        "результат перед ответственными",
        default=False,
        help_text="Порядок столбцов таблицы как в документе: «Ожидаемые результаты», затем «Ответственный исполнитель».",
    )
    columns = models.JSONField(
        "столбцы таблицы",
        default=list,
        blank=True,
        help_text="Порядок и заголовки столбцов, как в документе: [{key, heading, group}]; см. roadmaps.layout.",
    )
    schools = models.ManyToManyField(
        "schools.School",
        blank=True,
        related_name="plans",
        verbose_name="школы плана",
        help_text="Школы, на которые распространяется план: охват «все школы плана».",
    )
    # Passport of a municipal project (002): all optional, printed when filled.
    responsible_body = models.TextField("орган, ответственный за разработку", blank=True)
    approving_official = models.TextField("должностное лицо, утвердившее проект", blank=True)
    developers = models.TextField("основные разработчики", blank=True)
    executors = models.TextField("исполнители", blank=True)
    co_executors = models.TextField("соисполнители", blank=True)
    idea = models.TextField("основная идея", blank=True)
    goal = models.TextField("цель", blank=True)
    tasks = models.TextField("задачи", blank=True, help_text="Каждая задача с новой строки.")
    period_text = models.CharField("срок реализации (как в паспорте)", max_length=200, blank=True)
    funding = models.TextField("объёмы и источники финансирования", blank=True)
    expected_results = models.TextField("ожидаемые результаты", blank=True, help_text="Каждый с новой строки.")
    effectiveness_criteria = models.TextField("критерии эффективности", blank=True)
    background = models.TextField("обоснование, проблемные зоны", blank=True)
    version = models.PositiveIntegerField("версия", default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "план"
        verbose_name_plural = "планы"
        ordering = ["municipality", "-period_start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="roadmaps_plan_period_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    def clean(self):
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": "Окончание периода раньше его начала."})
        if self.replaces_id and self.replaces.municipality_id != self.municipality_id:
            raise ValidationError({"replaces": "Предыдущая редакция относится к другому муниципалитету."})

    @property
    def period_label(self):
        if self.period_start.year == self.period_end.year:
            return f"{self.period_start.year} год"
        return f"{self.period_start.year}–{self.period_end.year} годы"


class PlanRisk(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="risks", verbose_name="план")
    position = models.PositiveSmallIntegerField("№")
    risk = models.TextField("риск")
    mitigation = models.TextField("пути минимизации", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "риск проекта"
        verbose_name_plural = "риски проекта"
        ordering = ["plan", "position"]

    def __str__(self):
        return self.risk


class PlanOutcome(models.Model):
    """A planned result of a project and the effect it is expected to have."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="outcomes", verbose_name="план")
    position = models.PositiveSmallIntegerField("№")
    result = models.TextField("результат")
    effect = models.TextField("эффект", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "результат и эффект"
        verbose_name_plural = "результаты и эффекты"
        ordering = ["plan", "position"]

    def __str__(self):
        return self.result


class PlanTeamMember(models.Model):
    """A line of the project's staffing table («Кадровое обеспечение»)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="team", verbose_name="план")
    position = models.PositiveSmallIntegerField("№")
    person = models.ForeignKey(
        "accounts.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="человек"
    )
    name = models.CharField("Ф.И.О. или группа", max_length=300)
    post = models.TextField("должность")
    duties = models.TextField("направления деятельности", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "участник проекта"
        verbose_name_plural = "кадровое обеспечение"
        ordering = ["plan", "position"]

    def __str__(self):
        return self.name


class PlanSection(models.Model):
    """A numbered section of the plan's table; a part («Раздел II») may hold sections of its own."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections", verbose_name="план")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children", verbose_name="раздел"
    )
    position = models.PositiveIntegerField("порядок")
    number = models.CharField("номер", max_length=20, blank=True)
    title = models.TextField("наименование")
    tasks = models.TextField("задачи", blank=True)
    indicators = models.TextField("показатели", blank=True)
    cluster = models.ForeignKey(
        "clusters.Cluster",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sections",
        verbose_name="кластер",
        help_text="Если раздел — таблица мероприятий одного кластера.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "раздел плана"
        verbose_name_plural = "разделы плана"
        ordering = ["plan", "position"]

    def __str__(self):
        return f"{self.number} {self.title}".strip()


class Activity(models.Model):
    """One row of the plan: what, by when (as written), by whom, with what result."""

    class Scope(models.TextChoices):
        MUNICIPALITY = "municipality", "муниципалитет"
        ALL_SCHOOLS = "all_schools", "все школы плана"
        CLUSTERS = "clusters", "кластеры"
        SCHOOLS = "schools", "выбранные школы"

    class Comparator(models.TextChoices):
        AT_LEAST = "gte", "не менее"
        AT_MOST = "lte", "не более"
        EXACTLY = "eq", "ровно"

    section = models.ForeignKey(PlanSection, on_delete=models.CASCADE, related_name="activities", verbose_name="раздел")
    position = models.PositiveIntegerField("порядок")
    number = models.CharField("номер", max_length=20, blank=True)
    content = models.TextField("содержание мероприятия")
    deadline_text = models.CharField("срок (как написано)", max_length=500, blank=True)
    executors_text = models.TextField("ответственные (как написано)", blank=True)
    expected_result = models.TextField("ожидаемый результат", blank=True)
    target_comparator = models.CharField("целевое значение: условие", max_length=3, choices=Comparator.choices, blank=True)
    target_value = models.DecimalField("целевое значение", max_digits=10, decimal_places=2, null=True, blank=True)
    target_unit = models.CharField("единица", max_length=50, blank=True)
    scope = models.CharField("охват", max_length=20, choices=Scope.choices, default=Scope.MUNICIPALITY)
    clusters = models.ManyToManyField("clusters.Cluster", blank=True, related_name="activities", verbose_name="кластеры")
    schools = models.ManyToManyField("schools.School", blank=True, related_name="activities", verbose_name="школы")
    note = models.TextField("примечание", blank=True)
    manual_windows = models.JSONField(
        "даты, назначенные координатором",
        default=list,
        blank=True,
        help_text="Для сроков «по графику» и нераспознанных: [[начало или null, срок], …] в ISO.",
    )
    version = models.PositiveIntegerField("версия", default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "мероприятие"
        verbose_name_plural = "мероприятия"
        ordering = ["section__position", "position"]

    def __str__(self):
        return f"{self.number} {self.content[:80]}".strip()

    @property
    def parsed_deadline(self):
        plan = self.section.plan
        return parse_deadline(self.deadline_text, plan.period_start, plan.period_end)

    @property
    def target_label(self):
        if self.target_value is None:
            return ""
        value = f"{self.target_value.normalize():f}".replace(".", ",")
        # «ровно 100 %» reads oddly: a plain figure already means exactly that.
        prefix = "" if self.target_comparator in ("", self.Comparator.EXACTLY) else self.get_target_comparator_display() + " "
        return f"{prefix}{value} {self.target_unit}".strip()


class ActivityExecutor(models.Model):
    class Kind(models.TextChoices):
        ROLE = "role", "роль"
        PERSON = "person", "человек"
        ORGANISATION = "organisation", "организация"

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="executor_set", verbose_name="мероприятие")
    position = models.PositiveSmallIntegerField("порядок")
    level = models.CharField("уровень", max_length=20, choices=ExecutorLevel.choices)
    kind = models.CharField("тип", max_length=20, choices=Kind.choices)
    name = models.CharField("наименование", max_length=500)
    person = models.ForeignKey(
        "accounts.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="executor_of", verbose_name="человек"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "исполнитель"
        verbose_name_plural = "исполнители"
        ordering = ["activity", "position"]

    def __str__(self):
        return f"{self.name} ({self.get_level_display()})"


class WorkingGroup(models.Model):
    municipality = models.ForeignKey(
        "schools.Municipality", on_delete=models.PROTECT, related_name="working_groups", verbose_name="муниципалитет"
    )
    plan = models.ForeignKey(
        Plan, on_delete=models.SET_NULL, null=True, blank=True, related_name="working_groups", verbose_name="план"
    )
    title = models.TextField("наименование")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "рабочая группа"
        verbose_name_plural = "рабочие группы"

    def __str__(self):
        return self.title


class WorkingGroupMember(models.Model):
    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="members", verbose_name="рабочая группа")
    position = models.PositiveSmallIntegerField("№")
    person = models.ForeignKey("accounts.Person", on_delete=models.PROTECT, related_name="+", verbose_name="человек")
    post = models.TextField("должность (как в составе)")
    role_in_group = models.CharField("роль в группе", max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "член рабочей группы"
        verbose_name_plural = "члены рабочей группы"
        ordering = ["group", "position"]

    def __str__(self):
        return f"{self.person}, {self.post}"
