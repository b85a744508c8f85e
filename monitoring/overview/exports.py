"""The municipal overview as an Excel workbook: the page's blocks, one sheet each, the same figures."""

from monitoring.control.selectors import DUE_SOON_DAYS
from schnor_portal.dates import format_date, school_year_label
from schnor_portal.xlsx import Sheet

from .context import CATEGORY_FIELDS, PARENT_FIELDS, PASSPORT_FIELDS, SPECIALIST_FIELDS
from .selectors import MunicipalOverview


def _names(mentions):
    return "\n".join(f"{m.name} ({m.note})" if m.note else m.name for m in mentions)


def lists_sheet(overview: MunicipalOverview) -> Sheet:
    rows = []
    for row in overview.lists.rows:
        for cell in row.present:
            rows.append([row.year, cell.category_label, cell.label, cell.count, _names(cell.entered), _names(cell.left)])
    return Sheet("Списки по годам", ["Год", "Категория", "Список", "Школ в списке", "Вошли", "Вышли"], rows, [8, 14, 22, 10, 50, 50])


COMPLETION_HEADERS = [
    "Исполнитель / год срока",
    "Всего точек",
    "Выполнено",
    "В срок",
    "С нарушением срока",
    "Просрочено",
    f"Срок в ближайшие {DUE_SOON_DAYS} дней",
    "Выполнено в срок, % от наступивших сроков",
]


def _level_label(row) -> str:
    return "Региональный уровень" if row.get("regional") else "Муниципальный уровень"


def _completion_row(label, row):
    return [label, row["total"], row["done"], row["on_time"], row["done_late"], row["overdue"], row["due_soon"], row["percent_on_time"]]


def completion_sheet(overview: MunicipalOverview) -> Sheet:
    completion = overview.completion
    rows = []
    if completion is not None:
        rows.append(_completion_row("Весь план", completion.totals))
        rows += [_completion_row(f"Срок в {row['due_year']} году", row) for row in completion.by_year]
        rows += [_completion_row(row["school__short_name"] or _level_label(row), row) for row in completion.by_school]
    return Sheet("Исполнение плана", COMPLETION_HEADERS, rows, [45, 10, 10, 10, 12, 12, 14, 16])


def targets_sheet(overview: MunicipalOverview) -> Sheet:
    headers = [
        "№",
        "Мероприятие",
        "Целевое значение",
        "Исполнитель",
        "Точек",
        "Выполнено",
        "С достигнутым значением",
        "Из них цель достигнута",
        "Последнее значение",
        "Срок последней точки",
        "Цель достигнута (по последнему)",
    ]
    rows = []
    for target in overview.targets.rows if overview.targets else []:
        activity = target.activity
        rows.append(
            [activity.number, activity.content, activity.target_label, "Всего", target.total, target.done, target.reported, target.achieved, "", "", f"{target.meeting_now} из {target.with_last_value}"]
        )
        for e in target.executors:
            meets = "" if e.last_meets is None else ("да" if e.last_meets else "нет")
            rows.append(["", "", "", e.name, e.total, e.done, e.reported, e.achieved, e.last_value, format_date(e.last_due), meets])
    return Sheet("Целевые значения", headers, rows, [7, 50, 16, 35, 8, 10, 12, 12, 12, 12, 14])


def context_sheet(overview: MunicipalOverview) -> Sheet:
    headers = ["ОО", "Списки", "Данные за учебный год", "Обучающихся", "Педагогов"]
    for _, label in CATEGORY_FIELDS:
        headers += [f"Категория: {label}", f"{label}, %"]
    headers += [f"{label}, ставок" for _, label in SPECIALIST_FIELDS]
    headers += ["Социальный паспорт за учебный год", "Детей"]
    for _, label in PASSPORT_FIELDS + PARENT_FIELDS:
        headers += [label, f"{label}, %"]
    rows = []
    for row in overview.context.rows if overview.context else []:
        data, passport = row.data, row.passport
        values = [row.name, "; ".join(row.lists), school_year_label(data.year) if data else "", data.pupils_total if data else None, data.pedagogues_total if data else None]
        for share in row.categories:
            values += [share.value, share.percent]
        values += [getattr(data, name) if data else None for name, _ in SPECIALIST_FIELDS]
        values += [school_year_label(passport.year) if passport else "", row.children_whole]
        for share in row.social + row.parents:
            values += [share.value, share.percent]
        rows.append(values)
    return Sheet("Кадры и социум", headers, rows)


def overview_sheets(overview: MunicipalOverview) -> list[Sheet]:
    return [lists_sheet(overview), completion_sheet(overview), targets_sheet(overview), context_sheet(overview)]
