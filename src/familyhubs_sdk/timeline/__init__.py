"""Connecting professionals: who has worked with a child, when, and how to reach them."""

from familyhubs_sdk.timeline.audit import AuditAction as AuditAction
from familyhubs_sdk.timeline.audit import AuditEvent as AuditEvent
from familyhubs_sdk.timeline.audit import AuditLog as AuditLog
from familyhubs_sdk.timeline.audit import AuditOutcome as AuditOutcome
from familyhubs_sdk.timeline.policy import AccessDecision as AccessDecision
from familyhubs_sdk.timeline.policy import AccessPolicy as AccessPolicy
from familyhubs_sdk.timeline.policy import AccessRules as AccessRules
from familyhubs_sdk.timeline.policy import RoleRule as RoleRule
from familyhubs_sdk.timeline.viewer import Viewer as Viewer

__all__ = [
    "AccessDecision",
    "AccessPolicy",
    "AccessRules",
    "AuditAction",
    "AuditEvent",
    "AuditLog",
    "AuditOutcome",
    "RoleRule",
    "Viewer",
]
