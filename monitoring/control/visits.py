"""Writes on monitoring visits: the curator's or coordinator's record of a visit to a school."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from monitoring.models import MonitoringVisit
from schools.access import can_record_visit

from .evidence import CheckedFile, visit_files_add
from .workflow import CONFLICT

VISIT_FIELDS = ("date", "visitor", "purpose", "findings", "recommendations")


@transaction.atomic
def visit_create(*, school, user, data: dict, files: list[CheckedFile] = ()) -> MonitoringVisit:
    if not can_record_visit(user, school):
        raise PermissionDenied("Записывать визиты может куратор школы или муниципальный координатор.")
    visit = MonitoringVisit(school=school, created_by=user, **{k: data.get(k) for k in VISIT_FIELDS})
    if visit.visitor is None and user.person_id:
        visit.visitor_id = user.person_id
    visit._history_user = user
    visit.save()
    visit_files_add(visit=visit, user=user, files=files)
    return visit


@transaction.atomic
def visit_update(*, visit: MonitoringVisit, user, version, data: dict, files: list[CheckedFile] = ()) -> MonitoringVisit:
    if not can_record_visit(user, visit.school):
        raise PermissionDenied("Изменять визит может куратор школы или муниципальный координатор.")
    current = MonitoringVisit.objects.select_for_update().get(pk=visit.pk)
    if version is None or int(version) != current.version:
        raise ValidationError(CONFLICT.replace("контрольную точку", "запись о визите"), code="conflict")
    for name in VISIT_FIELDS:
        setattr(current, name, data.get(name))
    current.version += 1
    current._history_user = user
    current.save()
    visit_files_add(visit=current, user=user, files=files)
    return current
