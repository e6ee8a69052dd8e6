"""Reliable delivery of requests for support: the transactional outbox and its channels."""

from familyhubs_sdk.delivery.message import Attachment as Attachment
from familyhubs_sdk.delivery.message import DeliveryChannel as DeliveryChannel
from familyhubs_sdk.delivery.message import DeliveryOutcome as DeliveryOutcome
from familyhubs_sdk.delivery.message import DeliveryResult as DeliveryResult
from familyhubs_sdk.delivery.message import OutboundMessage as OutboundMessage

__all__ = [
    "Attachment",
    "DeliveryChannel",
    "DeliveryOutcome",
    "DeliveryResult",
    "OutboundMessage",
]
