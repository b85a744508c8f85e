import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction

from roadmaps.models import Plan
from roadmaps.services import plan_read_only_reason
from schools.models import School

from .models import Cluster, ClusterMembership
from .proposals import DEFAULT_NAMES, DEFAULT_NUMBERS


def cluster_distribution_fingerprint(*, plan: Plan) -> str:
    """A short digest of the plan's saved distribution, to refuse applying a stale preview."""
    rows = sorted(ClusterMembership.objects.filter(cluster__plan=plan).values_list("school_id", "cluster__number"))
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:16]


@transaction.atomic
def cluster_distribution_apply(*, plan: Plan, choices: dict[int, tuple[int | None, str]], fingerprint: str) -> dict:
    """Save the accepted distribution: school id → (cluster number or None, reason).

    All or nothing. Clusters named by the default rules are created when the plan lacks them.
    A school left out of `choices` keeps what it has; None removes it from the plan's clusters.
    """
    # Lock the plan row so that two coordinators applying at once are serialised, then compare.
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    # Clusters and their schools are part of the plan's text (cluster tables, «для кластера»
    # rows): a plan in force is redistributed only in its draft edition.
    reason = plan_read_only_reason(locked)
    if reason:
        raise ValidationError(reason, code="read_only")
    if cluster_distribution_fingerprint(plan=plan) != fingerprint:
        raise ValidationError(
            "Распределение по кластерам уже изменил другой пользователь. Сформируйте предложение заново: "
            "ваши изменения не сохранены."
        )
    valid_schools = set(School.objects.filter(municipality=plan.municipality_id, pk__in=choices).values_list("pk", flat=True))
    unknown = set(choices) - valid_schools
    if unknown:
        raise ValidationError("В распределении есть школы другого муниципалитета.")

    clusters = {c.number: c for c in plan.clusters.all()}
    by_number = {number: criterion for criterion, number in DEFAULT_NUMBERS.items()}
    wanted_numbers = {number for number, _ in choices.values() if number is not None}
    created = 0
    for number in sorted(wanted_numbers - set(clusters)):
        criterion = by_number.get(number, Cluster.Criterion.CUSTOM)
        clusters[number] = Cluster.objects.create(
            plan=plan,
            number=number,
            name=DEFAULT_NAMES.get(criterion, f"Кластер {number}"),
            criterion=criterion,
        )
        created += 1

    existing = {m.school_id: m for m in ClusterMembership.objects.filter(cluster__plan=plan).select_related("cluster")}
    moved = added = removed = 0
    for school_id, (number, reason) in choices.items():
        membership = existing.get(school_id)
        if number is None:
            if membership:
                membership.delete()
                removed += 1
            continue
        cluster = clusters[number]
        if membership is None:
            ClusterMembership.objects.create(cluster=cluster, school_id=school_id, reason=reason)
            added += 1
        elif membership.cluster_id != cluster.pk or membership.reason != reason:
            if membership.cluster_id != cluster.pk:
                moved += 1
            membership.cluster = cluster
            membership.reason = reason
            membership.save(update_fields=["cluster", "reason"])
    return {"created_clusters": created, "added": added, "moved": moved, "removed": removed}
