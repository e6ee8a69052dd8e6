"""Dates relative to an injected today: offsets (``-25y``, ``+9m``, ``-2w``, ``+14d``) and bounds.

A bound on a date question is an absolute date (``2020-09-01``) or an offset from today, so the
same tree file stays right as the years pass:

>>> bound = parse_bound("+9m")
>>> bound.on(date(2026, 5, 31))
datetime.date(2027, 2, 28)
>>> parse_bound("2020-09-01").on(date(2026, 5, 31))
datetime.date(2020, 9, 1)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

__all__ = ["OFFSET_FORMS", "DateBound", "parse_bound", "parse_offset", "shift", "spoken"]

_OFFSET = re.compile(r"^([+-])(\d{1,3})([ymwd])$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: How an offset is written, for error messages.
OFFSET_FORMS = "-25y, +9m, -2w or +14d"
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def parse_offset(text: object) -> tuple[int, str] | None:
    """``(amount, unit)`` for an offset such as ``-25y``; ``None`` when ``text`` is not one.
    ``today`` is ``+0d``."""
    if text == "today":
        return 0, "d"
    match = _OFFSET.match(text) if isinstance(text, str) else None
    if match is None:
        return None
    sign, amount, unit = match.groups()
    return (-1 if sign == "-" else 1) * int(amount), unit


def shift(today: date, amount: int, unit: str) -> date:
    """``today`` moved by ``amount`` years, months, weeks or days. A month or year later than
    31 January is the last day of February: the day is kept when the month has it."""
    if unit in ("d", "w"):
        return date.fromordinal(today.toordinal() + amount * (7 if unit == "w" else 1))
    months = today.year * 12 + today.month - 1 + (amount * 12 if unit == "y" else amount)
    year, month = divmod(months, 12)
    last = _DAYS_IN_MONTH[month] + (1 if month == 1 and _leap(year) else 0)
    return date(year, month + 1, min(today.day, last))


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


@dataclass(frozen=True)
class DateBound:
    """An earliest or latest date: absolute (``fixed``) or ``amount`` ``unit`` from today."""

    text: str
    fixed: date | None = None
    amount: int = 0
    unit: str = "d"

    def on(self, today: date) -> date:
        """The bound's date when the question is answered on ``today``."""
        return self.fixed if self.fixed is not None else shift(today, self.amount, self.unit)

    @property
    def is_today(self) -> bool:
        return self.fixed is None and self.amount == 0

    @property
    def approximate_days(self) -> float | None:
        """Days from today, roughly; ``None`` for an absolute date (only offsets can be put in
        order without knowing today)."""
        if self.fixed is not None:
            return None
        return self.amount * {"y": 365.25, "m": 30.44, "w": 7.0, "d": 1.0}[self.unit]


def parse_bound(text: str) -> DateBound | None:
    """A bound from its written form, or ``None`` when it is neither a real ``YYYY-MM-DD`` date
    nor an offset."""
    offset = parse_offset(text)
    if offset is not None:
        return DateBound(text, None, *offset)
    if not _ISO.match(text):
        return None
    try:
        return DateBound(text, date.fromisoformat(text))
    except ValueError:
        return None


def spoken(day: date) -> str:
    """A date as GOV.UK writes it: "4 March 2026"."""
    return f"{day.day} {day:%B %Y}"
