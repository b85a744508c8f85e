"""Every control-point action × every role × own / foreign school / municipal point: allowed or refused.

The rules (monitoring/control/workflow.py): the director reports, submits and asks to move the date of
their own school's points; the school's curator accepts or returns; the coordinator may do all
of it in the municipality (municipal points included) and alone cancels, keeps a flagged point and
decides on due dates; the chair and the region viewer only read; another municipality is out.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from monitoring.control import workflow
from monitoring.models import ControlPoint, DueDateChangeRequest
from schools.access import visible_control_points
from tests.monitoring.conftest import set_state

ROLES = ["coordinator", "chair", "curator", "director_a", "director_b", "coordinator_other", "region_viewer"]
POINTS = ["cp_a", "cp_b", "cp_muni"]
S = ControlPoint.Status

REPORTERS = {"cp_a": {"coordinator", "director_a"}, "cp_b": {"coordinator", "director_b"}, "cp_muni": {"coordinator"}}
REVIEWERS = {"cp_a": {"coordinator", "curator"}, "cp_b": {"coordinator"}, "cp_muni": {"coordinator"}}
COORDINATORS = {"cp_a": {"coordinator"}, "cp_b": {"coordinator"}, "cp_muni": {"coordinator"}}
COMMENTERS = {k: REPORTERS[k] | REVIEWERS[k] for k in POINTS}
# The other municipality's point: its own coordinator may do everything there.
for rule in (REPORTERS, REVIEWERS, COORDINATORS, COMMENTERS):
    rule["cp_other"] = {"coordinator_other"}


def _prepare(cast, cp, action):
    """The state each action starts from; returns extra keyword arguments for it."""
    set_state(cp, status=S.PLANNED, report_text="", needs_decision=False, version=1)
    DueDateChangeRequest.objects.filter(control_point=cp).delete()
    if action == "submit":
        set_state(cp, status=S.IN_PROGRESS, report_text="Проведено совещание")
    elif action in ("accept", "return"):
        set_state(cp, status=S.SUBMITTED, report_text="Проведено совещание")
    elif action == "keep":
        set_state(cp, status=S.IN_PROGRESS, report_text="Отчёт", needs_decision=True)
    elif action in ("grant", "refuse"):
        request = DueDateChangeRequest.objects.create(
            control_point=cp, current_due_date=cp.due_date, requested_date=cp.due_date + datetime.timedelta(days=30),
            reason="Карантин", requested_by=cast.director_a,
        )
        return {"request": request}
    return {}


ACTIONS = {
    # action: (who may, call, check the effect)
    "report": (REPORTERS, lambda cp, u, kw: workflow.control_point_report(
        control_point=cp, user=u, version=cp.version, report_text="Проведено", status=S.IN_PROGRESS), S.IN_PROGRESS),
    "submit": (REPORTERS, lambda cp, u, kw: workflow.control_point_submit(control_point=cp, user=u, version=cp.version), S.SUBMITTED),
    "accept": (REVIEWERS, lambda cp, u, kw: workflow.control_point_accept(control_point=cp, user=u, version=cp.version), S.DONE),
    "return": (REVIEWERS, lambda cp, u, kw: workflow.control_point_return(
        control_point=cp, user=u, version=cp.version, comment="Приложите справку"), S.REWORK),
    "cancel": (COORDINATORS, lambda cp, u, kw: workflow.control_point_cancel(
        control_point=cp, user=u, version=cp.version, reason="Мероприятие исключено"), S.CANCELLED),
    "keep": (COORDINATORS, lambda cp, u, kw: workflow.control_point_keep(control_point=cp, user=u, version=cp.version), None),
    "comment": (COMMENTERS, lambda cp, u, kw: workflow.control_point_comment(control_point=cp, user=u, text="Вопрос"), None),
    "request_due_date": (REPORTERS, lambda cp, u, kw: workflow.control_point_request_due_date(
        control_point=cp, user=u, version=cp.version, requested_date=cp.due_date + datetime.timedelta(days=10),
        reason="Болезнь педагога"), None),
    "grant": (COORDINATORS, lambda cp, u, kw: workflow.control_point_grant_due_date(
        control_point=cp, user=u, version=cp.version, request=kw["request"]), None),
    "refuse": (COORDINATORS, lambda cp, u, kw: workflow.control_point_refuse_due_date(
        control_point=cp, user=u, version=cp.version, request=kw["request"], comment="Нет оснований"), None),
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_it_allows_each_action_only_to_its_roles(cast, action):
    allowed, call, expected_status = ACTIONS[action]
    failures = []
    for point in POINTS:
        for role in ROLES:
            cp = getattr(cast, point)
            kwargs = _prepare(cast, cp, action)
            user = getattr(cast, role)
            may = role in allowed[point]
            try:
                call(cp, user, kwargs)
            except PermissionDenied:
                if may:
                    failures.append(f"{role} refused {action} on {point}")
                continue
            if not may:
                failures.append(f"{role} allowed {action} on {point}")
            elif expected_status:
                cp.refresh_from_db()
                if cp.status != expected_status:
                    failures.append(f"{role} {action} on {point}: status {cp.status}")
    assert not failures, failures


# --- the same rules through the URLs: 404 outside the user's scope, 403 for a reader, done otherwise ---

URL_ACTIONS = {
    "monitoring:control_point_report": ("report", {"report_text": "Проведено", "status": "in_progress", "action": "save"}),
    "monitoring:control_point_accept": ("accept", {"comment": ""}),
    "monitoring:control_point_return": ("return", {"comment": "Приложите справку"}),
    "monitoring:control_point_cancel": ("cancel", {"reason": "Исключено"}),
    "monitoring:control_point_keep": ("keep", {}),
    "monitoring:control_point_comment": ("comment", {"text": "Вопрос"}),
    "monitoring:due_date_request_add": ("request_due_date", {"reason": "Карантин"}),
}


@pytest.mark.parametrize("url_name", sorted(URL_ACTIONS))
def test_it_refuses_through_the_urls_as_the_rules_say(cast, client, url_name):
    action, data = URL_ACTIONS[url_name]
    allowed = ACTIONS[action][0]
    failures = []
    for point in [*POINTS, "cp_other"]:
        for role in ROLES:
            cp = getattr(cast, point)
            _prepare(cast, cp, action)
            user = getattr(cast, role)
            client.force_login(user)
            payload = {**data, "version": cp.version}
            if action == "request_due_date":
                payload["requested_date"] = (cp.due_date + datetime.timedelta(days=10)).isoformat()
            status = client.post(reverse(url_name, args=[cp.pk]), payload).status_code
            if not visible_control_points(user).filter(pk=cp.pk).exists():
                expected = 404
            elif role in allowed[point]:
                expected = 302
            else:
                expected = 403
            if status != expected:
                failures.append(f"{role} → {point}: {status}, expected {expected}")
    assert not failures, failures


@pytest.mark.parametrize("decision", ["grant", "refuse"])
def test_it_lets_only_the_coordinator_decide_on_a_due_date(cast, client, decision):
    failures = []
    for role in ROLES:
        kwargs = _prepare(cast, cast.cp_a, decision)
        client.force_login(getattr(cast, role))
        status = client.post(
            reverse("monitoring:due_date_request_decide", args=[kwargs["request"].pk]),
            {"decision": decision, "comment": "Решение", "version": cast.cp_a.version},
        ).status_code
        expected = 302 if role == "coordinator" else (404 if role in ("director_b", "coordinator_other") else 403)
        if status != expected:
            failures.append(f"{role}: {status}, expected {expected}")
    assert not failures, failures


def test_it_records_who_did_what_in_the_history(cast):
    cp = cast.cp_a
    cp = workflow.control_point_report(control_point=cp, user=cast.director_a, version=1, report_text="Проведено")
    cp = workflow.control_point_submit(control_point=cp, user=cast.director_a, version=cp.version)
    cp = workflow.control_point_return(control_point=cp, user=cast.curator, version=cp.version, comment="Добавьте протокол")
    records = list(cp.history.order_by("history_date", "history_id"))
    assert [(r.status, r.history_user, r.history_change_reason) for r in records[-3:]] == [
        (S.IN_PROGRESS, cast.director_a, "Отчёт сохранён"),
        (S.SUBMITTED, cast.director_a, "Отправлено на проверку"),
        (S.REWORK, cast.curator, "Возвращено на доработку"),
    ]
    assert cp.comments.get().text == "Добавьте протокол"


def test_it_follows_the_status_chain_and_refuses_shortcuts(cast):
    cp = cast.cp_a
    with pytest.raises(Exception, match="Принять можно только отчёт на проверке"):
        workflow.control_point_accept(control_point=cp, user=cast.curator, version=cp.version)
    with pytest.raises(Exception, match="Опишите, что сделано"):
        workflow.control_point_submit(control_point=cp, user=cast.director_a, version=cp.version)
    cp = workflow.control_point_report(control_point=cp, user=cast.director_a, version=cp.version, report_text="Сделано")
    cp = workflow.control_point_submit(control_point=cp, user=cast.director_a, version=cp.version)
    with pytest.raises(Exception, match="изменить нельзя"):
        workflow.control_point_report(control_point=cp, user=cast.director_a, version=cp.version, report_text="ещё")
    with pytest.raises(Exception, match="без комментария"):
        workflow.control_point_return(control_point=cp, user=cast.curator, version=cp.version, comment=" ")
    cp = workflow.control_point_return(control_point=cp, user=cast.curator, version=cp.version, comment="Нет протокола")
    cp = workflow.control_point_report(control_point=cp, user=cast.director_a, version=cp.version, report_text="Протокол приложен")
    assert cp.status == S.REWORK
    cp = workflow.control_point_submit(control_point=cp, user=cast.director_a, version=cp.version)
    cp = workflow.control_point_accept(control_point=cp, user=cast.curator, version=cp.version)
    assert cp.status == S.DONE and cp.accepted_by == cast.curator and cp.completed_at == cp.submitted_at
    with pytest.raises(Exception, match="причину отмены"):
        workflow.control_point_cancel(control_point=cp, user=cast.coordinator, version=cp.version, reason="")


def test_it_asks_for_the_achieved_value_when_the_activity_has_a_target(cast):
    activity = cast.cp_a.activity
    activity.target_value, activity.target_comparator, activity.target_unit = 4, "gte", "мероприятий"
    activity.save()
    cp = workflow.control_point_report(control_point=cast.cp_a, user=cast.director_a, version=1, report_text="Проведено 3")
    with pytest.raises(Exception, match="укажите достигнутое значение"):
        workflow.control_point_submit(control_point=cp, user=cast.director_a, version=cp.version)
    cp = workflow.control_point_report(
        control_point=cp, user=cast.director_a, version=cp.version, report_text="Проведено 4", achieved_value=4
    )
    cp = workflow.control_point_submit(control_point=cp, user=cast.director_a, version=cp.version)
    assert cp.status == S.SUBMITTED and cp.achieved_value == 4


def test_it_derives_overdue_and_late_completion_never_stores_them(cast):
    cp = set_state(cast.cp_a, due_date=datetime.date(2025, 3, 25))
    assert cp.is_overdue(datetime.date(2025, 3, 26)) and not cp.is_overdue(datetime.date(2025, 3, 25))
    assert "overdue" not in ControlPoint.Status.values
    cp = workflow.control_point_report(control_point=cp, user=cast.director_a, version=cp.version, report_text="Сделано")
    cp = workflow.control_point_submit(control_point=cp, user=cast.director_a, version=cp.version)
    cp = workflow.control_point_accept(control_point=cp, user=cast.curator, version=cp.version)
    assert cp.completed_late  # accepted now (2026), due in 2025
    assert not cp.is_overdue(datetime.date(2030, 1, 1))


@pytest.mark.parametrize(
    "url_name, openers",
    [
        ("monitoring:control_point_detail", None),
        ("monitoring:control_point_row", None),
        ("monitoring:control_point_report", REPORTERS),
        ("monitoring:due_date_request_add", REPORTERS),
    ],
)
def test_it_opens_the_point_pages_as_the_scoping_test_expects(cast, client, url_name, openers):
    """Read pages: 200 for whoever sees the point; form pages: 200 for who may act, 403 for readers; 404 outside."""
    failures = []
    for point in [*POINTS, "cp_other"]:
        cp = getattr(cast, point)
        for role in [*ROLES, "no_role"]:
            user = getattr(cast, role)
            client.force_login(user)
            status = client.get(reverse(url_name, args=[cp.pk])).status_code
            if not visible_control_points(user).filter(pk=cp.pk).exists():
                expected = 404
            elif openers is None or role in openers[point]:
                expected = 200
            else:
                expected = 403
            if status != expected:
                failures.append(f"{role} → {point}: {status}, expected {expected}")
    assert not failures, failures
