"""An LA's integration with familyhubs-sdk, written as its developers would write it.

``make lint`` type-checks this file with ``mypy --strict`` and ``tests/unit/test_release.py``
runs it, so it is the public API as an integrator types and calls it. A change to the SDK that
breaks this file breaks integrators' code too. It joins:

* a connector for a source the view definitions cannot reach (the housing register's API);
* view definitions mapping the warehouse's children's social care tables onto canonical views;
* the timeline fragment a professional sees, read through both under the access policy;
* a request for support, stored with its delivery job, then delivered by an outbox worker to the
  LA's case-management system through a delivery channel of the LA's own.

Run it with ``python tests/typing/integrator.py [FOLDER]``: its SQLite databases go in ``FOLDER``
(a temporary folder by default). The warehouse, the register and the case system are stand-ins
here; an LA passes its own.
"""

from __future__ import annotations

import secrets
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa
from markupsafe import Markup

from familyhubs_sdk import load_settings
from familyhubs_sdk.connectors import (
    Capability,
    CheckResult,
    SourceConnector,
    SQLViewConnector,
    as_naive,
    validate_read_args,
)
from familyhubs_sdk.delivery import (
    DeadLetter,
    DeliveryChannel,
    DeliveryResult,
    OutboundMessage,
    OutboxStatus,
    OutboxWorker,
    RetryPolicy,
    RunReport,
    outbox_status,
)
from familyhubs_sdk.errors import ConnectorError
from familyhubs_sdk.store import create_engine, upgrade
from familyhubs_sdk.support import (
    RequestAnswer,
    RequestComposer,
    StoreSubmitter,
    SupportRequest,
    default_tree,
)
from familyhubs_sdk.timeline import (
    AccessPolicy,
    AccessReason,
    AccessRules,
    AuditLog,
    DeterministicResolver,
    SearchQuery,
    TimelineService,
    Viewer,
    render_timeline_page,
)
from familyhubs_sdk.views import EventStatus, IdentifierType, TimelineEvent, ViewCatalog

# -- a connector of our own ------------------------------------------------------------------


class HousingApi(Protocol):
    """The housing register's API client, as the LA already has it."""

    def cases(self, nhs_numbers: Sequence[str]) -> list[Mapping[str, str]]:
        """Open and closed housing cases of these people, each a flat JSON object."""
        ...


#: The register's case types → canonical event kinds.
HOUSING_KINDS: Mapping[str, str] = {
    "HOMELESS": "housing.homelessness_application",
    "TA": "housing.temporary_accommodation",
}


class HousingRegisterConnector(SourceConnector):
    """Housing cases from the register's API, keyed by NHS number."""

    capabilities = frozenset({Capability.TIMELINE})
    identifier = IdentifierType.NHS_NUMBER

    def __init__(self, api: HousingApi, *, name: str = "housing", timeout_s: float = 3.0) -> None:
        super().__init__(name, timeout_s=timeout_s)
        self.api = api

    def check(self) -> CheckResult:
        try:
            self.api.cases([])
        except OSError as exc:
            return CheckResult(ok=False, problems=(f"register unreachable ({type(exc).__name__})",))
        return CheckResult(ok=True)

    def read_timeline(
        self,
        person_keys: Sequence[str],
        *,
        since: date | datetime | None = None,
        until: date | datetime | None = None,
        limit: int = 500,
    ) -> list[TimelineEvent]:
        keys = validate_read_args(person_keys, limit)
        low, high = as_naive(since), as_naive(until)
        events = [
            event
            for event in map(self._event, self.api.cases(keys))
            if (low is None or event.period_start >= low)
            and (high is None or event.period_start < high)
        ]
        events.sort(key=lambda event: (event.period_start, event.source_ref), reverse=True)
        return events[:limit]

    def _event(self, case: Mapping[str, str]) -> TimelineEvent:
        kind = HOUSING_KINDS.get(case["type"])
        if kind is None:
            # The case type is a code, never personal data, so the message may name it.
            raise ConnectorError(f"housing case type {case['type']!r} has no canonical kind")
        return TimelineEvent(
            source_system=self.name,
            source_ref=case["case_id"],
            person_key=case["nhs_number"],
            kind=kind,
            period_start=datetime.fromisoformat(case["opened"]),
            status=EventStatus.IN_PROGRESS if case["status"] == "open" else EventStatus.FINISHED,
            service="Housing options",
        )


class RegisterStandIn:
    """Answers like the register's API does, from canned cases."""

    def __init__(self, cases: Sequence[Mapping[str, str]]) -> None:
        self._cases = list(cases)

    def cases(self, nhs_numbers: Sequence[str]) -> list[Mapping[str, str]]:
        wanted = set(nhs_numbers)
        return [case for case in self._cases if case["nhs_number"] in wanted]


# -- view definitions over the warehouse -----------------------------------------------------

WAREHOUSE_VIEWS = """
source_system: lcs
code_maps:
  early_help_type:
    EP: early_help.episode
    HUB: early_help.family_hub_session
definitions:
  - name: children
    view: person
    table: ssd_person
    columns:
      person_key: pers_person_id
      given_name: pers_forename
      family_name: pers_surname
      birth_date: pers_dob
      nhs_number: pers_nhs_number
  - name: early_help
    view: timeline_event
    table: ssd_early_help
    columns:
      source_ref: eh_id
      person_key: eh_person_id
      period_start: eh_start
      kind: {column: eh_type, map: early_help_type}
      service: {const: Early help}
    filters:
      - {column: eh_deleted, op: "=", value: 0}
"""


def seed_warehouse(engine: sa.Engine) -> None:
    """Two tables shaped like the LA's warehouse (an LA's already exist and hold real rows)."""
    metadata = sa.MetaData()
    person = sa.Table(
        "ssd_person",
        metadata,
        sa.Column("pers_person_id", sa.String(20), primary_key=True),
        sa.Column("pers_forename", sa.String(100)),
        sa.Column("pers_surname", sa.String(100)),
        sa.Column("pers_dob", sa.Date),
        sa.Column("pers_nhs_number", sa.String(10)),
    )
    early_help = sa.Table(
        "ssd_early_help",
        metadata,
        sa.Column("eh_id", sa.String(20), primary_key=True),
        sa.Column("eh_person_id", sa.String(20), index=True),
        sa.Column("eh_type", sa.String(10)),
        sa.Column("eh_start", sa.DateTime),
        sa.Column("eh_deleted", sa.Integer, default=0),
    )
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(
            person.insert(),
            [
                {
                    "pers_person_id": "P1",
                    "pers_forename": "Ada",
                    "pers_surname": "Example",
                    "pers_dob": date(2019, 5, 1),
                    "pers_nhs_number": "9434765919",
                }
            ],
        )
        connection.execute(
            early_help.insert(),
            [
                {"eh_id": "EH1", "eh_person_id": "P1", "eh_type": "EP",
                 "eh_start": datetime(2026, 2, 3, 9, 30), "eh_deleted": 0},
                {"eh_id": "EH2", "eh_person_id": "P1", "eh_type": "HUB",
                 "eh_start": datetime(2026, 3, 10, 14, 0), "eh_deleted": 1},
            ],
        )  # fmt: skip


# -- who may see what ------------------------------------------------------------------------

ACCESS_RULES = """
roles:
  family_support:
    views: [search, timeline]
    event_kinds: ["early_help.*", "housing.*"]
    sensitivities: [standard]
"""


@dataclass(frozen=True)
class Caseloads:
    """The relationship hook: is the viewer allocated to this child in the case system?"""

    resolver: DeterministicResolver
    #: Viewer id → the case system's ids of the children allocated to them.
    allocated: Mapping[str, frozenset[str]]

    def __call__(self, viewer: Viewer, subject_id: str) -> bool:
        subject = self.resolver.subject(subject_id)
        keys = subject.keys_for("lcs", IdentifierType.SOURCE_ID) if subject else ()
        return not self.allocated.get(viewer.id, frozenset()).isdisjoint(keys)


# -- delivery to the case-management system --------------------------------------------------


class CaseSystemApi(Protocol):
    """The case-management system's referral endpoint."""

    def create_referral(self, idempotency_key: str, payload: Mapping[str, Any]) -> int:
        """POST a referral; returns the HTTP status. Raises ``TimeoutError`` when it hangs."""
        ...


class CaseSystemChannel(DeliveryChannel):
    """Delivers requests for support as referrals in the case-management system."""

    name = "case_system"

    def __init__(self, api: CaseSystemApi) -> None:
        self.api = api

    def deliver(self, message: OutboundMessage) -> DeliveryResult:
        try:
            status = self.api.create_referral(message.idempotency_key, message.payload)
        except TimeoutError:
            return DeliveryResult.retry("timed out")
        if 200 <= status < 300:
            return DeliveryResult.delivered(f"HTTP {status}")
        if status in (408, 429) or status >= 500:
            return DeliveryResult.retry(f"HTTP {status}")
        return DeliveryResult.permanent(f"HTTP {status}")


@dataclass
class CaseSystemStandIn:
    """Accepts referrals like the case system does: once per idempotency key."""

    referrals: dict[str, Mapping[str, Any]] = field(default_factory=dict)

    def create_referral(self, idempotency_key: str, payload: Mapping[str, Any]) -> int:
        if idempotency_key in self.referrals:
            return 200
        self.referrals[idempotency_key] = payload
        return 201


# -- the whole integration -------------------------------------------------------------------


@dataclass(frozen=True)
class IntegrationRun:
    """What one run produced, for the caller to check."""

    timeline_html: Markup
    request: SupportRequest
    delivery: RunReport
    outbox: OutboxStatus
    referrals: Mapping[str, Mapping[str, Any]]
    dead_letters: Sequence[DeadLetter]


def main(data_dir: Path) -> IntegrationRun:
    """Show a professional a child's timeline, then send and deliver a request for support."""
    # In production the secret comes from FAMILYHUBS_SECRET_KEY, never from code.
    settings = load_settings(data_dir=data_dir, secret_key=secrets.token_urlsafe(48))
    store = create_engine(settings.database_url_value())
    upgrade(store)  # in production: `familyhubs db upgrade` when you deploy

    warehouse = create_engine(f"sqlite:///{(data_dir / 'warehouse.db').as_posix()}")
    seed_warehouse(warehouse)
    lcs = SQLViewConnector(warehouse, ViewCatalog.from_yaml(WAREHOUSE_VIEWS))
    housing = HousingRegisterConnector(
        RegisterStandIn(
            [{"case_id": "H-77", "nhs_number": "9434765919", "type": "TA",
              "opened": "2026-01-12T10:00:00", "status": "open"}]
        )
    )  # fmt: skip
    sources: list[SourceConnector] = [lcs, housing]
    problems = [problem for source in sources for problem in source.check().problems]
    if problems:
        raise SystemExit("; ".join(problems))

    # The identity index is built from the warehouse's person view (nightly, in production).
    people = lcs.all_people()
    resolver = DeterministicResolver(people, key=b"m" * 32)
    sam = Viewer(id="u-17", name="Sam Patel", role="family_support", organisation="Family hub")
    policy = AccessPolicy(
        AccessRules.from_yaml(ACCESS_RULES),
        relationship=Caseloads(resolver, {sam.id: frozenset({"P1"})}),
    )
    service = TimelineService(
        sources,
        resolver=resolver,
        policy=policy,
        audit=AuditLog(store, key=settings.derived_key("audit")),
        source_labels={"lcs": "Children's services", "housing": "Housing"},
        people=people,
    )
    [child] = service.search(sam, SearchQuery(nhs_number="943 476 5919"))
    timeline = service.timeline(sam, child.subject_id, AccessReason(reason="early_help"))
    if timeline.page is None:
        raise SystemExit(f"access refused: {timeline.decision.reason}")
    html = render_timeline_page(timeline.page, action=f"/timeline/{child.subject_id}")

    # A request a front-door worker took by phone, stored exactly as one from the online form.
    tree = default_tree()
    case_system = CaseSystemStandIn()
    channel = CaseSystemChannel(case_system)

    def phone_request(*, id: str, reference: str, submitted_at: datetime) -> SupportRequest:
        return SupportRequest(
            id=id,
            reference=reference,
            tree_id=tree.id,
            tree_version=tree.version,
            submitted_at=submitted_at,
            referrer_id=sam.id,
            answers=(
                RequestAnswer(
                    question_id="support_needs",
                    address="support_needs",
                    label="What does the family need help with?",
                    value="Secure housing",
                    raw=["housing"],
                ),
            ),
        )

    request = StoreSubmitter(store, channels=[channel.name]).submit(phone_request)
    dead_letters: list[DeadLetter] = []
    worker = OutboxWorker(
        store,
        [channel],
        RequestComposer(store, tree=tree),
        retry=RetryPolicy(base_s=30, cap_s=3600),
        on_dead_letter=dead_letters.append,  # page someone: a request has not reached the LA
    )
    delivery = worker.run_once()  # a long-running worker calls worker.run(stop_event)
    for source in sources:
        source.close()
    return IntegrationRun(
        timeline_html=html,
        request=request,
        delivery=delivery,
        outbox=outbox_status(store),
        referrals=case_system.referrals,
        dead_letters=dead_letters,
    )


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="fh-integrator-") as folder:
        run = main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(folder))
        print(f"timeline: {len(run.timeline_html)} characters of HTML")
        print(f"request {run.request.reference}: {run.delivery.delivered} delivery made")
        print(f"outbox: {dict(run.outbox.counts)}")
