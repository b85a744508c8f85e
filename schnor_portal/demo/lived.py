"""The demo's life up to today: each municipality's plan lived as a real one would be.

The source documents' plans are dated 2023–2025, so on today's date every point of them would be
overdue and nothing reported. This module adds what a municipality would have done since:

* a current edition of the plan (roadmaps.services.plan_new_edition) with its period and the
  explicit years of its deadlines moved forward so that today falls inside it, approved the real
  way: an order drafted by reports.services.order_for_plan_approval, numbered and dated, signed by
  the chair through reports.services.order_sign (which voids the seed order);
* the edition's points up to today: mostly accepted, some late, some returned for rework, some on
  review, some overdue; the next fortnight's points pending.

Every change goes through monitoring/control/workflow.py, so history records, comments and
notifications are the ones the portal itself writes. Each call runs under `_clock`, which makes
`timezone.now()` the moment the event would have happened: every record then carries that time
(history, notification, comment, evidence, order signature) without rewriting rows afterwards.

Deterministic for a given date (one seeded random per municipality and day) and done once: a
municipality whose seed plan already has an edition is left as it is, so a second load_demo
changes nothing.
"""

import datetime
import random
import re
import zoneinfo
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock

from django.db.models import Count, F, Q
from django.utils import timezone

from accounts.models import Role, User
from monitoring.control import workflow
from monitoring.control.notifications import school_curators
from monitoring.models import ControlPoint, Notification
from reports.models import Order
from reports.services import order_for_plan_approval, order_save, order_sign
from roadmaps.deadlines import parse_deadline
from roadmaps.models import Activity, ExecutorLevel, Plan
from roadmaps.services import plan_new_edition, plan_save

Status = ControlPoint.Status
DUE_SOON_DAYS = 14
# How recent a notification must be to still be unread: older ones the user has long seen.
UNREAD_DAYS = 10
# The last stretch before today, where work is still under way: reports wait for the curator,
# some came back, some are late. Before it the municipality's routine has closed almost everything.
RECENT_DAYS = 45

YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")

# Numbers for the edition's approval order, in each authority's own style.
ORDER_NUMBERS = {
    "Русско-Полянский муниципальный район": "{n}",
    "Углегорский муниципальный округ": "5.04.32-{n}-А/{yy}",
    "Яковлевский муниципальный округ": "{n}-ра",
}


# --- pure helpers ---------------------------------------------------------------------------------

def shift_date(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def shift_years(text: str, years: int, first: int, last: int) -> str:
    """Move every explicit year from `first` to `last` forward by `years`; other numbers stay.

    «Октябрь, 2024, 2025, 2026» by 2 within 2024–2027 is «Октябрь, 2026, 2027, 2028»; «25 числа»,
    «№ 87» and a year outside the plan's period (a reference to an older document) are kept.
    """
    if not years:
        return text
    return YEAR.sub(lambda m: str(int(m[1]) + years) if first <= int(m[1]) <= last else m[0], text)


def years_to_today(start: datetime.date, end: datetime.date, today: datetime.date) -> int:
    """How many years forward the period moves to be the latest one that holds today (0: it does already
    or cannot: a period that lies ahead stays)."""
    for years in range(today.year - start.year, 0, -1):
        if shift_date(start, years) <= today <= shift_date(end, years):
            return years
    return 0


# --- the clock ------------------------------------------------------------------------------------

@contextmanager
def _clock(moment: datetime.datetime):
    # Every service stamps its rows with django.utils.timezone.now() (history, auto_now fields,
    # submitted_at, signed_at): while it runs, "now" is the moment the event happened.
    with mock.patch.object(timezone, "now", lambda: moment):
        yield


# --- texts a school and a curator would write ---------------------------------------------------

REPORT_OPENINGS = [
    (("совещани", "заседани", "педсовет", "педагогическ совет"),
     "Проведено заседание ({what}). Присутствовали {people} чел. Протокол № {num} от {date}."),
    (("семинар", "вебинар", "конференц", "мастер-класс", "методическ"),
     "Педагоги школы приняли участие: {what}. Участников — {people} чел., материалы выступлений в методическом кабинете."),
    (("курс", "квалификац", "обучени"),
     "{people} педагогов прошли обучение ({what}), удостоверения о повышении квалификации получены, сведения внесены в план ПК."),
    (("анализ", "мониторинг", "диагност", "оценк", "результат"),
     "Выполнено: {what}. Подготовлена аналитическая справка от {date}, выводы рассмотрены на методическом совете."),
    (("родител", "семь"),
     "Проведены родительские собрания и индивидуальные беседы ({what}); присутствовали {people} родителей, протокол № {num}."),
    (("урок", "посещен", "наставни", "консультац"),
     "{what}: посещено {people} уроков, даны рекомендации учителям, листы наблюдения и замечания обсуждены с педагогами."),
    (("план", "программ", "приказ", "дорожн"),
     "Разработан и утверждён документ ({what}), приказ по школе от {date} № {num}-од."),
]
REPORT_DEFAULT = "Мероприятие выполнено ({what}). Итоги подведены {date}, подтверждающие материалы — на сайте школы."
MUNICIPAL_DEFAULT = "Выполнено комитетом ({what}). Итоги подведены {date}, информация направлена в школы письмом № {num}."
REGIONAL_DEFAULT = (
    "Проведено региональным исполнителем ({what}). Итоги подведены {date}, материалы направлены в орган "
    "управления образованием письмом № {num}."
)
# The region body's past points of a 3-level plan, oldest first: the region's viewer reported them,
# the coordinator accepted one and returned one (it is on the region's home), one waits for review.
REGIONAL_PAST_FATES = ("done", "rework", "submitted")
REPORT_ENDINGS = [
    "",
    " Информация размещена на сайте школы в разделе «Повышение качества образования».",
    " Замечаний нет.",
    " Работа будет продолжена в следующей четверти.",
    " Копия протокола передана куратору.",
]
IN_PROGRESS_TEXTS = [
    "Начата подготовка: составлен план проведения, назначены ответственные.",
    "Работа идёт: собраны данные по классам, справка готовится.",
    "Проведена первая часть, вторая запланирована на следующую неделю.",
]
RETURN_COMMENTS = [
    "Приложите протокол и список участников: без них отчёт не подтверждён.",
    "Из отчёта не видно, какие меры приняты по итогам. Дополните выводы.",
    "Укажите количество педагогов и классов, которых это касалось.",
    "Ссылка на материалы не открывается, проверьте её и отправьте снова.",
    "Достигнутое значение не совпадает с данными справки. Уточните.",
]
RESENT_ADDITIONS = [
    " Дополнено: приложены протокол и список участников.",
    " Дополнено по замечанию куратора: указаны принятые меры и ответственные.",
    " Уточнены данные: количество педагогов и классов приведено по приказу.",
]
ACCEPT_COMMENTS = ["", "", "", "Принято, спасибо.", "Принято. Хороший анализ, используйте его при планировании на четверть."]
LATE_REQUEST_REASONS = [
    "Педагоги на курсах повышения квалификации до конца месяца, провести раньше не получится.",
    "Карантин по гриппу в школе: занятия приостановлены, мероприятие перенесено.",
]
CANCEL_REASON_OLD = "План утратил силу: мероприятие продолжается по новой редакции плана."
CANCEL_REASON_SKIPPED = "Мероприятие не проводилось: изменились сроки регионального графика, решение координатора."


def _short(content: str) -> str:
    text = re.sub(r"\s+", " ", content).strip().rstrip(".;")
    if len(text) > 120:
        text = text[:120].rsplit(" ", 1)[0] + "…"
    return text[:1].lower() + text[1:]


def _report_text(rng: random.Random, cp: ControlPoint, moment: datetime.datetime) -> str:
    content = cp.activity.content
    lowered = content.lower()
    template = REPORT_DEFAULT if cp.school_id is not None else REGIONAL_DEFAULT if cp.regional else MUNICIPAL_DEFAULT
    if cp.school_id is not None:
        for words, candidate in REPORT_OPENINGS:
            if any(w in lowered for w in words):
                template = candidate
                break
    text = template.format(
        what=_short(content), people=rng.randint(4, 26), num=rng.randint(2, 180), date=f"{moment:%d.%m.%Y}"
    )
    return text[:1].upper() + text[1:] + rng.choice(REPORT_ENDINGS)


def _achieved(rng: random.Random, activity: Activity) -> Decimal | None:
    """A value that meets the activity's target, now and then a little beyond it."""
    if activity.target_value is None:
        return None
    target = activity.target_value
    if activity.target_comparator == Activity.Comparator.AT_MOST:
        return max(Decimal(0), target - rng.choice([0, 0, 1]))
    value = target + rng.choice([0, 0, 0, 1, 2])
    if activity.target_unit.strip() == "%":
        value = min(value, Decimal(100))
    return value


def _slug(school) -> str:
    return f"school{school.pk}" if school else "obrazovanie"


# --- the life -------------------------------------------------------------------------------------

class _Life:
    def __init__(self, municipality, today: datetime.date, now: datetime.datetime):
        self.municipality = municipality
        self.today = today
        self.now = now
        self.zone = zoneinfo.ZoneInfo(municipality.time_zone or "Europe/Moscow")
        self.rng = random.Random(f"{municipality.name}|{today.isoformat()}")
        users = User.objects.filter(municipality=municipality, is_active=True).order_by("pk")
        self.coordinator = users.filter(role=Role.COORDINATOR).first()
        self.chair = users.filter(role=Role.CHAIR).first()
        self.directors = {u.school_id: u for u in users.filter(role=Role.DIRECTOR, school__isnull=False)}
        self.region_viewer = (
            User.objects.filter(role=Role.REGION, region_id=municipality.region_id, is_active=True).order_by("pk").first()
        )

    # moments ---------------------------------------------------------------------------------

    def at(self, day: datetime.date, floor: datetime.datetime | None = None) -> datetime.datetime:
        """A working-hours moment of `day` (weekends moved to Monday), never before `floor` nor after now."""
        while day.weekday() >= 5:
            day += datetime.timedelta(days=1)
        moment = datetime.datetime.combine(
            day, datetime.time(self.rng.randint(9, 16), self.rng.randint(0, 59)), tzinfo=self.zone
        )
        if floor is not None and moment <= floor:
            moment = floor + datetime.timedelta(minutes=self.rng.randint(20, 240))
        latest = self.now - datetime.timedelta(minutes=self.rng.randint(30, 90))
        moment = min(moment, latest)
        # Near today the cap above can pull a step back before the one it follows (accepted before
        # it was sent): a step is never earlier than its floor, a minute after it at the least.
        if floor is not None and moment <= floor:
            moment = floor + datetime.timedelta(minutes=1)
        return moment

    # who acts --------------------------------------------------------------------------------

    def reporter(self, cp):
        # Schools without a portal account send their reports to the committee, and the coordinator
        # enters them: the portal allows the coordinator every step of a point of the municipality.
        if cp.regional:
            return self.region_viewer or self.coordinator
        return self.directors.get(cp.school_id) or self.coordinator

    def reviewer(self, cp):
        if cp.school_id:
            curator = school_curators(cp.school_id, cp.municipality_id).first()
            if curator:
                return curator
        return self.coordinator

    # steps through the real workflow ---------------------------------------------------------

    def report(self, cp, moment, text=None, status=None):
        with _clock(moment):
            links = []
            if cp.school_id and self.rng.random() < 0.4:
                links = [f"https://{_slug(cp.school)}.example/kachestvo-obrazovaniya/{cp.pk}"]
            return workflow.control_point_report(
                control_point=cp, user=self.reporter(cp), version=cp.version,
                report_text=text or _report_text(self.rng, cp, moment),
                achieved_value=_achieved(self.rng, cp.activity), status=status, links=links,
            )

    def submit(self, cp, moment):
        with _clock(moment):
            return workflow.control_point_submit(control_point=cp, user=self.reporter(cp), version=cp.version)

    def accept(self, cp, moment):
        with _clock(moment):
            return workflow.control_point_accept(
                control_point=cp, user=self.reviewer(cp), version=cp.version, comment=self.rng.choice(ACCEPT_COMMENTS)
            )

    def send_back(self, cp, moment):
        with _clock(moment):
            return workflow.control_point_return(
                control_point=cp, user=self.reviewer(cp), version=cp.version, comment=self.rng.choice(RETURN_COMMENTS)
            )

    def cancel(self, cp, moment, reason):
        with _clock(moment):
            return workflow.control_point_cancel(control_point=cp, user=self.coordinator, version=cp.version, reason=reason)

    def move(self, cp, start):
        """Work began, the school asked for more time before the date, the coordinator agreed: the
        point is now due within the next fortnight."""
        cp = self.report(cp, start, text=self.rng.choice(IN_PROGRESS_TEXTS))
        asked = self.at(cp.due_date - datetime.timedelta(days=2), start)
        new_date = self.today + datetime.timedelta(days=self.rng.randint(3, DUE_SOON_DAYS - 2))
        with _clock(asked):
            request = workflow.control_point_request_due_date(
                control_point=cp, user=self.reporter(cp), version=cp.version,
                requested_date=new_date, reason=self.rng.choice(LATE_REQUEST_REASONS),
            )
        with _clock(self.at(asked.date() + datetime.timedelta(days=1), asked)):
            return workflow.control_point_grant_due_date(
                control_point=cp, user=self.coordinator, version=cp.version, request=request,
                comment="Согласовано, срок перенесён.",
            )

    # fates -----------------------------------------------------------------------------------

    def live(self, cp, fate: str, born: datetime.datetime):
        """Take one point through the steps of its fate, each at its own moment after `born`."""
        due = cp.due_date
        rng = self.rng
        if fate in ("planned", "overdue"):
            return cp
        if fate == "cancelled":
            return self.cancel(cp, self.at(due + datetime.timedelta(days=rng.randint(1, 10)), born), CANCEL_REASON_SKIPPED)
        if fate in ("done", "resent", "rework", "submitted", "in_progress", "moved"):
            start = self.at(due - datetime.timedelta(days=rng.randint(2, 12)), born)
        else:  # late: reported after the date in force
            start = self.at(due + datetime.timedelta(days=rng.randint(3, 25)), born)
        if fate == "in_progress":
            return self.report(cp, start, text=rng.choice(IN_PROGRESS_TEXTS))
        if fate == "moved":
            return self.move(cp, start)
        cp = self.report(cp, start)
        submitted = self.at(start.date() + datetime.timedelta(days=rng.randint(0, 1)), start)
        cp = self.submit(cp, submitted)
        if fate == "submitted":
            return cp
        checked = self.at(submitted.date() + datetime.timedelta(days=rng.randint(1, 4)), submitted)
        if fate in ("resent", "rework"):
            cp = self.send_back(cp, checked)
            if fate == "rework":
                return cp
            again = self.at(checked.date() + datetime.timedelta(days=rng.randint(1, 5)), checked)
            cp = self.report(cp, again, text=cp.report_text + rng.choice(RESENT_ADDITIONS))
            cp = self.submit(cp, again + datetime.timedelta(minutes=5))
            checked = self.at(again.date() + datetime.timedelta(days=rng.randint(1, 3)), again)
        return self.accept(cp, checked)

    def fate_of_past(self, cp, recent: bool) -> str:
        weights = (
            {"done": 45, "late": 6, "resent": 4, "submitted": 18, "rework": 8, "overdue": 11, "in_progress": 8}
            if recent
            else {"done": 78, "late": 10, "resent": 5, "overdue": 4, "in_progress": 2, "submitted": 1, "cancelled": 1}
        )
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def fate_of_coming(self, cp) -> str:
        if cp.due_date <= self.today + datetime.timedelta(days=DUE_SOON_DAYS):
            return self.rng.choices(["planned", "in_progress", "submitted"], weights=[60, 30, 10])[0]
        return "in_progress" if self.rng.random() < 0.03 else "planned"


def _points(plan) -> list[ControlPoint]:
    return list(
        ControlPoint.objects.filter(activity__section__plan=plan)
        .select_related("activity", "school", "municipality")
        .order_by("due_date", "activity__section__position", "activity__position", "school_id", "pk")
    )


def _edition(life: _Life, plan: Plan, years: int, approval: datetime.date) -> Plan:
    first, last = plan.period_start.year, plan.period_end.year
    drafted = life.at(approval - datetime.timedelta(days=21))
    with _clock(drafted):
        edition = plan_new_edition(plan=plan)
        edition = plan_save(
            plan=edition,
            data={
                "title": shift_years(edition.title, years, first, last),
                "period_start": shift_date(edition.period_start, years),
                "period_end": shift_date(edition.period_end, years),
                "period_text": shift_years(edition.period_text, years, first, last),
            },
            version=edition.version,
        )
        for activity in Activity.objects.filter(section__plan=edition).order_by("pk"):
            moved = shift_years(activity.deadline_text, years, first, last)
            if moved != activity.deadline_text:
                activity.deadline_text = moved
                activity.save(update_fields=["deadline_text"])
        # The draft's points and appendix bump its version after it is made: read it afresh.
        order = Order.objects.get(pk=order_for_plan_approval(plan=edition).pk)
    number = ORDER_NUMBERS.get(life.municipality.name, "{n}").format(n=life.rng.randint(40, 140), yy=f"{approval:%y}")
    with _clock(life.at(approval - datetime.timedelta(days=2))):
        order = order_save(order=order, data={"number": number, "date": approval}, version=order.version)
    with _clock(life.at(approval)):
        order_sign(order=order, user=life.chair, version=order.version)
    return Plan.objects.get(pk=edition.pk)


def _guarantee(life: _Life, fates: dict, points: list, fate: str, school_ids):
    """At least one point of the given fate at each of these schools (a director sees a return, a
    curator has reports to check), taken from the school's recent past points."""
    for school_id in school_ids:
        candidates = [cp for cp in points if cp.school_id == school_id and cp.due_date < life.today]
        if not candidates or any(fates[cp.pk] == fate for cp in candidates):
            continue
        recent = [cp for cp in candidates if fates[cp.pk] in ("done", "late", "overdue", "in_progress")]
        if recent:
            fates[recent[-1].pk] = fate


def _move_some(life: _Life, fates: dict, points: list, count: int = 3):
    """A few points of the last weeks got a later date on request: they fall due in the next fortnight."""
    since = life.today - datetime.timedelta(days=60)
    recent = [cp for cp in points if since <= cp.due_date < life.today]
    preferred = [cp for cp in recent if fates[cp.pk] in ("overdue", "in_progress")]
    others = [cp for cp in recent if fates[cp.pk] in ("done", "late")]
    chosen = preferred[:count]
    if len(chosen) < count and others:
        chosen += life.rng.sample(others, min(count - len(chosen), len(others)))
    for cp in chosen:
        fates[cp.pk] = "moved"


def _live_edition(life: _Life, edition: Plan):
    points = _points(edition)
    born = life.at(edition.approved_by.date)
    recent_from = life.today - datetime.timedelta(days=RECENT_DAYS)
    fates = {}
    for cp in points:
        if cp.due_date < life.today:
            fates[cp.pk] = life.fate_of_past(cp, recent=cp.due_date >= recent_from)
        else:
            fates[cp.pk] = life.fate_of_coming(cp)
    _guarantee(life, fates, points, "rework", sorted(life.directors))
    _move_some(life, fates, points)
    curated = set(
        User.objects.filter(municipality=life.municipality, role=Role.CURATOR, person__curator_assignments__end_date__isnull=True)
        .values_list("person__curator_assignments__school_id", flat=True)
    )
    _guarantee(life, fates, points, "submitted", sorted(s for s in curated if s))
    past_regional = [cp for cp in points if cp.regional and cp.due_date < life.today]
    for cp, fate in zip(past_regional, REGIONAL_PAST_FATES):
        fates[cp.pk] = fate
    for cp in points:
        life.live(cp, fates[cp.pk], born)
    _due_date_requests(life, edition)


def _due_date_requests(life: _Life, edition: Plan):
    """Requests on coming points: one answered (the director hears back), one waiting for the coordinator."""
    open_soon = list(
        ControlPoint.objects.filter(
            activity__section__plan=edition, school_id__in=list(life.directors), status=Status.PLANNED,
            due_date__gte=life.today, due_date__lte=life.today + datetime.timedelta(days=60),
        ).select_related("activity", "school", "municipality").order_by("due_date", "pk")[:2]
    )
    for index, cp in enumerate(open_soon):
        director = life.directors[cp.school_id]
        asked = life.at(life.today - datetime.timedelta(days=6 - 3 * index))
        with _clock(asked):
            request = workflow.control_point_request_due_date(
                control_point=cp, user=director, version=cp.version,
                requested_date=cp.due_date + datetime.timedelta(days=21), reason=LATE_REQUEST_REASONS[index],
            )
        if index == 0:
            with _clock(life.at(asked.date() + datetime.timedelta(days=1), asked)):
                cp.refresh_from_db()
                workflow.control_point_grant_due_date(
                    control_point=cp, user=life.coordinator, version=cp.version, request=request,
                    comment="Согласовано, срок перенесён.",
                )


def _read_old_notifications(life: _Life):
    """What is older than UNREAD_DAYS the user read a few hours after it came; the last days' stay new."""
    cutoff = life.now - datetime.timedelta(days=UNREAD_DAYS)
    # The region's accounts hear of this municipality's regional points: theirs are read the same way.
    Notification.objects.filter(
        Q(user__municipality=life.municipality) | Q(user__region__isnull=False, control_point__municipality=life.municipality),
        read_at__isnull=True, created_at__lt=cutoff,
    ).update(read_at=F("created_at") + datetime.timedelta(hours=3))


def _with_a_lived_year(plan: Plan, years: int, today: datetime.date) -> int:
    """One year less for a plan whose region body would have nothing past in the latest period.

    Yakovlevsky's ИРО rows are «Постоянно» (a window a year, due 31 December): in the latest period
    that holds today none of them is past, and the region's viewer would find nothing lived on
    their home. Started a year earlier (when that period still holds today), the edition has a
    year of the region's reports behind it. A plan whose region rows already have a past window
    (Omsk's «Октябрь 2023») moves as every plan does.
    """
    if years < 2 or not shift_date(plan.period_start, years - 1) <= today <= shift_date(plan.period_end, years - 1):
        return years
    texts = list(
        Activity.objects.filter(section__plan=plan, executor_set__level=ExecutorLevel.REGION)
        .values_list("deadline_text", flat=True)
        .distinct()
    )
    first, last = plan.period_start.year, plan.period_end.year
    start, end = shift_date(plan.period_start, years), shift_date(plan.period_end, years)
    past = any(
        due < today
        for text in texts
        for _, due in parse_deadline(shift_years(text, years, first, last), start, end).windows
    )
    return years - 1 if texts and not past else years


def _plan_lived(plan: Plan) -> bool:
    return Plan.objects.filter(replaces=plan).exists()


def live_municipality(municipality, plans, today: datetime.date | None = None) -> bool:
    """Give the municipality's tracked plans their life up to today; False when it already has one."""
    today = today or timezone.localdate()
    now = timezone.now()
    tracked = [
        plan for plan in Plan.objects.filter(pk__in=[p.pk for p in plans], status=Plan.Status.APPROVED)
        .annotate(n=Count("sections__activities")).filter(n__gt=0).select_related("approved_by").order_by("pk")
    ]
    if not tracked or any(_plan_lived(plan) for plan in Plan.objects.filter(pk__in=[p.pk for p in plans])):
        return False
    life = _Life(municipality, today, now)
    if life.coordinator is None or life.chair is None:
        return False
    for plan in tracked:
        years = _with_a_lived_year(plan, years_to_today(plan.period_start, plan.period_end, today), today)
        if not years:
            continue
        # Approved, as municipalities do, a fortnight before its period begins: no point of it is
        # due before the order that brings it in force.
        approval = min(shift_date(plan.period_start, years) - datetime.timedelta(days=14), today - datetime.timedelta(days=30))
        edition = _edition(life, plan, years, approval)
        # Approval moves the seed plan's points to the edition, where those of no use are dropped
        # (roadmaps.services.edition_points_carry_over); any the seed plan still holds lost their
        # plan's force with it and are closed by the coordinator.
        cancel_at = life.at(approval + datetime.timedelta(days=1))
        for cp in _points(plan):
            if cp.status not in ControlPoint.CLOSED_STATUSES:
                life.cancel(cp, cancel_at, CANCEL_REASON_OLD)
        _live_edition(life, edition)
        _created_at_approval((plan, edition), life.at(approval))
    _read_old_notifications(life)
    return True


def _created_at_approval(plans, approved: datetime.datetime):
    """Points of the document's own plan were made when the demo loaded it, today; the edition took
    some over, the rest were cancelled. In the lived story they come with the edition's approval,
    before any step on them (a point's history would otherwise begin after its reports)."""
    # By the records' own activity: points the approval dropped exist only in their history.
    ControlPoint.history.filter(
        activity__section__plan__in=plans,
        history_type="+",
        history_date__gt=approved,
    ).update(history_date=approved)
