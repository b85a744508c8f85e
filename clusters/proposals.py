"""Propose a cluster for each school from its list history. Pure Python: facts in, proposals out.

The default rules are those of 000_b4835e37d9334ce8.txt (Русско-Полянский район, ШНОР-2023):
1 — положительная динамика: the school left the list in the latest year;
2 — впервые: on the latest list and on no list before;
3 — повторно: on the latest list and on an earlier one (2–3 years);
4 — зона риска: on the latest year's risk-zone list.
The «+/−» columns alone cannot tell cluster 4 from schools that simply left earlier
(Алаботинская and Бас-Агашская have the same «+ − −» as Волотовская): the risk-zone list
category decides, and the FIOKO cluster and trend are quoted in the reason.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

POSITIVE_DYNAMICS = "positive_dynamics"
FIRST_TIME = "first_time"
REPEATED = "repeated"
RISK_ZONE = "risk_zone"

DEFAULT_RULES = (POSITIVE_DYNAMICS, FIRST_TIME, REPEATED, RISK_ZONE)
# The Omsk numbering, used when the plan has no cluster for a rule yet.
DEFAULT_NUMBERS = {POSITIVE_DYNAMICS: 1, FIRST_TIME: 2, REPEATED: 3, RISK_ZONE: 4}
DEFAULT_NAMES = {
    POSITIVE_DYNAMICS: "ОО, демонстрирующие положительную динамику образовательных результатов обучающихся",
    FIRST_TIME: "ОО, впервые показавшие низкие образовательные результаты и вошедшие в список ШНОР",
    REPEATED: "повторно включённые в список ШНОР, демонстрирующие положительную динамику или имеющие стабильно базовую неуспешность",
    RISK_ZONE: "ОО, функционирующие в зоне риска снижения образовательных результатов",
}
RULE_LABELS = {
    POSITIVE_DYNAMICS: "Положительная динамика: школа вышла из списка в последнем году",
    FIRST_TIME: "Впервые в списке",
    REPEATED: "Повторно в списке (2–3 года и более)",
    RISK_ZONE: "Зона риска: школа в списке «зона риска» последнего года",
}

_COUNT_WORDS = {2: "два года", 3: "три года", 4: "четыре года", 5: "пять лет"}


def years_word(n: int) -> str:
    """1 год, 2 года, 5 лет, 21 год."""
    if n % 10 == 1 and n % 100 != 11:
        return f"{n} год"
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return f"{n} года"
    return f"{n} лет"
_FIOKO = {"strong": "сильно неуспевающие", "moderate": "умеренно неуспевающие"}
_TREND = {"up": "↑ положительная динамика", "down": "↓ отрицательная динамика", "stable": "→ без изменений"}


@dataclass(frozen=True)
class ListEntryFact:
    year: int
    title: str
    fioko_cluster: str = ""
    trend: str = ""
    objectivity_issue: bool = False


@dataclass(frozen=True)
class SchoolFacts:
    school_id: int
    name: str
    on_list: tuple[ListEntryFact, ...] = ()  # ШНОР list entries, any year
    risk_zone_years: frozenset[int] = frozenset()
    risk_zone_titles: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Proposal:
    school_id: int
    name: str
    rule: str | None
    cluster: int | None
    reason: str


def _years(entries: Iterable[ListEntryFact]) -> list[int]:
    return sorted({e.year for e in entries})


def _titles(entries: Sequence[ListEntryFact]) -> str:
    return ", ".join(e.title for e in sorted(entries, key=lambda e: e.year))


def _in_a_row(years: set[int], last: int) -> int:
    count = 0
    while last - count in years:
        count += 1
    return count


def _fioko_note(entry: ListEntryFact | None) -> str:
    if entry is None or not (entry.fioko_cluster or entry.trend or entry.objectivity_issue):
        return ""
    parts = []
    if entry.fioko_cluster:
        parts.append(_FIOKO.get(entry.fioko_cluster, entry.fioko_cluster))
    if entry.trend:
        parts.append(_TREND.get(entry.trend, entry.trend))
    if entry.objectivity_issue:
        parts.append("признаки необъективности")
    return f"; кластер ФИОКО {entry.year} г.: " + ", ".join(parts)


def propose(
    schools: Iterable[SchoolFacts],
    *,
    list_year: int,
    rules: Sequence[str] = DEFAULT_RULES,
    numbers: dict[str, int] | None = None,
) -> list[Proposal]:
    """One proposal per school, in name order; `rule` and `cluster` are None for no cluster."""
    numbers = {**DEFAULT_NUMBERS, **(numbers or {})}
    proposals = []
    for school in sorted(schools, key=lambda s: s.name):
        rule, reason = _classify(school, list_year, set(rules))
        proposals.append(
            Proposal(school.school_id, school.name, rule, numbers.get(rule) if rule else None, reason)
        )
    return proposals


def _classify(school: SchoolFacts, year: int, rules: set[str]) -> tuple[str | None, str]:
    entries = [e for e in school.on_list if e.year <= year]
    years = set(_years(entries))
    latest = next((e for e in entries if e.year == year), None)

    if latest is not None:
        earlier = [e for e in entries if e.year < year]
        if not earlier and FIRST_TIME in rules:
            return FIRST_TIME, (
                f"впервые показала низкие образовательные результаты и вошла в список ШНОР ({latest.title})"
                + _fioko_note(latest)
            )
        if earlier and REPEATED in rules:
            row = _in_a_row(years, year)
            span = (
                f"{_COUNT_WORDS.get(row, years_word(row))} подряд"
                if row > 1
                else f"вернулась после перерыва, всего {years_word(len(years))} в списке"
            )
            return REPEATED, (
                f"повторно включена в список ШНОР: {_titles(entries)} — {span}" + _fioko_note(latest)
            )
        return None, "в списке ШНОР последнего года, но подходящее правило не выбрано"

    if year - 1 in years and POSITIVE_DYNAMICS in rules:
        return POSITIVE_DYNAMICS, (
            "демонстрирует положительную динамику образовательных результатов: вышла из списка ШНОР "
            f"по результатам оценочных процедур (была в списке: {_titles(entries)}; в {year} г. — нет)"
        )
    if year in school.risk_zone_years and RISK_ZONE in rules:
        title = school.risk_zone_titles.get(year, f"зона риска {year}")
        return RISK_ZONE, f"функционирует в зоне риска снижения образовательных результатов (список «{title}»)"
    if years:
        return None, f"вышла из списка ШНОР раньше ({_titles(entries)}) и не отнесена к зоне риска: в кластеры не входит"
    return None, "не входила в список ШНОР и не отнесена к зоне риска: в кластеры не входит"
