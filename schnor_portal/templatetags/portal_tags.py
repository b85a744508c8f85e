from django import template

from schnor_portal import dates, row_urls, words
from schnor_portal.markup import clip as clip_text

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


@register.filter
def year_span(start, end):
    return dates.year_span(start, end)


@register.filter
def ru_plural(n, forms):
    """{{ 5|ru_plural:"срок,срока,сроков" }} → «5 сроков»."""
    one, few, many = forms.split(",")
    return f"{n} {words.plural(n, one, few, many)}"


@register.filter(is_safe=True)
def clip(value, length):
    """`truncatechars` for list rows: the same cut, without its walk over texts that already fit."""
    return clip_text(value, int(length))


@register.simple_tag
def row_url(name, pk):
    """`{% url name pk %}` for a row of a long list: the name is resolved once per page, not per row."""
    return row_urls.row_url(name, pk)
