"""Write the conformance dataset into SQL tables of a warehouse-like shape, with the catalog that
maps them, so :class:`~familyhubs_sdk.connectors.SQLViewConnector` can be put through the kit on
any database."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from familyhubs_sdk.testing._dataset import CONTRACT_SOURCE, ContractDataset
from familyhubs_sdk.views._definition import ViewCatalog
from familyhubs_sdk.views._vocab import EVENT_KINDS

__all__ = ["write_contract_tables"]

_metadata = sa.MetaData()
_people = sa.Table(
    "kit_people",
    _metadata,
    sa.Column("pid", sa.String(20), primary_key=True),
    sa.Column("forename", sa.String(60)),
    sa.Column("surname", sa.String(60)),
    sa.Column("dob", sa.Date),
    sa.Column("nhs", sa.String(10)),
)
_events = sa.Table(
    "kit_events",
    _metadata,
    sa.Column("evt_id", sa.String(20), primary_key=True),
    sa.Column("evt_person", sa.String(20), nullable=False),
    sa.Column("evt_type", sa.String(8), nullable=False),
    sa.Column("evt_at", sa.DateTime, nullable=False),
    sa.Column("evt_end", sa.DateTime),
    sa.Column("evt_team", sa.String(60)),
    sa.Column("evt_worker", sa.String(20)),
    sa.Column("evt_label", sa.String(120)),
    sa.Column("evt_deleted", sa.Integer, nullable=False, server_default="0"),
    sa.Index("ix_kit_events_person_at", "evt_person", sa.text("evt_at DESC")),
)
_involvements = sa.Table(
    "kit_involvements",
    _metadata,
    sa.Column("inv_id", sa.String(20), primary_key=True),
    sa.Column("inv_person", sa.String(20), index=True),
    # A worker's surrogate key, as reporting warehouses hold it: the lookup finds their id.
    sa.Column("inv_worker_sk", sa.Integer),
    sa.Column("inv_role", sa.String(40)),
    sa.Column("inv_team", sa.String(60)),
    # Date-times held as ISO text: the catalog casts them to the involvement's dates.
    sa.Column("inv_from", sa.String(19)),
    sa.Column("inv_to", sa.String(19)),
)
_worker_keys = sa.Table(
    "kit_worker_keys",
    _metadata,
    sa.Column("worker_sk", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("wid", sa.String(20)),
)
_workers = sa.Table(
    "kit_workers",
    _metadata,
    sa.Column("wid", sa.String(20), primary_key=True),
    sa.Column("name", sa.String(60)),
    sa.Column("title", sa.String(60)),
    sa.Column("team", sa.String(60)),
    sa.Column("org", sa.String(60)),
)
_worker_contacts = sa.Table(
    "kit_worker_contacts",
    _metadata,
    # Ids are given, not generated: DuckDB has no SERIAL or AUTO_INCREMENT.
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("wid", sa.String(20), index=True),
    sa.Column("channel", sa.String(20)),
    sa.Column("address", sa.String(120)),
    sa.Column("line", sa.String(10)),
)
_family = sa.Table(
    "kit_family",
    _metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("pid", sa.String(20), index=True),
    sa.Column("other_pid", sa.String(20)),
    sa.Column("rel", sa.String(20)),
)
_coverage = sa.Table(
    "kit_coverage",
    _metadata,
    sa.Column("source", sa.String(20), primary_key=True),
    sa.Column("synced", sa.DateTime),
    sa.Column("from_date", sa.Date),
)

# Local event codes, as a warehouse would hold them; the catalog maps them onto canonical kinds.
_LOCAL_CODES = {code: f"K{index:02d}" for index, code in enumerate(sorted(EVENT_KINDS))}

_CATALOG = {
    "source_system": CONTRACT_SOURCE,
    "code_maps": {"event_type": {local: kind for kind, local in _LOCAL_CODES.items()}},
    "definitions": [
        {
            "name": "people",
            "view": "person",
            "table": "kit_people",
            "columns": {
                "person_key": "pid",
                "given_name": "forename",
                "family_name": "surname",
                "birth_date": "dob",
                "nhs_number": "nhs",
            },
        },
        {
            "name": "events",
            "view": "timeline_event",
            "table": "kit_events",
            "columns": {
                "source_ref": "evt_id",
                "person_key": "evt_person",
                "period_start": "evt_at",
                "period_end": "evt_end",
                "kind": {"column": "evt_type", "map": "event_type"},
                "service": "evt_team",
                "professional_id": "evt_worker",
                "label": "evt_label",
            },
            "filters": [{"column": "evt_deleted", "op": "=", "value": 0}],
        },
        {
            "name": "involvements",
            "view": "involvement",
            "table": "kit_involvements",
            "lookups": [
                {
                    "name": "worker",
                    "table": "kit_worker_keys",
                    "keys": {"inv_worker_sk": "worker_sk"},
                    "how": "inner",
                }
            ],
            "columns": {
                "source_ref": "inv_id",
                "person_key": "inv_person",
                "professional_id": "worker.wid",
                "role": "inv_role",
                "team": "inv_team",
                "period_start": {"column": "inv_from", "cast": "date"},
                "period_end": {"column": "inv_to", "cast": "date"},
            },
        },
        {
            "name": "workers",
            "view": "professional",
            "table": "kit_workers",
            "columns": {
                "professional_id": "wid",
                "name": "name",
                "job_title": "title",
                "team": "team",
                "organisation": "org",
            },
        },
        {
            "name": "worker_contacts",
            "view": "professional_contact_point",
            "table": "kit_worker_contacts",
            "columns": {
                "professional_id": "wid",
                "system": "channel",
                "value": "address",
                "use": "line",
            },
        },
        {
            "name": "family",
            "view": "family_membership",
            "table": "kit_family",
            "columns": {
                "person_key": "pid",
                "related_person_key": "other_pid",
                "relationship": "rel",
            },
        },
        {
            "name": "coverage",
            "view": "source_coverage",
            "table": "kit_coverage",
            "columns": {"last_synchronised": "synced", "coverage_start": "from_date"},
            "filters": [{"column": "source", "op": "=", "value": CONTRACT_SOURCE}],
        },
    ],
}


def write_contract_tables(engine: Engine, dataset: ContractDataset) -> ViewCatalog:
    """(Re)create the kit's tables, fill them from ``dataset`` and return the catalog mapping them.

    A deleted-flagged copy of one event is written too: the catalog's filter must leave it out.
    """
    _metadata.drop_all(engine)
    _metadata.create_all(engine)
    events: list[dict[str, Any]] = [
        {
            "evt_id": e.source_ref,
            "evt_person": e.person_key,
            "evt_type": _LOCAL_CODES[e.kind],
            "evt_at": e.period_start,
            "evt_end": e.period_end,
            "evt_team": e.service,
            "evt_worker": e.professional_id,
            "evt_label": e.label,
            "evt_deleted": 0,
        }
        for e in dataset.events
    ]
    newest = max(dataset.events, key=lambda e: e.period_start)
    events.append(
        {**events[0], "evt_id": "DELETED", "evt_at": newest.period_start, "evt_deleted": 1}
    )
    with engine.begin() as conn:
        conn.execute(
            _people.insert(),
            [
                {
                    "pid": p.person_key,
                    "forename": p.given_name,
                    "surname": p.family_name,
                    "dob": p.birth_date,
                    "nhs": p.nhs_number,
                }
                for p in dataset.people
            ],
        )
        conn.execute(_events.insert(), events)
        surrogate = {w.professional_id: n for n, w in enumerate(dataset.professionals, start=1)}
        conn.execute(
            _worker_keys.insert(),
            [{"worker_sk": n, "wid": wid} for wid, n in surrogate.items()],
        )
        conn.execute(
            _involvements.insert(),
            [
                {
                    "inv_id": i.source_ref,
                    "inv_person": i.person_key,
                    "inv_worker_sk": surrogate[i.professional_id],
                    "inv_role": i.role,
                    "inv_team": i.team,
                    "inv_from": _as_text(i.period_start),
                    "inv_to": _as_text(i.period_end),
                }
                for i in dataset.involvements
            ],
        )
        conn.execute(
            _workers.insert(),
            [
                {
                    "wid": w.professional_id,
                    "name": w.name,
                    "title": w.job_title,
                    "team": w.team,
                    "org": w.organisation,
                }
                for w in dataset.professionals
            ],
        )
        conn.execute(
            _worker_contacts.insert(),
            [
                {
                    "id": n,
                    "wid": c.professional_id,
                    "channel": c.system.value,
                    "address": c.value,
                    "line": c.use.value,
                }
                for n, c in enumerate(dataset.contact_points, start=1)
            ],
        )
        conn.execute(
            _family.insert(),
            [
                {
                    "id": n,
                    "pid": f.person_key,
                    "other_pid": f.related_person_key,
                    "rel": f.relationship,
                }
                for n, f in enumerate(dataset.family, start=1)
            ],
        )
        conn.execute(
            _coverage.insert(),
            [
                {
                    "source": CONTRACT_SOURCE,
                    "synced": dataset.coverage.last_synchronised,
                    "from_date": dataset.coverage.coverage_start,
                },
                {"source": "elsewhere", "synced": None, "from_date": None},
            ],
        )
    return ViewCatalog.from_data(_CATALOG)


def _as_text(day: date | None) -> str | None:
    """A date as a reporting warehouse writes a date-time in a text column."""
    return None if day is None else f"{day.isoformat()} 00:00:00"
