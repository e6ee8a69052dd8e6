"""First-party analytics of the request-for-support form: how the form is used, never what is in it.

Each page view, answer, validation error, back or change step becomes one row in
``fh_analytics_events``: the tree, a random journey key, the event's name, the question's id, a
duration and an error code. Answers, error messages, names and the draft id are never part of an
event, and :class:`AnalyticsEvent` refuses anything that looks like free text, so a mistake in the
host cannot turn analytics into a second copy of a family's details.

Recording must never break the form: a sink swallows every failure (a bad value, a database that
is down), counts it in :attr:`BaseAnalyticsSink.dropped` and logs a warning that names only the
failure's type.

>>> from familyhubs_sdk.support import default_tree
>>> sink = InMemoryAnalytics()
>>> key = new_journey_key()
>>> sink.record(default_tree(), key, "started")
>>> sink.record(default_tree(), key, "question_viewed", question="children[0].child_name")
>>> [(e.event, e.question_id) for e in sink.events]
[('started', None), ('question_viewed', 'child_name')]
"""

from __future__ import annotations

import logging
import re
import secrets
import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal, Protocol, get_args

import sqlalchemy as sa
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from sqlalchemy.engine import Engine

from familyhubs_sdk._clock import Clock, utc_now
from familyhubs_sdk.questiontree import QuestionTree
from familyhubs_sdk.store._schema import analytics_events

__all__ = [
    "EVENT_NAMES",
    "MAX_DURATION_MS",
    "AnalyticsEvent",
    "AnalyticsRecorder",
    "AnalyticsSink",
    "BaseAnalyticsSink",
    "EventName",
    "InMemoryAnalytics",
    "load_events",
    "new_journey_key",
    "question_id_for",
]

logger = logging.getLogger(__name__)

EventName = Literal[
    "started",
    "question_viewed",
    "question_answered",
    "validation_error",
    "back",
    "change",
    "saved",
    "resumed",
    "submitted",
    "exit_page",
]
#: Every event name, in the order a journey usually meets them.
EVENT_NAMES: tuple[EventName, ...] = get_args(EventName)

#: Longest time on one question that is kept; longer means the page was left open, not read.
MAX_DURATION_MS = 24 * 60 * 60 * 1000

# The same shape as ids in a question tree: a name or an email address cannot match.
_QUESTION_ID = r"^[a-z][a-z0-9_]{0,63}$"
# The engine's error codes: ``required``, ``date_not_past``...; at most five short words.
_ERROR_CODE = r"^[a-z][a-z0-9]{0,19}(?:_[a-z0-9]{1,20}){0,4}$"
_TREE_ID = r"^[a-z][a-z0-9_\-]{0,99}$"
_TREE_VERSION = r"^[0-9A-Za-z][0-9A-Za-z._+\-]{0,39}$"
# Exactly what new_journey_key() makes: hex cannot spell a name.
_JOURNEY_KEY = r"^[0-9a-f]{32}$"

_EVENTS_WITH_QUESTION = frozenset(
    {"question_viewed", "question_answered", "validation_error", "exit_page"}
)
_EVENTS_MAY_HAVE_QUESTION = _EVENTS_WITH_QUESTION | {"back", "change"}
_STEP_ADDRESS = re.compile(r"^([a-z][a-z0-9_]*)\[(?:\d+|\+)\](?:\.([a-z][a-z0-9_]*))?$")


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("must be timezone-aware")
    return value.astimezone(UTC)


class AnalyticsEvent(BaseModel):
    """One thing that happened in one journey: which, where, when, and nothing typed by a person.

    Every text field has a pattern that free text cannot match (no spaces, no capitals in ids, no
    ``@``), so the model itself refuses a value that slipped in by mistake:

    >>> AnalyticsEvent(tree_id="t", tree_version="1", journey_key="0" * 32,
    ...     event="validation_error", question_id="Sam Smith", error_code="required",
    ...     occurred_at=datetime(2026, 1, 1, tzinfo=UTC))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    pydantic_core._pydantic_core.ValidationError: 1 validation error for AnalyticsEvent
    ...
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    tree_id: str = Field(pattern=_TREE_ID)
    tree_version: str = Field(pattern=_TREE_VERSION)
    journey_key: str = Field(pattern=_JOURNEY_KEY)
    event: EventName
    #: A question's id (not its address); a group's id for its "add another?" page; an exit's id
    #: for ``exit_page``.
    question_id: str | None = Field(default=None, pattern=_QUESTION_ID)
    #: Time from the question being shown to being answered (``question_answered`` only).
    duration_ms: int | None = Field(default=None, ge=0, le=MAX_DURATION_MS, strict=True)
    #: The engine's :attr:`~familyhubs_sdk.questiontree.FieldError.code`, never its message.
    error_code: str | None = Field(default=None, pattern=_ERROR_CODE, max_length=50)
    occurred_at: Annotated[datetime, AfterValidator(_utc)]

    @model_validator(mode="after")
    def _fields_fit_event(self) -> AnalyticsEvent:
        if self.event in _EVENTS_WITH_QUESTION and self.question_id is None:
            raise ValueError(f"a {self.event} event needs a question_id")
        if self.event not in _EVENTS_MAY_HAVE_QUESTION and self.question_id is not None:
            raise ValueError(f"a {self.event} event has no question_id")
        if (self.event == "validation_error") != (self.error_code is not None):
            raise ValueError("error_code belongs to validation_error events, and only to them")
        if self.duration_ms is not None and self.event != "question_answered":
            raise ValueError("duration_ms belongs to question_answered events only")
        return self


def new_journey_key(token_hex: Callable[[int], str] = secrets.token_hex) -> str:
    """A random key for one journey's events: 128 bits, unrelated to the draft id.

    Keep it beside the draft id in the host's session, never in the draft or the request: then
    analytics rows cannot be joined to a family's request, even by someone holding the database.
    """
    return token_hex(16)


def question_id_for(step: str) -> str:
    """The question id an event keeps for a step address; repetition numbers are dropped.

    >>> question_id_for("children[1].child_name"), question_id_for("children[+]")
    ('child_name', 'children')
    >>> question_id_for("consent")
    'consent'
    """
    match = _STEP_ADDRESS.match(step)
    if match is None:
        return step
    group, question = match.groups()
    return question or group


class AnalyticsSink(Protocol):
    """Where :class:`~familyhubs_sdk.support.FormFlow` sends analytics events.

    ``record`` must never raise: analytics is not worth a failed page.
    """

    def record(
        self,
        tree: QuestionTree,
        journey_key: str,
        event: EventName,
        *,
        question: str | None = None,
        error_code: str | None = None,
        duration_ms: int | None = None,
    ) -> None: ...


class BaseAnalyticsSink(ABC):
    """Builds, times and checks events; a subclass only stores them.

    ``question_answered`` without a ``duration_ms`` is timed from the same journey's last
    ``question_viewed`` of that question, remembered for up to ``remember`` journeys (a host with
    several worker processes may see a view in one and the answer in another: then
    :meth:`viewed_at` asks the store, or the duration is left out).

    A complete sink that sends events to a queue::

        class QueueAnalytics(BaseAnalyticsSink):
            def __init__(self, queue):
                super().__init__()
                self.queue = queue

            def write(self, event):
                self.queue.put(event.model_dump_json())
    """

    def __init__(self, *, clock: Clock = utc_now, remember: int = 10_000) -> None:
        self._clock = clock
        self._remember = remember
        self._viewed: OrderedDict[tuple[str, str], datetime] = OrderedDict()
        self._lock = threading.Lock()
        #: Events that could not be recorded since this sink was made.
        self.dropped = 0

    @abstractmethod
    def write(self, event: AnalyticsEvent) -> None:
        """Store one event; may raise, :meth:`record` catches it."""

    def viewed_at(self, event: AnalyticsEvent) -> datetime | None:
        """When this journey last viewed ``event.question_id``, if this process did not see it."""
        return None

    def record(
        self,
        tree: QuestionTree,
        journey_key: str,
        event: EventName,
        *,
        question: str | None = None,
        error_code: str | None = None,
        duration_ms: int | None = None,
    ) -> None:
        """Record one event of ``journey_key`` on ``tree``; never raises.

        :param question: the question's id or its step address (``children[0].child_name``),
            a group id for its "add another?" page, or an exit page's id for ``exit_page``.
        :param error_code: for ``validation_error``: the engine's error code, never the message.
        :param duration_ms: for ``question_answered``; worked out from the view when left out.
        """
        try:
            built = AnalyticsEvent(
                tree_id=tree.id,
                tree_version=tree.version,
                journey_key=journey_key,
                event=event,
                question_id=None if question is None else question_id_for(question),
                duration_ms=duration_ms,
                error_code=error_code,
                occurred_at=self._clock(),
            )
            if built.event == "question_answered" and built.duration_ms is None:
                built = self._timed(built)
            self._remember_view(built)
            self.write(built)
        except Exception as exc:  # analytics must never break the form
            with self._lock:
                self.dropped += 1
                dropped = self.dropped
            # The exception's text may quote the refused value: log its type only.
            logger.warning(
                "analytics event not recorded (%s); %d dropped since start",
                type(exc).__name__,
                dropped,
            )

    def _remember_view(self, event: AnalyticsEvent) -> None:
        if event.event != "question_viewed" or event.question_id is None:
            return
        key = (event.journey_key, event.question_id)
        with self._lock:
            self._viewed[key] = event.occurred_at
            self._viewed.move_to_end(key)
            while len(self._viewed) > self._remember:
                self._viewed.popitem(last=False)

    def _timed(self, event: AnalyticsEvent) -> AnalyticsEvent:
        key = (event.journey_key, event.question_id or "")
        with self._lock:
            viewed = self._viewed.pop(key, None)
        if viewed is None:
            viewed = self.viewed_at(event)
        if viewed is None:
            return event
        elapsed = int((event.occurred_at - viewed) / timedelta(milliseconds=1))
        if not 0 <= elapsed <= MAX_DURATION_MS:
            return event
        return event.model_copy(update={"duration_ms": elapsed})


class InMemoryAnalytics(BaseAnalyticsSink):
    """Keeps events in a list: for tests, and for hosts that forward events themselves."""

    def __init__(self, *, clock: Clock = utc_now) -> None:
        super().__init__(clock=clock)
        self.events: list[AnalyticsEvent] = []

    def write(self, event: AnalyticsEvent) -> None:
        self.events.append(event)


class AnalyticsRecorder(BaseAnalyticsSink):
    """Writes each event as one row of ``fh_analytics_events`` in the SDK's store.

    One short INSERT per event, in its own transaction, so a failed write never touches the
    form's own writes.
    """

    def __init__(self, engine: Engine, *, clock: Clock = utc_now) -> None:
        super().__init__(clock=clock)
        self._engine = engine

    def write(self, event: AnalyticsEvent) -> None:
        with self._engine.begin() as connection:
            connection.execute(_INSERT, event.model_dump())

    def viewed_at(self, event: AnalyticsEvent) -> datetime | None:
        earliest = event.occurred_at - timedelta(milliseconds=MAX_DURATION_MS)
        with self._engine.connect() as connection:
            viewed: datetime | None = connection.scalar(
                _LAST_VIEW,
                {
                    "tree_id": event.tree_id,
                    "earliest": earliest,
                    "journey_key": event.journey_key,
                    "question_id": event.question_id,
                },
            )
        return viewed


# Built once, so each write finds its compiled statement by the object's remembered cache key.
_INSERT = analytics_events.insert()
_LAST_VIEW = sa.select(sa.func.max(analytics_events.c.occurred_at)).where(
    # tree_id and occurred_at first: they are the table's index.
    analytics_events.c.tree_id == sa.bindparam("tree_id"),
    analytics_events.c.occurred_at >= sa.bindparam("earliest"),
    analytics_events.c.journey_key == sa.bindparam("journey_key"),
    analytics_events.c.event == "question_viewed",
    analytics_events.c.question_id == sa.bindparam("question_id"),
)


def load_events(
    engine: Engine,
    tree_id: str,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[AnalyticsEvent]:
    """Every event of the journeys on ``tree_id`` that *started* in ``[since, until)``, in order.

    A journey is read whole even when it goes on past ``until``, so a journey that started near
    the end of the period is not mistaken for one that stopped.
    """
    table = analytics_events
    started = sa.select(table.c.journey_key).where(
        table.c.tree_id == tree_id, table.c.event == "started"
    )
    statement = sa.select(*(table.c[name] for name in AnalyticsEvent.model_fields)).where(
        table.c.tree_id == tree_id
    )
    if since is not None:
        started = started.where(table.c.occurred_at >= since)
        statement = statement.where(table.c.occurred_at >= since)
    if until is not None:
        started = started.where(table.c.occurred_at < until)
    statement = statement.where(table.c.journey_key.in_(started)).order_by(
        table.c.occurred_at, table.c.id
    )
    with engine.connect() as connection:
        rows: Sequence[sa.Row[tuple[object, ...]]] = connection.execute(statement).all()
    return [AnalyticsEvent.model_validate(row._asdict()) for row in rows]
