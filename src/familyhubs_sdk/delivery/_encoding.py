"""What the channels share: safe keys, JSON bodies, attachment caps and short network details.

Kept in one place so every channel answers the same failure with the same words and applies the
same rules to the idempotency key that it puts in a header, a Message-ID or a file name.
"""

from __future__ import annotations

import base64
import errno
import json
import re
import socket
import ssl
from collections.abc import Iterable, Mapping
from typing import Any

from familyhubs_sdk.delivery._message import Attachment

__all__ = [
    "attachments_json",
    "is_safe_token",
    "network_detail",
    "to_json",
    "total_bytes",
]

# Letters, digits, "_", "-" and "." only: safe in a header, a Message-ID's left part and a file
# name on every operating system. The outbox's keys ("fh_" + hex) always match.
_SAFE_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,199}")


def is_safe_token(value: str) -> bool:
    """Whether ``value`` can go into a header, a Message-ID or a file name unchanged."""
    return _SAFE_TOKEN.fullmatch(value) is not None


def to_json(data: Mapping[str, Any]) -> bytes:
    """Compact UTF-8 JSON; raises ``TypeError``/``ValueError`` for data JSON cannot hold."""
    return json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()


def total_bytes(attachments: Iterable[Attachment]) -> int:
    return sum(len(attachment.data) for attachment in attachments)


def attachments_json(
    attachments: tuple[Attachment, ...], max_bytes: int
) -> list[dict[str, str]] | None:
    """The attachments as JSON objects with base64 ``data``, or ``None`` when together they are
    larger than ``max_bytes`` (raw size) and must be left out."""
    if total_bytes(attachments) > max_bytes:
        return None
    return [
        {
            "filename": attachment.filename,
            "content_type": attachment.content_type,
            "data": base64.b64encode(attachment.data).decode("ascii"),
        }
        for attachment in attachments
    ]


def network_detail(exc: OSError, timeout_s: float) -> str:
    """A short, fixed description of a network failure. Never the exception's text, which can
    hold host names, addresses or a server's words."""
    if isinstance(exc, TimeoutError):
        return f"timed out after {timeout_s:g} s"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, ConnectionResetError | BrokenPipeError | ConnectionAbortedError):
        return "connection reset"
    if isinstance(exc, socket.gaierror):
        return "host name not resolved"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return "TLS certificate not trusted"
    if isinstance(exc, ssl.SSLError):
        return "TLS handshake failed"
    name = errno.errorcode.get(exc.errno or 0)
    return f"network error ({name})" if name else f"network error ({type(exc).__name__})"
