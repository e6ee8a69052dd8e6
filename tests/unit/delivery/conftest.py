"""Messages and helpers shared by the delivery channel tests."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import pytest

from familyhubs_sdk.delivery import Attachment, OutboundMessage, generate_webhook_secret

#: A name that must never leave the SDK in a minimal-personal-data email or a result's detail.
CANARY = "Zebedee Quillfeather"


@pytest.fixture
def canary() -> str:
    return CANARY


@pytest.fixture
def make_message() -> Callable[..., OutboundMessage]:
    """Build a realistic message; ``key`` and any field can be overridden."""

    def make(key: str = "fh_0001", **changes: Any) -> OutboundMessage:
        fields: dict[str, Any] = {
            "idempotency_key": key,
            "reference": "K7QD4RXA",
            "subject": "Request for support K7QD4RXA",
            "payload": {"reference": "K7QD4RXA", "child": {"name": CANARY, "age": 7}},
            "text": f"Child: {CANARY}\nReason: housing\n",
            "html": f"<!DOCTYPE html><html><body><p>Child: {CANARY}</p></body></html>",
            "attachments": (Attachment("letter.pdf", "application/pdf", b"%PDF-1.7 letter"),),
            "link": "https://la.example/requests/K7QD4RXA",
        }
        fields.update(changes)
        return OutboundMessage(**fields)

    return make


@pytest.fixture
def secret() -> str:
    return generate_webhook_secret()


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (connection refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port
