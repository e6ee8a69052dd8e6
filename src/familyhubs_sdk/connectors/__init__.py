"""Sources of timeline events and contacts: the connector interface, SQL views, federation."""

from familyhubs_sdk.connectors._base import Capability as Capability
from familyhubs_sdk.connectors._base import CheckResult as CheckResult
from familyhubs_sdk.connectors._base import ConnectorConfig as ConnectorConfig
from familyhubs_sdk.connectors._base import ProfessionalContacts as ProfessionalContacts
from familyhubs_sdk.connectors._base import SourceConnector as SourceConnector
from familyhubs_sdk.connectors._base import as_naive as as_naive
from familyhubs_sdk.connectors._base import validate_read_args as validate_read_args
from familyhubs_sdk.connectors._faults import RowFault as RowFault
from familyhubs_sdk.connectors._faults import collect_row_faults as collect_row_faults
from familyhubs_sdk.connectors._faults import report_row_faults as report_row_faults
from familyhubs_sdk.connectors._federated import Federated as Federated
from familyhubs_sdk.connectors._federated import FederatedSource as FederatedSource
from familyhubs_sdk.connectors._federated import OutcomeState as OutcomeState
from familyhubs_sdk.connectors._federated import SourceOutcome as SourceOutcome
from familyhubs_sdk.connectors._registry import available as available
from familyhubs_sdk.connectors._registry import create as create
from familyhubs_sdk.connectors._registry import get as get
from familyhubs_sdk.connectors._registry import register as register
from familyhubs_sdk.connectors._sql import SQLViewConnector as SQLViewConnector
from familyhubs_sdk.connectors._sql import SQLViewConnectorConfig as SQLViewConnectorConfig

__all__ = [
    "Capability",
    "CheckResult",
    "ConnectorConfig",
    "Federated",
    "FederatedSource",
    "OutcomeState",
    "ProfessionalContacts",
    "RowFault",
    "SQLViewConnector",
    "SQLViewConnectorConfig",
    "SourceConnector",
    "SourceOutcome",
    "as_naive",
    "available",
    "collect_row_faults",
    "create",
    "get",
    "register",
    "report_row_faults",
    "validate_read_args",
]
