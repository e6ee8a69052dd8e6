"""The hand-off to case management: accepted requests as published JSON, or as a flat CSV.

A case-management import (Liquidlogic EHM, Mosaic, Capita ONE, an LA's own) asks for the requests
accepted since its last run. :class:`RequestExport` is the JSON document (schema:
``docs/schemas/support-request-export-1.json``, from :func:`export_json_schema`), each request
in the published request shape (``support-request-1.json``) with when it was accepted;
:func:`export_csv` writes the same requests one answer a row, formula-safe for spreadsheets.
Internal notes and assignments are the receiving team's own and never leave in an export.
:meth:`RequestInbox.export_accepted` reads it and audits the export.

>>> from familyhubs_sdk.store import create_engine, upgrade
>>> engine = create_engine("sqlite://"); upgrade(engine)
>>> accepted_requests(engine, since=datetime(2026, 1, 1, tzinfo=UTC))
[]
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import IO, Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict
from sqlalchemy.engine import Engine

from familyhubs_sdk.rendering._spreadsheet import formula_safe
from familyhubs_sdk.store._schema import request_status_history, support_requests
from familyhubs_sdk.support.inbox._lifecycle import RequestStatus
from familyhubs_sdk.support.requests._request import SupportRequest

__all__ = [
    "CSV_COLUMNS",
    "EXPORT_SCHEMA_ID",
    "ExportedRequest",
    "RequestExport",
    "accepted_requests",
    "export_csv",
    "export_json_schema",
]

EXPORT_SCHEMA_ID = "https://familyhubs-sdk.example/schemas/support-request-export-1.json"

#: The flat CSV's columns: one row per answer, the request's own fields repeated on each.
CSV_COLUMNS = (
    "reference",
    "request_id",
    "tree_id",
    "tree_version",
    "submitted_at",
    "accepted_at",
    "support_indicated",
    "section",
    "repeat",
    "question_id",
    "question",
    "answer",
)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ExportedRequest(_Frozen):
    """One accepted request: exactly as sent, and when the receiving team accepted it."""

    status: Literal["accepted"] = "accepted"
    accepted_at: datetime
    request: SupportRequest


class RequestExport(_Frozen):
    """Requests accepted in ``[since, until)``, oldest acceptance first."""

    export_version: Literal[1] = 1
    exported_at: datetime
    since: datetime
    until: datetime | None = None
    requests: tuple[ExportedRequest, ...] = ()


def export_json_schema() -> dict[str, Any]:
    """The published JSON Schema (2020-12) of :class:`RequestExport` as JSON."""
    schema = RequestExport.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": EXPORT_SCHEMA_ID,
        **schema,
    }


def accepted_requests(
    engine: Engine, since: datetime, until: datetime | None = None
) -> list[ExportedRequest]:
    """Requests accepted from ``since`` (inclusive) to ``until`` (exclusive), oldest first.

    Selected by when they were accepted, not when they were sent, so an import that asks from
    its last run's time misses none and sees none twice.
    """
    t, h = support_requests, request_status_history
    accepted = RequestStatus.ACCEPTED.value
    statement = (
        sa.select(t.c.payload, h.c.changed_at)
        .select_from(t.join(h, h.c.request_id == t.c.id))
        .where(t.c.status == accepted, h.c.to_status == accepted, h.c.changed_at >= since)
        .order_by(h.c.changed_at, t.c.reference)
    )
    if until is not None:
        statement = statement.where(h.c.changed_at < until)
    with engine.connect() as connection:
        return [
            ExportedRequest(accepted_at=changed_at, request=SupportRequest.from_payload(payload))
            for payload, changed_at in connection.execute(statement)
        ]


def _csv_rows(requests: Iterable[ExportedRequest]) -> Iterable[list[str]]:
    for exported in requests:
        request = exported.request
        outcomes = "; ".join(outcome.label for outcome in request.outcomes)
        common = [
            request.reference,
            request.id,
            request.tree_id,
            request.tree_version,
            request.submitted_at.astimezone(UTC).isoformat(),
            exported.accepted_at.astimezone(UTC).isoformat(),
            outcomes,
        ]
        for answer in request.answers or ():
            row = [*common, answer.section, answer.repeat, answer.question_id, answer.label,
                   answer.value]  # fmt: skip
            yield [formula_safe(cell) for cell in row]


def export_csv(export: RequestExport, out: IO[str]) -> int:
    """Write ``export`` as flat CSV (:data:`CSV_COLUMNS`, one row per answer) to ``out``, every
    cell formula-safe; returns the number of requests written."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(_csv_rows(export.requests))
    return len(export.requests)
