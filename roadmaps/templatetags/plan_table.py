"""The plan page's table in its document's layout (roadmaps.layout): columns, the head, the cells."""

from django import template

from roadmaps.layout import cell_text, header_rows, plan_layout

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
