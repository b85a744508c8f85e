"""Dates as Russian documents write them. Pure Python: used by templates, PDFs and exports."""

import datetime

MONTHS_GENITIVE = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)


def format_date(value: datetime.date | None) -> str:
    """04.04.2023"""
    return value.strftime("%d.%m.%Y") if value else ""


def format_date_long(value: datetime.date | None) -> str:
    """4 апреля 2023 г."""
    if not value:
        return ""
    return f"{value.day} {MONTHS_GENITIVE[value.month - 1]} {value.year} г."


def school_year_label(year: int) -> str:
    """2022 → 2022/2023: a school year is named by the calendar year it starts in."""
    return f"{year}/{year + 1}"


def year_span(start: datetime.date | None, end: datetime.date | None) -> str:
    """2023–2024, or 2025 alone when a period starts and ends in one year (never «2025–2025»)."""
    if not start or not end:
        return str((start or end).year) if (start or end) else ""
    return str(start.year) if start.year == end.year else f"{start.year}–{end.year}"
