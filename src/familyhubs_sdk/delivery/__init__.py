"""Reliable delivery of requests for support: the transactional outbox and its channels."""

from familyhubs_sdk.delivery.drop import FileDropChannel as FileDropChannel
from familyhubs_sdk.delivery.message import Attachment as Attachment
from familyhubs_sdk.delivery.message import DeliveryChannel as DeliveryChannel
from familyhubs_sdk.delivery.message import DeliveryOutcome as DeliveryOutcome
from familyhubs_sdk.delivery.message import DeliveryResult as DeliveryResult
from familyhubs_sdk.delivery.message import OutboundMessage as OutboundMessage
from familyhubs_sdk.delivery.smtp import SMTPChannel as SMTPChannel
from familyhubs_sdk.delivery.table import DatabaseTableChannel as DatabaseTableChannel
from familyhubs_sdk.delivery.table import la_inbox_table as la_inbox_table
from familyhubs_sdk.delivery.webhook import WebhookChannel as WebhookChannel
from familyhubs_sdk.delivery.webhook import generate_webhook_secret as generate_webhook_secret
from familyhubs_sdk.delivery.webhook import sign_webhook as sign_webhook
from familyhubs_sdk.delivery.webhook import verify_signature as verify_signature

__all__ = [
    "Attachment",
    "DatabaseTableChannel",
    "DeliveryChannel",
    "DeliveryOutcome",
    "DeliveryResult",
    "FileDropChannel",
    "OutboundMessage",
    "SMTPChannel",
    "WebhookChannel",
    "generate_webhook_secret",
    "la_inbox_table",
    "sign_webhook",
    "verify_signature",
]
