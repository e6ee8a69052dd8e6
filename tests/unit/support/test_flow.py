"""FormFlow details the journey tests do not reach: sent drafts, new tree versions, CSRF."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from familyhubs_sdk.errors import ConfigurationError
from familyhubs_sdk.questiontree import start
from familyhubs_sdk.store import create_engine, upgrade
from familyhubs_sdk.support import (
    FlowRequest,
    FormFlow,
    InMemoryDraftStore,
    SQLDraftStore,
    StoreSubmitter,
    default_tree,
)
from familyhubs_sdk.support.journey._web import RedirectResponse
from familyhubs_sdk.support.requests._request import SupportRequest
from familyhubs_sdk.testing import MemorySubmitter

TODAY = date(2026, 6, 1)


def test_a_sent_draft_cannot_be_loaded_again() -> None:
    engine = create_engine("sqlite://", poolclass=sa.pool.StaticPool)
    upgrade(engine)
    drafts = SQLDraftStore(engine)
    draft_id = drafts.create(start(default_tree()))
    assert drafts.load(draft_id) is not None
    drafts.mark_submitted(draft_id, "ACDE3467")
    assert drafts.load(draft_id) is None
    assert drafts.submitted(draft_id) == "ACDE3467"
    memory = InMemoryDraftStore()
    other = memory.create(start(default_tree()))
    memory.mark_submitted(other, "ACDE3467")
    assert memory.load(other) is None


def test_going_back_after_sending_starts_again() -> None:
    flow = FormFlow(
        default_tree(),
        InMemoryDraftStore(),
        MemorySubmitter(reference="ACDE3467"),
        csrf_exempt=True,
    )
    draft_id = flow.handle(FlowRequest("GET", "", base_path="/rs")).draft_id
    flow.drafts.mark_submitted(draft_id or "", "ACDE3467")
    answer = flow.handle(FlowRequest("GET", "consent", base_path="/rs", draft_id=draft_id))
    assert isinstance(answer, RedirectResponse)
    assert (answer.location, answer.draft_id) == ("/rs/", None)


def test_a_draft_from_an_older_tree_version_is_migrated() -> None:
    tree = default_tree()
    drafts = InMemoryDraftStore()
    old = start(tree).model_copy(
        update={"tree_version": "0.9", "answers": {"immediate_danger": "no", "retired": "x"}}
    )
    draft_id = drafts.create(old)
    flow = FormFlow(
        tree, drafts, MemorySubmitter(reference="ACDE3467"), csrf_exempt=True, today=lambda: TODAY
    )
    answer = flow.handle(FlowRequest("GET", "", base_path="/rs", draft_id=draft_id))
    assert answer.location == "/rs/significant_harm"  # type: ignore[union-attr]
    migrated = drafts.load(draft_id)
    assert migrated is not None
    assert migrated.tree_version == tree.version
    assert dict(migrated.answers) == {"immediate_danger": "no"}


def test_forms_refuse_to_render_without_the_hosts_csrf_token() -> None:
    flow = FormFlow(default_tree(), InMemoryDraftStore(), MemorySubmitter(reference="ACDE3467"))
    draft_id = flow.handle(FlowRequest("GET", "", base_path="/rs")).draft_id
    with pytest.raises(ConfigurationError, match="CSRF"):
        flow.handle(FlowRequest("GET", "immediate_danger", base_path="/rs", draft_id=draft_id))


def test_store_submitter_draws_another_reference_when_one_is_taken() -> None:
    engine = create_engine("sqlite://", poolclass=sa.pool.StaticPool)
    upgrade(engine)
    references = iter(["AAAAAAAA", "AAAAAAAA", "CCCCCCCC"])
    submitter = StoreSubmitter(engine, reference=lambda: next(references))

    def make(*, id: str, reference: str, submitted_at: datetime) -> SupportRequest:
        return SupportRequest(
            id=id, reference=reference, tree_id="t", tree_version="1",
            submitted_at=submitted_at, referrer_id="u",
        )  # fmt: skip

    assert submitter.submit(make).reference == "AAAAAAAA"
    assert submitter.submit(make).reference == "CCCCCCCC"
