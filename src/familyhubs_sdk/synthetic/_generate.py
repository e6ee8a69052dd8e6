"""Deterministic synthetic families and their histories. Never real data.

Names come from short lists of common first names and surnames; NHS numbers are in the 999 test
range; phone numbers are in Ofcom's drama range (01632 960xxx); email domains end in ``.invalid``.
The same seed and size always give the same rows.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from familyhubs_sdk.views._identifiers import upn_check_letter

__all__ = ["TODAY", "Batch", "Generator", "Subject"]

#: The synthetic warehouse's "now": every event is before it.
TODAY = datetime(2026, 11, 1, 2, 0)
_EARLIEST = datetime(2015, 1, 1)

_GIVEN_F = (
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Mia",
    "Ivy",
    "Lily",
    "Freya",
    "Grace",
    "Sofia",
    "Aisha",
    "Zara",
    "Maryam",
    "Ella",
    "Poppy",
    "Evie",
    "Ruby",
    "Daisy",
    "Layla",
    "Hana",
)
_GIVEN_M = (
    "Noah",
    "Oliver",
    "George",
    "Arthur",
    "Leo",
    "Muhammad",
    "Harry",
    "Oscar",
    "Jack",
    "Theo",
    "Freddie",
    "Alfie",
    "Charlie",
    "Finley",
    "Yusuf",
    "Ibrahim",
    "Jacob",
    "Kai",
)
_SURNAMES = (
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Khan",
    "Ali",
    "Hussain",
    "Begum",
    "Nowak",
    "Kowalski",
    "Murphy",
    "Kelly",
    "Okafor",
    "Mensah",
    "Ahmed",
    "Clarke",
    "Hughes",
    "Edwards",
)
_SCHOOLS = (
    "Riverside Primary School",
    "Hillcrest Academy",
    "St Anne's CofE Primary",
    "Northfield High School",
    "Meadow View Infants",
    "Oakwood Secondary",
)
_SITES = ("County Hospital A&E", "Children's Emergency Department", "Urgent Treatment Centre")
_TEAMS = (
    "Assessment Team North",
    "Assessment Team South",
    "Family Support Team",
    "Children in Need Team",
    "Early Help Hub East",
    "Early Help Hub West",
)
_CONTACT_SOURCES = ("1A", "1B", "1C", "1D", "1E", "9Z")
_NEEDS = ("N1", "N2", "N3", "N4", "N5", "N6")
_HV_TYPES = ("NBV", "R68", "R1Y", "R2Y", "TGT")


@dataclass
class Subject:
    """One generated person whose identifiers a test or benchmark may look up."""

    la_person_id: str
    nhs_number: str | None
    upn: str | None
    events: int = 0


@dataclass
class Batch:
    """Rows for some families: table name → tuples in the table's column order."""

    rows: dict[str, list[tuple[object, ...]]] = field(default_factory=dict)

    def add(self, table: str, row: tuple[object, ...]) -> None:
        self.rows.setdefault(table, []).append(row)


class Generator:
    """Makes families batch by batch; ``subjects`` and ``families`` fill in as it goes."""

    def __init__(self, seed: int = 7, *, children: int = 2_000, heavy_every: int = 1_500) -> None:
        self.random = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
        self.children = children
        self.heavy_every = heavy_every
        self.children_made = 0
        self.subjects: dict[str, Subject] = {}
        self.families: list[list[str]] = []
        self._counters: dict[str, int] = {}
        self._nhs = 0
        self._upn = 0
        self.social_workers = [f"SW{n:05d}" for n in range(max(4, children // 40))]
        self.practitioners = [f"HP{n:05d}" for n in range(max(3, children // 60))]

    def professionals(self) -> Batch:
        batch = Batch()
        rnd = self.random
        titles = (
            "Social worker",
            "Senior social worker",
            "Family support worker",
            "Early help practitioner",
            "Team manager",
        )
        for n, pid in enumerate(self.social_workers):
            name = f"{rnd.choice(_GIVEN_F + _GIVEN_M)} {rnd.choice(_SURNAMES)}"
            batch.add(
                "ssd_professionals", (pid, name, titles[n % len(titles)], _TEAMS[n % len(_TEAMS)])
            )
            local = name.lower().replace(" ", ".")
            batch.add(
                "la_professional_contacts",
                (f"{pid}-1", pid, "phone", f"01632 96{n % 10_000:04d}", "work"),
            )
            batch.add(
                "la_professional_contacts",
                (f"{pid}-2", pid, "secure_email", f"{local}@council.gov.uk.invalid", "work"),
            )
            if n % 3 == 0:
                batch.add(
                    "la_professional_contacts", (f"{pid}-3", pid, "phone", "01632 960999", "duty")
                )
        for n, hid in enumerate(self.practitioners):
            name = f"{rnd.choice(_GIVEN_F + _GIVEN_M)} {rnd.choice(_SURNAMES)}"
            email = f"{name.lower().replace(' ', '.')}@nhs.net.invalid" if n % 4 else None
            batch.add(
                "health_practitioners",
                (
                    hid,
                    name,
                    "Health visitor",
                    f"Health visiting team {n % 5 + 1}",
                    f"01632 961{n % 1000:03d}",
                    email,
                ),
            )
        for source, start in (
            ("lcs", date(2015, 1, 1)),
            ("health", date(2016, 4, 1)),
            ("education", date(2015, 9, 1)),
            ("police", date(2018, 1, 1)),
        ):
            batch.add("la_source_coverage", (source, TODAY, start, None))
        return batch

    def batches(self, families_per_batch: int = 500) -> Iterator[Batch]:
        while self.children_made < self.children:
            batch = Batch()
            for _ in range(families_per_batch):
                if self.children_made >= self.children:
                    break
                self._family(batch)
            yield batch

    # -- people -----------------------------------------------------------------------------

    def _next(self, prefix: str) -> str:
        self._counters[prefix] = self._counters.get(prefix, 0) + 1
        return f"{prefix}{self._counters[prefix]:08d}"

    def _nhs_number(self) -> str:
        while True:
            self._nhs += 1
            if self._nhs >= 1_000_000:
                raise ValueError(
                    "the 999 test range holds about 900,000 NHS numbers; ask for fewer children"
                )
            body = f"999{self._nhs:06d}"
            total = sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True))
            check = (11 - total % 11) % 11
            if check != 10:
                return body + str(check)

    def _new_upn(self) -> str:
        self._upn += 1
        n = self._upn
        body = f"999{n // 1000 % 10_000:04d}{n // 10_000_000 % 100:02d}{n % 1000:03d}"
        return upn_check_letter(body) + body

    def _family(self, batch: Batch) -> None:
        rnd = self.random
        surname = rnd.choice(_SURNAMES)
        need = rnd.choices(("low", "medium", "high"), weights=(60, 30, 10))[0]
        members: list[str] = []
        mother = self._person(batch, rnd.choice(_GIVEN_F), surname, "F", _birth(rnd, 1975, 2004))
        members.append(mother)
        father = None
        if rnd.random() < 0.6:
            father = self._person(
                batch, rnd.choice(_GIVEN_M), surname, "M", _birth(rnd, 1970, 2002)
            )
            members.append(father)
        children = []
        for _ in range(rnd.choices((1, 2, 3, 4), weights=(40, 35, 18, 7))[0]):
            if self.children_made >= self.children:
                break
            self.children_made += 1
            sex = rnd.choice("FM")
            born = _birth(rnd, 2008, 2026)
            child = self._person(
                batch,
                rnd.choice(_GIVEN_F if sex == "F" else _GIVEN_M),
                surname,
                sex,
                born,
                child=True,
            )
            children.append(child)
            heavy = self.children_made % self.heavy_every == 0
            self._history(batch, child, born, "high" if heavy else need, heavy=heavy)
            batch.add("la_family_relationships", (self._next("R"), child, mother, "mother"))
            if father:
                batch.add("la_family_relationships", (self._next("R"), child, father, "father"))
        for a in children:
            for b in children:
                if a != b:
                    batch.add("la_family_relationships", (self._next("R"), a, b, "sibling"))
        if need == "high" and children:
            for _ in range(rnd.randint(1, 4)):
                when = _between(rnd, datetime(2018, 1, 1), TODAY)
                for child in children:
                    self._event(
                        batch,
                        child,
                        "police_notifications",
                        (self._next("PN"), child, when, "DA", "Shire Police"),
                    )
        self.families.append(members + children)

    def _person(
        self, batch: Batch, given: str, surname: str, sex: str, born: date, *, child: bool = False
    ) -> str:
        pid = self._next("P")
        batch.add("ssd_person", (pid, given, surname, sex, born))
        nhs = upn = None
        if child:
            nhs = self._nhs_number()
            batch.add("ssd_linked_identifiers", (self._next("L"), pid, "NHS Number", nhs, born))
            if born <= date(2022, 9, 1):
                upn = self._new_upn()
                batch.add(
                    "ssd_linked_identifiers",
                    (self._next("L"), pid, "Unique Pupil Number", upn, born),
                )
            self.subjects[pid] = Subject(pid, nhs, upn)
        return pid

    # -- histories --------------------------------------------------------------------------

    def _event(self, batch: Batch, person: str, table: str, row: tuple[object, ...]) -> None:
        batch.add(table, row)
        self.subjects[person].events += 1

    def _history(self, batch: Batch, pid: str, born: date, need: str, *, heavy: bool) -> None:
        rnd = self.random
        subject = self.subjects[pid]
        start = max(datetime.combine(born, datetime.min.time()), _EARLIEST)
        scale = {"low": 0, "medium": 1, "high": 2}[need]
        sw = rnd.choice(self.social_workers)
        for _ in range(rnd.randint((0, 1, 3)[scale], (1, 4, 10)[scale])):
            self._event(
                batch,
                pid,
                "ssd_contacts",
                (self._next("C"), pid, _between(rnd, start, TODAY), rnd.choice(_CONTACT_SOURCES)),
            )
        for _ in range(rnd.randint(0, (0, 1, 3)[scale])):
            opened = _between(rnd, start, TODAY)
            closed = _maybe_end(rnd, opened, 400)
            self._event(
                batch,
                pid,
                "ssd_cin_episodes",
                (
                    self._next("CIN"),
                    pid,
                    opened,
                    closed,
                    rnd.choice(_TEAMS[:4]),
                    sw,
                    rnd.choice(_NEEDS),
                ),
            )
            batch.add(
                "ssd_involvements",
                (
                    self._next("I"),
                    sw,
                    "SW",
                    rnd.choice(_TEAMS[:4]),
                    pid,
                    opened.date(),
                    closed.date() if closed else None,
                ),
            )
        for _ in range(rnd.randint(0, (1, 2, 3)[scale])):
            opened = _between(rnd, start, TODAY)
            closed = _maybe_end(rnd, opened, 300)
            worker = rnd.choice(self.social_workers)
            self._event(
                batch,
                pid,
                "ssd_early_help_episodes",
                (self._next("EH"), pid, opened, closed, rnd.choice(_TEAMS[4:]), worker),
            )
            batch.add(
                "ssd_involvements",
                (
                    self._next("I"),
                    worker,
                    "EHP",
                    rnd.choice(_TEAMS[4:]),
                    pid,
                    opened.date(),
                    closed.date() if closed else None,
                ),
            )
        if scale == 2 and rnd.random() < 0.2:
            opened = _between(rnd, start, TODAY)
            self._event(
                batch,
                pid,
                "ssd_cla_episodes",
                (self._next("CLA"), pid, opened, _maybe_end(rnd, opened, 700), "N1"),
            )
        nhs = subject.nhs_number
        if nhs:
            visits = rnd.randint((0, 1, 2)[scale], (3, 5, 10)[scale]) + (400 if heavy else 0)
            for _ in range(visits):
                self._event(
                    batch,
                    pid,
                    "health_ae_attendances",
                    (self._next("AE"), nhs, _between(rnd, start, TODAY), rnd.choice(_SITES)),
                )
            under_five_end = min(
                datetime.combine(born, datetime.min.time()) + timedelta(days=5 * 365), TODAY
            )
            if under_five_end > start:
                hv = rnd.choice(self.practitioners)
                for _ in range(rnd.randint(3, 12) + (120 if heavy else 0)):
                    self._event(
                        batch,
                        pid,
                        "health_visiting_contacts",
                        (
                            self._next("HV"),
                            nhs,
                            _between(rnd, start, under_five_end),
                            rnd.choice(_HV_TYPES),
                            hv,
                        ),
                    )
        upn = subject.upn
        if upn:
            school_start = max(datetime(born.year + 4, 9, 3), _EARLIEST)
            if school_start < TODAY:
                school = rnd.choice(_SCHOOLS)
                self._event(
                    batch,
                    pid,
                    "edu_enrolments",
                    (self._next("EN"), upn, school, school_start, None),
                )
                for _ in range(rnd.randint(0, (0, 1, 3)[scale])):
                    self._event(
                        batch,
                        pid,
                        "edu_exclusions",
                        (
                            self._next("EX"),
                            upn,
                            _between(rnd, school_start, TODAY),
                            "PERM" if rnd.random() < 0.05 else "SUSP",
                            school,
                        ),
                    )
                for _ in range(rnd.randint(0, (0, 2, 4)[scale])):
                    self._event(
                        batch,
                        pid,
                        "edu_attendance_alerts",
                        (self._next("AT"), upn, _between(rnd, school_start, TODAY), school),
                    )


def _birth(rnd: random.Random, first_year: int, last_year: int) -> date:
    start = date(first_year, 1, 1)
    end = min(date(last_year, 12, 31), TODAY.date() - timedelta(days=1))
    return start + timedelta(days=rnd.randint(0, (end - start).days))


def _between(rnd: random.Random, start: datetime, end: datetime) -> datetime:
    if end <= start:
        return start
    seconds = int((end - start).total_seconds())
    return start + timedelta(seconds=rnd.randint(0, seconds) // 60 * 60)


def _maybe_end(rnd: random.Random, start: datetime, days: int) -> datetime | None:
    end = start + timedelta(days=rnd.randint(7, days))
    return None if end >= TODAY else end
