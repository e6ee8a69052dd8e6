"""The demo's sessions: a random cookie naming a server-side record (draft id, CSRF token).

Demo-grade on purpose: kept in memory, lost on restart. A real portal uses its own sessions.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie

__all__ = ["COOKIE", "DemoSession", "SessionStore"]

COOKIE = "fh_demo_session"


@dataclass
class DemoSession:
    """What the demo remembers for one browser."""

    csrf_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    draft_id: str | None = None
    journey_key: str | None = None


class SessionStore:
    """Sessions by cookie value; at most ``limit`` kept (the oldest are forgotten first)."""

    def __init__(self, limit: int = 10_000) -> None:
        self._sessions: dict[str, DemoSession] = {}
        self._limit = limit

    def get(self, cookie_header: str) -> tuple[str, DemoSession, bool]:
        """(session id, session, whether the cookie must be set) for a request's Cookie header."""
        try:
            cookie = SimpleCookie(cookie_header)
        except CookieError:
            cookie = SimpleCookie()
        morsel = cookie.get(COOKIE)
        if morsel is not None and morsel.value in self._sessions:
            return morsel.value, self._sessions[morsel.value], False
        session_id = secrets.token_urlsafe(32)
        if len(self._sessions) >= self._limit:
            self._sessions.pop(next(iter(self._sessions)))
        self._sessions[session_id] = DemoSession()
        return session_id, self._sessions[session_id], True

    @staticmethod
    def set_cookie(session_id: str) -> tuple[str, str]:
        return ("Set-Cookie", f"{COOKIE}={session_id}; Path=/; HttpOnly; SameSite=Lax")
