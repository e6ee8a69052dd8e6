"""Test doubles for integrators: an in-memory connector, capturing channels, local receivers
(a webhook endpoint, an SMTP server, a GOV.UK Notify-shaped API).

The connector conformance kit is :mod:`familyhubs_sdk.testing.contract`; it needs pytest, and
nothing here does.
"""

from familyhubs_sdk.testing._capture import CapturingChannel as CapturingChannel
from familyhubs_sdk.testing._dataset import ContractDataset as ContractDataset
from familyhubs_sdk.testing._dataset import contract_dataset as contract_dataset
from familyhubs_sdk.testing._memory import InMemoryConnector as InMemoryConnector
from familyhubs_sdk.testing._notify import LocalNotifyAPI as LocalNotifyAPI
from familyhubs_sdk.testing._notify import NotifyFailure as NotifyFailure
from familyhubs_sdk.testing._notify import SentNotification as SentNotification
from familyhubs_sdk.testing._receivers import ReceivedWebhook as ReceivedWebhook
from familyhubs_sdk.testing._receivers import SMTPReceiver as SMTPReceiver
from familyhubs_sdk.testing._receivers import WebhookReceiver as WebhookReceiver
from familyhubs_sdk.testing._sql import write_contract_tables as write_contract_tables
from familyhubs_sdk.testing._submissions import MemorySubmitter as MemorySubmitter

__all__ = [
    "CapturingChannel",
    "ContractDataset",
    "InMemoryConnector",
    "LocalNotifyAPI",
    "MemorySubmitter",
    "NotifyFailure",
    "ReceivedWebhook",
    "SMTPReceiver",
    "SentNotification",
    "WebhookReceiver",
    "contract_dataset",
    "write_contract_tables",
]
