"""Reliable delivery of requests for support: the transactional outbox and its channels."""

from familyhubs_sdk._config import NotifySettings as NotifySettings
from familyhubs_sdk.delivery._drop import FileDropChannel as FileDropChannel
from familyhubs_sdk.delivery._message import Attachment as Attachment
from familyhubs_sdk.delivery._message import DeliveryChannel as DeliveryChannel
from familyhubs_sdk.delivery._message import DeliveryOutcome as DeliveryOutcome
from familyhubs_sdk.delivery._message import DeliveryResult as DeliveryResult
from familyhubs_sdk.delivery._message import OutboundMessage as OutboundMessage
from familyhubs_sdk.delivery._notification import Notification as Notification
from familyhubs_sdk.delivery._notification import (
    SMTPNotificationChannel as SMTPNotificationChannel,
)
from familyhubs_sdk.delivery._notify import NotifyChannel as NotifyChannel
from familyhubs_sdk.delivery._outbox import ClaimedJob as ClaimedJob
from familyhubs_sdk.delivery._outbox import DeadJob as DeadJob
from familyhubs_sdk.delivery._outbox import DeadLetter as DeadLetter
from familyhubs_sdk.delivery._outbox import JobStatus as JobStatus
from familyhubs_sdk.delivery._outbox import OutboxStatus as OutboxStatus
from familyhubs_sdk.delivery._outbox import OutboxWorker as OutboxWorker
from familyhubs_sdk.delivery._outbox import RetryPolicy as RetryPolicy
from familyhubs_sdk.delivery._outbox import RunReport as RunReport
from familyhubs_sdk.delivery._outbox import enqueue as enqueue
from familyhubs_sdk.delivery._outbox import enqueue_message as enqueue_message
from familyhubs_sdk.delivery._outbox import outbox_status as outbox_status
from familyhubs_sdk.delivery._outbox import retry_dead as retry_dead
from familyhubs_sdk.delivery._smtp import SMTPChannel as SMTPChannel
from familyhubs_sdk.delivery._smtp import SMTPServer as SMTPServer
from familyhubs_sdk.delivery._table import DatabaseTableChannel as DatabaseTableChannel
from familyhubs_sdk.delivery._table import la_inbox_table as la_inbox_table
from familyhubs_sdk.delivery._webhook import WebhookChannel as WebhookChannel
from familyhubs_sdk.delivery._webhook import generate_webhook_secret as generate_webhook_secret
from familyhubs_sdk.delivery._webhook import sign_webhook as sign_webhook
from familyhubs_sdk.delivery._webhook import verify_signature as verify_signature

__all__ = [
    "Attachment",
    "ClaimedJob",
    "DatabaseTableChannel",
    "DeadJob",
    "DeadLetter",
    "DeliveryChannel",
    "DeliveryOutcome",
    "DeliveryResult",
    "FileDropChannel",
    "JobStatus",
    "Notification",
    "NotifyChannel",
    "NotifySettings",
    "OutboundMessage",
    "OutboxStatus",
    "OutboxWorker",
    "RetryPolicy",
    "RunReport",
    "SMTPChannel",
    "SMTPNotificationChannel",
    "SMTPServer",
    "WebhookChannel",
    "enqueue",
    "enqueue_message",
    "generate_webhook_secret",
    "la_inbox_table",
    "outbox_status",
    "retry_dead",
    "sign_webhook",
    "verify_signature",
]
