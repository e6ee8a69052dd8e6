"""Connecting professionals: who has worked with a child, when, and how to reach them."""

from familyhubs_sdk.timeline.audit import AuditAction as AuditAction
from familyhubs_sdk.timeline.audit import AuditEvent as AuditEvent
from familyhubs_sdk.timeline.audit import AuditLog as AuditLog
from familyhubs_sdk.timeline.audit import AuditOutcome as AuditOutcome
from familyhubs_sdk.timeline.viewer import Viewer as Viewer

__all__ = ["AuditAction", "AuditEvent", "AuditLog", "AuditOutcome", "Viewer"]
