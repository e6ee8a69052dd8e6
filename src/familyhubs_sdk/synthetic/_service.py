"""A ready-made :class:`TimelineService` over the synthetic warehouse, for the demo, the example
portals and tests: the shipped view definitions, access rules for three demo roles, and the
professionals who sign in as them."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from importlib.resources import files

from sqlalchemy.engine import Engine

from familyhubs_sdk._clock import Clock
from familyhubs_sdk.synthetic._generate import TODAY
from familyhubs_sdk.synthetic._load import connectors
from familyhubs_sdk.timeline._audit import AuditLog
from familyhubs_sdk.timeline._identity import DeterministicResolver
from familyhubs_sdk.timeline._policy import AccessPolicy, AccessRules
from familyhubs_sdk.timeline._service import TimelineService
from familyhubs_sdk.web._viewer import Viewer

__all__ = ["DEMO_VIEWERS", "SOURCE_LABELS", "demo_access_rules", "demo_timeline_service"]

#: How each synthetic source is named on screen.
SOURCE_LABELS = {
    "lcs": "Children's social care",
    "health": "Health",
    "education": "Education",
    "police": "Police",
}

#: The demo professionals, one per role in the demo access rules.
DEMO_VIEWERS: tuple[Viewer, ...] = (
    Viewer(id="demo-sw", name="Sam Okafor", role="social_worker",
           organisation="Exampleshire Children's Services"),
    Viewer(id="demo-fs", name="Flo Reyes", role="family_support",
           organisation="Northgate Family Hub"),
    Viewer(id="demo-hv", name="Hari Bell", role="health_visitor",
           organisation="Exampleshire Community NHS Trust"),
)  # fmt: skip


def demo_access_rules() -> AccessRules:
    """The access rules shipped for the demo roles (``synthetic/access_rules.yaml``)."""
    text = files("familyhubs_sdk.synthetic").joinpath("access_rules.yaml").read_text("utf-8")
    return AccessRules.from_yaml(text)


def _warehouse_clock() -> datetime:
    # The synthetic warehouse is generated up to TODAY: ages and periods count from it.
    return TODAY.replace(tzinfo=UTC)


def demo_timeline_service(
    warehouse: Engine,
    store: Engine,
    *,
    audit_key: bytes,
    master_id_key: bytes | None = None,
    clock: Clock = _warehouse_clock,
) -> TimelineService:
    """A service reading the synthetic warehouse in ``warehouse`` (see
        :func:`~familyhubs_sdk.synthetic.build_warehouse`) and auditing to the SDK store in
        ``store`` (migrated). Health visitors have no caseload here: they find a child only by NHS
    number, and need emergency access to open the record.

        ``master_id_key`` keys the master ids (``settings.derived_key("master_id")``); by default it
        is derived from ``audit_key``, so the demo needs one secret only.

        ``clock`` drives ages, periods and age limits; by default it stands still at the day the
        synthetic records end. The audit log keeps the real time."""
    if master_id_key is None:
        master_id_key = hmac.new(audit_key, b"familyhubs:master_id", hashlib.sha256).digest()
    sources = connectors(warehouse)
    people = sources[0].all_people()
    return TimelineService(
        sources,
        resolver=DeterministicResolver(people, key=master_id_key),
        policy=AccessPolicy(demo_access_rules(), clock=clock),
        audit=AuditLog(store, key=audit_key),
        source_labels=SOURCE_LABELS,
        people=people,
        clock=clock,
    )
