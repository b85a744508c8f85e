"""The markup of a control point where pages list many: status badges, register rows, the
summary of a card on «Моя школа» — written in Python.

A register page is fifty rows of some twenty values each; through template tags and filters they
were a third of the page's time (18 of 55 ms at a million points, bench/README.md), and fifty
cards a third of «Моя школа». Written here they cost a millisecond or two. The templates call
`{% status_badges cp %}`, `{% card_summary cp %}` and `{% queue_summary cp %}`, which are this
code; what a card does (the report form, the curator's decision) stays in its template.
"""

from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.safestring import mark_safe

from monitoring.control.reminders import ru_days
from schnor_portal.dates import format_date
from schnor_portal.markup import clip, escape
from schnor_portal.row_urls import row_url

STATUS_CLASSES = {
    "planned": "text-bg-secondary",
    "in_progress": "text-bg-primary",
    "submitted": "text-bg-info",
    "rework": "text-bg-warning",
    "done": "text-bg-success",
    "cancelled": "text-bg-dark",
}


def filesize(size) -> str:
    """«340 КБ», «2,4 МБ»."""
    if size is None:
        return ""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} КБ"
    return f"{size / (1024 * 1024):.1f} МБ".replace(".", ",")


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
        url = row_url("monitoring:control_point_detail", cp.pk)
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


def _local(moment, pattern) -> str:
    return timezone.localtime(moment).strftime(pattern) if moment else ""


def _evidence_html(files, *, sizes=True, link_length=60) -> str:
    links = []
    for e in files:
        if e.file:
            url = row_url("monitoring:evidence_download", e.pk)
            size = f' <span class="text-muted">({filesize(e.size)})</span>' if sizes else ""
            links.append(f'<a href="{url}">{escape(e.original_name)}</a>{size}')
        else:
            links.append(f'<a href="{escape(e.link)}" rel="noopener noreferrer" target="_blank">{escape(clip(e.link, link_length))}</a>')
    return "; ".join(links)


def _target_html(cp, achieved_label) -> str:
    """«80 %», and what the school reached (the caller writes it as it reads there)."""
    if cp.achieved_value is None:
        return escape(cp.activity.target_label)
    return escape(cp.activity.target_label) + achieved_label.format(floatformat(cp.achieved_value, "-2"))


def card_summary_html(cp) -> str:
    """What a card on «Моя школа» says of its point (a `decorate`d point with the evidence, recent
    comments and open requests of `selectors._card_rows`): the heading, the dates, the plan's
    words, the report, its files, the last comment and an asked-for new date."""
    activity, section = cp.activity, cp.activity.section
    overdue = getattr(cp, "overdue_days", 0)
    due = format_date(cp.due_date)
    dates = [f'<div class="fs-6 fw-semibold{" text-danger" if overdue else ""}">до {due}</div>']
    if cp.is_rescheduled:
        dates.append(f'<div class="text-muted">первоначально <s>{format_date(cp.original_due_date)}</s></div>')
    if cp.window_start:
        dates.append(f'<div class="text-muted">окно {format_date(cp.window_start)} – {due}</div>')
    term = '<dt class="col-sm-3 col-xl-2 fw-normal text-muted">{}</dt><dd class="col-sm-9 col-xl-10 mb-1{}">{}</dd>'
    facts = [
        term.format("Срок в плане", "", escape(activity.deadline_text or "—")),
        term.format("Ожидаемый результат", " doc-text", escape(activity.expected_result or "—")),
    ]
    if activity.target_label:
        facts.append(term.format("Целевое значение", "", _target_html(cp, " · <strong>достигнуто: {}</strong>")))
    if cp.report_text:
        facts.append(term.format("Что сделано", " doc-text", escape(clip(cp.report_text, 500))))
    files = list(cp.evidence.all())
    if files:
        facts.append(term.format("Документы", "", _evidence_html(files)))
    parts = [
        '<div class="d-flex justify-content-between gap-3 flex-wrap flex-md-nowrap">',
        "<div>",
        f'<div class="small text-muted">{escape(section.number)} {escape(clip(section.title, 90))}</div>',
        f'<h3 class="h6 mb-1"><span class="text-muted me-1">{escape(activity.number)}</span>{escape(activity.content)}</h3>',
        f"<div>{status_badges_html(cp)}</div>",
        "</div>",
        f'<div class="text-md-end text-nowrap small">{"".join(dates)}</div>',
        "</div>",
        f'<dl class="row small mb-1 mt-2">{"".join(facts)}</dl>',
    ]
    comments = getattr(cp, "recent_comments", None) or []
    if comments:
        last, rework = comments[0], cp.status == "rework"
        frame = "alert alert-warning" if rework else "bg-light border rounded"
        parts.append(
            f'<div class="{frame} py-1 px-2 small mb-2" data-testid="last-comment">'
            f'<strong>{"На доработку: " if rework else ""}{escape(last.author.display_name)}</strong>, '
            f'{_local(last.created_at, "%d.%m.%Y %H:%M")}: <span class="doc-text">{escape(clip(last.text, 400))}</span></div>'
        )
    requests = getattr(cp, "open_requests", None) or []
    if requests:
        parts.append(
            f'<div class="small text-muted mb-2">Запрошен перенос срока на {format_date(requests[0].requested_date)}'
            " — ждёт решения координатора.</div>"
        )
    return mark_safe("\n".join(parts))


def queue_summary_html(cp) -> str:
    """What a row of the curator's queue says of its point: the school, the activity, the dates,
    the report, the target and the files (a point of `selectors` with its evidence prefetched)."""
    url = row_url("monitoring:control_point_detail", cp.pk)
    sent = f'<div class="text-muted">отправлено {_local(cp.submitted_at, "%d.%m.%Y %H:%M")}</div>' if cp.submitted_at else ""
    parts = [
        '<div class="d-flex justify-content-between flex-wrap gap-2">',
        "<div>",
        f'<div class="small text-muted">{escape(cp.executor_label)}</div>',
        f'<h3 class="h6 mb-1"><a href="{url}"><span class="text-muted">{escape(cp.activity.number)}</span> '
        f"{escape(clip(cp.activity.content, 200))}</a></h3>",
        f"<div>{status_badges_html(cp)}</div>",
        "</div>",
        f'<div class="text-end small text-nowrap"><div class="fw-semibold">срок {format_date(cp.due_date)}</div>{sent}</div>',
        "</div>",
    ]
    if cp.report_text:
        parts.append(f'<div class="small mt-1 doc-text">{escape(clip(cp.report_text, 400))}</div>')
    if cp.activity.target_label:
        parts.append(f'<div class="small">Цель: {_target_html(cp, " · достигнуто: <strong>{}</strong>")}</div>')
    files = list(cp.evidence.all())
    if files:
        parts.append(f'<div class="small">Документы: {_evidence_html(files, sizes=False, link_length=50)}</div>')
    return mark_safe("\n".join(parts))
