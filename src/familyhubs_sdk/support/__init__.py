"""Connect a family to support: the request-for-support journey.

>>> flow = build_flow(load_settings(data_dir="/tmp/fh-doc"), csrf_exempt=True)  # doctest: +SKIP
"""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from importlib.resources import files
from typing import Any

from sqlalchemy.engine import Engine

from familyhubs_sdk.config import Settings
from familyhubs_sdk.questiontree import QuestionTree, load_tree
from familyhubs_sdk.store import create_engine
from familyhubs_sdk.support.analytics import AnalyticsEvent as AnalyticsEvent
from familyhubs_sdk.support.analytics import AnalyticsRecorder as AnalyticsRecorder
from familyhubs_sdk.support.analytics import AnalyticsSink as AnalyticsSink
from familyhubs_sdk.support.analytics import InMemoryAnalytics as InMemoryAnalytics
from familyhubs_sdk.support.draft_store import DraftStore as DraftStore
from familyhubs_sdk.support.draft_store import InMemoryDraftStore as InMemoryDraftStore
from familyhubs_sdk.support.draft_store import SQLDraftStore as SQLDraftStore
from familyhubs_sdk.support.flow import FormFlow as FormFlow
from familyhubs_sdk.support.resume import RateLimit as RateLimit
from familyhubs_sdk.support.resume import Resumed as Resumed
from familyhubs_sdk.support.resume import ResumeTokens as ResumeTokens
from familyhubs_sdk.support.resume import SlidingWindowRateLimit as SlidingWindowRateLimit
from familyhubs_sdk.support.resume import purge_expired_drafts as purge_expired_drafts
from familyhubs_sdk.support.submission import StoreSubmitter as StoreSubmitter
from familyhubs_sdk.support.submission import Submitter as Submitter
from familyhubs_sdk.support.web import CompleteResponse as CompleteResponse
from familyhubs_sdk.support.web import FlowRequest as FlowRequest
from familyhubs_sdk.support.web import RedirectResponse as RedirectResponse
from familyhubs_sdk.support.web import RenderResponse as RenderResponse

__all__ = [
    "AnalyticsEvent",
    "AnalyticsRecorder",
    "AnalyticsSink",
    "CompleteResponse",
    "DraftStore",
    "FlowRequest",
    "FormFlow",
    "InMemoryAnalytics",
    "InMemoryDraftStore",
    "RateLimit",
    "RedirectResponse",
    "RenderResponse",
    "ResumeTokens",
    "Resumed",
    "SQLDraftStore",
    "SlidingWindowRateLimit",
    "StoreSubmitter",
    "Submitter",
    "build_flow",
    "default_tree",
    "purge_expired_drafts",
]


@cache
def default_tree() -> QuestionTree:
    """The shipped request-for-support tree (``support/trees/request_for_support.yaml``)."""
    text = (files("familyhubs_sdk.support") / "trees" / "request_for_support.yaml").read_text(
        "utf-8"
    )
    return load_tree(text)


def build_flow(
    settings: Settings,
    *,
    engine: Engine | None = None,
    tree: QuestionTree | None = None,
    **options: Any,
) -> FormFlow:
    """A :class:`FormFlow` on the SDK's store (run ``familyhubs db upgrade`` first).

    ``options`` go to :class:`FormFlow` (``csrf_field``, ``csrf_exempt``, ``referrer_id``...).
    "Save and come back later" is on, with resume links limited to 20 tries per client in 15
    minutes (in this process; pass ``resume=`` with a shared limit when running several), and
    form-use analytics are written to the store (``analytics=None`` turns them off).
    """
    engine = engine or create_engine(settings.database_url_value())
    options.setdefault("front_door_phone", settings.front_door_phone)
    options.setdefault("analytics", AnalyticsRecorder(engine))
    options.setdefault(
        "resume",
        ResumeTokens(engine, rate_limit=SlidingWindowRateLimit(20, per=timedelta(minutes=15))),
    )
    return FormFlow(
        tree or default_tree(), SQLDraftStore(engine), StoreSubmitter(engine), **options
    )
