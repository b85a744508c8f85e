from django import template

from schnor_portal import dates

register = template.Library()


@register.filter
def ru_date(value):
    return dates.format_date(value)


@register.filter
def ru_date_long(value):
    return dates.format_date_long(value)


@register.filter
def school_year(value):
    return dates.school_year_label(value) if value else ""


@register.filter
def lines(value):
    """Non-empty lines of a multi-line text field, for lists kept one item per line."""
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "") if mapping else ""
