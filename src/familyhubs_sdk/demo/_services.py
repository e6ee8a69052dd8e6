"""What the demo runs on: the SDK's store, a synthetic warehouse rebuilt at every start, both
solutions' services over them, and the outbox worker that delivers requests into a folder.

This is the wiring an LA developer writes once in their own portal, with their warehouse views in
place of the synthetic one and their delivery channels in place of the file drop.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy.engine import Engine

from familyhubs_sdk._config import Settings
from familyhubs_sdk.delivery import FileDropChannel, OutboxWorker
from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.store import create_engine
from familyhubs_sdk.support import (
    EvidenceUploads,
    FilesystemEvidenceStorage,
    NoScanner,
    RequestComposer,
    RequestInbox,
    SQLEvidenceIndex,
    build_flow,
    default_tree,
)
from familyhubs_sdk.support.messages import MessageComposer, MessageSettings, RequestMessages
from familyhubs_sdk.synthetic import WarehouseSummary, build_warehouse, connectors
from familyhubs_sdk.synthetic._service import demo_timeline_service
from familyhubs_sdk.timeline import AuditLog, TimelineScreens

__all__ = [
    "DEMO_CHILDREN",
    "FILE_DROP_FOLDER",
    "MESSAGES_FOLDER",
    "MESSAGE_DROP_CHANNEL",
    "WAREHOUSE_FILE",
    "DemoServices",
    "SampleChild",
    "with_demo_secret",
]

#: Children in the synthetic warehouse: a few hundred families, built in well under a second.
DEMO_CHILDREN = 600
#: The synthetic warehouse's SQLite file in the data folder, apart from the SDK's own database.
WAREHOUSE_FILE = "demo-warehouse.db"
#: The folder in the data folder that the outbox worker delivers requests into.
FILE_DROP_FOLDER = "file-drop"
#: The folder in the data folder where the demo's messages to people (the referrer's status
#: update) are delivered, one JSON file each, in place of GOV.UK Notify.
MESSAGES_FOLDER = "messages"
#: The delivery channel name of :data:`MESSAGES_FOLDER`.
MESSAGE_DROP_CHANNEL = "message_drop"
#: Where the demo keeps uploaded supporting evidence, inside its data folder.
EVIDENCE_FOLDER = "evidence"


def with_demo_secret(settings: Settings) -> tuple[Settings, bool]:
    """``settings`` with a secret key: the one configured, else a random one for this run only
    (and ``True``). Audit references made under a generated key cannot be matched after a
    restart, which is fine for synthetic data and never for real records."""
    if settings.secret_key is not None:
        return settings, False
    generated = SecretStr(secrets.token_urlsafe(48))
    return settings.model_copy(update={"secret_key": generated}), True


@dataclass(frozen=True, slots=True)
class SampleChild:
    """A synthetic child worth searching for, shown on the home page and in the console."""

    name: str
    nhs_number: str
    birth_date: date | None


class DemoServices:
    """Both solutions over the demo's data.

    :param settings: must have a secret key (see :func:`with_demo_secret`): audit references are
        keyed with it.
    :param store: the SDK's database, migrated.
    """

    def __init__(
        self,
        settings: Settings,
        store: Engine,
        *,
        renderer: Renderer,
        children: int = DEMO_CHILDREN,
    ) -> None:
        self.settings = settings
        self.store = store
        self.warehouse = create_engine(
            f"sqlite:///{(settings.data_dir / WAREHOUSE_FILE).as_posix()}"
        )
        self.summary: WarehouseSummary = build_warehouse(self.warehouse, children=children)
        self.timeline = demo_timeline_service(
            self.warehouse, store, audit_key=settings.derived_key("audit")
        )
        self.screens = TimelineScreens(self.timeline, renderer=renderer)
        # build_flow turns on "Save and come back later" (ResumeTokens) and form analytics
        # (AnalyticsRecorder), both in the store.
        self.tree = default_tree()
        # Supporting evidence is on, as an LA would run it; the demo's files stay in its folder
        # and are not scanned (pass ClamAVScanner(...) to scan them).
        self.evidence = EvidenceUploads(
            FilesystemEvidenceStorage(settings.data_dir / EVIDENCE_FOLDER),
            SQLEvidenceIndex(store),
            scanner=NoScanner(),
        )
        self.flow = build_flow(
            settings, engine=store, tree=self.tree, renderer=renderer, evidence=self.evidence
        )
        # The referrer hears when their request is accepted or declined (with the reason): the
        # demo turns these messages on, into a folder, unless the host configured its own.
        self.messages = RequestMessages(
            settings.messages
            if settings.messages != MessageSettings()
            else MessageSettings(
                channel=MESSAGE_DROP_CHANNEL,
                referrer_receipt=True,
                status_update=True,
                share_decline_reason=True,
            )
        )
        self.inbox = RequestInbox(store, on_status_change=self.messages)
        self.messages_folder: Path = settings.data_dir / MESSAGES_FOLDER
        self.messages_folder.mkdir(parents=True, exist_ok=True)
        self.drop_folder: Path = settings.data_dir / FILE_DROP_FOLDER
        self.drop_folder.mkdir(parents=True, exist_ok=True)
        self.sample_children = self._samples()

    @property
    def audit(self) -> AuditLog:
        return self.timeline.audit

    def outbox_worker(self) -> OutboxWorker:
        """A worker delivering every queued request into :attr:`drop_folder` (the channel named
        ``file_drop``, where :class:`~familyhubs_sdk.support.StoreSubmitter` sends by default)."""
        return OutboxWorker(
            self.store,
            [
                FileDropChannel(self.drop_folder),
                FileDropChannel(self.messages_folder, name=MESSAGE_DROP_CHANNEL),
            ],
            MessageComposer(
                la_name=self.settings.la_name,
                requests=RequestComposer(self.store, tree=self.tree),
            ),
        )

    def close(self) -> None:
        """Release the warehouse's connections (the store belongs to the caller)."""
        self.warehouse.dispose()

    def _samples(self, wanted: tuple[int, ...] = (30, 15, 60)) -> tuple[SampleChild, ...]:
        """Children with a good few events, by NHS number, for the evaluator to search."""
        people = {p.person_key: p for p in connectors(self.warehouse)[0].all_people()}
        found: list[SampleChild] = []
        for events in wanted:
            subject = self.summary.subject_near(events)
            person = people.get(subject.la_person_id)
            if person is None or not subject.nhs_number:
                continue
            name = f"{person.given_name or ''} {person.family_name or ''}".strip()
            child = SampleChild(name, subject.nhs_number, person.birth_date)
            if child not in found:
                found.append(child)
        return tuple(found)
