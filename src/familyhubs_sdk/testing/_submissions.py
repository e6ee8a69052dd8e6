"""A submitter that keeps requests in memory: for tests of a journey without a database.

>>> from familyhubs_sdk.support import FormFlow, InMemoryDraftStore, default_tree
>>> submitter = MemorySubmitter(reference="ACDE3467")
>>> flow = FormFlow(default_tree(), InMemoryDraftStore(), submitter)
>>> submitter.requests
[]
"""

from __future__ import annotations

import threading
import uuid

from familyhubs_sdk._clock import Clock, utc_now
from familyhubs_sdk.support.requests._request import SupportRequest
from familyhubs_sdk.support.requests._submission import RequestMaker, new_reference

__all__ = ["MemorySubmitter"]


class MemorySubmitter:
    """Implements :class:`~familyhubs_sdk.support.Submitter`; ``requests`` holds what was sent,
    in order. One request per draft, like the store.

    :param reference: a fixed reference for every request (handy in assertions), or ``None``
        to draw a fresh one each time.
    :param clock: the time each request is stamped as submitted.
    """

    def __init__(
        self,
        *,
        reference: str | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.requests: list[SupportRequest] = []
        self._by_draft: dict[str, SupportRequest] = {}
        self._reference = reference
        self._clock = clock
        self._lock = threading.Lock()

    def submit(self, make: RequestMaker, *, draft_id: str | None = None) -> SupportRequest:
        with self._lock:
            if draft_id is not None and draft_id in self._by_draft:
                return self._by_draft[draft_id]
            request = make(
                id=str(uuid.uuid4()),
                reference=self._reference or new_reference(),
                submitted_at=self._clock(),
            )
            self.requests.append(request)
            if draft_id is not None:
                self._by_draft[draft_id] = request
            return request

    def sent(self, draft_id: str) -> SupportRequest | None:
        with self._lock:
            return self._by_draft.get(draft_id)
