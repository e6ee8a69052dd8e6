"""``CapturingChannel``: a delivery channel that keeps what it is given and answers from a script.

For testing the outbox and a host's delivery set-up without a mail server or a case system:
script the answers (fail twice, then deliver) and look at what was sent.

>>> from familyhubs_sdk.delivery import DeliveryResult, OutboundMessage
>>> channel = CapturingChannel(script=[DeliveryResult.retry("HTTP 503")])
>>> message = OutboundMessage(
...     idempotency_key="fh_1", reference="K7QD4RXA", subject="Request for support K7QD4RXA",
...     payload={}, text="...", html="<p>...</p>")
>>> [channel.deliver(message).outcome.value for _ in range(2)]
['retry', 'delivered']
>>> len(channel.messages), [m.reference for m in channel.delivered]
(2, ['K7QD4RXA'])
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable

from familyhubs_sdk.delivery._message import (
    DeliveryChannel,
    DeliveryOutcome,
    DeliveryResult,
    OutboundMessage,
)

__all__ = ["CapturingChannel"]


class CapturingChannel(DeliveryChannel):
    """Records every message and answers with the next scripted result, then with ``then``.

    A script entry may be an exception instance, which is raised (to test how the caller copes
    with a channel that breaks its contract). Safe to share between threads: each call takes the
    next entry exactly once.

    :param script: the answers to give first, in order; :meth:`add_script` appends more.
    :param then: the answer once the script is used up (delivered by default).
    """

    def __init__(
        self,
        name: str = "capture",
        *,
        script: Iterable[DeliveryResult | Exception] = (),
        then: DeliveryResult | None = None,
    ) -> None:
        self.name = name
        self._script: deque[DeliveryResult | Exception] = deque(script)
        self._then = then or DeliveryResult.delivered("captured")
        self._lock = threading.Lock()
        self._messages: list[OutboundMessage] = []
        self._delivered: list[OutboundMessage] = []

    def add_script(self, *answers: DeliveryResult | Exception) -> None:
        """Append answers to give before falling back to ``then``."""
        with self._lock:
            self._script.extend(answers)

    def deliver(self, message: OutboundMessage) -> DeliveryResult:
        with self._lock:
            self._messages.append(message)
            answer = self._script.popleft() if self._script else self._then
            if isinstance(answer, Exception):
                raise answer
            if answer.outcome is DeliveryOutcome.DELIVERED:
                self._delivered.append(message)
            return answer

    @property
    def messages(self) -> list[OutboundMessage]:
        """Every message given to :meth:`deliver`, in order, retries included."""
        with self._lock:
            return list(self._messages)

    @property
    def delivered(self) -> list[OutboundMessage]:
        """The messages answered "delivered", in order (a repeat appears twice)."""
        with self._lock:
            return list(self._delivered)

    @property
    def effects(self) -> dict[str, OutboundMessage]:
        """Delivered messages by idempotency key: what an idempotent receiver would hold."""
        with self._lock:
            effects: dict[str, OutboundMessage] = {}
            for message in self._delivered:
                effects.setdefault(message.idempotency_key, message)
            return effects
