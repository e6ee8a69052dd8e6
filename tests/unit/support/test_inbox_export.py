"""The hand-off to case management: accepted requests as published JSON and flat CSV, audited,
never with the team's internal notes; and ``familyhubs requests export``."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
import sqlalchemy as sa
from tests.helpers.inbox_samples import (
    AUDIT_KEY,
    RECEIVED,
    Clock,
    reference,
    store_engine,
    store_request,
    triage_request,
)
from tests.helpers.schemas import schema_meaning

from familyhubs_sdk import load_settings
from familyhubs_sdk.cli import main
from familyhubs_sdk.support.inbox import (
    RequestInbox,
    RequestStatus,
    accepted_requests,
    export_csv,
    export_json_schema,
)
from familyhubs_sdk.timeline import AuditAction, AuditLog, Viewer

DOCS = Path(__file__).resolve().parents[3] / "docs" / "schemas"
TEAM = Viewer(id="rt-1", name="Rae Tan", role="receiving_team", organisation="Front door")
NOTE = "INTERNAL-CANARY mum asked us not to tell school"


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[sa.Engine]:
    engine = store_engine(tmp_path)
    yield engine
    engine.dispose()


@pytest.fixture
def audit(engine: sa.Engine) -> AuditLog:
    return AuditLog(engine, key=AUDIT_KEY)


def _accept(inbox: RequestInbox, number: int, *, decline: bool = False) -> None:
    inbox.open(reference(number), by="rt-1")
    to = RequestStatus.DECLINED if decline else RequestStatus.ACCEPTED
    inbox.change_status(reference(number), to, by="rt-1", note="Out of area" if decline else None)


def _fill(engine: sa.Engine, audit: AuditLog) -> tuple[RequestInbox, Clock]:
    clock = Clock()
    inbox = RequestInbox(engine, audit=audit, clock=clock)
    store_request(engine, triage_request(0, organisation='=HYPERLINK("http://evil")'))
    store_request(engine, triage_request(1))
    store_request(engine, triage_request(2))
    store_request(engine, triage_request(3))
    inbox.add_note(reference(0), NOTE, viewer=TEAM)
    _accept(inbox, 0)
    _accept(inbox, 1, decline=True)
    _accept(inbox, 2)  # request 3 stays new
    return inbox, clock


def test_the_export_schema_is_published_and_reuses_the_request_schema() -> None:
    published = json.loads((DOCS / "support-request-export-1.json").read_text())
    assert schema_meaning(published) == schema_meaning(json.loads(json.dumps(export_json_schema())))
    request_schema = json.loads((DOCS / "support-request-1.json").read_text())
    assert schema_meaning(published["$defs"]["SupportRequest"]["properties"]) == schema_meaning(
        request_schema["properties"]
    )


def test_only_accepted_requests_leave_by_when_they_were_accepted(
    engine: sa.Engine, audit: AuditLog
) -> None:
    inbox, clock = _fill(engine, audit)
    everything = inbox.export_accepted(RECEIVED, viewer=TEAM)
    assert [e.request.reference for e in everything.requests] == [reference(0), reference(2)]
    first_accepted = everything.requests[0].accepted_at
    later = accepted_requests(engine, since=first_accepted + timedelta(seconds=1))
    assert [e.request.reference for e in later] == [reference(2)]
    assert accepted_requests(engine, since=clock.now + timedelta(days=1)) == []
    document = json.loads(everything.model_dump_json())
    jsonschema.Draft202012Validator(
        json.loads((DOCS / "support-request-export-1.json").read_text())
    ).validate(document)
    request_schema = json.loads((DOCS / "support-request-1.json").read_text())
    for exported in document["requests"]:
        jsonschema.Draft202012Validator(request_schema).validate(exported["request"])
    assert NOTE not in everything.model_dump_json()


def test_the_csv_is_flat_formula_safe_and_holds_no_internal_note(
    engine: sa.Engine, audit: AuditLog
) -> None:
    inbox, _clock = _fill(engine, audit)
    out = io.StringIO()
    assert export_csv(inbox.export_accepted(RECEIVED, viewer=TEAM), out) == 2
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0][:3] == ["reference", "request_id", "tree_id"]
    assert {row[0] for row in rows[1:]} == {reference(0), reference(2)}
    assert all(len(row) == len(rows[0]) for row in rows)
    organisation = next(r for r in rows if r[0] == reference(0) and r[9] == "referrer_organisation")
    assert organisation[11] == '\'=HYPERLINK("http://evil")'
    assert NOTE not in out.getvalue()


def test_every_export_is_audited_per_request(engine: sa.Engine, audit: AuditLog) -> None:
    inbox, _clock = _fill(engine, audit)
    inbox.export_accepted(RECEIVED, viewer=TEAM)
    events = audit.query(action=AuditAction.EXPORT)
    assert len(events) == 2
    assert {e.actor_id for e in events} == {"rt-1"}
    inbox.export_accepted(datetime(2030, 1, 1, tzinfo=UTC), viewer=TEAM)
    assert len(audit.query(action=AuditAction.EXPORT)) == 3  # an empty export is recorded too


def test_the_command_exports_json_or_csv_and_is_audited(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'inbox.db'}"
    engine = store_engine(tmp_path)
    monkeypatch.setenv("FAMILYHUBS_SECRET_KEY", "k" * 48)
    audit = AuditLog(engine, key=load_settings().derived_key("audit"))
    _fill(engine, audit)
    engine.dispose()
    capsys.readouterr()
    assert main(["requests", "export", "--since", "2026-05-01", "--url", url, "--by", "ops-1"]) == 0
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert [r["request"]["reference"] for r in document["requests"]] == [reference(0), reference(2)]
    assert "2 accepted requests exported" in captured.err
    target = tmp_path / "out.csv"
    assert main(["requests", "export", "--since", "2026-05-01T00:00+00:00", "--url", url,
                 "--format", "csv", "--output", str(target)]) == 0  # fmt: skip
    assert target.read_text().startswith("reference,request_id,")
    assert target.stat().st_mode & 0o777 == 0o600  # the family's answers: its owner only
    assert main(["requests", "export", "--since", "2026-05-01", "--url", url,
                 "--output", str(target)]) == 2  # fmt: skip
    assert "exists" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["requests", "export", "--since", "last tuesday", "--url", url])
    engine = sa.create_engine(url)
    try:
        exported = AuditLog(engine, key=load_settings().derived_key("audit")).query(
            action=AuditAction.EXPORT
        )
    finally:
        engine.dispose()
    assert {e.actor_id for e in exported} >= {"ops-1"}
