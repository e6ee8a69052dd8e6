"""The demo's sessions: a random cookie naming a server-side record (who is signed in, the CSRF
token, and what the SDK's adapters keep: the draft, the journey key, the reasons for access).

Demo-grade on purpose: kept in memory, lost on restart. A real portal uses its own sessions.

A request without a known cookie gets a new session that is only *kept* (and its cookie set)
once it is needed: someone signed in, the SDK stored a value, or a page showed its CSRF token in a
form. At the limit the least recently used session is forgotten, so a flood of cookieless
requests cannot sign out the people using the demo.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from typing import Any

from markupsafe import Markup, escape

__all__ = ["COOKIE", "DEFAULT_LIMIT", "DemoSession", "SessionStore"]

COOKIE = "fh_demo_session"
#: How many sessions the demo keeps at most.
DEFAULT_LIMIT = 10_000


class CsrfToken(str):
    """The session's CSRF token; writing it into a page (Jinja calls ``__html__``) marks the
    session as needed, since the form it is in will be posted back with it."""

    _session: DemoSession

    def __new__(cls, value: str, session: DemoSession) -> CsrfToken:
        token = super().__new__(cls, value)
        token._session = session
        return token

    def __html__(self) -> Markup:
        self._session.shown_token = True
        return escape(str(self))


@dataclass(eq=False)
class DemoSession:
    """What the demo remembers for one browser.

    ``values`` holds the SDK's session values (:func:`~familyhubs_sdk.web.read_session` and
    :func:`~familyhubs_sdk.web.apply_session`), as a Flask or Django session would.
    """

    user_id: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    #: Whether a page has carried the CSRF token in a form.
    shown_token: bool = False
    _token: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)

    @property
    def csrf_token(self) -> CsrfToken:
        return CsrfToken(self._token, self)

    @property
    def needed(self) -> bool:
        """Whether there is anything to keep for the next request."""
        return self.user_id is not None or bool(self.values) or self.shown_token


def _light(session: DemoSession) -> bool:
    return session.user_id is None and not session.values


class SessionStore:
    """Sessions by cookie value; at most ``limit`` kept. When full, the least recently used
    session that only holds a CSRF token goes first (a sign-in page someone opened), and a
    session with someone signed in or a draft only when there is no such session left.

    Safe to use from the server's request threads.

    >>> store = SessionStore(limit=2)
    >>> session_id, session = store.get("")
    >>> store.keep(session_id, session), len(store)
    (False, 0)
    >>> session.user_id = "demo-sw"
    >>> store.keep(session_id, session), len(store)
    (True, 1)
    >>> store.get(f"{COOKIE}={session_id}")[1] is session
    True
    """

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        self._limit = limit
        self._lock = threading.Lock()
        # Least recently used first in each; "light" sessions hold nothing but a token.
        self._light: OrderedDict[str, DemoSession] = OrderedDict()
        self._sessions: OrderedDict[str, DemoSession] = OrderedDict()

    def __len__(self) -> int:
        with self._lock:
            return len(self._light) + len(self._sessions)

    def get(self, cookie_header: str) -> tuple[str, DemoSession]:
        """(session id, session) for a request's Cookie header: the known session, now the most
        recently used, or a new one under a new id that :meth:`keep` stores if it is needed."""
        try:
            cookie = SimpleCookie(cookie_header)
        except CookieError:
            cookie = SimpleCookie()
        morsel = cookie.get(COOKIE)
        with self._lock:
            if morsel is not None:
                for kept in (self._sessions, self._light):
                    if morsel.value in kept:
                        kept.move_to_end(morsel.value)
                        return morsel.value, kept[morsel.value]
        return secrets.token_urlsafe(32), DemoSession()

    def keep(self, session_id: str, session: DemoSession) -> bool:
        """After every request: store a new session that is now needed, or note that a kept one
        now holds more than a token. Returns whether it was stored just now, so the response
        must set its cookie."""
        with self._lock:
            if session_id in self._sessions:
                return False
            if session_id in self._light:
                if not _light(session):
                    self._sessions[session_id] = self._light.pop(session_id)
                return False
            if not session.needed:
                return False
            self._add(session_id, session)
            return True

    def renew(self, session_id: str, session: DemoSession) -> str:
        """Move ``session`` to a new id (on sign-in and sign-out, so an id known before either
        is worth nothing after). Returns the new id; set it as the cookie."""
        with self._lock:
            self._sessions.pop(session_id, None)
            self._light.pop(session_id, None)
            new_id = secrets.token_urlsafe(32)
            self._add(new_id, session)
            return new_id

    def _add(self, session_id: str, session: DemoSession) -> None:
        while len(self._light) + len(self._sessions) >= self._limit:
            (self._light or self._sessions).popitem(last=False)
        (self._light if _light(session) else self._sessions)[session_id] = session

    @staticmethod
    def set_cookie(session_id: str) -> tuple[str, str]:
        return ("Set-Cookie", f"{COOKIE}={session_id}; Path=/; HttpOnly; SameSite=Lax")
