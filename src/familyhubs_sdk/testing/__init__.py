"""Test doubles and the conformance kit for integrators.

``ConnectorContract`` needs pytest and is imported on first use, so the rest of this module works
without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from familyhubs_sdk.testing.capture import CapturingChannel as CapturingChannel
from familyhubs_sdk.testing.dataset import ContractDataset as ContractDataset
from familyhubs_sdk.testing.dataset import contract_dataset as contract_dataset
from familyhubs_sdk.testing.memory import InMemoryConnector as InMemoryConnector
from familyhubs_sdk.testing.receivers import ReceivedRequest as ReceivedRequest
from familyhubs_sdk.testing.receivers import SMTPReceiver as SMTPReceiver
from familyhubs_sdk.testing.receivers import WebhookReceiver as WebhookReceiver
from familyhubs_sdk.testing.sql import write_contract_tables as write_contract_tables
from familyhubs_sdk.testing.submissions import MemorySubmitter as MemorySubmitter

if TYPE_CHECKING:
    from familyhubs_sdk.testing.contract import ConnectorContract, IndexedConnectorContract

__all__ = [
    "CapturingChannel",
    "ConnectorContract",
    "ContractDataset",
    "InMemoryConnector",
    "IndexedConnectorContract",
    "MemorySubmitter",
    "ReceivedRequest",
    "SMTPReceiver",
    "WebhookReceiver",
    "contract_dataset",
    "write_contract_tables",
]


def __getattr__(name: str) -> Any:
    if name in ("ConnectorContract", "IndexedConnectorContract"):
        from familyhubs_sdk.testing import contract

        return getattr(contract, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
