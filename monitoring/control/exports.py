"""The register as an Excel sheet: the same rows, in the same order, as the filtered list."""

from django.utils import timezone

from schnor_portal.dates import format_date
from schnor_portal.xlsx import Sheet

HEADERS = [
    "№ п/п",
    "План",
    "Раздел",
    "№ мероприятия",
    "Мероприятие",
    "Срок (как в плане)",
    "Исполнитель",
    "Начало окна",
    "Срок",
    "Первоначальный срок",
    "Срок перенесён",
    "Статус",
    "Просрочено, дней",
    "Выполнено с нарушением срока",
    "Что сделано",
    "Достигнутое значение",
    "Целевое значение",
    "Требует решения",
    "Принял",
    "Принято",
]
WIDTHS = [6, 30, 30, 10, 60, 24, 30, 12, 12, 14, 10, 16, 12, 14, 50, 14, 18, 12, 20, 12]


def _yes(value):
    return "да" if value else ""


def register_sheet(points, *, today, note: str = "") -> Sheet:
    """Dates are date cells (ДД.ММ.ГГГГ), so the sheet sorts and filters them as dates."""
    rows = []
    for n, cp in enumerate(points, start=1):
        activity = cp.activity
        section = activity.section
        plan = section.plan
        status = cp.get_status_display()
        if cp.overdue_days:
            status += ", просрочено"
        rows.append(
            [
                n,
                f"{plan.get_kind_display()}: {plan.title}",
                f"{section.number} {section.title}".strip(),
                activity.number,
                activity.content,
                activity.deadline_text,
                cp.executor_label,
                cp.window_start,
                cp.due_date,
                cp.original_due_date if cp.is_rescheduled else None,
                _yes(cp.is_rescheduled),
                status,
                cp.overdue_days or "",
                _yes(cp.is_late_done),
                cp.report_text,
                cp.achieved_value if cp.achieved_value is not None else "",
                activity.target_label,
                _yes(cp.needs_decision),
                cp.accepted_by.display_name if cp.accepted_by_id and cp.accepted_by else "",
                timezone.localdate(cp.accepted_at) if cp.accepted_at else None,
            ]
        )
    return Sheet(title=f"Точки на {format_date(today)}", headers=HEADERS, rows=rows, widths=WIDTHS, note=note)
