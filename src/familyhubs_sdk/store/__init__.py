"""The SDK's own database: tables, engine factory and migrations."""

from familyhubs_sdk.store._engine import create_engine as create_engine
from familyhubs_sdk.store._migrate import current_revision as current_revision
from familyhubs_sdk.store._migrate import head_revision as head_revision
from familyhubs_sdk.store._migrate import upgrade as upgrade
from familyhubs_sdk.store._retention import EvidenceDeleter as EvidenceDeleter
from familyhubs_sdk.store._retention import PurgeReport as PurgeReport
from familyhubs_sdk.store._retention import RetentionPolicy as RetentionPolicy
from familyhubs_sdk.store._retention import place_legal_hold as place_legal_hold
from familyhubs_sdk.store._retention import purge as purge
from familyhubs_sdk.store._retention import release_legal_hold as release_legal_hold
from familyhubs_sdk.store._schema import metadata as metadata
from familyhubs_sdk.store._types import UTCDateTime as UTCDateTime

__all__ = [
    "EvidenceDeleter",
    "PurgeReport",
    "RetentionPolicy",
    "UTCDateTime",
    "create_engine",
    "current_revision",
    "head_revision",
    "metadata",
    "place_legal_hold",
    "purge",
    "release_legal_hold",
    "upgrade",
]
