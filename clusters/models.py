from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords


class Cluster(models.Model):
    """A group of a plan's schools that gets its own set of activities."""

    class Criterion(models.TextChoices):
        POSITIVE_DYNAMICS = "positive_dynamics", "Положительная динамика результатов"
        FIRST_TIME = "first_time", "Впервые в списке"
        REPEATED = "repeated", "Повторно в списке (2–3 года)"
        RISK_ZONE = "risk_zone", "Зона риска снижения результатов"
        CUSTOM = "custom", "Особый критерий"

    plan = models.ForeignKey("roadmaps.Plan", on_delete=models.CASCADE, related_name="clusters", verbose_name="план")
    number = models.PositiveSmallIntegerField("номер")
    name = models.CharField("название", max_length=500)
    description = models.TextField("описание", blank=True)
    criterion = models.CharField("критерий", max_length=30, choices=Criterion.choices, default=Criterion.CUSTOM)
    schools = models.ManyToManyField(
        "schools.School", through="ClusterMembership", related_name="clusters", verbose_name="ОО"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "кластер"
        verbose_name_plural = "кластеры"
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="clusters_cluster_unique_number")]

    def __str__(self):
        return f"{self.number} кластер: {self.name}"


class ClusterMembership(models.Model):
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="memberships", verbose_name="кластер")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="cluster_memberships", verbose_name="ОО")
    reason = models.TextField("основание", blank=True, help_text="Правило или довод, по которому школа в кластере.")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "школа в кластере"
        verbose_name_plural = "школы в кластерах"
        ordering = ["cluster", "school__short_name"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "school"], name="clusters_clustermembership_unique_school"),
        ]

    def __str__(self):
        return f"{self.school} — {self.cluster}"

    def clean(self):
        if self.school_id and self.cluster_id and self.school.municipality_id != self.cluster.plan.municipality_id:
            raise ValidationError({"school": "Школа относится к другому муниципалитету."})
        other = ClusterMembership.objects.filter(school_id=self.school_id, cluster__plan_id=self.cluster.plan_id)
        if self.school_id and self.cluster_id and other.exclude(pk=self.pk).exists():
            raise ValidationError({"school": "Школа уже в другом кластере этого плана."})
