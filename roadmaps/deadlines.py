"""Read a deadline as a Russian plan writes it, in the context of the plan's period. Pure Python.

«Апрель-май 2023 г» → dates, ((2023-04-01, 2023-05-31),)
«Ежеквартально»     → dates, one (quarter start, quarter end) window per quarter of the period
«Постоянно»         → continuous, one window per calendar year of the period
«По плану школы»    → on_schedule, no windows
«По запросам»       → on_demand, no windows

A window is (start, due); start is None when the text names only the due date.

Invariant kept for callers: kinds ``dates`` and ``continuous`` always carry at least one
window; a phrase that was understood but has no occurrence in the period comes back as
``unknown`` so that nothing downstream has to handle a dated deadline without dates.

Which occurrences belong to the period. Phrases that carry no year («ноябрь», «до 1 апреля»,
«ежеквартально», «раз в четверть») repeat in the period: an occurrence is kept only when it
lies entirely within the period; for repeating reports the reporting span (the month, the
quarter) is what must lie within, its due date may fall after the period ends. Explicit years
are kept as written, even outside the period. Continuous phrases are clipped to the period.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime

KINDS = frozenset({"dates", "continuous", "on_schedule", "on_demand", "unknown"})

# School calendar as (month, day) pairs: (start, end) of each quarter, in school-year order.
DEFAULT_SCHOOL_QUARTERS = (
    ((9, 1), (10, 31)),
    ((11, 1), (12, 31)),
    ((1, 1), (3, 31)),
    ((4, 1), (5, 31)),
)


@dataclass(frozen=True, slots=True)
class Deadline:
    """What kind of deadline a phrase is, and its (start, due) windows sorted by due."""

    kind: str
    windows: tuple[tuple[date | None, date], ...] = ()


UNKNOWN = Deadline("unknown")

# --- grammar ---------------------------------------------------------------------------------

# Only real case forms: a bare stem would read «августовская конференция» as August.
_MON = (
    r"(?<![а-яa-z])(?:январ(?:ь|я|е|ю|ем)|феврал(?:ь|я|е|ю|ем)|март(?:а|е|у|ом)?"
    r"|апрел(?:ь|я|е|ю|ем)|ма(?:й|я|е|ю|ем)|июн(?:ь|я|е|ю|ем)?|июл(?:ь|я|е|ю|ем)?"
    r"|август(?:а|е|у|ом)?|сентябр(?:ь|я|е|ю|ем)|октябр(?:ь|я|е|ю|ем)|ноябр(?:ь|я|е|ю|ем)"
    r"|декабр(?:ь|я|е|ю|ем)|янв|февр?|мар|апр|авг|сент?|окт|нояб?|дек)(?![а-яa-z])\.?"
)
# The first three letters name the month in every form and abbreviation above.
_MONTH_BY_PREFIX = {
    "янв": 1, "фев": 2, "мар": 3, "апр": 4, "май": 5, "мая": 5, "мае": 5, "маю": 5,
    "июн": 6, "июл": 7, "авг": 8, "сен": 9, "окт": 10, "ноя": 11, "дек": 12,
}
# «г», «г.», «гг.», «года», «году» after a year carry no meaning.
_YSUF = r"(?:\s*(?:гг?(?![а-я])\.?|год[а-я]*))?"
_ORD = (
    r"(?:(?<![a-z])(?:iv|iii|ii|i)(?![a-z])"
    r"|(?<!\d)[1-4](?:\s*-?\s*(?:ый|ий|ой|й|ого|го|ое|е|ом|м|ая|я|ую|ю))?(?!\d)"
    r"|(?<![а-я])(?:перв|втор|трет)[а-я]*|(?<![а-я])четверт(?:ый|ого|ом|ому|ая|ой|ую|ое)(?![а-я]))"
)
_TOKEN = re.compile(
    rf"(?P<iso>(?<!\d)(?P<iy>\d{{4}})-(?P<im>\d{{1,2}})-(?P<id>\d{{1,2}})(?![\d.]){_YSUF})"
    rf"|(?P<num>(?<![\d.])(?P<nd>\d{{1,2}})[./](?P<nm>\d{{1,2}})[./](?P<ny>\d{{4}}|\d{{2}})(?![\d]){_YSUF})"
    r"|(?P<short>(?<![\d.])(?P<sd>\d{1,2})\.(?P<sm>\d{2})(?!\d|\.\d))"
    rf"|(?P<dm>(?<![\d.])(?P<dmd>\d{{1,2}})(?:\s*-?\s*(?:ого|го|ое|е))?\s*(?P<dmm>{_MON}))"
    rf"|(?P<ord>(?P<ords>{_ORD}(?:\s*(?:,|-|и)\s*{_ORD})*)\s*"
    r"(?P<unit>кв(?![а-я])\.?|квартал[а-я]*|полугод[а-я]*|четверт[а-я]*))"
    r"|(?P<yend>(?<![а-я])конц[аеу]\s+(?:(?:текущего|календарного|этого|отчетного)\s+)?"
    r"(?P<yends>учебного\s+)?год(?:а|у)?(?![а-я]))"
    rf"|(?P<mon>{_MON})"
    rf"|(?P<year>(?<![\d.])(?P<yv>(?:19|20|21)\d\d)(?!\d|\.\d){_YSUF})"
    r"|(?P<by>(?<![а-я])не\s+(?:позднее|позже)(?![а-я]))"
    r"|(?P<before>(?<![а-я])(?:до|к|ко|по)(?![а-я]))"
    r"|(?P<from>(?<![а-я])(?:(?:начиная\s+)?со?|после)(?![а-я]))"
    r"|(?P<end>(?<![а-я])(?:конц[аеу]|конец)(?![а-я]))"
    r"|(?P<dash>[-/])"
    r"|(?P<sep>[,;()]|(?<![а-я])(?:и|или)(?![а-я]))"
    r"|(?P<word>[^\W_]+)"
)
_ORD_ONE = re.compile(_ORD)
_ORD_VALUE = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "пер": 1, "вто": 2, "тре": 3, "чет": 4}
# Words that may stand between a preposition and its date without changing what it governs.
_TRANSPARENT = frozenset({"в", "во", "на", "чем", "г", "гг", "год", "года", "году"})

_PERIODIC = re.compile(
    r"(?P<month>ежемесячн|помесячн|(?<![а-я])раза?\s+в\s+месяц|кажд[а-я]*\s+месяц"
    r"|по\s+итогам\s+(?:каждого\s+)?месяца)"
    r"|(?P<school>ежечетвертн|(?<![а-я])четвертн|(?<![а-я])раза?\s+в\s+четверть|кажд[а-я]*\s+четверт"
    r"|по\s+четвертям|по\s+итогам\s+(?:каждой\s+)?четверти)"
    r"|(?P<quarter>ежекварт|поквартальн|(?<![а-я])раза?\s+в\s+квартал|кажд[а-я]*\s+квартал"
    r"|по\s+кварталам|по\s+итогам\s+(?:каждого\s+)?квартала)"
    # «2 раза в год» without named days: one occurrence per half-year is the plain reading.
    r"|(?P<half>(?<![а-я])раза?\s+в\s+полугоди|кажд[а-я]*\s+полугоди|по\s+полугодиям|полугодов"
    r"|по\s+итогам\s+(?:каждого\s+)?полугодия|(?<!\d)(?:2|два)\s+раза\s+в\s+год(?![а-я])"
    r"|дважды\s+в\s+год(?![а-я]))"
    r"|(?P<year>ежегодн|(?<![а-я])раз\s+в\s+год(?![а-я])|кажд[а-я]*\s+год(?:а|у)?(?![а-я]))"
)
_PERIOD_MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}
_DAY_OF_MONTH = re.compile(r"(?<!\d)(\d{1,2})\s*(?:-?\s*(?:ого|го|ое|е))?\s+числ")
# «в течение» alone is not enough: «в течение 3 дней после …» is an on-demand reaction.
_CONTINUOUS = re.compile(
    r"(?<![а-я])(?:постоянн|в\s+постоянном\s+режиме|систематическ|регулярн|ежедневн|еженедельн"
    r"|круглогодичн|на\s+протяжении|весь\s+период|в\s+период\s+реализации"
    r"|в\s+течени[ея]\s+(?:всего\s+|каждого\s+)?"
    r"(?:(?:учебного|календарного|отчетного|текущего|планируемого)\s+)?"
    r"(?:года?|периода|срока|реализации|\d{4}|учебн))"
)
# on_demand first: at one position «по результатам мониторинга плана» must not read as «по плану».
_SCHEDULE_OR_DEMAND = re.compile(
    r"(?P<on_demand>(?<![а-я])(?:по\s+мере|по\s+необходимост|при\s+необходимост|по\s+запрос"
    r"|по\s+результат|по\s+итогам|после(?![а-я])|по\s+факту|по\s+требовани|по\s+заявк"
    r"|по\s+обращени|в\s+случае|по\s+согласовани|по\s+завершени|по\s+окончани))"
    r"|(?P<on_schedule>(?<![а-я])(?:по|согласно|в\s+соответствии\s+со?)\s+(?:[а-я]+\s+){0,3}?"
    r"(?:график|план(?:у|а|ом|ам|ами)?(?![а-я])|расписани|приказ|календар|циклограмм|регламент"
    r"|дорожн[а-я]*\s+карт)"
    # «в рамках заседаний РМО»: it happens when the host event is held, i.e. on its schedule.
    r"|(?<![а-я])в\s+рамках(?![а-я])"
    r"|(?<![а-я])в\s+(?:установленные|утвержденные|определенные)\s+сроки"
    r"|(?<![а-я])в\s+сроки,?\s+(?:установленн|утвержденн|определенн))"
)
_NORMALIZE = str.maketrans({
    "ё": "е", "і": "i", "\u00a0": " ", "\u202f": " ", "\u2009": " ",
    **{dash: "-" for dash in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"},
})
_DAYS_IN_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_ITEM_TOKENS = frozenset({"iso", "num", "short", "dm", "ord", "yend", "mon"})
_SCHOOL_YEAR = "school year"  # marks a bare «2023/2024 учебный год» among bare calendar years
_MAX_YEAR_RUN = 200  # «Октябрь 1900–2199» must not fan out into hundreds of windows
# Chains of ordinals and years («1-1-1-…», «I и II и …») cost the token grammar time quadratic in
# the text's length: 10,000 characters took 8 s (a DoS through the deadline preview). A deadline
# is stored in 500 characters (Activity.deadline_text); anything far longer is not a deadline.
MAX_TEXT_LENGTH = 1000


# --- calendar helpers ------------------------------------------------------------------------

def _last_day(y, m):
    if m == 2 and y % 4 == 0 and (y % 100 != 0 or y % 400 == 0):
        return 29
    return _DAYS_IN_MONTH[m]


def _mk(y, m, d):
    """The date, or None when it does not exist; d == 0 means the month's last day."""
    if not (1 <= y <= 9999 and 1 <= m <= 12):
        return None
    last = _last_day(y, m)
    if d == 0:
        d = last
    elif not 1 <= d <= last:
        return None
    return date(y, m, d)


def _add_month(y, m):
    return (y + 1, 1) if m == 12 else (y, m + 1)


# --- items and entries -----------------------------------------------------------------------

class _Item:
    """A calendar span inside one year, its year possibly still unknown."""

    __slots__ = ("year", "sm", "sd", "em", "ed", "point")

    def __init__(self, year, sm, sd, em, ed, point=False):
        self.year, self.sm, self.sd, self.em, self.ed, self.point = year, sm, sd, em, ed, point

    def copy(self, year):
        return _Item(year, self.sm, self.sd, self.em, self.ed, self.point)

    @property
    def wrap(self):
        # A school quarter such as 15.12–20.01 ends in the next calendar year.
        return int((self.em, self.ed or 31) < (self.sm, self.sd))


class _Entry:
    """One thing the text names: an item, or a range first–last, with its preposition."""

    __slots__ = ("first", "last", "mode", "bare")

    def __init__(self, first, last=None, mode=None, bare=False):
        # mode: None, "from" (с), "before" (до, к, по) or "by" (не позднее, до конца);
        # bare: the entry is a year or a school year named on its own
        self.first, self.last, self.mode, self.bare = first, last, mode, bare

    @property
    def awaits_year(self):
        # A following year belongs to the closing item: «ноябрь 2023 – февраль 2024».
        return (self.last or self.first).year is None

    @property
    def yearless(self):
        return self.first.year is None and (self.last is None or self.last.year is None)

    def with_year(self, year):
        if self.last is None:
            return _Entry(self.first.copy(year), None, self.mode, self.bare)
        return _Entry(self.first.copy(self.first.year), self.last.copy(year), self.mode, self.bare)


def _school_quarters(value):
    if value is None:
        return DEFAULT_SCHOOL_QUARTERS
    try:
        quarters = tuple(
            ((sm, sd), (em, ed))
            for (sm, sd), (em, ed) in value
            if all(type(v) is int for v in (sm, sd, em, ed)) and _mk(2000, sm, sd) and _mk(2000, em, ed)
        )
    except (TypeError, ValueError):
        return DEFAULT_SCHOOL_QUARTERS
    return quarters or DEFAULT_SCHOOL_QUARTERS


def _items(kind, m, sq):
    """Items for one token as (first, last) pairs; [] when the token names no real date."""
    if kind == "mon":
        month = _MONTH_BY_PREFIX[m["mon"][:3]]
        return [(_Item(None, month, 1, month, 0), None)]
    if kind == "dm":
        day, month = int(m["dmd"]), _MONTH_BY_PREFIX[m["dmm"][:3]]
        # 29 февраля without a year is valid in leap years only; check against 2000.
        return [(_Item(None, month, day, month, day, True), None)] if _mk(2000, month, day) else []
    if kind == "num" or kind == "iso":
        if kind == "num":
            y, month, day = m["ny"], int(m["nm"]), int(m["nd"])
            y = int(y) + 2000 if len(y) == 2 else int(y)
        else:
            y, month, day = int(m["iy"]), int(m["im"]), int(m["id"])
        return [(_Item(y, month, day, month, day, True), None)] if _mk(y, month, day) else []
    if kind == "short":
        day, month = int(m["sd"]), int(m["sm"])
        return [(_Item(None, month, day, month, day, True), None)] if _mk(2000, month, day) else []
    if kind == "yend":
        if m["yends"]:
            (em, ed) = sq[-1][1]
            return [(_Item(None, em, ed, em, ed, True), None)]
        return [(_Item(None, 12, 31, 12, 31, True), None)]
    # kind == "ord": «I квартал», «2-е полугодие», «I-II квартал», «1 и 2 четверть»
    unit = m["unit"]
    if unit.startswith("кв"):
        spans = [((3 * q - 2, 1), (3 * q, 0)) for q in range(1, 5)]
    elif unit.startswith("п"):
        spans = [((1, 1), (6, 0)), ((7, 1), (12, 0))]
    else:
        spans = list(sq)
    text = m["ords"]
    pairs, prev_end, prev = [], 0, None
    for om in _ORD_ONE.finditer(text):
        raw = om.group()
        n = int(raw[0]) if raw[0].isdigit() else _ORD_VALUE.get(raw if raw[0] == "i" else raw[:3], 0)
        if not 1 <= n <= len(spans):
            return []
        (sm, sd), (em, ed) = spans[n - 1]
        item = _Item(None, sm, sd, em, ed)
        if prev is not None and "-" in text[prev_end:om.start()]:
            pairs[-1] = (pairs[-1][0], item)
        else:
            pairs.append((item, None))
        prev, prev_end = item, om.end()
    return pairs


def _entries(norm, sq):
    toks = [(m.lastgroup, m) for m in _TOKEN.finditer(norm)]
    entries, pending = [], []
    prefix, end, link = None, False, False
    prefix_at = item_at = -1
    since = None
    i, n = 0, len(toks)
    while i < n:
        kind, m = toks[i]
        if kind in _ITEM_TOKENS:
            mode = "by" if end else prefix
            for k, (first, last) in enumerate(_items(kind, m, sq)):
                prev = entries[-1] if entries else None
                if k == 0 and link and last is None and prev and prev.last is None and not prev.bare:
                    prev.last = first
                    if prev.mode == "from":  # «с D1 по D2» is a range, not an open start
                        prev.mode = None
                    if prev.awaits_year and (not pending or pending[-1] is not prev):
                        pending.append(prev)
                else:
                    entry = _Entry(first, last, mode)
                    entries.append(entry)
                    if entry.awaits_year:
                        pending.append(entry)
            link = end = False
            item_at = i
        elif kind == "year":
            # A run of years: «2024, 2025, 2026», «2024-2026», «2023/2024 учебный год».
            y = int(m["yv"])
            segments = [[y, y]]
            j = i + 1
            while j + 1 < n and toks[j][0] in ("sep", "dash") and toks[j + 1][0] == "year":
                y = int(toks[j + 1][1]["yv"])
                if toks[j][0] == "dash":
                    segments[-1][1] = y
                else:
                    segments.append([y, y])
                j += 2
            segments = [(min(a, b), max(a, b)) for a, b in segments]
            if pending and prefix == "from" and prefix_at > item_at and not end:
                # «ежегодно в декабре, начиная с 2023 года»: the year bounds the repetition.
                since = segments[0][0]
                pending = []
            elif pending:
                years = sorted({y for a, b in segments for y in range(a, min(b, a + _MAX_YEAR_RUN) + 1)})
                # Pending entries all sit in the tail written since the last run of years.
                waiting = {id(e) for e in pending}
                k = len(entries) - 1
                while entries[k] is not pending[0]:
                    k -= 1
                entries[k:] = [
                    c for e in entries[k:] for c in ([e.with_year(y) for y in years] if id(e) in waiting else (e,))
                ]
                pending = []
            else:
                school = j < n and toks[j][0] == "word" and toks[j][1].group().startswith("уч")
                mode = "by" if end else prefix
                for a, b in segments:
                    if school and b == a + 1:
                        (sm, sd), (em, ed) = sq[0][0], sq[-1][1]
                        entries.append(
                            _Entry(_Item(a, sm, sd, sm, sd), _Item(b, em, ed, em, ed), mode, _SCHOOL_YEAR)
                        )
                    else:
                        last = _Item(b, 12, 1, 12, 0) if b != a else None
                        entries.append(_Entry(_Item(a, 1, 1, 12, 0), last, mode, True))
            link = end = False
            i = j
            continue
        elif kind == "dash":
            link = bool(entries)
        elif kind == "before" and m.group() in ("по", "до") and entries and entries[-1].mode == "from" \
                and entries[-1].last is None:
            link = True
        elif kind in ("before", "by", "from"):
            prefix, prefix_at = kind, i
        elif kind == "end":
            end = True
        elif kind == "sep":
            link = False
        elif m.group() not in _TRANSPARENT:
            prefix, end, link = None, False, False
        i += 1

    # «декабрь 2023, январь»: a month after a dated one continues that year's sequence.
    prev_year = prev_month = None
    for entry in entries:
        if entry.bare:
            continue
        if entry.yearless:
            if prev_year is not None:
                entry.first.year = prev_year + (entry.first.sm < prev_month)
            else:
                continue
        span = _span(entry)
        if span:
            prev_year, prev_month = span[1].year, span[1].month
    return entries, since


def _span(entry, year=None):
    """(start, end) of the entry, with `year` standing in for a missing one."""
    f, last = entry.first, entry.last
    if last is None:
        fy = f.year if f.year is not None else year
        if fy is None:
            return None
        start, end = _mk(fy, f.sm, f.sd), _mk(fy + f.wrap, f.em, f.ed)
    else:
        cross = int((last.sm, last.sd) < (f.sm, f.sd))  # «ноябрь – февраль» crosses New Year
        fy, ly = f.year, last.year
        if fy is None and ly is None:
            if year is None:
                return None
            fy, ly = year, year + cross
        elif fy is None:
            fy = ly - cross
        elif ly is None:
            ly = fy + cross
        start, end = _mk(fy, f.sm, f.sd), _mk(ly + last.wrap, last.em, last.ed)
    if start is None or end is None or end < start:
        return None
    return start, end


def _window(entry, start, end, period_end):
    mode = entry.mode
    if mode == "from":
        return (start, period_end) if start <= period_end else None
    if mode == "by":
        return (None, end)
    if mode == "before":
        # «до 2030 года» means through 2030; «до мая» means before May begins.
        return (None, end if entry.bare or (entry.last is None and entry.first.point) else start)
    if entry.last is None and entry.first.point:
        return (None, start)
    return (start, end)


def _entry_windows(entry, ps, pe, out):
    if not entry.yearless:
        span = _span(entry)
        window = span and _window(entry, span[0], span[1], pe)
        if window:
            out.append(window)
        return
    for y in range(max(1, ps.year - 1), pe.year + 1):
        span = _span(entry, y)
        window = span and _window(entry, span[0], span[1], pe)
        if not window:
            continue
        if entry.mode == "from":
            if ps <= window[0] <= pe:  # «с 1 сентября»: the first occurrence opens the span
                out.append(window)
                return
        elif (window[0] or window[1]) >= ps and window[1] <= pe:
            out.append(window)


# --- repeating and continuous ----------------------------------------------------------------

def _due(end, day, following):
    if not day:
        return end
    y, m = _add_month(end.year, end.month) if following else (end.year, end.month)
    if y > 9999:
        return None
    return _mk(y, m, min(day, _last_day(y, m)))


def _periodic_windows(unit, lo, hi, norm, sq):
    found = _DAY_OF_MONTH.search(norm)
    day = int(found[1]) if found else 0
    if not 1 <= day <= 31:
        day = 0
    following = bool(day) and "следующ" in norm
    spans = []
    if unit == "school":
        school_start = sq[0][0]
        for sy in range(max(1, lo.year - 1), hi.year + 1):
            for (sm, sd), (em, ed) in sq:
                y = sy if (sm, sd) >= school_start else sy + 1
                start, end = _mk(y, sm, sd), _mk(y + ((em, ed) < (sm, sd)), em, ed)
                if start and end and lo <= start and end <= hi:
                    spans.append((start, end))
    else:
        step = _PERIOD_MONTHS[unit]
        y, m = lo.year, (lo.month - 1) // step * step + 1
        while True:
            start = _mk(y, m, 1)
            if start is None or start > hi:
                break
            end = _mk(y, m + step - 1, 0)
            if end is None:
                break
            if start >= lo and end <= hi:
                spans.append((start, end))
            m += step
            if m > 12:
                y, m = y + 1, m - 12
    windows = []
    for start, end in spans:
        due = _due(end, day, following)
        if due and due >= start:
            windows.append((start, due))
    return windows


def _continuous_windows(lo, hi):
    if lo > hi:
        return []
    return [(max(lo, date(y, 1, 1)), min(hi, date(y, 12, 31))) for y in range(lo.year, hi.year + 1)]


def _bounds(context, ps, pe):
    """The period narrowed to the years the text names; those years alone if they miss it."""
    spans = [s for s in (_span(e) for e in context) if s]
    if not spans:
        return ps, pe
    lo, hi = min(s[0] for s in spans), max(s[1] for s in spans)
    if max(lo, ps) <= min(hi, pe):
        return max(lo, ps), min(hi, pe)
    return lo, hi


def _result(kind, windows):
    if not windows:
        return UNKNOWN
    unique = set(windows)
    ordered = sorted(unique, key=lambda w: (w[1], w[0] is not None, w[0] or w[1]))
    return Deadline(kind, tuple(ordered))


# --- entry point -----------------------------------------------------------------------------

def _parse(text, ps, pe, school_quarters):
    norm = text.lower().translate(_NORMALIZE)
    sq = _school_quarters(school_quarters)
    entries, since = _entries(norm, sq)
    # Years named on their own («в течение 2023 года», «ежеквартально в 2024 году») only
    # narrow what the rest of the text says; everything else is a date in its own right.
    context = [e for e in entries if e.bare and e.mode is None]
    dated = [e for e in entries if not (e.bare and e.mode is None)]

    if dated:
        if all(e.bare and e.mode == "from" for e in dated):
            periodic = _PERIODIC.search(norm)
            if periodic:  # «ежеквартально, начиная с 2025 года»
                lo = max(ps, min(date(e.first.year, 1, 1) for e in dated))
                return _result("dates", _periodic_windows(periodic.lastgroup, lo, pe, norm, sq))
        windows = []
        first_day = max(ps, date(since, 1, 1)) if since else ps
        for entry in entries:
            _entry_windows(entry, first_day, pe, windows)
        kind = "continuous" if any(e.mode == "from" for e in dated) else "dates"
        return _result(kind, windows)

    periodic = _PERIODIC.search(norm)
    if periodic:
        lo, hi = _bounds(context, ps, pe)
        return _result("dates", _periodic_windows(periodic.lastgroup, lo, hi, norm, sq))

    # Checked before the schedule words on purpose: «В течение года по отдельному графику
    # проведения измерительных процедур» names its span (the year); the schedule only says
    # when inside it, so the activity is continuous over the year.
    if _CONTINUOUS.search(norm):
        if not context:
            return _result("continuous", _continuous_windows(ps, pe))
        windows = []
        for entry in context:
            span = _span(entry)
            if not span:
                continue
            lo, hi = max(span[0], ps), min(span[1], pe)
            if lo > hi:  # an explicit year outside the period is kept whole
                lo, hi = span
            if entry.bare == _SCHOOL_YEAR:  # one stretch, not two calendar halves
                windows.append((lo, hi))
            else:
                windows.extend(_continuous_windows(lo, hi))
        return _result("continuous", windows)

    if context:
        windows = []
        for entry in context:
            _entry_windows(entry, ps, pe, windows)
        return _result("dates", windows)

    found = _SCHEDULE_OR_DEMAND.search(norm)
    if found:
        return Deadline(found.lastgroup)
    return UNKNOWN


def parse_deadline(text: str, period_start: date, period_end: date, school_quarters=None) -> Deadline:
    """Kind and (start, due) windows of a deadline phrase, read against the plan's period."""
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT_LENGTH:
        return UNKNOWN
    # datetime is a date subclass but does not compare with date; a stray one must not raise.
    if isinstance(period_start, datetime):
        period_start = period_start.date()
    if isinstance(period_end, datetime):
        period_end = period_end.date()
    if not isinstance(period_start, date) or not isinstance(period_end, date):
        return UNKNOWN
    try:
        return _parse(text, period_start, period_end, school_quarters)
    except Exception:  # noqa: BLE001 — the contract is «never raise»: a phrase the grammar
        # mishandles must degrade to unknown, not take a page or an import down with it.
        return UNKNOWN
