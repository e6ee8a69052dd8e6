"""Every error the SDK raises, in one tree under :class:`FamilyHubsError`.

Each class carries a stable short ``code`` (documented in ``docs/errors.md``; a test keeps the two
in step) and mixes in the stdlib exception a generic handler would expect, so ``except LookupError``
or ``except ValueError`` keep working in host code::

    FamilyHubsError
    ├── ConfigurationError (ValueError)         configuration_invalid
    ├── StoreError (RuntimeError)               store_error
    │   ├── StoreUnavailableError               store_unavailable
    │   ├── MigrationError                      migration_failed
    │   └── RequestNotFoundError (LookupError)  request_not_found
    ├── RenderingError                          rendering_error
    │   ├── TemplateNotFoundError (LookupError) template_not_found
    │   └── UnsafeURLError (ValueError)         unsafe_url
    ├── TreeDefinitionError (ValueError)        tree_invalid
    ├── ConditionError (ValueError)             condition_error
    │   └── UnansweredQuestionError             question_unanswered
    ├── StepNotOnPathError (LookupError)        step_not_on_path
    ├── IdentifierError (ValueError)            identifier_invalid
    ├── LinkReviewError (ValueError)            link_review_invalid
    ├── AccessReviewError (ValueError)          access_review_invalid
    ├── AuditPermissionError (PermissionError)  audit_permission_required
    ├── ViewDefinitionError (ValueError)        view_invalid
    ├── ConnectorError                          connector_error
    │   ├── SourceTimeoutError (TimeoutError)   source_timeout
    │   ├── UnsupportedReadError                read_unsupported
    │   └── ConnectorRegistrationError          connector_invalid
    ├── StatusChangeError (ValueError)          status_change_invalid
    ├── TriageError (ValueError)                triage_invalid
    ├── TokenError (ValueError)                 token_invalid
    ├── EvidenceError (ValueError)              evidence_rejected
    └── DeliveryError                           delivery_failed

Messages are written for the developer reading a log: they name the setting, template or element at
fault and never carry personal data, SQL text or secrets.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "AccessReviewError",
    "AuditPermissionError",
    "ConditionError",
    "ConfigurationError",
    "ConnectorError",
    "ConnectorRegistrationError",
    "DeliveryError",
    "EvidenceError",
    "FamilyHubsError",
    "IdentifierError",
    "LinkReviewError",
    "MigrationError",
    "RenderingError",
    "RequestNotFoundError",
    "SourceTimeoutError",
    "StatusChangeError",
    "StepNotOnPathError",
    "StoreError",
    "StoreUnavailableError",
    "TemplateNotFoundError",
    "TokenError",
    "TreeDefinitionError",
    "TriageError",
    "UnansweredQuestionError",
    "UnsafeURLError",
    "UnsupportedReadError",
    "ViewDefinitionError",
    "all_error_classes",
]


class FamilyHubsError(Exception):
    """Root of every error raised by familyhubs-sdk.

    >>> try:
    ...     raise FamilyHubsError("something went wrong")
    ... except FamilyHubsError as exc:
    ...     (exc.code, str(exc))
    ('familyhubs_error', 'something went wrong')
    """

    code: ClassVar[str] = "familyhubs_error"
    #: Whether trying the same operation again later may succeed.
    retryable: ClassVar[bool] = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ConfigurationError(FamilyHubsError, ValueError):
    """A setting is missing or invalid; the message names the setting."""

    code = "configuration_invalid"


class StoreError(FamilyHubsError, RuntimeError):
    """The SDK's own database could not do what was asked."""

    code = "store_error"


class StoreUnavailableError(StoreError):
    """The database could not be reached; trying again later may work."""

    code = "store_unavailable"
    retryable = True


class MigrationError(StoreError):
    """The schema could not be brought to the version this SDK needs."""

    code = "migration_failed"


class RequestNotFoundError(StoreError, LookupError):
    """No request for support has that reference (or id)."""

    code = "request_not_found"


class RenderingError(FamilyHubsError):
    """An HTML fragment could not be rendered."""

    code = "rendering_error"


class TemplateNotFoundError(RenderingError, LookupError):
    """No loader, the host's or the package's, has a template of that name."""

    code = "template_not_found"


class UnsafeURLError(RenderingError, ValueError):
    """A URL uses a scheme outside the allowlist (http, https, mailto, tel, relative)."""

    code = "unsafe_url"


class TreeDefinitionError(FamilyHubsError, ValueError):
    """A question tree is malformed; the message names the element, e.g.
    ``questions[3].routes[1].when: unknown question 'age'``."""

    code = "tree_invalid"


class ConditionError(FamilyHubsError, ValueError):
    """A route's condition could not be decided. Never read as "false"."""

    code = "condition_error"


class UnansweredQuestionError(ConditionError):
    """A condition reads a question that has not been answered."""

    code = "question_unanswered"


class StepNotOnPathError(FamilyHubsError, LookupError):
    """An answer was posted for a step that is not on the journey's current path (a stale,
    replayed or crafted form). Nothing is stored."""

    code = "step_not_on_path"


class IdentifierError(FamilyHubsError, ValueError):
    """An NHS number or UPN failed its check digit or shape; it is never used to link records."""

    code = "identifier_invalid"


class LinkReviewError(FamilyHubsError, ValueError):
    """A proposed link between two records could not be accepted or rejected: no proposal has
    that id, it was already decided, or accepting it would join two different NHS numbers, UPNs
    or LA person ids."""

    code = "link_review_invalid"


class AccessReviewError(FamilyHubsError, ValueError):
    """An emergency access could not be reviewed: nothing to review has that key, it was
    already reviewed, or the outcome or note is not one the review accepts."""

    code = "access_review_invalid"


class AuditPermissionError(FamilyHubsError, PermissionError):
    """The viewer's role has no ``audit`` permission in the access rules: the access audit and
    the emergency access review queue are for information governance."""

    code = "audit_permission_required"


class ViewDefinitionError(FamilyHubsError, ValueError):
    """A view definition is malformed or does not match the warehouse; the message names the
    definition and field, e.g. ``ssd_contacts.columns.kind: unknown code map 'contact_kinds'``."""

    code = "view_invalid"


class ConnectorError(FamilyHubsError):
    """A source connector could not answer. The timeline shows the source as unavailable."""

    code = "connector_error"
    retryable = True


class SourceTimeoutError(ConnectorError, TimeoutError):
    """A source did not answer within its timeout."""

    code = "source_timeout"


class UnsupportedReadError(ConnectorError):
    """A connector was asked for a read it does not declare in its ``capabilities``."""

    code = "read_unsupported"
    retryable = False


class ConnectorRegistrationError(ConnectorError):
    """A connector plugin could not be registered; the message names the plugin."""

    code = "connector_invalid"
    retryable = False


class StatusChangeError(FamilyHubsError, ValueError):
    """A request cannot move to that status from where it is (e.g. Declined → Accepted), or a
    decline has no reason."""

    code = "status_change_invalid"


class TriageError(FamilyHubsError, ValueError):
    """An assignment or internal note on a request was refused: an empty or too long note, an
    assignee id that is too long, or an assignment a colleague changed first."""

    code = "triage_invalid"


class TokenError(FamilyHubsError, ValueError):
    """A resume token is unknown, used, expired, tampered with or for another purpose. The
    message never says which, and never holds the token."""

    code = "token_invalid"


class EvidenceError(FamilyHubsError, ValueError):
    """An uploaded file was refused: too big, too many, a type not allowed, content that does
    not match its name, or flagged by the scanner. ``reason`` says which, as a short code."""

    code = "evidence_rejected"

    def __init__(self, message: str, *, reason: str = "not_allowed") -> None:
        super().__init__(message)
        self.reason = reason


class DeliveryError(FamilyHubsError):
    """A delivery channel is misconfigured or an outbox job cannot be found. Failed deliveries
    themselves are never raised: the outbox records and retries them."""

    code = "delivery_failed"


def all_error_classes() -> list[type[FamilyHubsError]]:
    """Every error class in the tree, root first, in definition order."""
    found: list[type[FamilyHubsError]] = []
    pending: list[type[FamilyHubsError]] = [FamilyHubsError]
    while pending:
        cls = pending.pop(0)
        if cls not in found:
            found.append(cls)
            pending.extend(cls.__subclasses__())
    return found
