"""The public surface changes only on purpose: this test lists it."""

from __future__ import annotations

import importlib
import re

import pytest

import familyhubs_sdk

PUBLIC = {
    "familyhubs_sdk": {"FamilyHubsError", "Settings", "__version__", "load_settings"},
    "familyhubs_sdk.rendering": {
        "Renderer",
        "check_url",
        "is_safe_url",
        "make_environment",
        "render",
        "safe_url",
    },
    "familyhubs_sdk.timeline": {
        "AccessDecision",
        "AccessPolicy",
        "AccessRules",
        "AuditAction",
        "AuditEvent",
        "AuditLog",
        "AuditOutcome",
        "RoleRule",
        "AccessReason",
        "ScreenRequest",
        "ScreenResponse",
        "SearchQuery",
        "Timeline",
        "TimelineScreens",
        "TimelineService",
        "Viewer",
        "MASTER_ID",
        "DeterministicResolver",
        "IdentityResolver",
        "LinkProposal",
        "ProbabilisticLinker",
        "ResolvedSubject",
        "accept_proposals",
        "keys_by_source",
        "link_people",
        "render_access_denied",
        "render_contacts",
        "render_contacts_page",
        "render_family",
        "render_reason_form",
        "render_search_form",
        "render_search_results",
        "render_timeline_page",
        "render_viewed_by",
    },
    "familyhubs_sdk.questiontree": set(
        [
            "Answer",
            "AnswerResult",
            "ChangeResult",
            "CheckReport",
            "ExitPage",
            "FieldError",
            "Group",
            "IndicatedOutcome",
            "JourneyState",
            "Migration",
            "Option",
            "Outcome",
            "Problem",
            "Progress",
            "Question",
            "QuestionTree",
            "Route",
            "Section",
            "Step",
            "SummaryRow",
            "Walk",
            "add_another",
            "answer",
            "back",
            "change",
            "check_tree",
            "current_step",
            "dump_tree",
            "is_complete",
            "load_tree",
            "load_tree_file",
            "mermaid",
            "migrate_state",
            "outcomes",
            "path_answers",
            "progress",
            "remove_repeat",
            "start",
            "summary",
            "walk",
        ]
    ),
    "familyhubs_sdk.support": {
        "CompleteResponse",
        "DraftStore",
        "FlowRequest",
        "FormFlow",
        "InMemoryDraftStore",
        "RedirectResponse",
        "RenderResponse",
        "SQLDraftStore",
        "StoreSubmitter",
        "Submitter",
        "build_flow",
        "default_tree",
    },
    "familyhubs_sdk.views": {
        "CANONICAL_VIEWS",
        "CompiledCatalog",
        "EVENT_KINDS",
        "FamilyMembership",
        "INVOLVEMENT_ROLES",
        "IdentifierType",
        "Involvement",
        "Person",
        "PersonLink",
        "Professional",
        "ProfessionalContactPoint",
        "Sensitivity",
        "SourceCoverage",
        "TimelineEvent",
        "ViewCatalog",
        "ViewDefinition",
        "check_catalog",
        "create_views",
        "explain_lookups",
        "is_valid_nhs_number",
        "is_valid_upn",
        "recommended_indexes",
    },
    "familyhubs_sdk.connectors": {
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
    },
    "familyhubs_sdk.testing": {
        "ConnectorContract",
        "ContractDataset",
        "InMemoryConnector",
        "IndexedConnectorContract",
        "MemorySubmitter",
        "contract_dataset",
        "write_contract_tables",
    },
    "familyhubs_sdk.synthetic": {
        "DEMO_VIEWERS",
        "SOURCE_LABELS",
        "demo_access_rules",
        "demo_timeline_service",
        "SOURCES",
        "Subject",
        "WarehouseSummary",
        "build_warehouse",
        "catalogs",
        "connectors",
    },
    "familyhubs_sdk.store": {
        "UTCDateTime",
        "create_engine",
        "current_revision",
        "head_revision",
        "metadata",
        "upgrade",
    },
}


@pytest.mark.parametrize("module_name", sorted(PUBLIC))
def test_all_lists_exactly_the_public_names(module_name: str) -> None:
    module = importlib.import_module(module_name)
    assert set(module.__all__) == PUBLIC[module_name]
    for name in module.__all__:
        assert getattr(module, name) is not None


def test_version_is_a_version_string() -> None:
    assert re.match(r"^\d+\.\d+", familyhubs_sdk.__version__)


def test_package_ships_type_information() -> None:
    from importlib.resources import files

    assert (files("familyhubs_sdk") / "py.typed").is_file()
