"""Supporting evidence: upload rules, content checks, virus scanners and storage."""

from familyhubs_sdk.support.evidence._rules import CheckedFile as CheckedFile
from familyhubs_sdk.support.evidence._rules import EvidenceRules as EvidenceRules
from familyhubs_sdk.support.evidence._rules import validate_upload as validate_upload
from familyhubs_sdk.support.evidence._scanners import ClamAVScanner as ClamAVScanner
from familyhubs_sdk.support.evidence._scanners import EvidenceScanner as EvidenceScanner
from familyhubs_sdk.support.evidence._scanners import NoScanner as NoScanner
from familyhubs_sdk.support.evidence._scanners import ScanResult as ScanResult
from familyhubs_sdk.support.evidence._storage import (
    DatabaseEvidenceStorage as DatabaseEvidenceStorage,
)
from familyhubs_sdk.support.evidence._storage import EvidenceStorage as EvidenceStorage
from familyhubs_sdk.support.evidence._storage import (
    FilesystemEvidenceStorage as FilesystemEvidenceStorage,
)
from familyhubs_sdk.support.evidence._storage import (
    InMemoryEvidenceStorage as InMemoryEvidenceStorage,
)
from familyhubs_sdk.support.evidence._uploads import EvidenceIndex as EvidenceIndex
from familyhubs_sdk.support.evidence._uploads import EvidenceRecord as EvidenceRecord
from familyhubs_sdk.support.evidence._uploads import EvidenceUploads as EvidenceUploads
from familyhubs_sdk.support.evidence._uploads import InMemoryEvidenceIndex as InMemoryEvidenceIndex
from familyhubs_sdk.support.evidence._uploads import SQLEvidenceIndex as SQLEvidenceIndex

__all__ = [
    "CheckedFile",
    "ClamAVScanner",
    "DatabaseEvidenceStorage",
    "EvidenceIndex",
    "EvidenceRecord",
    "EvidenceRules",
    "EvidenceScanner",
    "EvidenceStorage",
    "EvidenceUploads",
    "FilesystemEvidenceStorage",
    "InMemoryEvidenceIndex",
    "InMemoryEvidenceStorage",
    "NoScanner",
    "SQLEvidenceIndex",
    "ScanResult",
    "validate_upload",
]
