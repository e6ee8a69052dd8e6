"""The shipped request-for-support tree, and a journey wired to the SDK's store."""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from importlib.resources import files
from typing import Any

from sqlalchemy.engine import Engine

from familyhubs_sdk._config import Settings
from familyhubs_sdk.questiontree import QuestionTree, load_tree
from familyhubs_sdk.store import create_engine
from familyhubs_sdk.support.analytics._events import AnalyticsRecorder
from familyhubs_sdk.support.journey._drafts import SQLDraftStore
from familyhubs_sdk.support.journey._flow import FormFlow
from familyhubs_sdk.support.journey._resume import ResumeTokens, SlidingWindowRateLimit
from familyhubs_sdk.support.requests._submission import StoreSubmitter

__all__ = ["build_flow", "default_tree"]


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
