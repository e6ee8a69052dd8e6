"""Sources of timeline events and contacts: the connector interface, SQL views, federation."""

from familyhubs_sdk.connectors.base import Capability as Capability
from familyhubs_sdk.connectors.base import CheckResult as CheckResult
from familyhubs_sdk.connectors.base import ConnectorConfig as ConnectorConfig
from familyhubs_sdk.connectors.base import ProfessionalContacts as ProfessionalContacts
from familyhubs_sdk.connectors.base import SourceConnector as SourceConnector
from familyhubs_sdk.connectors.federated import Federated as Federated
from familyhubs_sdk.connectors.federated import FederatedSource as FederatedSource
from familyhubs_sdk.connectors.federated import OutcomeState as OutcomeState
from familyhubs_sdk.connectors.federated import SourceOutcome as SourceOutcome
from familyhubs_sdk.connectors.registry import available as available
from familyhubs_sdk.connectors.registry import create as create
from familyhubs_sdk.connectors.registry import get as get
from familyhubs_sdk.connectors.registry import register as register
from familyhubs_sdk.connectors.sql import SQLViewConnector as SQLViewConnector
from familyhubs_sdk.connectors.sql import SQLViewConnectorConfig as SQLViewConnectorConfig

__all__ = [
    "Capability",
    "CheckResult",
    "ConnectorConfig",
    "Federated",
    "FederatedSource",
    "OutcomeState",
    "ProfessionalContacts",
    "SQLViewConnector",
    "SQLViewConnectorConfig",
    "SourceConnector",
    "SourceOutcome",
    "available",
    "create",
    "get",
    "register",
]
