"""Formatting filters in GOV.UK style: dates as "4 March 2026"."""

from __future__ import annotations

from datetime import date, datetime

__all__ = ["govuk_date", "govuk_month"]


def govuk_date(value: date | datetime) -> str:
    """``4 March 2026``: the GOV.UK style for dates (no leading zero, month in words).

    >>> govuk_date(date(2026, 3, 4))
    '4 March 2026'
    """
    return f"{value.day} {value:%B %Y}"


def govuk_month(value: date | datetime) -> str:
    """``March 2026``: for headings that group by month.

    >>> govuk_month(datetime(2026, 3, 4, 9, 30))
    'March 2026'
    """
    return f"{value:%B %Y}"
