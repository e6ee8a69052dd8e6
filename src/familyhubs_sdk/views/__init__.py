"""Canonical views and declarative view definitions over an LA's warehouse."""

from familyhubs_sdk.views._canonical import CANONICAL_VIEWS as CANONICAL_VIEWS
from familyhubs_sdk.views._canonical import CanonicalRecord as CanonicalRecord
from familyhubs_sdk.views._canonical import FamilyMembership as FamilyMembership
from familyhubs_sdk.views._canonical import Involvement as Involvement
from familyhubs_sdk.views._canonical import Person as Person
from familyhubs_sdk.views._canonical import PersonLink as PersonLink
from familyhubs_sdk.views._canonical import Professional as Professional
from familyhubs_sdk.views._canonical import ProfessionalContactPoint as ProfessionalContactPoint
from familyhubs_sdk.views._canonical import SourceCoverage as SourceCoverage
from familyhubs_sdk.views._canonical import TimelineEvent as TimelineEvent
from familyhubs_sdk.views._check import IndexUse as IndexUse
from familyhubs_sdk.views._check import WarehouseCheck as WarehouseCheck
from familyhubs_sdk.views._check import check_catalog as check_catalog
from familyhubs_sdk.views._check import check_warehouse as check_warehouse
from familyhubs_sdk.views._check import explain_lookups as explain_lookups
from familyhubs_sdk.views._compile import CompiledCatalog as CompiledCatalog
from familyhubs_sdk.views._ddl import create_views as create_views
from familyhubs_sdk.views._ddl import recommended_indexes as recommended_indexes
from familyhubs_sdk.views._definition import ColumnSpec as ColumnSpec
from familyhubs_sdk.views._definition import Lookup as Lookup
from familyhubs_sdk.views._definition import ViewCatalog as ViewCatalog
from familyhubs_sdk.views._definition import ViewDefinition as ViewDefinition
from familyhubs_sdk.views._identifiers import is_valid_nhs_number as is_valid_nhs_number
from familyhubs_sdk.views._identifiers import is_valid_upn as is_valid_upn
from familyhubs_sdk.views._vocab import EVENT_KINDS as EVENT_KINDS
from familyhubs_sdk.views._vocab import INVOLVEMENT_ROLES as INVOLVEMENT_ROLES
from familyhubs_sdk.views._vocab import EventStatus as EventStatus
from familyhubs_sdk.views._vocab import IdentifierType as IdentifierType
from familyhubs_sdk.views._vocab import Sensitivity as Sensitivity

__all__ = [
    "CANONICAL_VIEWS",
    "EVENT_KINDS",
    "INVOLVEMENT_ROLES",
    "CanonicalRecord",
    "ColumnSpec",
    "CompiledCatalog",
    "EventStatus",
    "FamilyMembership",
    "IdentifierType",
    "IndexUse",
    "Involvement",
    "Lookup",
    "Person",
    "PersonLink",
    "Professional",
    "ProfessionalContactPoint",
    "Sensitivity",
    "SourceCoverage",
    "TimelineEvent",
    "ViewCatalog",
    "ViewDefinition",
    "WarehouseCheck",
    "check_catalog",
    "check_warehouse",
    "create_views",
    "explain_lookups",
    "is_valid_nhs_number",
    "is_valid_upn",
    "recommended_indexes",
]
