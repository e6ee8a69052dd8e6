"""Every error the SDK raises, in one tree under :class:`FamilyHubsError`.

Each class carries a stable short ``code`` (documented in ``docs/errors.md``; a test keeps the two
in step) and mixes in the stdlib exception a generic handler would expect, so ``except LookupError``
or ``except ValueError`` keep working in host code::

    FamilyHubsError
    ├── ConfigurationError (ValueError)         configuration_invalid
    ├── StoreError (RuntimeError)               store_error
    │   ├── StoreUnavailableError               store_unavailable
    │   └── MigrationError                      migration_failed
    └── RenderingError                          rendering_error
        ├── TemplateNotFoundError (LookupError) template_not_found
        └── UnsafeURLError (ValueError)         unsafe_url

Messages are written for the developer reading a log: they name the setting, template or element at
fault and never carry personal data, SQL text or secrets.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "ConfigurationError",
    "FamilyHubsError",
    "MigrationError",
    "RenderingError",
    "StoreError",
    "StoreUnavailableError",
    "TemplateNotFoundError",
    "UnsafeURLError",
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


class RenderingError(FamilyHubsError):
    """An HTML fragment could not be rendered."""

    code = "rendering_error"


class TemplateNotFoundError(RenderingError, LookupError):
    """No loader, the host's or the package's, has a template of that name."""

    code = "template_not_found"


class UnsafeURLError(RenderingError, ValueError):
    """A URL uses a scheme outside the allowlist (http, https, mailto, tel, relative)."""

    code = "unsafe_url"


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
