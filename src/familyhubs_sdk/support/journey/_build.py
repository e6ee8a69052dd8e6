"""The shipped request-for-support tree, and a journey wired to the SDK's store."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from functools import cache
from importlib.resources import files
from typing import Literal

from sqlalchemy.engine import Engine

from familyhubs_sdk._clock import Clock, utc_now
from familyhubs_sdk._config import Settings
from familyhubs_sdk.questiontree import QuestionTree, load_tree
from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.store import create_engine
from familyhubs_sdk.support.analytics._events import AnalyticsRecorder, AnalyticsSink
from familyhubs_sdk.support.evidence._uploads import EvidenceUploads
from familyhubs_sdk.support.journey._drafts import SQLDraftStore
from familyhubs_sdk.support.journey._flow import FormFlow
from familyhubs_sdk.support.journey._limits import StoreRateLimit
from familyhubs_sdk.support.journey._options import JourneyOptions
from familyhubs_sdk.support.journey._resume import ResumeTokens
from familyhubs_sdk.support.journey._saving import EMAIL_LIMIT, EMAIL_LIMIT_PER
from familyhubs_sdk.support.messages import OutboxResumeLinkSender, RequestMessages
from familyhubs_sdk.support.requests._submission import StoreSubmitter

__all__ = ["build_flow", "default_tree"]


def _with_settings(
    options: JourneyOptions, settings: Settings, engine: Engine, clock: Clock
) -> JourneyOptions:
    """The host's options, with what they leave out taken from ``settings``: the front door
    number, and the "Email me this link" sender when ``FAMILYHUBS_MESSAGES__RESUME_LINK`` is on."""
    if not options.front_door_phone:
        options = replace(options, front_door_phone=settings.front_door_phone)
    if options.resume_sender is None:
        sender = OutboxResumeLinkSender.for_settings(engine, settings.messages, clock=clock)
        if sender is not None:
            # Refused (ConfigurationError) unless the options can build a full link.
            options = replace(options, resume_sender=sender)
    if options.resume_email_limit is None:
        # Counted in the store, so every worker shares one count per draft.
        limit = StoreRateLimit(engine, EMAIL_LIMIT, per=EMAIL_LIMIT_PER, clock=clock)
        options = replace(options, resume_email_limit=limit)
    return options


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
    options: JourneyOptions | None = None,
    renderer: Renderer | None = None,
    clock: Clock = utc_now,
    resume: ResumeTokens | Literal["store"] | None = "store",
    analytics: AnalyticsSink | Literal["store"] | None = "store",
    evidence: EvidenceUploads | None = None,
) -> FormFlow:
    """A :class:`FormFlow` on the SDK's store (run ``familyhubs db upgrade`` first).

    :param tree: the question tree; the shipped :func:`default_tree` by default.
    :param options: the pages' settings (:class:`JourneyOptions`); the front door phone comes
        from ``settings`` unless ``options`` gives one, and so does the "Email me this link"
        sender (``FAMILYHUBS_MESSAGES__RESUME_LINK``, which then needs
        ``options.public_base_url``). The referrer's receipt and the team's alert are queued
        with each request as ``settings.messages`` says.
    :param resume: ``"store"`` turns on "Save and come back later", with each resume link
        limited to 20 tries per client in 15 minutes, counted per link so that junk tries from
        a shared address never lock anyone else's link, and counted in the store
        (:class:`StoreRateLimit`) so every worker and node shares the count; pass your own
        :class:`ResumeTokens` for another limit (e.g. :class:`RedisRateLimit`); ``None`` turns
        it off.
    :param analytics: ``"store"`` writes form-use events to the store; ``None`` turns them off.

    The other parameters go to :class:`FormFlow` as they are.

    >>> from familyhubs_sdk import load_settings
    >>> from familyhubs_sdk.web import CsrfRule
    >>> flow = build_flow(load_settings(database_url="sqlite://"),
    ...                   options=JourneyOptions(csrf=CsrfRule(exempt=True)), analytics=None)
    >>> flow.resume is not None, flow.analytics is None
    (True, True)
    """
    engine = engine or create_engine(settings.database_url_value())
    options = _with_settings(options or JourneyOptions(), settings, engine, clock)
    if resume == "store":
        # Counted in the store, so every worker and web node shares one count per link.
        limit = StoreRateLimit(engine, 20, per=timedelta(minutes=15), clock=clock)
        resume = ResumeTokens(engine, clock=clock, rate_limit=limit)
    return FormFlow(
        tree or default_tree(),
        SQLDraftStore(engine, clock=clock),
        # The referrer's receipt and the team's alert, as the settings turn them on.
        StoreSubmitter(engine, clock=clock, on_submit=RequestMessages(settings.messages)),
        options=options,
        renderer=renderer,
        clock=clock,
        resume=resume,
        analytics=AnalyticsRecorder(engine, clock=clock) if analytics == "store" else analytics,
        evidence=evidence,
    )
