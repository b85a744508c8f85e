"""Figures as the overview pages print them. Pure Python."""

from decimal import Decimal


def percent(part, whole) -> int | None:
    """A whole percentage, or None when there is nothing to divide by."""
    if part is None or not whole:
        return None
    return round(100 * part / whole)


def number_label(value) -> str:
    """«0,5», «12», «3,25»: Russian decimal comma, no trailing zeros."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = f"{value.normalize():f}"
    else:
        text = str(value)
    return text.replace(".", ",")
