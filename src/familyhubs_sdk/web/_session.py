"""The SDK's values in the host's session: which keys, read in, changes written back.

Adapters copy the SDK's keys out of the framework's session into :attr:`WebRequest.session` and
apply :attr:`WebResponse.session` back; handlers never see the rest of the host's session.
Values are small random ids and choices (a draft id, an analytics key, reasons for access), never
personal data.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any

__all__ = ["SESSION_PREFIX", "apply_session", "read_session"]

#: Every session key the SDK uses starts with this.
SESSION_PREFIX = "familyhubs_"


def read_session(session: Mapping[str, Any]) -> dict[str, Any]:
    """The SDK's values from a framework's session (Flask, Django, Starlette or a dict)."""
    return {key: session[key] for key in list(session.keys()) if key.startswith(SESSION_PREFIX)}


def apply_session(session: MutableMapping[str, Any], changes: Mapping[str, Any]) -> None:
    """Write a response's session changes: ``None`` removes the key."""
    for key, value in changes.items():
        if not key.startswith(SESSION_PREFIX):
            raise ValueError(f"{key!r} is not one of the SDK's session keys")
        if value is None:
            session.pop(key, None)
        else:
            session[key] = value
