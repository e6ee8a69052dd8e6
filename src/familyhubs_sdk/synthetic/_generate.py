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

from familyhubs_sdk.synthetic._lifecourse import (
    COVERAGE_START,
    HV_REVIEWS,
    TODAY,
    age_in_years,
    at_age,
    between,
    reception_year,
    school_places,
)
from familyhubs_sdk.views._identifiers import upn_check_letter

__all__ = ["TODAY", "Batch", "Generator", "Subject"]


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
#: Primary needs at referral whose labels describe a family's circumstances (disability,
#: parental illness, acute stress), not an allegation: demo data must not read like flags.
_NEEDS = ("N2", "N3", "N4")


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
        for source, start in COVERAGE_START.items():
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
        births = self._births(rnd.choices((1, 2, 3, 4), weights=(40, 35, 18, 7))[0])
        mother_born, father_born = _parents_births(rnd, births)
        members = [self._person(batch, rnd.choice(_GIVEN_F), surname, "F", mother_born)]
        mother = members[0]
        father = None
        if rnd.random() < 0.6:
            father = self._person(batch, rnd.choice(_GIVEN_M), surname, "M", father_born)
            members.append(father)
        children: list[tuple[str, date]] = []
        for born in births:
            self.children_made += 1
            sex = rnd.choice("FM")
            given = rnd.choice(_GIVEN_F if sex == "F" else _GIVEN_M)
            child = self._person(batch, given, surname, sex, born, child=True)
            children.append((child, born))
            heavy = self.children_made % self.heavy_every == 0
            self._history(batch, child, born, "high" if heavy else need, heavy=heavy)
            batch.add("la_family_relationships", (self._next("R"), child, mother, "mother"))
            if father:
                batch.add("la_family_relationships", (self._next("R"), child, father, "father"))
        for a, _ in children:
            for b, _ in children:
                if a != b:
                    batch.add("la_family_relationships", (self._next("R"), a, b, "sibling"))
        if need == "high" and rnd.random() < 0.35:
            self._police(batch, children)
        self.families.append(members + [child for child, _ in children])

    def _births(self, wanted: int) -> list[date]:
        """Up to ``wanted`` children's birth dates, eldest first, 11 months to 5 years apart."""
        rnd = self.random
        births = [_birth(rnd, 2008, 2026)]
        while len(births) < wanted and self.children_made + len(births) < self.children:
            born = births[-1] + timedelta(days=rnd.randint(330, 1800))
            if born >= TODAY.date():
                break
            births.append(born)
        return births

    def _person(
        self, batch: Batch, given: str, surname: str, sex: str, born: date, *, child: bool = False
    ) -> str:
        pid = self._next("P")
        batch.add("ssd_person", (pid, given, surname, sex, born))
        nhs = upn = None
        if child:
            nhs = self._nhs_number()
            batch.add("ssd_linked_identifiers", (self._next("L"), pid, "NHS Number", nhs, born))
            if datetime(reception_year(born), 9, 1) < TODAY:  # a UPN comes with a school place
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
        scale = {"low": 0, "medium": 1, "high": 2}[need]
        self._social_care(batch, pid, born, scale)
        subject = self.subjects[pid]
        if subject.nhs_number:
            self._health(batch, pid, subject.nhs_number, born, scale, heavy=heavy)
        if subject.upn:
            self._education(batch, pid, subject.upn, born, scale)

    def _social_care(self, batch: Batch, pid: str, born: date, scale: int) -> None:
        rnd = self.random
        start = _from(born, "lcs")
        sw = rnd.choice(self.social_workers)
        for _ in range(rnd.randint((0, 1, 3)[scale], (1, 4, 10)[scale])):
            when = between(rnd, start, TODAY)
            source = rnd.choice(_CONTACT_SOURCES)
            self._event(batch, pid, "ssd_contacts", (self._next("C"), pid, when, source))
        for _ in range(rnd.randint(0, (0, 1, 3)[scale])):
            opened = between(rnd, start, TODAY)
            closed = _maybe_end(rnd, opened, 400)
            team = rnd.choice(_TEAMS[:4])
            need = rnd.choice(_NEEDS)
            row: tuple[object, ...] = (self._next("CIN"), pid, opened, closed, team, sw, need)
            self._event(batch, pid, "ssd_cin_episodes", row)
            self._involvement(batch, sw, "SW", team, pid, opened, closed)
        for _ in range(rnd.randint(0, (1, 2, 3)[scale])):
            opened = between(rnd, start, TODAY)
            closed = _maybe_end(rnd, opened, 300)
            worker = rnd.choice(self.social_workers)
            team = rnd.choice(_TEAMS[4:])
            row = (self._next("EH"), pid, opened, closed, team, worker)
            self._event(batch, pid, "ssd_early_help_episodes", row)
            self._involvement(batch, worker, "EHP", team, pid, opened, closed)
        if scale == 2 and rnd.random() < 0.1:
            opened = between(rnd, start, TODAY)
            row = (self._next("CLA"), pid, opened, _maybe_end(rnd, opened, 700), "N4")
            self._event(batch, pid, "ssd_cla_episodes", row)

    def _involvement(
        self,
        batch: Batch,
        worker: str,
        role: str,
        team: str,
        pid: str,
        opened: datetime,
        closed: datetime | None,
    ) -> None:
        ended = closed.date() if closed else None
        row: tuple[object, ...] = (self._next("I"), worker, role, team, pid, opened.date(), ended)
        batch.add("ssd_involvements", row)

    def _health(
        self, batch: Batch, pid: str, nhs: str, born: date, scale: int, *, heavy: bool
    ) -> None:
        rnd = self.random
        start = _from(born, "health")
        # A benchmark's heavy subject: far more attendances than any child would have.
        visits = rnd.randint((0, 0, 1)[scale], (2, 3, 6)[scale]) + (400 if heavy else 0)
        for _ in range(visits):
            arrived = between(rnd, start, TODAY)
            row: tuple[object, ...] = (self._next("AE"), nhs, arrived, rnd.choice(_SITES))
            self._event(batch, pid, "health_ae_attendances", row)
        hv = rnd.choice(self.practitioners)
        dates = []
        for code, (first, last) in HV_REVIEWS.items():
            due = at_age(born, rnd.randint(first, last)) + timedelta(minutes=rnd.randint(0, 420))
            if start <= due < TODAY and rnd.random() < 0.92:  # a few families miss a review
                dates.append((due, code))
        under_five = min(at_age(born, 5 * 365), TODAY)
        targeted = rnd.randint(0, (0, 2, 5)[scale]) + (120 if heavy else 0)
        first_targeted = max(at_age(born, HV_REVIEWS["NBV"][0]), start)
        if first_targeted < under_five:
            dates += [(between(rnd, first_targeted, under_five), "TGT") for _ in range(targeted)]
        for when, code in sorted(dates):
            row = (self._next("HV"), nhs, when, code, hv)
            self._event(batch, pid, "health_visiting_contacts", row)

    def _education(self, batch: Batch, pid: str, upn: str, born: date, scale: int) -> None:
        rnd = self.random
        coverage = datetime.combine(COVERAGE_START["education"], datetime.min.time())
        for place in school_places(rnd, born):
            if place.entry < coverage:
                continue
            row: tuple[object, ...] = (self._next("EN"), upn, place.school, place.entry)
            row += (place.leaving,)
            self._event(batch, pid, "edu_enrolments", row)
            # Attendance is a duty from five; suspensions are for older pupils.
            there = max(place.entry, at_age(born, 5 * 365 + 2))
            left = place.leaving or TODAY
            for _ in range(rnd.randint(0, (0, 1, 2)[scale]) if there < left else 0):
                when = between(rnd, there, left)
                row = (self._next("AT"), upn, when, place.school)
                self._event(batch, pid, "edu_attendance_alerts", row)
            older = max(place.entry, at_age(born, 7 * 365 + 2))
            if older < left:
                for _ in range(rnd.randint(0, (0, 0, 2)[scale])):
                    kind = "PERM" if rnd.random() < 0.03 else "SUSP"
                    row = (self._next("EX"), upn, between(rnd, older, left), kind, place.school)
                    self._event(batch, pid, "edu_exclusions", row)

    def _police(self, batch: Batch, children: list[tuple[str, date]]) -> None:
        """A notification or two to the front door about a family: rare, and only ever about
        children already born."""
        rnd = self.random
        eldest = children[0][1]
        for _ in range(rnd.choices((1, 2), weights=(80, 20))[0]):
            when = between(rnd, _from(eldest, "police"), TODAY)
            for child, born in children:
                if at_age(born, 0) > when:
                    continue
                old_enough = age_in_years(born, when.date()) >= 12
                kind = "MISS" if old_enough and rnd.random() < 0.2 else "CCN"
                row: tuple[object, ...] = (self._next("PN"), child, when, kind, "Shire Police")
                self._event(batch, child, "police_notifications", row)


def _birth(rnd: random.Random, first_year: int, last_year: int) -> date:
    start = date(first_year, 1, 1)
    end = min(date(last_year, 12, 31), TODAY.date() - timedelta(days=1))
    return start + timedelta(days=rnd.randint(0, (end - start).days))


def _parents_births(rnd: random.Random, births: list[date]) -> tuple[date, date]:
    """The mother's and father's birth dates: aged 17 to 45 and 18 to 50 at every child's birth."""
    span = (births[-1] - births[0]).days
    mother_age = rnd.randint(17 * 366, min(38 * 365, 45 * 365 - span))
    father_age = max(18 * 366, min(mother_age + rnd.randint(-3 * 365, 7 * 365), 50 * 365 - span))
    return births[0] - timedelta(days=mother_age), births[0] - timedelta(days=father_age)


def _from(born: date, source: str) -> datetime:
    """The first moment an event about a child born on ``born`` can be in ``source``."""
    return datetime.combine(max(born, COVERAGE_START[source]), datetime.min.time())


def _maybe_end(rnd: random.Random, start: datetime, days: int) -> datetime | None:
    end = start + timedelta(days=rnd.randint(7, days))
    return None if end >= TODAY else end
