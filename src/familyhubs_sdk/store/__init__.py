"""The SDK's own database: tables, engine factory and migrations."""

from familyhubs_sdk.store._engine import create_engine as create_engine
from familyhubs_sdk.store._migrate import current_revision as current_revision
from familyhubs_sdk.store._migrate import head_revision as head_revision
from familyhubs_sdk.store._migrate import upgrade as upgrade
from familyhubs_sdk.store._schema import metadata as metadata
from familyhubs_sdk.store._types import UTCDateTime as UTCDateTime

__all__ = [
    "UTCDateTime",
    "create_engine",
    "current_revision",
    "head_revision",
    "metadata",
    "upgrade",
]
