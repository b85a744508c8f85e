"""Control points of one municipality with the life each has lived until «today».

A point's status follows its due date: long past → mostly accepted, a few still open (overdue)
or cancelled; just past → many on review; open window → in work; future → planned. Every step
is a history record written as `monitoring.control.workflow` writes it (same change reasons, the user who
acted, the version bumped), and the point's timestamps agree with its status: a submitted
point has `submitted_at`, a done one `completed_at`, `accepted_by` and `accepted_at`, none later
than «now».
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from monitoring.models import ControlPoint, ControlPointComment, DueDateChangeRequest, Evidence, Notification

from . import texts
from .plans import PlannedMunicipality
from .rows import reserve_ids, write_rows
from .spec import SeedSpec

Status = ControlPoint.Status
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)

POINT_FIELDS = (
    "id", "activity_id", "municipality_id", "school_id", "window_start", "due_date", "original_due_date", "status",
    "report_text", "achieved_value", "submitted_at", "completed_at", "accepted_by_id", "accepted_at", "cancel_reason",
    "needs_decision", "version", "created_at", "updated_at", "regional",
)
(ID, ACTIVITY, MUNICIPALITY, SCHOOL, WINDOW_START, DUE, ORIGINAL_DUE, STATUS, REPORT, ACHIEVED, SUBMITTED_AT,
 COMPLETED_AT, ACCEPTED_BY, ACCEPTED_AT, CANCEL_REASON, NEEDS_DECISION, VERSION, CREATED_AT, UPDATED_AT,
 REGIONAL) = range(20)
HISTORY_TAIL = ("history_date", "history_change_reason", "history_type", "history_user_id")
COMMENT_FIELDS = ("control_point_id", "author_id", "text", "created_at")
EVIDENCE_FIELDS = (
    "control_point_id", "link", "description", "uploaded_by_id", "uploaded_at", "file", "original_name", "content_type",
)
REQUEST_FIELDS = (
    "control_point_id", "current_due_date", "requested_date", "reason", "status", "requested_by_id", "requested_at",
    "decided_by_id", "decided_at", "comment",
)
NOTIFICATION_FIELDS = ("user_id", "kind", "control_point_id", "text", "created_at", "read_at")

# Cumulative shares of each status by where the due date stands against «today».
LONG_PAST = ((0.89, Status.DONE), (0.905, Status.CANCELLED), (0.91, Status.SUBMITTED), (0.92, Status.REWORK),
             (0.955, Status.IN_PROGRESS), (1.0, Status.PLANNED))
JUST_PAST = ((0.55, Status.DONE), (0.70, Status.SUBMITTED), (0.82, Status.IN_PROGRESS), (0.87, Status.REWORK),
             (1.0, Status.PLANNED))
OPEN_WINDOW = ((0.25, Status.IN_PROGRESS), (0.33, Status.SUBMITTED), (0.40, Status.DONE), (1.0, Status.PLANNED))
FUTURE = ((0.985, Status.PLANNED), (0.995, Status.IN_PROGRESS), (1.0, Status.CANCELLED))
RESCHEDULED_SHARE = 0.012
OPEN_REQUEST_SHARE = 0.02
NEEDS_DECISION_PER_MUNICIPALITY = 3


@dataclass
class PointRows:
    """Everything written for one municipality; ids of the dependent rows are given at write time."""

    points: list = field(default_factory=list)
    history: list = field(default_factory=list)
    comments: list = field(default_factory=list)
    evidence: list = field(default_factory=list)
    requests: list = field(default_factory=list)
    notifications: list = field(default_factory=list)


def _pick(table, r):
    for share, status in table:
        if r < share:
            return status
    return table[-1][1]


class _Life:
    """Generates the rows of one municipality's points; one instance per municipality."""

    def __init__(self, spec: SeedSpec, planned: PlannedMunicipality):
        self.spec = spec
        self.planned = planned
        self.cast = planned.cast
        self.rng = spec.rng("points", planned.cast.index)
        self.out = PointRows()
        self.now = spec.now
        self.created = spec.approved_at
        self.earliest = spec.approved_at + DAY
        self.coordinator_id = self.cast.coordinator.pk
        self.school_names = {s.pk: s.short_name for s in self.cast.schools}

    # --- time ------------------------------------------------------------------------------

    def _moment(self, day: datetime.date) -> datetime.datetime:
        """A working-hours moment of the day, never before the plan's approval nor after «now»."""
        moment = self.spec.at(day, self.rng.randint(9, 17), self.rng.randint(0, 59))
        return min(max(moment, self.earliest), self.now - HOUR)

    def _after(self, moment, days_max) -> datetime.datetime:
        later = moment + datetime.timedelta(days=self.rng.randint(0, days_max), hours=self.rng.randint(1, 6))
        return min(later, self.now - datetime.timedelta(minutes=30))

    # --- who -------------------------------------------------------------------------------

    def _reporter(self, school_id, regional=False):
        if regional and self.cast.region_viewer is not None:
            return self.cast.region_viewer.pk
        return self.cast.director_of[school_id].pk if school_id else self.coordinator_id

    def _reviewer(self, school_id):
        curator = self.cast.curator_of.get(school_id) if school_id else None
        return curator.pk if curator else self.coordinator_id

    def _label(self, activity, school_id, due, regional=False):
        where = self.school_names[school_id] if school_id else "региональный уровень" if regional else "муниципальный уровень"
        return f"{activity.number} {activity.content[:80]} ({where}, срок {due:%d.%m.%Y})".strip()

    # --- one point -------------------------------------------------------------------------

    def _snapshot(self, state, when, reason, kind, user_id):
        self.out.history.append((*state, when, reason, kind, user_id))

    def _report_text(self, school_id):
        pool = texts.SCHOOL_REPORTS if school_id else texts.MUNICIPAL_REPORTS
        return self.rng.choice(pool).format(n=self.rng.randint(1, 40), k=self.rng.randint(3, 45), p=self.rng.randint(55, 97))

    def _achieved(self, planned_activity):
        if not planned_activity.has_target:
            return None
        value = planned_activity.target_value * Decimal(self.rng.randint(80, 115)) / 100
        if planned_activity.activity.target_unit == "%":
            value = min(value, Decimal(100))
        return value.quantize(Decimal("0.01"))

    def point(self, cp_id, planned_activity, school_id, start, due, *, needs_decision=False, regional=False):
        rng = self.rng
        activity = planned_activity.activity
        state = [
            cp_id, activity.pk, self.cast.municipality.pk, school_id, start, due, None, Status.PLANNED, "", None, None,
            None, None, None, "", False, 1, self.created, self.created, regional,
        ]
        self._snapshot(state, self.created, None, "+", self.coordinator_id)
        today = self.spec.today

        if not needs_decision and due <= today + datetime.timedelta(days=30) and rng.random() < RESCHEDULED_SHARE:
            moved = due + datetime.timedelta(days=rng.randint(10, 30))
            when = self._moment(due - datetime.timedelta(days=rng.randint(2, 10)))
            requester = self._reporter(school_id, regional)
            self.out.requests.append(
                (cp_id, due, moved, rng.choice(texts.DUE_DATE_REASONS), DueDateChangeRequest.Status.GRANTED, requester,
                 max(when - datetime.timedelta(days=2), self.created), self.coordinator_id, when, "")
            )
            state[ORIGINAL_DUE], state[DUE] = due, moved
            state[VERSION] += 1
            state[UPDATED_AT] = when
            self._snapshot(state, when, f"Срок перенесён на {moved:%d.%m.%Y}", "~", self.coordinator_id)
            due = moved

        past = (today - due).days
        r = rng.random()
        if needs_decision:
            status = Status.IN_PROGRESS
        elif past > 30:
            status = _pick(LONG_PAST, r)
        elif past > 0:
            status = _pick(JUST_PAST, r)
        elif start is None or start <= today:
            status = _pick(OPEN_WINDOW, r)
        else:
            status = _pick(FUTURE, r)
        if status == Status.PLANNED:
            self._maybe_request(state, school_id, due)
            self.out.points.append(tuple(state))
            return

        reporter = self._reporter(school_id, regional)
        reviewer = self._reviewer(school_id)
        if status == Status.CANCELLED:
            when = self._moment(min(today, due - datetime.timedelta(days=rng.randint(0, 40))))
            state[STATUS], state[CANCEL_REASON] = Status.CANCELLED, rng.choice(texts.CANCEL_REASONS)
            state[VERSION] += 1
            state[UPDATED_AT] = when
            self._snapshot(state, when, "Отменено", "~", self.coordinator_id)
            self.out.points.append(tuple(state))
            return

        window_open = start or due - datetime.timedelta(days=30)
        late = status == Status.DONE and rng.random() < 0.12
        if late:
            hand_in = due + datetime.timedelta(days=rng.randint(1, 20))
        else:
            span = max(0, min(20, (due - window_open).days))
            hand_in = due - datetime.timedelta(days=rng.randint(0, span))
        hand_in = min(hand_in, today)
        reported = self._moment(hand_in - datetime.timedelta(days=rng.randint(0, 3)))
        state[STATUS], state[REPORT] = Status.IN_PROGRESS, self._report_text(school_id)
        state[ACHIEVED] = self._achieved(planned_activity)
        state[VERSION] += 1
        state[UPDATED_AT] = reported
        self._snapshot(state, reported, "Отчёт сохранён", "~", reporter)
        if needs_decision:
            # The plan changed under a reported point: the sync keeps it and flags it (no reason, no user).
            flagged = self._after(reported, 5)
            state[NEEDS_DECISION], state[UPDATED_AT] = True, flagged
            self._snapshot(state, flagged, None, "~", None)
        if rng.random() < (0.3 if school_id else 0.2) and status != Status.IN_PROGRESS:
            self.out.evidence.append(
                (cp_id, f"https://school{school_id or 0}.edu.example/news/{cp_id}", "Публикация на сайте", reporter, reported,
                 "", "", "")
            )
        if status == Status.IN_PROGRESS:
            if rng.random() < 0.02:
                self.out.comments.append((cp_id, reporter, rng.choice(texts.QUESTIONS), self._after(reported, 2)))
            self._maybe_request(state, school_id, due)
            self.out.points.append(tuple(state))
            return

        submitted = max(self._moment(hand_in), reported)
        state[STATUS], state[SUBMITTED_AT] = Status.SUBMITTED, submitted
        state[VERSION] += 1
        state[UPDATED_AT] = submitted
        self._snapshot(state, submitted, "Отправлено на проверку", "~", reporter)
        label = self._label(planned_activity.activity, school_id, due, regional)
        if status == Status.SUBMITTED:
            self.out.notifications.append(
                (reviewer, Notification.Kind.SUBMITTED, cp_id, f"Отчёт на проверке: {label}", submitted, None)
            )
            self.out.points.append(tuple(state))
            return

        decided = self._after(submitted, 4)
        if status == Status.REWORK:
            comment = rng.choice(texts.RETURN_COMMENTS)
            state[STATUS] = Status.REWORK
            state[VERSION] += 1
            state[UPDATED_AT] = decided
            self._snapshot(state, decided, "Возвращено на доработку", "~", reviewer)
            self.out.comments.append((cp_id, reviewer, comment, decided))
            self.out.notifications.append(
                (reporter, Notification.Kind.RETURNED, cp_id, f"Возвращено на доработку: {label}. Комментарий: {comment}",
                 decided, None)
            )
            self.out.points.append(tuple(state))
            return

        state[STATUS], state[COMPLETED_AT] = Status.DONE, submitted
        state[ACCEPTED_BY], state[ACCEPTED_AT] = reviewer, decided
        state[VERSION] += 1
        state[UPDATED_AT] = decided
        self._snapshot(state, decided, "Отчёт принят", "~", reviewer)
        if rng.random() < 0.12:
            self.out.comments.append((cp_id, reviewer, rng.choice(texts.ACCEPT_COMMENTS), decided))
        if (self.now - decided).days < 30:
            read = decided + DAY if rng.random() < 0.5 and decided + DAY < self.now else None
            self.out.notifications.append((reporter, Notification.Kind.ACCEPTED, cp_id, f"Отчёт принят: {label}", decided, read))
        self.out.points.append(tuple(state))

    def _maybe_request(self, state, school_id, due):
        """A few open points near their date wait for the coordinator's answer on a new date."""
        days = (due - self.spec.today).days
        if -10 <= days <= 20 and state[ORIGINAL_DUE] is None and self.rng.random() < OPEN_REQUEST_SHARE:
            when = self._moment(self.spec.today - datetime.timedelta(days=self.rng.randint(0, 5)))
            self.out.requests.append(
                (state[ID], due, due + datetime.timedelta(days=self.rng.randint(7, 30)), self.rng.choice(texts.DUE_DATE_REASONS),
                 DueDateChangeRequest.Status.REQUESTED, self._reporter(school_id, state[REGIONAL]), when, None, None, "")
            )


def _point_keys(planned: PlannedMunicipality):
    """(activity, school or None, regional, start, due, needs decision) of every point, in a fixed
    order; equal dues collapse into one point as in `control_points_sync`, and a few points of an
    earlier edition await a decision."""
    keys = []
    for item in planned.activities:
        windows = {due: start for start, due in item.windows}
        for school_id, regional in item.targets:
            for due, start in windows.items():
                keys.append((item, school_id, regional, start, due, False))
    extra = [item for item in planned.activities if item.windows and any(s is not None for s, _ in item.targets)]
    for item in extra[:NEEDS_DECISION_PER_MUNICIPALITY]:
        windows = {due for _, due in item.windows}
        school_id = next(s for s, _ in item.targets if s is not None)
        due = min(windows) + datetime.timedelta(days=3)
        while due in windows:
            due += DAY
        keys.append((item, school_id, False, None, due, True))
    return keys


def points_generate(spec: SeedSpec, planned: PlannedMunicipality) -> PointRows:
    keys = _point_keys(planned)
    first = reserve_ids(ControlPoint, len(keys))
    life = _Life(spec, planned)
    for offset, (item, school_id, regional, start, due, needs_decision) in enumerate(keys):
        life.point(first + offset, item, school_id, start, due, needs_decision=needs_decision, regional=regional)
    return life.out


def _numbered(model, rows):
    first = reserve_ids(model, len(rows))
    return [(first + i, *row) for i, row in enumerate(rows)]


def points_write(rows: PointRows) -> dict:
    """Write the rows of one municipality; returns how many of each went in."""
    counts = {"control_points": write_rows(ControlPoint, POINT_FIELDS, rows.points)}
    history_model = ControlPoint.history.model
    counts["control_point_history"] = write_rows(
        history_model, ("history_id", *POINT_FIELDS, *HISTORY_TAIL), _numbered(history_model, rows.history)
    )
    comments = _numbered(ControlPointComment, rows.comments)
    write_rows(ControlPointComment, ("id", *COMMENT_FIELDS), comments)
    counts["comments"] = len(comments)
    # A comment's creation record: who wrote it, when.
    write_rows(
        ControlPointComment.history.model,
        ("history_id", "id", *COMMENT_FIELDS, *HISTORY_TAIL),
        _numbered(ControlPointComment.history.model, [(*c, c[4], None, "+", c[2]) for c in comments]),
    )
    evidence = _numbered(Evidence, rows.evidence)
    write_rows(Evidence, ("id", *EVIDENCE_FIELDS), evidence)
    counts["evidence"] = len(evidence)
    write_rows(
        Evidence.history.model,
        ("history_id", "id", *EVIDENCE_FIELDS, *HISTORY_TAIL),
        _numbered(Evidence.history.model, [(*e, e[5], None, "+", e[4]) for e in evidence]),
    )
    requests = _numbered(DueDateChangeRequest, rows.requests)
    write_rows(DueDateChangeRequest, ("id", *REQUEST_FIELDS), requests)
    counts["due_date_requests"] = len(requests)
    write_rows(
        DueDateChangeRequest.history.model,
        ("history_id", "id", *REQUEST_FIELDS, *HISTORY_TAIL),
        _numbered(DueDateChangeRequest.history.model, [(*r, r[7], None, "+", r[6]) for r in requests]),
    )
    counts["notifications"] = write_rows(Notification, ("id", *NOTIFICATION_FIELDS), _numbered(Notification, rows.notifications))
    return counts
