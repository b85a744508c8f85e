"""What a generated plan looks like: its sections, the kind of each row, the deadline phrases. Pure Python.

The rows' texts (content, executors as written, expected result) are the 131 real rows of the
three demo plans (schnor_portal/demo/data/*.json), shuffled per municipality; only the deadlines
are replaced, by recurring phrases the deadline engine reads (roadmaps/deadlines.py), so that
the control points fall inside the generated period. Which phrase goes to which kind of row is
fixed, not random: every municipality then has about the same number of control points, and the
total for given sizes does not depend on the seed.
"""

import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from roadmaps.executors import split_executors

DEMO_DATA = Path(__file__).resolve().parent.parent / "demo" / "data"
DEMO_FILES = ("omsk.json", "uglegorsk.json", "yakovlevsky.json")

# Kinds of row: S — every school of the plan reports (scope «все школы плана»), C — the schools of
# the section's cluster, X — a few chosen schools, M — the municipality alone.
MAIN_SECTIONS = (
    ("1.", "Организационно-управленческие мероприятия", "SSMSSMSSMSSM"),
    ("2.", "Аналитическая и диагностическая деятельность", "SSMSSMSSMSSM"),
    ("3.", "Методическое сопровождение и повышение квалификации педагогических работников", "SSMSSMSSMSSMX"),
    ("4.", "Работа с обучающимися", "SSMSSMSSMSSM"),
    ("5.", "Работа с родителями (законными представителями) и социальными партнёрами", "SSMSSMSSMSSMX"),
    ("6.", "Мониторинг и контроль реализации дорожной карты", "SSMSSMSSMSSM"),
)
CLUSTER_PART = ("II.", "Адресная поддержка школ по кластерам")
CLUSTER_ROWS = "CCCCCC"

# (number, name, criterion, description) of the plan's clusters, as the Omsk order groups schools.
CLUSTERS = (
    (1, "Школы, впервые вошедшие в список ШНОР", "first_time", "Впервые в списке по итогам последнего года."),
    (2, "Школы, повторно входящие в список (2–3 года)", "repeated", "В списке второй год подряд и дольше."),
    (3, "Школы с положительной динамикой результатов", "positive_dynamics", "В списке повторно, динамика положительная."),
    (4, "Школы зоны риска снижения образовательных результатов", "risk_zone", "В списке «зона риска» последнего года."),
)

SCHOOL_PHRASES = (
    "Ежемесячно, до 5 числа",
    "Раз в четверть",
    "Ежемесячно",
    "Ежеквартально, не позднее 25 числа последнего месяца квартала",
    "Раз в месяц",
    "2 раза в год (не позже 20 мая и 20 декабря)",
    "Ежемесячно, не позднее 25 числа",
    "Поквартально, не позднее 10 числа месяца, следующего за отчетным периодом",
    "По итогам каждого месяца",
    "Ежечетвертно",
    "Ежемесячно до 10 числа",
    "2 раза в год",
    "Ежегодно, не позднее 1 июня",
    "В течение года",
    "Не реже 1 раза в квартал",
    "Ежегодно в декабре",
)
CLUSTER_PHRASES = (
    "Ежемесячно, до 5 числа",
    "Раз в четверть",
    "Ежеквартально, не позднее 25 числа последнего месяца квартала",
    "По итогам каждого месяца",
    "2 раза в год",
    "Ежегодно, не позднее 1 июня",
)
CHOSEN_PHRASES = ("Раз в четверть", "Ежегодно")
# {y0} the first year of the plan, {y1} the second (or the last), {y2} the last.
MUNICIPAL_PHRASES = (
    "Ежеквартально",
    "До 1 февраля {y0} г.",
    "Ежегодно в декабре",
    "Постоянно",
    "По отдельному графику",
    "По мере необходимости",
    "Сентябрь, {y1}",
    "Апрель – май {y0} года",
    "Не позднее 1 июня",
    "I квартал {y1}",
    "До конца {y2} года",
    "2 раза в год (не позже 10 января и 28 августа)",
)
# «По отдельному графику» has no dates of its own: the coordinator sets them (Activity.manual_windows).
MANUAL_MONTHS = ((3, 31), (10, 31))

# Rows of the demo plans that name no executor get one by kind, as a coordinator would fill it in.
DEFAULT_EXECUTORS = {"school": "Руководители ОО, кураторы", "municipal": "Муниципальный координатор"}


@dataclass(frozen=True)
class PoolRow:
    content: str
    executors_text: str
    expected_result: str


@lru_cache(maxsize=1)
def activity_pool() -> tuple[tuple[PoolRow, ...], tuple[PoolRow, ...]]:
    """(rows that schools report on, rows for the municipality alone) from the demo plans."""
    school, municipal = [], []

    def walk(sections):
        for section in sections:
            yield section
            yield from walk(section.get("children", []))

    for name in DEMO_FILES:
        data = json.loads((DEMO_DATA / name).read_text(encoding="utf-8"))
        for plan in data["plans"]:
            for section in walk(plan.get("sections", [])):
                for row in section.get("activities", []):
                    text = row["executors_text"].strip()
                    levels = {e.level for e in split_executors(text)}
                    if not text:
                        school.append(PoolRow(row["content"], DEFAULT_EXECUTORS["school"], row["result"]))
                    elif "school" in levels:
                        school.append(PoolRow(row["content"], text, row["result"]))
                    else:
                        municipal.append(PoolRow(row["content"], text, row["result"]))
    return tuple(school), tuple(municipal)


def years_of(period_start: date, period_end: date) -> dict:
    last = period_end.year
    return {"y0": period_start.year, "y1": min(period_start.year + 1, last), "y2": last}


def municipal_phrase(index: int, period_start: date, period_end: date) -> str:
    return MUNICIPAL_PHRASES[index % len(MUNICIPAL_PHRASES)].format(**years_of(period_start, period_end))


def manual_windows(period_start: date, period_end: date) -> list:
    """Dates a coordinator gave an «по отдельному графику» row: March and October of each year."""
    windows = []
    for year in range(period_start.year, period_end.year + 1):
        for month, last_day in MANUAL_MONTHS:
            start, due = date(year, month, 1), date(year, month, last_day)
            if period_start <= start and due <= period_end:
                windows.append([start.isoformat(), due.isoformat()])
    return windows
