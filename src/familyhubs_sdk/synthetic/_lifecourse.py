"""When things happen in an English child's life, for the synthetic warehouse: each source's
coverage, the health visiting programme's mandated reviews, and school phases by academic year.

Dates follow the rules a practitioner would check them against, so the demo never shows a new
birth visit for a three-year-old or a four-year-old joining a high school.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

__all__ = [
    "COVERAGE_START",
    "HV_REVIEWS",
    "TODAY",
    "SchoolPlace",
    "age_in_years",
    "at_age",
    "between",
    "reception_year",
    "school_places",
]

#: The synthetic warehouse's "now": every event is before it.
TODAY = datetime(2026, 11, 1, 2, 0)

#: The first day each source system holds records for; nothing earlier is in the warehouse.
COVERAGE_START = {
    "lcs": date(2015, 1, 1),
    "health": date(2016, 4, 1),
    "education": date(2015, 9, 1),
    "police": date(2018, 1, 1),
}

#: The Healthy Child Programme's mandated contacts: code → the child's age in days, first and last
#: (new birth visit at 10–14 days, 6–8 week review, 1 year review, 2 to 2½ year review).
HV_REVIEWS = {
    "NBV": (10, 14),
    "R68": (42, 56),
    "R1Y": (335, 395),
    "R2Y": (730, 912),
}

_PRIMARY = (
    "Riverside Primary School",
    "St Anne's CofE Primary School",
    "Meadow View Primary School",
    "Hillcrest Primary Academy",
)
_SECONDARY = ("Northfield High School", "Oakwood Secondary School", "Castle Hill Academy")


@dataclass(frozen=True, slots=True)
class SchoolPlace:
    """A time at one school: the phase's first day until its last (``None``: still there)."""

    school: str
    entry: datetime
    leaving: datetime | None


def age_in_years(born: date, on: date) -> int:
    """Whole years from ``born`` to ``on``, as a birthday counts them."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def at_age(born: date, days: int) -> datetime:
    """The morning ``days`` days after ``born``."""
    return datetime.combine(born + timedelta(days=days), datetime.min.time()) + timedelta(hours=9)


def between(rnd: random.Random, start: datetime, end: datetime) -> datetime:
    """A random minute from ``start`` to ``end`` (``start`` when the span is empty)."""
    if end <= start:
        return start
    seconds = int((end - start).total_seconds())
    return start + timedelta(seconds=rnd.randint(0, seconds) // 60 * 60)


def reception_year(born: date) -> int:
    """The year a child born on ``born`` starts reception: the academic year runs 1 September to
    31 August, and a child starts in the September after their fourth birthday."""
    return born.year + (4 if (born.month, born.day) < (9, 1) else 5)


def school_places(rnd: random.Random, born: date) -> list[SchoolPlace]:
    """Reception at four (the September after the fourth birthday), Year 7 at eleven, leaving
    after Year 11 at sixteen; places that had not begun by :data:`TODAY` are left out."""
    first_year = reception_year(born)
    phases = (
        (rnd.choice(_PRIMARY), first_year, first_year + 7),
        (rnd.choice(_SECONDARY), first_year + 7, first_year + 12),
    )
    places = []
    for school, starts, ends in phases:
        entry = datetime(starts, 9, rnd.randint(3, 7), 9, 0)
        leaving = datetime(ends, 7, rnd.randint(18, 22), 15, 0)
        if entry < TODAY:
            places.append(SchoolPlace(school, entry, leaving if leaving < TODAY else None))
    return places
