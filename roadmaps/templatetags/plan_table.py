"""The plan page's table in its document's layout (roadmaps.layout): columns, the head, the cells."""

from django import template
from django.utils.safestring import mark_safe

from roadmaps.layout import CONTENT, DEADLINE, NUMBER, RESULT, cell_text, header_rows, plan_layout
from schnor_portal.markup import escape

register = template.Library()


@register.simple_tag
def table_columns(plan, show_executors=True):
    """The plan's columns as the page shows them; executors' columns only when the table has any.

    Kept on the plan instance: every row of the table asks, and the rows share the plan."""
    columns = getattr(plan, "_table_layout", None)
    if columns is None:
        columns = plan._table_layout = plan_layout(plan)
    return [c for c in columns if show_executors or not c.is_executors]


@register.filter
def table_head(columns):
    """Rows of (heading, colspan, rowspan): one row, or two with the levels under their group."""
    return [
        [(item if isinstance(item, str) else item.heading, colspan, rowspan) for item, colspan, rowspan in row]
        for row in header_rows(columns)
    ]


@register.simple_tag
def table_cell(activity, column):
    return cell_text(activity, column)


def _cell(activity, column, date_flags) -> str:
    if column.key == NUMBER:
        return f'<td class="col-num">{escape(activity.number)}</td>'
    if column.key == CONTENT:
        note = f'<div class="small text-muted">{escape(activity.note)}</div>' if activity.note else ""
        return f"<td>{escape(activity.content)}{note}</td>"
    if column.key == DEADLINE:
        flags = "".join(
            '<div><span class="badge text-bg-warning text-wrap text-start fw-normal" role="note">'
            f'<span aria-hidden="true">⚠</span> {escape(flag)}</span></div>'
            for flag in date_flags
        )
        return f"<td>{escape(activity.deadline_text)}{flags}</td>"
    if column.key == RESULT:
        target = f'<div class="small text-muted">Цель: {escape(activity.target_label)}</div>' if activity.target_label else ""
        return f"<td>{escape(activity.expected_result)}{target}</td>"
    return f"<td>{escape(cell_text(activity, column))}</td>"


@register.simple_tag
def activity_cells(row, show_executors=True):
    """A plan row's cells in its document's columns, written here: a plan of a hundred activities
    in eight columns is 800 cells, a third of the page's time through template tags."""
    if isinstance(row, dict):
        activity, flags = row["activity"], row.get("date_flags") or ()
    else:
        activity, flags = row.activity, getattr(row, "date_flags", None) or ()
    return mark_safe("\n  ".join(_cell(activity, column, flags) for column in table_columns(activity.section.plan, show_executors)))
