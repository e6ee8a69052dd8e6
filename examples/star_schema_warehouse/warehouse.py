"""A small reporting star schema, a health extract and an HR directory export, for three children.

``build(engine)`` creates and fills the tables on any SQLAlchemy engine (date-times as ISO text,
as the reporting warehouse holds them); ``connect(engine)`` returns one connector per view file and
``DIRECTORY`` says that social care and health both name staff by their HR staff number.

* Ada (``P-1001``): contacts and an assessment by Sam Patel (``S0003``), who is also the clinician
  on her A&E attendance: one card.
* Ben (``P-1002``): allocated to Jo Reid, who has left; his card shows the duty line instead.
* Cal (``P-1003``): one A&E row whose site name holds a line break (skipped and counted) and an
  allocation whose end is before its start (shown without its end).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from familyhubs_sdk import Clock
from familyhubs_sdk.connectors import SQLViewConnector
from familyhubs_sdk.timeline import (
    AccessPolicy,
    AccessRules,
    AuditLog,
    DeterministicResolver,
    DirectoryNamespace,
    ProfessionalDirectory,
    TimelineService,
)
from familyhubs_sdk.views import ViewCatalog

VIEWS = Path(__file__).parent / "views"
#: Social care and health name staff by HR staff number; the HR export is the directory.
DIRECTORY = ProfessionalDirectory(
    [DirectoryNamespace(name="hr", directory=("hr",), sources=("lcs", "health"))]
)
NHS_NUMBERS = {"P-1001": "9434765919", "P-1002": "9434765870", "P-1003": "9434765862"}

metadata = sa.MetaData()
_text = sa.String(40)
dim_person = sa.Table(
    "dim_person",
    metadata,
    sa.Column("person_sk", sa.Integer, primary_key=True),
    sa.Column("person_bk", _text),
    sa.Column("forename", _text),
    sa.Column("surname", _text),
    sa.Column("dob", _text),
    sa.Column("nhs_no", _text),
)
dim_worker = sa.Table(
    "dim_worker",
    metadata,
    sa.Column("worker_sk", sa.Integer, primary_key=True),
    sa.Column("staff_number", _text),
    sa.Column("team_code", _text),
)
fact_contact = sa.Table(
    "fact_contact",
    metadata,
    sa.Column("contact_sk", sa.Integer, primary_key=True),
    sa.Column("person_sk", sa.Integer, index=True),
    sa.Column("worker_sk", sa.Integer),
    sa.Column("contact_dt", _text),
    sa.Column("source_code", _text),
    # Never mapped: the definitions read only coded columns.
    sa.Column("OUTCOME_COMMENTS", sa.Text),
    sa.Index("ix_fact_contact_person_dt", "person_sk", "contact_dt"),
)
fact_assessment = sa.Table(
    "fact_assessment",
    metadata,
    sa.Column("assessment_sk", sa.Integer, primary_key=True),
    sa.Column("person_sk", sa.Integer),
    sa.Column("worker_sk", sa.Integer),
    sa.Column("start_dt", _text),
    sa.Column("end_dt", _text),
    sa.Index("ix_fact_assessment_person_dt", "person_sk", "start_dt"),
)
fact_allocation = sa.Table(
    "fact_allocation",
    metadata,
    sa.Column("allocation_sk", sa.Integer, primary_key=True),
    sa.Column("person_sk", sa.Integer),
    sa.Column("worker_sk", sa.Integer),
    sa.Column("role_code", _text),
    sa.Column("start_dt", _text),
    sa.Column("end_dt", _text),
    sa.Index("ix_fact_allocation_person_dt", "person_sk", "start_dt"),
)
hlth_ae_attendance = sa.Table(
    "hlth_ae_attendance",
    metadata,
    sa.Column("attendance_id", _text, primary_key=True),
    sa.Column("patient_nhs", _text),
    sa.Column("arrived_at", _text),
    sa.Column("site_name", sa.String(200)),
    sa.Column("clinician_staff_no", _text),
    sa.Index("ix_hlth_ae_patient_arrived", "patient_nhs", "arrived_at"),
)
hr_staff = sa.Table(
    "hr_staff",
    metadata,
    sa.Column("staff_no", _text, primary_key=True),
    sa.Column("display_name", _text),
    sa.Column("job_title", _text),
    sa.Column("team_name", _text),
    sa.Column("leaving_date", _text),
)
hr_phone = sa.Table(
    "hr_phone",
    metadata,
    sa.Column("staff_no", _text, index=True),
    sa.Column("phone_kind", _text),
    sa.Column("phone_number", _text),
)

ROWS: dict[sa.Table, list[dict[str, Any]]] = {
    dim_person: [
        {
            "person_sk": 1,
            "person_bk": "P-1001",
            "forename": "Ada",
            "surname": "Example",
            "dob": "2019-05-01",
            "nhs_no": NHS_NUMBERS["P-1001"],
        },
        {
            "person_sk": 2,
            "person_bk": "P-1002",
            "forename": "Ben",
            "surname": "Example",
            "dob": "2016-02-11",
            "nhs_no": NHS_NUMBERS["P-1002"],
        },
        {
            "person_sk": 3,
            "person_bk": "P-1003",
            "forename": "Cal",
            "surname": "Sample",
            "dob": "2012-09-30",
            "nhs_no": NHS_NUMBERS["P-1003"],
        },
    ],
    dim_worker: [
        {"worker_sk": 10, "staff_number": "S0003", "team_code": "ASSESS"},
        {"worker_sk": 11, "staff_number": "S0007", "team_code": "EH"},
        {"worker_sk": 12, "staff_number": "S0009", "team_code": "EH"},
    ],
    fact_contact: [
        {
            "contact_sk": 1,
            "person_sk": 1,
            "worker_sk": 10,
            "contact_dt": "2026-03-02 10:15:00",
            "source_code": "SCH",
            "OUTCOME_COMMENTS": "free text that must never show",
        },
        {
            "contact_sk": 2,
            "person_sk": 1,
            "worker_sk": 10,
            "contact_dt": "2026-06-20 14:00:00",
            "source_code": "POL",
            "OUTCOME_COMMENTS": "free text that must never show",
        },
        {
            "contact_sk": 3,
            "person_sk": 2,
            "worker_sk": 11,
            "contact_dt": "2025-11-04 09:00:00",
            "source_code": "SELF",
            "OUTCOME_COMMENTS": None,
        },
        {
            "contact_sk": 4,
            "person_sk": 3,
            "worker_sk": 12,
            "contact_dt": "2026-01-12 16:45:00",
            "source_code": "XX",
            "OUTCOME_COMMENTS": None,
        },
    ],
    fact_assessment: [
        {
            "assessment_sk": 1,
            "person_sk": 1,
            "worker_sk": 10,
            "start_dt": "2026-03-05 09:00:00",
            "end_dt": "2026-04-16 17:00:00",
        },
    ],
    fact_allocation: [
        {
            "allocation_sk": 1,
            "person_sk": 1,
            "worker_sk": 10,
            "role_code": "SW",
            "start_dt": "2026-03-05 09:00:00",
            "end_dt": None,
        },
        {
            "allocation_sk": 2,
            "person_sk": 2,
            "worker_sk": 11,
            "role_code": "FSW",
            "start_dt": "2025-11-04 09:30:00",
            "end_dt": None,
        },
        {
            "allocation_sk": 3,
            "person_sk": 3,
            "worker_sk": 12,
            "role_code": "EHP",
            "start_dt": "2026-01-12 17:00:00",
            "end_dt": "2025-12-01 00:00:00",
        },
    ],
    hlth_ae_attendance: [
        {
            "attendance_id": "AE1",
            "patient_nhs": NHS_NUMBERS["P-1001"],
            "arrived_at": "2026-07-01T19:20:00",
            "site_name": "Harbour Road Hospital",
            "clinician_staff_no": "S0003",
        },
        {
            "attendance_id": "AE2",
            "patient_nhs": NHS_NUMBERS["P-1003"],
            "arrived_at": "2026-02-03T08:05:00",
            "site_name": "Harbour Road Hospital",
            "clinician_staff_no": None,
        },
        {
            "attendance_id": "AE3",
            "patient_nhs": NHS_NUMBERS["P-1003"],
            "arrived_at": "2026-05-09T22:40:00",
            "site_name": "Minor Injuries\nUnit",
            "clinician_staff_no": None,
        },
    ],
    hr_staff: [
        {
            "staff_no": "S0003",
            "display_name": "Sam Patel",
            "job_title": "Social worker",
            "team_name": "Assessment team",
            "leaving_date": None,
        },
        {
            "staff_no": "S0007",
            "display_name": "Jo Reid",
            "job_title": "Family support worker",
            "team_name": "Early help team",
            "leaving_date": "2026-08-31",
        },
        {
            "staff_no": "S0009",
            "display_name": "Kim Lee",
            "job_title": "Early help practitioner",
            "team_name": "Early help team",
            "leaving_date": None,
        },
    ],
    hr_phone: [
        {"staff_no": "S0003", "phone_kind": "DESK", "phone_number": "01632 960001"},
        {"staff_no": "S0007", "phone_kind": "MOB", "phone_number": "07700 900007"},
        {"staff_no": "S0007", "phone_kind": "DUTY", "phone_number": "01632 960100"},
        {"staff_no": "S0009", "phone_kind": "DESK", "phone_number": "01632 960009"},
    ],
}


def build(engine: Engine) -> None:
    """Create the tables (replacing any of the same names) and fill them."""
    metadata.drop_all(engine)
    metadata.create_all(engine)
    with engine.begin() as conn:
        for table, rows in ROWS.items():
            conn.execute(table.insert(), rows)


def catalogs() -> dict[str, ViewCatalog]:
    """The three view files, by source system."""
    return {name: ViewCatalog.load(VIEWS / f"{name}.yaml") for name in ("lcs", "health", "hr")}


def connect(engine: Engine) -> list[SQLViewConnector]:
    """One connector per view file, all over ``engine``."""
    return [SQLViewConnector(engine, catalog, name=name) for name, catalog in catalogs().items()]


def timeline_service(
    warehouse: Engine, store: Engine, rules: AccessRules, *, clock: Clock
) -> TimelineService:
    """A ``TimelineService`` over the three sources, people linked by NHS number and LA id, staff
    cards from the HR directory. ``store`` holds the audit log (migrated)."""
    sources = connect(warehouse)
    people = sources[0].all_people()
    return TimelineService(
        sources,
        # Example keys only: a real deployment derives them from its secret settings.
        resolver=DeterministicResolver(people, key=b"m" * 32),
        policy=AccessPolicy(rules),
        audit=AuditLog(store, key=b"k" * 32),
        source_labels={"lcs": "Children's social care", "health": "Health"},
        people=people,
        clock=clock,
        directory=DIRECTORY,
    )
