"""Every generated synthetic warehouse reads as real families' lives would: parents of an age to be
parents, nothing before a child's birth or a source's coverage, health visiting reviews at the ages
the Healthy Child Programme sets, school phases by age, police notifications rare, and no label
that reads like a safeguarding flag.

The rules are written out here from the programme and the school admissions code, not imported
from the generator, so a generator that drifts from them fails.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib.resources import files
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from familyhubs_sdk.synthetic._generate import TODAY, Generator
from familyhubs_sdk.synthetic._tables import metadata

#: Ages in days at which each health visiting review happens (new birth visit at 10–14 days, the
#: 6–8 week review, the 1 year review (11 to 13 months), the 2 to 2½ year review).
REVIEW_AGES = {"NBV": (10, 14), "R68": (42, 56), "R1Y": (335, 395), "R2Y": (730, 913)}
#: Targeted health visiting is for under-fives.
UNDER_FIVE_DAYS = 5 * 366
#: The source system each event table belongs to, and the column holding the event's start.
EVENT_TABLES = {
    "ssd_contacts": ("lcs", "cont_person_id", "cont_contact_date", None),
    "ssd_cin_episodes": ("lcs", "cine_person_id", "cine_referral_date", "cine_close_date"),
    "ssd_early_help_episodes": (
        "lcs",
        "earl_person_id",
        "earl_episode_start_date",
        "earl_episode_end_date",
    ),
    "ssd_cla_episodes": (
        "lcs",
        "clae_person_id",
        "clae_cla_episode_start_date",
        "clae_cla_episode_ceased",
    ),
    "health_ae_attendances": ("health", "ae_nhs_number", "ae_arrival", None),
    "health_visiting_contacts": ("health", "hv_nhs_number", "hv_contact_date", None),
    "edu_enrolments": ("education", "enr_upn", "enr_entry_date", "enr_leaving_date"),
    "edu_exclusions": ("education", "exc_upn", "exc_start_date", None),
    "edu_attendance_alerts": ("education", "att_upn", "att_raised", None),
    "police_notifications": ("police", "pn_person_id", "pn_notified_at", None),
}
#: Words that make a coded label read like a safeguarding flag on a demo timeline.
FLAG_WORDS = ("abuse", "neglect", "dysfunction", "unacceptable", "risk", "violence")


@dataclass
class Warehouse:
    """A generated warehouse's rows as dicts by column name, and who each identifier is."""

    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    born: dict[str, date] = field(default_factory=dict)
    person_of: dict[str, str] = field(default_factory=dict)  # NHS number / UPN / id → person
    children: set[str] = field(default_factory=set)

    def rows(self, table: str) -> list[dict[str, Any]]:
        return self.tables.get(table, [])


def generate(seed: int, children: int) -> Warehouse:
    generator = Generator(seed, children=children)
    warehouse = Warehouse()
    for batch in [generator.professionals(), *generator.batches(25)]:
        for name, rows in batch.rows.items():
            columns = [column.name for column in metadata.tables[name].columns]
            warehouse.tables.setdefault(name, []).extend(
                dict(zip(columns, row, strict=True)) for row in rows
            )
    warehouse.children = set(generator.subjects)
    return index(warehouse)


def index(warehouse: Warehouse) -> Warehouse:
    """Fill in who each identifier belongs to and when everyone was born."""
    for person in warehouse.rows("ssd_person"):
        warehouse.born[person["pers_person_id"]] = person["pers_dob"]
        warehouse.person_of[person["pers_person_id"]] = person["pers_person_id"]
    for link in warehouse.rows("ssd_linked_identifiers"):
        warehouse.person_of[link["link_identifier_value"]] = link["link_person_id"]
    return warehouse


def age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def code_labels(source: str, code_map: str) -> dict[str, str]:
    text = files("familyhubs_sdk.synthetic").joinpath(f"views/{source}.yaml").read_text("utf-8")
    return {str(k): str(v) for k, v in yaml.safe_load(text)["code_maps"][code_map].items()}


def check_parents(warehouse: Warehouse) -> None:
    for link in warehouse.rows("la_family_relationships"):
        if link["rel_type"] in ("mother", "father"):
            child, parent = link["rel_person_id"], link["rel_related_person_id"]
            at_birth = age(warehouse.born[parent], warehouse.born[child])
            assert 16 <= at_birth <= 50, (link["rel_type"], at_birth)


def check_events_within_life_and_coverage(warehouse: Warehouse) -> None:
    coverage = {
        row["cov_source_system"]: datetime.combine(row["cov_start"], datetime.min.time())
        for row in warehouse.rows("la_source_coverage")
    }
    for table, (source, key, start, end) in EVENT_TABLES.items():
        for row in warehouse.rows(table):
            person = warehouse.person_of[row[key]]
            assert person in warehouse.children, (table, "an event about an adult")
            born = datetime.combine(warehouse.born[person], datetime.min.time())
            began = row[start]
            assert began >= born, (table, "before birth", began, born)
            assert began >= coverage[source], (table, "before coverage", began)
            assert began <= TODAY, (table, "in the future", began)
            if end is not None and row[end] is not None:
                assert began <= row[end] <= TODAY, (table, began, row[end])


def check_health_visiting(warehouse: Warehouse) -> None:
    reviews: Counter[tuple[str, str]] = Counter()
    for row in warehouse.rows("health_visiting_contacts"):
        person = warehouse.person_of[row["hv_nhs_number"]]
        days = (row["hv_contact_date"].date() - warehouse.born[person]).days
        code = row["hv_contact_type"]
        if code in REVIEW_AGES:
            first, last = REVIEW_AGES[code]
            assert first <= days <= last, (code, days)
            reviews[(person, code)] += 1
        else:
            assert code == "TGT", code
            assert REVIEW_AGES["NBV"][0] <= days <= UNDER_FIVE_DAYS, days
    assert all(times == 1 for times in reviews.values()), "a review given twice"


def check_school_phases(warehouse: Warehouse) -> None:
    places: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in warehouse.rows("edu_enrolments"):
        person = warehouse.person_of[row["enr_upn"]]
        born = warehouse.born[person]
        entered = age(born, row["enr_entry_date"].date())
        if "Primary" in row["enr_school_name"]:  # reception at four (five if born in September)
            assert entered in (4, 5), (row["enr_school_name"], entered)
        else:  # Year 7 at eleven, never a high school for a young child
            assert entered in (11, 12), (row["enr_school_name"], entered)
        if row["enr_leaving_date"] is not None:
            assert age(born, row["enr_leaving_date"].date()) <= 16
        places[row["enr_upn"]].append(row)
    assert all(len(found) <= 2 for found in places.values())
    for table, start, school in (
        ("edu_exclusions", "exc_start_date", "exc_school_name"),
        ("edu_attendance_alerts", "att_raised", "att_school_name"),
    ):
        key = EVENT_TABLES[table][1]
        for row in warehouse.rows(table):
            assert any(
                place["enr_school_name"] == row[school]
                and place["enr_entry_date"] <= row[start] <= (place["enr_leaving_date"] or TODAY)
                for place in places[row[key]]
            ), (table, "while not at that school")
            born = warehouse.born[warehouse.person_of[row[key]]]
            assert age(born, row[start].date()) >= 5, (table, "before school age")


def check_police_rare_and_labels_plain(warehouse: Warehouse) -> None:
    notified = Counter(row["pn_person_id"] for row in warehouse.rows("police_notifications"))
    children = len(warehouse.children)
    assert len(notified) <= children // 5 + 4, (len(notified), children)
    assert all(times <= 2 for times in notified.values())
    needs = code_labels("lcs", "cin_need")
    kinds = code_labels("police", "notification_kind")
    labels = [needs[row["cine_cin_primary_need_code"]] for row in warehouse.rows("ssd_cin_episodes")]
    labels += [kinds[row["pn_category"]] for row in warehouse.rows("police_notifications")]
    for label in labels:
        assert not any(word in label.lower() for word in FLAG_WORDS), label


@settings(max_examples=150)
@given(seed=st.integers(0, 2**32 - 1), children=st.integers(10, 120))
def test_generated_warehouses_are_plausible(seed: int, children: int) -> None:
    warehouse = generate(seed, children)
    assert len(warehouse.children) == children
    check_parents(warehouse)
    check_events_within_life_and_coverage(warehouse)
    check_health_visiting(warehouse)
    check_school_phases(warehouse)
    check_police_rare_and_labels_plain(warehouse)


def _first(warehouse: Warehouse, table: str, **wanted: Any) -> dict[str, Any]:
    return next(
        row
        for row in warehouse.rows(table)
        if all(str(row[column]).startswith(value) for column, value in wanted.items())
    )


def _parent_born_last_year(warehouse: Warehouse) -> None:
    mother = _first(warehouse, "la_family_relationships", rel_type="mother")
    _first(warehouse, "ssd_person", pers_person_id=mother["rel_related_person_id"])[
        "pers_dob"
    ] = date(2025, 1, 1)


def _attendance_before_coverage(warehouse: Warehouse) -> None:
    _first(warehouse, "health_ae_attendances")["ae_arrival"] = datetime(2016, 3, 1)


def _new_birth_visit_at_three(warehouse: Warehouse) -> None:
    visit = _first(warehouse, "health_visiting_contacts", hv_contact_type="NBV")
    born = warehouse.born[warehouse.person_of[visit["hv_nhs_number"]]]
    visit["hv_contact_date"] = datetime(born.year + 3, born.month, 1)


def _high_school_at_four(warehouse: Warehouse) -> None:
    _first(warehouse, "edu_enrolments", enr_school_name="Riverside")["enr_school_name"] = (
        "Northfield High School"
    )


def _abuse_or_neglect(warehouse: Warehouse) -> None:
    _first(warehouse, "ssd_cin_episodes")["cine_cin_primary_need_code"] = "N1"


@pytest.mark.parametrize(
    ("check", "breaks"),
    [
        (check_parents, _parent_born_last_year),
        (check_events_within_life_and_coverage, _attendance_before_coverage),
        (check_health_visiting, _new_birth_visit_at_three),
        (check_school_phases, _high_school_at_four),
        (check_police_rare_and_labels_plain, _abuse_or_neglect),
    ],
)
def test_each_rule_refuses_an_implausible_warehouse(
    check: Callable[[Warehouse], None], breaks: Callable[[Warehouse], None]
) -> None:
    """The rules are live: each passes a generated warehouse and refuses it once broken."""
    warehouse = generate(7, 200)
    check(warehouse)
    breaks(warehouse)
    with pytest.raises(AssertionError):
        check(index(warehouse))
