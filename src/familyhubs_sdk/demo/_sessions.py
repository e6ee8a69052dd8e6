"""The demo's sessions: a random cookie naming a server-side record (who is signed in, the CSRF
token, and what the SDK's adapters keep: the draft, the journey key, the reasons for access).

Demo-grade on purpose: kept in memory, lost on restart. A real portal uses its own sessions.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from typing import Any

__all__ = ["COOKIE", "DemoSession", "SessionStore"]

COOKIE = "fh_demo_session"


@dataclass
class DemoSession:
    """What the demo remembers for one browser.

    ``values`` holds the SDK's session values (:func:`~familyhubs_sdk.web.read_session` and
    :func:`~familyhubs_sdk.web.apply_session`), as a Flask or Django session would.
    """

    csrf_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    user_id: str | None = None
    values: dict[str, Any] = field(default_factory=dict)


class SessionStore:
    """Sessions by cookie value; at most ``limit`` kept (the oldest are forgotten first).

    Safe to use from the server's request threads.
    """

    def __init__(self, limit: int = 10_000) -> None:
        self._sessions: dict[str, DemoSession] = {}
        self._limit = limit
        self._lock = threading.Lock()

    def get(self, cookie_header: str) -> tuple[str, DemoSession, bool]:
        """(session id, session, whether the cookie must be set) for a request's Cookie header."""
        try:
            cookie = SimpleCookie(cookie_header)
        except CookieError:
            cookie = SimpleCookie()
        morsel = cookie.get(COOKIE)
        with self._lock:
            if morsel is not None and morsel.value in self._sessions:
                return morsel.value, self._sessions[morsel.value], False
            session = DemoSession()
            return self._add(session), session, True

    def renew(self, session_id: str) -> str:
        """Move the session to a new id (on sign-in and sign-out, so an id known before either
        is worth nothing after). Returns the new id; set it as the cookie."""
        with self._lock:
            session = self._sessions.pop(session_id, None) or DemoSession()
            return self._add(session)

    def _add(self, session: DemoSession) -> str:
        session_id = secrets.token_urlsafe(32)
        if len(self._sessions) >= self._limit:
            self._sessions.pop(next(iter(self._sessions)))
        self._sessions[session_id] = session
        return session_id

    @staticmethod
    def set_cookie(session_id: str) -> tuple[str, str]:
        return ("Set-Cookie", f"{COOKIE}={session_id}; Path=/; HttpOnly; SameSite=Lax")
