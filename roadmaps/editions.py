"""A draft edition against the edition in force: what changes, and what approval does to control points.

Reads only. Rows of the two editions are different database rows (a new edition is a copy), so
they are matched as a reader would: same number and content first, then the same number with
reworded content, then the closest content under another number (a row that moved or was
renumbered). Whatever stays unmatched was added or removed.

The effect on control points mirrors `monitoring.control.services.control_points_sync` without
writing: on approval the points of every matched old row move to its new row (see
`roadmaps.services.edition_points_carry_over`, which uses the same matching), then the sync runs.
So a point whose (executor, due date) the new row still wants is kept, a missing one is created,
a stale one is deleted when nobody has worked on it and kept and flagged for the coordinator
otherwise. The rows removed by the edition lose all their points the same way.
"""

import copy
import datetime
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.db.models import Prefetch

from monitoring.control.services import activity_windows, control_points_untouched, point_key, wanted_points
from monitoring.models import ControlPoint
from schnor_portal.dates import format_date

from .models import Activity, Plan, PlanSection

# A reworded row under its own number still reads as the same row; under another number it has to
# be much closer to count as moved rather than removed and added.
SAME_NUMBER_MIN_RATIO = 0.3
OTHER_NUMBER_MIN_RATIO = 0.6


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class PointsEffect:
    created: int = 0
    cancelled: int = 0  # nobody worked on them: they are deleted
    flagged: int = 0  # a school reported on them: kept and marked for the coordinator's decision
    kept: int = 0
    overdue_created: int = 0  # created with a due date already past

    def add(self, other: "PointsEffect"):
        self.created += other.created
        self.cancelled += other.cancelled
        self.flagged += other.flagged
        self.kept += other.kept
        self.overdue_created += other.overdue_created


@dataclass
class RowDiff:
    status: str  # "added", "removed", "changed", "same"
    old: Activity | None
    new: Activity | None
    changes: list[FieldChange] = field(default_factory=list)
    points: PointsEffect = field(default_factory=PointsEffect)

    @property
    def row(self) -> Activity:
        return self.new or self.old


@dataclass
class SectionDiff:
    status: str  # "added", "removed", "renamed"
    old: PlanSection | None
    new: PlanSection | None


@dataclass
class DateFlag:
    activity: Activity
    messages: list[str]


@dataclass
class EditionComparison:
    old: Plan
    new: Plan
    rows: list[RowDiff]
    sections: list[SectionDiff]
    plan_changes: list[FieldChange]
    date_flags: list[DateFlag]
    points: PointsEffect
    pairs: dict[int, int]  # old activity pk → new activity pk

    def of(self, status):
        return [r for r in self.rows if r.status == status]

    @property
    def added(self):
        return self.of("added")

    @property
    def removed(self):
        return self.of("removed")

    @property
    def changed(self):
        return self.of("changed")

    @property
    def unchanged_count(self):
        return len(self.of("same"))

    @property
    def has_changes(self):
        return bool(self.added or self.removed or self.changed or self.sections or self.plan_changes)


# --- text helpers ----------------------------------------------------------------------------


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", (text or "").strip().lower().replace("ё", "е"))


def similarity(a: str, b: str) -> float:
    a, b = _norm(a), _norm(b)
    if a == b:
        return 1.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    # The cheap upper bounds first: most pairs of unrelated rows stop here.
    if matcher.real_quick_ratio() < SAME_NUMBER_MIN_RATIO or matcher.quick_ratio() < SAME_NUMBER_MIN_RATIO:
        return 0.0
    return matcher.ratio()


def _number(value: str) -> str:
    return (value or "").strip().rstrip(".")


def match_rows(old_rows, new_rows, *, key=lambda r: r.number, text=lambda r: r.content) -> list[tuple]:
    """Pairs (old, new): identical number and text, then by score — the number first, then similarity."""
    pairs = []
    free_old = list(old_rows)
    free_new = list(new_rows)
    exact = {}
    for row in free_new:
        exact.setdefault((_number(key(row)), _norm(text(row))), []).append(row)
    still_old = []
    for row in free_old:
        bucket = exact.get((_number(key(row)), _norm(text(row))))
        if bucket:
            pairs.append((row, bucket.pop(0)))
        else:
            still_old.append(row)
    taken = {id(n) for _, n in pairs}
    still_new = [r for r in free_new if id(r) not in taken]
    candidates = []
    for i, old in enumerate(still_old):
        for j, new in enumerate(still_new):
            same_number = bool(_number(key(old))) and _number(key(old)) == _number(key(new))
            ratio = similarity(text(old), text(new))
            if ratio >= OTHER_NUMBER_MIN_RATIO or (same_number and ratio >= SAME_NUMBER_MIN_RATIO):
                # The same number wins a tie and outranks a slightly closer text elsewhere.
                candidates.append((ratio + (0.15 if same_number else 0.0), -abs(i - j), i, j))
    used_old, used_new = set(), set()
    for _, _, i, j in sorted(candidates, reverse=True):
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        pairs.append((still_old[i], still_new[j]))
    return pairs


def _section_label(section: PlanSection | None) -> str:
    if section is None:
        return ""
    if section.number and section.number not in section.title:
        return f"{section.number} {section.title}"
    return section.title


# --- loading -------------------------------------------------------------------------------


def _activities(plan: Plan) -> list[Activity]:
    return list(
        Activity.objects.filter(section__plan=plan)
        .select_related("section")
        .prefetch_related(
            "executor_set",
            "clusters__memberships",
            "schools",
            Prefetch("control_points", queryset=ControlPoint.objects.order_by("pk")),
        )
        .order_by("section__position", "position")
    )


def _plan_with_schools(plan: Plan) -> Plan:
    return Plan.objects.prefetch_related("schools").get(pk=plan.pk)


# --- fields --------------------------------------------------------------------------------


def _executors_by_level(activity: Activity) -> str:
    return "; ".join(
        f"{e.get_level_display()}: {e.name}" for e in sorted(activity.executor_set.all(), key=lambda e: e.position)
    )


def _clusters(activity: Activity) -> str:
    return ", ".join(f"{c.number} кластер" for c in sorted(activity.clusters.all(), key=lambda c: c.number))


def _schools(activity: Activity) -> str:
    return ", ".join(sorted(s.short_name for s in activity.schools.all()))


def _manual(activity: Activity) -> str:
    return "; ".join(
        (f"{format_date(datetime.date.fromisoformat(s))} – " if s else "") + format_date(datetime.date.fromisoformat(d))
        for s, d in activity.manual_windows or ()
    )


ROW_FIELDS = (
    ("№", lambda a: a.number),
    ("Содержание", lambda a: a.content),
    ("Срок", lambda a: a.deadline_text),
    ("Даты, назначенные координатором", _manual),
    ("Ответственные (как написано)", lambda a: a.executors_text),
    ("Исполнители по уровням", _executors_by_level),
    ("Ожидаемый результат", lambda a: a.expected_result),
    ("Целевое значение", lambda a: a.target_label),
    ("Охват", lambda a: a.get_scope_display()),
    ("Кластеры", _clusters),
    ("Школы", _schools),
    ("Примечание", lambda a: a.note),
)

PLAN_FIELDS = (
    ("Наименование", lambda p: p.title),
    ("Начало периода", lambda p: format_date(p.period_start)),
    ("Окончание периода", lambda p: format_date(p.period_end)),
    ("Школы плана", lambda p: ", ".join(sorted(s.short_name for s in p.schools.all()))),
)


def _changes(pairs, old, new) -> list[FieldChange]:
    out = []
    for label, read in pairs:
        before, after = str(read(old) or ""), str(read(new) or "")
        if before.strip() != after.strip():
            out.append(FieldChange(label, before, after))
    return out


# --- dates ---------------------------------------------------------------------------------


def deadline_flags(activity: Activity, plan: Plan, today: datetime.date) -> list[str]:
    """What is wrong with the row's dates: windows outside the plan's period, or all already past."""
    windows = activity_windows(activity, plan)
    if not windows:
        return []
    flags = []
    outside = [
        (start, due) for start, due in windows if due < plan.period_start or (start or due) > plan.period_end
    ]
    if outside:
        flags.append(
            f"Срок вне периода плана ({format_date(plan.period_start)} – {format_date(plan.period_end)}): "
            + ", ".join(format_date(due) for _, due in outside[:3])
            + (" …" if len(outside) > 3 else "")
        )
    if all(due < today for _, due in windows):
        flags.append(f"Срок уже прошёл: {format_date(max(due for _, due in windows))}")
    return flags


_YEAR = re.compile(r"(?<![\d.])((?:19|20)\d\d)(?!\d)")
_NUMERIC_DATE = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?![\d])")


def shift_date(value: datetime.date, years: int) -> datetime.date:
    try:
        return value.replace(year=value.year + years)
    except ValueError:  # 29 February into a common year
        return value.replace(year=value.year + years, day=28)


def shift_years_in_text(text: str, years: int) -> str:
    """Every explicit year of a deadline moved by `years`: «Апрель 2023 г» → «Апрель 2024 г»,
    «07.02.2022» → «07.02.2023», «29.02.2024» → «28.02.2025». Texts without a year stay as written."""
    if not years or not text:
        return text

    def numeric(match):
        day, month, year = int(match.group(1)), int(match.group(2)), match.group(3)
        full = int(year) + (2000 if len(year) == 2 else 0)
        try:
            moved = shift_date(datetime.date(full, month, day), years)
        except ValueError:
            return match.group(0)  # not a date after all: leave it as the author wrote it
        new_year = str(moved.year) if len(year) == 4 else f"{moved.year % 100:02d}"
        return f"{moved.day:0{len(match.group(1))}d}.{match.group(2)}.{new_year}"

    placeholder = []

    def hide(match):
        placeholder.append(numeric(match))
        return f"\x00{len(placeholder) - 1}\x00"

    hidden = _NUMERIC_DATE.sub(hide, text)
    shifted = _YEAR.sub(lambda m: str(int(m.group(1)) + years), hidden)
    return re.sub(r"\x00(\d+)\x00", lambda m: placeholder[int(m.group(1))], shifted)


def shift_manual_windows(windows, years: int) -> list:
    return [
        [shift_date(datetime.date.fromisoformat(s), years).isoformat() if s else None, shift_date(datetime.date.fromisoformat(d), years).isoformat()]
        for s, d in windows or ()
    ]


@dataclass
class ShiftPreview:
    years: int
    period_before: str
    period_after: str
    deadlines: list[tuple[Activity, str, str]]  # (row, before, after), only the texts that change
    manual_rows: int


def year_shift_preview(plan: Plan, years: int) -> ShiftPreview:
    activities = Activity.objects.filter(section__plan=plan).select_related("section").order_by("section__position", "position")
    deadlines, manual_rows = [], 0
    for activity in activities:
        after = shift_years_in_text(activity.deadline_text, years)
        if after != activity.deadline_text:
            deadlines.append((activity, activity.deadline_text, after))
        if years and activity.manual_windows:
            manual_rows += 1
    return ShiftPreview(
        years=years,
        period_before=f"{format_date(plan.period_start)} – {format_date(plan.period_end)}",
        period_after=f"{format_date(shift_date(plan.period_start, years))} – {format_date(shift_date(plan.period_end, years))}",
        deadlines=deadlines,
        manual_rows=manual_rows,
    )


# --- control points --------------------------------------------------------------------------


def _effect(existing: list[ControlPoint], wanted: dict, untouched_ids: set[int], today) -> PointsEffect:
    """What control_points_sync does to `existing` when the row wants `wanted`, without doing it."""
    effect = PointsEffect()
    keys = {}
    for point in existing:
        keys[point_key(point)] = point
    for key, point in keys.items():
        if key in wanted:
            effect.kept += 1
        elif point.pk in untouched_ids:
            effect.cancelled += 1
        elif not point.needs_decision:
            effect.flagged += 1
        else:
            effect.kept += 1  # already waiting for a decision: stays as it is
    for key in wanted:
        if key not in keys:
            effect.created += 1
            if key[-1] < today:
                effect.overdue_created += 1
    return effect


def _wanted(activity: Activity, plan: Plan) -> dict:
    return wanted_points(activity, plan)


# --- the comparison --------------------------------------------------------------------------


def compare_editions(*, edition: Plan, today: datetime.date) -> EditionComparison:
    """The draft `edition` against the edition it replaces (`edition.replaces`)."""
    old_plan = _plan_with_schools(edition.replaces)
    new_plan = _plan_with_schools(edition)
    old_rows, new_rows = _activities(old_plan), _activities(new_plan)
    old_sections = list(old_plan.sections.order_by("position"))
    new_sections = list(new_plan.sections.order_by("position"))

    section_pairs = match_rows(old_sections, new_sections, key=lambda s: s.number, text=lambda s: s.title)
    section_map = {o.pk: n.pk for o, n in section_pairs}
    sections = [SectionDiff("renamed", o, n) for o, n in section_pairs if _section_label(o) != _section_label(n)]
    matched_new_sections = set(section_map.values())
    sections += [SectionDiff("removed", s, None) for s in old_sections if s.pk not in section_map]
    sections += [SectionDiff("added", None, s) for s in new_sections if s.pk not in matched_new_sections]

    pairs = match_rows(old_rows, new_rows)
    by_new = {n.pk: o for o, n in pairs}
    matched_old = {o.pk for o, _ in pairs}
    # As approval would see it: the new edition in force, tracked from now on.
    in_force = copy.copy(new_plan)
    in_force.status = Plan.Status.APPROVED
    untouched_ids = set(
        control_points_untouched(ControlPoint.objects.filter(activity__section__plan=old_plan)).values_list("pk", flat=True)
    )

    rows, total = [], PointsEffect()
    for new in new_rows:
        old = by_new.get(new.pk)
        existing = list(old.control_points.all()) if old else []
        effect = _effect(existing, _wanted(new, in_force), untouched_ids, today)
        total.add(effect)
        if old is None:
            rows.append(RowDiff("added", None, new, points=effect))
            continue
        changes = _changes(ROW_FIELDS, old, new)
        if section_map.get(old.section_id) != new.section_id:
            changes.insert(0, FieldChange("Раздел", _section_label(old.section), _section_label(new.section)))
        rows.append(RowDiff("changed" if changes else "same", old, new, changes, effect))
    for old in old_rows:
        if old.pk not in matched_old:
            effect = _effect(list(old.control_points.all()), {}, untouched_ids, today)
            total.add(effect)
            rows.append(RowDiff("removed", old, None, points=effect))

    flags = []
    for diff in rows:
        if diff.new is None:
            continue
        messages = deadline_flags(diff.new, new_plan, today)
        # A past deadline of a row left as it was is history (its points are kept); it matters
        # where the edition decides now: a row added or changed, or one that makes points overdue.
        if diff.status == "same" and not diff.points.overdue_created:
            messages = [m for m in messages if not m.startswith("Срок уже прошёл")]
        if messages:
            flags.append(DateFlag(diff.new, messages))

    return EditionComparison(
        old=old_plan,
        new=new_plan,
        rows=rows,
        sections=sections,
        plan_changes=_changes(PLAN_FIELDS, old_plan, new_plan),
        date_flags=flags,
        points=total,
        pairs={o.pk: n.pk for o, n in pairs},
    )


def edition_pairs(*, edition: Plan) -> dict[int, int]:
    """Old activity pk → new activity pk, matched as the comparison page matches them."""
    old_rows = list(Activity.objects.filter(section__plan_id=edition.replaces_id).order_by("section__position", "position"))
    new_rows = list(Activity.objects.filter(section__plan=edition).order_by("section__position", "position"))
    return {o.pk: n.pk for o, n in match_rows(old_rows, new_rows)}
