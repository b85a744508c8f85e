"""The markup of a control point's status badges and of a register row, written in Python.

A register page is fifty rows of some twenty values each; through template tags and filters they
were a third of the page's time (18 of 55 ms at a million points, bench/README.md). Written here
they cost about a millisecond. The badges are the same everywhere a point is shown: the templates
call `{% status_badges cp %}`, which is this code.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from monitoring.control.reminders import ru_days
from schnor_portal.dates import format_date

STATUS_CLASSES = {
    "planned": "text-bg-secondary",
    "in_progress": "text-bg-primary",
    "submitted": "text-bg-info",
    "rework": "text-bg-warning",
    "done": "text-bg-success",
    "cancelled": "text-bg-dark",
}


def clip(text, length: int) -> str:
    """What the `truncatechars` filter gives; a text that already fits is returned without the
    filter's walk over every character."""
    text = "" if text is None else str(text)
    return text if len(text) <= length else Truncator(text).chars(length)


def status_badges_html(cp) -> str:
    """Status, and the flags of lateness, a moved date and a decision the plan's change asks for."""
    status_class = STATUS_CLASSES.get(cp.status, "text-bg-secondary")
    parts = [f'<span class="badge {status_class}" data-testid="status">{escape(cp.get_status_display())}</span>']
    overdue = getattr(cp, "overdue_days", 0)
    if overdue:
        parts.append(f'<span class="badge text-bg-danger" data-testid="overdue">просрочено на {ru_days(int(overdue))}</span>')
    if getattr(cp, "is_late_done", False):
        parts.append('<span class="badge text-bg-warning" data-testid="late">выполнено с нарушением срока</span>')
    if cp.is_rescheduled:
        parts.append(
            '<span class="badge text-bg-light border" data-testid="rescheduled" '
            f'title="Первоначальный срок {format_date(cp.original_due_date)}">срок перенесён</span>'
        )
    if cp.needs_decision:
        parts.append(
            '<span class="badge text-bg-warning" title="Мероприятие изменилось в плане, а по точке уже есть отчёт">'
            "требует решения</span>"
        )
    return mark_safe("\n".join(parts))


def register_rows_html(points, *, bulk: bool) -> str:
    """The register's rows (`decorate`d points); with `bulk`, each row's labelled checkbox for the
    coordinator's bulk form."""
    rows = []
    for cp in points:
        number, content = escape(cp.activity.number), cp.activity.content
        label, due = cp.executor_label, format_date(cp.due_date)
        cells = []
        if bulk:
            token = f"{cp.pk}:{cp.version}"
            cells.append(
                f'<td><input type="checkbox" class="form-check-input" name="cp" value="{token}" form="bulk-form" id="bulk-cp-{cp.pk}">\n'
                f'        <label class="visually-hidden" for="bulk-cp-{cp.pk}">Выбрать точку {number} {escape(clip(content, 80))}'
                f" — {escape(clip(label, 60))}, срок {due}</label>\n"
                f'        <input type="hidden" name="page_cp" value="{token}" form="bulk-form"></td>'
            )
        cells.append(f'<td class="text-nowrap text-muted">{number}</td>')
        url = reverse("monitoring:control_point_detail", args=[cp.pk])
        cells.append(
            f'<td><a href="{url}">{escape(clip(content, 140))}</a>\n'
            f'        <div class="small text-muted">{escape(clip(cp.activity.deadline_text, 80))}</div></td>'
        )
        executor = escape(label) if cp.school_id else f"<em>{escape(clip(label, 80))}</em>"
        cells.append(f'<td class="small">{executor}</td>')
        moved = f'<div class="small text-muted">было <s>{format_date(cp.original_due_date)}</s></div>' if cp.is_rescheduled else ""
        cells.append(f'<td class="text-nowrap">{due}{moved}</td>')
        cells.append(f"<td>{status_badges_html(cp)}</td>")
        updated = timezone.localtime(cp.updated_at).strftime("%d.%m.%Y") if cp.updated_at else ""
        cells.append(f'<td class="small text-muted text-nowrap">{updated}</td>')
        rows.append(f'<tr data-testid="register-row" data-pk="{cp.pk}">\n      ' + "\n      ".join(cells) + "\n    </tr>")
    return mark_safe("\n    ".join(rows))
