"""Read the quantitative target out of an expected result as written. Pure Python.

«не менее 20 %», «100 % педагогов», «не менее 4 мероприятий в год» → (comparator, value, unit).
Durations («не менее 2 лет») are conditions, not targets, and are skipped.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

_COMPARATORS = {"не менее": "gte", "не ниже": "gte", "не более": "lte", "не выше": "lte"}
_CMP = r"(?P<cmp>не\s+менее|не\s+более|не\s+ниже|не\s+выше)"
_NUM = r"(?P<num>\d+(?:[.,]\d+)?)"
_PERCENT = re.compile(rf"(?:{_CMP}[\s,]*(?:чем\s+)?(?:на\s+)?)?{_NUM}\s*%", re.IGNORECASE)
_COUNT = re.compile(rf"{_CMP}\s+{_NUM}\s+(?P<unit>[а-яё]+)", re.IGNORECASE)
_DURATIONS = {"лет", "года", "год", "месяцев", "месяца", "дней", "раз"}
_PER_YEAR = {"ежегодно"}


@dataclass(frozen=True)
class Target:
    comparator: str  # "gte", "lte" or "eq"
    value: Decimal
    unit: str


def _comparator(raw):
    if not raw:
        return "eq"
    return _COMPARATORS[" ".join(raw.lower().split())]


def parse_target(text: str) -> Target | None:
    if not text:
        return None
    match = _PERCENT.search(text)
    if match:
        return Target(_comparator(match["cmp"]), Decimal(match["num"].replace(",", ".")), "%")
    for match in _COUNT.finditer(text):
        unit = match["unit"].lower()
        if unit in _DURATIONS:
            continue
        return Target(
            _comparator(match["cmp"]),
            Decimal(match["num"].replace(",", ".")),
            "в год" if unit in _PER_YEAR else match["unit"],
        )
    return None
