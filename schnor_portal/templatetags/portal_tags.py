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
